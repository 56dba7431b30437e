// `ic0` message data and responding: `msg_arg_data_*`, `msg_caller_*`,
// `msg_caller_info_*`, `msg_reject_code`, `msg_reject_msg_*`,
// `msg_deadline`, `msg_method_name_*`, `accept_message`, `msg_reply*`,
// `msg_reject`. Semantics and wording: the replica's `SystemApiImpl`
// (system_api.rs, 2026).
import { MAX_NON_REPLICATED_QUERY_REPLY_SIZE, MAX_REPLY_SIZE_REPLICATED } from '../config/index.ts';
import type { ApiType } from './api-type.ts';
import { callerOf } from './api-type.ts';
import { copyBlobToHeap, exactU64, strictUtf8, validSubslice } from './heap.ts';
import { toolchainViolation, userViolation } from './host-trap.ts';
import type { SystemApi } from './system-api.ts';

const EMPTY = new Uint8Array(0);
const UTF8 = new TextEncoder();

/** The incoming payload the context exposes through `msg_arg_data_*` (a reply callback's is the reply). */
function argOf(api: ApiType): Uint8Array {
  switch (api.kind) {
    case 'init':
    case 'update':
    case 'replicatedQuery':
    case 'nonReplicatedQuery':
    case 'compositeQuery':
    case 'inspectMessage':
      return api.arg;
    case 'replyCallback':
    case 'compositeReplyCallback':
      return api.reply;
    default:
      return EMPTY;
  }
}

function rejectOf(api: ApiType): { code: number; message: Uint8Array } {
  if (api.kind === 'rejectCallback' || api.kind === 'compositeRejectCallback') {
    return { code: api.rejectCode, message: UTF8.encode(api.rejectMessage) };
  }
  return { code: 0, message: EMPTY };
}

/** Largest reply or reject payload: 3 MiB for query calls (NRQ, CQ), else 2 MiB. */
export function maxReplySize(api: ApiType): number {
  return api.kind === 'nonReplicatedQuery' || api.kind === 'compositeQuery'
    ? Number(MAX_NON_REPLICATED_QUERY_REPLY_SIZE)
    : Number(MAX_REPLY_SIZE_REPLICATED);
}

export function msgArgDataSize(api: SystemApi): number {
  api.require('msg_arg_data_size');
  return argOf(api.apiType).length;
}

export function msgArgDataCopy(api: SystemApi, dst: number, offset: number, size: number): void {
  api.require('msg_arg_data_copy');
  copyBlobToHeap(api, 'msg_arg_data_copy', 'payload', argOf(api.apiType), dst, offset, size);
}

function callerBytes(api: SystemApi): Uint8Array {
  return callerOf(api.apiType)?.bytesView() ?? EMPTY;
}

export function msgCallerSize(api: SystemApi): number {
  api.require('msg_caller_size');
  return callerBytes(api).length;
}

export function msgCallerCopy(api: SystemApi, dst: number, offset: number, size: number): void {
  api.require('msg_caller_copy');
  copyBlobToHeap(api, 'msg_caller_copy', 'id', callerBytes(api), dst, offset, size);
}

/** `msg_caller_info_data_size` / `_signer_size`: always 0 (no ingress carries `sender_info` here). */
export function msgCallerInfoSize(api: SystemApi, name: 'msg_caller_info_data_size' | 'msg_caller_info_signer_size'): number {
  api.require(name);
  return 0;
}

/** `msg_caller_info_data_copy` / `_signer_copy` of the empty blob. */
export function msgCallerInfoCopy(
  api: SystemApi, name: 'msg_caller_info_data_copy' | 'msg_caller_info_signer_copy', dst: number, offset: number, size: number,
): void {
  api.require(name);
  copyBlobToHeap(api, name, name === 'msg_caller_info_data_copy' ? 'data' : 'signer', EMPTY, dst, offset, size);
}

export function msgRejectCode(api: SystemApi): number {
  api.require('msg_reject_code');
  return rejectOf(api.apiType).code;
}

export function msgRejectMsgSize(api: SystemApi): number {
  api.require('msg_reject_msg_size');
  return rejectOf(api.apiType).message.length;
}

export function msgRejectMsgCopy(api: SystemApi, dst: number, offset: number, size: number): void {
  api.require('msg_reject_msg_copy');
  copyBlobToHeap(api, 'msg_reject_msg_copy', 'msg', rejectOf(api.apiType).message, dst, offset, size);
}

export function msgDeadline(api: SystemApi): bigint {
  api.require('msg_deadline');
  const t = api.apiType;
  return 'deadline' in t && t.deadline !== undefined ? t.deadline : 0n;
}

function methodNameOf(api: ApiType): Uint8Array {
  return api.kind === 'inspectMessage' ? UTF8.encode(api.methodName) : EMPTY;
}

export function msgMethodNameSize(api: SystemApi): number {
  api.require('msg_method_name_size');
  return methodNameOf(api.apiType).length;
}

export function msgMethodNameCopy(api: SystemApi, dst: number, offset: number, size: number): void {
  api.require('msg_method_name_copy');
  copyBlobToHeap(api, 'msg_method_name_copy', 'payload', methodNameOf(api.apiType), dst, offset, size);
}

export function acceptMessage(api: SystemApi): void {
  api.require('accept_message');
  if (api.exec.messageAccepted) throw toolchainViolation('ic0.accept_message: the function was already called.');
  api.exec.messageAccepted = true;
}

export function msgReplyDataAppend(api: SystemApi, src: number, size: number): void {
  api.require('msg_reply_data_append');
  const exec = api.exec;
  if (exec.status !== 'notReplied') throw toolchainViolation('ic0.msg_reply_data_append: the call is already replied.');
  const max = maxReplySize(api.apiType);
  const total = BigInt(exec.replySize) + exactU64(size);
  if (total > BigInt(max)) {
    throw userViolation(
      `ic0.msg_reply_data_append: application payload size (${total}) cannot be larger than ${max}.`,
      'Consider checking the response size and returning an error if it is too long.',
      'msg_reply_data_append-payload-too-large',
    );
  }
  const data = validSubslice('msg.reply', src, size, api.heap());
  if (data.length > 0) exec.replyChunks.push(data.slice());
  exec.replySize += data.length;
}

export function msgReply(api: SystemApi): void {
  api.require('msg_reply');
  const exec = api.exec;
  if (exec.status !== 'notReplied') throw toolchainViolation('ic0.msg_reply: the call is already replied');
  exec.response = { kind: 'reply', payload: exec.replyPayload() };
  exec.replyChunks = [];
  exec.replySize = 0;
  exec.status = 'justReplied';
}

export function msgReject(api: SystemApi, src: number, size: number): void {
  api.require('msg_reject');
  const exec = api.exec;
  if (exec.status !== 'notReplied') throw toolchainViolation('ic0.msg_reject: the call is already replied');
  const max = maxReplySize(api.apiType);
  if (size > max) {
    throw userViolation(
      `ic0.msg_reject: application payload size (${exactU64(size)}) cannot be larger than ${max}.`,
      'Try truncating the error messages that are too long.',
      'msg_reject-payload-too-large',
    );
  }
  const message = strictUtf8(validSubslice('ic0.msg_reject', src, size, api.heap()));
  if (message === undefined) throw toolchainViolation('ic0.msg_reject: invalid UTF-8 string provided');
  exec.response = { kind: 'reject', message };
  exec.status = 'justReplied';
}
