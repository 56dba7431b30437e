/**
 * A canister's lifecycle (`CanisterManager::{start,stop,delete}_canister`,
 * `ExecutionEnvironment::deposit_cycles`). Every argument is
 * `record { canister_id }`; one that does not decode is IC0408.
 *
 *     start_canister    controllers; running again (a stopped canister gets a fresh call-context manager);
 *                       pending stop calls fail: ingress IC0511 "Canister <id>'s stop request was cancelled.",
 *                       a canister's call CANISTER_ERROR "Canister <id>'s stop request cancelled" with its
 *                       cycles back; version + 1
 *     stop_canister     controllers; `stopping` and the call waits (`deferred`; an ingress call shows
 *                       `processing`) until no call context is open, when the round's end stops the canister
 *                       and answers (scheduler `processStoppingCanisters`; after 5 min IC0206); already
 *                       stopped: answered at once; version + 1 either way
 *     delete_canister   not by the canister itself (IC0512 "Canister <id> cannot delete itself."), controllers,
 *                       stopped (IC0510), nothing queued (IC0203); the canister and its cycles are gone
 *     deposit_cycles    anyone; all attached cycles go to the canister (or back to the caller with the reject)
 *
 * A missing canister is IC0301 "Canister <id> not found." — with the canister
 * manager's help line for `stop_canister` and `delete_canister`, as the
 * replica words them there.
 */
import type { Principal } from '@dfinity/principal';
import { INGRESS_HISTORY_MEMORY_CAPACITY } from '../config/index.ts';
import { ErrorCode, RejectCode, userError } from '../errors/index.ts';
import type { CanisterState, StopCanisterContext } from '../state/index.ts';
import { newResponse, rejectContext } from '../state/index.ts';
import type { CanisterId } from '../types/index.ts';
import { MANAGEMENT_CANISTER_ID } from '../types/index.ts';
import { CanisterIdRecord, REPLY_EMPTY, decodeArg, toCanisterId } from './candid.ts';
import { canisterNotFound, canisterNotFoundWithHelp, managerHelp, notController, reject, rejectWith } from './errors.ts';
import type { Handler, ManagementCall, ManagementContext, ManagementOutcome } from './types.ts';

type Target = { readonly ok: true; readonly id: CanisterId; readonly canister: CanisterState } | { readonly ok: false; readonly outcome: ManagementOutcome };

/** Decodes `record { canister_id }` and finds the canister (`notFound` words a missing one); no access check. */
function target(call: ManagementCall, ctx: ManagementContext, notFound: typeof canisterNotFound): Target {
  const a = decodeArg<{ canister_id: Principal }>(CanisterIdRecord, call.arg);
  if (!a.ok) return a;
  const id = toCanisterId(a.value.canister_id);
  const canister = ctx.state.canister(id);
  if (canister === undefined) return { ok: false, outcome: reject(notFound(id)) };
  return { ok: true, id, canister };
}

/** Fails the stop calls a `start_canister` cancelled (`reject_stop_requests`). */
function rejectStopCalls(ctx: ManagementContext, id: CanisterId, stops: readonly StopCanisterContext[]): void {
  const now = ctx.state.time;
  for (const stop of stops) {
    if (stop.kind === 'ingress') {
      ctx.round.ingressHistory.setStatus(stop.messageId, {
        receiver: MANAGEMENT_CANISTER_ID, userId: stop.sender, time: now,
        state: { kind: 'failed', error: userError(ErrorCode.CanisterStoppingCancelled, `Canister ${id.toText()}'s stop request was cancelled.`) },
      }, now, INGRESS_HISTORY_MEMORY_CAPACITY);
    } else {
      ctx.state.subnetQueues.pushOutputResponse(newResponse({
        originator: stop.sender, respondent: MANAGEMENT_CANISTER_ID, originatorReplyCallback: stop.replyCallback, refund: stop.cycles, deadline: stop.deadline,
        payload: { kind: 'reject', reject: rejectContext(RejectCode.CanisterError, `Canister ${id.toText()}'s stop request cancelled`) },
      }));
    }
  }
}

const startCanister: Handler = (call, ctx) => {
  const t = target(call, ctx, canisterNotFound);
  if (!t.ok) return t.outcome;
  if (!t.canister.systemState.isController(call.sender)) return reject(notController(t.canister, call.sender));
  const system = (ctx.state.canisterMut(t.id) as CanisterState).systemState;
  const cancelled = system.startCanister();
  system.canisterVersion += 1n;
  rejectStopCalls(ctx, t.id, cancelled);
  return REPLY_EMPTY;
};

const stopCanister: Handler = (call, ctx) => {
  const t = target(call, ctx, canisterNotFoundWithHelp);
  if (!t.ok) return t.outcome;
  if (!t.canister.systemState.isController(call.sender)) return reject(notController(t.canister, call.sender));
  const m = call.message;
  const now = ctx.state.time;
  const stop: StopCanisterContext = m.kind === 'ingress'
    ? { kind: 'ingress', sender: m.source, messageId: m.messageId, time: now }
    : { kind: 'canister', sender: m.sender, replyCallback: m.senderReplyCallback, cycles: m.payment, deadline: m.deadline, time: now };
  const system = (ctx.state.canisterMut(t.id) as CanisterState).systemState;
  const alreadyStopped = system.beginStopping(stop) !== undefined;
  system.canisterVersion += 1n;
  if (alreadyStopped) return REPLY_EMPTY;
  if (m.kind === 'ingress') {
    ctx.round.ingressHistory.setStatus(m.messageId, { receiver: m.receiver, userId: m.source, time: now, state: { kind: 'processing' } },
      now, INGRESS_HISTORY_MEMORY_CAPACITY);
  }
  return { kind: 'deferred' };
};

const deleteCanister: Handler = (call, ctx) => {
  const a = decodeArg<{ canister_id: Principal }>(CanisterIdRecord, call.arg);
  if (!a.ok) return a.outcome;
  const id = toCanisterId(a.value.canister_id);
  if (call.message.kind === 'request' && call.message.sender.equals(id)) {
    return rejectWith(ErrorCode.CanisterInvalidController,
      `Canister ${id.toText()} cannot delete itself.${managerHelp('Delete the canister from one of its other controllers.', 'delete-canister-self')}`);
  }
  const canister = ctx.state.canister(id);
  if (canister === undefined) return reject(canisterNotFoundWithHelp(id));
  if (!canister.systemState.isController(call.sender)) return reject(notController(canister, call.sender));
  if (canister.systemState.status.kind !== 'stopped') {
    return rejectWith(ErrorCode.CanisterNotStopped,
      `Canister ${id.toText()} must be stopped before it is deleted.${managerHelp('Stop the canister before deleting it.', 'delete-canister-not-stopped')}`);
  }
  const queues = canister.systemState.queues;
  if (queues.hasInput() || queues.hasOutput()) {
    return rejectWith(ErrorCode.CanisterQueueNotEmpty,
      `Canister ${id.toText()} has messages in its queues and cannot be deleted now. Please retry after some time.`
      + managerHelp('Wait until the queues have been cleared to delete the canister and in the meantime stop the canister.', 'delete-canister-queue-not-empty'));
  }
  // Commit point: the canister and whatever cycles it held are gone (the subnet counts both as consumed); its id is never handed out again.
  ctx.state.metadata.subnetMetrics.observeDeletedCanister(canister.systemState.consumedCycles, canister.systemState.balance);
  ctx.state.removeCanister(id);
  return REPLY_EMPTY;
};

const depositCycles: Handler = (call, ctx) => {
  const t = target(call, ctx, canisterNotFound);
  if (!t.ok) return t.outcome;
  (ctx.state.canisterMut(t.id) as CanisterState).systemState.addCycles(call.payment);
  return { ...REPLY_EMPTY, cyclesUsed: call.payment };
};

export const handlers: Readonly<Record<string, Handler>> = {
  start_canister: startCanister,
  stop_canister: stopCanister,
  delete_canister: deleteCanister,
  deposit_cycles: depositCycles,
};
