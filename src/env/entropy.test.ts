import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { SeededEntropy, SystemEntropy } from './entropy.ts';

describe('SystemEntropy', () => {
  test('returns n bytes, different on each call', () => {
    const entropy = new SystemEntropy();
    const a = entropy.bytes(32);
    const b = entropy.bytes(32);
    assert.equal(a.length, 32);
    assert.ok(a instanceof Uint8Array);
    assert.notDeepEqual(a, b);
    assert.equal(entropy.bytes(0).length, 0);
    assert.equal(entropy.bytes(100_000).length, 100_000);
  });

  test('rejects bad lengths', () => {
    const entropy = new SystemEntropy();
    for (const n of [-1, 1.5, Number.NaN, 2 ** 53]) assert.throws(() => entropy.bytes(n), RangeError);
  });
});

describe('SeededEntropy', () => {
  test('the same seed gives the same stream; another seed another stream', () => {
    assert.deepEqual(new SeededEntropy('a').bytes(100), new SeededEntropy('a').bytes(100));
    assert.notDeepEqual(new SeededEntropy('a').bytes(32), new SeededEntropy('b').bytes(32));
    assert.deepEqual(new SeededEntropy('a').bytes(32), new SeededEntropy(new TextEncoder().encode('a')).bytes(32));
  });

  test('the stream is consumed in order, independent of how it is split', () => {
    const whole = new SeededEntropy('split').bytes(100);
    const parts = new SeededEntropy('split');
    const joined = new Uint8Array([...parts.bytes(1), ...parts.bytes(31), ...parts.bytes(0), ...parts.bytes(45), ...parts.bytes(23)]);
    assert.deepEqual(joined, whole);
  });

  test('block i is SHA-256(ds("ic-exec-seeded-entropy") ‖ seed ‖ u64be(i))', () => {
    const block = (i: number) =>
      createHash('sha256')
        .update(Buffer.concat([Buffer.from([22]), Buffer.from('ic-exec-seeded-entropy'), Buffer.from('seed'), Buffer.from([0, 0, 0, 0, 0, 0, 0, i])]))
        .digest();
    const stream = new SeededEntropy('seed').bytes(64);
    assert.deepEqual(stream, new Uint8Array(Buffer.concat([block(0), block(1)])));
  });

  test('rejects bad lengths', () => {
    assert.throws(() => new SeededEntropy('x').bytes(-1), RangeError);
  });
});
