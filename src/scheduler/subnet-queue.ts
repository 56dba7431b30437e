/**
 * Draining the subnet queues at the start of each iteration
 * (`drain_subnet_queues`): management-canister messages run one at a time,
 * in the queues' round-robin order, under the subnet-message budget
 * (R / 16, separate from the canisters' budget). A message about a canister
 * with a paused execution is skipped (it waits for the long execution to
 * end); the rest are not. Draining stops when the budget is used up, when a
 * message starts a long execution, or when every queued message was looked
 * at and none can run. A canister's `raw_rand` request is not executed
 * but postponed to the next round (`raw-rand.ts`); it costs no instructions.
 */
import type { CanisterMessage, ReplicatedState } from '../state/index.ts';
import type { Height } from '../types/index.ts';
import { isRawRandRequest, postponeRawRand } from './raw-rand.ts';
import type { RoundContext, SubnetMessageExecutor } from './types.ts';

function queuedMessages(state: ReplicatedState): number {
  const q = state.subnetQueues;
  return q.ingressQueue.size + q.inputQueuesRequestCount() + q.inputQueuesResponseCount();
}

const isMessage = (m: { readonly kind: string }): m is CanisterMessage => m.kind === 'ingress' || m.kind === 'request' || m.kind === 'response';

function canExecute(state: ReplicatedState, executor: SubnetMessageExecutor, msg: CanisterMessage): boolean {
  const id = executor.effectiveCanisterId(msg);
  if (id === undefined) return true;
  return state.canister(id)?.systemState.taskQueue.hasPausedExecution() !== true;
}

/**
 * Runs subnet messages (see the module header) in the round at `height`.
 * @returns how many ran (postponed `raw_rand` calls included).
 */
export async function drainSubnetQueues(state: ReplicatedState, executor: SubnetMessageExecutor, round: RoundContext, height: Height): Promise<number> {
  let executed = 0;
  for (;;) {
    if (round.roundInstructionsLeft.value <= 0n) break;
    let found = false;
    for (let looked = 0, total = queuedMessages(state) + 3; looked < total; looked++) {
      const msg = state.subnetQueues.peekInput();
      if (msg === undefined) break;
      if (isMessage(msg) && canExecute(state, executor, msg)) {
        found = true;
        break;
      }
      state.subnetQueues.skipInput();
    }
    if (!found) break;
    const msg = state.subnetQueues.popInput();
    if (msg === undefined || !isMessage(msg)) break;
    executed++;
    if (isRawRandRequest(msg)) {
      postponeRawRand(state, msg, height);
      continue;
    }
    const { paused } = await executor.executeSubnetMessage(state, msg, round);
    if (paused) break;
  }
  return executed;
}
