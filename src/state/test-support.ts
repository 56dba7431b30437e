// Builders for the state's unit tests.
import { CanisterId, PrincipalId, time } from '../types/index.ts';
import type { OutgoingRequest } from '../system-api/index.ts';
import { newIngress, newRequest, newResponse } from './messages.ts';
import type { Ingress, Request, Response } from './messages.ts';

export const A = CanisterId.fromU64(1n);
export const B = CanisterId.fromU64(2n);
export const C = CanisterId.fromU64(3n);
export const USER = PrincipalId.fromUint8Array(Uint8Array.of(0x0a, 0x0b, 0x01));
export const T0 = 1_700_000_000_000_000_000n;
export const SEC = 1_000_000_000n;

export function request(sender: CanisterId, receiver: CanisterId, cb = 1n, extra: Partial<Request> = {}): Request {
  return newRequest({ sender, receiver, senderReplyCallback: cb, methodName: 'm', methodPayload: new Uint8Array(3), ...extra });
}

export function reply(request: Request, data = Uint8Array.of(1)): Response {
  return newResponse({
    originator: request.sender, respondent: request.receiver, originatorReplyCallback: request.senderReplyCallback,
    payload: { kind: 'data', data }, deadline: request.deadline,
  });
}

export function ingress(receiver: CanisterId, n: number, extra: Partial<Ingress> = {}): Ingress {
  return newIngress({
    source: USER, receiver, methodName: 'go', methodPayload: new Uint8Array(0),
    messageId: new Uint8Array(32).fill(n), expiryTime: time(T0 + 300n * SEC), ...extra,
  });
}

export function outgoing(receiver: CanisterId, callbackId: bigint, callContextId: bigint, extra: Partial<OutgoingRequest> = {}): OutgoingRequest {
  return {
    callbackId, callContextId, receiver, methodName: 'ping', payload: Uint8Array.of(7), cycles: 0n,
    onReply: { fun: 1, env: 2n }, onReject: { fun: 3, env: 4n }, deadline: 0n,
    prepaymentForResponseExecution: 0n, prepaymentForResponseTransmission: 0n, ...extra,
  };
}
