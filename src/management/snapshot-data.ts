/**
 * Reading and uploading canister snapshots (the replica's
 * `read_snapshot_metadata`, `read_snapshot_data`,
 * `create_snapshot_from_metadata`, `write_snapshot_data` in
 * canister_manager.rs): a snapshot can be downloaded piece by piece and
 * uploaded again, to this canister or another, and then loaded.
 *
 * read_canister_snapshot_metadata   controllers or `snapshot_visibility` · the snapshot (IC0305)
 * read_canister_snapshot_data       controllers or `snapshot_visibility` · the snapshot · slice ≤ 2,000,000
 *                                   bytes (IC0408) · charged `execution_cost(5M + slice size)` first (IC0207),
 *                                   kept even if the slice is out of bounds (IC0408) or the chunk missing (IC0504)
 * upload_canister_snapshot_metadata controllers · valid sizes (IC0408) · replace_snapshot or ≤ 10 · heap-delta
 *                                   limit · cycles for `baseline + size` and the memory → a snapshot of zeros
 *                                   of those sizes (source `metadata_upload`), its id
 * upload_canister_snapshot_data     controllers · the snapshot, uploaded (IC0409) · charged
 *                                   `execution_cost(bytes written)` first · the slice within the sizes
 *                                   (IC0408); a chunk takes 1 MiB more memory (checked as take does)
 */
import { MAX_GLOBALS, MAX_STABLE_MEMORY_IN_BYTES, MAX_WASM64_MEMORY_IN_BYTES, MAX_WASM_MEMORY_IN_BYTES, WASM_MAX_SIZE } from '../config/index.ts';
import type { CanisterSnapshot, CanisterState } from '../state/index.ts';
import {
  CHUNK_SIZE, PageMap, WasmChunkStore, memoryBytes, readPageBytes, snapshotId, snapshotModuleBytes, snapshotSize, writePageBytes,
} from '../state/index.ts';
import { WASM_PAGE_SIZE_BYTES } from '../types/index.ts';
import { EMPTY_CANDID, REPLY_EMPTY, decodeArg, replyWith, unopt } from './candid.ts';
import { reject } from './errors.ts';
import { heapDeltaLimit, snapshotTarget, snapshotToReplace, targetSnapshot } from './snapshot-access.ts';
import {
  ReadCanisterSnapshotDataArgs, ReadCanisterSnapshotDataResponse, ReadCanisterSnapshotMetadataArgs, ReadCanisterSnapshotMetadataResponse,
  UploadCanisterSnapshotDataArgs, UploadCanisterSnapshotMetadataArgs, UploadCanisterSnapshotMetadataResponse,
  bytesOf, globalFromCandid, hookFromCandid, metadataRecord,
} from './snapshot-candid.ts';
import type { ReadDataArgsValue, SnapshotArgsValue, UploadDataArgsValue, UploadMetadataArgsValue } from './snapshot-candid.ts';
import { applyCyclesAndMemory, chargeRound, checkCyclesAndMemory, consumeCyclesForInstructions } from './snapshot-charges.ts';
import {
  debugHex, invalidMetadata, invalidSlice, sliceTooLarge, snapshotImmutable, wasmChunkStoreError,
} from './snapshot-errors.ts';
import type { Handler } from './types.ts';

/** Largest slice one `read_canister_snapshot_data` returns. Bytes. `MAX_SLICE_SIZE_BYTES`. */
export const MAX_SLICE_SIZE_BYTES = 2_000_000n;
/** Largest certified data (a 32-byte hash). Bytes. */
const MAX_CERTIFIED_DATA_BYTES = 32;

const readMetadata: Handler = (call, ctx) => {
  const a = decodeArg<SnapshotArgsValue>(ReadCanisterSnapshotMetadataArgs, call.arg);
  if (!a.ok) return a.outcome;
  const t = targetSnapshot(ctx, call, a.value.canister_id, a.value.snapshot_id, 'viewers');
  if (!t.ok) return reject(t.error);
  return replyWith([ReadCanisterSnapshotMetadataResponse], [metadataRecord(t.value.snapshot)]);
};

/** `offset..offset + size` of a `length`-byte blob, or the IC0408 reject. */
const inBounds = (offset: bigint, size: bigint, length: bigint): boolean => offset + size <= length;

const readData: Handler = (call, ctx) => {
  const a = decodeArg<ReadDataArgsValue>(ReadCanisterSnapshotDataArgs, call.arg);
  if (!a.ok) return a.outcome;
  const t = targetSnapshot(ctx, call, a.value.canister_id, a.value.snapshot_id, 'viewers');
  if (!t.ok) return reject(t.error);
  const { canister, snapshot: s } = t.value;
  const kind = a.value.kind;
  const slice = 'wasm_chunk' in kind ? undefined : 'wasm_module' in kind ? kind.wasm_module : 'wasm_memory' in kind ? kind.wasm_memory : kind.stable_memory;
  if (slice !== undefined && slice.size > MAX_SLICE_SIZE_BYTES) return reject(sliceTooLarge(slice.size, MAX_SLICE_SIZE_BYTES));
  const responseBytes = slice === undefined ? CHUNK_SIZE : slice.size;

  // ---- commit point: the read is paid for, whatever it finds ----
  const own = ctx.state.canisterMut(canister.canisterId) as CanisterState;
  const charged = consumeCyclesForInstructions(ctx, own, call.sender, ctx.env.execution.config.canisterSnapshotDataBaselineInstructions + responseBytes);
  if (charged !== undefined) return reject(charged);
  let chunk: Uint8Array;
  if ('wasm_chunk' in kind) {
    const hash = bytesOf(kind.wasm_chunk.hash);
    if (hash.length !== 32) return reject(wasmChunkStoreError(`Bytes ${debugHex(hash)} are not a valid WasmChunkHash.`));
    const c = s.chunkStore.get(hash);
    if (c === undefined) return reject(wasmChunkStoreError(`WasmChunkHash ${debugHex(hash)} not found.`));
    chunk = c;
  } else if ('wasm_module' in kind) {
    const { offset, size } = kind.wasm_module;
    const module = snapshotModuleBytes(s.module);
    if (!inBounds(offset, size, BigInt(module.length))) return reject(invalidSlice(offset, size));
    chunk = module.subarray(Number(offset), Number(offset + size));
  } else {
    const { offset, size } = 'wasm_memory' in kind ? kind.wasm_memory : kind.stable_memory;
    const memory = 'wasm_memory' in kind ? s.heap : s.stable;
    if (!inBounds(offset, size, memoryBytes(memory.sizePages))) return reject(invalidSlice(offset, size));
    chunk = readPageBytes(memory.pages, Number(offset), Number(size));
  }
  return replyWith([ReadCanisterSnapshotDataResponse], [{ chunk }]);
};

/** The `MetadataValidationError` name of invalid upload metadata, if any (`ValidatedSnapshotMetadata::validate`). */
function metadataError(m: UploadMetadataArgsValue, wasm64: boolean): string | undefined {
  const page = WASM_PAGE_SIZE_BYTES;
  if (m.wasm_module_size === 0n) return 'WasmModuleEmpty';
  if (m.wasm_module_size > WASM_MAX_SIZE) return 'WasmModuleTooLarge';
  if (m.wasm_memory_size % page !== 0n) return 'WasmMemoryNotPageAligned';
  if (m.wasm_memory_size > (wasm64 ? MAX_WASM64_MEMORY_IN_BYTES : MAX_WASM_MEMORY_IN_BYTES)) return 'WasmMemoryTooLarge';
  if (m.stable_memory_size % page !== 0n) return 'StableMemoryNotPageAligned';
  if (m.stable_memory_size > MAX_STABLE_MEMORY_IN_BYTES) return 'StableMemoryTooLarge';
  if (m.globals.length > MAX_GLOBALS) return 'ExportedGlobalsTooLarge';
  if (m.certified_data.length > MAX_CERTIFIED_DATA_BYTES) return 'CertifiedDataTooLarge';
  return undefined;
}

const uploadMetadata: Handler = (call, ctx) => {
  const a = decodeArg<UploadMetadataArgsValue>(UploadCanisterSnapshotMetadataArgs, call.arg);
  if (!a.ok) return a.outcome;
  const t = snapshotTarget(ctx, call, a.value.canister_id, 'controllers');
  if (!t.ok) return reject(t.error);
  const canister = t.value;
  const m = a.value;
  const invalid = metadataError(m, canister.executionState?.compiled.output.isWasm64 ?? false);
  if (invalid !== undefined) return reject(invalidMetadata(invalid));
  const replaced = snapshotToReplace(canister, unopt(m.replace_snapshot));
  if (!replaced.ok) return reject(replaced.error);
  const replace = replaced.value;
  const limited = heapDeltaLimit(ctx, canister);
  if (limited !== undefined) return reject(limited);
  const heapPages = Number(m.wasm_memory_size / WASM_PAGE_SIZE_BYTES);
  const stablePages = Number(m.stable_memory_size / WASM_PAGE_SIZE_BYTES);
  const certifiedData = bytesOf(m.certified_data);
  const size = snapshotSize(Number(m.wasm_module_size), heapPages, stablePages, m.globals.length, 0n, certifiedData.length);
  const oldMemoryUsage = canister.memoryUsage();
  const instructions = ctx.env.execution.config.canisterSnapshotBaselineInstructions + size;
  const checked = checkCyclesAndMemory(ctx, canister, call.sender, ctx.env.cycles.executionCost(instructions),
    oldMemoryUsage + size - (replace?.size ?? 0n), oldMemoryUsage);
  if (!checked.ok) return reject(checked.error);

  // ---- commit point ----
  const own = ctx.state.canisterMut(canister.canisterId) as CanisterState;
  if (replace !== undefined) own.snapshots = own.snapshots.without(replace.id.bytes);
  applyCyclesAndMemory(ctx, own, call.sender, checked.charges);
  const sys = own.systemState;
  const id = snapshotId(own.canisterId, sys.nextSnapshotId);
  sys.nextSnapshotId += 1n;
  const timer = unopt(m.global_timer);
  const hook = unopt(m.on_low_wasm_memory_hook_status);
  const snapshot: CanisterSnapshot = Object.freeze({
    id, source: 'metadataUpload', takenAtTimestamp: ctx.state.time, canisterVersion: sys.canisterVersion,
    module: Object.freeze({ kind: 'uploaded', size: Number(m.wasm_module_size), pages: PageMap.empty() }),
    globals: Object.freeze(m.globals.map(globalFromCandid)),
    heap: Object.freeze({ sizePages: heapPages, pages: PageMap.empty() }),
    stable: Object.freeze({ sizePages: stablePages, pages: PageMap.empty() }),
    certifiedData, chunkStore: new WasmChunkStore(),
    globalTimer: timer === undefined ? undefined : 'inactive' in timer ? 0n : timer.active,
    onLowWasmMemoryHookStatus: hook === undefined ? undefined : hookFromCandid(hook),
    size,
  });
  own.snapshots = own.snapshots.with(snapshot);
  chargeRound(ctx, instructions);
  return replyWith([UploadCanisterSnapshotMetadataResponse], [{ snapshot_id: id.bytes }]);
};

const uploadData: Handler = (call, ctx) => {
  const a = decodeArg<UploadDataArgsValue>(UploadCanisterSnapshotDataArgs, call.arg);
  if (!a.ok) return a.outcome;
  const t = targetSnapshot(ctx, call, a.value.canister_id, a.value.snapshot_id, 'controllers');
  if (!t.ok) return reject(t.error);
  const { canister, snapshot: s } = t.value;
  if (s.source !== 'metadataUpload') return reject(snapshotImmutable());
  const debit = canister.schedulerState.heapDeltaDebit;
  const rate = heapDeltaLimit(ctx, canister);
  if (rate !== undefined) {
    return reject(wasmChunkStoreError(`Canister is heap delta rate limited. Current delta debit: ${debit}, limit: ${ctx.env.execution.config.heapDeltaRateLimit}`));
  }
  const kind = a.value.kind;
  const chunk = bytesOf(a.value.chunk);
  const isChunk = 'wasm_chunk' in kind;
  const bytesWritten = isChunk ? CHUNK_SIZE : BigInt(chunk.length);
  const instructions = isChunk ? ctx.env.execution.config.uploadWasmChunkInstructions : bytesWritten;

  // ---- commit point: the upload is paid for first, as the replica does ----
  const own = ctx.state.canisterMut(canister.canisterId) as CanisterState;
  const charged = consumeCyclesForInstructions(ctx, own, call.sender, bytesWritten);
  if (charged !== undefined) return reject(charged);
  let next: CanisterSnapshot;
  const len = BigInt(chunk.length);
  if ('wasm_module' in kind) {
    const offset = kind.wasm_module.offset;
    if (s.module.kind !== 'uploaded' || !(offset + len <= BigInt(s.module.size))) return reject(invalidSlice(offset, len));
    next = { ...s, module: Object.freeze({ ...s.module, pages: writePageBytes(s.module.pages, Number(offset), chunk) }) };
  } else if ('wasm_memory' in kind || 'stable_memory' in kind) {
    const offset = 'wasm_memory' in kind ? kind.wasm_memory.offset : kind.stable_memory.offset;
    const memory = 'wasm_memory' in kind ? s.heap : s.stable;
    if (memoryBytes(memory.sizePages) < len + offset) return reject(invalidSlice(offset, len));
    const written = Object.freeze({ ...memory, pages: writePageBytes(memory.pages, Number(offset), chunk) });
    next = 'wasm_memory' in kind ? { ...s, heap: written } : { ...s, stable: written };
  } else {
    const v = s.chunkStore.canInsert(WASM_MAX_SIZE, chunk);
    if (v.kind === 'alreadyExists') return REPLY_EMPTY;
    if (v.kind === 'error') return reject(wasmChunkStoreError(v.message));
    const memoryUsage = own.memoryUsage();
    const checked = checkCyclesAndMemory(ctx, own, call.sender, 0n, memoryUsage + CHUNK_SIZE, memoryUsage);
    if (!checked.ok) return reject(checked.error);
    applyCyclesAndMemory(ctx, own, call.sender, checked.charges);
    const store = s.chunkStore.clone();
    store.insert(v.hash, chunk);
    next = { ...s, chunkStore: store, size: s.size + CHUNK_SIZE };
  }
  own.snapshots = own.snapshots.with(Object.freeze(next));
  chargeRound(ctx, instructions);
  return { kind: 'reply', reply: EMPTY_CANDID };
};

export const handlers: Readonly<Record<string, Handler>> = {
  read_canister_snapshot_metadata: readMetadata,
  read_canister_snapshot_data: readData,
  upload_canister_snapshot_metadata: uploadMetadata,
  upload_canister_snapshot_data: uploadData,
};
