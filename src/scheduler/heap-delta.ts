/**
 * The subnet's heap-delta limit per round (the replica's
 * `scheduled_heap_delta_limit`, `rs/execution_environment/src/scheduler.rs`;
 * execution_internals.md §9).
 *
 * The pages changed since the last checkpoint (`heapDeltaEstimate`) are
 * bounded by `subnetHeapDeltaCapacity`. Right after a checkpoint only the
 * initial reserve is available; the rest of the capacity is released
 * evenly over the checkpoint interval:
 *
 *     limit(h) = capacity − (capacity − reserve) · min(remaining, L) / L
 *     remaining = nextCheckpointHeight − h,   L = currentIntervalLength + 1
 *
 * (without a batch summary, i.e. without regular checkpoints: the
 * capacity). A round whose estimate is at or above the limit executes no
 * canister messages (`executeRound` returns `skipped`); the estimate is
 * reset at each checkpoint. A local replica also asks for a checkpoint as
 * soon as the estimate reaches the limit (`checkpointDue`; see the local
 * block maker), where the IC waits for the interval's end.
 */
import type { BatchSummary } from '../consensus/index.ts';
import type { SchedulerConfig } from '../config/index.ts';
import type { ReplicatedState } from '../state/index.ts';

/** The heap-delta limit of the round at `height` (see the module header). Bytes. */
export function scheduledHeapDeltaLimit(
  height: bigint, summary: BatchSummary | undefined, capacity: bigint, initialReserve: bigint,
): bigint {
  if (summary === undefined) return capacity;
  const length = summary.currentIntervalLength + 1n;
  const remaining = summary.nextCheckpointHeight > height ? summary.nextCheckpointHeight - height : 0n;
  const spread = capacity > initialReserve ? capacity - initialReserve : 0n;
  const reserved = (spread * (remaining < length ? remaining : length)) / length;
  return capacity > reserved ? capacity - reserved : 0n;
}

/** Whether the round at `height` would be skipped for the heap delta: the next batch should be a checkpoint. */
export function checkpointDue(
  state: ReplicatedState, config: Pick<SchedulerConfig, 'subnetHeapDeltaCapacity' | 'heapDeltaInitialReserve'>,
  height: bigint, summary: BatchSummary | undefined,
): boolean {
  return state.metadata.heapDeltaEstimate >= scheduledHeapDeltaLimit(height, summary, config.subnetHeapDeltaCapacity, config.heapDeltaInitialReserve);
}
