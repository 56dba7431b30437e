import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Replica } from '../replica/index.ts';
import { fileKeyCache } from './key-cache.ts';

const ID = 'ab'.repeat(32);

describe('fileKeyCache', () => {
  it('keeps entries as files named by their id; anything else is a miss', () => {
    const dir = mkdtempSync(join(tmpdir(), 'key-cache-'));
    try {
      const cache = fileKeyCache(join(dir, 'keys'));
      assert.equal(cache.get(ID), undefined);
      cache.set(ID, Uint8Array.of(1, 2, 3));
      assert.deepEqual(cache.get(ID), Uint8Array.of(1, 2, 3));
      assert.deepEqual(readdirSync(join(dir, 'keys')), [ID]);
      cache.set('../escape', Uint8Array.of(1));
      assert.equal(cache.get('../escape'), undefined);
      assert.deepEqual(readdirSync(dir), ['keys']);
      writeFileSync(join(dir, 'file'), '');
      const unusable = fileKeyCache(join(dir, 'file', 'keys'));
      unusable.set(ID, Uint8Array.of(1));
      assert.equal(unusable.get(ID), undefined);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives a replica the same subnet key as deriving it, from the second start on without deriving it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'key-cache-'));
    try {
      const cache = fileKeyCache(dir);
      const keys: Uint8Array[] = [];
      for (const keyCache of [undefined, cache, cache]) {
        const r = await Replica.create(keyCache === undefined ? { seed: 'key-cache-test' } : { seed: 'key-cache-test', keyCache });
        keys.push(r.rootKey);
        await r.close();
      }
      assert.deepEqual(keys[1], keys[0]);
      assert.deepEqual(keys[2], keys[0]);
      assert.equal(readdirSync(dir).length, 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
