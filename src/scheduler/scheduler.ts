/**
 * `executeRound`: one round of the replica's scheduler
 * (`SchedulerImpl::execute_round`, `rs/execution_environment/src/scheduler.rs`
 * at 002d5530; execution_internals.md §1.3):
 *
 *     preparation   purge expired ingress; answer the raw_rand calls
 *                   postponed in earlier rounds (raw-rand.ts); budgets: canisters R − S + 1 per
 *                   thread, subnet messages R / 16; skip the round if the heap
 *                   delta estimate is at the round's limit (heap-delta.ts: the
 *                   capacity released over the checkpoint interval); continue the
 *                   long-running install_code executions (subnet budget)
 *     scheduling    RoundSchedule.apply (accumulated priorities, compute allocation)
 *     inner round   repeat: drain the subnet queues; (first iteration) queue
 *                   heartbeats and due timers; partition the canisters with
 *                   work over the scheduler cores; run the threads; merge in
 *                   core order; budget −= the busiest thread's instructions and
 *                   12,000 per canister; stop if nothing ran, the budget is used
 *                   up or the heap delta reached 200 MB; else induct same-subnet
 *                   messages and go again
 *     finalization  leftover heartbeat/timer tasks removed; heap-delta and
 *                   install-code debits; stopping canisters; ingress history
 *                   pruned; resources charged (a canister that cannot pay is
 *                   uninstalled); priorities updated; paused
 *                   executions above the limit (all of them at a checkpoint)
 *                   aborted; default Wasm memory limits; empty queues dropped;
 *                   the subnet metrics' canister count and update transactions
 *                   (the subnet messages and the canister messages and tasks
 *                   that finished this round)
 *
 * Determinism: every thread works on its own canisters, its own copy of the
 * budget, its own ingress-history buffer and its own randomness (derived
 * from the batch's and the core index), and results are merged in core
 * order — so running the partitions one after another or at the same time
 * (`parallelism`, sandbox workers) gives the same state. The number of
 * scheduler cores itself (`config.schedulerCores`) is part of the
 * algorithm, as on the IC.
 */
import type { Batch } from '../consensus/index.ts';
import { INGRESS_HISTORY_MEMORY_CAPACITY, canisterRoundInstructionBudget, subnetMessageInstructionBudget } from '../config/index.ts';
import { withDomainSeparator } from '../crypto/index.ts';
import type { CanisterState, ReplicatedState } from '../state/index.ts';
import { executeCanistersOnThread } from './execute-thread.ts';
import { scheduledHeapDeltaLimit } from './heap-delta.ts';
import type { ThreadResult } from './execute-thread.ts';
import { IngressHistoryBuffer } from './ingress-history-buffer.ts';
import { inductMessagesOnSameSubnet } from './local-induction.ts';
import {
  chargeForResources, garbageCollectQueues, initializeWasmMemoryLimit, processStoppingCanisters, purgeExpiredIngress,
} from './round-maintenance.ts';
import { RoundSchedule, applyPriorityCredit, orderCanisterRoundStates, roundStateOf } from './round-schedule.ts';
import { answerPostponedRawRand } from './raw-rand.ts';
import { advanceLongRunningInstallCode, drainSubnetQueues } from './subnet-queue.ts';
import { initializeRoundTasks, removeRoundTasks } from './system-tasks.ts';
import type { CanisterExecutor, RoundContext, RoundEnvironment, RoundSummary } from './types.ts';

/** The randomness of execution thread `thread` (the subnet thread is `cores`). */
export function threadRandomness(randomness: Uint8Array, thread: number): Uint8Array {
  const index = new Uint8Array(4);
  new DataView(index.buffer).setUint32(0, thread, false);
  return withDomainSeparator('ic-exec-execution-thread', randomness, index);
}

/**
 * A round context whose `randomness` (thread `thread`'s, from the batch's) is
 * derived when first read: a batch's randomness may be expensive to produce
 * (the local block maker signs it with BLS) and most rounds never need it.
 */
function roundContext(batch: Batch, thread: number, rest: Omit<RoundContext, 'randomness'>): RoundContext {
  let randomness: Uint8Array | undefined;
  return Object.defineProperty({ ...rest }, 'randomness', {
    enumerable: true,
    get: () => (randomness ??= threadRandomness(batch.randomness, thread)),
  }) as RoundContext;
}

/** Runs `f` over `items` with at most `limit` running at once; results in item order. */
async function mapLimited<T, R>(items: readonly T[], limit: number, f: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < items.length; i = next++) out[i] = await f(items[i], i);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

/**
 * Aborts the paused executions beyond the `limit` highest-priority ones
 * (`abort_paused_executions_above_limit`; paused install_code is not
 * counted: it is aborted only at checkpoints, by {@link abortPausedInstallCode}).
 */
export function abortPausedExecutionsAboveLimit(state: ReplicatedState, executor: CanisterExecutor, limit: number): number {
  return abortAboveLimit(state, executor, limit).aborted;
}

/** {@link abortPausedExecutionsAboveLimit}, also telling how many paused executions are left. */
function abortAboveLimit(state: ReplicatedState, executor: CanisterExecutor, limit: number): { aborted: number; left: number } {
  const paused = state.canisters().filter((c) => c.systemState.taskQueue.pausedOrAborted?.kind === 'pausedExecution').map(roundStateOf);
  orderCanisterRoundStates(paused);
  for (const rs of paused.slice(limit)) {
    const c = state.canisterMut(rs.canisterId) as CanisterState;
    const aborted = executor.abortPausedExecution(c);
    if (aborted !== c) state.putCanister(aborted);
    applyPriorityCredit(aborted);
  }
  const aborted = Math.max(0, paused.length - limit);
  return { aborted, left: paused.length - aborted };
}

/** Aborts every paused install_code (a checkpoint); each restarts later with the cycles it prepaid. */
export function abortPausedInstallCode(state: ReplicatedState, executor: CanisterExecutor): void {
  for (const c of state.canisters()) {
    if (c.systemState.taskQueue.pausedOrAborted?.kind !== 'pausedInstallCode') continue;
    const own = state.canisterMut(c.canisterId) as CanisterState;
    const aborted = executor.abortPausedExecution(own);
    if (aborted !== own) state.putCanister(aborted);
  }
}

interface InnerRoundResult {
  iterations: number; executions: number; messages: number; executed: Set<string>; fullyExecuted: Set<string>;
  byKind: Record<string, number>;
}

async function innerRound(state: ReplicatedState, batch: Batch, env: RoundEnvironment, schedule: RoundSchedule, budget: { canisters: bigint; subnet: bigint }): Promise<InnerRoundResult> {
  const cfg = env.config;
  const cores = cfg.schedulerCores;
  const result: InnerRoundResult = { iterations: 0, executions: 0, messages: 0, executed: new Set(), fullyExecuted: new Set(), byKind: {} };
  let totalHeapDelta = 0n;
  for (let first = true; ; first = false) {
    if (env.subnetMessages !== undefined) {
      const left = { value: budget.subnet };
      const ctx = roundContext(batch, cores, { time: batch.time, ingressHistory: state.metadata.ingressHistory, roundInstructionsLeft: left });
      const subnetMessages = await drainSubnetQueues(state, env.subnetMessages, ctx, batch.height);
      result.messages += subnetMessages;
      if (subnetMessages > 0) result.byKind.subnet_message = (result.byKind.subnet_message ?? 0) + subnetMessages;
      budget.subnet = left.value;
    }
    if (first) initializeRoundTasks(state, batch.time);
    schedule.chargeIdleCanisters(state, result.fullyExecuted, batch.height, first);
    const active = schedule.filterCanisters(state, cfg.heapDeltaRateLimit).schedule;
    if (budget.canisters <= 0n) break;
    const threads = active.partition().map((ids, core) => ({
      canisters: ids.map((id) => state.canisterMut(id) as CanisterState),
      round: roundContext(batch, core, {
        time: batch.time,
        ingressHistory: new IngressHistoryBuffer(state.metadata.ingressHistory),
        roundInstructionsLeft: { value: budget.canisters },
      }),
    }));
    const results: ThreadResult[] = await mapLimited(threads, env.parallelism ?? 1, (t) =>
      executeCanistersOnThread(t.canisters, env.executor, cfg, t.round, batch.height, first, true));
    let maxUsed = 0n;
    let heapDelta = 0n;
    for (const [core, r] of results.entries()) {
      for (const c of r.canisters) if (state.canister(c.canisterId) !== c) state.putCanister(c);
      r.executedCanisterIds.forEach((k) => result.executed.add(k));
      r.fullyExecutedCanisterIds.forEach((k) => result.fullyExecuted.add(k));
      (threads[core].round.ingressHistory as IngressHistoryBuffer).flush();
      const used = budget.canisters - threads[core].round.roundInstructionsLeft.value;
      if (used > maxUsed) maxUsed = used;
      heapDelta += r.heapDelta;
      result.executions += r.executions;
      result.messages += r.finished;
      for (const [kind, n] of Object.entries(r.byKind)) result.byKind[kind] = (result.byKind[kind] ?? 0) + n;
    }
    result.iterations++;
    budget.canisters -= maxUsed;
    totalHeapDelta += heapDelta;
    state.metadata.heapDeltaEstimate += heapDelta;
    budget.canisters -= cfg.instructionOverheadPerCanisterForFinalization * BigInt(state.canisterCount);
    if (maxUsed === 0n || budget.canisters <= 0n || totalHeapDelta >= cfg.maxHeapDeltaPerIteration) break;
    inductMessagesOnSameSubnet(state);
  }
  removeRoundTasks(state);
  return result;
}

function applyDebits(state: ReplicatedState, env: RoundEnvironment): void {
  const { heapDeltaRateLimit, installCodeRateLimit } = env.config;
  for (const c of state.canisters()) {
    const s = c.schedulerState;
    if (s.heapDeltaDebit === 0n && s.installCodeDebit === 0n) continue;
    const own = (state.canisterMut(c.canisterId) as CanisterState).schedulerState;
    own.heapDeltaDebit = own.heapDeltaDebit > heapDeltaRateLimit ? own.heapDeltaDebit - heapDeltaRateLimit : 0n;
    own.installCodeDebit = own.installCodeDebit > installCodeRateLimit ? own.installCodeDebit - installCodeRateLimit : 0n;
  }
}

/** The end of a round; returns the paused executions left. */
function finishRound(state: ReplicatedState, batch: Batch, env: RoundEnvironment): number {
  let paused: number;
  if (batch.requiresFullStateHash) {
    state.metadata.heapDeltaEstimate = 0n;
    state.metadata.expectedCompiledWasms.clear();
    paused = abortAboveLimit(state, env.executor, 0).left;
    abortPausedInstallCode(state, env.executor);
  } else {
    paused = abortAboveLimit(state, env.executor, env.config.maxPausedExecutions).left;
  }
  initializeWasmMemoryLimit(state);
  garbageCollectQueues(state);
  state.metadata.subnetMetrics.numCanisters = BigInt(state.canisterCount);
  return paused;
}

/**
 * Executes one round on `state` (changed in place; see the module header).
 * The batch time must already be the state's time (message routing sets it
 * when it inducts the batch).
 */
export async function executeRound(state: ReplicatedState, batch: Batch, env: RoundEnvironment): Promise<RoundSummary> {
  const cfg = env.config;
  const capacity = env.ingressHistoryCapacity ?? INGRESS_HISTORY_MEMORY_CAPACITY;
  state.metadata.batchTime = batch.time;
  const expiredIngress = purgeExpiredIngress(state, capacity);
  answerPostponedRawRand(state, () => batch.randomness);
  const budget = { canisters: canisterRoundInstructionBudget(cfg), subnet: subnetMessageInstructionBudget(cfg) };
  const initial = budget.canisters;
  if (state.metadata.heapDeltaEstimate >= scheduledHeapDeltaLimit(batch.height, batch.batchSummary, cfg.subnetHeapDeltaCapacity, cfg.heapDeltaInitialReserve)) {
    const pausedExecutions = finishRound(state, batch, env);
    return { iterations: 0, executions: 0, executedCanisters: 0, roundInstructions: 0n, expiredIngress, skipped: true, messagesByKind: {}, pausedExecutions };
  }
  if (env.subnetMessages !== undefined) {
    const left = { value: budget.subnet };
    await advanceLongRunningInstallCode(state, env.subnetMessages,
      roundContext(batch, cfg.schedulerCores, { time: batch.time, ingressHistory: state.metadata.ingressHistory, roundInstructionsLeft: left }));
    budget.subnet = left.value;
  }
  const schedule = RoundSchedule.apply(state, cfg.schedulerCores, batch.height, cfg.accumulatedPriorityResetInterval);
  const inner = await innerRound(state, batch, env, schedule, budget);
  applyDebits(state, env);
  processStoppingCanisters(state, capacity);
  state.metadata.ingressHistory.prune(state.time);
  if (env.cycles !== undefined) {
    const uninstall = env.executor.uninstallCanister?.bind(env.executor);
    for (const id of chargeForResources(state, env.cycles)) {
      const c = state.canisterMut(id) as CanisterState;
      if (uninstall === undefined) continue;
      const round = roundContext(batch, cfg.schedulerCores, { time: batch.time, ingressHistory: state.metadata.ingressHistory, roundInstructionsLeft: { value: 0n } });
      const after = uninstall(c, { kind: 'outOfCycles' }, round);
      if (after !== c) state.putCanister(after);
    }
  }
  schedule.finishRound(state, inner.fullyExecuted);
  state.metadata.subnetMetrics.updateTransactionsTotal += BigInt(inner.messages);
  const pausedExecutions = finishRound(state, batch, env);
  return {
    iterations: inner.iterations, executions: inner.executions, executedCanisters: inner.executed.size,
    roundInstructions: initial - budget.canisters, expiredIngress, skipped: false, messagesByKind: inner.byKind, pausedExecutions,
  };
}
