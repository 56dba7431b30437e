// vetKD over BLS12-381 (`vetkd_*`), as the IC derives and encrypts
// (`rs/crypto/internal/crypto_lib/bls12_381/vetkd`, `ic-vetkeys`):
//
// - hash to scalar (`Scalar::hash(dst, input)`): RFC 9380 hash_to_field
//   into Fr — expand_message_xmd with SHA-256 to 48 bytes, big-endian mod r.
// - Derivation (`DerivationContext::derive_key`), two steps on G2:
//   canister key = mpk + H("ic-vetkd-bls12-381-g2-canister-id",
//   len‖mpk ‖ len‖canister id)·g2; if the context is not empty, derived key =
//   canister key + H("ic-vetkd-bls12-381-g2-context", len‖canister key ‖
//   len‖context)·g2 (lengths u64 big-endian, points compressed). The derived
//   secret is the master secret plus the offsets.
// - The vetKey is the augmented BLS signature on the input: `dsk ·
//   H_G1(dpk ‖ input)` with DST `BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_AUG_`.
// - Encrypted to the transport key tpk ∈ G1 (`EncryptedKeyShare::create`,
//   one share = the key): c1 = r·g1, c2 = r·g2, c3 = r·tpk + vetKey;
//   `c1 ‖ c2 ‖ c3` (48 + 96 + 48 bytes). The holder of tsk recovers
//   vetKey = c3 − tsk·c1. Here r is derived from the inputs (deterministic).
// - A master secret from a seed (PocketIC's `PrivateKey::generate`):
//   H("ic-crypto-vetkd-test-utils-generate-test-key", seed).
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { bytesToNumberBE, concatBytes, numberToBytesBE } from '@noble/curves/utils.js';
import { sha256 } from '../../crypto/index.ts';

const G1 = bls12_381.G1.Point;
const G2 = bls12_381.G2.Point;
type G1Point = InstanceType<typeof G1>;
type G2Point = InstanceType<typeof G2>;
/** The order r of G1, G2 and Fr. */
export const BLS12_381_ORDER: bigint = bls12_381.fields.Fr.ORDER;
/** The DST of the augmented BLS signature scheme on G1. */
export const VETKD_SIGNATURE_DST = 'BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_AUG_';
const CANISTER_DST = 'ic-vetkd-bls12-381-g2-canister-id';
const CONTEXT_DST = 'ic-vetkd-bls12-381-g2-context';
const TEST_KEY_DST = 'ic-crypto-vetkd-test-utils-generate-test-key';
/** Bytes of a transport public key (compressed G1). */
export const TRANSPORT_PUBLIC_KEY_BYTES = 48;

/** RFC 9380 expand_message_xmd with SHA-256 (DST ≤ 255 bytes, at most 255 blocks). */
export function expandMessageXmd(msg: Uint8Array, dst: string, lenInBytes: number): Uint8Array {
  const dstBytes = new TextEncoder().encode(dst);
  const ell = Math.ceil(lenInBytes / 32);
  if (dstBytes.length > 255 || ell > 255) throw new RangeError('expand_message_xmd: DST or output too long');
  const dstPrime = concatBytes(dstBytes, Uint8Array.of(dstBytes.length));
  const b0 = sha256(new Uint8Array(64), msg, numberToBytesBE(lenInBytes, 2), Uint8Array.of(0), dstPrime);
  const blocks: Uint8Array[] = [sha256(b0, Uint8Array.of(1), dstPrime)];
  for (let i = 2; i <= ell; i++) {
    const prev = blocks[i - 2];
    blocks.push(sha256(b0.map((b, j) => b ^ prev[j]), Uint8Array.of(i), dstPrime));
  }
  return concatBytes(...blocks).slice(0, lenInBytes);
}

/** `Scalar::hash(domain_sep, input)`. */
export function hashToScalar(domainSep: string, input: Uint8Array): bigint {
  return bytesToNumberBE(expandMessageXmd(input, domainSep, 48)) % BLS12_381_ORDER;
}

const withLength = (b: Uint8Array): Uint8Array => concatBytes(numberToBytesBE(b.length, 8), b);

function hashTwo(domainSep: string, a: Uint8Array, b: Uint8Array): bigint {
  return hashToScalar(domainSep, concatBytes(withLength(a), withLength(b)));
}

/** PocketIC's vetKD master secret for a seed (its key name there). */
export function vetKdSecretFromSeed(seed: Uint8Array): bigint {
  return hashToScalar(TEST_KEY_DST, seed);
}

const g2Times = (s: bigint): G2Point => G2.BASE.multiplyUnsafe(s);

/** The master public key of a secret. */
export function vetKdMasterPublicKey(secret: bigint): G2Point {
  return g2Times(secret);
}

/** The derived public key of `canisterId` and `context`, and the offset of its secret from the master's. */
export function deriveVetKd(masterPublic: G2Point, canisterId: Uint8Array, context: Uint8Array): { readonly point: G2Point; readonly offset: bigint } {
  let offset = hashTwo(CANISTER_DST, masterPublic.toBytes(true), canisterId);
  let point = masterPublic.add(g2Times(offset));
  if (context.length > 0) {
    const more = hashTwo(CONTEXT_DST, point.toBytes(true), context);
    point = point.add(g2Times(more));
    offset = (offset + more) % BLS12_381_ORDER;
  }
  return { point, offset };
}

/** `vetkd_public_key`'s answer: the derived key, compressed G2 (96 bytes). */
export function vetKdPublicKey(masterPublic: G2Point, canisterId: Uint8Array, context: Uint8Array): Uint8Array {
  return deriveVetKd(masterPublic, canisterId, context).point.toBytes(true);
}

/** `H_G1(dpk ‖ input)`, the point the vetKey signs. */
export function augmentedHashToG1(derivedPublic: G2Point, input: Uint8Array): G1Point {
  return bls12_381.G1.hashToCurve(concatBytes(derivedPublic.toBytes(true), input), { DST: VETKD_SIGNATURE_DST });
}

/** The transport public key, if `bytes` is a compressed G1 point of the prime-order subgroup. */
export function parseTransportPublicKey(bytes: Uint8Array): G1Point | undefined {
  if (bytes.length !== TRANSPORT_PUBLIC_KEY_BYTES) return undefined;
  try {
    const p = G1.fromBytes(bytes);
    p.assertValidity();
    return p;
  } catch {
    return undefined;
  }
}

/** The arguments of one `vetkd_derive_key`. */
export interface VetKdRequest {
  readonly canisterId: Uint8Array;
  readonly context: Uint8Array;
  readonly input: Uint8Array;
  readonly transportPublicKey: G1Point;
}

/** `vetkd_derive_key`'s answer: the vetKey encrypted to the transport key, `c1 ‖ c2 ‖ c3` (192 bytes). */
export function encryptedVetKey(masterSecret: bigint, request: VetKdRequest): Uint8Array {
  const mpk = vetKdMasterPublicKey(masterSecret);
  const { point: dpk, offset } = deriveVetKd(mpk, request.canisterId, request.context);
  const dsk = (masterSecret + offset) % BLS12_381_ORDER;
  const tpk = request.transportPublicKey.toBytes(true);
  const nonceInput = concatBytes(numberToBytesBE(masterSecret, 32), ...[request.canisterId, request.context, request.input, tpk].map(withLength));
  const r = hashToScalar('ic-exec-vetkd-encryption-nonce', nonceInput) || 1n;
  const vetKey = augmentedHashToG1(dpk, request.input).multiplyUnsafe(dsk);
  const c1 = G1.BASE.multiplyUnsafe(r);
  const c2 = g2Times(r);
  const c3 = request.transportPublicKey.multiplyUnsafe(r).add(vetKey);
  return concatBytes(c1.toBytes(true), c2.toBytes(true), c3.toBytes(true));
}
