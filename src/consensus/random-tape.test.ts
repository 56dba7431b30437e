import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { blsVerify, sha256 } from '../crypto/index.ts';
import { height } from '../types/index.ts';
import { RandomTape, randomTapeMessage } from './random-tape.ts';
import { testKey } from './test-support.ts';

describe('RandomTape', () => {
  const key = testKey();
  const tape = new RandomTape(key);

  test('the signed message is ds("ic-exec-random-tape") ‖ u64be(height)', () => {
    const hex = Buffer.from(randomTapeMessage(height(258n))).toString('hex');
    assert.equal(hex, '13' + Buffer.from('ic-exec-random-tape').toString('hex') + '0000000000000102');
  });

  test('randomness is 32 bytes, SHA-256 of a BLS signature of the subnet key over the height', () => {
    const signature = tape.signatureAt(height(5n));
    assert.ok(blsVerify(key.publicKey, signature, randomTapeMessage(height(5n))));
    const randomness = tape.randomnessOf(height(5n));
    assert.equal(randomness.length, 32);
    assert.deepEqual(randomness, sha256(signature));
  });

  test('deterministic per (key, height): another tape of the same key agrees', () => {
    const again = new RandomTape(testKey());
    for (const h of [1n, 2n, 1000n]) assert.deepEqual(again.randomnessOf(height(h)), tape.randomnessOf(height(h)));
  });

  test('different across heights and across keys', () => {
    const seen = new Set<string>();
    for (let h = 1n; h <= 10n; h++) seen.add(Buffer.from(tape.randomnessOf(height(h))).toString('hex'));
    assert.equal(seen.size, 10);
    const other = new RandomTape(testKey('another subnet'));
    assert.notDeepEqual(other.randomnessOf(height(1n)), tape.randomnessOf(height(1n)));
  });
});
