/**
 * The content of an ingress message as the HTTP interface defines it (a
 * `call` request), its envelope, and its request id.
 *
 * A `SignedIngress` (src/consensus) carries the envelope bytes as
 * received: CBOR (self-described, tag 55799) of
 *
 *     { content: { request_type: "call", sender, canister_id, method_name, arg,
 *                  ingress_expiry, nonce? }, sender_pubkey?, sender_sig?, sender_delegation? }
 *
 * Signatures are checked before consensus (the HTTP layer); message routing
 * only decodes the content when it inducts the message, so a batch log
 * replays to the same state. The message id is the request id: the
 * representation-independent hash of the content (interface spec, "Request
 * ids"):
 *
 *     hash(blob) = sha256(bytes)         hash(text) = sha256(utf-8)
 *     hash(nat)  = sha256(leb128)        hash(array) = sha256(‖ hash(elements))
 *     hash(map)  = sha256(‖ sorted(hash(key) ‖ hash(value)))
 *
 * The in-process library builds unsigned envelopes with
 * {@link signedIngressOf}; it trusts its caller for the sender, as PocketIC
 * does.
 */
import { decode, encodeWithSelfDescribedTag } from '@dfinity/cbor';
import type { SignedIngress } from '../consensus/index.ts';
import { concatBytes, sha256 } from '../crypto/index.ts';
import type { Time } from '../types/index.ts';
import { CanisterId, PrincipalId, time } from '../types/index.ts';

/** The fields of a `call` request (`HttpCallContent`). */
export interface HttpCallContent {
  readonly sender: PrincipalId;
  readonly canisterId: CanisterId;
  readonly methodName: string;
  readonly arg: Uint8Array;
  /** Nanoseconds since the epoch. */
  readonly ingressExpiry: Time;
  readonly nonce?: Uint8Array;
}

type Value = Uint8Array | string | bigint | readonly Value[] | { readonly [k: string]: Value };

const utf8 = new TextEncoder();

function leb128(n: bigint): Uint8Array {
  const out: number[] = [];
  do {
    let b = Number(n & 0x7fn);
    n >>= 7n;
    if (n !== 0n) b |= 0x80;
    out.push(b);
  } while (n !== 0n);
  return Uint8Array.from(out);
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** The representation-independent hash of a value (see the module header). */
export function representationIndependentHash(v: Value): Uint8Array {
  if (v instanceof Uint8Array) return sha256(v);
  if (typeof v === 'string') return sha256(utf8.encode(v));
  if (typeof v === 'bigint') return sha256(leb128(v));
  if (Array.isArray(v)) return sha256(...(v as readonly Value[]).map(representationIndependentHash));
  const pairs = Object.entries(v as Record<string, Value>)
    .map(([k, x]) => concatBytes(sha256(utf8.encode(k)), representationIndependentHash(x)))
    .sort(compareBytes);
  return sha256(...pairs);
}

function contentMap(c: HttpCallContent): Record<string, Value> {
  return {
    request_type: 'call',
    sender: Uint8Array.from(c.sender.bytesView()),
    canister_id: Uint8Array.from(c.canisterId.bytesView()),
    method_name: c.methodName,
    arg: c.arg,
    ingress_expiry: c.ingressExpiry,
    ...(c.nonce === undefined ? {} : { nonce: c.nonce }),
  };
}

/** The request id (= message id) of a call. */
export function requestIdOf(content: HttpCallContent): Uint8Array {
  return representationIndependentHash(contentMap(content));
}

/** The CBOR envelope `{ content }` of an unsigned call. */
export function encodeCallEnvelope(content: HttpCallContent): Uint8Array {
  return encodeWithSelfDescribedTag({ content: contentMap(content) });
}

/** A `SignedIngress` for consensus: unsigned envelope, request id, receiver and expiry. */
export function signedIngressOf(content: HttpCallContent): SignedIngress {
  return Object.freeze({
    messageId: requestIdOf(content),
    receiver: content.canisterId,
    expiry: content.ingressExpiry,
    payload: encodeCallEnvelope(content),
  });
}

/** A decoded envelope, or why it could not be decoded. */
export type DecodeCallResult = { readonly ok: true; readonly content: HttpCallContent } | { readonly ok: false; readonly error: string };

const fail = (error: string): DecodeCallResult => ({ ok: false, error });

function field<T>(m: Record<string, unknown>, key: string, check: (x: unknown) => x is T): T | undefined {
  const x = m[key];
  return check(x) ? x : undefined;
}
const isBytes = (x: unknown): x is Uint8Array => x instanceof Uint8Array;
const isText = (x: unknown): x is string => typeof x === 'string';
const isNat = (x: unknown): x is number | bigint => (typeof x === 'number' && Number.isSafeInteger(x) && x >= 0) || (typeof x === 'bigint' && x >= 0n);

/**
 * Decodes the envelope of a `call` (see the module header).
 * @returns the content, or a description of the first problem found.
 */
export function decodeCallEnvelope(bytes: Uint8Array): DecodeCallResult {
  let envelope: unknown;
  try {
    envelope = decode(bytes);
  } catch (e) {
    return fail(`invalid CBOR: ${(e as Error).message}`);
  }
  if (typeof envelope !== 'object' || envelope === null) return fail('the envelope is not a map');
  const content = (envelope as Record<string, unknown>).content;
  if (typeof content !== 'object' || content === null || content instanceof Uint8Array) return fail('the envelope has no content map');
  const m = content as Record<string, unknown>;
  if (m.request_type !== 'call') return fail(`request_type is ${String(m.request_type)}, expected call`);
  const sender = field(m, 'sender', isBytes);
  const canisterId = field(m, 'canister_id', isBytes);
  const methodName = field(m, 'method_name', isText);
  const arg = field(m, 'arg', isBytes);
  const expiry = field(m, 'ingress_expiry', isNat);
  const nonce = m.nonce === undefined ? undefined : field(m, 'nonce', isBytes);
  if (sender === undefined || canisterId === undefined || methodName === undefined || arg === undefined || expiry === undefined) {
    return fail('the content lacks sender, canister_id, method_name, arg or ingress_expiry, or has one of the wrong type');
  }
  if (m.nonce !== undefined && nonce === undefined) return fail('nonce is not a blob');
  try {
    return {
      ok: true,
      content: Object.freeze({
        sender: PrincipalId.fromUint8Array(sender),
        canisterId: CanisterId.fromUint8Array(canisterId),
        methodName,
        arg,
        ingressExpiry: time(BigInt(expiry)),
        ...(nonce === undefined ? {} : { nonce }),
      }),
    };
  } catch (e) {
    return fail((e as Error).message);
  }
}
