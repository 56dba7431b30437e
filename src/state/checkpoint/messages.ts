/**
 * Codecs of ids, messages and the small values many parts of the state
 * share (closures, user errors, Wasm results). Messages decode frozen, as
 * `newRequest`/`newResponse`/`newIngress` build them.
 */
import { RejectCode, ErrorCode } from '../../errors/index.ts';
import type { UserError } from '../../errors/index.ts';
import { CanisterId, PrincipalId, SubnetId } from '../../types/index.ts';
import type { WasmClosure, WasmResponse } from '../../system-api/index.ts';
import type { CanisterMessage, Ingress, Payload, RejectContext, Request, RequestMetadata, Response } from '../messages.ts';
import { formatError, mapped, nat, natAs, optional, small, str, bytes, struct, variant } from './codec.ts';
import type { Codec, Fields } from './codec.ts';

const ID_CLASS = ['PrincipalId', 'CanisterId', 'SubnetId'] as const;

function idOf(kind: number, b: Uint8Array): PrincipalId {
  try {
    if (kind === 1) return CanisterId.fromUint8Array(b);
    if (kind === 2) return SubnetId.fromUint8Array(b);
    return PrincipalId.fromUint8Array(b);
  } catch (e) {
    return formatError(`a bad id: ${(e as Error).message}`);
  }
}

/** Any id, with its class (a principal, canister or subnet id stays one). */
export const principal: Codec<PrincipalId> = {
  enc: (w, p) => { w.nat(ID_CLASS.indexOf(p.kind)).bytes(p.bytesView()); },
  dec: (r) => {
    const kind = r.small(2);
    return idOf(kind, r.bytes());
  },
};
export const canisterId = principal as unknown as Codec<CanisterId>;
export const subnetId = principal as unknown as Codec<SubnetId>;

const REJECT_CODES = new Set<number>(Object.values(RejectCode));
const ERROR_CODES = new Set<number>(Object.values(ErrorCode));
export const rejectCode: Codec<RejectCode> = mapped(small, (c: RejectCode) => c, (n) => (REJECT_CODES.has(n) ? n as RejectCode : formatError(`reject code ${n}`)));
export const errorCode: Codec<ErrorCode> = mapped(small, (c: ErrorCode) => c, (n) => (ERROR_CODES.has(n) ? n as ErrorCode : formatError(`error code ${n}`)));

export const userError: Codec<UserError> = struct<UserError>({ code: errorCode, description: str }, { freeze: true });
export const closure: Codec<WasmClosure> = struct<WasmClosure>({ fun: small, env: nat });
export const wasmResponse: Codec<WasmResponse> = variant<WasmResponse>({ reply: { payload: bytes }, reject: { message: str } });
export const rejectContext: Codec<RejectContext> = struct<RejectContext>({ code: rejectCode, message: str }, { freeze: true });
export const payload: Codec<Payload> = variant<Payload>({ data: { data: bytes }, reject: { reject: rejectContext } });
export const requestMetadata: Codec<RequestMetadata> = struct<RequestMetadata>({ callTreeDepth: nat, callTreeStartTime: natAs() });

const requestFields: Fields<Omit<Request, 'kind'>> = {
  receiver: canisterId, sender: canisterId, senderReplyCallback: nat, payment: nat, methodName: str, methodPayload: bytes,
  metadata: optional(requestMetadata), deadline: nat,
};
const responseFields: Fields<Omit<Response, 'kind'>> = {
  originator: canisterId, respondent: canisterId, originatorReplyCallback: nat, refund: nat, payload, deadline: nat,
};
const ingressFields: Fields<Omit<Ingress, 'kind'>> = {
  source: principal, receiver: canisterId, effectiveCanisterId: optional(canisterId), methodName: str, methodPayload: bytes,
  messageId: bytes, expiryTime: natAs(),
};

export const request: Codec<Request> = variant<Request>({ request: requestFields }, { freeze: true });
export const response: Codec<Response> = variant<Response>({ response: responseFields }, { freeze: true });
export const ingress: Codec<Ingress> = variant<Ingress>({ ingress: ingressFields }, { freeze: true });
/** A request or a response. */
export const requestOrResponse: Codec<Request | Response> = variant<Request | Response>({ request: requestFields, response: responseFields }, { freeze: true });
/** What install_code and updates are made from (`CanisterCall`). */
export const canisterCall: Codec<Ingress | Request> = variant<Ingress | Request>({ ingress: ingressFields, request: requestFields }, { freeze: true });
/** Any message a canister executes. */
export const canisterMessage: Codec<CanisterMessage> = variant<CanisterMessage>(
  { request: requestFields, response: responseFields, ingress: ingressFields }, { freeze: true },
);
