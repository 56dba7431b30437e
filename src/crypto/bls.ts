// The subnet's BLS12-381 key: a single-key stand-in for the IC's threshold
// key (on the IC the secret is shared among the subnet's nodes by NI-DKG;
// here one replica holds all of it). It signs two things:
// - certificates: the root hash of the certified state tree, as the message
//   `ds("ic-state-root") ‖ root_hash` (`stateRootMessage`), which
//   `@dfinity/agent` verifies against the root key it fetched from
//   `/api/v2/status`;
// - the random tape: the block maker signs each height and hashes the
//   signature into the round's randomness (`src/consensus`).
//
// Scheme — the IC's, so that agent-js accepts our signatures
// (interface spec, "Certification" → BLS; http_interface.md §6.4;
// agent-js 3.4.3 `utils/bls.ts` calls noble's `verifyShortSignature`):
// - BLS12-381 in the "minimal signature size" variant: signatures in G1
//   (48 bytes compressed), public keys in G2 (96 bytes compressed);
// - hash-to-curve on G1 with the ciphersuite DST
//   `BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_` (basic scheme, RFC 9380
//   hashing; draft-irtf-cfrg-bls-signature-05 §4.2.1);
// - the public key on the wire is DER (SubjectPublicKeyInfo), 133 bytes:
//   a fixed 37-byte prefix, then the 96-byte G2 key. The prefix is
//     30 81 82                      SEQUENCE, 130 bytes
//       30 1d                       SEQUENCE (AlgorithmIdentifier), 29 bytes
//         06 0d 2b0601040182dc7c0503010201   OID 1.3.6.1.4.1.44668.5.3.1.2.1 (IC BLS12-381 G2 key)
//         06 0c 2b0601040182dc7c05030201     OID 1.3.6.1.4.1.44668.5.3.2.1 (curve BLS12-381)
//       03 61 00                    BIT STRING, 97 bytes, 0 unused bits
//   agent-js `extractDER` accepts exactly this length and prefix.
//
// Key generation from 32 bytes of input key material is the IETF KeyGen
// (draft-irtf-cfrg-bls-signature-05 §2.3; the same HKDF_mod_r as EIP-2333):
//   salt = "BLS-SIG-KEYGEN-SALT-"; repeat { salt = SHA-256(salt);
//   PRK = HKDF-Extract(salt, IKM ‖ 0x00); OKM = HKDF-Expand(PRK, 0x0030, 48);
//   SK = OS2IP(OKM) mod r } until SK ≠ 0.
// The secret key is the 32-byte big-endian scalar. BLS signing is
// deterministic: one key signs one message one way, on every machine.
//
// The public key is G2's generator times the secret, computed on a copy of
// the generator: noble's `BASE` builds a window table of G2 points on its
// first multiplication (~150 ms of JavaScript, worth it only for many keys),
// a plain point multiplies at once (~20 ms; constant time either way).
//
// Serialization for the store (`BlsKeyPair.serialize`), 145 bytes:
//   0x02 (format version) ‖ secret key (32, big-endian) ‖ public key (96, compressed G2)
//   ‖ check (16) = SHA-256(ds("ic-exec-bls-key-pair") ‖ secret ‖ public)[0..16]
// so a start reads its key without recomputing the public key, and a damaged
// record is detected rather than used (the check). Version 1 (129 bytes, no
// check) is still read: its public key is rederived and compared.
//
// A key derived from a seed (`fromSeed`) can take its public key from a
// `PublicKeyCache` (the CLI keeps one in `.cache/`): the entry is
// `public key (96) ‖ check (16)` under an id hashed from the secret, so the
// cache holds no secret, and an entry that is damaged or belongs to another
// key fails the check and is recomputed (and offered back).
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { expand, extract } from '@noble/hashes/hkdf.js';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { IC_STATE_ROOT_DOMAIN, bytesEqual, concatBytes, sha256, withDomainSeparator } from './hash.ts';

const short = bls12_381.shortSignatures;
const CURVE_ORDER: bigint = bls12_381.fields.Fr.ORDER;
const G2 = bls12_381.G2.Point;
/** G2's generator as a plain point: no window table (see the module header). */
const G2_GENERATOR = G2.fromAffine(G2.BASE.toAffine());

/** The hash-to-curve domain separation tag of the IC's BLS signatures (G1, basic scheme). */
export const BLS_SIGNATURE_DST = 'BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_';
/** Bytes of a secret key (big-endian scalar). */
export const BLS_SECRET_KEY_BYTES = 32;
/** Bytes of a public key (compressed G2 point). */
export const BLS_PUBLIC_KEY_BYTES = 96;
/** Bytes of a signature (compressed G1 point). */
export const BLS_SIGNATURE_BYTES = 48;
/** Minimum bytes of input key material for {@link BlsKeyPair.fromSeed}. */
export const BLS_MIN_SEED_BYTES = 32;
/** The DER prefix of an IC BLS public key (37 bytes). */
export const BLS_PUBLIC_KEY_DER_PREFIX: Uint8Array = Uint8Array.from([
  0x30, 0x81, 0x82,
  0x30, 0x1d,
  0x06, 0x0d, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0xdc, 0x7c, 0x05, 0x03, 0x01, 0x02, 0x01,
  0x06, 0x0c, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0xdc, 0x7c, 0x05, 0x03, 0x02, 0x01,
  0x03, 0x61, 0x00,
]);
/** Bytes of a DER-encoded public key (prefix + key). */
export const BLS_PUBLIC_KEY_DER_BYTES = BLS_PUBLIC_KEY_DER_PREFIX.length + BLS_PUBLIC_KEY_BYTES;
const CHECK_BYTES = 16;
/** Bytes of {@link BlsKeyPair.serialize}'s output. */
export const BLS_KEY_PAIR_SERIALIZED_BYTES = 1 + BLS_SECRET_KEY_BYTES + BLS_PUBLIC_KEY_BYTES + CHECK_BYTES;
const V1_SERIALIZED_BYTES = 1 + BLS_SECRET_KEY_BYTES + BLS_PUBLIC_KEY_BYTES;

const SERIALIZATION_VERSION = 0x02;
const CHECK_DOMAIN = 'ic-exec-bls-key-pair';
const KEYGEN_SALT = new TextEncoder().encode('BLS-SIG-KEYGEN-SALT-');
const KEYGEN_OKM_BYTES = 48; // L = ceil(3 · ceil(log2 r) / 16)

function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

function bigintFromBytesBE(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt('0x' + toHex(bytes));
}

function bigintToBytesBE(n: bigint, length: number): Uint8Array {
  const hex = n.toString(16).padStart(length * 2, '0');
  if (hex.length > length * 2) throw new RangeError(`${n} does not fit in ${length} bytes`);
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

/** The IETF KeyGen (HKDF_mod_r) with empty key_info: a secret scalar in [1, r−1]. */
function keyGen(ikm: Uint8Array): bigint {
  let salt: Uint8Array = KEYGEN_SALT;
  for (;;) {
    salt = sha256(salt);
    const prk = extract(nobleSha256, concatBytes(ikm, Uint8Array.of(0)), salt);
    const okm = expand(nobleSha256, prk, Uint8Array.of(0, KEYGEN_OKM_BYTES), KEYGEN_OKM_BYTES);
    const sk = bigintFromBytesBE(okm) % CURVE_ORDER;
    if (sk !== 0n) return sk;
  }
}

/**
 * Public keys kept between processes (see the module header). The core only
 * asks and offers; where the entries live is the caller's (no I/O here).
 */
export interface PublicKeyCache {
  get(id: string): Uint8Array | undefined;
  set(id: string, entry: Uint8Array): void;
}

const CACHE_ID_DOMAIN = 'ic-exec-bls-public-key-id';

function pairCheck(secretKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
  return sha256(withDomainSeparator(CHECK_DOMAIN, secretKey, publicKey)).subarray(0, CHECK_BYTES);
}

function checkLength(what: string, bytes: Uint8Array, expected: number): void {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`${what} must be a Uint8Array`);
  if (bytes.length !== expected) throw new RangeError(`${what} must be ${expected} bytes, got ${bytes.length}`);
}

/**
 * The subnet's BLS12-381 key pair: signs messages with the IC's certificate
 * scheme. Immutable; the secret key leaves it only through {@link serialize}.
 * @example
 * const key = BlsKeyPair.fromSeed(new SystemEntropy().bytes(32));
 * const sig = key.sign(stateRootMessage(rootHash));
 * blsVerify(key.publicKey, sig, stateRootMessage(rootHash)) // true
 */
export class BlsKeyPair {
  readonly #secretKey: Uint8Array;
  readonly #publicKey: Uint8Array;

  private constructor(secretKey: Uint8Array, publicKey: Uint8Array) {
    this.#secretKey = secretKey;
    this.#publicKey = publicKey;
  }

  /**
   * Derives a key pair from input key material (IETF KeyGen). The same seed
   * always gives the same key.
   * @param seed at least 32 bytes of entropy (e.g. `SystemEntropy.bytes(32)`).
   * @param cache where the public key may already be (see the module header).
   * @throws {RangeError} if `seed` is shorter than 32 bytes.
   */
  static fromSeed(seed: Uint8Array, cache?: PublicKeyCache): BlsKeyPair {
    if (!(seed instanceof Uint8Array)) throw new TypeError('BLS seed must be a Uint8Array');
    if (seed.length < BLS_MIN_SEED_BYTES) {
      throw new RangeError(`BLS seed must be at least ${BLS_MIN_SEED_BYTES} bytes, got ${seed.length}`);
    }
    const secretKey = bigintToBytesBE(keyGen(seed), BLS_SECRET_KEY_BYTES);
    if (cache === undefined) return BlsKeyPair.fromSecretKey(secretKey);
    const id = toHex(sha256(withDomainSeparator(CACHE_ID_DOMAIN, secretKey)));
    const entry = cache.get(id);
    if (entry instanceof Uint8Array && entry.length === BLS_PUBLIC_KEY_BYTES + CHECK_BYTES) {
      const publicKey = entry.subarray(0, BLS_PUBLIC_KEY_BYTES);
      if (bytesEqual(pairCheck(secretKey, publicKey), entry.subarray(BLS_PUBLIC_KEY_BYTES))) return new BlsKeyPair(secretKey, Uint8Array.from(publicKey));
    }
    const pair = BlsKeyPair.fromSecretKey(secretKey);
    cache.set(id, concatBytes(pair.#publicKey, pairCheck(secretKey, pair.#publicKey)));
    return pair;
  }

  /**
   * The key pair of a secret key.
   * @param secretKey 32-byte big-endian scalar in [1, r−1].
   * @throws {RangeError} if the length is wrong or the scalar is 0 or ≥ r.
   */
  static fromSecretKey(secretKey: Uint8Array): BlsKeyPair {
    const scalar = secretScalar(secretKey);
    return new BlsKeyPair(Uint8Array.from(secretKey), G2_GENERATOR.multiply(scalar).toBytes(true));
  }

  /**
   * Reads the output of {@link serialize} (version 2: the stored public key
   * is taken as it is once the check matches; version 1: rederived and compared).
   * @throws {RangeError} on a wrong length or version, an invalid secret key,
   *   a check that does not match, or (version 1) a stored public key that
   *   does not belong to the secret key.
   */
  static deserialize(bytes: Uint8Array): BlsKeyPair {
    if (!(bytes instanceof Uint8Array)) throw new TypeError('serialized BLS key pair must be a Uint8Array');
    const version = bytes[0];
    if (version !== SERIALIZATION_VERSION && version !== 0x01) {
      throw new RangeError(`serialized BLS key pair: unknown format version ${bytes[0]}`);
    }
    checkLength('serialized BLS key pair', bytes, version === 0x01 ? V1_SERIALIZED_BYTES : BLS_KEY_PAIR_SERIALIZED_BYTES);
    const secretKey = bytes.subarray(1, 1 + BLS_SECRET_KEY_BYTES);
    const publicKey = bytes.subarray(1 + BLS_SECRET_KEY_BYTES, V1_SERIALIZED_BYTES);
    if (version === 0x01) {
      const pair = BlsKeyPair.fromSecretKey(secretKey);
      if (!bytesEqual(pair.#publicKey, publicKey)) {
        throw new RangeError('serialized BLS key pair: the public key does not match the secret key');
      }
      return pair;
    }
    if (!bytesEqual(pairCheck(secretKey, publicKey), bytes.subarray(V1_SERIALIZED_BYTES))) {
      throw new RangeError('serialized BLS key pair: the check does not match (damaged record)');
    }
    secretScalar(secretKey);
    return new BlsKeyPair(Uint8Array.from(secretKey), Uint8Array.from(publicKey));
  }

  /** The public key, 96 bytes (compressed G2). A copy. */
  get publicKey(): Uint8Array {
    return Uint8Array.from(this.#publicKey);
  }

  /** The public key as DER, 133 bytes: the IC root key format (`/api/v2/status` `root_key`). */
  get publicKeyDer(): Uint8Array {
    return publicKeyToDer(this.#publicKey);
  }

  /**
   * Signs `message` (hashed to G1 with {@link BLS_SIGNATURE_DST}).
   * @returns the 48-byte compressed G1 signature; deterministic.
   */
  sign(message: Uint8Array): Uint8Array {
    return short.sign(short.hash(message, BLS_SIGNATURE_DST), this.#secretKey).toBytes(true);
  }

  /** `0x02 ‖ secret key (32) ‖ public key (96) ‖ check (16)`: the record the store keeps. Contains the secret. */
  serialize(): Uint8Array {
    return concatBytes(Uint8Array.of(SERIALIZATION_VERSION), this.#secretKey, this.#publicKey, pairCheck(this.#secretKey, this.#publicKey));
  }
}

/** The scalar of a 32-byte secret key. @throws {RangeError} if the length is wrong or the scalar is 0 or ≥ r. */
function secretScalar(secretKey: Uint8Array): bigint {
  checkLength('BLS secret key', secretKey, BLS_SECRET_KEY_BYTES);
  const scalar = bigintFromBytesBE(secretKey);
  if (scalar === 0n || scalar >= CURVE_ORDER) throw new RangeError('BLS secret key is not a scalar in [1, r-1]');
  return scalar;
}

/**
 * Verifies a signature of the IC's scheme. Malformed keys or signatures
 * (wrong length, not on the curve, not in the subgroup, infinity) give `false`.
 * @param publicKey 96-byte compressed G2 key (not DER; see {@link publicKeyFromDer}).
 * @param signature 48-byte compressed G1 signature.
 */
export function blsVerify(publicKey: Uint8Array, signature: Uint8Array, message: Uint8Array): boolean {
  if (publicKey.length !== BLS_PUBLIC_KEY_BYTES || signature.length !== BLS_SIGNATURE_BYTES) return false;
  try {
    return short.verify(signature, short.hash(message, BLS_SIGNATURE_DST), publicKey);
  } catch {
    return false;
  }
}

/**
 * DER-encodes a 96-byte public key (prefix ‖ key, 133 bytes).
 * @throws {RangeError} if the key is not 96 bytes.
 */
export function publicKeyToDer(publicKey: Uint8Array): Uint8Array {
  checkLength('BLS public key', publicKey, BLS_PUBLIC_KEY_BYTES);
  return concatBytes(BLS_PUBLIC_KEY_DER_PREFIX, publicKey);
}

/**
 * The 96-byte key inside a DER-encoded IC BLS public key. Like agent-js, it
 * accepts only the exact length and prefix; it does not check the point.
 * @throws {RangeError} on another length or prefix.
 */
export function publicKeyFromDer(der: Uint8Array): Uint8Array {
  checkLength('DER BLS public key', der, BLS_PUBLIC_KEY_DER_BYTES);
  if (!bytesEqual(der.subarray(0, BLS_PUBLIC_KEY_DER_PREFIX.length), BLS_PUBLIC_KEY_DER_PREFIX)) {
    throw new RangeError('DER BLS public key: unexpected prefix (not an IC BLS12-381 G2 key)');
  }
  return Uint8Array.from(der.subarray(BLS_PUBLIC_KEY_DER_PREFIX.length));
}

/**
 * The message a certificate's signature covers: `ds("ic-state-root") ‖ root_hash`
 * = `0x0d "ic-state-root" ‖ root_hash`.
 * @throws {RangeError} if `rootHash` is not 32 bytes.
 */
export function stateRootMessage(rootHash: Uint8Array): Uint8Array {
  checkLength('state root hash', rootHash, 32);
  return withDomainSeparator(IC_STATE_ROOT_DOMAIN, rootHash);
}
