// Helpers for the auth tests: deterministic keys of every scheme, envelopes
// built and signed by hand (the clients' shapes, but any field can be
// wrong), and a fixed clock.
import { encode, encodeWithSelfDescribedTag } from '@dfinity/cbor';
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { BlsKeyPair, concatBytes, domainSeparator, sha256 } from '../../crypto/index.ts';
import { representationIndependentHash } from '../../messaging/index.ts';
import { CanisterId } from '../../types/index.ts';
import type { Delegation } from './envelope.ts';
import { delegationHash } from './envelope.ts';
import { selfAuthenticatingPrincipal } from './public-key.ts';

/** 2023-11-14 22:13:20 UTC, nanoseconds. */
export const NOW = 1_700_000_000_000_000_000n;
export const MINUTE = 60_000_000_000n;
export const CANISTER = CanisterId.fromU64(1n);
export const OTHER_CANISTER = CanisterId.fromU64(2n);
export const ROOT = BlsKeyPair.fromSeed(new Uint8Array(32).fill(7));
export const ROOT_KEY = ROOT.publicKey;

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));
const ED25519_PREFIX = hex('302a300506032b6570032100');
const P256_PREFIX = hex('3059301306072a8648ce3d020106082a8648ce3d030107034200');
const SECP256K1_PREFIX = hex('3056301006072a8648ce3d020106052b8104000a034200');

/** A key that signs raw messages (domain separator included) and knows its DER public key. */
export interface TestKey {
  readonly der: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

const seeded = (seed: number): Uint8Array => sha256(Uint8Array.of(seed));

export function ed25519Key(seed: number): TestKey {
  const sk = seeded(seed);
  return { der: concatBytes(ED25519_PREFIX, ed25519.getPublicKey(sk)), sign: (m) => ed25519.sign(m, sk) };
}

export function ecdsaKey(curve: 'p256' | 'secp256k1', seed: number): TestKey {
  const c = curve === 'p256' ? p256 : secp256k1;
  const sk = seeded(seed);
  return {
    der: concatBytes(curve === 'p256' ? P256_PREFIX : SECP256K1_PREFIX, c.getPublicKey(sk, false)),
    sign: (m) => c.sign(m, sk, { prehash: true, lowS: false }),
  };
}

type ContentField = Uint8Array | string | bigint | readonly Uint8Array[] | readonly (readonly Uint8Array[])[] | Readonly<Record<string, Uint8Array>>;
export type Content = Record<string, ContentField | undefined>;

/** A call's content from `key` (anonymous without one) to {@link CANISTER}, expiring in 4 minutes. */
export function callContent(key?: TestKey, extra: Content = {}): Content {
  return {
    request_type: 'call',
    canister_id: CANISTER.toUint8Array(),
    method_name: 'greet',
    arg: Uint8Array.of(0x44, 0x49, 0x44, 0x4c, 0, 0),
    sender: key === undefined ? Uint8Array.of(4) : selfAuthenticatingPrincipal(key.der).toUint8Array(),
    ingress_expiry: NOW + 4n * MINUTE,
    nonce: Uint8Array.of(1, 2, 3, 4),
    ...extra,
  };
}

/** The request id of a content, absent fields dropped. */
export function requestIdOfContent(content: Content): Uint8Array {
  const present = Object.fromEntries(Object.entries(content).filter(([, v]) => v !== undefined));
  return representationIndependentHash(present as Parameters<typeof representationIndependentHash>[0]);
}

export interface SignedDelegationInput { readonly delegation: Delegation; readonly signature: Uint8Array }

/** A delegation from `from` to `to`, expiring at `expiration`, signed by `from`. */
export function delegate(from: TestKey, to: TestKey, expiration = NOW + 60n * MINUTE, targets?: readonly CanisterId[]): SignedDelegationInput {
  const delegation: Delegation = {
    pubkey: to.der,
    expiration,
    ...(targets === undefined ? {} : { targets: targets.map((t) => t.toUint8Array()) }),
  };
  return { delegation, signature: from.sign(concatBytes(domainSeparator('ic-request-auth-delegation'), delegationHash(delegation))) };
}

/** The request signature of `content` by `key`. */
export function signRequest(key: TestKey, content: Content): Uint8Array {
  return key.sign(concatBytes(domainSeparator('ic-request'), requestIdOfContent(content)));
}

/**
 * An envelope: `content`, signed by `signer` (default: the last delegation's
 * target, else the sender key) unless `sig` is given.
 */
export function envelope(content: Content, opts: {
  readonly key?: TestKey; readonly delegations?: readonly SignedDelegationInput[]; readonly signer?: TestKey;
  readonly sig?: Uint8Array; readonly extra?: Record<string, unknown>; readonly tagged?: boolean;
} = {}): Uint8Array {
  const body: Record<string, unknown> = { content };
  if (opts.key !== undefined) {
    body.sender_pubkey = opts.key.der;
    body.sender_sig = opts.sig ?? signRequest(opts.signer ?? opts.key, content);
  }
  if (opts.delegations !== undefined) {
    body.sender_delegation = opts.delegations.map((d) => ({
      delegation: { ...d.delegation, ...(d.delegation.targets === undefined ? {} : { targets: [...d.delegation.targets] }) },
      signature: d.signature,
    }));
  }
  Object.assign(body, opts.extra ?? {});
  const clean: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) if (v !== undefined) clean[k] = v;
  const value = clean as Parameters<typeof encode>[0];
  return opts.tagged === false ? encode(value) : encodeWithSelfDescribedTag(value);
}
