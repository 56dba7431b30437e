import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign as nodeSign } from 'node:crypto';
import { p256 } from '@noble/curves/nist.js';
import { concatBytes, domainSeparator } from '../../crypto/index.ts';
import { IngressFilter, formatTime } from '../../ingress/index.ts';
import { CanisterId, MANAGEMENT_CANISTER_ID } from '../../types/index.ts';
import { authenticate } from './authenticate.ts';
import type { AuthenticateOptions } from './authenticate.ts';
import { delegationHash } from './envelope.ts';
import type { RequestType } from './envelope.ts';
import { selfAuthenticatingPrincipal } from './public-key.ts';
import type { TestKey } from './test-support.ts';
import {
  CANISTER, MINUTE, NOW, OTHER_CANISTER, ROOT_KEY, callContent, delegate, ecdsaKey, ed25519Key, envelope, requestIdOfContent, signRequest,
} from './test-support.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const opts = (requestType: RequestType = 'call', extra: Partial<AuthenticateOptions> = {}): AuthenticateOptions =>
  ({ requestType, effectiveCanisterId: CANISTER, now: NOW, rootKey: ROOT_KEY, ...extra });

function accepted(bytes: Uint8Array, o = opts()) {
  const r = authenticate(bytes, o);
  assert.ok(r.ok, r.ok ? '' : `refused: ${r.error.status} ${r.error.message}`);
  return r.value;
}
function refused(bytes: Uint8Array, o = opts()) {
  const r = authenticate(bytes, o);
  assert.ok(!r.ok, 'expected a refusal');
  return r.error;
}
const error400 = (message: string) => ({ status: 400, message });

const A = ed25519Key(1);
const B = ed25519Key(2);
const C = ed25519Key(3);

describe('authenticate: accepted senders', () => {
  it('anonymous call, query and read_state', () => {
    const call = accepted(envelope(callContent()));
    assert.ok(call.sender.isAnonymous());
    assert.deepEqual(call.targets, { all: true });
    assert.deepEqual(call.requestId, requestIdOfContent(callContent()));
    accepted(envelope(callContent(undefined, { request_type: 'query' })), opts('query'));
    const rs = { request_type: 'read_state', sender: Uint8Array.of(4), ingress_expiry: NOW + MINUTE, paths: [[new TextEncoder().encode('time')]] };
    accepted(envelope(rs), opts('read_state', { effectiveCanisterId: undefined }));
  });

  it('Ed25519, ECDSA P-256 and ECDSA secp256k1 keys', () => {
    for (const key of [A, ecdsaKey('p256', 4), ecdsaKey('secp256k1', 5)]) {
      const content = callContent(key);
      const r = accepted(envelope(content, { key }));
      assert.ok(r.sender.equals(selfAuthenticatingPrincipal(key.der)));
      assert.equal(r.authentication.kind, 'signed');
    }
  });

  it('ECDSA signatures with a high S (as WebCrypto makes them)', () => {
    const key = ecdsaKey('p256', 4);
    const low = key.sign(concatBytes(domainSeparator('ic-request'), requestIdOfContent(callContent(key))));
    const sig = p256.Signature.fromBytes(low, 'compact');
    const high = new p256.Signature(sig.r, p256.Point.Fn.ORDER - sig.s).toBytes('compact');
    assert.notDeepEqual(high, low);
    accepted(envelope(callContent(key), { key, sig: high }));
  });

  it('a delegation chain: targets intersected and returned', () => {
    const chain = [delegate(A, B, NOW + MINUTE, [CANISTER, OTHER_CANISTER]), delegate(B, C, NOW + MINUTE, [CANISTER])];
    const r = accepted(envelope(callContent(A), { key: A, delegations: chain, signer: C }));
    assert.ok(!r.targets.all && r.targets.ids.length === 1 && r.targets.ids[0].equals(CANISTER));
  });

  it('an RSA key may sign a delegation (not a request)', () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const der = Uint8Array.from(publicKey.export({ format: 'der', type: 'spki' }));
    const rsa: TestKey = { der, sign: (m) => Uint8Array.from(nodeSign('sha256', m, privateKey)) };
    accepted(envelope(callContent(rsa), { key: rsa, delegations: [delegate(rsa, B)], signer: B }));
    assert.deepEqual(refused(envelope(callContent(rsa), { key: rsa })), error400(
      'Invalid signature: Invalid basic signature: Algorithm RsaSha256 not supported: RSA signatures are not allowed except in webauthn context'));
  });

  it('anonymous query and read_state with any expiry (the replica checks it only for signed ones)', () => {
    accepted(envelope(callContent(undefined, { request_type: 'query', ingress_expiry: 0n })), opts('query'));
    const query = callContent(A, { request_type: 'query', ingress_expiry: 0n });
    const expected = IngressFilter.checkExpiry(0n, NOW);
    assert.ok(!expected.ok && expected.kind === 'invalidExpiry');
    assert.deepEqual(refused(envelope(query, { key: A }), opts('query')), error400(expected.message));
  });
});

describe('authenticate: refusals with the replica\'s status and text', () => {
  it('a forged request signature', () => {
    const content = callContent(A);
    const sig = signRequest(A, content);
    sig[0] ^= 1;
    assert.deepEqual(refused(envelope(content, { key: A, sig })), error400(
      `Invalid signature: Invalid basic signature: Ed25519 signature could not be verified: public key ${hex(A.der.subarray(12))}, signature ${hex(sig)}, error: signature verification failed`));
    const short = refused(envelope(content, { key: A, sig: sig.subarray(0, 63) }));
    assert.equal(short.message, `Invalid signature: Invalid basic signature: Malformed Ed25519 signature: [${hex(sig.subarray(0, 63))}] error: 'Invalid length'`);
  });

  it('a signature by another key than sender_pubkey', () => {
    const e = refused(envelope(callContent(A), { key: A, signer: B }));
    assert.match(e.message, /^Invalid signature: Invalid basic signature: Ed25519 signature could not be verified/);
  });

  it('a sender_pubkey that is not the sender\'s key', () => {
    const bytes = envelope(callContent(A), { key: B });
    assert.deepEqual(refused(bytes), error400(`The user id '${selfAuthenticatingPrincipal(A.der).toText()}' does not match the public key '${hex(B.der)}'`));
  });

  it('anonymous with a signature, and a named sender without one', () => {
    const anon = callContent();
    assert.deepEqual(refused(envelope(anon, { key: A, sig: signRequest(A, anon) })), error400('Signature is not allowed for the anonymous user.'));
    assert.deepEqual(refused(envelope(callContent(A))), error400(`Missing signature from user: ${selfAuthenticatingPrincipal(A.der).toText()}`));
  });

  it('a key the replica cannot parse', () => {
    const junk: TestKey = { der: Uint8Array.of(1, 2, 3), sign: () => new Uint8Array(64) };
    assert.deepEqual(refused(envelope(callContent(junk), { key: junk })), error400(
      'Invalid signature: Invalid public key: Malformed Unspecified public key: 010203, error: Unsupported or unparsable public key'));
  });

  it('an expired request and one too far in the future', () => {
    for (const expiry of [NOW - 1n, NOW + 5n * MINUTE + 30_000_000_001n]) {
      const e = refused(envelope(callContent(undefined, { ingress_expiry: expiry })));
      const expected = IngressFilter.checkExpiry(expiry, NOW);
      assert.ok(!expected.ok && expected.kind === 'invalidExpiry');
      assert.deepEqual(e, error400(expected.message));
      assert.ok(e.message.startsWith('Invalid request expiry: Specified ingress_expiry not within expected range'));
    }
    accepted(envelope(callContent(undefined, { ingress_expiry: NOW })));
    accepted(envelope(callContent(undefined, { ingress_expiry: NOW + 5n * MINUTE + 30_000_000_000n })));
  });

  it('an oversized nonce', () => {
    accepted(envelope(callContent(undefined, { nonce: new Uint8Array(32) })));
    assert.deepEqual(refused(envelope(callContent(undefined, { nonce: new Uint8Array(33) }))),
      error400('Nonce in request is too big: got 33 bytes, but at most 32 are allowed.'));
  });

  it('an expired delegation', () => {
    const chain = [delegate(A, B, NOW - 1n)];
    assert.deepEqual(refused(envelope(callContent(A), { key: A, delegations: chain, signer: B })), error400(
      `Invalid delegation expiry: Specified sender delegation has expired:\nProvided expiry:    ${formatTime(NOW - 1n)}\nLocal replica time: ${formatTime(NOW)}`));
    accepted(envelope(callContent(A), { key: A, delegations: [delegate(A, B, NOW)], signer: B }));
  });

  it('a canister outside the delegation targets', () => {
    const chain = [delegate(A, B, NOW + MINUTE, [OTHER_CANISTER])];
    assert.deepEqual(refused(envelope(callContent(A), { key: A, delegations: chain, signer: B })),
      error400(`Canister '${CANISTER.toText()}' is not one of the delegation targets.`));
    const disjoint = [delegate(A, B, NOW + MINUTE, [OTHER_CANISTER]), delegate(B, C, NOW + MINUTE, [CANISTER])];
    assert.equal(refused(envelope(callContent(A), { key: A, delegations: disjoint, signer: C })).message,
      `Canister '${CANISTER.toText()}' is not one of the delegation targets.`);
  });

  it('more than 20 delegations; 20 are fine', () => {
    const keys = Array.from({ length: 22 }, (_, i) => ed25519Key(10 + i));
    const chainOf = (n: number) => keys.slice(0, n).map((k, i) => delegate(k, keys[i + 1]));
    const sender = keys[0];
    accepted(envelope(callContent(sender), { key: sender, delegations: chainOf(20), signer: keys[20] }));
    assert.deepEqual(refused(envelope(callContent(sender), { key: sender, delegations: chainOf(21), signer: keys[21] })),
      error400('Invalid delegation: Chain of delegations is too long: got 21 delegations, but at most 20 are allowed.'));
  });

  it('a delegation chain with a cycle', () => {
    const chain = [delegate(A, B), delegate(B, A)];
    assert.deepEqual(refused(envelope(callContent(A), { key: A, delegations: chain, signer: A })), error400(
      `Invalid delegation: Chain of delegations contains at least one cycle: first repeating public key encountered ${hex(A.der)}`));
  });

  it('more than 1,000 targets in a delegation', () => {
    const targets = Array.from({ length: 1001 }, (_, i) => CanisterId.fromU64(BigInt(i)));
    const chain = [delegate(A, B, NOW + MINUTE, targets)];
    assert.deepEqual(refused(envelope(callContent(A), { key: A, delegations: chain, signer: B })), error400(
      'Invalid delegation: Delegation target error: expected at most 1000 targets per delegation, but got 1001'));
  });

  it('a forged delegation signature', () => {
    const d = delegate(A, B);
    const forged = { ...d, signature: C.sign(concatBytes(domainSeparator('ic-request-auth-delegation'), delegationHash(d.delegation))) };
    const e = refused(envelope(callContent(A), { key: A, delegations: [forged], signer: B }));
    assert.match(e.message, /^Invalid delegation: Invalid basic signature: Ed25519 signature could not be verified: public key /);
    const wrongSigner = refused(envelope(callContent(A), { key: A, delegations: [d], signer: A }));
    assert.match(wrongSigner.message, /^Invalid signature: Invalid basic signature: Ed25519 signature could not be verified/);
  });

  it('a canister id that is not the effective canister id (unless aaaaa-aa)', () => {
    assert.deepEqual(refused(envelope(callContent()), opts('call', { effectiveCanisterId: OTHER_CANISTER })), error400(
      `Specified CanisterId ${CANISTER.toText()} does not match effective canister id in URL ${OTHER_CANISTER.toText()}`));
    accepted(envelope(callContent(undefined, { canister_id: MANAGEMENT_CANISTER_ID.toUint8Array() })), opts('call', { effectiveCanisterId: OTHER_CANISTER }));
  });

  it('a call envelope above the ingress size limit: 413', () => {
    const content = callContent(undefined, { arg: new Uint8Array(300) });
    const bytes = envelope(content);
    const e = refused(bytes, opts('call', { maxIngressBytes: 256n }));
    assert.deepEqual(e, { status: 413, message: `Request ${hex(requestIdOfContent(content))} is too large. Message byte size ${bytes.length} is larger than the max allowed 256.` });
  });

  it('read_state with too many paths or too deep a path', () => {
    const rs = (paths: Uint8Array[][]) => envelope({ request_type: 'read_state', sender: Uint8Array.of(4), ingress_expiry: NOW, paths });
    const o = opts('read_state');
    accepted(rs(Array.from({ length: 1000 }, () => [Uint8Array.of(1)])), o);
    assert.deepEqual(refused(rs(Array.from({ length: 1001 }, () => [Uint8Array.of(1)])), o),
      error400('Too many paths in read state request: got 1001 paths, but at most 1000 are allowed.'));
    assert.deepEqual(refused(rs([Array.from({ length: 128 }, () => Uint8Array.of(1))]), o),
      error400('At least one path in read state request is too deep: got 128 labels, but at most 127 are allowed.'));
  });
});
