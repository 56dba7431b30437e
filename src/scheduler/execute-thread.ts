/**
 * One execution thread of an iteration (`execute_canisters_on_thread`): the
 * canisters of one scheduler core, in order. For each canister:
 *
 *     skip it if the thread's budget is used up or its heap delta reached the limit
 *     loop:
 *       next = task queue front, else input        (none / install code → stop)
 *       stop if the budget is used up
 *       run it: a task, a paused slice, or the next input message
 *       budget −= instructions (the executor) + overhead per execution
 *       stop if the heap delta reached the limit, or a long execution just finished
 *     record whether it was fully executed; budget −= overhead per canister if it ran
 *
 * A thread only touches its own canisters and its own `RoundContext`
 * (budget, ingress-history buffer, randomness), so threads may run at the
 * same time and their results are merged in core order.
 */
import type { SchedulerConfig } from '../config/index.ts';
import { InternalBug } from '../errors/index.ts';
import type { CanisterState, CanisterMessage } from '../state/index.ts';
import { popInput } from '../state/index.ts';
import { RoundSchedule, nextExecution } from './round-schedule.ts';
import type { CanisterExecutor, CanisterInput, ExecuteMessageOutcome, RoundContext } from './types.ts';

/** What a thread did. */
export interface ThreadResult {
  /** The canisters' new states (the same objects, changed in place, unless the executor replaced one). */
  readonly canisters: CanisterState[];
  readonly executedCanisterIds: string[];
  readonly fullyExecutedCanisterIds: Set<string>;
  executions: number;
  /** Messages and tasks that finished (a long one counts once, when its last slice ran). */
  finished: number;
  /** Executions by kind (see {@link ExecutionKind}). */
  readonly byKind: Partial<Record<ExecutionKind, number>>;
  heapDelta: bigint;
}

/**
 * What an execution ran, for metrics: a message by its kind, a system task,
 * or a further slice of a paused (or restart of an aborted) DTS execution.
 */
export type ExecutionKind = 'ingress' | 'request' | 'response' | 'heartbeat' | 'global_timer' | 'on_low_wasm_memory' | 'dts_slice';

const TASK_KIND = { heartbeat: 'heartbeat', globalTimer: 'global_timer', onLowWasmMemory: 'on_low_wasm_memory' } as const;

const keyOf = (c: CanisterState): string => Buffer.from(c.canisterId.bytesView()).toString('hex');

function inputOf(msg: CanisterMessage): CanisterInput {
  switch (msg.kind) {
    case 'ingress': return { kind: 'ingress', ingress: msg };
    case 'request': return { kind: 'request', request: msg };
    case 'response': return { kind: 'response', response: msg };
  }
}

const count = (byKind: ThreadResult['byKind'], kind: ExecutionKind): void => {
  byKind[kind] = (byKind[kind] ?? 0) + 1;
};

/** Runs the next task, slice or message of `canister` (`execute_canister`), counted in `byKind`. */
async function executeNext(executor: CanisterExecutor, canister: CanisterState, round: RoundContext, byKind: ThreadResult['byKind']): Promise<ExecuteMessageOutcome | undefined> {
  const tasks = canister.systemState.taskQueue;
  const front = tasks.front();
  switch (front?.kind) {
    case 'pausedExecution':
    case 'abortedExecution':
      count(byKind, 'dts_slice');
      return executor.resumePausedExecution(canister, round);
    case 'heartbeat':
    case 'globalTimer':
    case 'onLowWasmMemory':
      tasks.popFront();
      count(byKind, TASK_KIND[front.kind]);
      return executor.executeSystemTask(canister, front.kind, round);
    case 'pausedInstallCode':
    case 'abortedInstallCode':
      return undefined;
    case undefined: {
      const msg = popInput(canister.systemState);
      if (msg === undefined) return undefined;
      count(byKind, msg.kind);
      return executor.executeCanisterInput(canister, inputOf(msg), round);
    }
  }
}

/**
 * Executes the canisters of one core (see the module header).
 * @param isFirstIteration the first canister of each core counts as fully executed in the first iteration.
 */
export async function executeCanistersOnThread(
  canisters: readonly CanisterState[], executor: CanisterExecutor, config: SchedulerConfig,
  round: RoundContext, roundNumber: bigint, isFirstIteration: boolean, rateLimitHeapDelta: boolean,
): Promise<ThreadResult> {
  const result: ThreadResult = { canisters: [], executedCanisterIds: [], fullyExecutedCanisterIds: new Set(), executions: 0, finished: 0, byKind: {}, heapDelta: 0n };
  const budget = round.roundInstructionsLeft;
  for (const [rank, start] of canisters.entries()) {
    let canister = start;
    if (budget.value <= 0n || result.heapDelta >= config.maxHeapDeltaPerIteration) {
      result.canisters.push(canister);
      continue;
    }
    let used = 0n;
    for (;;) {
      const next = nextExecution(canister);
      if (next === 'none' || next === 'continueInstallCode' || budget.value <= 0n) break;
      const hadPaused = canister.systemState.taskQueue.hasPausedExecution();
      const outcome = await executeNext(executor, canister, round, result.byKind);
      if (outcome === undefined) throw new InternalBug(`canister ${canister.canisterId.toText()} had work (${next}) but nothing ran`);
      canister = outcome.canister;
      used += outcome.instructionsUsed;
      result.executions++;
      budget.value -= config.instructionOverheadPerExecution;
      if (outcome.kind === 'finished') {
        result.finished++;
        result.heapDelta += outcome.heapDeltaBytes;
        if (rateLimitHeapDelta) canister.schedulerState.heapDeltaDebit += outcome.heapDeltaBytes;
      }
      if (result.heapDelta >= config.maxHeapDeltaPerIteration) break;
      if (hadPaused && !canister.systemState.taskQueue.hasPausedExecution()) break;
    }
    if (used > 0n) result.executedCanisterIds.push(keyOf(canister));
    RoundSchedule.finishCanisterExecution(canister, result.fullyExecutedCanisterIds, roundNumber, isFirstIteration, rank);
    result.canisters.push(canister);
    if (used > 0n) budget.value -= config.instructionOverheadPerCanister;
  }
  return result;
}
