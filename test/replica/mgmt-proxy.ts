// `MgmtProxy`, a WAT canister for the management canister's scenario tests:
// it forwards raw Candid to `aaaaa-aa` and reports the exact answer (reply
// bytes, or reject code and message), and it writes canister log records.
//
//   update `call`   arg = [name length u8][method name][Candid argument]; calls
//                   aaaaa-aa; replies 'R' ‖ reply bytes, or 'J' ‖ reject code (u8) ‖
//                   reject message, or 'E' ‖ call_perform's error (u8)
//   composite query `ccall`  the same from a composite query
//   update `print`  debug_prints its argument, replies empty
//   update `boom`   traps with its argument as the message
//   update `unreachable`  executes `unreachable`
//   query  `hello`  replies "hi"
//
// `withMetadata` appends `icp:public <name>` / `icp:private <name>` custom
// sections to a module.
import { IDL } from '@dfinity/candid';
import { watToWasm } from '../corpus/wat.ts';

const PROXY_WAT = `(module
  (import "ic0" "msg_reply" (func $reply))
  (import "ic0" "msg_reply_data_append" (func $append (param i32 i32)))
  (import "ic0" "msg_reject_code" (func $reject_code (result i32)))
  (import "ic0" "msg_reject_msg_size" (func $reject_msg_size (result i32)))
  (import "ic0" "msg_reject_msg_copy" (func $reject_msg_copy (param i32 i32 i32)))
  (import "ic0" "msg_arg_data_size" (func $arg_size (result i32)))
  (import "ic0" "msg_arg_data_copy" (func $arg_copy (param i32 i32 i32)))
  (import "ic0" "call_new" (func $call_new (param i32 i32 i32 i32 i32 i32 i32 i32)))
  (import "ic0" "call_data_append" (func $call_data (param i32 i32)))
  (import "ic0" "call_perform" (func $perform (result i32)))
  (import "ic0" "debug_print" (func $print (param i32 i32)))
  (import "ic0" "trap" (func $trap (param i32 i32)))
  (memory 2)
  (data (i32.const 0x40) "hi")
  (table 2 funcref)
  (elem (i32.const 0) $on_reply $on_reject)
  (func (export "canister_update call") (call $forward))
  (func (export "canister_composite_query ccall") (call $forward))
  (func $forward (local $n i32) (local $len i32)
    (local.set $n (call $arg_size))
    (call $arg_copy (i32.const 0x1000) (i32.const 0) (local.get $n))
    (local.set $len (i32.load8_u (i32.const 0x1000)))
    (call $call_new (i32.const 0) (i32.const 0) (i32.const 0x1001) (local.get $len) (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 0))
    (call $call_data (i32.add (i32.const 0x1001) (local.get $len)) (i32.sub (i32.sub (local.get $n) (local.get $len)) (i32.const 1)))
    (i32.store8 (i32.const 0x101) (call $perform))
    (if (i32.load8_u (i32.const 0x101)) (then
      (i32.store8 (i32.const 0x100) (i32.const 69)) (call $append (i32.const 0x100) (i32.const 2)) (call $reply))))
  (func $on_reply (param $env i32)
    (i32.store8 (i32.const 0x100) (i32.const 82)) (call $append (i32.const 0x100) (i32.const 1))
    (call $arg_copy (i32.const 0x1000) (i32.const 0) (call $arg_size)) (call $append (i32.const 0x1000) (call $arg_size)) (call $reply))
  (func $on_reject (param $env i32)
    (i32.store8 (i32.const 0x100) (i32.const 74)) (i32.store8 (i32.const 0x101) (call $reject_code)) (call $append (i32.const 0x100) (i32.const 2))
    (call $reject_msg_copy (i32.const 0x1000) (i32.const 0) (call $reject_msg_size)) (call $append (i32.const 0x1000) (call $reject_msg_size)) (call $reply))
  (func (export "canister_update print")
    (call $arg_copy (i32.const 0x1000) (i32.const 0) (call $arg_size)) (call $print (i32.const 0x1000) (call $arg_size)) (call $reply))
  (func (export "canister_update boom")
    (call $arg_copy (i32.const 0x1000) (i32.const 0) (call $arg_size)) (call $trap (i32.const 0x1000) (call $arg_size)))
  (func (export "canister_update unreachable") unreachable)
  (func (export "canister_query hello") (call $append (i32.const 0x40) (i32.const 2)) (call $reply)))`;

let compiled: Promise<Uint8Array> | undefined;
/** The proxy's module. */
export function proxyWasm(): Promise<Uint8Array> {
  compiled ??= watToWasm(PROXY_WAT, undefined, 'mgmt-proxy.wat');
  return compiled;
}

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** `wasm` with custom sections appended (`name` is the full section name, e.g. `icp:public candid:service`). */
export function withCustomSections(wasm: Uint8Array, sections: readonly (readonly [string, Uint8Array])[]): Uint8Array {
  const parts: number[] = [...wasm];
  for (const [name, data] of sections) {
    const nameBytes = [...new TextEncoder().encode(name)];
    const body = [...leb(nameBytes.length), ...nameBytes, ...data];
    parts.push(0, ...leb(body.length), ...body);
  }
  return Uint8Array.from(parts);
}

/** The answer the proxy reports for one call. */
export type ProxyAnswer =
  | { readonly kind: 'reply'; readonly bytes: Uint8Array }
  | { readonly kind: 'reject'; readonly code: number; readonly message: string }
  | { readonly kind: 'callError'; readonly code: number };

/** The proxy's `call` argument for `method` and Candid `arg`. */
export function proxyArg(method: string, arg: Uint8Array): Uint8Array {
  const name = new TextEncoder().encode(method);
  return Uint8Array.from([name.length, ...name, ...arg]);
}

/** Decodes the proxy's `call` reply. */
export function proxyAnswer(bytes: Uint8Array): ProxyAnswer {
  const tag = String.fromCharCode(bytes[0]);
  if (tag === 'R') return { kind: 'reply', bytes: bytes.slice(1) };
  if (tag === 'J') return { kind: 'reject', code: bytes[1], message: new TextDecoder().decode(bytes.slice(2)) };
  return { kind: 'callError', code: bytes[1] };
}

export { IDL };
