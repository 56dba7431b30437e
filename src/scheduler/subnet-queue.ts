/**
 * Draining the subnet queues at the start of each iteration
 * (`drain_subnet_queues`): management-canister messages run one at a time,
 * in the queues' round-robin order, under the subnet-message budget
 * (R / 16, separate from the canisters' budget). Which message may run
 * (`can_execute_subnet_msg`, `Ic00MethodPermissions::can_be_executed`):
 *
 *     about a canister with a paused execution or paused install_code    waits
 *     install_code, install_chunked_code, upload_chunk, snapshots taken
 *       or loaded (they count toward the round) once the budget is used   wait
 *     install_code, install_chunked_code, stop_canister, delete_canister,
 *       load_canister_snapshot on a canister with an aborted execution     wait
 *     install_code, install_chunked_code while any install is long-running wait
 *     everything else                                                     runs
 *
 * Draining stops after a message that leaves the budget used up or starts a
 * long execution, or when every queued message was looked at and none can
 * run. A canister's `raw_rand` request is not executed but postponed to the
 * next round (`raw-rand.ts`); it costs no instructions.
 *
 * Before the first iteration, the round continues the long-running
 * install_code executions (`advance_long_running_install_code`): in
 * canister-id order, one slice each, until one pauses again or the budget is
 * used up; then the subnet budget is at least 0 again.
 */
import type { CanisterMessage, ReplicatedState } from '../state/index.ts';
import type { CanisterId, Height } from '../types/index.ts';
import { nextExecution } from './round-schedule.ts';
import { isRawRandRequest, postponeRawRand } from './raw-rand.ts';
import type { RoundContext, SubnetMessageExecutor } from './types.ts';

function queuedMessages(state: ReplicatedState): number {
  const q = state.subnetQueues;
  return q.ingressQueue.size + q.inputQueuesRequestCount() + q.inputQueuesResponseCount();
}

const isMessage = (m: { readonly kind: string }): m is CanisterMessage => m.kind === 'ingress' || m.kind === 'request' || m.kind === 'response';

/** Methods that count toward the round's instruction limit. */
const COUNTS_TOWARD_ROUND_LIMIT: ReadonlySet<string> = new Set([
  'install_code', 'install_chunked_code', 'upload_chunk', 'take_canister_snapshot', 'load_canister_snapshot',
]);
/** Methods that do not run on a canister with an aborted execution. */
const NOT_ON_ABORTED_CANISTER: ReadonlySet<string> = new Set([
  'install_code', 'install_chunked_code', 'stop_canister', 'delete_canister', 'load_canister_snapshot',
]);
/** Methods that install code: one long install at a time. */
const INSTALLS_CODE: ReadonlySet<string> = new Set(['install_code', 'install_chunked_code']);

function canExecute(
  state: ReplicatedState, executor: SubnetMessageExecutor, msg: CanisterMessage, ongoingLongInstall: boolean, budgetReached: boolean,
): boolean {
  const id = executor.effectiveCanisterId(msg);
  if (id === undefined) return true;
  const canister = state.canister(id);
  if (canister === undefined) return true;
  const front = canister.systemState.taskQueue.pausedOrAborted?.kind;
  if (front === 'pausedExecution' || front === 'pausedInstallCode') return false;
  if (msg.kind === 'response') return true;
  const m = msg.methodName;
  const aborted = front === 'abortedExecution' || front === 'abortedInstallCode';
  return !((COUNTS_TOWARD_ROUND_LIMIT.has(m) && budgetReached) || (NOT_ON_ABORTED_CANISTER.has(m) && aborted)
    || (INSTALLS_CODE.has(m) && ongoingLongInstall));
}

/** Whether any canister has a paused or aborted install_code. */
function hasLongInstall(state: ReplicatedState): boolean {
  return state.canisters().some((c) => nextExecution(c) === 'continueInstallCode');
}

/**
 * Continues the long-running install_code executions (see the module
 * header); `round` carries the subnet budget.
 */
export async function advanceLongRunningInstallCode(state: ReplicatedState, executor: SubnetMessageExecutor, round: RoundContext): Promise<void> {
  const advance = executor.advanceInstallCode?.bind(executor);
  if (advance === undefined) return;
  const ids: CanisterId[] = state.canisters().filter((c) => nextExecution(c) === 'continueInstallCode').map((c) => c.canisterId);
  for (const id of ids) {
    const { paused } = await advance(state, id, round);
    if (paused || round.roundInstructionsLeft.value <= 0n) break;
  }
  if (round.roundInstructionsLeft.value < 0n) round.roundInstructionsLeft.value = 0n;
}

/**
 * Runs subnet messages (see the module header) in the round at `height`.
 * @returns how many ran (postponed `raw_rand` calls included).
 */
export async function drainSubnetQueues(state: ReplicatedState, executor: SubnetMessageExecutor, round: RoundContext, height: Height): Promise<number> {
  const ongoingLongInstall = hasLongInstall(state);
  let executed = 0;
  for (;;) {
    const reached = round.roundInstructionsLeft.value <= 0n;
    let found = false;
    for (let looked = 0, total = queuedMessages(state) + 3; looked < total; looked++) {
      const msg = state.subnetQueues.peekInput();
      if (msg === undefined) break;
      if (isMessage(msg) && canExecute(state, executor, msg, ongoingLongInstall, reached)) {
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
    if (paused || round.roundInstructionsLeft.value <= 0n) break;
  }
  return executed;
}
