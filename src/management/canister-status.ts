/**
 * Reading a canister: `canister_status` (here), `canister_info` and
 * `canister_metadata` (canister-info.ts), `canister_metrics`
 * (canister-metrics.ts). `canister_status` answers
 * replicated calls (ingress or a canister's request) and queries
 * (queries.ts) alike, through {@link readCanisterStatus}:
 *
 *     argument not `record { canister_id }`      IC0408 "Error decoding candid: …"
 *     no such canister                           IC0301 (read-access.ts)
 *     caller not the canister itself, not
 *     allowed by its `status_visibility`         IC0542 "Caller <p> is not allowed to read the canister status"
 *     otherwise                                  `canister_status_result` of ic.did
 *
 * The memory figures are those the cycles account manager charges
 * (`CanisterState.memoryUsage()` and its parts; `memory_size` is their
 * sum, equal to the usage): heap, stable memory, globals, the module binary
 * as ic-exec stores it (instrumented), the `icp:` metadata sections (the
 * replica keeps them beside the module and counts them: name + 1 +
 * contents each), history, chunk store, snapshots, and the log memory store
 * (0 as in the replica's default configuration, where the feature is off
 * and the log buffer is not charged). `idle_cycles_burned_per_day` is the cycles account manager's idle
 * burn rate at that usage; `query_stats` are zeros (ic-exec keeps no query
 * statistics). `ready_for_migration` is true only for a stopped canister
 * with empty queues (there are no streams to flush on one subnet).
 */
import { IDL } from '@dfinity/candid';
import type { UserError } from '../errors/index.ts';
import type { CyclesAccountManager } from '../cycles/index.ts';
import type { CanisterState, ReplicatedState } from '../state/index.ts';
import type { CanisterId, PrincipalId } from '../types/index.ts';
import { DefiniteCanisterSettings, encode, toPrincipal } from './candid.ts';
import { handlers as infoHandlers } from './canister-info.ts';
import { canisterNotFound, reject } from './errors.ts';
import { moduleHashOf, namedCanister, statusAccessError, visibilityValue } from './read-access.ts';
import type { Handler, ManagementOutcome } from './types.ts';

export const CanisterStatusType = IDL.Variant({ running: IDL.Null, stopping: IDL.Null, stopped: IDL.Null });
export const MemoryMetrics = IDL.Record({
  wasm_memory_size: IDL.Nat,
  stable_memory_size: IDL.Nat,
  global_memory_size: IDL.Nat,
  wasm_binary_size: IDL.Nat,
  custom_sections_size: IDL.Nat,
  canister_history_size: IDL.Nat,
  wasm_chunk_store_size: IDL.Nat,
  snapshots_size: IDL.Nat,
  log_memory_store_size: IDL.Nat,
});
export const QueryStats = IDL.Record({
  num_calls_total: IDL.Nat,
  num_instructions_total: IDL.Nat,
  request_payload_bytes_total: IDL.Nat,
  response_payload_bytes_total: IDL.Nat,
});
/** `canister_status_result` of ic.did. */
export const CanisterStatusResult = IDL.Record({
  status: CanisterStatusType,
  ready_for_migration: IDL.Bool,
  version: IDL.Nat64,
  settings: DefiniteCanisterSettings,
  module_hash: IDL.Opt(IDL.Vec(IDL.Nat8)),
  memory_size: IDL.Nat,
  memory_metrics: MemoryMetrics,
  cycles: IDL.Nat,
  reserved_cycles: IDL.Nat,
  idle_cycles_burned_per_day: IDL.Nat,
  query_stats: QueryStats,
});

/** The memory parts of a canister, bytes (see the module header). */
export interface CanisterMemoryMetrics {
  readonly wasm_memory_size: bigint;
  readonly stable_memory_size: bigint;
  readonly global_memory_size: bigint;
  readonly wasm_binary_size: bigint;
  readonly custom_sections_size: bigint;
  readonly canister_history_size: bigint;
  readonly wasm_chunk_store_size: bigint;
  readonly snapshots_size: bigint;
  readonly log_memory_store_size: bigint;
}

/** The parts of `canister.memoryUsage()` (their sum is the usage; a test checks it). */
export function memoryMetrics(canister: CanisterState): CanisterMemoryMetrics {
  const es = canister.executionState;
  const wasm = canister.wasmMemoryUsage();
  const stable = canister.stableMemoryUsage();
  const binary = es === undefined ? 0n : BigInt(es.compiled.output.binary.length);
  return {
    wasm_memory_size: wasm,
    stable_memory_size: stable,
    global_memory_size: canister.executionMemoryUsage() - wasm - stable - binary - canister.customSectionsMemoryUsage(),
    wasm_binary_size: binary,
    custom_sections_size: canister.customSectionsMemoryUsage(),
    canister_history_size: BigInt(canister.systemState.canisterHistory.memoryUsage),
    wasm_chunk_store_size: canister.wasmChunkStoreMemoryUsage(),
    snapshots_size: canister.snapshotsMemoryUsage(),
    log_memory_store_size: canister.logMemoryStoreUsage(),
  };
}

const UTF8 = new TextEncoder();

/** The `definite_canister_settings` of a canister. */
export function definiteSettings(canister: CanisterState): Record<string, unknown> {
  const s = canister.systemState;
  const env = [...s.environmentVariables].sort((a, b) => Buffer.compare(UTF8.encode(a[0]), UTF8.encode(b[0])));
  return {
    controllers: s.controllers.map(toPrincipal),
    compute_allocation: s.computeAllocation,
    memory_allocation: s.memoryAllocation,
    freezing_threshold: s.freezeThreshold,
    reserved_cycles_limit: s.reservedBalanceLimit ?? 0n,
    minimum_incoming_canister_call_cycles: s.minimumIncomingCanisterCallCycles,
    log_visibility: visibilityValue(s.logVisibility),
    log_memory_limit: s.logMemoryLimit,
    snapshot_visibility: visibilityValue(s.snapshotVisibility),
    status_visibility: visibilityValue(s.statusVisibility),
    wasm_memory_limit: s.wasmMemoryLimit ?? 0n,
    wasm_memory_threshold: s.wasmMemoryThreshold,
    environment_variables: env.map(([name, value]) => ({ name, value })),
  };
}

/** Whether a canister could move to another subnet now (`ReplicatedState::ready_for_migration`). */
function readyForMigration(canister: CanisterState): boolean {
  const q = canister.systemState.queues;
  return canister.systemState.status.kind === 'stopped' && !q.hasInput() && !q.hasOutput();
}

/** `memory_size` of `canister_status`: the sum of {@link memoryMetrics}, the memory the canister is charged for. */
export function canisterMemorySize(canister: CanisterState, metrics: CanisterMemoryMetrics = memoryMetrics(canister)): bigint {
  let memorySize = 0n;
  for (const v of Object.values(metrics)) memorySize += v;
  return memorySize;
}

/** The `canister_status_result` of `canister` (the Candid value). */
export function canisterStatusValue(canister: CanisterState, cycles: CyclesAccountManager): Record<string, unknown> {
  const s = canister.systemState;
  const metrics = memoryMetrics(canister);
  const memorySize = canisterMemorySize(canister, metrics);
  const idle = cycles.idleCyclesBurnedRate(s, { memoryUsage: canister.memoryUsage(), messageMemoryUsage: canister.messageMemoryUsage() });
  return {
    status: { [s.status.kind]: null },
    ready_for_migration: readyForMigration(canister),
    version: s.canisterVersion,
    settings: definiteSettings(canister),
    module_hash: moduleHashOf(canister),
    memory_size: memorySize,
    memory_metrics: metrics,
    cycles: s.balance,
    reserved_cycles: s.reservedBalance,
    idle_cycles_burned_per_day: idle,
    query_stats: { num_calls_total: 0n, num_instructions_total: 0n, request_payload_bytes_total: 0n, response_payload_bytes_total: 0n },
  };
}

/**
 * `canister_status` of the canister named in `arg`, for `caller`: the
 * encoded `canister_status_result`, or the error (see the module header).
 * `notFound` is the replicated or the query wording.
 */
export function readCanisterStatus(
  state: ReplicatedState, cycles: CyclesAccountManager, caller: PrincipalId, arg: Uint8Array,
  notFound: (id: CanisterId) => UserError,
): { readonly reply: Uint8Array } | { readonly error: UserError } {
  const named = namedCanister(state, arg, notFound);
  if (!named.ok) return { error: named.error };
  const canister = named.canister;
  const denied = statusAccessError(canister, caller);
  if (denied !== undefined) return { error: denied };
  return { reply: encode([CanisterStatusResult], [canisterStatusValue(canister, cycles)]) };
}

const canisterStatus: Handler = (call, ctx): ManagementOutcome => {
  const r = readCanisterStatus(ctx.state, ctx.env.cycles, call.sender, call.arg, canisterNotFound);
  return 'reply' in r ? { kind: 'reply', reply: r.reply } : reject(r.error);
};

export const handlers: Readonly<Record<string, Handler>> = {
  canister_status: canisterStatus,
  ...infoHandlers,
};
