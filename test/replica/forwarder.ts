// A WAT canister that forwards any call to the management canister: its
// update `forward` takes `[cycles u64 LE][method length u32 LE][method][payload]`,
// calls `aaaaa-aa` with those cycles attached, and replies
//   reply:  [0x00][refunded cycles u128 LE][reply payload]
//   reject: [reject code u8][refunded cycles u128 LE][reject message]
// so a test sees exactly what a canister sees: the answer, the reject code
// and message, and the cycles that came back.
import type { CanisterId, Replica } from '../../src/index.ts';
import { watToWasm } from '../corpus/wat.ts';

export const FORWARDER_WAT = `(module
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
  (memory 8)
  (table (export "table") 2 funcref)
  (elem (i32.const 0) $on_reply $on_reject)
  (func (export "canister_update forward")
    (local $n i32) (local $m i32)
    (local.set $n (call $arg_size))
    (call $arg_copy (i32.const 0x100) (i32.const 0) (local.get $n))
    (local.set $m (i32.load (i32.const 0x108)))
    (call $call_new (i32.const 0) (i32.const 0) (i32.const 0x10c) (local.get $m)
      (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 0))
    (call $call_append (i32.add (i32.const 0x10c) (local.get $m)) (i32.sub (local.get $n) (i32.add (i32.const 12) (local.get $m))))
    (call $cycles_add (i64.const 0) (i64.load (i32.const 0x100)))
    (if (call $perform) (then (call $trap (i32.const 0) (i32.const 0)))))
  (func $header (param $tag i32)
    (i32.store8 (i32.const 0) (local.get $tag))
    (call $refunded (i32.const 1))
    (call $append (i32.const 0) (i32.const 17)))
  (func $on_reply (param $env i32)
    (local $n i32)
    (call $header (i32.const 0))
    (local.set $n (call $arg_size))
    (call $arg_copy (i32.const 0x100) (i32.const 0) (local.get $n))
    (call $append (i32.const 0x100) (local.get $n))
    (call $reply))
  (func $on_reject (param $env i32)
    (local $n i32)
    (call $header (call $reject_code))
    (local.set $n (call $reject_size))
    (call $reject_copy (i32.const 0x100) (i32.const 0) (local.get $n))
    (call $append (i32.const 0x100) (local.get $n))
    (call $reply)))`;

/** What the forwarder saw. */
export type Forwarded =
  | { readonly kind: 'reply'; readonly refunded: bigint; readonly reply: Uint8Array }
  | { readonly kind: 'reject'; readonly code: number; readonly refunded: bigint; readonly message: string };

export async function forwarderWasm(): Promise<Uint8Array<ArrayBuffer>> {
  return watToWasm(FORWARDER_WAT);
}

/** Calls `method` of `aaaaa-aa` from the forwarder `id` with `cycles` attached. */
export async function forward(ic: Replica, id: CanisterId, method: string, payload: Uint8Array, cycles = 0n): Promise<Forwarded> {
  const name = new TextEncoder().encode(method);
  const arg = new Uint8Array(12 + name.length + payload.length);
  const view = new DataView(arg.buffer);
  view.setBigUint64(0, cycles, true);
  view.setUint32(8, name.length, true);
  arg.set(name, 12);
  arg.set(payload, 12 + name.length);
  const out = await ic.updateCall(id, 'forward', arg);
  const refunded = new DataView(out.buffer, out.byteOffset + 1, 16);
  const amount = refunded.getBigUint64(0, true) + (refunded.getBigUint64(8, true) << 64n);
  const rest = out.slice(17);
  return out[0] === 0
    ? { kind: 'reply', refunded: amount, reply: rest }
    : { kind: 'reject', code: out[0], refunded: amount, message: new TextDecoder().decode(rest) };
}
