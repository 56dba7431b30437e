import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CanisterId, SubnetId, time } from '../types/index.ts';
import { ReplicatedState } from './replicated-state.ts';
import { stateHash } from './state-hash.ts';
import { SubnetCallContextManager } from './subnet-call-context-manager.ts';
import type { CanisterHttpRequestContext } from './subnet-call-context-manager.ts';
import { A, T0, request } from './test-support.ts';

const MGMT = CanisterId.fromText('aaaaa-aa');
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function context(url = 'https://example.com', extra: Partial<CanisterHttpRequestContext> = {}): CanisterHttpRequestContext {
  return {
    request: request(A, MGMT, 7n, { methodName: 'http_request', payment: 1_000n }),
    url, maxResponseBytes: undefined, headers: [{ name: 'a', value: 'b' }], body: undefined, method: 'GET',
    transform: undefined, time: time(T0), replicated: true, pricingVersion: 1, ...extra,
  };
}

describe('SubnetCallContextManager', () => {
  it('hands out callback ids in order and retrieves each context once', () => {
    const m = new SubnetCallContextManager();
    assert.equal(m.pushCanisterHttpRequest(context('https://a')), 0n);
    assert.equal(m.pushCanisterHttpRequest(context('https://b')), 1n);
    assert.deepEqual([...m.canisterHttpRequestContexts.keys()], [0n, 1n]);
    assert.equal(m.retrieveContext(0n)?.context.url, 'https://a');
    assert.equal(m.retrieveContext(0n), undefined);
    assert.equal(m.pushCanisterHttpRequest(context('https://c')), 2n, 'ids are never reused');
    assert.deepEqual([...m.canisterHttpRequestContexts.keys()], [1n, 2n]);
  });

  it('stores frozen contexts', () => {
    const m = new SubnetCallContextManager();
    m.pushCanisterHttpRequest(context());
    const c = m.canisterHttpRequestContexts.get(0n) as CanisterHttpRequestContext;
    assert.ok(Object.isFrozen(c) && Object.isFrozen(c.headers));
  });

  it('clone() is independent of the original', () => {
    const m = new SubnetCallContextManager();
    m.pushCanisterHttpRequest(context());
    const copy = m.clone();
    m.retrieveContext(0n);
    m.pushCanisterHttpRequest(context());
    assert.deepEqual([...copy.canisterHttpRequestContexts.keys()], [0n]);
    assert.equal(copy.nextCallbackId, 1n);
  });
});

describe('subnet call contexts in the replicated state', () => {
  const empty = (): ReplicatedState => ReplicatedState.empty(SubnetId.fromUint8Array(Uint8Array.of(1)), 'application', []);

  it('a snapshot keeps its contexts when the live state changes', () => {
    const s = empty();
    s.metadata.subnetCallContextManager.pushCanisterHttpRequest(context());
    const snap = s.snapshot();
    s.metadata.subnetCallContextManager.retrieveContext(0n);
    assert.equal(snap.metadata.subnetCallContextManager.canisterHttpRequestContexts.size, 1);
    assert.equal(s.metadata.subnetCallContextManager.canisterHttpRequestContexts.size, 0);
  });

  it('the state hash covers the contexts and the id counter', () => {
    const s = empty();
    const h0 = hex(stateHash(s));
    s.metadata.subnetCallContextManager.pushCanisterHttpRequest(context());
    const h1 = hex(stateHash(s));
    assert.notEqual(h1, h0);
    const t = empty();
    t.metadata.subnetCallContextManager.pushCanisterHttpRequest(context('https://other'));
    assert.notEqual(hex(stateHash(t)), h1, 'the URL is hashed');
    const u = empty();
    u.metadata.subnetCallContextManager.pushCanisterHttpRequest(context(undefined, { transform: { methodName: 'f', context: Uint8Array.of(1) } }));
    assert.notEqual(hex(stateHash(u)), h1, 'the transform is hashed');
    s.metadata.subnetCallContextManager.retrieveContext(0n);
    assert.notEqual(hex(stateHash(s)), h0, 'the counter moved on');
  });
});
