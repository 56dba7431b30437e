// `UserError`: the error the IC returns to users and stores in ingress
// history. It is plain, serializable data — `{ code, description }` — as in
// the replica (`rs/types/error_types/src/lib.rs`, `UserError`). The HTTP layer
// turns it into a reject body (`reject_code`, `reject_message`, `error_code`)
// in one place; nothing else formats wire errors.
//
// Descriptions longer than 8 KiB (UTF-8) are shortened as the replica does
// (`UserError::new` → `ellipsize(8 * 1024, 50)`): keep the first half of the
// budget, then `...`, then the tail, cutting only at character boundaries.
import {
  type ErrorCode,
  type RejectCode,
  formatErrorCode,
  isErrorCode,
  rejectCodeOf,
} from './error-code.ts';

/** An error for users: an IC error code and a human-readable description. */
export interface UserError {
  readonly code: ErrorCode;
  readonly description: string;
}

/** Longest description kept in full, in UTF-8 bytes (`MAX_USER_ERROR_DESCRIPTION_LEN_BYTES`). */
export const MAX_USER_ERROR_DESCRIPTION_BYTES = 8 * 1024;

const ELLIPSIS = '...';
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8');

const isContinuationByte = (b: number): boolean => (b & 0xc0) === 0x80;

/**
 * Shortens `text` to at most `maxBytes` UTF-8 bytes: `prefixPercent`% of the
 * budget from the start, `...`, the rest from the end (the replica's
 * `StrEllipsize::ellipsize`). Shorter text is returned unchanged.
 */
export function ellipsize(text: string, maxBytes: number, prefixPercent: number): string {
  const bytes = encoder.encode(text);
  if (bytes.length <= maxBytes) return text;
  if (maxBytes < ELLIPSIS.length) return '';
  const budget = maxBytes - ELLIPSIS.length;
  const pct = Math.min(100, Math.max(0, prefixPercent));
  const prefixLen = Math.min(Math.trunc((maxBytes * pct) / 100), budget);
  const suffixLen = budget - prefixLen;
  let end = prefixLen;
  while (end > 0 && isContinuationByte(bytes[end])) end--;
  let start = bytes.length - suffixLen;
  while (start < bytes.length && isContinuationByte(bytes[start])) start++;
  return decoder.decode(bytes.subarray(0, end)) + ELLIPSIS + decoder.decode(bytes.subarray(start));
}

/**
 * Builds a `UserError`, shortening long descriptions as the replica does.
 * @throws {RangeError} if `code` is not a current error code.
 * @example userError(ErrorCode.CanisterNotFound, `Canister ${id} not found.`)
 */
export function userError(code: ErrorCode, description: string): UserError {
  if (!isErrorCode(code)) throw new RangeError(`not a current IC error code: ${String(code)}`);
  return Object.freeze({
    code,
    description: ellipsize(description, MAX_USER_ERROR_DESCRIPTION_BYTES, 50),
  });
}

/** The reject code of a user error (first digit of its error code). */
export function userErrorRejectCode(err: UserError): RejectCode {
  return rejectCodeOf(err.code);
}

/**
 * The replica's `Display` of a user error.
 * @example formatUserError(e) === 'IC0301: Canister aaaaa-aa not found.'
 */
export function formatUserError(err: UserError): string {
  return `${formatErrorCode(err.code)}: ${err.description}`;
}

/**
 * Carries a `UserError` across an API boundary that can only throw (for
 * example the in-process library's promise API). Inside the engine errors
 * stay values; use this only at the edge.
 */
export class UserErrorException extends Error {
  override readonly name = 'UserErrorException';
  /** The carried error, unchanged. */
  readonly userError: UserError;

  constructor(err: UserError) {
    super(formatUserError(err));
    this.userError = err;
  }

  /** The error code of the carried error. */
  get code(): ErrorCode {
    return this.userError.code;
  }

  /** The reject code of the carried error. */
  get rejectCode(): RejectCode {
    return rejectCodeOf(this.userError.code);
  }
}
