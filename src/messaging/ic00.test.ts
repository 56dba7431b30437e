import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IDL } from '@dfinity/candid';
import { decodeCandid } from './ic00.ts';

test('decodeCandid() decodes a view into a larger buffer (a pooled Buffer)', () => {
  const encoded = new Uint8Array(IDL.encode([IDL.Nat], [5n]));
  const pool = Buffer.alloc(64);
  pool.set(encoded, 10);
  assert.deepEqual(decodeCandid([IDL.Nat], pool.subarray(10, 10 + encoded.length)), [5n]);
});
