import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign as nodeSign } from 'node:crypto';
import { encodeWithSelfDescribedTag } from '@dfinity/cbor';
import { p256 } from '@noble/curves/nist.js';
import { concatBytes, domainSeparator, sha256 } from '../../crypto/index.ts';
import { authenticate } from './authenticate.ts';
import { coseKeyToDer, parsePublicKey } from './public-key.ts';
import type { TestKey } from './test-support.ts';
import { CANISTER, NOW, ROOT_KEY, callContent, delegate, ed25519Key, envelope, requestIdOfContent } from './test-support.ts';

const utf8 = (s: string) => new TextEncoder().encode(s);
const AUTHENTICATOR_DATA = concatBytes(sha256(utf8('example.org')), Uint8Array.of(0x05, 0, 0, 0, 1));

/** What a browser authenticator returns for `challenge`, signed by `signAuthenticator`. */
function webAuthnSignature(challenge: Uint8Array, signAuthenticator: (data: Uint8Array) => Uint8Array, tweak: {
  readonly clientDataJson?: string; readonly signature?: Uint8Array;
} = {}): Uint8Array {
  const clientDataJson = tweak.clientDataJson
    ?? JSON.stringify({ type: 'webauthn.get', challenge: Buffer.from(challenge).toString('base64url'), origin: 'https://example.org', crossOrigin: false });
  const signature = tweak.signature ?? signAuthenticator(concatBytes(AUTHENTICATOR_DATA, sha256(utf8(clientDataJson))));
  return encodeWithSelfDescribedTag({ authenticator_data: AUTHENTICATOR_DATA, client_data_json: clientDataJson, signature });
}

/** A security key with an ES256 credential (COSE key built byte by byte: integer map keys). */
function es256Authenticator(seed: number): TestKey & { signWith(tweak: Parameters<typeof webAuthnSignature>[2]): (m: Uint8Array) => Uint8Array } {
  const sk = sha256(Uint8Array.of(seed, 0xaa));
  const point = p256.getPublicKey(sk, false);
  const cose = concatBytes(
    Uint8Array.of(0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21, 0x58, 0x20), point.subarray(1, 33),
    Uint8Array.of(0x22, 0x58, 0x20), point.subarray(33),
  );
  const signAuthenticator = (data: Uint8Array) => p256.sign(data, sk, { prehash: true, format: 'der' });
  return {
    der: coseKeyToDer(cose),
    sign: (m) => webAuthnSignature(m, signAuthenticator),
    signWith: (tweak) => (m) => webAuthnSignature(m, signAuthenticator, tweak),
  };
}

/** A Windows-Hello-like authenticator with an RS256 credential. */
function rs256Authenticator(): TestKey {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = publicKey.export({ format: 'jwk' });
  const n = Buffer.from(jwk.n as string, 'base64url');
  const e = Buffer.from(jwk.e as string, 'base64url');
  const cose = concatBytes(Uint8Array.of(0xa4, 0x01, 0x03, 0x03, 0x39, 0x01, 0x00, 0x20, 0x59, n.length >> 8, n.length & 0xff), n,
    Uint8Array.of(0x21, 0x40 + e.length), e);
  return { der: coseKeyToDer(cose), sign: (m) => webAuthnSignature(m, (d) => Uint8Array.from(nodeSign('sha256', d, privateKey))) };
}

const opts = { requestType: 'call' as const, effectiveCanisterId: CANISTER, now: NOW, rootKey: ROOT_KEY };

function refusal(bytes: Uint8Array): string {
  const r = authenticate(bytes, opts);
  assert.ok(!r.ok, 'expected a refusal');
  assert.equal(r.error.status, 400);
  return r.error.message;
}

describe('WebAuthn', () => {
  it('parses DER-wrapped COSE keys (ES256, RS256)', () => {
    const es = parsePublicKey(es256Authenticator(1).der);
    assert.ok(es.ok && es.key.kind === 'WebAuthnEcdsaP256');
    const rs = parsePublicKey(rs256Authenticator().der);
    assert.ok(rs.ok && rs.key.kind === 'WebAuthnRsaSha256');
  });

  it('accepts a request signed by an ES256 or RS256 authenticator', () => {
    for (const key of [es256Authenticator(1), rs256Authenticator()]) {
      const r = authenticate(envelope(callContent(key), { key }), opts);
      assert.ok(r.ok, r.ok ? '' : r.error.message);
    }
  });

  it('accepts a delegation signed by an authenticator to a session key', () => {
    const device = es256Authenticator(2);
    const session = ed25519Key(7);
    const r = authenticate(envelope(callContent(device), { key: device, delegations: [delegate(device, session)], signer: session }), opts);
    assert.ok(r.ok, r.ok ? '' : r.error.message);
  });

  it('refuses a challenge that is not the signed message, with the replica\'s text', () => {
    const device = es256Authenticator(3);
    const content = callContent(device);
    const expected = concatBytes(domainSeparator('ic-request'), requestIdOfContent(content));
    const other = Uint8Array.of(1, 2, 3);
    const bytes = envelope(content, { key: device, sig: device.sign(other) });
    assert.equal(refusal(bytes),
      `Invalid signature: WebAuthn error: Challenge in webauthn is [1, 2, 3] while it is expected to be [${Array.from(expected).join(', ')}]`);
  });

  it('refuses tampered or malformed signatures', () => {
    const device = es256Authenticator(4);
    const content = callContent(device);
    const tampered = (tweak: Parameters<typeof webAuthnSignature>[2]) => envelope(content, { key: device, signer: { der: device.der, sign: device.signWith(tweak) } });
    const json = JSON.stringify({ type: 'webauthn.get', challenge: 'AAAA', origin: 'https://evil.example' });
    assert.match(refusal(tampered({ clientDataJson: json, signature: p256.sign(utf8('x'), sha256(Uint8Array.of(9)), { format: 'der' }) })),
      /^Invalid signature: WebAuthn error: Verifying signature failed\. Error: EcdsaP256 signature could not be verified: /);
    assert.match(refusal(tampered({ signature: Uint8Array.of(0x30, 0x01) })),
      /^Invalid signature: WebAuthn error: Failed to parse EcdsaP256 signature: Malformed EcdsaP256 signature: \[3001\] error: 'Error parsing DER signature: /);
    assert.match(refusal(tampered({ clientDataJson: '{not json' })),
      /^Invalid signature: WebAuthn error: WebAuthn envelope creation failed: ClientDataJSON parsing failed with: /);
    assert.equal(refusal(tampered({ clientDataJson: JSON.stringify({ type: 'webauthn.get', challenge: 'a+b=', origin: 'o' }) })),
      'Invalid signature: WebAuthn error: WebAuthn envelope creation failed: Challenge base64url parsing failed with: invalid base64url (no padding): "a+b="');
    assert.match(refusal(envelope(content, { key: device, sig: Uint8Array.of(0xa1) })),
      /^Invalid signature: WebAuthn error: Signature CBOR parsing failed with: EOF while parsing a value at offset 1$/);
    assert.equal(refusal(envelope(content, { key: device, sig: encodeWithSelfDescribedTag({ signature: Uint8Array.of(1) }) })),
      'Invalid signature: WebAuthn error: Signature CBOR parsing failed with: missing field `authenticator_data`');
  });
});
