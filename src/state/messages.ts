/**
 * The messages the replicated state holds: inter-canister `Request`s and
 * `Response`s, user `Ingress`, and their sizes as the replica counts them.
 *
 * Source: `dfinity/ic` `rs/types/types/src/messages/inter_canister.rs`
 * (`Request`, `Response`, `Payload`, `RejectContext`, `NO_DEADLINE`,
 * `CountBytes`), `messages.rs` (`MAX_RESPONSE_COUNT_BYTES`),
 * `messages/ingress_messages.rs` (`Ingress`, its `CountBytes`).
 *
 * Deadlines are the replica's `CoarseTime` (whole seconds) carried as
 * nanoseconds since the epoch, so they compare with `Time` directly; `0`
 * (`NO_DEADLINE`) marks a guaranteed-response call, anything else a
 * best-effort (bounded-wait) call.
 *
 * Sizes. The replica counts a message's queue memory as Rust struct sizes
 * plus the user-controlled bytes:
 *
 *     Request   count_bytes = size_of::<RequestOrResponse>() + size_of::<Request>()  + |method_name| + |method_payload|
 *     Response  count_bytes = size_of::<RequestOrResponse>() + size_of::<Response>() + |data|  (reject: 1 + |message|)
 *     Ingress   count_bytes = size_of::<Ingress>() + |method_name| + |method_payload|
 *
 * The struct sizes are the x86-64 layouts of those structs (checked by
 * compiling the same field types with rustc 1.95): `RequestOrResponse` 16
 * (tag + `Arc`), `Request` 160, `Response` 128, `Ingress` 184, `RejectCode`
 * 1 (a field-less enum). Messages are frozen once built: queues and
 * snapshots share them.
 */
import { RejectCode } from '../errors/index.ts';
import { ellipsizeUtf8 } from './text.ts';
import type { CanisterId, PrincipalId, Time } from '../types/index.ts';
import { MAX_INTER_CANISTER_PAYLOAD_IN_BYTES } from '../config/index.ts';

/** Pairs an outgoing call with its callback (the replica's `CallbackId`, a u64). */
export type CallbackId = bigint;
/** Identifies an incoming call (the replica's `CallContextId`, a u64). */
export type CallContextId = bigint;

/** The deadline of a guaranteed-response call: none. */
export const NO_DEADLINE = 0n;
const SECOND_NANOS = 1_000_000_000n;

/** `CoarseTime::floor`: `time` rounded down to a whole second, still in nanoseconds. */
export function coarseFloor(time: bigint): bigint {
  return time - (time % SECOND_NANOS);
}

/** Longest reject message kept (`MAX_REJECT_MESSAGE_LEN_BYTES`). Bytes. */
export const MAX_REJECT_MESSAGE_LEN_BYTES = 8 * 1024;
/** Shortest limit a caller may impose (`MIN_REJECT_MESSAGE_LEN_LIMIT_BYTES`). Bytes. */
const MIN_REJECT_MESSAGE_LEN_LIMIT_BYTES = 10;
/** Longest message of a synthetic reject made by message routing (`MR_SYNTHETIC_REJECT_MESSAGE_MAX_LEN`). Bytes. */
export const MR_SYNTHETIC_REJECT_MESSAGE_MAX_LEN = 255;

/** `size_of::<RequestOrResponse>()`, bytes. */
export const REQUEST_OR_RESPONSE_STRUCT_BYTES = 16;
/** `size_of::<Request>()`, bytes. */
export const REQUEST_STRUCT_BYTES = 160;
/** `size_of::<Response>()`, bytes. */
export const RESPONSE_STRUCT_BYTES = 128;
/** `size_of::<Ingress>()`, bytes. */
export const INGRESS_STRUCT_BYTES = 184;
/** `size_of::<RejectCode>()`, bytes. */
const REJECT_CODE_BYTES = 1;
/** Largest valid response, bytes (`MAX_RESPONSE_COUNT_BYTES`): reserved per outstanding guaranteed-response call. */
export const MAX_RESPONSE_COUNT_BYTES: number = REQUEST_OR_RESPONSE_STRUCT_BYTES + RESPONSE_STRUCT_BYTES
  + Number(MAX_INTER_CANISTER_PAYLOAD_IN_BYTES);

/** Why a call was rejected: a reject code and a message. */
export interface RejectContext {
  readonly code: RejectCode;
  readonly message: string;
}

/**
 * A reject context with its message shortened as the replica does
 * (`RejectContext::new_with_message_length_limit`: at most `maxLen` UTF-8
 * bytes, clamped to [10, 8 KiB], keeping 75% from the start).
 */
export function rejectContext(code: RejectCode, message: string, maxLen = MAX_REJECT_MESSAGE_LEN_BYTES): RejectContext {
  const limit = Math.min(Math.max(maxLen, MIN_REJECT_MESSAGE_LEN_LIMIT_BYTES), MAX_REJECT_MESSAGE_LEN_BYTES);
  return Object.freeze({ code, message: ellipsizeUtf8(message, limit, 75) });
}

/** A response's payload: reply data, or a reject. */
export type Payload =
  | { readonly kind: 'data'; readonly data: Uint8Array }
  | { readonly kind: 'reject'; readonly reject: RejectContext };

/** Where a request sits in its call tree (`RequestMetadata`). */
export interface RequestMetadata {
  /** Steps down the call tree, from 0. */
  readonly callTreeDepth: bigint;
  /** Batch time when the root call of the tree started, nanoseconds. */
  readonly callTreeStartTime: Time;
}

/** A canister-to-canister request. */
export interface Request {
  readonly kind: 'request';
  readonly receiver: CanisterId;
  readonly sender: CanisterId;
  readonly senderReplyCallback: CallbackId;
  /** Cycles attached. */
  readonly payment: bigint;
  readonly methodName: string;
  readonly methodPayload: Uint8Array;
  readonly metadata?: RequestMetadata;
  /** Nanoseconds (whole seconds); {@link NO_DEADLINE} for guaranteed-response calls. */
  readonly deadline: bigint;
}

/** A canister-to-canister response. */
export interface Response {
  readonly kind: 'response';
  /** The canister that made the call (receives the response). */
  readonly originator: CanisterId;
  /** The canister that answered it (sends the response). */
  readonly respondent: CanisterId;
  readonly originatorReplyCallback: CallbackId;
  /** Cycles returned to the originator. */
  readonly refund: bigint;
  readonly payload: Payload;
  /** The call's deadline, copied from the request. */
  readonly deadline: bigint;
}

/** An inter-canister message. */
export type RequestOrResponse = Request | Response;

/** A user's update call, inducted into the receiver's ingress queue. */
export interface Ingress {
  readonly kind: 'ingress';
  /** The user (the replica's `UserId`). */
  readonly source: PrincipalId;
  readonly receiver: CanisterId;
  /** The canister a management-canister call targets; the ingress queue of the subnet round-robins by it. */
  readonly effectiveCanisterId?: CanisterId;
  readonly methodName: string;
  readonly methodPayload: Uint8Array;
  /** The request id, 32 bytes. */
  readonly messageId: Uint8Array;
  readonly expiryTime: Time;
}

/** A message a canister executes (`CanisterMessage`). */
export type CanisterMessage = Ingress | Request | Response;

/** Builds a frozen request (`payment` and `deadline` default to 0). */
export function newRequest(fields: Omit<Request, 'kind' | 'payment' | 'deadline'> & { payment?: bigint; deadline?: bigint }): Request {
  return Object.freeze({ kind: 'request', payment: 0n, deadline: NO_DEADLINE, ...fields });
}

/** Builds a frozen response (`refund` and `deadline` default to 0). */
export function newResponse(fields: Omit<Response, 'kind' | 'refund' | 'deadline'> & { refund?: bigint; deadline?: bigint }): Response {
  return Object.freeze({ kind: 'response', refund: 0n, deadline: NO_DEADLINE, ...fields });
}

/** Builds a frozen ingress message. */
export function newIngress(fields: Omit<Ingress, 'kind'>): Ingress {
  return Object.freeze({ kind: 'ingress', ...fields });
}

/** The canister that sent `msg` (a response's respondent). */
export function senderOf(msg: RequestOrResponse): CanisterId {
  return msg.kind === 'request' ? msg.sender : msg.respondent;
}

/** The canister `msg` goes to (a response's originator). */
export function receiverOf(msg: RequestOrResponse): CanisterId {
  return msg.kind === 'request' ? msg.receiver : msg.originator;
}

/** Cycles carried by `msg` (payment or refund). */
export function cyclesOf(msg: RequestOrResponse): bigint {
  return msg.kind === 'request' ? msg.payment : msg.refund;
}

/** Whether `msg` belongs to a best-effort call (non-zero deadline). */
export function isBestEffort(msg: RequestOrResponse): boolean {
  return msg.deadline !== NO_DEADLINE;
}

const utf8Length = (s: string): number => Buffer.byteLength(s, 'utf8');

/**
 * The user-controlled bytes of `msg` (`payload_size_bytes`): method name and
 * argument of a request; data of a reply; code byte and message of a reject.
 * Fees and the 2 MiB limits are computed on this.
 */
export function payloadSizeBytes(msg: RequestOrResponse): number {
  if (msg.kind === 'request') return utf8Length(msg.methodName) + msg.methodPayload.length;
  return msg.payload.kind === 'data' ? msg.payload.data.length : REJECT_CODE_BYTES + utf8Length(msg.payload.reject.message);
}

/** Queue memory of `msg`, bytes (`CountBytes for RequestOrResponse`; see the module header). */
export function countBytes(msg: RequestOrResponse): number {
  const struct = msg.kind === 'request' ? REQUEST_STRUCT_BYTES : RESPONSE_STRUCT_BYTES;
  return REQUEST_OR_RESPONSE_STRUCT_BYTES + struct + payloadSizeBytes(msg);
}

/** Memory estimate of an ingress message, bytes (`CountBytes for Ingress`). */
export function ingressCountBytes(msg: Ingress): number {
  return INGRESS_STRUCT_BYTES + utf8Length(msg.methodName) + msg.methodPayload.length;
}

/**
 * Guaranteed-response memory a request needs to be queued
 * (`memory_required_to_push_request`): 0 for best-effort requests, else the
 * larger of its size and a response reservation.
 */
export function memoryRequiredToPushRequest(request: Request): number {
  if (isBestEffort(request)) return 0;
  return Math.max(countBytes(request), MAX_RESPONSE_COUNT_BYTES);
}

/** The synthetic reject for a request that timed out in an output queue (`generate_timeout_response`). */
export function timeoutResponse(request: Request): Response {
  return newResponse({
    originator: request.sender,
    respondent: request.receiver,
    originatorReplyCallback: request.senderReplyCallback,
    refund: request.payment,
    payload: { kind: 'reject', reject: rejectContext(RejectCode.SysTransient, 'Request timed out.', MR_SYNTHETIC_REJECT_MESSAGE_MAX_LEN) },
    deadline: request.deadline,
  });
}
