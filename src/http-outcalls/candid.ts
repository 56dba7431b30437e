// Candid of HTTPS outcalls (interface spec `ic.did`): the `http_request`
// argument, `http_request_result` (what the canister gets, and what a
// transform takes and returns) and the transform's argument
// `record { response; context }`.
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';

export const HttpHeader = IDL.Record({ name: IDL.Text, value: IDL.Text });

/** `http_request_result = record { status : nat; headers : vec http_header; body : blob }`. */
export const HttpRequestResult = IDL.Record({ status: IDL.Nat, headers: IDL.Vec(HttpHeader), body: IDL.Vec(IDL.Nat8) });

/** The transform's argument: `record { response : http_request_result; context : blob }`. */
export const TransformArgs = IDL.Record({ response: HttpRequestResult, context: IDL.Vec(IDL.Nat8) });

/** `variant { get; head; post; put; delete; patch }`. */
export const HttpMethodVariant = IDL.Variant({
  get: IDL.Null, head: IDL.Null, post: IDL.Null, put: IDL.Null, delete: IDL.Null, patch: IDL.Null,
});

/** The argument of `http_request`. */
export const HttpRequestArgs = IDL.Record({
  url: IDL.Text,
  max_response_bytes: IDL.Opt(IDL.Nat64),
  method: HttpMethodVariant,
  headers: IDL.Vec(HttpHeader),
  body: IDL.Opt(IDL.Vec(IDL.Nat8)),
  transform: IDL.Opt(IDL.Record({ function: IDL.Func([TransformArgs], [HttpRequestResult], ['query']), context: IDL.Vec(IDL.Nat8) })),
  is_replicated: IDL.Opt(IDL.Bool),
  pricing_version: IDL.Opt(IDL.Nat32),
});

/** A Candid `opt T` as decoded by `@dfinity/candid`. */
type Opt<T> = [] | [T];

export interface HttpHeaderValue { name: string; value: string }

/** Decoded `http_request` argument. */
export interface HttpRequestArgsValue {
  url: string;
  max_response_bytes: Opt<bigint>;
  method: { get: null } | { head: null } | { post: null } | { put: null } | { delete: null } | { patch: null };
  headers: HttpHeaderValue[];
  body: Opt<Uint8Array | number[]>;
  transform: Opt<{ function: [Principal, string]; context: Uint8Array | number[] }>;
  is_replicated: Opt<boolean>;
  pricing_version: Opt<number>;
}

/** An HTTP response as the canister sees it. */
export interface HttpRequestResultValue {
  readonly status: bigint;
  readonly headers: readonly HttpHeaderValue[];
  readonly body: Uint8Array;
}

/** Candid bytes of an `http_request_result`. */
export function encodeHttpRequestResult(r: HttpRequestResultValue): Uint8Array {
  return new Uint8Array(IDL.encode([HttpRequestResult], [{ status: r.status, headers: r.headers.map((h) => ({ name: h.name, value: h.value })), body: r.body }]));
}

/** Candid bytes of a transform's argument. */
export function encodeTransformArgs(response: HttpRequestResultValue, context: Uint8Array): Uint8Array {
  return new Uint8Array(IDL.encode([TransformArgs], [{
    response: { status: response.status, headers: response.headers.map((h) => ({ name: h.name, value: h.value })), body: response.body },
    context,
  }]));
}
