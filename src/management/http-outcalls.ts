/**
 * HTTPS outcalls: `http_request` (interface spec "IC method http_request";
 * the replica's `Ic00Method::HttpRequest` branch of
 * `execute_subnet_message`, `CanisterHttpRequestContext::generate_from_args`
 * and `try_add_http_context_to_replicated_state`).
 *
 * The handler checks the call and, at its commit point, charges the fee and
 * keeps the call as a `CanisterHttpRequestContext` in the subnet call
 * context manager (`deferred`): the outcall itself is made by the host
 * (src/http-outcalls: the adapter, the transform) and its answer comes back
 * in a later batch as a consensus response, which message routing turns
 * into the response to the canister (src/messaging/consensus-responses.ts)
 * with the attached cycles minus the fee.
 *
 * Checks, in the replica's order (each a reject with all cycles refunded):
 *
 *     ingress                              IC0504 "http_request cannot be called by a user."
 *     argument not Candid                  IC0408 "Error decoding candid: …"
 *     > 64 headers, a header > 16 KiB,     IC0408 "Error decoding candid: Deserialize error: The number of
 *       headers > 48 KiB (decoding bounds)        elements | The single element data size | The total data
 *                                                 size exceeds maximum allowed 64 | 16384 | 49152"
 *     transform of another canister        IC0406 "transform principal id expected to be <caller>, got <p>"
 *     URL > 8192 bytes                     IC0406 "url size <n> exceeds 8192"
 *     a header name / value > 8 KiB        IC0406 "number of bytes to represent some http header name|value <n> exceeds 8192"
 *     headers + body > 2,000,000 bytes     IC0406 "total number of bytes to represent all http header names and
 *                                                 values and http body <n> exceeds 2000000"
 *     max_response_bytes > 2,000,000       IC0406 "max_response_bytes expected to be in the range [0..2000000], got <n>"
 *     PUT/DELETE/PATCH, replicated         IC0406 "The requested HTTP method is only allowed for non-replicated requests."
 *     3,000 contexts open                  IC0406 "max number (3000) of http requests in-flight reached."
 *     cycles < fee                         IC0406 "http_request request sent with <c> cycles, but <fee> cycles are required."
 *
 * The fee is the replica's legacy price (pricing version 1) at this
 * subnet's size n: `(3M + 60K·n + 400·request bytes + 800·max_response_bytes)·n`,
 * request bytes = URL + header names and values + body + transform method
 * name and context; `max_response_bytes` defaults to 2,000,000. The URL
 * scheme is not checked here: the adapter refuses a non-`https` URL
 * (SYS_FATAL "Url need to specify https scheme"), after the fee, as on the IC.
 */
import { MAX_CANISTER_HTTP_REQUESTS_IN_FLIGHT } from '../config/index.ts';
import { httpRequestFee } from '../cycles/index.ts';
import { ErrorCode } from '../errors/index.ts';
import type { CanisterHttpMethod, CanisterHttpRequestContext, Request } from '../state/index.ts';
import type { Time } from '../types/index.ts';
import { decodeArg, toPrincipalId } from './candid.ts';
import { reject, rejectWith } from './errors.ts';
import {
  HttpRequestArgs, NON_REPLICATED_MODE_REQUIRED, boundedHeadersProblem, effectiveMaxResponseBytes, transformPrincipalError,
  validateHttpHeadersAndBody, validateMaxResponseBytes, validateUrlLength, variablePartsSize,
} from '../http-outcalls/index.ts';
import type { HttpRequestArgsValue } from '../http-outcalls/index.ts';
import type { Handler, ManagementCall, ManagementContext, ManagementOutcome } from './types.ts';

const METHODS: Readonly<Record<string, CanisterHttpMethod>> = {
  get: 'GET', head: 'HEAD', post: 'POST', put: 'PUT', delete: 'DELETE', patch: 'PATCH',
};

/** The context `args` describe, or the reject (before the fee and in-flight checks). */
function contextOf(args: HttpRequestArgsValue, request: Request, time: Time): CanisterHttpRequestContext | ManagementOutcome {
  const headers = args.headers.map((h) => ({ name: h.name, value: h.value }));
  const bounded = boundedHeadersProblem(headers);
  if (bounded !== undefined) return rejectWith(ErrorCode.InvalidManagementPayload, `Error decoding candid: Deserialize error: ${bounded}`);
  const t = args.transform[0];
  if (t !== undefined && !toPrincipalId(t.function[0]).equals(request.sender)) {
    return reject(transformPrincipalError(request.sender.toText(), t.function[0].toText()));
  }
  const body = args.body[0] === undefined ? undefined : Uint8Array.from(args.body[0]);
  const invalid = validateUrlLength(args.url) ?? validateHttpHeadersAndBody(headers, body?.length ?? 0)
    ?? validateMaxResponseBytes(args.max_response_bytes[0]);
  if (invalid !== undefined) return reject(invalid);
  const method = METHODS[Object.keys(args.method)[0]];
  const replicated = args.is_replicated[0] !== false;
  if (replicated && (method === 'PUT' || method === 'DELETE' || method === 'PATCH')) return reject(NON_REPLICATED_MODE_REQUIRED);
  return {
    request, url: args.url, maxResponseBytes: args.max_response_bytes[0], headers, body, method,
    transform: t === undefined ? undefined : { methodName: t.function[1], context: Uint8Array.from(t.context) },
    time,
    replicated,
    // The replica accepts only version 1 (`ALLOWED_HTTP_OUTCALLS_PRICING_VERSIONS`); any other value means 1.
    pricingVersion: 1,
  };
}

function httpRequest(call: ManagementCall, ctx: ManagementContext): ManagementOutcome {
  const message = call.message;
  if (message.kind === 'ingress') return rejectWith(ErrorCode.CanisterContractViolation, 'http_request cannot be called by a user.');
  const decoded = decodeArg<HttpRequestArgsValue>(HttpRequestArgs, call.arg);
  if (!decoded.ok) return decoded.outcome;
  const context = contextOf(decoded.value, message, ctx.state.time);
  if ('kind' in context) return context;
  const contexts = ctx.state.metadata.subnetCallContextManager;
  if (contexts.canisterHttpRequestContexts.size >= MAX_CANISTER_HTTP_REQUESTS_IN_FLIGHT) {
    return rejectWith(ErrorCode.CanisterRejectedMessage, `max number (${MAX_CANISTER_HTTP_REQUESTS_IN_FLIGHT}) of http requests in-flight reached.`);
  }
  const cam = ctx.env.cycles;
  const fee = httpRequestFee(cam.fees, variablePartsSize(context), effectiveMaxResponseBytes(context.maxResponseBytes), cam.subnetSize);
  if (call.payment < fee) {
    return rejectWith(ErrorCode.CanisterRejectedMessage, `http_request request sent with ${call.payment} cycles, but ${fee} cycles are required.`);
  }
  // Commit point: the fee is consumed (counted by the subnet and, as its HTTPS outcalls, by the caller); the rest goes back with the answer.
  contexts.pushCanisterHttpRequest({ ...context, request: Object.freeze({ ...message, payment: call.payment - fee }) });
  ctx.state.metadata.subnetMetrics.observeFee('httpOutcalls', fee);
  ctx.state.canisterMut(message.sender)?.systemState.consumedCycles.observe('httpOutcalls', fee);
  return { kind: 'deferred' };
}

export const handlers: Readonly<Record<string, Handler>> = { http_request: httpRequest };
