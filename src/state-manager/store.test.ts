import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FailingStore } from './failing-store.ts';
import { LmdbStore } from './lmdb-store.ts';
import { MemoryStore } from './memory-store.ts';
import type { Store } from './store.ts';

const dirs: string[] = [];
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'ic-exec-store-'));
  dirs.push(d);
  return d;
}

function openLmdb(dir = tempDir()): LmdbStore {
  const s = LmdbStore.open(dir);
  if (!(s instanceof LmdbStore)) throw new Error(s.message);
  return s;
}

const key = (kind: number, n: number): Uint8Array => { const k = new Uint8Array(33).fill(n); k[0] = kind; return k; };
const P = (n: number): Uint8Array => key(0x50, n);
const B = (n: number): Uint8Array => key(0x42, n);
/** Plain bytes (LMDB returns Buffers). */
const u8 = (b: Uint8Array | undefined): Uint8Array | undefined => (b === undefined ? undefined : Uint8Array.from(b));

for (const [name, make] of [['MemoryStore', () => new MemoryStore()], ['LmdbStore', () => openLmdb()]] as const) {
  describe(`${name}`, () => {
    it('keeps objects once, their counts, checkpoints in height order and meta', async () => {
      const s: Store = make();
      assert.deepEqual(await s.commit({ putObjects: [[P(1), Uint8Array.of(1)], [B(2), Uint8Array.of(2, 2)]] }), { ok: true });
      assert.deepEqual(u8(s.get(P(1))), Uint8Array.of(1));
      assert.deepEqual(u8(s.get(B(2))), Uint8Array.of(2, 2));
      assert.equal(s.has(P(3)), false);
      await s.commit({ putObjects: [[P(1), Uint8Array.of(9)]] });
      assert.deepEqual(u8(s.get(P(1))), Uint8Array.of(1), 'an existing object is not rewritten');
      await s.commit({ putObjects: [[P(1), Uint8Array.of(9)]], overwriteObjects: true });
      assert.deepEqual(u8(s.get(P(1))), Uint8Array.of(9), 'unless asked (repair)');
      assert.deepEqual(new Set([...s.objectKeys()].map((k) => Buffer.from(k).toString('hex'))), new Set([P(1), B(2)].map((k) => Buffer.from(k).toString('hex'))));
      await s.commit({ deleteObjects: [B(2)] });
      assert.equal(s.has(B(2)), false);
      assert.equal([...s.objectKeys()].length, 1);
      for (const h of [256n, 2n, 10n]) await s.commit({ putCheckpoints: [[h, Uint8Array.of(Number(h % 200n))]] });
      assert.deepEqual(s.checkpointHeights(), [2n, 10n, 256n]);
      await s.commit({ deleteCheckpoints: [10n], putMeta: [['x', Uint8Array.of(5)]] });
      assert.deepEqual(s.checkpointHeights(), [2n, 256n]);
      assert.deepEqual(u8(s.meta('x')), Uint8Array.of(5));
      assert.equal(s.meta('y'), undefined);
      assert.equal(s.stats().checkpoints, 2);
      await s.close();
    });

    it('logs batches in height order and prunes them', async () => {
      const s: Store = make();
      assert.equal(s.lastBatchHeight(), undefined);
      assert.equal(s.firstBatchHeight(), undefined);
      for (let h = 1n; h <= 300n; h++) assert.ok((await s.appendBatch(h, Uint8Array.of(Number(h % 256n)))).ok);
      assert.equal(s.lastBatchHeight(), 300n);
      assert.deepEqual(s.batchHeights(297n), [298n, 299n, 300n]);
      assert.deepEqual(u8(s.batch(256n)), Uint8Array.of(0));
      await s.commit({ pruneBatchesUpTo: 255n });
      assert.deepEqual(s.batchHeights()[0], 256n);
      assert.equal(s.firstBatchHeight(), 256n);
      assert.equal(s.stats().batches, 45);
      await s.close();
    });

    it('refuse every write after an injected failure, leaving the store as the last good write left it', async () => {
      const inner: Store = make();
      const s = new FailingStore(inner, { afterWrites: 2 });
      assert.ok((await s.appendBatch(1n, Uint8Array.of(1))).ok);
      assert.ok((await s.commit({ putMeta: [['a', Uint8Array.of(1)]] })).ok);
      const r = await s.commit({ putCheckpoints: [[1n, Uint8Array.of(1)]], putObjects: [[P(7), Uint8Array.of(7)]] });
      assert.ok(!r.ok);
      assert.equal(r.error.kind, 'full');
      assert.match(r.error.message, /MDB_MAP_FULL/);
      assert.ok(!(await s.appendBatch(2n, Uint8Array.of(2))).ok);
      assert.deepEqual(inner.checkpointHeights(), []);
      assert.equal(inner.has(P(7)), false);
      assert.equal(inner.lastBatchHeight(), 1n);
      assert.deepEqual(s.failure?.kind, 'full');
      await inner.close();
    });
  });
}

describe('LmdbStore on disk', () => {
  it('keeps everything across close and open', async () => {
    const dir = tempDir();
    const a = openLmdb(dir);
    await a.appendBatch(1n, Uint8Array.of(1));
    await a.commit({ putObjects: [[P(1), new Uint8Array(4096).fill(3)]], putCheckpoints: [[1n, Uint8Array.of(4)]], putMeta: [['k', Uint8Array.of(6)]] });
    await a.close();
    assert.equal((await a.appendBatch(2n, Uint8Array.of(2))).ok, false, 'a closed store refuses writes');
    const b = openLmdb(dir);
    assert.equal(b.lastBatchHeight(), 1n);
    assert.deepEqual(u8(b.get(P(1))), new Uint8Array(4096).fill(3));
    assert.deepEqual(b.checkpointHeights(), [1n]);
    assert.deepEqual(u8(b.meta('k')), Uint8Array.of(6));
    assert.equal(b.stats().objects, 1);
    await b.close();
  });

  it('reports a directory it cannot open as an error value', () => {
    const r = LmdbStore.open('/proc/version/not-a-dir');
    assert.ok(!(r instanceof LmdbStore));
    assert.match(r.message, /opening the store/);
  });
});
