/**
 * `CanisterState` (the replica's name): a canister's system state, its Wasm
 * state if code is installed, and its scheduler state — plus the memory
 * figures the cycles account manager and the scheduler need.
 *
 *     wasm memory       = heap size (Wasm pages × 64 KiB)
 *     stable memory     = stable size (Wasm pages × 64 KiB)
 *     execution memory  = wasm + stable + 8 bytes per persisted global + module binary
 *     memory usage      = execution memory + canister history + chunk store + snapshots + Wasm chunk store (1 MiB per chunk)
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

  /** Heap, stable memory, globals and module binary, bytes. */
  executionMemoryUsage(): bigint {
    const es = this.executionState;
    if (es === undefined) return 0n;
    return this.wasmMemoryUsage() + this.stableMemoryUsage() + BigInt(es.globals.length) * GLOBAL_BYTES
      + BigInt(es.compiled.output.binary.length);
  }

  /** The Wasm chunk store: 1 MiB per chunk, bytes. */
  wasmChunkStoreMemoryUsage(): bigint {
    return this.systemState.wasmChunkStore.memoryUsage;
  }

  /** Memory charged for storage and counted in the freezing threshold, messages excluded, bytes. */
  memoryUsage(): bigint {
    return this.executionMemoryUsage() + BigInt(this.systemState.canisterHistory.memoryUsage) + this.wasmChunkStoreMemoryUsage()
      + this.snapshots.memoryUsage;
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
