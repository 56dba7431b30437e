/**
 * One user signature checked against one DER public key, dispatched on the
 * key's algorithm as the replica's `validate_signature` /
 * `validate_delegation` do (`rs/validator/src/ingress_validation.rs`):
 *
 *     Ed25519, ECDSA P-256, ECDSA secp256k1   basic signature
 *     RSA (DER)                               basic signature, in delegations only
 *     COSE (WebAuthn)                         WebAuthn signature
 *     canister signature                      certificate + witness, under the root key
 *
 * `message` is what was signed: the domain separator followed by the
 * request id, the delegation hash or the sender info. The result is
 * `undefined` or the replica's `AuthenticationError` text, which the caller
 * wraps in "Invalid signature: …" or "Invalid delegation: …".
 */
import { rsaKey, verifyEcdsa, verifyEd25519, verifyRsa } from './basic-sig.ts';
import { verifyCanisterSignature } from './canister-sig.ts';
import {
  algorithmNotSupported, invalidBasicSignature, invalidCanisterSignature, invalidPublicKey,
} from './errors.ts';
import { parsePublicKey } from './public-key.ts';
import { verifyWebAuthn } from './webauthn.ts';

/** Where the signature appears: the request's `sender_sig`, or a delegation's. */
export type SignaturePurpose = 'request' | 'delegation';

/**
 * Verifies `signature` of `message` under the DER key `pubkeyDer`.
 * @param rootKey the replica's 96-byte BLS root key, for canister signatures.
 */
export function verifyUserSignature(
  pubkeyDer: Uint8Array, signature: Uint8Array, message: Uint8Array, rootKey: Uint8Array, purpose: SignaturePurpose,
): string | undefined {
  const parsed = parsePublicKey(pubkeyDer);
  if (!parsed.ok) return invalidPublicKey(parsed.error);
  const key = parsed.key;
  switch (key.kind) {
    case 'Ed25519': {
      const e = verifyEd25519(key.key, signature, message);
      return e === undefined ? undefined : invalidBasicSignature(e);
    }
    case 'EcdsaP256':
    case 'EcdsaSecp256k1': {
      const e = verifyEcdsa(key.kind, key.key, signature, message);
      return e === undefined ? undefined : invalidBasicSignature(e);
    }
    case 'RsaSha256': {
      if (purpose === 'request') {
        return invalidBasicSignature(algorithmNotSupported('RsaSha256', 'RSA signatures are not allowed except in webauthn context'));
      }
      const rsa = rsaKey({ der: key.der }, key.der);
      const e = rsa.ok ? verifyRsa(rsa.key, key.der, signature, message) : rsa.error;
      return e === undefined ? undefined : invalidBasicSignature(e);
    }
    case 'WebAuthnEcdsaP256':
    case 'WebAuthnRsaSha256':
      return verifyWebAuthn(key, signature, message);
    case 'IcCanisterSignature': {
      const e = verifyCanisterSignature(key, signature, message, rootKey);
      return e === undefined ? undefined : invalidCanisterSignature(e);
    }
  }
}
