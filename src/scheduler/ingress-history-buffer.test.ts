import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { IngressHistoryState } from '../state/index.ts';
import type { IngressStatus } from '../state/index.ts';
import { time } from '../types/index.ts';
import { USER, id } from './test-support.ts';
import { IngressHistoryBuffer } from './ingress-history-buffer.ts';

const st = (kind: 'received' | 'processing'): IngressStatus => ({ receiver: id(1), userId: USER, time: time(1n), state: { kind } });
const mid = (n: number): Uint8Array => new Uint8Array(32).fill(n);

describe('IngressHistoryBuffer', () => {
  it('reads through, records writes, and applies them on flush in order', () => {
    const base = new IngressHistoryState();
    base.setStatus(mid(1), st('received'), 1n, 1n << 30n);
    const buf = new IngressHistoryBuffer(base);
    buf.setStatus(mid(1), st('processing'), 2n, 1n << 30n);
    buf.setStatus(mid(2), st('received'), 2n, 1n << 30n);
    assert.equal(buf.get(mid(1))?.state.kind, 'processing');
    assert.equal(base.get(mid(1))?.state.kind, 'received', 'nothing reaches the history before the flush');
    assert.equal(buf.size, 2);
    assert.throws(() => buf.setStatus(mid(1), { ...st('received'), state: { kind: 'done' } }, 2n, 1n << 30n), /cannot be transitioned/);
    buf.flush();
    assert.equal(base.get(mid(1))?.state.kind, 'processing');
    assert.equal(base.get(mid(2))?.state.kind, 'received');
    assert.equal(buf.pendingWrites, 0);
  });
});
