// The subnet's threshold master keys, held locally: one secret per key id,
// computed from a seed on first use and kept (never OS randomness).
//
// Two sources:
// - `ThresholdKeys.pocketIc()`: exactly PocketIC's keys (the state machine's
//   chain keys): secp256k1 keys are `generate_from_seed([42; 32])` derived
//   along the path `[name]` — so an ECDSA key and a BIP-340 key of the same
//   name share their secret, as in PocketIC —, Ed25519 keys likewise on
//   Ed25519, vetKD keys `H(dst, name)`. Its public keys are the ones
//   `ic-pub-key` and `ic-vetkeys` publish as PocketIC's, so canisters and
//   tools that know PocketIC's keys work unchanged.
// - `ThresholdKeys.fromSeed(seed)`: one secret per (scheme, name), from
//   HKDF-SHA256(ikm = seed, info = ds("ic-exec-threshold-key") ‖ scheme ‖ 0 ‖
//   name) — 32 bytes fed to the scheme's seed function.
//
// The keys held are `LOCAL_KEY_NAMES` for every scheme (what PocketIC and
// dfx serve); derivation is the IC's (secp256k1.ts, ed25519.ts, vetkd.ts).
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, domainSeparator } from '../../crypto/index.ts';
import { ed25519ScalarFromSeed, deriveEd25519Secret } from './ed25519.ts';
import { KEY_SCHEMES, LOCAL_KEY_NAMES, keyIdKey } from './key-id.ts';
import type { KeyScheme, MasterKeyId } from './key-id.ts';
import { deriveSecp256k1Secret, secp256k1SecretFromSeed } from './secp256k1.ts';
import { vetKdSecretFromSeed } from './vetkd.ts';

/** A key as the System API's `cost_sign_with_*` sees it (its `ChainKey`). */
export interface ChainKeyInfo {
  readonly kind: 'ecdsa' | 'schnorr' | 'vetkd';
  /** ECDSA and vetKD: 0; Schnorr: 0 = bip340secp256k1, 1 = ed25519. */
  readonly curve: number;
  readonly name: string;
  /** Nodes of the subnet holding the key. */
  readonly subnetSize: bigint;
}

/** The secret of one master key: a scalar of its curve. */
export type MasterSecret = bigint;

/** PocketIC's seed of its secp256k1 and Ed25519 master keys. */
export const POCKET_IC_SEED: Uint8Array = new Uint8Array(32).fill(42);

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const CURVE_OF: Readonly<Record<KeyScheme, 'secp256k1' | 'ed25519' | 'bls12_381'>> = {
  ecdsa_secp256k1: 'secp256k1', schnorr_bip340secp256k1: 'secp256k1', schnorr_ed25519: 'ed25519', vetkd_bls12_381_g2: 'bls12_381',
};

function pocketIcSecret(id: MasterKeyId): MasterSecret {
  const path = [utf8(id.name)];
  switch (CURVE_OF[id.scheme]) {
    case 'secp256k1': return deriveSecp256k1Secret(secp256k1SecretFromSeed(POCKET_IC_SEED), path);
    case 'ed25519': return deriveEd25519Secret(ed25519ScalarFromSeed(POCKET_IC_SEED), path).scalar;
    case 'bls12_381': return vetKdSecretFromSeed(utf8(id.name));
  }
}

function seededSecret(seed: Uint8Array, id: MasterKeyId): MasterSecret {
  const info = concatBytes(domainSeparator('ic-exec-threshold-key'), utf8(id.scheme), Uint8Array.of(0), utf8(id.name));
  const keySeed = hkdf(sha256, seed, undefined, info, 32);
  switch (CURVE_OF[id.scheme]) {
    case 'secp256k1': return secp256k1SecretFromSeed(keySeed);
    case 'ed25519': return ed25519ScalarFromSeed(keySeed);
    case 'bls12_381': return vetKdSecretFromSeed(keySeed);
  }
}

/** The master keys a subnet holds (see the module header). */
export class ThresholdKeys {
  readonly #secretOf: (id: MasterKeyId) => MasterSecret;
  readonly #held: readonly MasterKeyId[];
  readonly #cache = new Map<string, MasterSecret>();

  private constructor(secretOf: (id: MasterKeyId) => MasterSecret, names: readonly string[]) {
    this.#secretOf = secretOf;
    this.#held = Object.freeze(KEY_SCHEMES.flatMap((scheme) => names.map((name) => Object.freeze({ scheme, name }))));
  }

  /** PocketIC's keys (see the module header). */
  static pocketIc(names: readonly string[] = LOCAL_KEY_NAMES): ThresholdKeys {
    return new ThresholdKeys(pocketIcSecret, names);
  }

  /** One key per (scheme, name) from `seed` (see the module header). */
  static fromSeed(seed: Uint8Array, names: readonly string[] = LOCAL_KEY_NAMES): ThresholdKeys {
    const copy = Uint8Array.from(seed);
    return new ThresholdKeys((id) => seededSecret(copy, id), names);
  }

  /** Every key id held, schemes in IC order, names as given. */
  get keyIds(): readonly MasterKeyId[] {
    return this.#held;
  }

  /** Whether the subnet holds `id`. */
  holds(id: MasterKeyId): boolean {
    return this.#held.some((k) => k.scheme === id.scheme && k.name === id.name);
  }

  /** The master secret of a held key, `undefined` for a key not held. */
  secret(id: MasterKeyId): MasterSecret | undefined {
    if (!this.holds(id)) return undefined;
    const key = keyIdKey(id);
    let s = this.#cache.get(key);
    if (s === undefined) {
      s = this.#secretOf(id);
      this.#cache.set(key, s);
    }
    return s;
  }

  /** The keys as the System API's `cost_sign_with_*` sees them, all held by a subnet of `subnetSize` nodes. */
  chainKeys(subnetSize: bigint): readonly ChainKeyInfo[] {
    const kind = (s: KeyScheme): ChainKeyInfo['kind'] => (s === 'ecdsa_secp256k1' ? 'ecdsa' : s === 'vetkd_bls12_381_g2' ? 'vetkd' : 'schnorr');
    const curve = (s: KeyScheme): number => (s === 'schnorr_ed25519' ? 1 : 0);
    return this.#held.map((k) => ({ kind: kind(k.scheme), curve: curve(k.scheme), name: k.name, subnetSize }));
  }
}

/**
 * The keys a replica built from `seed` holds: PocketIC's when no seed is
 * given (the default replica signs like PocketIC and dfx), else one key per
 * (scheme, name) from the UTF-8 seed.
 */
export function thresholdKeysForSeed(seed?: string): ThresholdKeys {
  return seed === undefined ? ThresholdKeys.pocketIc() : ThresholdKeys.fromSeed(utf8(seed));
}
