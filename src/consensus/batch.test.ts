import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { height, time } from '../types/index.ts';
import type { Batch } from './batch.ts';
import { batchProblem, ingressPayloadBytes } from './batch.ts';
import { testIngress } from './test-support.ts';

function batch(h: bigint, t: bigint, overrides: Partial<Batch> = {}): Batch {
  return {
    height: height(h),
    time: time(t),
    randomness: new Uint8Array(32),
    ingress: [],
    requiresFullStateHash: false,
    ...overrides,
  };
}

describe('batchProblem', () => {
  test('reports a callback id answered twice in one batch', () => {
    const r = (callbackId: bigint) => ({ callbackId, payload: { kind: 'data' as const, data: new Uint8Array() } });
    assert.equal(batchProblem(batch(1n, 10n, { consensusResponses: [r(1n), r(2n)] })), undefined);
    assert.match(batchProblem(batch(1n, 10n, { consensusResponses: [r(1n), r(1n)] })) ?? '', /callback id 1 appears twice/);
  });

  test('accepts a first batch at height 1 and a successor with a later time', () => {
    assert.equal(batchProblem(batch(1n, 10n)), undefined);
    assert.equal(batchProblem(batch(2n, 11n), { height: height(1n), time: time(10n) }), undefined);
  });

  test('reports a wrong height, a time that does not increase, bad randomness', () => {
    assert.match(batchProblem(batch(2n, 10n)) ?? '', /height 2, expected 1/);
    assert.match(batchProblem(batch(3n, 11n), { height: height(1n), time: time(10n) }) ?? '', /expected 2/);
    assert.match(batchProblem(batch(2n, 10n), { height: height(1n), time: time(10n) }) ?? '', /not after/);
    assert.match(batchProblem(batch(1n, 10n, { randomness: new Uint8Array(31) })) ?? '', /randomness has 31 bytes/);
  });

  test('reports bad or repeated message ids', () => {
    const bad = { ...testIngress(1), messageId: new Uint8Array(31) };
    assert.match(batchProblem(batch(1n, 1n, { ingress: [bad] })) ?? '', /ingress 0: message id has 31 bytes/);
    assert.match(batchProblem(batch(1n, 1n, { ingress: [testIngress(1), testIngress(2), testIngress(1)] })) ?? '', /ingress 2: .* twice/);
  });
});

test('ingressPayloadBytes sums payload lengths', () => {
  assert.equal(ingressPayloadBytes([]), 0);
  assert.equal(ingressPayloadBytes([testIngress(1, { size: 10 }), testIngress(2, { size: 5 })]), 15);
});
