/**
 * Validation of a decoded request, in the replica's order
 * (`HttpRequestVerifier` impls in `rs/validator/src/ingress_validation.rs`):
 *
 *     read_state   paths ≤ 1,000, each ≤ 127 labels
 *     expiry       in [now, now + 5 min + 30 s] — for query and read_state
 *                  only if the sender is not anonymous (the spec lets the IC
 *                  accept any expiry there; the replica skips the check)
 *     nonce        ≤ 32 bytes
 *     sender       anonymous: no key, no signature, may act on all canisters;
 *                  otherwise SHA-224(sender_pubkey) ‖ 0x02, then
 *     delegations  ≤ 20, none expired (expiration < now), no key twice
 *                  (sender_pubkey included), ≤ 1,000 targets each; each signed
 *                  by the previous key over ds("ic-request-auth-delegation") ‖
 *                  hash_of_map(delegation); targets intersected
 *     signature    by the last key over ds("ic-request") ‖ request_id
 *     sender_info  (call, query) a canister signature of ds("ic-sender-info") ‖ info
 *                  under sender_pubkey, whose canister is `signer`
 *     targets      (call, query) canister_id among the delegation targets
 *
 * Every failure is a 400 with the error's `Display` (see errors.ts). The
 * result is the set of canisters the sender may act on, which read_state
 * needs for `request_status` paths.
 */
import { domainSeparator, concatBytes } from '../../crypto/index.ts';
import { IngressFilter } from '../../ingress/index.ts';
import { CanisterId, MAX_PRINCIPAL_BYTES, compareIds } from '../../types/index.ts';
import type { PrincipalId } from '../../types/index.ts';
import { verifyCanisterSignature } from './canister-sig.ts';
import type { Authentication, DecodedEnvelope, RequestContent, SignedDelegation } from './envelope.ts';
import { delegationHash } from './envelope.ts';
import type { HttpResult } from './errors.ts';
import {
  ANONYMOUS_SIGNATURE_NOT_ALLOWED, MAXIMUM_NUMBER_OF_BYTES_IN_NONCE, MAXIMUM_NUMBER_OF_DELEGATIONS, MAXIMUM_NUMBER_OF_LABELS_PER_PATH,
  MAXIMUM_NUMBER_OF_PATHS, MAXIMUM_NUMBER_OF_TARGETS_PER_DELEGATION, badRequest, canisterNotInDelegationTargets, delegationContainsCycles,
  delegationTargetError, delegationTooLong, hex, invalidDelegation, invalidDelegationExpiry, invalidSenderInfo, invalidSignature,
  missingSignature, nonceTooBig, pathTooLong, tooManyPaths, tooManyTargets, userIdDoesNotMatchPublicKey,
} from './errors.ts';
import { parsePublicKey, selfAuthenticatingPrincipal } from './public-key.ts';
import { verifyUserSignature } from './signature.ts';

/** The canisters a request may act on: all, or those every delegation names. */
export type DelegationTargets =
  | { readonly all: true }
  | { readonly all: false; readonly ids: readonly CanisterId[] };

export const ALL_TARGETS: DelegationTargets = Object.freeze({ all: true });

/** Whether `targets` admits `canister`. */
export function targetsContain(targets: DelegationTargets, canister: PrincipalId): boolean {
  return targets.all || targets.ids.some((id) => compareIds(id, canister) === 0);
}

const REQUEST_DOMAIN = domainSeparator('ic-request');
const DELEGATION_DOMAIN = domainSeparator('ic-request-auth-delegation');
const SENDER_INFO_DOMAIN = domainSeparator('ic-sender-info');

const ok = <T>(value: T): HttpResult<T> => ({ ok: true, value });

function intersect(a: DelegationTargets, b: DelegationTargets): DelegationTargets {
  if (a.all) return b;
  if (b.all) return a;
  return { all: false, ids: a.ids.filter((id) => targetsContain(b, id)) };
}

/** The targets of one delegation, or the replica's target error. */
function targetsOf(sd: SignedDelegation): DelegationTargets | string {
  const raw = sd.delegation.targets;
  if (raw === undefined) return ALL_TARGETS;
  const ids: CanisterId[] = [];
  for (const t of raw) {
    if (t.length > MAX_PRINCIPAL_BYTES) {
      return delegationTargetError(`Error parsing canister ID: the principal has ${t.length} bytes, at most ${MAX_PRINCIPAL_BYTES} are allowed`);
    }
    const id = CanisterId.fromUint8Array(t);
    if (!targetsContain({ all: false, ids }, id)) ids.push(id);
  }
  return { all: false, ids };
}

/** The delegation chain and the final signature (`validate_signature`). */
function validateSignature(
  auth: Extract<Authentication, { kind: 'signed' }>, requestId: Uint8Array, now: bigint, rootKey: Uint8Array,
): HttpResult<DelegationTargets> {
  const chain = auth.senderDelegation ?? [];
  if (chain.length > MAXIMUM_NUMBER_OF_DELEGATIONS) return badRequest(invalidDelegation(delegationTooLong(chain.length)));
  for (const sd of chain) {
    if (sd.delegation.expiration < now) return badRequest(invalidDelegationExpiry(sd.delegation.expiration, now));
  }
  const seen = new Set([hex(auth.senderPubkey)]);
  for (const sd of chain) {
    const key = hex(sd.delegation.pubkey);
    if (seen.has(key)) return badRequest(invalidDelegation(delegationContainsCycles(sd.delegation.pubkey)));
    seen.add(key);
  }
  for (const sd of chain) {
    const n = sd.delegation.targets?.length ?? 0;
    if (n > MAXIMUM_NUMBER_OF_TARGETS_PER_DELEGATION) return badRequest(invalidDelegation(tooManyTargets(n)));
  }
  let key = auth.senderPubkey;
  let targets = ALL_TARGETS;
  for (const sd of chain) {
    const message = concatBytes(DELEGATION_DOMAIN, delegationHash(sd.delegation));
    const error = verifyUserSignature(key, sd.signature, message, rootKey, 'delegation');
    if (error !== undefined) return badRequest(invalidDelegation(error));
    const t = targetsOf(sd);
    if (typeof t === 'string') return badRequest(invalidDelegation(t));
    targets = intersect(targets, t);
    key = sd.delegation.pubkey;
  }
  const error = verifyUserSignature(key, auth.senderSig, concatBytes(REQUEST_DOMAIN, requestId), rootKey, 'request');
  return error === undefined ? ok(targets) : badRequest(invalidSignature(error));
}

/** `sender_info`: a canister signature under `sender_pubkey` by the canister `signer`. */
function validateSenderInfo(content: RequestContent, auth: Authentication, rootKey: Uint8Array): string | undefined {
  if (content.requestType === 'read_state' || content.senderInfo === undefined) return undefined;
  if (auth.kind !== 'signed') return invalidSenderInfo('sender_info requires an authenticated request with sender_pubkey');
  const parsed = parsePublicKey(auth.senderPubkey);
  if (!parsed.ok || parsed.key.kind !== 'IcCanisterSignature') return invalidSenderInfo('sender_pubkey is not a canister signature public key');
  const { signer, info, sig } = content.senderInfo;
  if (Buffer.compare(parsed.key.signingCanister.bytesView(), signer) !== 0) {
    return invalidSenderInfo(`signer ${hex(signer)} does not match canister ID ${parsed.key.signingCanister.toText()} in sender_pubkey`);
  }
  const error = verifyCanisterSignature(parsed.key, sig, concatBytes(SENDER_INFO_DOMAIN, info), rootKey);
  return error === undefined ? undefined : invalidSenderInfo(`signature verification failed: ${error}`);
}

/**
 * Validates a decoded request at `now` (nanoseconds) against the replica's
 * 96-byte BLS `rootKey` (see the module header).
 * @returns the canisters the request may act on, or the 400 to answer.
 */
export function validateRequest(request: DecodedEnvelope, now: bigint, rootKey: Uint8Array): HttpResult<DelegationTargets> {
  const { content, authentication: auth } = request;
  if (content.requestType === 'read_state') {
    if (content.paths.length > MAXIMUM_NUMBER_OF_PATHS) return badRequest(tooManyPaths(content.paths.length));
    const deep = content.paths.find((p) => p.length > MAXIMUM_NUMBER_OF_LABELS_PER_PATH);
    if (deep !== undefined) return badRequest(pathTooLong(deep.length));
  }
  if (content.requestType === 'call' || !content.sender.isAnonymous()) {
    const expiry = IngressFilter.checkExpiry(content.ingressExpiry, now);
    if (!expiry.ok) return badRequest(expiry.kind === 'invalidExpiry' ? expiry.message : 'Invalid request expiry');
  }
  if (content.nonce !== undefined && content.nonce.length > MAXIMUM_NUMBER_OF_BYTES_IN_NONCE) return badRequest(nonceTooBig(content.nonce.length));

  let targets: DelegationTargets;
  if (auth.kind === 'anonymous') {
    if (!content.sender.isAnonymous()) return badRequest(missingSignature(content.sender));
    targets = ALL_TARGETS;
  } else {
    if (content.sender.isAnonymous()) return badRequest(ANONYMOUS_SIGNATURE_NOT_ALLOWED);
    if (!selfAuthenticatingPrincipal(auth.senderPubkey).equals(content.sender)) {
      return badRequest(userIdDoesNotMatchPublicKey(content.sender, auth.senderPubkey));
    }
    const validated = validateSignature(auth, request.requestId, now, rootKey);
    if (!validated.ok) return validated;
    targets = validated.value;
  }
  const senderInfoError = validateSenderInfo(content, auth, rootKey);
  if (senderInfoError !== undefined) return badRequest(senderInfoError);
  if (content.requestType !== 'read_state' && !targetsContain(targets, content.canisterId)) {
    return badRequest(canisterNotInDelegationTargets(content.canisterId));
  }
  return ok(targets);
}
