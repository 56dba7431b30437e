/**
 * Basic signatures of the interface spec ("Signatures"):
 * - Ed25519 (RFC 8032), 64 bytes;
 * - ECDSA on P-256 and on secp256k1: `r ‖ s` (32 + 32 bytes) over
 *   SHA-256 of the message; high-S is accepted (WebCrypto, behind the
 *   agent's `ECDSAKeyIdentity`, produces it);
 * - RSA PKCS #1 v1.5 with SHA-256, 2048–8192-bit moduli (the replica's
 *   `rsa_pkcs1` bounds), for WebAuthn and delegations only.
 *
 * Each check returns `undefined` when the signature is valid, else the
 * replica's `CryptoError` text. Curves come from `@noble/curves`; RSA from
 * `node:crypto` (`@noble` has none).
 */
import { constants, createPublicKey, verify as nodeVerify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { malformedPublicKey, malformedSignature, signatureVerification } from './errors.ts';

export const MINIMUM_RSA_KEY_BITS = 2048;
export const MAXIMUM_RSA_KEY_BITS = 8192;

/** Ed25519 over `message` with the 32-byte key. */
export function verifyEd25519(key: Uint8Array, signature: Uint8Array, message: Uint8Array): string | undefined {
  if (signature.length !== 64) return malformedSignature('Ed25519', signature, 'Invalid length');
  let valid = false;
  try {
    valid = ed25519.verify(signature, message, key, { zip215: false });
  } catch {
    valid = false;
  }
  return valid ? undefined : signatureVerification('Ed25519', key, signature, 'signature verification failed');
}

/** ECDSA `r ‖ s` over SHA-256(`message`) with a SEC1 key on P-256 or secp256k1. */
export function verifyEcdsa(algorithm: 'EcdsaP256' | 'EcdsaSecp256k1', key: Uint8Array, signature: Uint8Array, message: Uint8Array): string | undefined {
  if (signature.length !== 64) return malformedSignature(algorithm, signature, 'Invalid length');
  const curve = algorithm === 'EcdsaP256' ? p256 : secp256k1;
  let valid = false;
  try {
    valid = curve.verify(signature, message, key, { prehash: true, lowS: false, format: 'compact' });
  } catch {
    valid = false;
  }
  return valid ? undefined : signatureVerification(algorithm, key, signature, 'verification failed');
}

/** An RSA key from DER SPKI or from COSE's modulus and exponent, within the size bounds. */
export function rsaKey(source: { readonly der: Uint8Array } | { readonly n: Uint8Array; readonly e: Uint8Array }, der: Uint8Array): { ok: true; key: KeyObject } | { ok: false; error: string } {
  let key: KeyObject;
  try {
    key = 'n' in source
      ? createPublicKey({ key: { kty: 'RSA', n: b64url(source.n), e: b64url(source.e) }, format: 'jwk' })
      : createPublicKey({ key: Buffer.from(source.der), format: 'der', type: 'spki' });
  } catch (e) {
    return { ok: false, error: malformedPublicKey('RsaSha256', der, (e as Error).message) };
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (key.asymmetricKeyType !== 'rsa' || bits < MINIMUM_RSA_KEY_BITS || bits > MAXIMUM_RSA_KEY_BITS) {
    return { ok: false, error: malformedPublicKey('RsaSha256', der, `RSA key of ${bits} bits, expected ${MINIMUM_RSA_KEY_BITS} to ${MAXIMUM_RSA_KEY_BITS}`) };
  }
  return { ok: true, key };
}

/** RSA PKCS #1 v1.5 SHA-256 over `message`. */
export function verifyRsa(key: KeyObject, der: Uint8Array, signature: Uint8Array, message: Uint8Array): string | undefined {
  let valid = false;
  try {
    valid = nodeVerify('sha256', message, { key, padding: constants.RSA_PKCS1_PADDING }, signature);
  } catch {
    valid = false;
  }
  return valid ? undefined : signatureVerification('RsaSha256', der, signature, 'verification error');
}

/** A DER-encoded ECDSA P-256 signature (WebAuthn) as `r ‖ s`, or the replica's `CryptoError` text. */
export function ecdsaP256SignatureFromDer(signature: Uint8Array): Uint8Array | string {
  try {
    return p256.Signature.fromBytes(signature, 'der').toBytes('compact');
  } catch (e) {
    return malformedSignature('EcdsaP256', signature, `Error parsing DER signature: ${(e as Error).message}`);
  }
}

const b64url = (b: Uint8Array): string => Buffer.from(b).toString('base64url');
