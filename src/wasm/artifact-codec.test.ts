import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeArtifact, encodeArtifact } from './artifact-codec.ts';

test('encodeArtifact() round-trips bytes, bigints and plain data', () => {
  const value = {
    binary: new Uint8Array([0, 97, 115, 109]),
    segments: [{ offset: 2n ** 40n, bytes: new Uint8Array([1, 2, 3]) }, { offset: 0n, bytes: new Uint8Array(0) }],
    names: ['a', 'b'],
    wasm64: true,
    cost: 12345,
    buffer: Buffer.from([9, 8]),
  };
  const back = decodeArtifact<typeof value>(encodeArtifact(value));
  assert.deepEqual(back.binary, value.binary);
  assert.deepEqual(back.segments, value.segments);
  assert.deepEqual(back.buffer, new Uint8Array([9, 8]));
  assert.equal(back.wasm64, true);
  assert.deepEqual(back.names, ['a', 'b']);
});

test('decodeArtifact() rejects damaged containers', () => {
  const bytes = encodeArtifact({ b: new Uint8Array(10) });
  assert.throws(() => decodeArtifact(bytes.subarray(0, bytes.length - 1)), /truncated/);
  const longer = new Uint8Array(bytes.length + 1);
  longer.set(bytes);
  assert.throws(() => decodeArtifact(longer), /trailing/);
});
