import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requestIdOf as agentRequestIdOf } from '@dfinity/agent';
import { CanisterId, PrincipalId, time } from '../types/index.ts';
import { decodeCallEnvelope, encodeCallEnvelope, requestIdOf, signedIngressOf } from './ingress-content.ts';
import type { HttpCallContent } from './ingress-content.ts';

const content: HttpCallContent = {
  sender: PrincipalId.fromText('2vxsx-fae'),
  canisterId: CanisterId.fromU64(7n),
  methodName: 'greet',
  arg: Uint8Array.of(0x44, 0x49, 0x44, 0x4c, 0, 0),
  ingressExpiry: time(1_700_000_000_000_000_000n),
  nonce: Uint8Array.of(1, 2, 3),
};

test('requestIdOf matches @dfinity/agent (the interface spec hash)', () => {
  const theirs = agentRequestIdOf({
    request_type: 'call',
    sender: content.sender.toPrincipal(),
    canister_id: content.canisterId.toPrincipal(),
    method_name: content.methodName,
    arg: content.arg,
    ingress_expiry: content.ingressExpiry,
    nonce: content.nonce,
  });
  assert.deepEqual(requestIdOf(content), new Uint8Array(theirs));
});

test('the envelope round-trips, and signedIngressOf stamps the request id', () => {
  const decoded = decodeCallEnvelope(encodeCallEnvelope(content));
  assert.ok(decoded.ok);
  assert.equal(decoded.content.sender.toText(), content.sender.toText());
  assert.equal(decoded.content.canisterId.toText(), content.canisterId.toText());
  assert.equal(decoded.content.methodName, 'greet');
  assert.deepEqual(decoded.content.arg, content.arg);
  assert.equal(decoded.content.ingressExpiry, content.ingressExpiry);
  assert.deepEqual(decoded.content.nonce, content.nonce);
  const signed = signedIngressOf(content);
  assert.deepEqual(signed.messageId, requestIdOf(content));
  assert.equal(signed.expiry, content.ingressExpiry);
  assert.ok(signed.receiver.equals(content.canisterId));
});

test('decodeCallEnvelope refuses garbage and queries', () => {
  assert.equal(decodeCallEnvelope(Uint8Array.of(0xff, 0x00)).ok, false);
  const r = decodeCallEnvelope(Uint8Array.of(0xa0)); // {}
  assert.ok(!r.ok && /content/.test(r.error));
});
