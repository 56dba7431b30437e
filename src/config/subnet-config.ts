// Scheduler configuration per subnet type, and the round budgets derived
// from it.
//
// Source: `dfinity/ic` `rs/config/src/subnet_config.rs` (`SchedulerConfig`).
// Values are the newest found: a stored version later than 002d5530 (it has
// `max_instructions_per_query_message` and `STORE_PRE_SIGNATURES_IN_STATE`),
// confirmed by 2026 excerpts (`MAX_INSTRUCTIONS_PER_ROUND = 4B`, L81). At
// 002d5530 (2025) the round limit was 7B and the field
// `max_instructions_per_message_without_dts` (5B; 50B on system subnets)
// played the part of today's query limit.
//
// Canister budget per round (`EE/scheduler.rs`): a new execution may start
// while the counter is > 0 and use up to S = max(slice, install-code slice)
// instructions, so the counter starts at R − S + 1 to keep the round ≤ R.
// On application subnets that is 4B − 2B + 1 (at 002d5530: 7B − 5B + 1).
import type { NumBytes, NumInstructions } from '../types/index.ts';
import { numBytes, numInstructions } from '../types/index.ts';
import { type CyclesFees, APPLICATION_SUBNET_FEES, DIRTY_PAGE_OVERHEAD, SYSTEM_SUBNET_FEES } from './cost-schedule.ts';
import { SUBNET_HEAP_DELTA_CAPACITY } from './limits.ts';

/**
 * The heap-delta capacity of a local replica that keeps its state on disk
 * (ic-exec's choice, not the IC's 140 GiB). Pages changed since the last
 * checkpoint live in RAM until a checkpoint writes them to the store, and a
 * local replica asks for a checkpoint as soon as the heap delta reaches the
 * capacity, so the capacity bounds them: at most the capacity plus what one
 * round adds stays in RAM, however large memories grow. The IC's 140 GiB
 * (32 GiB of it right after a checkpoint) is sized for a node's RAM;
 * 256 MiB is the same idea for a replica beside other programs on a
 * developer's machine: a canister
 * writing 8 GiB of stable memory in 256 MiB messages peaks below 1.6 GiB
 * of resident memory (bench/results/stable-memory.json; 512 MiB added
 * ~300 MiB to that peak — the pages, and the allocator's memory they
 * leave behind —, for half the checkpoints). What it changes against the
 * IC: only when rounds are skipped for the heap delta, which a local
 * replica answers with a checkpoint at once (`checkpointDue`), so a
 * message is at most delayed by one checkpoint; a single message may still
 * dirty more than the capacity (the per-message limits are the IC's).
 * Bytes.
 */
export const LOCAL_SUBNET_HEAP_DELTA_CAPACITY: NumBytes = numBytes(256n * 1024n * 1024n);

/** The IC's subnet types (`ic_registry_subnet_type::SubnetType`). */
export type SubnetType = 'application' | 'verified_application' | 'system';

/** Scheduler knobs of one subnet type (the replica's `SchedulerConfig`). */
export interface SchedulerConfig {
  /** Execution threads; canisters run in parallel up to this many. Count. */
  readonly schedulerCores: number;
  /** Long executions that may stay paused between rounds. Count. */
  readonly maxPausedExecutions: number;
  /** Instructions one thread may execute per round (R). */
  readonly maxInstructionsPerRound: NumInstructions;
  /** Instructions of one update/heartbeat/timer/callback, across all its DTS slices. */
  readonly maxInstructionsPerMessage: NumInstructions;
  /** Instructions of one query or composite-query method (no DTS). */
  readonly maxInstructionsPerQueryMessage: NumInstructions;
  /** Instructions of one DTS slice. */
  readonly maxInstructionsPerSlice: NumInstructions;
  /** Charged to the round for entering and leaving Wasm, per execution (≈1 ms). */
  readonly instructionOverheadPerExecution: NumInstructions;
  /** Charged to the round per canister that ran (≈4 ms). */
  readonly instructionOverheadPerCanister: NumInstructions;
  /** Charged to the round per canister on the subnet after each iteration. */
  readonly instructionOverheadPerCanisterForFinalization: NumInstructions;
  /** Instructions of one install_code (start + init, or pre_upgrade + start + post_upgrade). */
  readonly maxInstructionsPerInstallCode: NumInstructions;
  /** Instructions of one install_code DTS slice. */
  readonly maxInstructionsPerInstallCodeSlice: NumInstructions;
  /** Heap delta all canisters may produce between checkpoints. Bytes. */
  readonly subnetHeapDeltaCapacity: NumBytes;
  /** Part of that capacity usable as a burst right after a checkpoint. Bytes. */
  readonly heapDeltaInitialReserve: NumBytes;
  /** Heap delta after which a round stops iterating. Bytes (decimal MB). */
  readonly maxHeapDeltaPerIteration: NumBytes;
  /** Heap delta one canister may produce per round on average. Bytes. */
  readonly heapDeltaRateLimit: NumBytes;
  /** install_code instructions one canister may use per round on average. */
  readonly installCodeRateLimit: NumInstructions;
  /** Per newly dirtied stable-memory page. Instructions. */
  readonly dirtyPageOverhead: NumInstructions;
  /** Rounds between resets of accumulated priorities (~24 h). */
  readonly accumulatedPriorityResetInterval: bigint;
  /** Charged for uploading one (1 MiB) Wasm chunk. Instructions. */
  readonly uploadWasmChunkInstructions: NumInstructions;
  /** Charged for taking or loading a canister snapshot. Instructions. */
  readonly canisterSnapshotBaselineInstructions: NumInstructions;
  /** Charged for uploading or downloading binary snapshot data. Instructions. */
  readonly canisterSnapshotDataBaselineInstructions: NumInstructions;
}

const M = 1_000_000n;
const B = 1_000_000_000n;
const GiB = 1024n * 1024n * 1024n;
const SYSTEM_SUBNET_FACTOR = 10n;
/** Effectively no limit (1000T), used to switch rate limits off on system subnets. */
const NO_RATE_LIMIT = 1_000_000_000_000_000n;
const i = numInstructions;

/** Share of the round budget for subnet (management) messages: R / 16. `SUBNET_MESSAGES_LIMIT_FRACTION`, scheduler.rs. */
export const SUBNET_MESSAGES_LIMIT_FRACTION = 16n;

/** Scheduler configuration of application subnets. */
export const APPLICATION_SUBNET_SCHEDULER_CONFIG: SchedulerConfig = Object.freeze({
  schedulerCores: 4,
  maxPausedExecutions: 4,
  maxInstructionsPerRound: i(4n * B), // = max(slice, install slice) + 2B; 7B at 002d5530
  maxInstructionsPerMessage: i(40n * B),
  maxInstructionsPerQueryMessage: i(5n * B),
  maxInstructionsPerSlice: i(2n * B),
  instructionOverheadPerExecution: i(2n * M),
  instructionOverheadPerCanister: i(8n * M),
  instructionOverheadPerCanisterForFinalization: i(12_000n),
  maxInstructionsPerInstallCode: i(300n * B),
  maxInstructionsPerInstallCodeSlice: i(2n * B),
  subnetHeapDeltaCapacity: SUBNET_HEAP_DELTA_CAPACITY,
  heapDeltaInitialReserve: numBytes(32n * GiB),
  maxHeapDeltaPerIteration: numBytes(200n * M),
  heapDeltaRateLimit: numBytes(75n * 1024n * 1024n),
  installCodeRateLimit: i(2n * B),
  dirtyPageOverhead: DIRTY_PAGE_OVERHEAD,
  accumulatedPriorityResetInterval: 24n * 3600n,
  uploadWasmChunkInstructions: i(200n * M),
  canisterSnapshotBaselineInstructions: i(2n * B),
  canisterSnapshotDataBaselineInstructions: i(5n * M),
});

const SYSTEM_SLICE = 2n * B;
const SYSTEM_INSTALL_SLICE = 5n * B;

/** Scheduler configuration of system subnets: larger message limits, no rate limits, free chunk uploads. */
export const SYSTEM_SUBNET_SCHEDULER_CONFIG: SchedulerConfig = Object.freeze({
  ...APPLICATION_SUBNET_SCHEDULER_CONFIG,
  maxInstructionsPerRound: i((SYSTEM_INSTALL_SLICE > SYSTEM_SLICE ? SYSTEM_INSTALL_SLICE : SYSTEM_SLICE) + 2n * B), // 52B at 002d5530
  maxInstructionsPerMessage: i(50n * B),
  maxInstructionsPerQueryMessage: i(50n * B),
  maxInstructionsPerSlice: i(SYSTEM_SLICE),
  maxInstructionsPerInstallCode: i(1_000n * B),
  maxInstructionsPerInstallCodeSlice: i(SYSTEM_INSTALL_SLICE),
  heapDeltaInitialReserve: SUBNET_HEAP_DELTA_CAPACITY, // reserve = capacity: no heap-delta rate limiting
  maxHeapDeltaPerIteration: numBytes(200n * M * SYSTEM_SUBNET_FACTOR),
  heapDeltaRateLimit: numBytes(NO_RATE_LIMIT),
  installCodeRateLimit: i(NO_RATE_LIMIT),
  uploadWasmChunkInstructions: i(0n),
  canisterSnapshotBaselineInstructions: i(0n),
  canisterSnapshotDataBaselineInstructions: i(0n),
});

/** Everything that differs by subnet type (the replica's `SubnetConfig`). */
export interface SubnetConfig {
  readonly scheduler: SchedulerConfig;
  readonly fees: CyclesFees;
}

/** The configuration of a subnet type. Verified application subnets use the application values. */
export function subnetConfigFor(type: SubnetType): SubnetConfig {
  switch (type) {
    case 'application':
    case 'verified_application':
      return { scheduler: APPLICATION_SUBNET_SCHEDULER_CONFIG, fees: APPLICATION_SUBNET_FEES };
    case 'system':
      return { scheduler: SYSTEM_SUBNET_SCHEDULER_CONFIG, fees: SYSTEM_SUBNET_FEES };
  }
}

/**
 * Initial per-thread canister instruction counter of a round: R − S + 1
 * with S = max(slice, install-code slice). A round stops when it reaches ≤ 0.
 */
export function canisterRoundInstructionBudget(cfg: SchedulerConfig): bigint {
  const s = cfg.maxInstructionsPerSlice > cfg.maxInstructionsPerInstallCodeSlice
    ? cfg.maxInstructionsPerSlice
    : cfg.maxInstructionsPerInstallCodeSlice;
  return cfg.maxInstructionsPerRound - s + 1n;
}

/** Instructions available to subnet messages per round: R / 16 (integer division). */
export function subnetMessageInstructionBudget(cfg: SchedulerConfig): bigint {
  return cfg.maxInstructionsPerRound / SUBNET_MESSAGES_LIMIT_FRACTION;
}
