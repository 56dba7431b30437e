// Helpers of the snapshot tests: Candid of the snapshot methods, calls by
// ingress and from a canister (a WAT proxy that forwards raw Candid to
// `aaaaa-aa` and answers `0x00 ‖ reply` or `reject code ‖ reject message`),
// and assertions on rejects (error code, reject code, exact text).
import assert from 'node:assert/strict';
import type { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { formatUserError, rejectCodeOf } from '../errors/index.ts';
import type { ErrorCode, UserError } from '../errors/index.ts';
import { Replica } from '../replica/index.ts';
import { CanisterId } from '../types/index.ts';
import type { PrincipalId } from '../types/index.ts';
import { watToWasm } from '../../test/corpus/wat.ts';
import { encode } from './candid.ts';
import {
  DeleteCanisterSnapshotArgs, ListCanisterSnapshotsArgs, ListCanisterSnapshotsResult, LoadCanisterSnapshotArgs, ReadCanisterSnapshotDataArgs,
  ReadCanisterSnapshotDataResponse, ReadCanisterSnapshotMetadataArgs, ReadCanisterSnapshotMetadataResponse, Snapshot, TakeCanisterSnapshotArgs,
  UploadCanisterSnapshotDataArgs, UploadCanisterSnapshotMetadataArgs, UploadCanisterSnapshotMetadataResponse,
} from './snapshot-candid.ts';
import type { ReadDataKind, UploadDataKind, UploadMetadataArgsValue } from './snapshot-candid.ts';
import { decodeCandid } from '../messaging/index.ts';

export const MGMT = CanisterId.fromText('aaaaa-aa');
export const p = (id: PrincipalId): Principal => Principal.fromUint8Array(Uint8Array.from(id.bytesView()));
const one = <T>(type: IDL.Type, bytes: Uint8Array): T => decodeCandid([type], bytes)[0] as T;

/** A `snapshot` record as decoded. */
export interface SnapshotRecord { id: Uint8Array; taken_at_timestamp: bigint; total_size: bigint }

/** The argument bytes of each method. */
export const args = {
  take: (c: PrincipalId, replace?: Uint8Array, uninstall?: boolean): Uint8Array => encode([TakeCanisterSnapshotArgs], [{
    canister_id: p(c), replace_snapshot: replace === undefined ? [] : [replace], uninstall_code: uninstall === undefined ? [] : [uninstall], sender_canister_version: [],
  }]),
  load: (c: PrincipalId, id: Uint8Array): Uint8Array => encode([LoadCanisterSnapshotArgs], [{ canister_id: p(c), snapshot_id: id, sender_canister_version: [] }]),
  list: (c: PrincipalId): Uint8Array => encode([ListCanisterSnapshotsArgs], [{ canister_id: p(c) }]),
  delete: (c: PrincipalId, id: Uint8Array): Uint8Array => encode([DeleteCanisterSnapshotArgs], [{ canister_id: p(c), snapshot_id: id }]),
  readMetadata: (c: PrincipalId, id: Uint8Array): Uint8Array => encode([ReadCanisterSnapshotMetadataArgs], [{ canister_id: p(c), snapshot_id: id }]),
  readData: (c: PrincipalId, id: Uint8Array, kind: ReadDataKind): Uint8Array => encode([ReadCanisterSnapshotDataArgs], [{ canister_id: p(c), snapshot_id: id, kind }]),
  uploadMetadata: (m: UploadMetadataArgsValue): Uint8Array => encode([UploadCanisterSnapshotMetadataArgs], [m]),
  uploadData: (c: PrincipalId, id: Uint8Array, kind: UploadDataKind, chunk: Uint8Array): Uint8Array =>
    encode([UploadCanisterSnapshotDataArgs], [{ canister_id: p(c), snapshot_id: id, kind, chunk }]),
};

/** The reply types of each method. */
export const replies = {
  take: (b: Uint8Array): SnapshotRecord => one(Snapshot, b),
  list: (b: Uint8Array): SnapshotRecord[] => one(ListCanisterSnapshotsResult, b),
  readMetadata: (b: Uint8Array): Record<string, unknown> => one(ReadCanisterSnapshotMetadataResponse, b),
  readData: (b: Uint8Array): Uint8Array => Uint8Array.from(one<{ chunk: Uint8Array }>(ReadCanisterSnapshotDataResponse, b).chunk),
  uploadMetadata: (b: Uint8Array): Uint8Array => Uint8Array.from(one<{ snapshot_id: Uint8Array }>(UploadCanisterSnapshotMetadataResponse, b).snapshot_id),
};

/** Calls `aaaaa-aa` by ingress. */
export function mgmt(ic: Replica, method: string, arg: Uint8Array, sender?: PrincipalId): Promise<Uint8Array> {
  return ic.updateCall(MGMT, method, arg, sender === undefined ? {} : { sender });
}

/** Asserts that `promise` fails with `code` (and its reject code) and exactly `text`. */
export async function rejects(promise: Promise<unknown>, code: ErrorCode, text: string): Promise<void> {
  await assert.rejects(promise, (e: Error & { userError?: UserError }) => {
    assert.ok(e.userError !== undefined, e.message);
    assert.equal(e.userError.code, code, e.message);
    assert.equal(e.message, formatUserError({ code, description: text } as UserError));
    return true;
  });
}

/** The WAT proxy (see the module header): `canister_update call` with `u32 LE method length ‖ method ‖ payload`. */
export const PROXY_WAT = `
(module
  (import "ic0" "msg_arg_data_size" (func $arg_size (result i32)))
  (import "ic0" "msg_arg_data_copy" (func $arg_copy (param i32 i32 i32)))
  (import "ic0" "msg_reply_data_append" (func $append (param i32 i32)))
  (import "ic0" "msg_reply" (func $reply))
  (import "ic0" "msg_reject_code" (func $reject_code (result i32)))
  (import "ic0" "msg_reject_msg_size" (func $reject_size (result i32)))
  (import "ic0" "msg_reject_msg_copy" (func $reject_copy (param i32 i32 i32)))
  (import "ic0" "call_new" (func $call_new (param i32 i32 i32 i32 i32 i32 i32 i32)))
  (import "ic0" "call_data_append" (func $call_append (param i32 i32)))
  (import "ic0" "call_perform" (func $call_perform (result i32)))
  (memory 40)
  (table 2 funcref)
  (elem (i32.const 0) $on_reply $on_reject)
  (func (export "canister_update call") (local $n i32) (local $m i32)
    (local.set $n (call $arg_size))
    (call $arg_copy (i32.const 0) (i32.const 0) (local.get $n))
    (local.set $m (i32.load (i32.const 0)))
    (call $call_new (i32.const 0) (i32.const 0) (i32.const 4) (local.get $m) (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 0))
    (call $call_append (i32.add (i32.const 4) (local.get $m)) (i32.sub (local.get $n) (i32.add (i32.const 4) (local.get $m))))
    (drop (call $call_perform)))
  (func $on_reply (param i32) (local $n i32)
    (i32.store8 (i32.const 0) (i32.const 0))
    (local.set $n (call $arg_size))
    (call $arg_copy (i32.const 1) (i32.const 0) (local.get $n))
    (call $append (i32.const 0) (i32.add (local.get $n) (i32.const 1)))
    (call $reply))
  (func $on_reject (param i32) (local $n i32)
    (i32.store8 (i32.const 0) (call $reject_code))
    (local.set $n (call $reject_size))
    (call $reject_copy (i32.const 1) (i32.const 0) (local.get $n))
    (call $append (i32.const 0) (i32.add (local.get $n) (i32.const 1)))
    (call $reply)))
`;

/** A proxy canister on `ic`. */
export async function proxyCanister(ic: Replica): Promise<CanisterId> {
  const id = await ic.createCanister();
  await ic.installCode(id, await watToWasm(PROXY_WAT));
  return id;
}

/** What a canister got from `aaaaa-aa`. */
export type ProxyAnswer = { readonly reply: Uint8Array } | { readonly rejectCode: number; readonly message: string };

/** Calls `method` of `aaaaa-aa` from the proxy canister. */
export async function viaProxy(ic: Replica, proxy: CanisterId, method: string, arg: Uint8Array): Promise<ProxyAnswer> {
  const name = new TextEncoder().encode(method);
  const payload = new Uint8Array(4 + name.length + arg.length);
  new DataView(payload.buffer).setUint32(0, name.length, true);
  payload.set(name, 4);
  payload.set(arg, 4 + name.length);
  const out = await ic.updateCall(proxy, 'call', payload);
  return out[0] === 0 ? { reply: out.subarray(1) } : { rejectCode: out[0], message: new TextDecoder().decode(out.subarray(1)) };
}

/** Asserts a canister got the reject of `code` with exactly `text` (`IC0xxx: text`, reject code = first digit). */
export function assertProxyReject(answer: ProxyAnswer, code: ErrorCode, text: string): void {
  assert.ok('rejectCode' in answer, 'expected a reject');
  assert.equal(answer.rejectCode, rejectCodeOf(code));
  assert.equal(answer.message, formatUserError({ code, description: text } as UserError));
}

export { Replica };
