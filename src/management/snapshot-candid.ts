// Candid of the canister snapshot methods (interface spec `ic.did`,
// `dfinity/developer-docs` public/references/ic.did) and the conversions
// between its values and the state's snapshot types.
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';
import type { CanisterSnapshot, OnLowWasmMemoryHookStatus, SnapshotGlobal } from '../state/index.ts';
import { snapshotModuleSize, memoryBytes } from '../state/index.ts';
import { opt } from './candid.ts';
import type { Opt } from './candid.ts';

const Blob = IDL.Vec(IDL.Nat8);
/** `snapshot_id = blob`. */
export const SnapshotIdType = Blob;

/** `snapshot = record { id; taken_at_timestamp; total_size }`. */
export const Snapshot = IDL.Record({ id: SnapshotIdType, taken_at_timestamp: IDL.Nat64, total_size: IDL.Nat64 });

export const TakeCanisterSnapshotArgs = IDL.Record({
  canister_id: IDL.Principal, replace_snapshot: IDL.Opt(SnapshotIdType), uninstall_code: IDL.Opt(IDL.Bool),
  sender_canister_version: IDL.Opt(IDL.Nat64),
});
export const LoadCanisterSnapshotArgs = IDL.Record({
  canister_id: IDL.Principal, snapshot_id: SnapshotIdType, sender_canister_version: IDL.Opt(IDL.Nat64),
});
export const ListCanisterSnapshotsArgs = IDL.Record({ canister_id: IDL.Principal });
export const ListCanisterSnapshotsResult = IDL.Vec(Snapshot);
export const DeleteCanisterSnapshotArgs = IDL.Record({ canister_id: IDL.Principal, snapshot_id: SnapshotIdType });

/** `vec variant { i32 : int32; i64 : int64; f32 : float32; f64 : float64; v128 : nat }`. */
export const Globals = IDL.Vec(IDL.Variant({ i32: IDL.Int32, i64: IDL.Int64, f32: IDL.Float32, f64: IDL.Float64, v128: IDL.Nat }));
export const GlobalTimer = IDL.Variant({ inactive: IDL.Null, active: IDL.Nat64 });
export const HookStatus = IDL.Variant({ condition_not_satisfied: IDL.Null, ready: IDL.Null, executed: IDL.Null });
export const SnapshotSourceType = IDL.Variant({ taken_from_canister: IDL.Reserved, metadata_upload: IDL.Reserved });

export const ReadCanisterSnapshotMetadataArgs = IDL.Record({ canister_id: IDL.Principal, snapshot_id: SnapshotIdType });
export const ReadCanisterSnapshotMetadataResponse = IDL.Record({
  source: SnapshotSourceType,
  taken_at_timestamp: IDL.Nat64,
  wasm_module_size: IDL.Nat64,
  globals: Globals,
  wasm_memory_size: IDL.Nat64,
  stable_memory_size: IDL.Nat64,
  wasm_chunk_store: IDL.Vec(IDL.Record({ hash: Blob })),
  canister_version: IDL.Nat64,
  certified_data: Blob,
  global_timer: IDL.Opt(GlobalTimer),
  on_low_wasm_memory_hook_status: IDL.Opt(HookStatus),
});

const Slice = IDL.Record({ offset: IDL.Nat64, size: IDL.Nat64 });
export const ReadCanisterSnapshotDataArgs = IDL.Record({
  canister_id: IDL.Principal,
  snapshot_id: SnapshotIdType,
  kind: IDL.Variant({ wasm_module: Slice, wasm_memory: Slice, stable_memory: Slice, wasm_chunk: IDL.Record({ hash: Blob }) }),
});
export const ReadCanisterSnapshotDataResponse = IDL.Record({ chunk: Blob });

export const UploadCanisterSnapshotMetadataArgs = IDL.Record({
  canister_id: IDL.Principal,
  replace_snapshot: IDL.Opt(SnapshotIdType),
  wasm_module_size: IDL.Nat64,
  globals: Globals,
  wasm_memory_size: IDL.Nat64,
  stable_memory_size: IDL.Nat64,
  certified_data: Blob,
  global_timer: IDL.Opt(GlobalTimer),
  on_low_wasm_memory_hook_status: IDL.Opt(HookStatus),
});
export const UploadCanisterSnapshotMetadataResponse = IDL.Record({ snapshot_id: SnapshotIdType });

const Offset = IDL.Record({ offset: IDL.Nat64 });
export const UploadCanisterSnapshotDataArgs = IDL.Record({
  canister_id: IDL.Principal,
  snapshot_id: SnapshotIdType,
  kind: IDL.Variant({ wasm_module: Offset, wasm_memory: Offset, stable_memory: Offset, wasm_chunk: IDL.Null }),
  chunk: Blob,
});

/** A Candid blob as decoded (`Uint8Array` or `number[]`). */
export type BlobValue = Uint8Array | number[];
export type GlobalValueCandid = { i32: number } | { i64: bigint } | { f32: number } | { f64: number } | { v128: bigint };
export type GlobalTimerValue = { inactive: null } | { active: bigint };
export type HookStatusValue = { condition_not_satisfied: null } | { ready: null } | { executed: null };

export interface TakeArgsValue { canister_id: Principal; replace_snapshot: Opt<BlobValue>; uninstall_code: Opt<boolean>; sender_canister_version: Opt<bigint> }
export interface LoadArgsValue { canister_id: Principal; snapshot_id: BlobValue; sender_canister_version: Opt<bigint> }
export interface SnapshotArgsValue { canister_id: Principal; snapshot_id: BlobValue }
export type ReadDataKind =
  | { wasm_module: { offset: bigint; size: bigint } }
  | { wasm_memory: { offset: bigint; size: bigint } }
  | { stable_memory: { offset: bigint; size: bigint } }
  | { wasm_chunk: { hash: BlobValue } };
export interface ReadDataArgsValue extends SnapshotArgsValue { kind: ReadDataKind }
export interface UploadMetadataArgsValue {
  canister_id: Principal;
  replace_snapshot: Opt<BlobValue>;
  wasm_module_size: bigint;
  globals: GlobalValueCandid[];
  wasm_memory_size: bigint;
  stable_memory_size: bigint;
  certified_data: BlobValue;
  global_timer: Opt<GlobalTimerValue>;
  on_low_wasm_memory_hook_status: Opt<HookStatusValue>;
}
export type UploadDataKind = { wasm_module: { offset: bigint } } | { wasm_memory: { offset: bigint } } | { stable_memory: { offset: bigint } } | { wasm_chunk: null };
export interface UploadDataArgsValue extends SnapshotArgsValue { kind: UploadDataKind; chunk: BlobValue }

export const bytesOf = (b: BlobValue): Uint8Array => Uint8Array.from(b);

/** A `snapshot` record. */
export function snapshotRecord(s: CanisterSnapshot): { id: Uint8Array; taken_at_timestamp: bigint; total_size: bigint } {
  return { id: s.id.bytes, taken_at_timestamp: s.takenAtTimestamp, total_size: s.size };
}

export function globalToCandid(g: SnapshotGlobal): GlobalValueCandid {
  switch (g.kind) {
    case 'i32': return { i32: g.value };
    case 'f32': return { f32: g.value };
    case 'f64': return { f64: g.value };
    case 'i64': return { i64: g.value };
    case 'v128': return { v128: g.value };
  }
}

export function globalFromCandid(g: GlobalValueCandid): SnapshotGlobal {
  if ('i32' in g) return { kind: 'i32', value: g.i32 };
  if ('f32' in g) return { kind: 'f32', value: g.f32 };
  if ('f64' in g) return { kind: 'f64', value: g.f64 };
  if ('i64' in g) return { kind: 'i64', value: g.i64 };
  return { kind: 'v128', value: g.v128 };
}

export function hookToCandid(h: OnLowWasmMemoryHookStatus): HookStatusValue {
  return h === 'conditionNotSatisfied' ? { condition_not_satisfied: null } : h === 'ready' ? { ready: null } : { executed: null };
}

export function hookFromCandid(h: HookStatusValue): OnLowWasmMemoryHookStatus {
  return 'condition_not_satisfied' in h ? 'conditionNotSatisfied' : 'ready' in h ? 'ready' : 'executed';
}

/** The `read_canister_snapshot_metadata` answer of `s`. */
export function metadataRecord(s: CanisterSnapshot): unknown {
  return {
    source: s.source === 'takenFromCanister' ? { taken_from_canister: null } : { metadata_upload: null },
    taken_at_timestamp: s.takenAtTimestamp,
    wasm_module_size: BigInt(snapshotModuleSize(s.module)),
    globals: s.globals.map(globalToCandid),
    wasm_memory_size: memoryBytes(s.heap.sizePages),
    stable_memory_size: memoryBytes(s.stable.sizePages),
    wasm_chunk_store: s.chunkStore.keys().map((hash) => ({ hash })),
    canister_version: s.canisterVersion,
    certified_data: s.certifiedData,
    global_timer: opt(s.globalTimer === undefined ? undefined : s.globalTimer === 0n ? { inactive: null } : { active: s.globalTimer }),
    on_low_wasm_memory_hook_status: opt(s.onLowWasmMemoryHookStatus === undefined ? undefined : hookToCandid(s.onLowWasmMemoryHookStatus)),
  };
}
