/**
 * WebAuthn signatures (interface spec, "WebAuthn"; the replica's
 * `rs/validator/src/webauthn.rs` and `rs/types/types/src/messages/webauthn.rs`).
 *
 * The key is a COSE key wrapped in DER (ES256 or RS256). The signature is
 * CBOR `{ authenticator_data: blob, client_data_json: blob or text,
 * signature: blob }` (other fields ignored, as serde does). The
 * authenticator signed `authenticator_data ‖ SHA-256(client_data_json)` —
 * ECDSA P-256 with a DER-encoded signature, or RSA PKCS #1 v1.5 SHA-256 —
 * and the `challenge` of the client data JSON (`{ type, challenge, origin,
 * … }`) is base64url (no padding) of the signed message: the domain
 * separator and the request id or delegation hash.
 *
 * The replica's order: parse the CBOR, parse the (DER) signature, parse the
 * client data, verify, then compare the challenge. Errors are its `WebAuthnError`
 * texts.
 */
import { concatBytes, sha256 } from '../../crypto/index.ts';
import { ecdsaP256SignatureFromDer, rsaKey, verifyEcdsa, verifyRsa } from './basic-sig.ts';
import { cborTypeName, decodeCbor, isCborMap } from './cbor.ts';
import { debugBytes, webAuthnError } from './errors.ts';
import type { UserPublicKey } from './public-key.ts';

type WebAuthnKey = Extract<UserPublicKey, { kind: 'WebAuthnEcdsaP256' | 'WebAuthnRsaSha256' }>;

interface WebAuthnSignature {
  readonly authenticatorData: Uint8Array;
  readonly clientDataJson: Uint8Array;
  readonly signature: Uint8Array;
}

const utf8 = new TextEncoder();
const BASE64URL = /^[A-Za-z0-9_-]*$/;

function parseSignature(bytes: Uint8Array): WebAuthnSignature | string {
  const decoded = decodeCbor(bytes);
  if (!decoded.ok) return `Signature CBOR parsing failed with: ${decoded.error}`;
  if (!isCborMap(decoded.value)) return `Signature CBOR parsing failed with: invalid type: ${cborTypeName(decoded.value)}, expected a map`;
  const m = decoded.value;
  const blob = (name: string, textToo = false): Uint8Array | string => {
    const v = m.get(name);
    if (v === undefined || v === null) return `Signature CBOR parsing failed with: missing field \`${name}\``;
    if (v instanceof Uint8Array) return v;
    if (textToo && typeof v === 'string') return utf8.encode(v);
    return `Signature CBOR parsing failed with: invalid type: ${cborTypeName(v)}, expected a byte string`;
  };
  const authenticatorData = blob('authenticator_data');
  if (typeof authenticatorData === 'string') return authenticatorData;
  const clientDataJson = blob('client_data_json', true);
  if (typeof clientDataJson === 'string') return clientDataJson;
  const signature = blob('signature');
  if (typeof signature === 'string') return signature;
  return { authenticatorData, clientDataJson, signature };
}

/** The decoded challenge of the client data JSON, or the replica's error. */
function challengeOf(clientDataJson: Uint8Array): Uint8Array | string {
  let data: unknown;
  try {
    data = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(clientDataJson));
  } catch (e) {
    return `ClientDataJSON parsing failed with: ${(e as Error).message}`;
  }
  const d = data as Record<string, unknown>;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return 'ClientDataJSON parsing failed with: expected an object';
  for (const field of ['type', 'challenge', 'origin']) {
    if (typeof d[field] !== 'string') return `ClientDataJSON parsing failed with: missing or invalid field \`${field}\``;
  }
  const challenge = d.challenge as string;
  if (!BASE64URL.test(challenge) || challenge.length % 4 === 1) {
    return `Challenge base64url parsing failed with: invalid base64url (no padding): ${JSON.stringify(challenge)}`;
  }
  return Uint8Array.from(Buffer.from(challenge, 'base64url'));
}

/**
 * Verifies a WebAuthn signature of `signedBytes` (domain separator ‖
 * request id or delegation hash) under `key`.
 * @returns `undefined` if valid, else the `AuthenticationError` text ("WebAuthn error: …").
 */
export function verifyWebAuthn(key: WebAuthnKey, signatureBytes: Uint8Array, signedBytes: Uint8Array): string | undefined {
  const sig = parseSignature(signatureBytes);
  if (typeof sig === 'string') return webAuthnError(sig);
  let ecdsa: Uint8Array | undefined;
  if (key.kind === 'WebAuthnEcdsaP256') {
    const parsed = ecdsaP256SignatureFromDer(sig.signature);
    if (typeof parsed === 'string') return webAuthnError(`Failed to parse EcdsaP256 signature: ${parsed}`);
    ecdsa = parsed;
  }
  const challenge = challengeOf(sig.clientDataJson);
  if (typeof challenge === 'string') return webAuthnError(`WebAuthn envelope creation failed: ${challenge}`);
  const envelope = concatBytes(sig.authenticatorData, sha256(sig.clientDataJson));
  let error: string | undefined;
  if (key.kind === 'WebAuthnEcdsaP256') {
    error = verifyEcdsa('EcdsaP256', key.key, ecdsa as Uint8Array, envelope);
  } else {
    const rsa = rsaKey({ n: key.n, e: key.e }, key.der);
    error = rsa.ok ? verifyRsa(rsa.key, key.der, sig.signature, envelope) : rsa.error;
  }
  if (error !== undefined) return webAuthnError(`Verifying signature failed. Error: ${error}`);
  if (Buffer.compare(challenge, signedBytes) !== 0) {
    return webAuthnError(`Challenge in webauthn is ${debugBytes(challenge)} while it is expected to be ${debugBytes(signedBytes)}`);
  }
  return undefined;
}
