/**
 * Heartbeat and global-timer tasks (`initialize_inner_round`,
 * `is_next_method_chosen`), added in a round's first iteration for running
 * canisters without a pending long execution:
 *
 *     heartbeat eligible  the module exports canister_heartbeat
 *     timer eligible      it exports canister_global_timer and the timer is set and due (time ≥ timer)
 *
 * `nextScheduledMethod` rotates globalTimer → heartbeat → message →
 * globalTimer; the scheduler advances it until a method is chosen: `message`
 * is chosen if the canister has input; a chosen task goes to the front of
 * the task queue, with the other task behind it if that one is eligible too
 * (both run back to back). A ready on-low-Wasm-memory hook is always chosen
 * first and adds nothing. Tasks left at the end of the round are removed
 * (`removeRoundTasks`); they come back next round.
 */
import type { CanisterState, NextScheduledMethod, ReplicatedState } from '../state/index.ts';
import { exportsFunction } from '../state/index.ts';
import { nextExecution } from './round-schedule.ts';

const NEXT: Readonly<Record<NextScheduledMethod, NextScheduledMethod>> = {
  globalTimer: 'heartbeat', heartbeat: 'message', message: 'globalTimer',
};

/** Whether the canister's global timer is set and due at `now` (`has_reached_deadline`). */
export function globalTimerDue(canister: CanisterState, now: bigint): boolean {
  const t = canister.systemState.globalTimer;
  return t !== 0n && now >= t;
}

function chooseNext(canister: CanisterState, heartbeat: boolean, timer: boolean): boolean {
  const tasks = canister.systemState.taskQueue;
  if (tasks.front()?.kind === 'onLowWasmMemory') return true;
  switch (canister.schedulerState.nextScheduledMethod) {
    case 'message': return canister.systemState.queues.hasInput();
    case 'heartbeat':
      if (!heartbeat) return false;
      if (timer) tasks.enqueue({ kind: 'globalTimer' });
      tasks.enqueue({ kind: 'heartbeat' });
      return true;
    case 'globalTimer':
      if (!timer) return false;
      if (heartbeat) tasks.enqueue({ kind: 'heartbeat' });
      tasks.enqueue({ kind: 'globalTimer' });
      return true;
  }
}

/**
 * Queues the heartbeat and timer tasks of the round (see the module header).
 * @returns the ids of canisters that got tasks, to clean up after the round.
 */
export function initializeRoundTasks(state: ReplicatedState, now: bigint): string[] {
  const touched: string[] = [];
  for (const c of state.canisters()) {
    if (c.systemState.status.kind !== 'running' || c.executionState === undefined) continue;
    const heartbeat = exportsFunction(c.executionState, 'canister_heartbeat');
    const timer = exportsFunction(c.executionState, 'canister_global_timer') && globalTimerDue(c, now);
    if (!heartbeat && !timer) continue;
    const next = nextExecution(c);
    if (next === 'continueLong' || next === 'continueInstallCode') continue;
    const own = state.canisterMut(c.canisterId) as CanisterState;
    for (let i = 0; i < 3; i++) {
      const chosen = chooseNext(own, heartbeat, timer);
      own.schedulerState.nextScheduledMethod = NEXT[own.schedulerState.nextScheduledMethod];
      if (chosen) break;
    }
    if (own.systemState.taskQueue.roundTasks.length > 0) touched.push(Buffer.from(own.canisterId.bytesView()).toString('hex'));
  }
  return touched;
}

/** Removes the heartbeat and timer tasks left over at the end of the round. */
export function removeRoundTasks(state: ReplicatedState): void {
  for (const c of state.canisters()) {
    if (c.systemState.taskQueue.roundTasks.length === 0) continue;
    (state.canisterMut(c.canisterId) as CanisterState).systemState.taskQueue.removeHeartbeatAndGlobalTimer();
  }
}
