/**
 * User public keys as the HTTP interface carries them: DER
 * `SubjectPublicKeyInfo` (interface spec, "Signatures"), told apart by the
 * algorithm OID as the replica's `user_public_key_from_bytes` does
 * (`rs/crypto/standalone-sig-verifier/src/sign_utils.rs`):
 *
 *     Ed25519           1.3.101.112                              32-byte key
 *     ECDSA P-256       1.2.840.10045.2.1 + 1.2.840.10045.3.1.7  SEC1 point
 *     ECDSA secp256k1   1.2.840.10045.2.1 + 1.3.132.0.10         SEC1 point
 *     RSA               1.2.840.113549.1.1.1                     (delegations only)
 *     WebAuthn (COSE)   1.3.6.1.4.1.56387.1.1                    COSE key: ES256 or RS256
 *     canister sig.     1.3.6.1.4.1.56387.1.2                    len(cid) ‖ cid ‖ seed
 *
 * and the self-authenticating principal of a key, `SHA-224(der) ‖ 0x02`.
 */
import { sha224 } from '@noble/hashes/sha2.js';
import { p256 } from '@noble/curves/nist.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { concatBytes } from '../../crypto/index.ts';
import { CanisterId, MAX_PRINCIPAL_BYTES, PrincipalId } from '../../types/index.ts';
import { decodeCbor, isCborMap } from './cbor.ts';
import type { AlgorithmId } from './errors.ts';
import { algorithmNotSupported, malformedPublicKey } from './errors.ts';

/** A parsed user public key; `der` is the key as received. */
export type UserPublicKey =
  | { readonly kind: 'Ed25519'; readonly der: Uint8Array; readonly key: Uint8Array }
  | { readonly kind: 'EcdsaP256' | 'EcdsaSecp256k1'; readonly der: Uint8Array; readonly key: Uint8Array }
  | { readonly kind: 'RsaSha256'; readonly der: Uint8Array }
  | { readonly kind: 'WebAuthnEcdsaP256'; readonly der: Uint8Array; readonly key: Uint8Array }
  | { readonly kind: 'WebAuthnRsaSha256'; readonly der: Uint8Array; readonly n: Uint8Array; readonly e: Uint8Array }
  | { readonly kind: 'IcCanisterSignature'; readonly der: Uint8Array; readonly signingCanister: CanisterId; readonly seed: Uint8Array };

/** The key, or the replica's `CryptoError` text. */
export type PublicKeyResult = { readonly ok: true; readonly key: UserPublicKey } | { readonly ok: false; readonly error: string };

const OID = {
  ed25519: '2b6570',
  ecPublicKey: '2a8648ce3d0201',
  p256: '2a8648ce3d030107',
  secp256k1: '2b8104000a',
  rsa: '2a864886f70d010101',
  cose: '2b0601040183b8430101',
  iccsa: '2b0601040183b8430102',
} as const;

/** DER of the canister-signature algorithm identifier, for building keys. */
const ICCSA_ALGORITHM = Uint8Array.from(Buffer.from('300c060a2b0601040183b8430102', 'hex'));
/** DER of the COSE (WebAuthn) algorithm identifier, for building keys. */
const COSE_ALGORITHM = Uint8Array.from(Buffer.from('300c060a2b0601040183b8430101', 'hex'));

interface Tlv { readonly tag: number; readonly content: Uint8Array; readonly end: number }

/** One DER TLV at `pos` (definite lengths only), or undefined if it overruns. */
function readTlv(b: Uint8Array, pos: number): Tlv | undefined {
  if (pos + 2 > b.length) return undefined;
  const tag = b[pos];
  let length = b[pos + 1];
  let start = pos + 2;
  if (length & 0x80) {
    const n = length & 0x7f;
    if (n === 0 || n > 4 || start + n > b.length) return undefined;
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + b[start + i];
    start += n;
  }
  if (start + length > b.length) return undefined;
  return { tag, content: b.subarray(start, start + length), end: start + length };
}

const hexOf = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

/** `{ algorithm OID, parameter OID?, key bits }` of a SubjectPublicKeyInfo filling `der`. */
function parseSpki(der: Uint8Array): { oid: string; param?: string; key: Uint8Array } | undefined {
  const top = readTlv(der, 0);
  if (top === undefined || top.tag !== 0x30 || top.end !== der.length) return undefined;
  const alg = readTlv(top.content, 0);
  if (alg === undefined || alg.tag !== 0x30) return undefined;
  const bits = readTlv(top.content, alg.end);
  if (bits === undefined || bits.tag !== 0x03 || bits.end !== top.content.length) return undefined;
  if (bits.content.length < 1 || bits.content[0] !== 0) return undefined;
  const oid = readTlv(alg.content, 0);
  if (oid === undefined || oid.tag !== 0x06) return undefined;
  let param: string | undefined;
  if (oid.end < alg.content.length) {
    const p = readTlv(alg.content, oid.end);
    if (p === undefined || p.end !== alg.content.length) return undefined;
    if (p.tag === 0x06) param = hexOf(p.content);
    else if (!(p.tag === 0x05 && p.content.length === 0)) return undefined;
  }
  return { oid: hexOf(oid.content), param, key: bits.content.subarray(1) };
}

const ok = (key: UserPublicKey): PublicKeyResult => ({ ok: true, key });
const fail = (error: string): PublicKeyResult => ({ ok: false, error });
const malformed = (algorithm: AlgorithmId, der: Uint8Array, why: string) => fail(malformedPublicKey(algorithm, der, why));

function ecPoint(curve: typeof p256 | typeof secp256k1, key: Uint8Array): boolean {
  try {
    curve.Point.fromBytes(key).assertValidity();
    return true;
  } catch {
    return false;
  }
}

/** Parses a DER public key (see the module header). */
export function parsePublicKey(bytes: Uint8Array): PublicKeyResult {
  const der = Uint8Array.from(bytes);
  const spki = parseSpki(der);
  if (spki === undefined) return malformed('Unspecified', der, 'Unsupported or unparsable public key');
  const key = Uint8Array.from(spki.key);
  switch (spki.oid) {
    case OID.ed25519:
      if (spki.param !== undefined || key.length !== 32) return malformed('Ed25519', der, 'invalid Ed25519 public key');
      return ok({ kind: 'Ed25519', der, key });
    case OID.ecPublicKey: {
      const kind = spki.param === OID.p256 ? 'EcdsaP256' : spki.param === OID.secp256k1 ? 'EcdsaSecp256k1' : undefined;
      if (kind === undefined) return malformed('Unspecified', der, 'Unsupported or unparsable public key');
      if (!ecPoint(kind === 'EcdsaP256' ? p256 : secp256k1, key)) return malformed(kind, der, 'the key is not a point on the curve');
      return ok({ kind, der, key });
    }
    case OID.rsa:
      return ok({ kind: 'RsaSha256', der });
    case OID.cose:
      return parseCoseKey(der, key);
    case OID.iccsa:
      return parseCanisterSigKey(der, key);
    default:
      return malformed('Unspecified', der, 'Unsupported or unparsable public key');
  }
}

function parseCoseKey(der: Uint8Array, cose: Uint8Array): PublicKeyResult {
  const decoded = decodeCbor(cose);
  if (!decoded.ok || !isCborMap(decoded.value)) return malformed('Unspecified', der, `COSE key is not a CBOR map${decoded.ok ? '' : `: ${decoded.error}`}`);
  const m = decoded.value;
  const kty = m.get(1n);
  const alg = m.get(3n);
  if (kty === 2n && alg === -7n) {
    const x = m.get(-2n);
    const y = m.get(-3n);
    if (m.get(-1n) !== 1n || !(x instanceof Uint8Array) || !(y instanceof Uint8Array) || x.length !== 32 || y.length !== 32) {
      return malformed('EcdsaP256', der, 'COSE key is not an ECDSA P-256 key with 32-byte coordinates');
    }
    const point = concatBytes(Uint8Array.of(4), x, y);
    if (!ecPoint(p256, point)) return malformed('EcdsaP256', der, 'the key is not a point on the curve');
    return ok({ kind: 'WebAuthnEcdsaP256', der, key: point });
  }
  if (kty === 3n && alg === -257n) {
    const n = m.get(-1n);
    const e = m.get(-2n);
    if (!(n instanceof Uint8Array) || !(e instanceof Uint8Array) || n.length === 0 || e.length === 0) {
      return malformed('RsaSha256', der, 'COSE key is not an RSA key with modulus and exponent');
    }
    return ok({ kind: 'WebAuthnRsaSha256', der, n: Uint8Array.from(n), e: Uint8Array.from(e) });
  }
  return fail(algorithmNotSupported('Unspecified', `COSE key type ${String(kty)} with algorithm ${String(alg)}`));
}

function parseCanisterSigKey(der: Uint8Array, key: Uint8Array): PublicKeyResult {
  const n = key.length < 1 ? -1 : key[0];
  if (n < 0 || n > MAX_PRINCIPAL_BYTES || 1 + n > key.length) {
    return malformed('IcCanisterSignature', der, 'the key does not start with the length and bytes of a canister id');
  }
  return ok({
    kind: 'IcCanisterSignature',
    der,
    signingCanister: CanisterId.fromUint8Array(key.subarray(1, 1 + n)),
    seed: Uint8Array.from(key.subarray(1 + n)),
  });
}

/** The self-authenticating principal of a DER public key: `SHA-224(der) ‖ 0x02`. */
export function selfAuthenticatingPrincipal(der: Uint8Array): PrincipalId {
  return PrincipalId.fromUint8Array(concatBytes(sha224(der), Uint8Array.of(0x02)));
}

function derLength(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n);
  if (n < 0x100) return Uint8Array.of(0x81, n);
  return Uint8Array.of(0x82, n >> 8, n & 0xff);
}

function wrapSpki(algorithm: Uint8Array, key: Uint8Array): Uint8Array {
  const bits = concatBytes(Uint8Array.of(0x03), derLength(key.length + 1), Uint8Array.of(0), key);
  return concatBytes(Uint8Array.of(0x30), derLength(algorithm.length + bits.length), algorithm, bits);
}

/** The DER public key of canister signatures by `signingCanister` with `seed`. */
export function canisterSigPublicKeyDer(signingCanister: PrincipalId, seed: Uint8Array): Uint8Array {
  const cid = signingCanister.bytesView();
  return wrapSpki(ICCSA_ALGORITHM, concatBytes(Uint8Array.of(cid.length), cid, seed));
}

/** The DER (WebAuthn) wrapping of a COSE key. */
export function coseKeyToDer(cose: Uint8Array): Uint8Array {
  return wrapSpki(COSE_ALGORITHM, cose);
}
