/**
 * The entry point of request authentication: envelope bytes in, an
 * authenticated request or the HTTP error to answer out — the part of the
 * replica's `call`/`query`/`read_state` handlers before the ingress filter,
 * execution or the certified state are consulted:
 *
 *     1. decode the envelope strictly                        400 (envelope.ts)
 *     2. call, query: canister_id is the effective canister
 *        id of the URL, unless it is aaaaa-aa                400
 *     3. call: the envelope is at most 2 MiB                 413
 *     4. expiry, nonce, sender, delegations, signature,
 *        sender_info, targets                                400 (validate.ts)
 *
 * Pure: the time is a parameter, the answer depends only on the arguments.
 */
import { MAX_INGRESS_BYTES_PER_MESSAGE } from '../../config/index.ts';
import { BLS_PUBLIC_KEY_DER_BYTES, publicKeyFromDer } from '../../crypto/index.ts';
import type { PrincipalId } from '../../types/index.ts';
import type { Authentication, RequestContent, RequestType } from './envelope.ts';
import { decodeEnvelope } from './envelope.ts';
import type { HttpResult } from './errors.ts';
import { badRequest, hex } from './errors.ts';
import type { DelegationTargets } from './validate.ts';
import { validateRequest } from './validate.ts';

/** What {@link authenticate} needs besides the bytes. */
export interface AuthenticateOptions {
  /** The endpoint's request type. */
  readonly requestType: RequestType;
  /**
   * The effective canister id of the URL (`/api/vN/canister/<ecid>/…`);
   * omit for subnet endpoints (`/api/vN/subnet/<esid>/…`).
   */
  readonly effectiveCanisterId?: PrincipalId;
  /** The replica's time, nanoseconds since the epoch. */
  readonly now: bigint;
  /**
   * The replica's root key, for canister signatures: 96 bytes (compressed
   * BLS12-381 G2, `BlsKeyPair.publicKey`) or its 133-byte DER (`root_key` of `/api/v2/status`).
   */
  readonly rootKey: Uint8Array;
  /** The largest call envelope accepted, bytes (default: the subnet's 2 MiB). */
  readonly maxIngressBytes?: bigint;
}

/** A request whose envelope decoded and whose sender is authenticated. */
export interface AuthenticatedRequest {
  /** The representation-independent hash of the content (the message id of a call). */
  readonly requestId: Uint8Array;
  readonly content: RequestContent;
  readonly sender: PrincipalId;
  readonly authentication: Authentication;
  /** The canisters the sender may act on (delegation targets), for read_state's `request_status`. */
  readonly targets: DelegationTargets;
  /** Size of the envelope, bytes (the ingress induction fee is charged on it). */
  readonly envelopeBytes: number;
}

/** The 96-byte key of a raw or DER root key (a malformed one is passed on and verifies nothing). */
function rawRootKey(key: Uint8Array): Uint8Array {
  if (key.length !== BLS_PUBLIC_KEY_DER_BYTES) return key;
  try {
    return publicKeyFromDer(key);
  } catch {
    return key;
  }
}

/**
 * Decodes and authenticates `envelopeBytes` (see the module header).
 * @example
 * const r = authenticate(body, { requestType: 'call', effectiveCanisterId, now, rootKey: key.publicKey });
 * if (!r.ok) reply(r.error.status, r.error.message);
 */
export function authenticate(envelopeBytes: Uint8Array, opts: AuthenticateOptions): HttpResult<AuthenticatedRequest> {
  const decoded = decodeEnvelope(envelopeBytes, opts.requestType);
  if (!decoded.ok) return decoded;
  const { content, requestId, authentication } = decoded.value;
  const ecid = opts.effectiveCanisterId;
  if (content.requestType !== 'read_state' && ecid !== undefined
      && !content.canisterId.isManagementCanister() && !content.canisterId.equals(ecid)) {
    return badRequest(`Specified CanisterId ${content.canisterId.toText()} does not match effective canister id in URL ${ecid.toText()}`);
  }
  const max = opts.maxIngressBytes ?? MAX_INGRESS_BYTES_PER_MESSAGE;
  if (content.requestType === 'call' && BigInt(envelopeBytes.length) > max) {
    return {
      ok: false,
      error: {
        status: 413,
        message: `Request ${hex(requestId)} is too large. Message byte size ${envelopeBytes.length} is larger than the max allowed ${max}.`,
      },
    };
  }
  const validated = validateRequest(decoded.value, opts.now, rawRootKey(opts.rootKey));
  if (!validated.ok) return validated;
  return {
    ok: true,
    value: { requestId, content, sender: content.sender, authentication, targets: validated.value, envelopeBytes: envelopeBytes.length },
  };
}
