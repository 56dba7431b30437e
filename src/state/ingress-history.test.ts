import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode, InternalBug, userError } from '../errors/index.ts';
import { time } from '../types/index.ts';
import { IngressHistoryState, statusString } from './ingress-history.ts';
import type { IngressState } from './ingress-history.ts';
import { A, SEC, T0, USER } from './test-support.ts';

const id = (n: number): Uint8Array => new Uint8Array(32).fill(n);
const st = (state: IngressState, t = T0) => ({ receiver: A, userId: USER, time: time(t), state });
const CAP = 1n << 40n;
const replied = (n: number): IngressState => ({ kind: 'completed', result: { kind: 'reply', payload: new Uint8Array(n) } });

describe('IngressHistoryState', () => {
  it('allows Received → Processing → Completed and rejects illegal transitions with InternalBug', () => {
    const h = new IngressHistoryState();
    h.setStatus(id(1), st({ kind: 'received' }), T0, CAP);
    assert.ok(h.has(id(1)));
    h.setStatus(id(1), st({ kind: 'processing' }), T0, CAP);
    h.setStatus(id(1), st({ kind: 'processing' }), T0, CAP);
    h.setStatus(id(1), st(replied(3)), T0, CAP);
    assert.equal(statusString(h.get(id(1))), 'replied');
    assert.throws(() => h.setStatus(id(1), st({ kind: 'received' }), T0, CAP), InternalBug);
    assert.throws(() => h.setStatus(id(1), st({ kind: 'failed', error: userError(ErrorCode.CanisterTrapped, 'x') }), T0, CAP), InternalBug);
    h.setStatus(id(2), st({ kind: 'failed', error: userError(ErrorCode.IngressMessageTimeout, 'late') }), T0, CAP);
    assert.equal(statusString(h.get(id(2))), 'rejected');
    assert.equal(statusString(h.get(id(3))), 'unknown');
  });

  it('prunes terminal statuses 5 minutes after they became terminal, not before', () => {
    const h = new IngressHistoryState();
    h.setStatus(id(1), st({ kind: 'received' }), T0, CAP);
    h.setStatus(id(2), st(replied(1)), T0, CAP);
    h.prune(T0 + 300n * SEC);
    assert.equal(h.size, 2);
    h.prune(T0 + 300n * SEC + 1n);
    assert.equal(h.size, 1, 'the terminal one is gone');
    assert.ok(h.has(id(1)), 'Received is never pruned');
  });

  it('forgets payloads oldest first (Done) when over the memory cap', () => {
    const h = new IngressHistoryState();
    h.setStatus(id(1), st(replied(100)), T0, 250n);
    h.setStatus(id(2), st(replied(100)), T0 + SEC, 250n);
    assert.equal(h.memoryUsage, 200);
    h.setStatus(id(3), st(replied(100)), T0 + 2n * SEC, 250n);
    assert.equal(h.get(id(1))?.state.kind, 'done');
    assert.equal(h.get(id(2))?.state.kind, 'completed');
    assert.equal(h.memoryUsage, 200);
    assert.equal(statusString(h.get(id(1))), 'done');
  });

  it('forks copy-on-write', () => {
    const h = new IngressHistoryState();
    h.setStatus(id(1), st({ kind: 'received' }), T0, CAP);
    const snap = h.fork();
    h.setStatus(id(1), st({ kind: 'processing' }), T0, CAP);
    h.setStatus(id(2), st({ kind: 'received' }), T0, CAP);
    assert.equal(snap.get(id(1))?.state.kind, 'received');
    assert.equal(snap.size, 1);
    assert.equal(h.size, 2);
  });

  it('snapshots share a content token until one side writes', () => {
    const h = new IngressHistoryState();
    h.setStatus(id(1), st({ kind: 'received' }), T0, CAP);
    const a = h.fork();
    const b = h.fork();
    assert.equal(a.contentToken, b.contentToken);
    h.setStatus(id(2), st({ kind: 'received' }), T0, CAP);
    const c = h.fork();
    assert.notEqual(c.contentToken, a.contentToken);
    h.prune(T0 + 1000n * SEC);
    assert.equal(h.fork().contentToken, h.contentToken);
    assert.equal(a.contentToken, b.contentToken);
  });
});
