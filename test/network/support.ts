// Helpers of the network scenario tests: a network of application subnets
// with their canister ranges, and canisters created on a chosen subnet.
import { compileMotoko } from '../corpus/motoko.ts';
import { watToWasm } from '../corpus/wat.ts';
import { Network } from '../../src/network/index.ts';
import type { NetworkOptions, Subnet } from '../../src/network/index.ts';
import { decodeCreateResult, encodeInstallCodeArgs, encodeProvisionalCreateArgs } from '../../src/replica/index.ts';
import { CanisterId, MANAGEMENT_CANISTER_ID } from '../../src/types/index.ts';
import type { CanisterIdRange } from '../../src/state/index.ts';

/** Subnet i hosts ids [(i + 1)·2^20, (i + 2)·2^20 − 1]: ids 0..2^20 − 1 stay on no subnet. */
export function rangeOf(i: number): CanisterIdRange {
  const start = BigInt(i + 1) << 20n;
  return { start: CanisterId.fromU64(start), end: CanisterId.fromU64(start + (1n << 20n) - 1n) };
}

/** A network of `n` application subnets (subnet i with {@link rangeOf}(i)). */
export function appNetwork(n: number, opts: Partial<NetworkOptions> = {}): Promise<Network> {
  return Network.create({ ...opts, subnets: Array.from({ length: n }, (_, i) => ({ subnetType: 'application' as const, ranges: [rangeOf(i)] })) });
}

/** Creates a canister on `subnet` (provisional, `cycles`) and installs `wasm`. */
export async function installOn(net: Network, subnet: Subnet, wasm: Uint8Array, cycles = 100_000_000_000_000n): Promise<CanisterId> {
  const effectiveCanisterId = subnet.ranges[0].start;
  const id = decodeCreateResult(await net.updateCall(MANAGEMENT_CANISTER_ID, 'provisional_create_canister_with_cycles',
    encodeProvisionalCreateArgs({ amount: cycles }), { effectiveCanisterId }));
  await net.updateCall(MANAGEMENT_CANISTER_ID, 'install_code', encodeInstallCodeArgs({ mode: 'install', canisterId: id, wasmModule: wasm, arg: new Uint8Array([0x44, 0x49, 0x44, 0x4c, 0, 0]) }));
  return id;
}

/**
 * `Wallet`: sends cycles with calls and takes what it is sent.
 * - send(peer, amount, keep): calls peer.take(keep) with `amount` cycles
 *   attached; returns what was refunded and "took <n>" or "reject <code> <message>".
 * - take(keep): accepts up to `keep` of the cycles attached.
 * - balance(): its balance.
 */
export const WALLET_MO = `
import Cycles "mo:core/Cycles";
import Error "mo:core/Error";
import Principal "mo:core/Principal";

persistent actor Wallet {
  type Peer = actor { take : (Nat) -> async Nat };

  public func send(peer : Principal, amount : Nat, keep : Nat) : async (Nat, Text) {
    let p : Peer = actor (Principal.toText(peer));
    try {
      let took = await (with cycles = amount) p.take(keep);
      (Cycles.refunded(), "took " # debug_show took)
    } catch (e) {
      (Cycles.refunded(), "reject " # Error.message(e))
    }
  };

  public func take(keep : Nat) : async Nat { Cycles.accept<system>(keep) };

  public query func balance() : async Nat { Cycles.balance() };
};
`;

/** The compiled `Wallet`. */
export function walletWasm(): Promise<Uint8Array> {
  return compileMotoko(WALLET_MO);
}

/**
 * `relay` (WAT): its update `relay` takes
 * `[cycles u64 LE][callee length u32 LE][callee][method length u32 LE][method][payload]`,
 * calls the callee (an empty callee is `aaaaa-aa`) with those cycles
 * attached and replies `[0x00 | reject code u8][refunded cycles u128 LE]`
 * followed by the reply or the reject message. Its instruction
 * counts do not depend on the callee's id, so what a call costs it can be
 * compared between callees.
 */
export const RELAY_WAT = `(module
  (import "ic0" "msg_arg_data_size" (func $arg_size (result i32)))
  (import "ic0" "msg_arg_data_copy" (func $arg_copy (param i32 i32 i32)))
  (import "ic0" "call_new" (func $call_new (param i32 i32 i32 i32 i32 i32 i32 i32)))
  (import "ic0" "call_data_append" (func $call_append (param i32 i32)))
  (import "ic0" "call_cycles_add128" (func $cycles_add (param i64 i64)))
  (import "ic0" "call_perform" (func $perform (result i32)))
  (import "ic0" "msg_reply_data_append" (func $append (param i32 i32)))
  (import "ic0" "msg_reply" (func $reply))
  (import "ic0" "msg_reject_code" (func $reject_code (result i32)))
  (import "ic0" "msg_reject_msg_size" (func $reject_size (result i32)))
  (import "ic0" "msg_reject_msg_copy" (func $reject_copy (param i32 i32 i32)))
  (import "ic0" "msg_cycles_refunded128" (func $refunded (param i32)))
  (import "ic0" "trap" (func $trap (param i32 i32)))
  (memory 4)
  (table (export "table") 2 funcref)
  (elem (i32.const 0) $on_reply $on_reject)
  (func (export "canister_update relay")
    (local $n i32) (local $c i32) (local $m i32) (local $method i32) (local $payload i32)
    (local.set $n (call $arg_size))
    (call $arg_copy (i32.const 0x100) (i32.const 0) (local.get $n))
    (local.set $c (i32.load (i32.const 0x108)))
    (local.set $m (i32.load (i32.add (i32.const 0x10c) (local.get $c))))
    (local.set $method (i32.add (i32.const 0x110) (local.get $c)))
    (local.set $payload (i32.add (local.get $method) (local.get $m)))
    (call $call_new (i32.const 0x10c) (local.get $c) (local.get $method) (local.get $m) (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 0))
    (call $call_append (local.get $payload) (i32.sub (i32.add (i32.const 0x100) (local.get $n)) (local.get $payload)))
    (call $cycles_add (i64.const 0) (i64.load (i32.const 0x100)))
    (if (call $perform) (then (call $trap (i32.const 0) (i32.const 0)))))
  (func $header (param $tag i32)
    (i32.store8 (i32.const 0) (local.get $tag))
    (call $refunded (i32.const 1))
    (call $append (i32.const 0) (i32.const 17)))
  (func $on_reply (param $env i32) (local $n i32)
    (call $header (i32.const 0))
    (local.set $n (call $arg_size))
    (call $arg_copy (i32.const 0x100) (i32.const 0) (local.get $n))
    (call $append (i32.const 0x100) (local.get $n))
    (call $reply))
  (func $on_reject (param $env i32) (local $n i32)
    (call $header (call $reject_code))
    (local.set $n (call $reject_size))
    (call $reject_copy (i32.const 0x100) (i32.const 0) (local.get $n))
    (call $append (i32.const 0x100) (local.get $n))
    (call $reply)))`;

/** The argument of `relay`. */
export function relayArg(callee: CanisterId | undefined, method: string, payload: Uint8Array, cycles: bigint): Uint8Array {
  const c = callee?.toUint8Array() ?? new Uint8Array(0);
  const m = new TextEncoder().encode(method);
  const out = new Uint8Array(16 + c.length + m.length + payload.length);
  const v = new DataView(out.buffer);
  v.setBigUint64(0, cycles, true);
  v.setUint32(8, c.length, true);
  out.set(c, 12);
  v.setUint32(12 + c.length, m.length, true);
  out.set(m, 16 + c.length);
  out.set(payload, 16 + c.length + m.length);
  return out;
}

/** What `relay` answered: 0 for a reply, else the reject code; the cycles refunded; the reply or reject message. */
export function relayAnswer(bytes: Uint8Array): { code: number; refunded: bigint; payload: Uint8Array } {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { code: bytes[0], refunded: v.getBigUint64(1, true) + (v.getBigUint64(9, true) << 64n), payload: bytes.slice(17) };
}

/** The compiled `relay`. */
export function relayWasm(): Promise<Uint8Array> {
  return watToWasm(RELAY_WAT);
}
