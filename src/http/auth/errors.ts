/**
 * What a refused request gets back: an HTTP status and a plain-text body,
 * with the replica's wording.
 *
 * Sources (dfinity/ic):
 * - `rs/http_endpoints/public/src/common.rs`: a body that is not CBOR of the
 *   expected shape is `400 "Failed to deserialize cbor request: …"`; every
 *   `RequestValidationError` is `400` with the error's `Display`
 *   (`validation_error_to_http_error`; older replicas answered `403 "Failed
 *   to authenticate request <id> due to: …"` for signature errors).
 * - `rs/http_endpoints/public/src/call.rs`: `"Could not parse body as call
 *   message: …"`, `"Specified CanisterId <c> does not match effective
 *   canister id in URL <e>"`, and `413 "Request <id> is too large. …"`;
 *   `query.rs`/`read_state.rs`: `"Malformed request: …"`.
 * - `rs/validator/src/ingress_validation.rs`: the `Display` texts of
 *   `RequestValidationError` and `AuthenticationError` (below);
 *   `rs/types/types/src/crypto.rs`: those of `CryptoError`, which the
 *   signature errors embed.
 */
import { formatTime } from '../../ingress/index.ts';
import type { PrincipalId } from '../../types/index.ts';

/** The statuses request authentication answers with. */
export type HttpErrorStatus = 400 | 403 | 413;

/** A refused request: status and plain-text body. */
export interface HttpError {
  readonly status: HttpErrorStatus;
  readonly message: string;
}

/** A value or why the request is refused. */
export type HttpResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: HttpError };

export const badRequest = (message: string): { readonly ok: false; readonly error: HttpError } =>
  ({ ok: false, error: { status: 400, message } });

/** Lower-case hex. */
export const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

/** Rust's `{:?}` of a `Vec<u8>`: `[1, 2, 3]`. */
export const debugBytes = (b: Uint8Array): string => `[${Array.from(b).join(', ')}]`;

/** Limits of `ingress_validation.rs` (part of the interface spec). */
export const MAXIMUM_NUMBER_OF_DELEGATIONS = 20;
export const MAXIMUM_NUMBER_OF_TARGETS_PER_DELEGATION = 1000;
export const MAXIMUM_NUMBER_OF_BYTES_IN_NONCE = 32;
export const MAXIMUM_NUMBER_OF_PATHS = 1000;
export const MAXIMUM_NUMBER_OF_LABELS_PER_PATH = 127;

// ---- RequestValidationError (Display) ----

export const nonceTooBig = (n: number): string =>
  `Nonce in request is too big: got ${n} bytes, but at most ${MAXIMUM_NUMBER_OF_BYTES_IN_NONCE} are allowed.`;
export const tooManyPaths = (n: number): string =>
  `Too many paths in read state request: got ${n} paths, but at most ${MAXIMUM_NUMBER_OF_PATHS} are allowed.`;
export const pathTooLong = (n: number): string =>
  `At least one path in read state request is too deep: got ${n} labels, but at most ${MAXIMUM_NUMBER_OF_LABELS_PER_PATH} are allowed.`;
export const userIdDoesNotMatchPublicKey = (sender: PrincipalId, pubkey: Uint8Array): string =>
  `The user id '${sender.toText()}' does not match the public key '${hex(pubkey)}'`;
export const missingSignature = (sender: PrincipalId): string => `Missing signature from user: ${sender.toText()}`;
export const ANONYMOUS_SIGNATURE_NOT_ALLOWED = 'Signature is not allowed for the anonymous user.';
export const canisterNotInDelegationTargets = (canister: PrincipalId): string =>
  `Canister '${canister.toText()}' is not one of the delegation targets.`;
export const invalidSignature = (authError: string): string => `Invalid signature: ${authError}`;
export const invalidDelegation = (authError: string): string => `Invalid delegation: ${authError}`;
export const invalidDelegationExpiry = (expiration: bigint, now: bigint): string =>
  `Invalid delegation expiry: Specified sender delegation has expired:\nProvided expiry:    ${formatTime(expiration)}\nLocal replica time: ${formatTime(now)}`;
/** Not confirmed against the replica's source (its `InvalidSenderInfo` Display was not found). */
export const invalidSenderInfo = (why: string): string => `Invalid sender info: ${why}`;

// ---- AuthenticationError (Display) ----

export const invalidBasicSignature = (cryptoError: string): string => `Invalid basic signature: ${cryptoError}`;
export const invalidCanisterSignature = (why: string): string => `Invalid canister signature: ${why}`;
export const invalidPublicKey = (cryptoError: string): string => `Invalid public key: ${cryptoError}`;
export const webAuthnError = (why: string): string => `WebAuthn error: ${why}`;
export const delegationTargetError = (why: string): string => `Delegation target error: ${why}`;
export const delegationTooLong = (n: number): string =>
  `Chain of delegations is too long: got ${n} delegations, but at most ${MAXIMUM_NUMBER_OF_DELEGATIONS} are allowed.`;
export const delegationContainsCycles = (pubkey: Uint8Array): string =>
  `Chain of delegations contains at least one cycle: first repeating public key encountered ${hex(pubkey)}`;
export const tooManyTargets = (n: number): string =>
  delegationTargetError(`expected at most ${MAXIMUM_NUMBER_OF_TARGETS_PER_DELEGATION} targets per delegation, but got ${n}`);

// ---- CryptoError (Display = Debug in crypto.rs) ----

/** The replica's `AlgorithmId` names. */
export type AlgorithmId = 'Unspecified' | 'Ed25519' | 'EcdsaP256' | 'EcdsaSecp256k1' | 'RsaSha256' | 'IcCanisterSignature';

export const malformedPublicKey = (algorithm: AlgorithmId, key: Uint8Array, why: string): string =>
  `Malformed ${algorithm} public key: ${hex(key)}, error: ${why}`;
export const malformedSignature = (algorithm: AlgorithmId, sig: Uint8Array, why: string): string =>
  `Malformed ${algorithm} signature: [${hex(sig)}] error: '${why}'`;
export const signatureVerification = (algorithm: AlgorithmId, key: Uint8Array, sig: Uint8Array, why: string): string =>
  `${algorithm} signature could not be verified: public key ${hex(key)}, signature ${hex(sig)}, error: ${why}`;
export const algorithmNotSupported = (algorithm: AlgorithmId, why: string): string => `Algorithm ${algorithm} not supported: ${why}`;
