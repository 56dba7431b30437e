/**
 * `CanisterState` (the replica's name): a canister's system state, its Wasm
 * state if code is installed, and its scheduler state — plus the memory
 * figures the cycles account manager and the scheduler need.
 *
 *     wasm memory       = heap size (Wasm pages × 64 KiB)
 *     stable memory     = stable size (Wasm pages × 64 KiB)
 *     execution memory  = wasm + stable + 8 bytes per persisted global + module binary
 *                         + custom sections (`icp:` metadata: name + 1 + contents each)
 *     log memory store  = 0 while the replica's log memory store feature is off (the default);
 *                         else 4 KiB header + 4 KiB index + the limit rounded up to 4 KiB (0 for a 0 limit)
 *     memory usage      = execution memory + canister history + Wasm chunk store (1 MiB per chunk) + snapshots
 *                         + log memory store
 *     message memory    = guaranteed-response memory (reservations included) + best-effort messages
 *
 * The execution state and the snapshots are immutable (`PageMap`s share
 * pages), so a copy of a `CanisterState` (`clone`) copies only the system
 * and scheduler state.
 */
import { WASM_PAGE_SIZE_BYTES } from '../types/index.ts';
import { CanisterSnapshots } from './canister-snapshots.ts';
import type { ExecutionState } from './execution-state.ts';
import type { SchedulerState } from './scheduler-state.ts';
import type { SystemState } from './system-state.ts';

/** Bytes counted per persisted global (a u64/f64 slot). */
const GLOBAL_BYTES = 8n;
/** The log memory store's page, header and index table, bytes. */
const LOG_STORE_PAGE = 4096n;
/**
 * Whether canister logs live in the log memory store (a ring buffer of
 * `log_memory_limit` bytes behind a 4 KiB header and a 4 KiB index, charged
 * as canister memory). The replica's default configuration has it off
 * (rs/config/src/execution_environment.rs, `log_memory_store_feature:
 * FlagStatus::Disabled`): the log buffer is then not charged and
 * `log_memory_store_size` is 0.
 */
export const LOG_MEMORY_STORE_FEATURE_ENABLED = false;

/** Memory the log memory store takes for a `log_memory_limit` of `limit` bytes (the replica's `LogMemoryStore::memory_usage`). */
export function logMemoryStoreBytes(limit: bigint): bigint {
  if (limit === 0n) return 0n;
  const data = ((limit + LOG_STORE_PAGE - 1n) / LOG_STORE_PAGE) * LOG_STORE_PAGE;
  return 2n * LOG_STORE_PAGE + data;
}

/** One canister of the replicated state. */
export class CanisterState {
  systemState: SystemState;
  /** `undefined` for an empty canister (no code installed). */
  executionState: ExecutionState | undefined;
  schedulerState: SchedulerState;
  /** The canister's snapshots (immutable; replace it to change them). */
  snapshots: CanisterSnapshots;

  constructor(
    systemState: SystemState, executionState: ExecutionState | undefined, schedulerState: SchedulerState,
    snapshots: CanisterSnapshots = CanisterSnapshots.EMPTY,
  ) {
    this.systemState = systemState;
    this.executionState = executionState;
    this.schedulerState = schedulerState;
    this.snapshots = snapshots;
  }

  get canisterId(): SystemState['canisterId'] {
    return this.systemState.canisterId;
  }

  /** A copy whose mutable parts are its own (see the module header). */
  clone(): CanisterState {
    return new CanisterState(this.systemState.clone(), this.executionState, { ...this.schedulerState }, this.snapshots);
  }

  /** Heap bytes. */
  wasmMemoryUsage(): bigint {
    return this.executionState === undefined ? 0n : BigInt(this.executionState.heapSizePages) * WASM_PAGE_SIZE_BYTES;
  }

  /** Stable-memory bytes. */
  stableMemoryUsage(): bigint {
    return this.executionState === undefined ? 0n : BigInt(this.executionState.stable.sizePages) * WASM_PAGE_SIZE_BYTES;
  }

  /** Heap, stable memory, globals, module binary and its metadata sections, bytes. */
  executionMemoryUsage(): bigint {
    const es = this.executionState;
    if (es === undefined) return 0n;
    return this.wasmMemoryUsage() + this.stableMemoryUsage() + BigInt(es.globals.length) * GLOBAL_BYTES
      + BigInt(es.compiled.output.binary.length) + this.customSectionsMemoryUsage();
  }

  /** The module's `icp:` metadata sections (`custom_sections_memory_size`), bytes. */
  customSectionsMemoryUsage(): bigint {
    return BigInt(this.executionState?.compiled.output.customSectionsSize ?? 0);
  }

  /** The log memory store (see the module header), bytes. */
  logMemoryStoreUsage(): bigint {
    return LOG_MEMORY_STORE_FEATURE_ENABLED ? logMemoryStoreBytes(this.systemState.logMemoryLimit) : 0n;
  }

  /** The Wasm chunk store: 1 MiB per chunk, bytes. */
  wasmChunkStoreMemoryUsage(): bigint {
    return this.systemState.wasmChunkStore.memoryUsage;
  }

  /** Memory charged for storage and counted in the freezing threshold, messages excluded, bytes. */
  memoryUsage(): bigint {
    return this.executionMemoryUsage() + BigInt(this.systemState.canisterHistory.memoryUsage) + this.wasmChunkStoreMemoryUsage()
      + this.snapshots.memoryUsage + this.logMemoryStoreUsage();
  }

  /** The canister's snapshots (`snapshots_memory_usage`), bytes. */
  snapshotsMemoryUsage(): bigint {
    return this.snapshots.memoryUsage;
  }

  /** Message memory, bytes. */
  messageMemoryUsage(): bigint {
    return this.systemState.guaranteedResponseMessageMemoryUsage() + this.systemState.bestEffortMessageMemoryUsage();
  }

  /** Whether the canister has code. */
  isEmpty(): boolean {
    return this.executionState === undefined;
  }

  /** Whether there is a task or an input message to run. */
  hasWork(): boolean {
    return !this.systemState.taskQueue.isEmpty() || this.systemState.queues.hasInput();
  }
}
