// Public face of src/scheduler: one round of execution (`executeRound`), the
// round schedule (accumulated priorities, compute allocation, partitioning
// over cores), the interfaces of what it drives (`CanisterExecutor`,
// `SubnetMessageExecutor`) and the subnet-wide budgets it hands out.
export { executeRound, abortPausedExecutionsAboveLimit, threadRandomness } from './scheduler.ts';
export type {
  RoundContext, RoundEnvironment, RoundSummary, CanisterExecutor, CanisterInput, ExecuteMessageOutcome, SystemTask, SubnetMessageExecutor,
} from './types.ts';
export { RoundSchedule, nextExecution, hasAbortedOrPausedExecution, computeCapacityPercent, applyPriorityCredit } from './round-schedule.ts';
export type { NextExecution, CanisterRoundState } from './round-schedule.ts';
export { IngressHistoryBuffer } from './ingress-history-buffer.ts';
export { inductMessagesOnSameSubnet } from './local-induction.ts';
export { globalTimerDue } from './system-tasks.ts';
export { purgeExpiredIngress, processStoppingCanisters } from './round-maintenance.ts';
export { subnetAvailableGuaranteedResponseMemory, isSubnetAddress, isInOwnRanges } from './subnet-memory.ts';
export { scheduledHeapDeltaLimit, checkpointDue } from './heap-delta.ts';
export { RawRandGenerator, RAW_RAND_DOMAIN, answerPostponedRawRand } from './raw-rand.ts';
