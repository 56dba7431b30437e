// Helpers of the snapshot tests: Candid of the snapshot methods, calls by
// ingress and from a canister (the proxy canister of test/replica/mgmt-proxy.ts,
// which forwards raw Candid to `aaaaa-aa`), and assertions on rejects (error
// code, reject code, exact text).
import type { IDL } from '@dfinity/candid';
import { rejectCodeOf } from '../errors/index.ts';
import type { ErrorCode } from '../errors/index.ts';
import { Replica } from '../replica/index.ts';
import type { CanisterId, PrincipalId } from '../types/index.ts';
import { assertReject, proxyCanister, viaProxy } from '../../test/replica/mgmt-proxy.ts';
import type { ProxyAnswer } from '../../test/replica/mgmt-proxy.ts';
import { MGMT, hex, p } from '../../test/replica/support.ts';
import { encode } from './candid.ts';
import {
  DeleteCanisterSnapshotArgs, ListCanisterSnapshotsArgs, ListCanisterSnapshotsResult, LoadCanisterSnapshotArgs, ReadCanisterSnapshotDataArgs,
  ReadCanisterSnapshotDataResponse, ReadCanisterSnapshotMetadataArgs, ReadCanisterSnapshotMetadataResponse, Snapshot, TakeCanisterSnapshotArgs,
  UploadCanisterSnapshotDataArgs, UploadCanisterSnapshotMetadataArgs, UploadCanisterSnapshotMetadataResponse,
} from './snapshot-candid.ts';
import type { ReadDataKind, UploadDataKind, UploadMetadataArgsValue } from './snapshot-candid.ts';
import { decodeCandid } from '../messaging/index.ts';

export { MGMT, hex, p };

/** The u64 at the start of `b`, little-endian (the WAT counter's reply). */
export const u64 = (b: Uint8Array): bigint => Buffer.from(b).readBigUInt64LE(0);

/** The bytes of snapshot id `n` of canister `c`: the local id (u64 big-endian), then the canister id. */
export function localId(c: CanisterId, n: bigint): Uint8Array {
  const b = new Uint8Array(8 + c.byteLength);
  new DataView(b.buffer).setBigUint64(0, n, false);
  b.set(c.bytesView(), 8);
  return b;
}
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

/** Asserts a canister got the reject of `code` (reject code = its first digit) with exactly `text`, the bare description (no `IC0xxx: `). */
export function assertProxyReject(answer: ProxyAnswer, code: ErrorCode, text: string): void {
  assertReject(answer, rejectCodeOf(code), text);
}

export { Replica, proxyCanister, viaProxy };
export type { ProxyAnswer };
/** Asserts that a promise fails with an error code (and its reject code) and exactly a text. */
export { rejectsWith as rejects } from '../../test/replica/support.ts';

