// The proxy canister of the management canister's scenario tests (the one
// WAT canister that forwards calls to `aaaaa-aa`): it forwards raw Candid
// with the cycles asked for and reports exactly what a canister sees — the
// reply or the reject code and message, the cycles refunded, or
// call_perform's error. Its heap holds arguments up to 2 MiB (it can upload
// chunks of its own).
//
//   update `call`, composite query `ccall`
//       arg    [cycles u64 LE][method length u8][method][Candid argument]
//       reply  'R' ‖ refunded u128 LE ‖ reply bytes
//              'J' ‖ refunded u128 LE ‖ reject code u8 ‖ reject message
//              'E' ‖ call_perform's error code u8
//       (a composite query attaches no cycles and reports 0 refunded)
//   update `burn`      burns the u128 LE amount of its argument (`cycles_burn128`), replies the amount burned
//   update `print`     debug_prints its argument, replies empty
//   update `boom`      traps with its argument as the message
//   update `unreachable`  executes `unreachable`
//   query  `hello`     replies "hi"
//   query  `transform_trap`  traps with "transform trapped" (an HTTPS-outcall transform that fails)
//
// `withCustomSections` (test/corpus/wat.ts) appends `icp:public <name>` /
// `icp:private <name>` custom sections to a module.
import assert from 'node:assert/strict';
import type { CanisterId, PrincipalId, Replica } from '../../src/index.ts';
import { watToWasm, withCustomSections } from '../corpus/wat.ts';

export { withCustomSections };

const PROXY_WAT = `(module
  (import "ic0" "msg_reply" (func $reply))
  (import "ic0" "msg_reply_data_append" (func $append (param i32 i32)))
  (import "ic0" "msg_reject_code" (func $reject_code (result i32)))
  (import "ic0" "msg_reject_msg_size" (func $reject_msg_size (result i32)))
  (import "ic0" "msg_reject_msg_copy" (func $reject_msg_copy (param i32 i32 i32)))
  (import "ic0" "msg_arg_data_size" (func $arg_size (result i32)))
  (import "ic0" "msg_arg_data_copy" (func $arg_copy (param i32 i32 i32)))
  (import "ic0" "msg_cycles_refunded128" (func $refunded (param i32)))
  (import "ic0" "call_new" (func $call_new (param i32 i32 i32 i32 i32 i32 i32 i32)))
  (import "ic0" "call_data_append" (func $call_data (param i32 i32)))
  (import "ic0" "call_cycles_add128" (func $cycles_add (param i64 i64)))
  (import "ic0" "call_perform" (func $perform (result i32)))
  (import "ic0" "cycles_burn128" (func $burn (param i64 i64 i32)))
  (import "ic0" "debug_print" (func $print (param i32 i32)))
  (import "ic0" "trap" (func $trap (param i32 i32)))
  (memory 40)
  (data (i32.const 0x40) "hi")
  (data (i32.const 0x60) "transform trapped")
  (table 2 funcref)
  (elem (i32.const 0) $on_reply $on_reject)
  (func (export "canister_update call") (call $forward (i32.const 1)))
  (func (export "canister_composite_query ccall") (call $forward (i32.const 0)))
  ;; $update: 1 in an update (cycles attached, refunds reported), 0 in a composite query
  (func $forward (param $update i32) (local $n i32) (local $len i32)
    (local.set $n (call $arg_size))
    (call $arg_copy (i32.const 0x10000) (i32.const 0) (local.get $n))
    (local.set $len (i32.load8_u (i32.const 0x10008)))
    (call $call_new (i32.const 0) (i32.const 0) (i32.const 0x10009) (local.get $len)
      (i32.const 0) (local.get $update) (i32.const 1) (local.get $update))
    (call $call_data (i32.add (i32.const 0x10009) (local.get $len)) (i32.sub (local.get $n) (i32.add (i32.const 9) (local.get $len))))
    (if (local.get $update) (then (call $cycles_add (i64.const 0) (i64.load (i32.const 0x10000)))))
    (i32.store8 (i32.const 0x101) (call $perform))
    (if (i32.load8_u (i32.const 0x101)) (then
      (i32.store8 (i32.const 0x100) (i32.const 69)) (call $append (i32.const 0x100) (i32.const 2)) (call $reply))))
  (func $header (param $tag i32) (param $update i32)
    (i32.store8 (i32.const 0x100) (local.get $tag))
    (i64.store (i32.const 0x101) (i64.const 0))
    (i64.store (i32.const 0x109) (i64.const 0))
    (if (local.get $update) (then (call $refunded (i32.const 0x101))))
    (call $append (i32.const 0x100) (i32.const 17)))
  (func $on_reply (param $update i32)
    (call $header (i32.const 82) (local.get $update))
    (call $arg_copy (i32.const 0x10000) (i32.const 0) (call $arg_size))
    (call $append (i32.const 0x10000) (call $arg_size))
    (call $reply))
  (func $on_reject (param $update i32)
    (call $header (i32.const 74) (local.get $update))
    (i32.store8 (i32.const 0x100) (call $reject_code))
    (call $append (i32.const 0x100) (i32.const 1))
    (call $reject_msg_copy (i32.const 0x10000) (i32.const 0) (call $reject_msg_size))
    (call $append (i32.const 0x10000) (call $reject_msg_size))
    (call $reply))
  (func (export "canister_update burn")
    (call $arg_copy (i32.const 0x200) (i32.const 0) (i32.const 16))
    (call $burn (i64.load (i32.const 0x208)) (i64.load (i32.const 0x200)) (i32.const 0x210))
    (call $append (i32.const 0x210) (i32.const 16))
    (call $reply))
  (func (export "canister_update print")
    (call $arg_copy (i32.const 0x10000) (i32.const 0) (call $arg_size)) (call $print (i32.const 0x10000) (call $arg_size)) (call $reply))
  (func (export "canister_update boom")
    (call $arg_copy (i32.const 0x10000) (i32.const 0) (call $arg_size)) (call $trap (i32.const 0x10000) (call $arg_size)))
  (func (export "canister_update unreachable") unreachable)
  (func (export "canister_query hello") (call $append (i32.const 0x40) (i32.const 2)) (call $reply))
  (func (export "canister_query transform_trap") (call $trap (i32.const 0x60) (i32.const 17))))`;

let compiled: Promise<Uint8Array> | undefined;
/** The proxy's module. */
export function proxyWasm(): Promise<Uint8Array> {
  compiled ??= watToWasm(PROXY_WAT, undefined, 'mgmt-proxy.wat');
  return compiled;
}

/** A new proxy canister on `ic` (created by `sender`, controlled by `controllers` or the sender). */
export async function proxyCanister(
  ic: Replica, opts: { readonly sender?: PrincipalId; readonly controllers?: readonly PrincipalId[]; readonly cycles?: bigint; readonly wasm?: Uint8Array } = {},
): Promise<CanisterId> {
  const sender = opts.sender === undefined ? {} : { sender: opts.sender };
  const id = await ic.createCanister({ ...sender, ...(opts.controllers === undefined ? {} : { controllers: opts.controllers }), ...(opts.cycles === undefined ? {} : { cycles: opts.cycles }) });
  await ic.installCode(id, opts.wasm ?? await proxyWasm(), undefined, 'install', sender);
  return id;
}

/** What the proxy reports for one call. */
export type ProxyAnswer =
  | { readonly kind: 'reply'; readonly bytes: Uint8Array; readonly refunded: bigint }
  | { readonly kind: 'reject'; readonly code: number; readonly message: string; readonly refunded: bigint }
  | { readonly kind: 'callError'; readonly code: number };

/** The proxy's `call`/`ccall` argument: `method` of aaaaa-aa with Candid `arg` and `cycles` attached. */
export function proxyArg(method: string, arg: Uint8Array, cycles = 0n): Uint8Array {
  const name = new TextEncoder().encode(method);
  const out = new Uint8Array(9 + name.length + arg.length);
  new DataView(out.buffer).setBigUint64(0, cycles, true);
  out[8] = name.length;
  out.set(name, 9);
  out.set(arg, 9 + name.length);
  return out;
}

/** Decodes the proxy's `call`/`ccall` reply. */
export function proxyAnswer(bytes: Uint8Array): ProxyAnswer {
  const tag = String.fromCharCode(bytes[0]);
  if (tag === 'E') return { kind: 'callError', code: bytes[1] };
  const v = new DataView(bytes.buffer, bytes.byteOffset + 1, 16);
  const refunded = v.getBigUint64(0, true) + (v.getBigUint64(8, true) << 64n);
  if (tag === 'R') return { kind: 'reply', bytes: bytes.slice(17), refunded };
  return { kind: 'reject', code: bytes[17], message: new TextDecoder().decode(bytes.slice(18)), refunded };
}

/** Calls `method` of aaaaa-aa from the proxy `proxy` (by ingress from `sender`, with `cycles` attached). */
export async function viaProxy(
  ic: Replica, proxy: CanisterId, method: string, arg: Uint8Array, opts: { readonly sender?: PrincipalId; readonly cycles?: bigint } = {},
): Promise<ProxyAnswer> {
  return proxyAnswer(await ic.updateCall(proxy, 'call', proxyArg(method, arg, opts.cycles), opts.sender === undefined ? {} : { sender: opts.sender }));
}

/** Asserts the proxy got reject `code` with `message` (a string: exactly; a RegExp: matching). */
export function assertReject(a: ProxyAnswer, code: number, message: string | RegExp): void {
  assert.equal(a.kind, 'reject', JSON.stringify(a, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
  if (a.kind !== 'reject') return;
  assert.equal(a.code, code, a.message);
  if (typeof message === 'string') assert.equal(a.message, message);
  else assert.match(a.message, message);
}
