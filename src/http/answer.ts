/**
 * What a handler answers: an HTTP status and a body — CBOR (self-described,
 * tag 55799, `application/cbor`) for the interface's responses, plain text
 * for errors (clients show it; the one text they parse is the
 * `Invalid request expiry: ` prefix), empty for 202. The CBOR written here
 * never contains floats or tags other than 55799, and integers above 2^53
 * are `bigint`s (uint64 at most), as the clients' strict decoder requires
 * (http_interface.md §2.1).
 */
import { encodeWithSelfDescribedTag } from '@dfinity/cbor';
import { formatErrorCode, userErrorRejectCode } from '../errors/index.ts';
import type { UserError } from '../errors/index.ts';

/** A response to write. */
export interface Answer {
  readonly status: number;
  readonly body: Uint8Array;
  readonly contentType?: 'application/cbor' | 'text/plain; charset=utf-8';
}

/** A CBOR value the clients decode. */
export type WireValue = Uint8Array | string | number | bigint | boolean | readonly WireValue[] | { readonly [k: string]: WireValue };

export const cborAnswer = (status: number, value: WireValue): Answer =>
  ({ status, body: encodeWithSelfDescribedTag(value as never), contentType: 'application/cbor' });

export const textAnswer = (status: number, message: string): Answer =>
  ({ status, body: new TextEncoder().encode(message), contentType: 'text/plain; charset=utf-8' });

/** `202 Accepted` with an empty body: the call is in the pool (or the sync wait ran out); the client polls. */
export const ACCEPTED: Answer = Object.freeze({ status: 202, body: new Uint8Array(0) });

/** The reject fields of a user error as the interface spells them. */
export function rejectFields(error: UserError): { reject_code: number; reject_message: string; error_code: string } {
  return { reject_code: userErrorRejectCode(error), reject_message: error.description, error_code: formatErrorCode(error.code) };
}

/**
 * A call refused before execution (the ingress filter: `inspect_message`,
 * a stopped canister, cycles, …): `200` with the reject — on v3/v4 marked
 * `status: "non_replicated_rejection"`.
 */
export function nonReplicatedRejection(version: 2 | 3 | 4, error: UserError): Answer {
  const fields = rejectFields(error);
  return cborAnswer(200, version === 2 ? fields : { status: 'non_replicated_rejection', ...fields });
}

/** 429 (the ingress pool or a rate limit is full). */
export const overloaded = (why: string): Answer => textAnswer(429, `Service is overloaded, try again later. ${why}`);
