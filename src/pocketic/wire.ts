/**
 * The REST API's encodings (`packages/pocket-ic/src/common/rest.rs`):
 * blobs and principals as standard base64 with padding (principals as
 * their raw bytes, wrapped as `{canister_id}`, `{subnet_id}`,
 * `{principal_id}`), Rust enums externally tagged (`{"Ok":…}`,
 * `{"Err":…}`, unit variants as bare strings), u64/u128 as bare JSON
 * numbers (`bigint` here), errors as `{"message": …}` with a 4xx status.
 * Readers of request bodies return values or an error message, never throw.
 */
import { ErrorCode, errorCodeName, rejectCodeOf } from '../errors/index.ts';
import type { UserError } from '../errors/index.ts';
import { CanisterId, PrincipalId, SubnetId } from '../types/index.ts';
import type { JsonValue } from './json.ts';

/** A JSON object from a request body. */
export type JsonObject = { readonly [key: string]: JsonValue };

/** A reader's result. */
export type Read<T> = { ok: true; value: T } | { ok: false; message: string };
export const ok = <T>(value: T): Read<T> => ({ ok: true, value });
export const bad = <T>(message: string): Read<T> => ({ ok: false, message });

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export const b64 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

/** Decodes standard base64 (padding optional, as the `base64` crate's default decoder is lenient about it only here). */
export function fromB64(v: unknown, what: string): Read<Uint8Array> {
  if (typeof v !== 'string' || !BASE64.test(v) || v.length % 4 === 1) return bad(`${what}: expected a base64 string`);
  return ok(new Uint8Array(Buffer.from(v, 'base64')));
}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function object(v: unknown, what: string): Read<JsonObject> {
  return isObject(v) ? ok(v) : bad(`${what}: expected a JSON object`);
}

/** An unsigned integer field (number or bigint) within `max`. */
export function unsigned(v: unknown, what: string, max: bigint): Read<bigint> {
  const n = typeof v === 'number' && Number.isSafeInteger(v) ? BigInt(v) : typeof v === 'bigint' ? v : undefined;
  if (n === undefined || n < 0n || n > max) return bad(`${what}: expected an integer from 0 to ${max}`);
  return ok(n);
}
export const U64_MAX = (1n << 64n) - 1n;
export const U128_MAX = (1n << 128n) - 1n;

export function text(v: unknown, what: string): Read<string> {
  return typeof v === 'string' ? ok(v) : bad(`${what}: expected a string`);
}

function principalBytes<T>(v: unknown, what: string, make: (b: Uint8Array) => T): Read<T> {
  const b = fromB64(v, what);
  if (!b.ok) return b;
  try { return ok(make(b.value)); } catch (e) { return bad(`${what}: ${(e as Error).message}`); }
}
export const principalOf = (v: unknown, what: string): Read<PrincipalId> => principalBytes(v, what, (b) => PrincipalId.fromUint8Array(b));
export const canisterOf = (v: unknown, what: string): Read<CanisterId> => principalBytes(v, what, (b) => CanisterId.fromUint8Array(b));
export const subnetOf = (v: unknown, what: string): Read<SubnetId> => principalBytes(v, what, (b) => SubnetId.fromUint8Array(b));

/** `{"canister_id": b64}` → the canister id. */
export function rawCanisterId(body: unknown): Read<CanisterId> {
  const o = object(body, 'body');
  return o.ok ? canisterOf(o.value['canister_id'], 'canister_id') : o;
}

export const rawCanister = (id: PrincipalId): { canister_id: string } => ({ canister_id: b64(id.bytesView()) });
export const rawSubnet = (id: PrincipalId): { subnet_id: string } => ({ subnet_id: b64(id.bytesView()) });
export const rawPrincipal = (id: PrincipalId): { principal_id: string } => ({ principal_id: b64(id.bytesView()) });

/** The pocket-ic crate's `RejectCode` variants, by code. */
const REJECT_CODE_VARIANT: readonly string[] = ['', 'SysFatal', 'SysTransient', 'DestinationInvalid', 'CanisterReject', 'CanisterError', 'SysUnknown'];

/** The `RejectResponse` of a failed call: reject and error codes by their Rust names (serde's unit variants). */
export function rejectResponse(error: UserError, certified: boolean): {
  reject_code: string; reject_message: string; error_code: string; certified: boolean;
} {
  return {
    reject_code: REJECT_CODE_VARIANT[rejectCodeOf(error.code)] ?? 'SysUnknown',
    reject_message: error.description,
    error_code: errorCodeName(error.code),
    certified,
  };
}

/** The server's `Debug` text of a canister id inside an error (`CanisterId(<text>)`). */
export const debugCanister = (id: PrincipalId): string => `CanisterId(${id.toText()})`;

/** `CanisterNotFound(CanisterId(…))`, the real server's error for a canister that does not exist. */
export const canisterNotFound = (id: PrincipalId): string => `CanisterNotFound(${debugCanister(id)})`;

/** A user error for a call to a canister no subnet hosts. */
export const noSubnetFor = (id: PrincipalId): UserError => ({
  code: ErrorCode.CanisterNotFound, description: `Canister ${id.toText()} not found`,
});
