/**
 * Messages in and out of a canister's queues, with the checks that tie the
 * queues to the status and the call contexts (the replica's
 * `SystemState::push_input`, `pop_input`, `induct_messages_to_self`,
 * `time_out_callbacks`, `has_callback`):
 *
 * - running: requests and responses are accepted; stopping: responses only
 *   (`CanisterStopping`); stopped: nothing (`CanisterStopped`), except that a
 *   best-effort response is dropped and its refund credited.
 * - A response must match a callback (originator, respondent, deadline). A
 *   best-effort response without one (timed out, or being executed) is
 *   dropped silently with its refund credited; a guaranteed one is a
 *   `NonMatchingResponse`.
 * - A guaranteed-response request needs subnet message memory (not checked
 *   for local messages on system subnets); the caller's running total is
 *   adjusted by the change in the canister's guaranteed-response memory.
 * - Compact inputs become reject responses when popped: `SYS_UNKNOWN`
 *   "Call deadline has expired." / "Response was dropped.", refund 0.
 */
import { RejectCode } from '../errors/index.ts';
import type { SubnetType } from '../config/index.ts';
import type { CanisterId } from '../types/index.ts';
import { CanisterId as CanisterIdClass, PrincipalId } from '../types/index.ts';
import type { PushInputResult, TimeOutResult } from './canister-queues.ts';
import type { InputQueueType } from './input-schedule.ts';
import type { CallbackId, CanisterMessage, Ingress, RequestOrResponse, Response } from './messages.ts';
import { MR_SYNTHETIC_REJECT_MESSAGE_MAX_LEN, isBestEffort, memoryRequiredToPushRequest, newResponse, rejectContext } from './messages.ts';
import type { SystemState } from './system-state.ts';

/** Guaranteed-response message memory the subnet has left, bytes; updated by the calls below. */
export interface SubnetMessageMemory { value: bigint }

/** Where an inducted message comes from. */
export interface PushInputOptions {
  readonly subnetMemory: SubnetMessageMemory;
  readonly subnetType: SubnetType;
  readonly inputQueueType: InputQueueType;
}

/** The callback of a response execution that is paused or aborted (its response was delivered already). */
function inFlightResponseCallback(state: SystemState): CallbackId | undefined {
  const t = state.taskQueue.pausedOrAborted;
  if (t === undefined || (t.kind !== 'pausedExecution' && t.kind !== 'abortedExecution')) return undefined;
  const m = t.input.kind === 'message' ? t.input.message : undefined;
  return m?.kind === 'response' ? m.originatorReplyCallback : undefined;
}

/** `has_callback`: `true` matched, `false` drop silently, or the error. */
function matchCallback(state: SystemState, response: Response): boolean | PushInputResult {
  const id = response.originatorReplyCallback;
  const cb = inFlightResponseCallback(state) === id ? undefined : state.callContextManager?.callback(id);
  const nonMatching = (errStr: string): PushInputResult => ({
    ok: false,
    error: { kind: 'NonMatchingResponse', errStr, originator: response.originator, callbackId: id, respondent: response.respondent, deadline: response.deadline },
  });
  if (cb === undefined) return isBestEffort(response) ? false : nonMatching('unknown callback ID');
  if (!cb.respondent.equals(response.respondent) || !cb.originator.equals(response.originator) || cb.deadline !== response.deadline) {
    return nonMatching(`invalid details, expected => [originator => ${cb.originator.toText()}, respondent => ${cb.respondent.toText()}, deadline => ${cb.deadline}], but got response with`);
  }
  return true;
}

/** Inducts a canister message (see the module header). */
export function pushInput(state: SystemState, msg: RequestOrResponse, opts: PushInputOptions): PushInputResult {
  const status = state.status.kind;
  const dropResponse = (r: Response): PushInputResult => {
    state.addCycles(r.refund);
    return { ok: true, dropped: true };
  };
  if (status === 'stopped') {
    if (msg.kind === 'response' && isBestEffort(msg)) return dropResponse(msg);
    return { ok: false, error: { kind: 'CanisterStopped', canisterId: state.canisterId } };
  }
  if (status === 'stopping' && msg.kind === 'request') return { ok: false, error: { kind: 'CanisterStopping', canisterId: state.canisterId } };
  if (msg.kind === 'response') {
    const matched = matchCallback(state, msg);
    if (matched === false) return dropResponse(msg);
    if (matched !== true) return matched;
  }
  const checkMemory = opts.subnetType !== 'system' || opts.inputQueueType !== 'localSubnet';
  if (checkMemory && msg.kind === 'request') {
    const required = BigInt(memoryRequiredToPushRequest(msg));
    if (required > opts.subnetMemory.value && required !== 0n) {
      return { ok: false, error: { kind: 'OutOfMemory', requested: required, available: opts.subnetMemory.value } };
    }
  }
  const before = state.guaranteedResponseMessageMemoryUsage();
  const res = state.queues.pushInput(msg, opts.inputQueueType);
  opts.subnetMemory.value += before - state.guaranteedResponseMessageMemoryUsage();
  if (res.ok && res.dropped && msg.kind === 'response') state.addCycles(msg.refund);
  return res;
}

/** Puts an ingress message into the ingress queue (the caller checked the status). */
export function pushIngress(state: SystemState, msg: Ingress): void {
  state.queues.pushIngress(msg);
}

/** A compact input as the reject response it stands for (`to_reject_response`). */
function compactReject(state: SystemState, callbackId: CallbackId, message: string): Response {
  const cb = state.callContextManager?.callback(callbackId);
  const unknown = CanisterIdClass.fromPrincipalId(PrincipalId.anonymous());
  return newResponse({
    originator: cb?.originator ?? unknown,
    respondent: cb?.respondent ?? unknown,
    originatorReplyCallback: callbackId,
    refund: 0n,
    payload: { kind: 'reject', reject: rejectContext(RejectCode.SysUnknown, message, MR_SYNTHETIC_REJECT_MESSAGE_MAX_LEN) },
    deadline: cb?.deadline ?? 1_000_000_000n,
  });
}

/** The next input message, round-robin (see `CanisterQueues.popInput`). */
export function popInput(state: SystemState): CanisterMessage | undefined {
  const input = state.queues.popInput();
  if (input === undefined) return undefined;
  switch (input.kind) {
    case 'deadlineExpired': return compactReject(state, input.callbackId, 'Call deadline has expired.');
    case 'responseDropped': return compactReject(state, input.callbackId, 'Response was dropped.');
    default: return input;
  }
}

/** Moves the canister's messages to itself from its output queue into its input queue, while memory and slots last. */
export function inductMessagesToSelf(state: SystemState, subnetMemory: SubnetMessageMemory, subnetType: SubnetType): void {
  if (state.status.kind !== 'running') return;
  for (let msg = state.queues.peekOutput(state.canisterId); msg !== undefined; msg = state.queues.peekOutput(state.canisterId)) {
    if (subnetType !== 'system' && msg.kind === 'request') {
      const required = BigInt(memoryRequiredToPushRequest(msg));
      if (required !== 0n && required > subnetMemory.value) return;
    }
    if (msg.kind === 'response') {
      const matched = matchCallback(state, msg);
      if (matched === false) {
        state.addCycles(msg.refund);
        state.queues.popOutput(state.canisterId);
        continue;
      }
      if (matched !== true) return;
    }
    const before = state.guaranteedResponseMessageMemoryUsage();
    if (!state.queues.inductMessageToSelf(state.canisterId)) return;
    subnetMemory.value += before - state.guaranteedResponseMessageMemoryUsage();
  }
}

/** Drops expired messages; reject responses for own requests are queued to the canister itself. */
export function timeOutMessages(state: SystemState, now: bigint, isLocal: (id: CanisterId) => boolean): TimeOutResult {
  return state.queues.timeOutMessages(now, isLocal);
}

/**
 * Queues a "deadline expired" input for each best-effort callback whose
 * deadline passed (each once; not for a response being executed).
 * @returns how many were queued.
 */
export function timeOutCallbacks(state: SystemState, now: bigint, isLocal: (id: CanisterId) => boolean): number {
  const ccm = state.callContextManager;
  if (ccm === undefined) return 0;
  const inFlight = inFlightResponseCallback(state);
  let n = 0;
  for (const id of ccm.expireCallbacks(now)) {
    if (id === inFlight) continue;
    const cb = ccm.callback(id);
    if (cb !== undefined && state.queues.pushDeadlineExpired(id, cb.respondent, isLocal(cb.respondent) ? 'localSubnet' : 'remoteSubnet')) n++;
  }
  return n;
}

/** Queues a response to an incoming request (its slot was reserved at induction). */
export function pushOutputResponse(state: SystemState, response: Response): void {
  state.queues.pushOutputResponse(response);
}
