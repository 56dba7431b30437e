/**
 * Deterministic time slicing on the execution side (execution_internals.md
 * §2.4, §3.6): the registry of paused executions and the driver that moves
 * a message from slice to slice.
 *
 * - A message kind starts its Wasm execution and hands the outcome to
 *   `drive` with a {@link SliceStep}: what to do when the execution
 *   finishes (`finish`, the commit point) and how to end it early (`fail`).
 * - A pause counts the slice against the round, keeps the hypervisor's
 *   paused execution here (not in the replicated state) and puts
 *   `pausedExecution{id, input}` at the front of the canister's task queue.
 *   The canister's state is not touched: changes are applied only when the
 *   execution finishes, so a query sees the state before the message and an
 *   abort needs no undo.
 * - `resume` pops that task, re-checks the canister (`check`: the replica
 *   fails a DTS execution whose balance changed meanwhile) and runs the next
 *   slice. The canister object may differ between rounds (copy-on-write
 *   snapshots); every continuation takes the current one.
 * - `abort` drops the paused execution and leaves
 *   `abortedExecution{input, prepaidExecutionCycles}` in its place; the
 *   message restarts from scratch later, already paid for. Postponed
 *   ingress charges are applied then.
 */
import type { HypervisorError } from '../errors/index.ts';
import type { ExecuteOutcome, ExecutionResult, PausedExecution } from '../hypervisor/index.ts';
import type { CanisterMessageOrTask, CanisterState } from '../state/index.ts';
import { chargeRound, instructions } from './common.ts';
import { PausedRegistry } from './paused-registry.ts';
import type { ExecuteMessageOutcome, RoundContext } from './types.ts';

/** How a message kind continues after each slice. */
export interface SliceStep {
  /** The message or task, kept in the task queue while paused (and re-run after an abort). */
  readonly input: CanisterMessageOrTask;
  /** Execution cycles already paid (kept by an aborted execution). */
  readonly prepaid: bigint;
  /** Checks the canister before a resume; an error ends the message with `fail`. */
  readonly check?: (canister: CanisterState) => HypervisorError | undefined;
  /** The commit point, once the Wasm execution finished. */
  readonly finish: (canister: CanisterState, round: RoundContext, result: ExecutionResult) => Promise<ExecuteMessageOutcome>;
  /** Ends the message when `check` failed (the paused execution is already aborted). */
  readonly fail: (canister: CanisterState, round: RoundContext, error: HypervisorError) => Promise<ExecuteMessageOutcome>;
  /** Called when a new execution pauses for the first time (ingress → Processing). */
  readonly onFirstPause?: (canister: CanisterState, round: RoundContext) => void;
}

interface Entry {
  readonly paused: PausedExecution;
  readonly step: SliceStep;
  /** Instructions already counted against rounds. */
  readonly counted: bigint;
}

/** The paused executions of one environment, by canister (see the module header). */
export class PausedExecutions {
  readonly #registry = new PausedRegistry<Entry>('pausedExecution', 'paused execution');

  /** Whether `canister` has a paused execution here. */
  has(canister: CanisterState): boolean {
    return this.#registry.has(canister);
  }

  /** Number of paused executions. */
  get size(): number {
    return this.#registry.size;
  }

  /**
   * Takes an execution's outcome: finished → `step.finish`; paused →
   * registered and queued (see the module header).
   */
  async drive(
    canister: CanisterState, round: RoundContext, out: ExecuteOutcome, step: SliceStep, counted = 0n, id?: number,
  ): Promise<ExecuteMessageOutcome> {
    if (out.kind === 'finished') {
      chargeRound(round, out.result.instructionsExecuted - counted);
      return step.finish(canister, round, out.result);
    }
    const slice = out.paused.sliceInstructions;
    chargeRound(round, slice);
    this.#registry.add(canister, { paused: out.paused, step, counted: counted + slice },
      (entryId) => ({ kind: 'pausedExecution', id: entryId, input: step.input }), id);
    if (id === undefined) step.onFirstPause?.(canister, round);
    return { kind: 'paused', canister, instructionsUsed: instructions(slice) };
  }

  /**
   * Runs the next slice of the canister's paused execution (the front of
   * its task queue).
   * @throws {InternalBug} if the front is not a paused execution of this environment.
   */
  async resume(canister: CanisterState, round: RoundContext): Promise<ExecuteMessageOutcome> {
    const entry = this.#registry.take(canister);
    const error = entry.step.check?.(canister);
    if (error !== undefined) {
      entry.paused.abort();
      return entry.step.fail(canister, round, error);
    }
    const out = await entry.paused.resume();
    return this.drive(canister, round, out, entry.step, entry.counted, entry.id);
  }

  /**
   * Drops the canister's paused execution; the task queue then holds the
   * aborted message with its prepaid cycles.
   * @throws {InternalBug} if there is none.
   */
  abort(canister: CanisterState): void {
    this.#registry.abort(canister, (entry) => ({
      kind: 'abortedExecution', input: entry.step.input, prepaidExecutionCycles: entry.step.prepaid,
    }));
  }
}
