// The adapter: what makes an HTTPS outcall on the network (the replica's
// `ic-https-outcalls-adapter`, a separate process on each node). A host
// chooses one: `NodeHttpAdapter` (real requests through `node:http(s)`)
// or `ManualHttpAdapter` (requests wait until a test answers them, as
// PocketIC's `get_canister_http` / `mock_canister_http` do).
//
// The adapter gets the request as the canister made it and answers with
// what the server sent — or a reject with the replica's code and message.
// It enforces the response size (`max_response_bytes`, default 2,000,000,
// over header names + values + body), as the replica's adapter does while
// downloading:
//
//     headers alone > limit      SYS_FATAL "Header size exceeds specified response size limit <n>"
//     headers + body > limit     SYS_FATAL "Http body exceeds size limit of <n> bytes."
//
// Everything after (the response's header limits, the transform, the
// transformed size) is the pool's (pool.ts), the same for every adapter.
import { RejectCode } from '../errors/index.ts';
import type { RejectCode as RejectCodeT } from '../errors/index.ts';
import { utf8Length } from './validation.ts';
import type { CanisterHttpHeader, CanisterHttpMethod, CanisterHttpTransform } from '../state/index.ts';
import type { CanisterId, Time } from '../types/index.ts';

/** One outcall, as the adapter gets it (and as tests and PocketIC list pending ones). */
export interface CanisterHttpAdapterRequest {
  /** The context's callback id (PocketIC's `request_id`). */
  readonly id: bigint;
  /** The canister that made the call. */
  readonly canisterId: CanisterId;
  readonly url: string;
  readonly method: CanisterHttpMethod;
  /** As the canister gave them (the adapter adds `user-agent: ic/1.0` when there is none). */
  readonly headers: readonly CanisterHttpHeader[];
  /** Empty when the canister gave none. */
  readonly body: Uint8Array;
  /** `max_response_bytes` as given (`undefined`: none given). */
  readonly maxResponseBytes: bigint | undefined;
  /** The limit in force: `maxResponseBytes` or 2,000,000. */
  readonly responseLimit: bigint;
  readonly transform: CanisterHttpTransform | undefined;
  readonly replicated: boolean;
  /** Batch time after which the call is answered "timed out" (context time + 60 s). */
  readonly timeout: Time;
}

/** What the server answered. */
export interface CanisterHttpAdapterResponse {
  readonly kind: 'response';
  readonly status: number;
  readonly headers: readonly CanisterHttpHeader[];
  readonly body: Uint8Array;
}

/** Why there is no response (connection failed, too large, timed out, …). */
export interface CanisterHttpAdapterReject {
  readonly kind: 'reject';
  readonly code: RejectCodeT;
  readonly message: string;
}

export type CanisterHttpAdapterResult = CanisterHttpAdapterResponse | CanisterHttpAdapterReject;

/** An adapter a host can swap (see the module header). */
export interface CanisterHttpAdapter {
  /** Makes the outcall; the promise settles with the answer and never rejects. */
  send(request: CanisterHttpAdapterRequest): Promise<CanisterHttpAdapterResult>;
  /** Gives up on a request (it timed out); a later answer to it is ignored. */
  cancel?(id: bigint): void;
  /** Lets in-flight network I/O progress (awaited before each batch while requests are in flight). */
  poll?(): Promise<void>;
  /** Aborts everything in flight. */
  close?(): void;
}

/** A SYS_FATAL reject. */
export const sysFatal = (message: string): CanisterHttpAdapterReject => ({ kind: 'reject', code: RejectCode.SysFatal, message });

/** Bytes of header names and values. */
export function headerBytes(headers: readonly CanisterHttpHeader[]): number {
  let n = 0;
  for (const h of headers) n += utf8Length(h.name) + utf8Length(h.value);
  return n;
}

/** The reject for a response over `limit` bytes (see the module header), or `undefined`. */
export function responseSizeProblem(headers: readonly CanisterHttpHeader[], bodyBytes: number, limit: bigint): CanisterHttpAdapterReject | undefined {
  const h = BigInt(headerBytes(headers));
  if (h > limit) return sysFatal(`Header size exceeds specified response size limit ${limit}`);
  if (h + BigInt(bodyBytes) > limit) return sysFatal(`Http body exceeds size limit of ${limit} bytes.`);
  return undefined;
}
