/**
 * The replicated execution of a call (ingress or canister request) to an
 * update or query method, or of a system task — the replica's
 * `execution/call_or_task.rs`. update.ts, replicated-query.ts and
 * system-task.ts say what to run and check; this file runs it:
 *
 *   1. prepay `execution_cost(message limit)` above the freezing threshold
 *      (unless resuming an aborted execution, already paid); out of cycles →
 *      IC0207, nothing run, nothing charged;
 *   2. validate (status, method, kind-specific rules); an error refunds all
 *      but the per-message fee and answers the caller;
 *   3. run the entry point, slice by slice under DTS (paused-executions.ts);
 *      nothing of the canister changes meanwhile but the prepayment;
 *   4. finish: postponed ingress charges applied; the balance must still
 *      cover what the execution spends above the freezing threshold (else
 *      IC0207); the call context opened; on success the commit point
 *      (Wasm state, system-state modifications, version bump — a query keeps
 *      only its cycles changes and logs); on a trap only the log;
 *      `onCanisterResult` decides the answer; unused cycles refunded.
 */
import type { HypervisorError, UserError } from '../errors/index.ts';
import { InternalBug, toUserError } from '../errors/index.ts';
import { outOfCyclesUserError } from '../cycles/index.ts';
import type { EntryPoint, ExecutionResult } from '../hypervisor/index.ts';
import type { CanisterState, Ingress, Request } from '../state/index.ts';
import type { ApiType } from '../system-api/index.ts';
import { cycles, time as timeOf } from '../types/index.ts';
import type { PrincipalId } from '../types/index.ts';
import {
  actionToResponse, callOriginOf, commitResult, finishCallWithError, heapDeltaBytes, instructions, isWasm64, keepLog,
  memoryUsageWith, metadataOf, queryResultToResponse, removedCycles, runEntry, setIngressStatus, slicedLimits, systemStateInit, usageOf,
} from './common.ts';
import type { Env } from './common.ts';
import type { PausedExecutions, SliceStep } from './paused-executions.ts';
import type { ExecuteMessageOutcome, RoundContext, SystemTaskKind } from './types.ts';

/** A call or a task (`CanisterCallOrTask`). */
export type CallOrTask =
  | { readonly kind: 'update'; readonly call: Ingress | Request }
  | { readonly kind: 'query'; readonly call: Ingress | Request }
  | { readonly kind: 'task'; readonly task: SystemTaskKind };

/** What to run and how to check it, decided by the message kind. */
export interface CallOrTaskPlan {
  readonly entryPoint: EntryPoint;
  /** Instructions of the whole message, and per slice. */
  readonly limits: { readonly message: bigint; readonly slice: bigint };
  /** Checks made after prepaying (`validate_message` and the kind's own). */
  readonly validate: (canister: CanisterState) => UserError | undefined;
}

const WHAT: Readonly<Record<CallOrTask['kind'], string>> = { update: 'an update call', query: 'a replicated query', task: 'a canister task' };

/** A finished outcome. */
export function finished(canister: CanisterState, used: bigint, heapDeltaBytes: bigint): ExecuteMessageOutcome {
  return { kind: 'finished', canister, instructionsUsed: instructions(used), heapDeltaBytes };
}

function senderOf(call: Ingress | Request | undefined): PrincipalId | undefined {
  return call === undefined ? undefined : call.kind === 'ingress' ? call.source : call.sender;
}

/** Runs a call or task (see the module header). `prepaid` is set when re-running an aborted execution. */
export async function executeCallOrTask(
  env: Env, paused: PausedExecutions, canister: CanisterState, what: CallOrTask, plan: CallOrTaskPlan,
  prepaid: bigint | undefined, round: RoundContext,
): Promise<ExecuteMessageOutcome> {
  const call = what.kind === 'task' ? undefined : what.call;
  const caller = senderOf(call);
  const revealTopUp = (c: CanisterState): boolean => caller !== undefined && c.systemState.isController(caller);
  const wasm64 = isWasm64(canister);
  const limit = plan.limits.message;
  let paid = prepaid ?? 0n;
  if (prepaid === undefined) {
    const r = env.cycles.prepayExecutionCycles(canister.systemState, usageOf(canister), limit, { revealTopUp: revealTopUp(canister), wasm64 });
    if (!r.ok) {
      if (what.kind === 'task' && what.task === 'onLowWasmMemory') {
        // The hook was taken from the task queue but not run: make it ready again for when the canister is unfrozen.
        canister.systemState.taskQueue.updateHookCondition(false);
        canister.systemState.taskQueue.updateHookCondition(true);
      }
      finishCallWithError(canister, call, outOfCyclesUserError(r.error), round);
      return finished(canister, 0n, 0n);
    }
    paid = r.prepaid;
  }

  /** Ends the message early: only the refund is applied (`finish_err`). */
  const finishErr = (c: CanisterState, error: UserError, left: bigint): ExecuteMessageOutcome => {
    c.systemState.applyIngressInductionCyclesDebit();
    env.cycles.refundUnusedExecutionCycles(c.systemState, left, limit, paid, wasm64);
    finishCallWithError(c, call, error, round);
    return finished(c, limit - left, 0n);
  };

  const invalid = plan.validate(canister);
  const state = canister.executionState;
  const ccm = canister.systemState.callContextManager;
  if (invalid !== undefined || state === undefined || ccm === undefined) {
    if (invalid === undefined) throw new InternalBug('validate let a call through to an empty or stopped canister');
    return finishErr(canister, invalid, limit);
  }

  const startTime = round.time;
  const callContextId = ccm.nextCallContextId + 1n;
  const initialBalance = canister.systemState.balance;
  const apiType = apiTypeOf(what, callContextId, startTime);
  const init = systemStateInit(env, canister);
  const out = await runEntry(env, canister, state, plan.entryPoint, apiType,
    what.kind === 'task' && what.task === 'globalTimer' ? { ...init, globalTimer: 0n } : init,
    slicedLimits(limit, plan.limits.slice));

  const mismatch = (thing: string): HypervisorError => ({
    kind: 'WasmEngineError', message: `Failed to apply system changes: Mismatch in ${thing} when resuming ${WHAT[what.kind]}`,
  });
  const step: SliceStep = {
    input: call === undefined ? { kind: 'task', task: (what as { task: SystemTaskKind }).task } : { kind: 'message', message: call },
    prepaid: paid,
    check: (c) => {
      if (c.systemState.balance !== initialBalance) return mismatch('cycles balance');
      if ((c.systemState.callContextManager?.nextCallContextId ?? -1n) + 1n !== callContextId) return mismatch('call context id');
      return undefined;
    },
    fail: async (c, _round, error) => finishErr(c, toUserError(error, c.canisterId), limit),
    onFirstPause: (c, r) => {
      if (prepaid === undefined && call?.kind === 'ingress') setIngressStatus(r, c, call.source, call.messageId, { kind: 'processing' });
    },
    finish: async (c, r, result) => finishCallOrTask(c, r, result),
  };

  /** The end of the message (step 4 of the module header). */
  const finishCallOrTask = (c: CanisterState, r: RoundContext, result: ExecutionResult): ExecuteMessageOutcome => {
    const sys = c.systemState;
    sys.applyIngressInductionCyclesDebit();
    const left = limit - result.instructionsExecuted;
    if (result.error === undefined) {
      const usage = { memoryUsage: memoryUsageWith(c, result.state), messageMemoryUsage: c.messageMemoryUsage() };
      const err = env.cycles.canWithdrawCyclesWithThreshold(sys, removedCycles(result.modifications), usage, revealTopUp(c));
      if (err !== undefined) return finishErr(c, outOfCyclesUserError(err), left);
    }
    const origin = call === undefined ? { kind: 'systemTask' as const } : callOriginOf(call);
    const id = sys.newCallContext(origin, call?.kind === 'request' ? call.payment : 0n, startTime, metadataOf(call, startTime));
    if (id !== callContextId) throw new InternalBug(`call context ${String(id)} opened, ${callContextId} expected`);
    if (what.kind === 'task' && what.task === 'globalTimer') sys.globalTimer = 0n; // one-shot
    let heapDelta = 0n;
    if (result.error === undefined) {
      commitResult(c, result, r.time, callContextId, what.kind !== 'query');
      if (what.kind !== 'query') heapDelta = heapDeltaBytes(result);
    } else {
      keepLog(c, result);
    }
    const { action } = (sys.callContextManager ?? bug()).onCanisterResult(callContextId, undefined, result, result.instructionsExecuted);
    if (what.kind === 'query') {
      const refund = 'refund' in action ? action.refund : what.call.kind === 'request' ? what.call.payment : 0n;
      queryResultToResponse(c, what.call, result, refund, r);
    } else {
      actionToResponse(c, action, origin, r);
    }
    env.cycles.refundUnusedExecutionCycles(sys, left, limit, paid, wasm64);
    return finished(c, result.instructionsExecuted, heapDelta);
  };

  return paused.drive(canister, round, out, step);
}

function bug(): never {
  throw new InternalBug('the call context manager went away during an execution');
}

/** The System API context of a call or task. */
function apiTypeOf(what: CallOrTask, callContextId: bigint, time: RoundContext['time']): ApiType {
  if (what.kind === 'task') return { kind: 'systemTask', task: what.task, time, callContextId };
  const call = what.call;
  const common = {
    time, callContextId,
    caller: call.kind === 'ingress' ? call.source : call.sender,
    arg: call.methodPayload,
    incomingCycles: cycles(call.kind === 'request' ? call.payment : 0n),
    ...(call.kind === 'request' && call.deadline !== 0n ? { deadline: timeOf(call.deadline) } : {}),
  };
  return what.kind === 'update' ? { kind: 'update', ...common } : { kind: 'replicatedQuery', ...common };
}
