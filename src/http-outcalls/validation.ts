// The checks of an `http_request` and of the response it gets, with the
// replica's wording (rs/types/types/src/canister_http.rs:
// `CanisterHttpRequestContextError` → `UserError`, all IC0406
// CanisterRejectedMessage; rs/types/management_canister_types/src/http.rs:
// the decoding bounds of `headers`, IC0408).
import {
  HTTP_HEADERS_ELEMENT_MAX_SIZE, MAX_CANISTER_HTTP_HEADER_NAME_VALUE_LENGTH, MAX_CANISTER_HTTP_HEADER_NUM,
  MAX_CANISTER_HTTP_HEADER_TOTAL_SIZE, MAX_CANISTER_HTTP_REQUEST_BYTES, MAX_CANISTER_HTTP_URL_SIZE,
} from '../config/index.ts';
import { MAX_CANISTER_HTTP_RESPONSE_BYTES } from '../cycles/index.ts';
import { ErrorCode, userError } from '../errors/index.ts';
import type { UserError } from '../errors/index.ts';
import type { CanisterHttpHeader, CanisterHttpTransform } from '../state/index.ts';

/** UTF-8 bytes of `s` (the replica measures `String::len`). */
export const utf8Length = (s: string): number => Buffer.byteLength(s, 'utf8');

const rejected = (description: string): UserError => userError(ErrorCode.CanisterRejectedMessage, description);

/**
 * What the replica's bounded `headers` vector refuses while decoding
 * (`BoundedHttpHeaders`: 64 headers, 16 KiB per name + value, 48 KiB in
 * all; checked header by header in that order), or `undefined`.
 */
export function boundedHeadersProblem(headers: readonly CanisterHttpHeader[]): string | undefined {
  let total = 0;
  for (const [i, h] of headers.entries()) {
    if (i >= MAX_CANISTER_HTTP_HEADER_NUM) return `The number of elements exceeds maximum allowed ${MAX_CANISTER_HTTP_HEADER_NUM}`;
    const size = utf8Length(h.name) + utf8Length(h.value);
    if (size > HTTP_HEADERS_ELEMENT_MAX_SIZE) return `The single element data size exceeds maximum allowed ${HTTP_HEADERS_ELEMENT_MAX_SIZE}`;
    total += size;
    if (total > MAX_CANISTER_HTTP_HEADER_TOTAL_SIZE) return `The total data size exceeds maximum allowed ${MAX_CANISTER_HTTP_HEADER_TOTAL_SIZE}`;
  }
  return undefined;
}

/**
 * The request's or response's headers and body against the spec's limits
 * (`validate_http_headers_and_body`): 64 headers, 8 KiB per name and per
 * value, 48 KiB of names and values, 2,000,000 bytes with the body.
 */
export function validateHttpHeadersAndBody(headers: readonly CanisterHttpHeader[], bodyBytes: number): UserError | undefined {
  let maxName = 0;
  let maxValue = 0;
  let total = 0;
  for (const h of headers) {
    const n = utf8Length(h.name);
    const v = utf8Length(h.value);
    maxName = Math.max(maxName, n);
    maxValue = Math.max(maxValue, v);
    total += n + v;
  }
  if (headers.length > MAX_CANISTER_HTTP_HEADER_NUM) {
    return rejected(`number of all http headers ${headers.length} exceeds ${MAX_CANISTER_HTTP_HEADER_NUM}`);
  }
  const limit = MAX_CANISTER_HTTP_HEADER_NAME_VALUE_LENGTH;
  if (maxName > limit) return rejected(`number of bytes to represent some http header name ${maxName} exceeds ${limit}`);
  if (maxValue > limit) return rejected(`number of bytes to represent some http header value ${maxValue} exceeds ${limit}`);
  if (total > MAX_CANISTER_HTTP_HEADER_TOTAL_SIZE) {
    return rejected(`total number of bytes to represent all http header names and values ${total} exceeds ${MAX_CANISTER_HTTP_HEADER_TOTAL_SIZE}`);
  }
  const request = total + bodyBytes;
  if (BigInt(request) > MAX_CANISTER_HTTP_REQUEST_BYTES) {
    return rejected(`total number of bytes to represent all http header names and values and http body ${request} exceeds ${MAX_CANISTER_HTTP_REQUEST_BYTES}`);
  }
  return undefined;
}

/** The URL's length (`validate_url_length`). */
export function validateUrlLength(url: string): UserError | undefined {
  const n = utf8Length(url);
  return n > MAX_CANISTER_HTTP_URL_SIZE ? rejected(`url size ${n} exceeds ${MAX_CANISTER_HTTP_URL_SIZE}`) : undefined;
}

/** `max_response_bytes` within [0, 2,000,000]. */
export function validateMaxResponseBytes(n: bigint | undefined): UserError | undefined {
  if (n === undefined || n <= MAX_CANISTER_HTTP_RESPONSE_BYTES) return undefined;
  return rejected(`max_response_bytes expected to be in the range [0..${MAX_CANISTER_HTTP_RESPONSE_BYTES}], got ${n}`);
}

/** The transform must be a method of the calling canister. */
export function transformPrincipalError(expected: string, actual: string): UserError {
  return rejected(`transform principal id expected to be ${expected}, got ${actual}`);
}

/** PUT, DELETE and PATCH need `is_replicated = opt false`. */
export const NON_REPLICATED_MODE_REQUIRED: UserError = rejected('The requested HTTP method is only allowed for non-replicated requests.');

/** The bytes the fee charges for (`variable_parts_size`): URL, header names and values, body, transform name and context. */
export function variablePartsSize(c: {
  readonly url: string; readonly headers: readonly CanisterHttpHeader[]; readonly body: Uint8Array | undefined; readonly transform: CanisterHttpTransform | undefined;
}): bigint {
  let n = utf8Length(c.url) + (c.body?.length ?? 0);
  for (const h of c.headers) n += utf8Length(h.name) + utf8Length(h.value);
  if (c.transform !== undefined) n += utf8Length(c.transform.methodName) + c.transform.context.length;
  return BigInt(n);
}

/** The response limit in force: `max_response_bytes` or the 2,000,000-byte default. */
export function effectiveMaxResponseBytes(maxResponseBytes: bigint | undefined): bigint {
  return maxResponseBytes ?? MAX_CANISTER_HTTP_RESPONSE_BYTES;
}
