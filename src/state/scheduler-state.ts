/**
 * `SchedulerState` (the replica's name, `canister_state.rs`): what the
 * scheduler keeps per canister between rounds. Priorities are in the
 * replica's units: percent of a round, accumulated per round as
 * `compute_allocation + free capacity share − 100 if executed` and kept
 * zero-sum across the subnet (the scheduler owns the arithmetic; this is the
 * data). The replica also keeps the compute allocation here; ic-exec keeps
 * it in `SystemState` with the other settings.
 */

/** Whether a long execution keeps its core (`LongExecutionMode`). */
export type LongExecutionMode = 'opportunistic' | 'prioritized';

/**
 * What the scheduler offers a canister first in a round's first iteration
 * (`NextScheduledMethod`); it rotates globalTimer → heartbeat → message.
 * The replica keeps it in the execution state; ic-exec keeps it here.
 */
export type NextScheduledMethod = 'globalTimer' | 'heartbeat' | 'message';

/** A canister's scheduling data. */
export interface SchedulerState {
  /** Last round in which the canister had the chance to run all its messages (`last_full_execution_round`). */
  lastFullExecutionRound: bigint;
  /** Priority accumulated over rounds, percent (may be negative). */
  accumulatedPriority: bigint;
  /** Priority a long execution borrowed against future rounds, percent. */
  priorityCredit: bigint;
  longExecutionMode: LongExecutionMode;
  /** Heap delta produced above the per-round rate, bytes (`heap_delta_debit`). */
  heapDeltaDebit: bigint;
  /** install_code instructions above the per-round rate (`install_code_debit`). */
  installCodeDebit: bigint;
  /** When storage and compute allocation were last charged, nanoseconds (`time_of_last_allocation_charge`). */
  timeOfLastAllocationCharge: bigint;
  /** The method the scheduler offers first next round (`next_scheduled_method`). */
  nextScheduledMethod: NextScheduledMethod;
}

/** The scheduler state of a new canister created at `time`. */
export function newSchedulerState(time: bigint): SchedulerState {
  return {
    lastFullExecutionRound: 0n,
    accumulatedPriority: 0n,
    priorityCredit: 0n,
    longExecutionMode: 'opportunistic',
    heapDeltaDebit: 0n,
    installCodeDebit: 0n,
    timeOfLastAllocationCharge: time,
    nextScheduledMethod: 'globalTimer',
  };
}
