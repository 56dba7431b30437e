/**
 * The Wasm chunk store (`CanisterManager::upload_chunk`,
 * `clear_chunk_store`, `stored_chunks`): controllers of the canister, or the
 * canister itself, may call them.
 *
 *   argument does not decode                        IC0408
 *   canister missing                                IC0301 "Canister <id> not found."
 *   caller neither a controller nor the canister    IC0512
 *
 * `upload_chunk`, in the replica's order:
 *   1. charge `execution_cost(upload_wasm_chunk_instructions)` (200M on
 *      application subnets, free on system subnets) above the freezing
 *      threshold — `Error from Wasm chunk store: Error charging for
 *      'upload_chunk': <out of cycles>.` (IC0504) if it cannot pay. The
 *      charge is the commit point of the cycles: it stays taken if a check
 *      below fails, as on the IC (the hash computation is paid for);
 *   2. a chunk already stored: its hash, nothing else;
 *   3. over 1 MiB, or the store full (100 chunks): IC0504 with the store's text;
 *   4. the heap-delta rate limit (`Canister is heap delta rate limited. …`, IC0504);
 *   5. memory: the subnet's (IC0101) and the freezing threshold of the usage
 *      plus 1 MiB (IC0532);
 *   6. stored: the round pays the instructions, the heap-delta debit and the
 *      subnet's heap-delta estimate grow by 1 MiB; the reply is the hash.
 *
 * `clear_chunk_store` empties the store (after the freezing-threshold check
 * of the smaller usage); `stored_chunks` lists the hashes in byte order.
 */
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';
import { WASM_MAX_SIZE } from '../config/index.ts';
import { outOfCyclesMessage } from '../cycles/index.ts';
import type { UserError } from '../errors/index.ts';
import { insufficientCyclesInMemoryGrowError, subnetMemoryOversubscribedError, wasmChunkStoreError } from '../execution/index.ts';
import { CHUNK_SIZE, WasmChunkStore } from '../state/index.ts';
import type { CanisterState } from '../state/index.ts';
import { ChunkHash, REPLY_EMPTY, decodeArg, replyWith, toCanisterId } from './candid.ts';
import { canisterNotFound, notController } from './errors.ts';
import { subnetAvailableMemory } from './subnet-resources.ts';
import type { Handler, ManagementCall, ManagementContext, ManagementOutcome } from './types.ts';

export const UploadChunkArgs = IDL.Record({ canister_id: IDL.Principal, chunk: IDL.Vec(IDL.Nat8) });
export const ClearChunkStoreArgs = IDL.Record({ canister_id: IDL.Principal });
export const StoredChunksArgs = IDL.Record({ canister_id: IDL.Principal });
export const StoredChunksResult = IDL.Vec(ChunkHash);

/** The canister, if it exists and the caller is a controller or the canister itself. */
function ownCanister(ctx: ManagementContext, call: ManagementCall, p: Principal): { ok: true; canister: CanisterState } | { ok: false; outcome: ManagementOutcome } {
  const id = toCanisterId(p);
  const c = ctx.state.canister(id);
  if (c === undefined) return { ok: false, outcome: { kind: 'reject', error: canisterNotFound(id) } };
  if (!c.canisterId.equals(call.sender) && !c.systemState.isController(call.sender)) {
    return { ok: false, outcome: { kind: 'reject', error: notController(c, call.sender) } };
  }
  return { ok: true, canister: c };
}

/**
 * The subnet-memory and freezing-threshold checks of a change of the
 * canister's memory usage to `newUsage` (`cycles_and_memory_usage_checks`).
 */
function memoryChecks(ctx: ManagementContext, c: CanisterState, newUsage: bigint): UserError | undefined {
  const allocation = c.systemState.memoryAllocation;
  const old = c.memoryUsage();
  const oldAllocated = allocation > old ? allocation : old;
  const newAllocated = allocation > newUsage ? allocation : newUsage;
  const allocated = newAllocated > oldAllocated ? newAllocated - oldAllocated : 0n;
  const available = subnetAvailableMemory({ state: ctx.state, cycles: ctx.env.cycles, schedulerCores: ctx.env.schedulerCores });
  if (allocated > available) return subnetMemoryOversubscribedError(allocated, available > 0n ? available : 0n);
  const threshold = ctx.env.cycles.freezeThreshold(c.systemState, { memoryUsage: newUsage, messageMemoryUsage: c.messageMemoryUsage() });
  if (c.systemState.balance < threshold) return insufficientCyclesInMemoryGrowError(allocated, c.systemState.balance, threshold);
  return undefined;
}

const uploadChunk: Handler = (call, ctx) => {
  const a = decodeArg<{ canister_id: Principal; chunk: Uint8Array | number[] }>(UploadChunkArgs, call.arg);
  if (!a.ok) return a.outcome;
  const t = ownCanister(ctx, call, a.value.canister_id);
  if (!t.ok) return t.outcome;
  const c = ctx.state.canisterMut(t.canister.canisterId) as CanisterState;
  const sys = c.systemState;
  const config = ctx.env.execution.config;
  const instructions = config.uploadWasmChunkInstructions;
  // ---- commit point of the charge (see the module header) ----
  const charge = ctx.env.cycles.consumeCycles(sys, { memoryUsage: c.memoryUsage(), messageMemoryUsage: c.messageMemoryUsage() },
    ctx.env.cycles.executionCost(instructions), sys.isController(call.sender), 'instructions');
  if (charge !== undefined) return { kind: 'reject', error: wasmChunkStoreError(`Error charging for 'upload_chunk': ${outOfCyclesMessage(charge)}`) };
  const chunk = Uint8Array.from(a.value.chunk);
  const v = sys.wasmChunkStore.canInsert(WASM_MAX_SIZE, chunk);
  if (v.kind === 'alreadyExists') return replyWith([ChunkHash], [{ hash: v.hash }]);
  if (v.kind === 'error') return { kind: 'reject', error: wasmChunkStoreError(v.message) };
  if (c.schedulerState.heapDeltaDebit >= config.heapDeltaRateLimit) {
    return { kind: 'reject', error: wasmChunkStoreError(
      `Canister is heap delta rate limited. Current delta debit: ${c.schedulerState.heapDeltaDebit}, limit: ${config.heapDeltaRateLimit}`) };
  }
  const memory = memoryChecks(ctx, c, c.memoryUsage() + CHUNK_SIZE);
  if (memory !== undefined) return { kind: 'reject', error: memory };
  // ---- commit point of the upload ----
  c.schedulerState.heapDeltaDebit += CHUNK_SIZE;
  ctx.round.roundInstructionsLeft.value -= instructions;
  sys.wasmChunkStore.insert(v.hash, chunk);
  ctx.state.metadata.heapDeltaEstimate += CHUNK_SIZE;
  return replyWith([ChunkHash], [{ hash: v.hash }]);
};

const clearChunkStore: Handler = (call, ctx) => {
  const a = decodeArg<{ canister_id: Principal }>(ClearChunkStoreArgs, call.arg);
  if (!a.ok) return a.outcome;
  const t = ownCanister(ctx, call, a.value.canister_id);
  if (!t.ok) return t.outcome;
  const memory = memoryChecks(ctx, t.canister, t.canister.memoryUsage() - t.canister.wasmChunkStoreMemoryUsage());
  if (memory !== undefined) return { kind: 'reject', error: memory };
  // ---- commit point ----
  (ctx.state.canisterMut(t.canister.canisterId) as CanisterState).systemState.wasmChunkStore = new WasmChunkStore();
  return REPLY_EMPTY;
};

const storedChunks: Handler = (call, ctx) => {
  const a = decodeArg<{ canister_id: Principal }>(StoredChunksArgs, call.arg);
  if (!a.ok) return a.outcome;
  const t = ownCanister(ctx, call, a.value.canister_id);
  if (!t.ok) return t.outcome;
  return replyWith([StoredChunksResult], [t.canister.systemState.wasmChunkStore.keys().map((hash) => ({ hash }))]);
};

export const handlers: Readonly<Record<string, Handler>> = {
  upload_chunk: uploadChunk,
  clear_chunk_store: clearChunkStore,
  stored_chunks: storedChunks,
};
