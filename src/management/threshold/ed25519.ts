// Ed25519 for threshold Schnorr (`schnorr_*` with `ed25519`), as the IC
// derives and signs (`packages/ic-ed25519`):
//
// - Derivation (`DerivationPath::derive_offset`): for each index,
//   `okm = HKDF-SHA512(salt = chain code, ikm = compressed point ‖ index,
//   info = "Ed25519", 96 bytes)`; the offset is `okm[0..64]` as a big-endian
//   integer mod ℓ, the next chain code `okm[64..96]`, the next point
//   `point + offset·B`. Root chain code: 32 zero bytes.
// - A derived secret is a scalar plus a nonce prefix (`DerivedPrivateKey`):
//   scalar = master scalar + Σ offsets, prefix = SHA-512(scalar (32 bytes
//   LE) ‖ chain code)[0..32]; it signs as RFC 8032 does with an expanded key
//   (r = SHA-512(prefix ‖ M), R = r·B, k = SHA-512(R ‖ A ‖ M), S = r + k·a).
// - A master key from a seed (`PrivateKey::generate_from_seed`): the RFC 8032
//   secret key SHA-512(seed)[0..32], whose scalar is the clamped
//   SHA-512(secret key)[0..32].
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToNumberBE, bytesToNumberLE, concatBytes, numberToBytesLE } from '@noble/curves/utils.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { ZERO_CHAIN_CODE } from './secp256k1.ts';
import type { DerivedKey } from './secp256k1.ts';

const Point = ed25519.Point;
type Point = InstanceType<typeof Point>;
/** The group order ℓ. */
export const ED25519_ORDER: bigint = Point.Fn.ORDER;
const INFO = new TextEncoder().encode('Ed25519');

/** A derived Ed25519 secret (`DerivedPrivateKey`): it signs but has no RFC 8032 seed. */
export interface Ed25519Secret {
  readonly scalar: bigint;
  /** The nonce prefix, 32 bytes. */
  readonly prefix: Uint8Array;
}

/** The scalar of `PrivateKey::generate_from_seed(seed)`. */
export function ed25519ScalarFromSeed(seed: Uint8Array): bigint {
  const secretKey = sha512(seed).slice(0, 32);
  return ed25519.utils.getExtendedPublicKey(secretKey).scalar;
}

/** `derive_offset`: the derived point, the sum of the offsets (mod ℓ) and the last chain code. */
export function deriveEd25519Offset(master: Point, chainCode: Uint8Array, path: readonly Uint8Array[]): { readonly point: Point; readonly offset: bigint; readonly chainCode: Uint8Array } {
  let point = master;
  let offset = 0n;
  let cc = chainCode;
  for (const index of path) {
    const okm = hkdf(sha512, concatBytes(point.toBytes(), index), cc, INFO, 96);
    const step = bytesToNumberBE(okm.subarray(0, 64)) % ED25519_ORDER;
    point = point.add(Point.BASE.multiplyUnsafe(step));
    offset = (offset + step) % ED25519_ORDER;
    cc = okm.slice(64);
  }
  return { point, offset, chainCode: cc };
}

/** The public key of a scalar. */
export function ed25519PublicKey(scalar: bigint): Point {
  return Point.BASE.multiply(scalar);
}

/** The public key (32 bytes) and chain code derived from `masterPublic` along `path`. */
export function deriveEd25519PublicKey(masterPublic: Point, path: readonly Uint8Array[], chainCode: Uint8Array = ZERO_CHAIN_CODE): DerivedKey {
  const d = deriveEd25519Offset(masterPublic, chainCode, path);
  return { publicKey: d.point.toBytes(), chainCode: d.chainCode };
}

/** The secret derived from the master scalar along `path` (`derive_subkey_with_chain_code`). */
export function deriveEd25519Secret(masterScalar: bigint, path: readonly Uint8Array[], chainCode: Uint8Array = ZERO_CHAIN_CODE): Ed25519Secret {
  const d = deriveEd25519Offset(ed25519PublicKey(masterScalar), chainCode, path);
  const scalar = (masterScalar + d.offset) % ED25519_ORDER;
  const prefix = sha512(concatBytes(numberToBytesLE(scalar, 32), d.chainCode)).slice(0, 32);
  return { scalar, prefix };
}

const modL = (bytes: Uint8Array): bigint => bytesToNumberLE(bytes) % ED25519_ORDER;

/** RFC 8032 Ed25519 (pure) with an expanded secret: 64 bytes R ‖ S. */
export function signEd25519(secret: Ed25519Secret, message: Uint8Array): Uint8Array {
  const a = ed25519PublicKey(secret.scalar).toBytes();
  const r = modL(sha512(concatBytes(secret.prefix, message)));
  const R = Point.BASE.multiplyUnsafe(r).toBytes();
  const k = modL(sha512(concatBytes(R, a, message)));
  const s = (r + k * secret.scalar) % ED25519_ORDER;
  return concatBytes(R, numberToBytesLE(s, 32));
}
