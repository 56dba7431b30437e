/**
 * Steps every message kind shares (the replica's `execution/common.rs`):
 * what an execution sees of its canister, running an entry point, the
 * commit of a successful execution, and turning a call context's outcome
 * into an answer — an ingress status or a response in the output queue:
 *
 *     action (CallContextAction)   ingress status              response to a canister request
 *     reply                        Completed(reply)            data
 *     reject                       Completed(reject)           reject 4 (CANISTER_REJECT), the message
 *     noResponse                   Failed(IC0506 "did not reply")  reject 5 "No response"
 *     fail                         Failed(error)               reject <error's reject code>, "IC05xx: <text>"
 *     notYetResponded              Processing                  —
 *     alreadyResponded             —                           —
 *
 * A message that fails before it runs (out of cycles, not running, no such
 * method) answers with `finishCallWithError`: Failed(error) for ingress, a
 * reject carrying the whole payment back for a request, nothing for a task.
 */
import type { SchedulerConfig, SubnetType } from '../config/index.ts';
import { INGRESS_HISTORY_MEMORY_CAPACITY } from '../config/index.ts';
import type { CyclesAccountManager, ResourceUsage } from '../cycles/index.ts';
import type { UserError } from '../errors/index.ts';
import { ErrorCode, InternalBug, RejectCode, formatUserError, rejectCodeOf, toUserError, userError } from '../errors/index.ts';
import type { EntryPoint, ExecuteOutcome, ExecutionLimits, ExecutionResult, Hypervisor } from '../hypervisor/index.ts';
import type { CallContextAction, CallOrigin, CanisterState, ExecutionState, Ingress, IngressState, Request, RequestMetadata } from '../state/index.ts';
import { exportsFunction, newResponse, pushOutputResponse, rejectContext } from '../state/index.ts';
import type { ApiType, SystemStateInit, SystemStateModifications } from '../system-api/index.ts';
import type { PrincipalId, SubnetId, Time } from '../types/index.ts';
import { MANAGEMENT_CANISTER_ID, numInstructions } from '../types/index.ts';
import type { NumInstructions } from '../types/index.ts';
import type { RoundContext } from './types.ts';

/** What every message kind needs from the environment. */
export interface Env {
  readonly hypervisor: Hypervisor;
  readonly cycles: CyclesAccountManager;
  readonly subnetType: SubnetType;
  readonly ownSubnetId: SubnetId;
  readonly config: SchedulerConfig;
  readonly rootKey?: Uint8Array;
  readonly debugPrint?: boolean;
  /** install_code rate limiting (IC0209); default on. */
  readonly rateLimitInstallCode?: boolean;
}

/** The canister's memory figures for the freezing threshold. */
export function usageOf(canister: CanisterState): ResourceUsage {
  return { memoryUsage: canister.memoryUsage(), messageMemoryUsage: canister.messageMemoryUsage() };
}

/** Memory usage with `state` in place of the canister's execution state. */
export function memoryUsageWith(canister: CanisterState, state: ExecutionState | undefined): bigint {
  const old = canister.executionState;
  canister.executionState = state;
  const usage = canister.memoryUsage();
  canister.executionState = old;
  return usage;
}

/** Whether the canister's module has 64-bit memory (pays the Wasm64 instruction fee). */
export function isWasm64(canister: CanisterState): boolean {
  return canister.executionState?.compiled.output.isWasm64 ?? false;
}

/** What an execution on `canister` sees of its system state and the subnet. */
export function systemStateInit(env: Env, canister: CanisterState): SystemStateInit {
  return canister.systemState.toSystemStateInit({
    subnetId: env.ownSubnetId,
    subnetSize: env.cycles.subnetSize,
    subnetType: env.subnetType,
    fees: env.cycles.fees,
    maxInstructionsPerMessage: env.cycles.maxInstructionsPerMessage,
    memoryUsage: canister.memoryUsage(),
    ...(env.rootKey === undefined ? {} : { rootKey: env.rootKey }),
  });
}

/** Runs one entry point on `state` (the first slice). */
export function runEntry(
  env: Env, canister: CanisterState, state: ExecutionState, entryPoint: EntryPoint, apiType: ApiType,
  systemState: SystemStateInit, limits: ExecutionLimits,
): Promise<ExecuteOutcome> {
  const limit = canister.systemState.wasmMemoryLimit;
  return env.hypervisor.execute({
    canisterId: canister.canisterId, state, entryPoint, apiType, systemState, limits,
    ...(limit === undefined ? {} : { wasmMemoryLimit: limit }),
    ...(env.debugPrint === undefined ? {} : { debugPrint: env.debugPrint }),
  });
}

/** `Canister <id> is not running` (IC0509 stopping, IC0508 stopped), or nothing (`validate_canister`). */
export function notRunningError(canister: CanisterState): UserError | undefined {
  const status = canister.systemState.status.kind;
  if (status === 'running') return undefined;
  const code = status === 'stopping' ? ErrorCode.CanisterStopping : ErrorCode.CanisterStopped;
  return userError(code, `Canister ${canister.canisterId.toText()} is not running`);
}

/** Counts instructions against the round. */
export function chargeRound(round: RoundContext, instructions: bigint): void {
  round.roundInstructionsLeft.value -= instructions;
}

/** Bytes the execution changed (dirty pages of heap and stable memory), 0 on failure. */
export function heapDeltaBytes(result: ExecutionResult): bigint {
  if (result.error !== undefined) return 0n;
  return BigInt(result.heapDelta.length + result.stableDelta.length) * 4096n;
}

/** Cycles a successful execution took out of the balance (`removed_cycles`): fees, attached and burned cycles. */
export function removedCycles(mods: SystemStateModifications): bigint {
  return mods.cyclesAccepted + mods.cyclesMinted - mods.balanceChange;
}

/** `NumInstructions` from a count. */
export function instructions(n: bigint): NumInstructions {
  return numInstructions(n < 0n ? 0n : n);
}

/**
 * The commit point of a successful execution: its Wasm state (unless a
 * query) and its system-state modifications — balance, accepted cycles,
 * certified data, timer, log, the version bump, the requests it made.
 */
export function commitResult(
  canister: CanisterState, result: ExecutionResult, time: Time, callContextId: bigint | undefined, keepState = true,
): void {
  // ---- commit point: the execution succeeded; nothing below fails for a user-visible reason ----
  if (keepState) canister.executionState = result.state;
  canister.systemState.applyModifications(result.modifications, {
    time, bumpCanisterVersion: result.bumpCanisterVersion, ...(callContextId === undefined ? {} : { callContextId }),
  });
}

/** Keeps the log records of a failed execution (they survive a trap). */
export function keepLog(canister: CanisterState, result: ExecutionResult): void {
  canister.systemState.canisterLog.append(result.modifications.canisterLog);
}

/** A call's origin (`CallOrigin::from`). */
export function callOriginOf(call: Ingress | Request): CallOrigin {
  return call.kind === 'ingress'
    ? { kind: 'ingress', userId: call.source, messageId: call.messageId }
    : { kind: 'canisterUpdate', caller: call.sender, callbackId: call.senderReplyCallback, deadline: call.deadline };
}

/** Where a call context sits in its call tree. */
export function metadataOf(call: Ingress | Request | undefined, time: Time): RequestMetadata {
  return call?.kind === 'request' && call.metadata !== undefined ? call.metadata : { callTreeDepth: 0n, callTreeStartTime: time };
}

/** The caller an origin exposes (`msg_caller`); the management canister for tasks. */
export function callerOfOrigin(origin: CallOrigin): PrincipalId {
  switch (origin.kind) {
    case 'ingress': case 'query': return origin.userId;
    case 'canisterUpdate': case 'canisterQuery': return origin.caller;
    case 'systemTask': return MANAGEMENT_CANISTER_ID;
  }
}

/** Writes an ingress status (the transitions are checked by the history). */
export function setIngressStatus(round: RoundContext, canister: CanisterState, userId: PrincipalId, messageId: Uint8Array, state: IngressState): void {
  round.ingressHistory.setStatus(messageId, { receiver: canister.canisterId, userId, time: round.time, state }, round.time, INGRESS_HISTORY_MEMORY_CAPACITY);
}

/** Queues the response to a canister's request (its output slot was reserved at induction). */
export function pushResponse(
  canister: CanisterState, caller: Request['sender'], callbackId: bigint, deadline: bigint, refund: bigint,
  payload: { kind: 'data'; data: Uint8Array } | { kind: 'reject'; code: RejectCode; message: string },
): void {
  pushOutputResponse(canister.systemState, newResponse({
    originator: caller, respondent: canister.canisterId, originatorReplyCallback: callbackId, refund, deadline,
    payload: payload.kind === 'data' ? payload : { kind: 'reject', reject: rejectContext(payload.code, payload.message) },
  }));
}

/** The error of a call context closed without an answer, for ingress (IC0506). */
function didNotReply(canister: CanisterState): UserError {
  return userError(ErrorCode.CanisterDidNotReply, `Canister ${canister.canisterId.toText()} did not reply to the call`);
}

/** Answers a call context's caller as its action says (the table in the module header; `action_to_response`). */
export function actionToResponse(canister: CanisterState, action: CallContextAction, origin: CallOrigin, round: RoundContext): void {
  switch (origin.kind) {
    case 'ingress': {
      const state = ingressStateOf(canister, action);
      if (state !== undefined) setIngressStatus(round, canister, origin.userId, origin.messageId, state);
      return;
    }
    case 'canisterUpdate': {
      const reply = (payload: Parameters<typeof pushResponse>[5], refund: bigint): void =>
        pushResponse(canister, origin.caller, origin.callbackId, origin.deadline, refund, payload);
      switch (action.kind) {
        case 'reply': return reply({ kind: 'data', data: action.payload }, action.refund);
        case 'reject': return reply({ kind: 'reject', code: RejectCode.CanisterReject, message: action.payload }, action.refund);
        case 'noResponse': return reply({ kind: 'reject', code: RejectCode.CanisterError, message: 'No response' }, action.refund);
        case 'fail': {
          const err = toUserError(action.error, canister.canisterId);
          return reply({ kind: 'reject', code: rejectCodeOf(err.code), message: formatUserError(err) }, action.refund);
        }
        default: return;
      }
    }
    case 'systemTask': return;
    case 'query': case 'canisterQuery':
      throw new InternalBug('The update path should not have created a callback with a query origin');
  }
}

function ingressStateOf(canister: CanisterState, action: CallContextAction): IngressState | undefined {
  switch (action.kind) {
    case 'reply': return { kind: 'completed', result: { kind: 'reply', payload: action.payload } };
    case 'reject': return { kind: 'completed', result: { kind: 'reject', message: action.payload } };
    case 'noResponse': return { kind: 'failed', error: didNotReply(canister) };
    case 'fail': return { kind: 'failed', error: toUserError(action.error, canister.canisterId) };
    case 'notYetResponded': return { kind: 'processing' };
    case 'alreadyResponded': return undefined;
  }
}

/**
 * Answers a call that failed before (or instead of) running
 * (`finish_call_with_error`): Failed for ingress, a reject with the payment
 * refunded for a request ("IC0xxx: <text>", the error's reject code),
 * nothing for a task.
 */
export function finishCallWithError(canister: CanisterState, call: Ingress | Request | undefined, error: UserError, round: RoundContext): void {
  if (call === undefined) return;
  if (call.kind === 'ingress') {
    setIngressStatus(round, canister, call.source, call.messageId, { kind: 'failed', error });
    return;
  }
  pushResponse(canister, call.sender, call.senderReplyCallback, call.deadline, call.payment,
    { kind: 'reject', code: rejectCodeOf(error.code), message: formatUserError(error) });
}

/** A query's answer to its caller (`wasm_result_to_query_response`): reply, reject, error, or IC0506 / "No response". */
export function queryResultToResponse(
  canister: CanisterState, call: Ingress | Request, result: ExecutionResult, refund: bigint, round: RoundContext,
): void {
  const error = result.error === undefined ? undefined : toUserError(result.error, canister.canisterId);
  const response = result.error === undefined ? result.response : undefined;
  if (call.kind === 'ingress') {
    const state: IngressState = error !== undefined ? { kind: 'failed', error }
      : response === undefined ? { kind: 'failed', error: didNotReply(canister) }
        : { kind: 'completed', result: response };
    setIngressStatus(round, canister, call.source, call.messageId, state);
    return;
  }
  const reply = (payload: Parameters<typeof pushResponse>[5]): void =>
    pushResponse(canister, call.sender, call.senderReplyCallback, call.deadline, refund, payload);
  if (error !== undefined) reply({ kind: 'reject', code: rejectCodeOf(error.code), message: formatUserError(error) });
  else if (response === undefined) reply({ kind: 'reject', code: RejectCode.CanisterError, message: 'No response' });
  else if (response.kind === 'reply') reply({ kind: 'data', data: response.payload });
  else reply({ kind: 'reject', code: RejectCode.CanisterReject, message: response.message });
}

/** Limits of a message that may be sliced. */
export function slicedLimits(message: bigint, slice: bigint, reported = message): ExecutionLimits {
  return { message, slice: slice < message ? slice : message, reported };
}

/**
 * IC0537 for an empty canister, IC0536 `Canister has no <kind> method '<name>'.`
 * if the module does not export it (`validate_method`).
 */
export function methodError(canister: CanisterState, kind: 'update' | 'query' | 'composite_query', method: string): UserError | undefined {
  const state = canister.executionState;
  if (state === undefined) return toUserError({ kind: 'WasmModuleNotFound' }, canister.canisterId);
  const prefix = kind === 'update' ? 'canister_update' : kind === 'query' ? 'canister_query' : 'canister_composite_query';
  if (exportsFunction(state, `${prefix} ${method}`)) return undefined;
  return toUserError({ kind: 'MethodNotFound', methodKind: kind, name: method }, canister.canisterId);
}
