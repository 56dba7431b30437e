// `ic0` outgoing calls: `call_new`, `call_on_cleanup`, `call_data_append`,
// `call_with_best_effort_response`, `call_cycles_add*`, `call_perform`.
//
// Replica semantics (system_api.rs, request_in_prep.rs, sandbox_safe_system_state.rs):
// - `call_new` first drops a call still under construction and refunds its
//   cycles, then validates the new one;
// - `call_cycles_add*` withdraw from the balance at once, keeping it above
//   the freeze threshold, else trap `InsufficientCyclesBalance`;
// - `call_perform` assigns the callback id, then queues the request, which
//   withdraws the transmission fee and the response prepayments (above the
//   freeze threshold) and takes a callback and a queue slot. When that fails
//   it returns 2 (`SYS_TRANSIENT`), refunds the attached cycles and queues
//   nothing; the callback id stays used, as in the replica.
// - a bounded-wait call's deadline is `time + timeout`, rounded down to whole
//   seconds (`CoarseTime::floor`).
// Not modelled: message-memory accounting of queued requests and the shared
// slot budget of the management canister's aliases.
import { MAX_INTER_CANISTER_PAYLOAD_IN_BYTES, MULTIPLIER_MAX_SIZE_LOCAL_SUBNET } from '../config/index.ts';
import { toolchainViolation, userViolation } from './host-trap.ts';
import { RequestInPrep } from './request-in-prep.ts';
import type { OutgoingRequest } from './system-state.ts';
import type { SystemApi } from './system-api.ts';

const SECOND = 1_000_000_000n;
const U32_MAX = 0xffff_ffff;

/** `call_new`'s table indices become u32; larger ones saturate (linker.rs). */
function funIndex(fun: number): number {
  return fun > U32_MAX ? U32_MAX : fun;
}

function pending(api: SystemApi, what: string): RequestInPrep {
  const req = api.exec.outgoing;
  if (req === undefined) throw toolchainViolation(`${what} called when no call is under construction.`);
  return req;
}

export function callNew(
  api: SystemApi, calleeSrc: number, calleeSize: number, nameSrc: number, nameLen: number,
  replyFun: number, replyEnv: bigint, rejectFun: number, rejectEnv: bigint,
): void {
  api.require('call_new');
  const old = api.exec.outgoing;
  if (old !== undefined) {
    api.exec.outgoing = undefined;
    api.systemState.refundCycles(old.cycles);
  }
  api.exec.outgoing = RequestInPrep.create(
    api.heap(), calleeSrc, calleeSize, nameSrc, nameLen,
    { fun: funIndex(replyFun), env: replyEnv }, { fun: funIndex(rejectFun), env: rejectEnv },
  );
}

export function callOnCleanup(api: SystemApi, fun: number, env: bigint): void {
  api.require('call_on_cleanup');
  pending(api, 'ic0.call_on_cleanup').setOnCleanup({ fun: funIndex(fun), env });
}

export function callDataAppend(api: SystemApi, src: number, size: number): void {
  api.require('call_data_append');
  pending(api, 'ic0.call_data_append').appendPayload(api.heap(), src, size);
}

export function callWithBestEffortResponse(api: SystemApi, timeoutSeconds: number): void {
  api.require('call_with_best_effort_response');
  pending(api, 'ic0.call_with_best_effort_response').setTimeout(timeoutSeconds);
}

function addCycles(api: SystemApi, name: 'call_cycles_add128' | 'call_cycles_add', amount: bigint): void {
  api.require(name);
  const req = pending(api, `ic0_${name}`);
  api.systemState.withdrawForTransfer(amount, api.exec.memoryUsage);
  req.addCycles(amount);
}

export function callCyclesAdd128(api: SystemApi, amount: bigint): void {
  addCycles(api, 'call_cycles_add128', amount);
}

export function callCyclesAdd(api: SystemApi, amount: bigint): void {
  addCycles(api, 'call_cycles_add', amount);
}

/** The call context the current execution belongs to (contexts that may call have one). */
function callContextId(api: SystemApi): bigint {
  const t = api.apiType;
  return 'callContextId' in t ? t.callContextId : 0n;
}

export function callPerform(api: SystemApi): number {
  api.require('call_perform');
  const req = pending(api, 'ic0.call_perform');
  api.exec.outgoing = undefined;
  const limit = Number(MAX_INTER_CANISTER_PAYLOAD_IN_BYTES * MULTIPLIER_MAX_SIZE_LOCAL_SUBNET);
  if (req.payloadSize > limit) {
    // Unreachable through `call_data_append`; kept as the replica's `into_request` has it (sic: it names the 2 MiB limit).
    throw userViolation(
      `Request to ${req.callee.toText()}:${req.methodName} has a payload size of ${req.payloadSize}, which exceeds the allowed limit of ${MAX_INTER_CANISTER_PAYLOAD_IN_BYTES}.`,
      'Check the canister for errors or redesign the target API to allow shorter messages',
      'canister-made-a-call-with-too-large-payload',
    );
  }
  const state = api.systemState;
  const prepayments = state.prepayments(api.wasm64);
  const time = 'time' in api.apiType && api.apiType.time !== undefined ? api.apiType.time : 0n;
  const deadline = req.timeoutSeconds === undefined ? 0n : ((time + BigInt(req.timeoutSeconds) * SECOND) / SECOND) * SECOND;
  const request: OutgoingRequest = {
    callbackId: state.nextCallbackId(),
    callContextId: callContextId(api),
    receiver: req.callee,
    methodName: req.methodName,
    payload: req.payload(),
    cycles: req.cycles,
    onReply: req.onReply,
    onReject: req.onReject,
    ...(req.onCleanup === undefined ? {} : { onCleanup: req.onCleanup }),
    deadline,
    prepaymentForResponseExecution: prepayments.execution,
    prepaymentForResponseTransmission: prepayments.transmission,
  };
  if (state.pushRequest(request, api.exec.memoryUsage)) return 0;
  state.refundCycles(req.cycles);
  return 2;
}
