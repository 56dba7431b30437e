// One method per `ic0` import, each delegating to its family module
// (api-message, api-cycles, api-calls, api-stable, api-misc, api-costs).
// `SystemApi` extends this class; the split only keeps files small.
//
// Arguments are already converted by the import layer (imports.ts):
// addresses and sizes as numbers (see heap.ts for values ≥ 2^53), 64-bit
// amounts and times as unsigned bigints, 128-bit amounts as one bigint.
import * as calls from './api-calls.ts';
import * as costs from './api-costs.ts';
import * as cyc from './api-cycles.ts';
import * as msg from './api-message.ts';
import * as misc from './api-misc.ts';
import * as stable from './api-stable.ts';
import type { SystemApi } from './system-api.ts';

/** The `ic0` calls of a {@link SystemApi}, named after the imports in camelCase. */
export abstract class SystemApiCalls {
  /** The session the calls act on. */
  protected abstract get api(): SystemApi;

  // ---- message data ----
  msgArgDataSize(): number { return msg.msgArgDataSize(this.api); }
  msgArgDataCopy(dst: number, offset: number, size: number): void { msg.msgArgDataCopy(this.api, dst, offset, size); }
  msgCallerSize(): number { return msg.msgCallerSize(this.api); }
  msgCallerCopy(dst: number, offset: number, size: number): void { msg.msgCallerCopy(this.api, dst, offset, size); }
  msgCallerInfoDataSize(): number { return msg.msgCallerInfoSize(this.api, 'msg_caller_info_data_size'); }
  msgCallerInfoDataCopy(dst: number, offset: number, size: number): void { msg.msgCallerInfoCopy(this.api, 'msg_caller_info_data_copy', dst, offset, size); }
  msgCallerInfoSignerSize(): number { return msg.msgCallerInfoSize(this.api, 'msg_caller_info_signer_size'); }
  msgCallerInfoSignerCopy(dst: number, offset: number, size: number): void { msg.msgCallerInfoCopy(this.api, 'msg_caller_info_signer_copy', dst, offset, size); }
  msgRejectCode(): number { return msg.msgRejectCode(this.api); }
  msgRejectMsgSize(): number { return msg.msgRejectMsgSize(this.api); }
  msgRejectMsgCopy(dst: number, offset: number, size: number): void { msg.msgRejectMsgCopy(this.api, dst, offset, size); }
  msgDeadline(): bigint { return msg.msgDeadline(this.api); }
  msgMethodNameSize(): number { return msg.msgMethodNameSize(this.api); }
  msgMethodNameCopy(dst: number, offset: number, size: number): void { msg.msgMethodNameCopy(this.api, dst, offset, size); }
  acceptMessage(): void { msg.acceptMessage(this.api); }

  // ---- responding ----
  msgReplyDataAppend(src: number, size: number): void { msg.msgReplyDataAppend(this.api, src, size); }
  msgReply(): void { msg.msgReply(this.api); }
  msgReject(src: number, size: number): void { msg.msgReject(this.api, src, size); }

  // ---- cycles ----
  msgCyclesAvailable128(dst: number): void { cyc.msgCyclesAvailable128(this.api, dst); }
  msgCyclesRefunded128(dst: number): void { cyc.msgCyclesRefunded128(this.api, dst); }
  msgCyclesAccept128(max: bigint, dst: number): void { cyc.msgCyclesAccept128(this.api, max, dst); }
  cyclesBurn128(amount: bigint, dst: number): void { cyc.cyclesBurn128(this.api, amount, dst); }
  canisterCycleBalance128(dst: number): void { cyc.canisterCycleBalance128(this.api, dst); }
  canisterLiquidCycleBalance128(dst: number): void { cyc.canisterLiquidCycleBalance128(this.api, dst); }
  msgCyclesAvailable(): bigint { return cyc.msgCyclesAvailable(this.api); }
  msgCyclesRefunded(): bigint { return cyc.msgCyclesRefunded(this.api); }
  msgCyclesAccept(max: bigint): bigint { return cyc.msgCyclesAccept(this.api, max); }
  canisterCycleBalance(): bigint { return cyc.canisterCycleBalance(this.api); }
  mintCycles128(amount: bigint, dst: number): void { cyc.mintCycles128(this.api, amount, dst); }
  mintCycles(amount: bigint): bigint { return cyc.mintCycles(this.api, amount); }

  // ---- identity and status ----
  canisterSelfSize(): number { return misc.canisterSelfSize(this.api); }
  canisterSelfCopy(dst: number, offset: number, size: number): void { misc.canisterSelfCopy(this.api, dst, offset, size); }
  canisterStatus(): number { return misc.canisterStatus(this.api); }
  canisterVersion(): bigint { return misc.canisterVersion(this.api); }
  subnetSelfSize(): number { return misc.subnetSelfSize(this.api); }
  subnetSelfCopy(dst: number, offset: number, size: number): void { misc.subnetSelfCopy(this.api, dst, offset, size); }

  // ---- outgoing calls ----
  callNew(
    calleeSrc: number, calleeSize: number, nameSrc: number, nameLen: number,
    replyFun: number, replyEnv: bigint, rejectFun: number, rejectEnv: bigint,
  ): void {
    calls.callNew(this.api, calleeSrc, calleeSize, nameSrc, nameLen, replyFun, replyEnv, rejectFun, rejectEnv);
  }
  callOnCleanup(fun: number, env: bigint): void { calls.callOnCleanup(this.api, fun, env); }
  callDataAppend(src: number, size: number): void { calls.callDataAppend(this.api, src, size); }
  callWithBestEffortResponse(timeoutSeconds: number): void { calls.callWithBestEffortResponse(this.api, timeoutSeconds); }
  callCyclesAdd128(amount: bigint): void { calls.callCyclesAdd128(this.api, amount); }
  callCyclesAdd(amount: bigint): void { calls.callCyclesAdd(this.api, amount); }
  callPerform(): number { return calls.callPerform(this.api); }

  // ---- stable memory ----
  stable64Size(): bigint { return stable.stable64Size(this.api); }
  stable64Grow(pages: bigint): bigint { return stable.stable64Grow(this.api, pages); }
  stable64Read(dst: number, offset: number, size: number): void { stable.stable64Read(this.api, dst, offset, size); }
  stable64Write(offset: number, src: number, size: number): void { stable.stable64Write(this.api, offset, src, size); }
  stableSize(): number { return stable.stableSize(this.api); }
  stableGrow(pages: number): number { return stable.stableGrow(this.api, pages); }
  stableRead(dst: number, offset: number, size: number): void { stable.stableRead(this.api, dst, offset, size); }
  stableWrite(offset: number, src: number, size: number): void { stable.stableWrite(this.api, offset, src, size); }

  // ---- certification and root key ----
  rootKeySize(): number { return misc.rootKeySize(this.api); }
  rootKeyCopy(dst: number, offset: number, size: number): void { misc.rootKeyCopy(this.api, dst, offset, size); }
  certifiedDataSet(src: number, size: number): void { misc.certifiedDataSet(this.api, src, size); }
  dataCertificatePresent(): number { return misc.dataCertificatePresent(this.api); }
  dataCertificateSize(): number { return misc.dataCertificateSize(this.api); }
  dataCertificateCopy(dst: number, offset: number, size: number): void { misc.dataCertificateCopy(this.api, dst, offset, size); }

  // ---- time, timers, misc ----
  time(): bigint { return misc.time(this.api); }
  globalTimerSet(timestamp: bigint): bigint { return misc.globalTimerSet(this.api, timestamp); }
  performanceCounter(counterType: number): bigint { return misc.performanceCounter(this.api, counterType); }
  isController(src: number, size: number): number { return misc.isController(this.api, src, size); }
  inReplicatedExecution(): number { return misc.inReplicatedExecution(this.api); }

  // ---- cost queries ----
  costCall(methodNameSize: bigint, payloadSize: bigint, dst: number): void { costs.costCall(this.api, methodNameSize, payloadSize, dst); }
  costCreateCanister(dst: number): void { costs.costCreateCanister(this.api, dst); }
  costHttpRequest(requestSize: bigint, maxResponseBytes: bigint, dst: number): void { costs.costHttpRequest(this.api, requestSize, maxResponseBytes, dst); }
  costHttpRequestV2(paramsSrc: number, paramsSize: number, dst: number): void { costs.costHttpRequestV2(this.api, paramsSrc, paramsSize, dst); }
  costSignWithEcdsa(src: number, size: number, curve: number, dst: number): number { return costs.costThresholdKey(this.api, 'ecdsa', src, size, curve, dst); }
  costSignWithSchnorr(src: number, size: number, algorithm: number, dst: number): number { return costs.costThresholdKey(this.api, 'schnorr', src, size, algorithm, dst); }
  costVetkdDeriveKey(src: number, size: number, curve: number, dst: number): number { return costs.costThresholdKey(this.api, 'vetkd', src, size, curve, dst); }

  // ---- environment variables ----
  envVarCount(): number { return misc.envVarCount(this.api); }
  envVarNameSize(index: number): number { return misc.envVarNameSize(this.api, index); }
  envVarNameCopy(index: number, dst: number, offset: number, size: number): void { misc.envVarNameCopy(this.api, index, dst, offset, size); }
  envVarNameExists(src: number, size: number): number { return misc.envVarNameExists(this.api, src, size); }
  envVarValueSize(src: number, size: number): number { return misc.envVarValueSize(this.api, src, size); }
  envVarValueCopy(nameSrc: number, nameSize: number, dst: number, offset: number, size: number): void {
    misc.envVarValueCopy(this.api, nameSrc, nameSize, dst, offset, size);
  }

  // ---- debugging ----
  debugPrint(src: number, size: number): void { misc.debugPrint(this.api, src, size); }
  trap(src: number, size: number): never { return misc.trap(this.api, src, size); }
}
