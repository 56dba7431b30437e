import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { encodeWithSelfDescribedTag } from '@dfinity/cbor';
import { requestIdOf as agentRequestIdOf } from '@icp-sdk/core/agent';
import { CanisterId, PrincipalId } from '../../types/index.ts';
import { decodeEnvelope, delegationHash } from './envelope.ts';
import type { RequestType } from './envelope.ts';
import { CANISTER, NOW, MINUTE, callContent, delegate, ed25519Key, envelope } from './test-support.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const unhex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));

function refused(bytes: Uint8Array, type: RequestType = 'call'): string {
  const r = decodeEnvelope(bytes, type);
  assert.ok(!r.ok, 'expected the envelope to be refused');
  assert.equal(r.error.status, 400);
  return r.error.message;
}

describe('decodeEnvelope', () => {
  it('gives the spec example its request id', () => {
    const content = {
      request_type: 'call', sender: unhex('04'), ingress_expiry: 1685570400000000000n,
      canister_id: unhex('00000000000004D2'), method_name: 'hello', arg: unhex('4449444C00FD2A'),
    };
    const r = decodeEnvelope(encodeWithSelfDescribedTag({ content }), 'call');
    assert.ok(r.ok);
    assert.equal(hex(r.value.requestId), '1d1091364d6bb8a6c16b203ee75467d59ead468f523eb058880ae8ec80e2b101');
    assert.deepEqual(r.value.authentication, { kind: 'anonymous' });
  });

  it('types a call and hashes every field received, sender_info included, as agent-js does', () => {
    const senderInfo = { info: Uint8Array.of(9), signer: CANISTER.toUint8Array(), sig: Uint8Array.of(8, 7) };
    const content = callContent(undefined, { sender_info: senderInfo });
    const r = decodeEnvelope(envelope(content), 'call');
    assert.ok(r.ok);
    const c = r.value.content;
    assert.ok(c.requestType === 'call');
    assert.ok(c.sender.isAnonymous());
    assert.ok(c.canisterId.equals(CANISTER));
    assert.equal(c.methodName, 'greet');
    assert.equal(c.ingressExpiry, NOW + 4n * MINUTE);
    assert.deepEqual(c.nonce, Uint8Array.of(1, 2, 3, 4));
    assert.deepEqual(c.senderInfo, senderInfo);
    assert.deepEqual(r.value.requestId, agentRequestIdOf(content as never));
  });

  it('reads query and read_state contents; null and undefined fields are absent', () => {
    const query = decodeEnvelope(envelope(callContent(undefined, { request_type: 'query', nonce: undefined })), 'query');
    assert.ok(query.ok && query.value.content.requestType === 'query' && query.value.content.nonce === undefined);
    const paths = [[new TextEncoder().encode('time')], [new TextEncoder().encode('request_status'), new Uint8Array(32)]];
    const content = { request_type: 'read_state', sender: unhex('04'), ingress_expiry: NOW, paths, nonce: null };
    const r = decodeEnvelope(encodeWithSelfDescribedTag({ content, sender_delegation: null }), 'read_state');
    assert.ok(r.ok && r.value.content.requestType === 'read_state');
    assert.deepEqual(r.value.content.paths, paths);
    assert.deepEqual(r.value.requestId, agentRequestIdOf({ request_type: 'read_state', sender: unhex('04'), ingress_expiry: NOW, paths } as never));
  });

  it('reads signed envelopes with delegations (targets and permissions kept for the hash)', () => {
    const [a, b] = [ed25519Key(1), ed25519Key(2)];
    const d = delegate(a, b, NOW + MINUTE, [CANISTER]);
    const withPermissions = { ...d, delegation: { ...d.delegation, permissions: 'queries' } };
    const r = decodeEnvelope(envelope(callContent(a), { key: a, signer: b, delegations: [withPermissions] }), 'call');
    assert.ok(r.ok && r.value.authentication.kind === 'signed');
    const chain = r.value.authentication.senderDelegation ?? [];
    assert.equal(chain.length, 1);
    assert.deepEqual(chain[0].delegation, { pubkey: b.der, expiration: NOW + MINUTE, targets: [CANISTER.toUint8Array()], permissions: 'queries' });
    assert.notDeepEqual(delegationHash(chain[0].delegation), delegationHash(d.delegation));
  });

  it('refuses what is not CBOR of the envelope\'s shape, with serde\'s words', () => {
    assert.equal(refused(Uint8Array.of(0xa1, 0x61)), 'Failed to deserialize cbor request: EOF while parsing a value at offset 2');
    assert.equal(refused(encodeWithSelfDescribedTag([1])), 'Failed to deserialize cbor request: invalid type: an array, expected struct HttpRequestEnvelope');
    assert.equal(refused(encodeWithSelfDescribedTag({ sender_sig: Uint8Array.of(1) })),
      'Failed to deserialize cbor request: missing field `content` in the envelope');
    assert.equal(refused(envelope(callContent(), { extra: { sender_certificate: Uint8Array.of(1) } })),
      'Failed to deserialize cbor request: unknown field `sender_certificate` in the envelope, expected one of `content`, `sender_pubkey`, `sender_sig`, `sender_delegation`');
  });

  it('refuses missing, unknown and ill-typed content fields', () => {
    assert.equal(refused(envelope(callContent(undefined, { arg: undefined }))), 'Failed to deserialize cbor request: missing field `arg` in content');
    assert.equal(refused(envelope(callContent(undefined, { paths: [] }))),
      'Failed to deserialize cbor request: unknown field `paths` in content, expected one of `request_type`, `sender`, `ingress_expiry`, `nonce`, `canister_id`, `method_name`, `arg`, `sender_info`');
    assert.equal(refused(envelope(callContent(undefined, { arg: 'DIDL' }))),
      'Failed to deserialize cbor request: invalid type: text, expected a byte string for field `arg` in content');
    assert.equal(refused(envelope(callContent(undefined, { method_name: Uint8Array.of(1) }))),
      'Failed to deserialize cbor request: invalid type: a byte string, expected text for field `method_name` in content');
    assert.equal(refused(envelope(callContent(undefined, { ingress_expiry: 'soon' }))),
      'Failed to deserialize cbor request: invalid type: text, expected an unsigned 64-bit integer for field `ingress_expiry` in content');
    assert.match(refused(envelope(callContent(undefined, { ingress_expiry: -1n }))), /invalid type: a negative integer, expected an unsigned 64-bit integer/);
    assert.equal(refused(envelope(callContent(undefined, { sender_info: { info: Uint8Array.of(1) } }))),
      'Failed to deserialize cbor request: missing field `signer` in content.sender_info');
    assert.equal(refused(envelope({ request_type: 'read_state', sender: unhex('04'), ingress_expiry: NOW, paths: [['time']] } as never), 'read_state'),
      'Failed to deserialize cbor request: invalid type: an array, expected an array of arrays of byte strings for field `paths` in content');
  });

  it('refuses a content of another request type as serde\'s unknown variant', () => {
    assert.equal(refused(envelope(callContent(undefined, { request_type: 'query' }))),
      'Failed to deserialize cbor request: unknown variant `query`, expected `call`');
    assert.equal(refused(envelope(callContent()), 'read_state'),
      'Failed to deserialize cbor request: unknown variant `call`, expected `read_state`');
  });

  it('refuses ill-typed delegations', () => {
    const [a, b] = [ed25519Key(1), ed25519Key(2)];
    const d = delegate(a, b);
    const bad = { ...d, delegation: { ...d.delegation, expiration: 'never' } } as never;
    assert.equal(refused(envelope(callContent(a), { key: a, delegations: [bad] })),
      'Failed to deserialize cbor request: invalid type: text, expected an unsigned 64-bit integer for field `expiration` in sender_delegation[0].delegation');
  });

  it('answers a key without signature like call.rs and query.rs do', () => {
    const a = ed25519Key(1);
    const bytes = encodeWithSelfDescribedTag({ content: callContent(a), sender_pubkey: a.der } as never);
    assert.equal(refused(bytes),
      'Could not parse body as call message: missing pubkey or signature: Got (sender_pubkey: present, sender_sig: absent, sender_delegation: absent)');
    const query = encodeWithSelfDescribedTag({ content: callContent(a, { request_type: 'query' }), sender_pubkey: a.der } as never);
    assert.equal(refused(query, 'query'),
      'Malformed request: MissingPubkeyOrSignature("Got (sender_pubkey: present, sender_sig: absent, sender_delegation: absent)")');
  });

  it('refuses principals longer than 29 bytes', () => {
    assert.equal(refused(envelope(callContent(undefined, { sender: new Uint8Array(30) }))),
      'Could not parse body as call message: invalid princial id: the sender has 30 bytes, at most 29 are allowed');
    assert.match(refused(envelope(callContent(undefined, { canister_id: new Uint8Array(30) }))), /Converting to canister id failed/);
    const ok = decodeEnvelope(envelope(callContent(undefined, { canister_id: new Uint8Array(29) })), 'call');
    assert.ok(ok.ok && ok.value.content.requestType === 'call' && ok.value.content.canisterId.equals(CanisterId.fromUint8Array(new Uint8Array(29))));
    assert.ok(PrincipalId.anonymous().isAnonymous());
  });
});
