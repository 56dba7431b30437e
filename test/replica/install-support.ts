// Helpers of the install-code and chunk-store scenario tests: the Candid of
// the methods, a proxy canister that forwards raw Candid to `aaaaa-aa` and
// reports the exact answer (its heap holds arguments up to 2 MiB, so it can
// upload chunks of its own), and modules built in the tests.
//
//   proxy update `call`  arg = [name length u8][method name][Candid argument];
//                        replies 'R' ‖ reply bytes, or 'J' ‖ reject code (u8) ‖ message
//   proxy query `hello`  replies "hi"
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { IDL } from '@dfinity/candid';
import { CanisterId, PrincipalId, UserErrorException } from '../../src/index.ts';
import type { Replica } from '../../src/index.ts';
import { watToWasm } from '../corpus/wat.ts';
import { enc, p } from './support.ts';

export const MGMT = CanisterId.fromText('aaaaa-aa');
export const USER = PrincipalId.fromUint8Array(Uint8Array.of(0x0a, 0x0b, 0x05));
export const STRANGER = PrincipalId.fromUint8Array(Uint8Array.of(0x0a, 0x0b, 0x06));
export const sha256 = (b: Uint8Array): Uint8Array => Uint8Array.from(createHash('sha256').update(b).digest());
export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

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
  (memory 40)
  (data (i32.const 0x40) "hi")
  (table 2 funcref)
  (elem (i32.const 0) $on_reply $on_reject)
  (func (export "canister_update call") (local $n i32) (local $len i32)
    (local.set $n (call $arg_size))
    (call $arg_copy (i32.const 0x10000) (i32.const 0) (local.get $n))
    (local.set $len (i32.load8_u (i32.const 0x10000)))
    (call $call_new (i32.const 0) (i32.const 0) (i32.const 0x10001) (local.get $len) (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 0))
    (call $call_data (i32.add (i32.const 0x10001) (local.get $len)) (i32.sub (i32.sub (local.get $n) (local.get $len)) (i32.const 1)))
    (drop (call $perform)))
  (func $on_reply (param $env i32)
    (i32.store8 (i32.const 0x100) (i32.const 82)) (call $append (i32.const 0x100) (i32.const 1))
    (call $arg_copy (i32.const 0x10000) (i32.const 0) (call $arg_size)) (call $append (i32.const 0x10000) (call $arg_size)) (call $reply))
  (func $on_reject (param $env i32)
    (i32.store8 (i32.const 0x100) (i32.const 74)) (i32.store8 (i32.const 0x101) (call $reject_code)) (call $append (i32.const 0x100) (i32.const 2))
    (call $reject_msg_copy (i32.const 0x10000) (i32.const 0) (call $reject_msg_size)) (call $append (i32.const 0x10000) (call $reject_msg_size)) (call $reply))
  (func (export "canister_query hello") (call $append (i32.const 0x40) (i32.const 2)) (call $reply)))`;

let proxy: Promise<Uint8Array> | undefined;
/** The proxy's module. */
export function proxyWasm(): Promise<Uint8Array> {
  return (proxy ??= watToWasm(PROXY_WAT, undefined, 'install-proxy.wat'));
}

/** What the proxy reports for one call. */
export type ProxyAnswer = { readonly kind: 'reply'; readonly bytes: Uint8Array } | { readonly kind: 'reject'; readonly code: number; readonly message: string };

/** Calls `method` of `aaaaa-aa` from canister `proxyId` (sent by `sender`, a controller of the proxy). */
export async function viaProxy(ic: Replica, proxyId: CanisterId, method: string, arg: Uint8Array, sender: PrincipalId = USER): Promise<ProxyAnswer> {
  const name = new TextEncoder().encode(method);
  const bytes = await ic.updateCall(proxyId, 'call', Uint8Array.from([name.length, ...name, ...arg]), { sender });
  if (bytes[0] === 82) return { kind: 'reply', bytes: bytes.slice(1) };
  return { kind: 'reject', code: bytes[1], message: new TextDecoder().decode(bytes.slice(2)) };
}

/** Asserts the proxy got reject `code` with `message` (a string: exactly; a RegExp: matching). */
export function assertReject(a: ProxyAnswer, code: number, message: string | RegExp): void {
  assert.equal(a.kind, 'reject', a.kind === 'reply' ? 'replied' : '');
  if (a.kind !== 'reject') return;
  assert.equal(a.code, code, a.message);
  if (typeof message === 'string') assert.equal(a.message, message);
  else assert.match(a.message, message);
}

/** Asserts that `promise` rejects with a `UserErrorException` of `code` and `description` (exact, or matching). */
export async function rejectsWith(promise: Promise<unknown>, code: number, description: string | RegExp): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof UserErrorException, String(e));
    assert.equal(e.userError.code, code, e.message);
    if (typeof description === 'string') assert.equal(e.userError.description, description);
    else assert.match(e.userError.description, description);
    return true;
  });
}

// ---- Candid -----------------------------------------------------------

const Mode = IDL.Variant({
  install: IDL.Null, reinstall: IDL.Null,
  upgrade: IDL.Opt(IDL.Record({ skip_pre_upgrade: IDL.Opt(IDL.Bool), wasm_memory_persistence: IDL.Opt(IDL.Variant({ keep: IDL.Null, replace: IDL.Null })) })),
});
const ChunkHash = IDL.Record({ hash: IDL.Vec(IDL.Nat8) });
export const UploadChunkResult = ChunkHash;
export const StoredChunksResult = IDL.Vec(ChunkHash);

export type Mode = { install: null } | { reinstall: null } | { upgrade: [] | [{ skip_pre_upgrade: [] | [boolean]; wasm_memory_persistence: [] | [{ keep: null }] }] };
export const INSTALL: Mode = { install: null };
export const REINSTALL: Mode = { reinstall: null };
export const UPGRADE_KEEP: Mode = { upgrade: [{ skip_pre_upgrade: [], wasm_memory_persistence: [{ keep: null }] }] };

export function installCodeArg(mode: Mode, id: CanisterId, wasm: Uint8Array, arg: Uint8Array = new Uint8Array(0), senderVersion?: bigint): Uint8Array {
  return enc([IDL.Record({ mode: Mode, canister_id: IDL.Principal, wasm_module: IDL.Vec(IDL.Nat8), arg: IDL.Vec(IDL.Nat8), sender_canister_version: IDL.Opt(IDL.Nat64) })],
    [{ mode, canister_id: p(id), wasm_module: wasm, arg, sender_canister_version: senderVersion === undefined ? [] : [senderVersion] }]);
}

export function installChunkedArg(
  mode: Mode, target: CanisterId, store: CanisterId | undefined, hashes: readonly Uint8Array[], moduleHash: Uint8Array, arg: Uint8Array = new Uint8Array(0),
): Uint8Array {
  return enc([IDL.Record({
    mode: Mode, target_canister: IDL.Principal, store_canister: IDL.Opt(IDL.Principal), chunk_hashes_list: IDL.Vec(ChunkHash),
    wasm_module_hash: IDL.Vec(IDL.Nat8), arg: IDL.Vec(IDL.Nat8), sender_canister_version: IDL.Opt(IDL.Nat64),
  })], [{
    mode, target_canister: p(target), store_canister: store === undefined ? [] : [p(store)], chunk_hashes_list: hashes.map((hash) => ({ hash })),
    wasm_module_hash: moduleHash, arg, sender_canister_version: [],
  }]);
}

export const uninstallArg = (id: CanisterId, senderVersion?: bigint): Uint8Array =>
  enc([IDL.Record({ canister_id: IDL.Principal, sender_canister_version: IDL.Opt(IDL.Nat64) })],
    [{ canister_id: p(id), sender_canister_version: senderVersion === undefined ? [] : [senderVersion] }]);
export const uploadArg = (id: CanisterId, chunk: Uint8Array): Uint8Array =>
  enc([IDL.Record({ canister_id: IDL.Principal, chunk: IDL.Vec(IDL.Nat8) })], [{ canister_id: p(id), chunk }]);
export const canisterIdArg = (id: CanisterId): Uint8Array => enc([IDL.Record({ canister_id: IDL.Principal })], [{ canister_id: p(id) }]);
/** Candid that is not a record with `canister_id`. */
export const MALFORMED = enc([IDL.Text], ['not a record']);

export const decodeHash = (bytes: Uint8Array): Uint8Array => Uint8Array.from((IDL.decode([ChunkHash], bytes)[0] as { hash: number[] }).hash);
export const decodeHashes = (bytes: Uint8Array): Uint8Array[] =>
  (IDL.decode([StoredChunksResult], bytes)[0] as { hash: number[] }[]).map((h) => Uint8Array.from(h.hash));

/** The replica's help line: `\n<suggestion> See documentation: <link>`. */
export const help = (suggestion: string, anchor: string): string =>
  `\n${suggestion} See documentation: https://docs.internetcomputer.org/references/execution-errors#${anchor}`;
export const CONTROLLER_HELP = help('Execute this call from a controller of the target canister or add the current caller as a controller.', 'invalid-controller');
export const NOT_FOUND_HELP = help('Check the ICP dashboard to ensure the canister exists.', 'canister-not-found');
export const CHUNK_HELP = help('Use the `stored_chunks` API to check which hashes are present or top up the canister if it is low on cycles.', 'wasm-chunk-store-error');

/** IC0512's text for `canister` and `sender`. */
export function notControllerText(ic: Replica, canister: CanisterId, sender: PrincipalId): string {
  const controllers = ic.committedState.canister(canister)?.systemState.controllers.map((c) => c.toText()).join(' ');
  return `Only the controllers of the canister ${canister.toText()} can control it.\nCanister's controllers: ${controllers}\nSender's ID: ${sender.toText()}${CONTROLLER_HELP}`;
}
