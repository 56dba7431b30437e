// secp256k1 for threshold ECDSA and BIP-340/341 Schnorr, as the IC derives
// and signs (`packages/ic-secp256k1`):
//
// - Derivation (`DerivationPath::derive_offset`, SLIP-10 with arbitrary byte
//   strings as indices; BIP-32 for 4-byte indices below 2^31): for each index,
//   `I = HMAC-SHA512(chain code, SEC1-compressed point ‖ index)`; the offset is
//   `I[0..32]` as a big-endian integer (if ≥ n, retry with input
//   `0x01 ‖ I[32..64]`), the next chain code `I[32..64]`, the next point
//   `point + offset·G` (if it is the identity, retry with input
//   `0x01 ‖ next chain code`). The derived secret is the master secret plus
//   the sum of the offsets. The IC's root chain code is 32 zero bytes.
// - A master secret from a seed (`PrivateKey::generate_from_seed`):
//   SHA-256(seed) mod n.
// - ECDSA (`sign_digest_with_ecdsa`): RFC 6979 nonces over the 32-byte
//   digest, low-S, 64 bytes r ‖ s.
// - BIP-340 with BIP-341 (`derive_bip341`): the secret is tweaked by
//   `t = taggedHash("TapTweak", x(P) ‖ merkle root)` (the root is 0 or 32
//   bytes), negated first if P has an odd y.
import { secp256k1, schnorr } from '@noble/curves/secp256k1.js';
import { bytesToNumberBE, concatBytes, numberToBytesBE } from '@noble/curves/utils.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { domainSeparated } from '../../crypto/index.ts';

const Point = secp256k1.Point;
type Point = InstanceType<typeof Point>;
/** The group order n. */
export const SECP256K1_ORDER: bigint = Point.Fn.ORDER;

/** A derived public key and its chain code, as `*_public_key` answers them. */
export interface DerivedKey {
  /** SEC1 compressed, 33 bytes. */
  readonly publicKey: Uint8Array;
  readonly chainCode: Uint8Array;
}

/** The IC's root chain code: 32 zero bytes. */
export const ZERO_CHAIN_CODE: Uint8Array = new Uint8Array(32);

/** `PrivateKey::generate_from_seed`: SHA-256 of the seed, reduced mod n. */
export function secp256k1SecretFromSeed(seed: Uint8Array): bigint {
  const s = bytesToNumberBE(sha256(seed)) % SECP256K1_ORDER;
  if (s === 0n) throw new RangeError('seed hashes to the zero scalar');
  return s;
}

function ckd(index: Uint8Array, input: Uint8Array, chainCode: Uint8Array): { readonly chainCode: Uint8Array; readonly offset: bigint } {
  for (;;) {
    const out = hmac(sha512, chainCode, concatBytes(input, index));
    const offset = bytesToNumberBE(out.subarray(0, 32));
    const next = out.slice(32);
    if (offset < SECP256K1_ORDER) return { chainCode: next, offset };
    input = concatBytes(Uint8Array.of(1), next);
  }
}

/** `derive_offset`: the derived point, the sum of the offsets (mod n) and the last chain code. */
export function deriveOffset(master: Point, chainCode: Uint8Array, path: readonly Uint8Array[]): { readonly point: Point; readonly offset: bigint; readonly chainCode: Uint8Array } {
  let point = master;
  let offset = 0n;
  let cc = chainCode;
  for (const index of path) {
    let input = point.toBytes(true);
    for (;;) {
      const step = ckd(index, input, cc);
      const next = point.add(Point.BASE.multiplyUnsafe(step.offset));
      if (!next.equals(Point.ZERO)) {
        point = next;
        offset = (offset + step.offset) % SECP256K1_ORDER;
        cc = step.chainCode;
        break;
      }
      input = concatBytes(Uint8Array.of(1), step.chainCode);
    }
  }
  return { point, offset, chainCode: cc };
}

/** The public key of a secret scalar. */
export function secp256k1PublicKey(secret: bigint): Point {
  return Point.BASE.multiply(secret);
}

/** The public key and chain code derived from `masterPublic` along `path` (`derive_subkey_with_chain_code`). */
export function deriveSecp256k1PublicKey(masterPublic: Point, path: readonly Uint8Array[], chainCode: Uint8Array = ZERO_CHAIN_CODE): DerivedKey {
  const d = deriveOffset(masterPublic, chainCode, path);
  return { publicKey: d.point.toBytes(true), chainCode: d.chainCode };
}

/** The secret derived from `masterSecret` along `path`. */
export function deriveSecp256k1Secret(masterSecret: bigint, path: readonly Uint8Array[], chainCode: Uint8Array = ZERO_CHAIN_CODE): bigint {
  const d = deriveOffset(secp256k1PublicKey(masterSecret), chainCode, path);
  const s = (masterSecret + d.offset) % SECP256K1_ORDER;
  if (s === 0n) throw new RangeError('derivation produced the zero scalar');
  return s;
}

const scalarBytes = (s: bigint): Uint8Array => numberToBytesBE(s, 32);

/** ECDSA over a 32-byte digest: RFC 6979 nonce, low-S, `r ‖ s` (64 bytes). */
export function signEcdsaDigest(secret: bigint, digest: Uint8Array): Uint8Array {
  return secp256k1.sign(digest, scalarBytes(secret), { prehash: false, lowS: true, format: 'compact' });
}

/** `int(taggedHash("TapTweak", x ‖ root))`; `undefined` if it is not below n (BIP-341 then fails). */
export function bip341Tweak(xOnly: Uint8Array, merkleRoot: Uint8Array): bigint | undefined {
  const t = bytesToNumberBE(schnorr.utils.taggedHash('TapTweak', xOnly, merkleRoot));
  return t < SECP256K1_ORDER ? t : undefined;
}

/**
 * The BIP-341 tweaked secret of `secret` for `merkleRoot` (0 or 32 bytes),
 * or `undefined` if the tweak is out of range or the sum is zero.
 */
export function bip341TweakSecret(secret: bigint, merkleRoot: Uint8Array): bigint | undefined {
  const pk = secp256k1PublicKey(secret).toBytes(true);
  const t = bip341Tweak(pk.subarray(1), merkleRoot);
  if (t === undefined) return undefined;
  const d = pk[0] === 0x02 ? secret : SECP256K1_ORDER - secret;
  const z = (d + t) % SECP256K1_ORDER;
  return z === 0n ? undefined : z;
}

/** The BIP-341 tweaked x-only public key of a (SEC1) public key, for verifiers. */
export function bip341TweakPublicKey(publicKey: Uint8Array, merkleRoot: Uint8Array): Uint8Array | undefined {
  const p = Point.fromBytes(publicKey);
  const sec1 = p.toBytes(true);
  const t = bip341Tweak(sec1.subarray(1), merkleRoot);
  if (t === undefined) return undefined;
  const even = sec1[0] === 0x02 ? p : p.negate();
  return even.add(Point.BASE.multiply(t)).toBytes(true).subarray(1);
}

/**
 * BIP-340 over an arbitrary-length message. The auxiliary randomness is
 * derived from the key and the message (deterministic; BIP-340 needs it
 * only against side channels).
 */
export function signBip340(secret: bigint, message: Uint8Array): Uint8Array {
  const sk = scalarBytes(secret);
  const aux = domainSeparated('ic-exec-bip340-aux', sk, message);
  return schnorr.sign(message, sk, aux);
}
