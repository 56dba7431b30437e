/**
 * `raw_rand` (system_api.md §4, `raw_rand : () -> (blob)`), answered the
 * IC's way (execution_internals.md §1.3 step 4; `src/consensus/random-tape.ts`):
 *
 *   round h     the request, taken from the subnet queue, is not executed
 *               but kept as a `RawRandContext` in the replicated state
 *               (`SystemMetadata.rawRandContexts`, part of the state hash);
 *   round h+1   before any other work, every postponed call is answered, in
 *               the order postponed, from a generator seeded with batch
 *               h+1's randomness — bytes that did not exist when the call
 *               was made.
 *
 * The generator (ic-exec's own; the IC uses a ChaCha20 CSPRNG seeded by the
 * round's randomness and a purpose): SHA-256 in counter mode,
 *
 *     block(i) = SHA-256(ds("ic-exec-raw-rand") ‖ randomness ‖ u64be(i)),  i = 0, 1, …
 *
 * one 32-byte block per answered call, so the i-th call answered in a round
 * gets block(i). The purpose tag separates this stream from every other use
 * of the batch's randomness.
 *
 * The reply is the Candid `(blob)` of the 32 bytes; an argument that is not
 * empty Candid is rejected with IC0408's reject code and its bare description
 * (the replica's `RejectContext::from(UserError)`). `raw_rand` is free: the
 * cycles attached to the request are refunded in full in the response, reply
 * or reject. Ingress to `raw_rand` never gets here (the ingress filter and
 * induction reject it: canister-only method).
 */
import { IDL } from '@dfinity/candid';
import { sha256, withDomainSeparator } from '../crypto/index.ts';
import { ErrorCode, rejectCodeOf, userError } from '../errors/index.ts';
import type { Payload, ReplicatedState, Request, Response } from '../state/index.ts';
import type { Height } from '../types/index.ts';
import { newResponse, rejectContext } from '../state/index.ts';

/** The method name. */
export const RAW_RAND_METHOD = 'raw_rand';
/** The purpose tag of the `raw_rand` stream. */
export const RAW_RAND_DOMAIN = 'ic-exec-raw-rand';
/** Bytes per answer. */
export const RAW_RAND_BYTES = 32;

/** The deterministic generator of `raw_rand` answers (see the module header). */
export class RawRandGenerator {
  readonly #randomness: Uint8Array;
  #counter = 0n;

  constructor(randomness: Uint8Array) {
    this.#randomness = randomness;
  }

  /** The next 32 bytes: block(i) for the i-th call. */
  next(): Uint8Array {
    const index = new Uint8Array(8);
    new DataView(index.buffer).setBigUint64(0, this.#counter++, false);
    return sha256(withDomainSeparator(RAW_RAND_DOMAIN, this.#randomness, index));
  }
}

/** Whether a subnet message is a canister's `raw_rand` request (to be postponed). */
export function isRawRandRequest(msg: { readonly kind: string; readonly methodName?: string }): msg is Request {
  return msg.kind === 'request' && msg.methodName === RAW_RAND_METHOD;
}

/** Keeps `request`, taken from the subnet queue in round `round`, in the state until the next round (round h of the module header). */
export function postponeRawRand(state: ReplicatedState, request: Request, round: Height): void {
  state.metadata.rawRandContexts.push(Object.freeze({ request, executionRound: round, time: state.time }));
}

/** Why `payload` is not empty Candid (`()`), or `undefined` if it is. */
function candidErrorOf(payload: Uint8Array): string | undefined {
  try {
    // A copy: the payload may be a Node `Buffer` view into a pool, and the decoder reads its whole underlying buffer.
    IDL.decode([], Uint8Array.from(payload)); // a copy: @dfinity/candid reads a view's whole buffer
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

function answer(request: Request, bytes: () => Uint8Array): Response {
  const candidError = candidErrorOf(request.methodPayload);
  let payload: Payload;
  if (candidError === undefined) {
    payload = { kind: 'data', data: new Uint8Array(IDL.encode([IDL.Vec(IDL.Nat8)], [bytes()])) };
  } else {
    const error = userError(ErrorCode.InvalidManagementPayload, `Error decoding candid: ${candidError}`);
    payload = { kind: 'reject', reject: rejectContext(rejectCodeOf(error.code), error.description) };
  }
  return newResponse({
    originator: request.sender, respondent: request.receiver, originatorReplyCallback: request.senderReplyCallback,
    refund: request.payment, deadline: request.deadline, payload,
  });
}

/**
 * Answers every postponed call (round h+1 of the module header) into the
 * subnet's output queue. `randomness` is read only if there is a call to
 * answer (a batch's randomness is costly to produce).
 * @returns how many calls were answered.
 */
export function answerPostponedRawRand(state: ReplicatedState, randomness: () => Uint8Array): number {
  const contexts = state.metadata.rawRandContexts;
  if (contexts.length === 0) return 0;
  state.metadata.rawRandContexts = [];
  let rng: RawRandGenerator | undefined;
  for (const c of contexts) {
    state.subnetQueues.pushOutputResponse(answer(c.request, () => (rng ??= new RawRandGenerator(randomness())).next()));
  }
  return contexts.length;
}
