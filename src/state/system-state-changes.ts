/**
 * The two seams between the system state and one execution:
 *
 * - `toSystemStateInit`: what the execution's `SandboxSafeSystemState` sees —
 *   the debited balance (postponed ingress charges already taken off, so a
 *   long execution cannot spend them), settings, the last callback id (new
 *   ones count up from it, as `CallContextManager::register_callback` will),
 *   free output-queue slots per receiver, the log index, and what the
 *   caller knows of the subnet.
 * - `applyModifications`: the commit point of a successful execution
 *   (the replica's `SystemStateModifications::apply_changes`): the balance
 *   change (what of it was consumed counted by use case: cycles burned, and
 *   each call's transmission fee and response prepayments), cycles taken
 *   from the call context, certified data, the global
 *   timer, log records, the version bump, and each `call_perform`ed request:
 *   its callback registered (with the id the execution predicted) and the
 *   request queued to its receiver with the call tree's metadata.
 *
 * Checks that the execution already made (queue slots, callback quota,
 * cycles above the freezing threshold) are not repeated; a mismatch is an
 * `InternalBug`, never a user-visible error.
 */
import { InternalBug } from '../errors/index.ts';
import type { ChainKey, SystemStateInit, SystemStateModifications } from '../system-api/index.ts';
import type { CyclesFees, SubnetType } from '../config/index.ts';
import type { SubnetId, Time } from '../types/index.ts';
import type { SystemState } from './system-state.ts';
import type { CallContextId, Request, RequestMetadata } from './messages.ts';
import { newRequest } from './messages.ts';

/** What the caller knows of the subnet and the canister's memory at the start of an execution. */
export interface ExecutionEnvironmentInfo {
  readonly subnetId: SubnetId;
  readonly subnetSize?: bigint;
  readonly subnetType?: SubnetType;
  readonly rootKey?: Uint8Array;
  readonly fees?: CyclesFees;
  readonly maxInstructionsPerMessage?: bigint;
  readonly chainKeys?: readonly ChainKey[];
  /** Bytes of Wasm heap, stable memory and other canister memory (`CanisterState.memoryUsage()`). */
  readonly memoryUsage: bigint;
  /** Callbacks the canister may still register this round. */
  readonly availableCallbacks?: number;
  /** Memory the subnet can still hand out, bytes. */
  readonly subnetAvailableMemory?: bigint;
}

/** The view of `state` an execution gets (see the module header). */
export function toSystemStateInit(state: SystemState, env: ExecutionEnvironmentInfo): SystemStateInit {
  const ccm = state.callContextManager;
  const init: SystemStateInit = {
    canisterId: state.canisterId,
    controllers: state.controllers,
    status: state.status.kind,
    balance: state.debitedBalance,
    reservedBalance: state.reservedBalance,
    freezeThresholdSeconds: state.freezeThreshold,
    memoryAllocation: state.memoryAllocation,
    computeAllocation: state.computeAllocation,
    memoryUsage: env.memoryUsage,
    messageMemoryUsage: state.guaranteedResponseMessageMemoryUsage() + state.bestEffortMessageMemoryUsage(),
    canisterVersion: state.canisterVersion,
    certifiedData: state.certifiedData,
    globalTimer: state.globalTimer,
    environmentVariables: new Map(state.environmentVariables),
    subnetId: env.subnetId,
    lastCallbackId: ccm?.nextCallbackId ?? 0n,
    requestSlots: state.queues.availableOutputRequestSlots(),
    nextLogIndex: state.canisterLog.nextIdx,
    logCapacity: state.canisterLog.capacity,
  };
  return {
    ...init,
    ...(env.subnetSize === undefined ? {} : { subnetSize: env.subnetSize }),
    ...(env.subnetType === undefined ? {} : { subnetType: env.subnetType }),
    ...(env.rootKey === undefined ? {} : { rootKey: env.rootKey }),
    ...(env.fees === undefined ? {} : { fees: env.fees }),
    ...(env.maxInstructionsPerMessage === undefined ? {} : { maxInstructionsPerMessage: env.maxInstructionsPerMessage }),
    ...(env.chainKeys === undefined ? {} : { chainKeys: env.chainKeys }),
    ...(env.availableCallbacks === undefined ? {} : { availableCallbacks: env.availableCallbacks }),
    ...(env.subnetAvailableMemory === undefined ? {} : { subnetAvailableMemory: env.subnetAvailableMemory }),
  };
}

/** Where the execution ran. */
export interface ApplyOptions {
  /** The batch time (queued guaranteed-response requests expire 300 s after it). */
  readonly time: Time;
  /** The call context the execution ran in (required if it accepted cycles or made calls). */
  readonly callContextId?: CallContextId;
  /** Whether the execution bumps the canister version (`SystemApiResult.bumpCanisterVersion`). */
  readonly bumpCanisterVersion?: boolean;
}

/** What `applyModifications` did. */
export interface AppliedModifications {
  /** The requests queued, in `call_perform` order. */
  readonly requests: readonly Request[];
}

/**
 * Commits a successful execution's changes to `state` (see the module header).
 * @throws {InternalBug} when the changes do not fit the state the execution saw.
 */
export function applyModifications(state: SystemState, mods: SystemStateModifications, opts: ApplyOptions): AppliedModifications {
  // ---- commit point: the execution succeeded; nothing below may fail for a user-visible reason ----
  if (mods.balanceChange >= 0n) state.addCycles(mods.balanceChange);
  else {
    if (-mods.balanceChange > state.balance) throw new InternalBug(`balance change ${mods.balanceChange} exceeds the balance ${state.balance}`);
    state.removeCycles(-mods.balanceChange);
  }
  // What of the balance change was consumed: cycles burned, and the calls' fees (the response-execution prepayment counts as instructions).
  const consumed = state.consumedCycles;
  consumed.observe('burnedCycles', mods.cyclesBurned);
  let executionPrepayments = 0n;
  for (const r of mods.requests) executionPrepayments += r.prepaymentForResponseExecution;
  consumed.observe('instructions', executionPrepayments);
  consumed.observe('requestAndResponseTransmission', mods.requestFees - executionPrepayments);
  const ccm = state.callContextManager;
  if (mods.cyclesAccepted > 0n) {
    if (ccm === undefined || opts.callContextId === undefined) throw new InternalBug('cycles accepted outside a call context');
    const err = ccm.withdrawCycles(opts.callContextId, mods.cyclesAccepted);
    if (err !== undefined) throw new InternalBug(err);
  }
  if (mods.newCertifiedData !== undefined) state.certifiedData = mods.newCertifiedData.slice();
  if (mods.newGlobalTimer !== undefined) state.globalTimer = mods.newGlobalTimer;
  state.canisterLog.append(mods.canisterLog);
  if (opts.bumpCanisterVersion === true) state.canisterVersion += 1n;

  const requests: Request[] = [];
  if (mods.requests.length === 0) return { requests };
  if (ccm === undefined) throw new InternalBug('a stopped canister made calls');
  const context = opts.callContextId === undefined ? undefined : ccm.callContext(opts.callContextId);
  const metadata: RequestMetadata = context === undefined
    ? { callTreeDepth: 0n, callTreeStartTime: opts.time }
    : { callTreeDepth: context.metadata.callTreeDepth + 1n, callTreeStartTime: context.metadata.callTreeStartTime };
  for (const out of mods.requests) {
    const id = ccm.registerCallback({
      callContextId: out.callContextId,
      originator: state.canisterId,
      respondent: out.receiver,
      cyclesSent: out.cycles,
      prepaymentForResponseExecution: out.prepaymentForResponseExecution,
      prepaymentForResponseTransmission: out.prepaymentForResponseTransmission,
      onReply: out.onReply,
      onReject: out.onReject,
      ...(out.onCleanup === undefined ? {} : { onCleanup: out.onCleanup }),
      deadline: out.deadline,
    });
    if (id !== out.callbackId) throw new InternalBug(`callback id ${id} registered, ${out.callbackId} predicted`);
    const request = newRequest({
      receiver: out.receiver, sender: state.canisterId, senderReplyCallback: id, payment: out.cycles,
      methodName: out.methodName, methodPayload: out.payload, metadata, deadline: out.deadline,
    });
    const err = state.queues.pushOutputRequest(request, opts.time);
    if (err !== undefined) throw new InternalBug(`queueing a request the execution had a slot for: ${err.kind}`);
    requests.push(request);
  }
  return { requests };
}
