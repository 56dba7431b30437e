/**
 * A response to a call the canister made: its reply or reject callback,
 * and the cleanup callback if that traps (the replica's
 * `execution/response.rs`, spec "callback invocation").
 *
 *   1. Look up the callback and its call context. Refunds: the cycles the
 *      callee did not accept (at most those sent) and the unused part of
 *      the response-transmission prepayment. Nothing was prepaid now: the
 *      callback runs on `prepayment_for_response_execution`, paid at
 *      `call_perform`.
 *   2. A deleted call context (uninstall) or an empty canister: the
 *      callback does not run; everything prepaid but the per-message fee
 *      comes back.
 *   3. The callback runs with 95% of the message limit; 5% is kept for
 *      cleanup. It sees the refunds in its balance.
 *   4. Success: the refunds and its changes are committed; it may spend
 *      below the freezing threshold (not below zero).
 *   5. A trap: its changes are dropped (the log stays). With `on_cleanup`
 *      the cleanup runs from the pre-callback state with what is left; its
 *      changes are kept if it succeeds, and the error stays the callback's;
 *      if it traps too the error reads
 *      `<callback error>\n\ncall_on_cleanup also failed:\n\n<cleanup error>`.
 *   6. The callback is unregistered (`onCanisterResult`), the call context
 *      answered or closed, unused execution cycles refunded.
 */
import type { HypervisorError } from '../errors/index.ts';
import { InternalBug } from '../errors/index.ts';
import type { ExecutionResult } from '../hypervisor/index.ts';
import type { CanisterResult, CanisterState, Response } from '../state/index.ts';
import { payloadSizeBytes } from '../state/index.ts';
import type { ApiType, CanisterLogRecord } from '../system-api/index.ts';
import { cycles, time as timeOf } from '../types/index.ts';
import { finished } from './call-or-task.ts';
import {
  actionToResponse, callerOfOrigin, commitResult, heapDeltaBytes, isWasm64, removedCycles, runEntry, slicedLimits, systemStateInit, usageOf,
} from './common.ts';
import type { Env } from './common.ts';
import type { PausedExecutions, SliceStep } from './paused-executions.ts';
import type { ExecuteMessageOutcome, RoundContext } from './types.ts';

/** Share of the message limit kept for the cleanup callback, percent (`RESERVED_CLEANUP_INSTRUCTIONS_IN_PERCENT`). */
export const RESERVED_CLEANUP_INSTRUCTIONS_PERCENT = 5n;

/** Executes a response's callback (see the module header). */
export async function executeResponse(
  env: Env, paused: PausedExecutions, canister: CanisterState, response: Response, round: RoundContext,
): Promise<ExecuteMessageOutcome> {
  const ccm = canister.systemState.callContextManager;
  const callbackId = response.originatorReplyCallback;
  const callback = ccm?.callback(callbackId);
  const ctx = callback === undefined ? undefined : ccm?.callContext(callback.callContextId);
  // Unknown callback or call context: a bug of the sender ([EXC-BUG] in the replica); nothing to do.
  if (callback === undefined || ctx === undefined) return finished(canister, 0n, 0n);

  const limit = env.config.maxInstructionsPerMessage;
  const reserved = (limit * RESERVED_CLEANUP_INSTRUCTIONS_PERCENT) / 100n;
  const callbackLimit = limit - reserved;
  const slice = env.config.maxInstructionsPerSlice;
  const wasm64 = isWasm64(canister);
  const callContextId = callback.callContextId;
  const origin = ctx.callOrigin;
  const caller = callerOfOrigin(origin);
  const startTime = round.time;
  const refundForSentCycles = response.refund > callback.cyclesSent ? callback.cyclesSent : response.refund;
  const responseBytes = BigInt(payloadSizeBytes(response));
  const refunds = refundForSentCycles + env.cycles.refundForResponseTransmission(responseBytes, callback.prepaymentForResponseTransmission);
  const input = { kind: 'message', message: response } as const;
  const freezingThreshold = env.cycles.freezeThreshold(canister.systemState, usageOf(canister));
  const applyRefunds = (c: CanisterState): void => {
    c.systemState.addCycles(refundForSentCycles);
    env.cycles.refundUnusedResponseTransmission(c.systemState, responseBytes, callback.prepaymentForResponseTransmission);
  };

  /** Step 6: unregister, answer, refund. */
  const finish = (c: CanisterState, r: RoundContext, result: CanisterResult, left: bigint, heapDelta: bigint): ExecuteMessageOutcome => {
    const { action } = (c.systemState.callContextManager ?? gone()).onCanisterResult(callContextId, callbackId, result, limit - left);
    actionToResponse(c, action, origin, r);
    env.cycles.refundUnusedExecutionCycles(c.systemState, left, limit, callback.prepaymentForResponseExecution, wasm64);
    return finished(c, limit - left, heapDelta);
  };

  // Step 2.
  const state = canister.executionState;
  if (ctx.deleted || state === undefined) {
    applyRefunds(canister);
    return finish(canister, round, ctx.deleted ? {} : { error: { kind: 'WasmModuleNotFound' } }, limit, 0n);
  }

  /** A check before each resume: the balance must not have changed meanwhile. */
  const balanceCheck = (initial: bigint) => (c: CanisterState): HypervisorError | undefined => (c.systemState.balance === initial ? undefined : {
    kind: 'WasmEngineError', message: 'Failed to apply system changes: Mismatch in cycles balance when resuming a response call',
  });

  /** Step 5 after the cleanup (or its failure to resume, `left` then 0). */
  const cleanupDone = (
    c: CanisterState, r: RoundContext, callbackErr: HypervisorError, callbackLog: readonly CanisterLogRecord[], result: ExecutionResult | undefined,
    cleanupErr: HypervisorError | undefined, left: bigint,
  ): ExecuteMessageOutcome => {
    c.systemState.applyIngressInductionCyclesDebit();
    applyRefunds(c);
    c.systemState.canisterLog.append(callbackLog);
    if (result !== undefined && cleanupErr === undefined) {
      commitResult(c, result, r.time, callContextId);
      return finish(c, r, { error: callbackErr }, left, heapDeltaBytes(result));
    }
    if (result !== undefined) c.systemState.canisterLog.append(result.modifications.canisterLog);
    return finish(c, r, { error: { kind: 'Cleanup', callbackErr, cleanupErr: cleanupErr ?? callbackErr } }, left, 0n);
  };

  /** Step 5: the callback failed with `available` instructions left for cleanup. */
  const callbackFailed = async (
    c: CanisterState, r: RoundContext, error: HypervisorError, log: readonly CanisterLogRecord[], available: bigint,
  ): Promise<ExecuteMessageOutcome> => {
    const cleanup = callback.onCleanup;
    const current = c.executionState;
    if (cleanup === undefined || current === undefined) {
      c.systemState.applyIngressInductionCyclesDebit();
      applyRefunds(c);
      c.systemState.canisterLog.append(log);
      return finish(c, r, { error }, available, 0n);
    }
    const init = systemStateInit(env, c);
    const apiType: ApiType = { kind: 'cleanup', time: startTime, caller, callContextInstructionsExecuted: ctx.instructionsExecuted };
    const out = await runEntry(env, c, current, { kind: 'callback', closure: cleanup }, apiType,
      { ...init, balance: init.balance + refunds }, slicedLimits(available, slice));
    const step: SliceStep = {
      input, prepaid: 0n, check: balanceCheck(c.systemState.balance),
      fail: async (c2, r2, err) => cleanupDone(c2, r2, error, log, undefined, err, 0n),
      finish: async (c2, r2, result) => cleanupDone(c2, r2, error, log, result, result.error, available - result.instructionsExecuted),
    };
    return paused.drive(c, r, out, step);
  };

  /** Step 4 or 5, once the callback finished. */
  const callbackDone = async (c: CanisterState, r: RoundContext, result: ExecutionResult): Promise<ExecuteMessageOutcome> => {
    const available = callbackLimit - result.instructionsExecuted + reserved;
    const mods = result.modifications;
    let error = result.error;
    if (error === undefined) {
      // Note that the freezing threshold is ignored here, as the spec requires.
      const balance = c.systemState.balance + refunds;
      const requested = removedCycles(mods);
      if (balance < requested) {
        error = {
          kind: 'InsufficientCyclesBalance', canisterId: c.canisterId, available: cycles(balance), requested: cycles(requested),
          threshold: cycles(freezingThreshold), revealTopUp: c.systemState.isController(caller),
        };
      }
    }
    if (error !== undefined) return callbackFailed(c, r, error, mods.canisterLog, available);
    c.systemState.applyIngressInductionCyclesDebit();
    applyRefunds(c);
    commitResult(c, result, r.time, callContextId);
    return finish(c, r, result, available, heapDeltaBytes(result));
  };

  // Step 3.
  const common = {
    time: startTime, caller, callContextId, refundedCycles: cycles(refundForSentCycles), availableCycles: cycles(ctx.availableCycles),
    replied: ctx.responded, callContextInstructionsExecuted: ctx.instructionsExecuted,
    ...(origin.kind === 'canisterUpdate' && origin.deadline !== 0n ? { deadline: timeOf(origin.deadline) } : {}),
  };
  const apiType: ApiType = response.payload.kind === 'data'
    ? { kind: 'replyCallback', ...common, reply: response.payload.data }
    : { kind: 'rejectCallback', ...common, rejectCode: response.payload.reject.code, rejectMessage: response.payload.reject.message };
  const closure = response.payload.kind === 'data' ? callback.onReply : callback.onReject;
  const init = systemStateInit(env, canister);
  const out = await runEntry(env, canister, state, { kind: 'callback', closure }, apiType,
    { ...init, balance: init.balance + refunds }, slicedLimits(callbackLimit, slice));
  return paused.drive(canister, round, out, {
    input, prepaid: 0n, check: balanceCheck(canister.systemState.balance),
    fail: (c, r, error) => callbackFailed(c, r, error, [], reserved),
    finish: callbackDone,
  });
}

function gone(): never {
  throw new InternalBug('the call context manager went away during a response execution');
}
