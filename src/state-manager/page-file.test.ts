import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LmdbStore } from './lmdb-store.ts';
import { PageFile, SLOT_BYTES } from './page-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'ic-exec-page-file-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const page = (fill: number): Uint8Array => new Uint8Array(SLOT_BYTES).fill(fill);

describe('PageFile', () => {
  it('writes pages to consecutive new slots and reads them back', async () => {
    const path = join(dir, 'a.bin');
    const f = PageFile.open(path, []);
    assert.deepEqual(f.write([page(1), page(2), page(3)]), [0, 1, 2]);
    await f.sync();
    assert.equal(f.read(1)[0], 2);
    assert.equal(statSync(path).size, 3 * SLOT_BYTES);
    assert.throws(() => f.read(3), /outside/);
    assert.throws(() => f.write([new Uint8Array(10)]), RangeError);
    f.close();
  });

  it('reuses freed slots before growing, and at open frees every slot the index does not refer to', () => {
    const path = join(dir, 'b.bin');
    const f = PageFile.open(path, []);
    f.write([page(1), page(2), page(3), page(4)]);
    f.free([1, 2]);
    const reused = f.write([page(7), page(8), page(9)]);
    assert.deepEqual([...reused].sort(), [1, 2, 4]);
    assert.equal(f.size, 5);
    f.close();
    const again = PageFile.open(path, [0, 3]); // the index refers to slots 0 and 3 only
    assert.equal(again.freeCount, 3);
    assert.deepEqual(again.write([page(5), page(6)]), [1, 2], 'lowest free slots first');
    assert.equal(again.read(0)[0], 1);
    assert.equal(again.read(3)[0], 4);
    again.close();
  });

  it('writes runs longer than one write call (and a view into a larger buffer) in place, each page to its slot', async () => {
    const path = join(dir, 'c.bin');
    const f = PageFile.open(path, []);
    const n = 600; // > 256 pages: three runs of at most 1 MiB
    const slab = new Uint8Array((n + 1) * SLOT_BYTES);
    const pages = Array.from({ length: n }, (_, i) => {
      const p = slab.subarray((i + 1) * SLOT_BYTES, (i + 2) * SLOT_BYTES);
      new DataView(p.buffer, p.byteOffset).setUint32(SLOT_BYTES - 4, i + 1);
      p[0] = i & 0xff;
      return p;
    });
    assert.deepEqual(f.write(pages), Array.from({ length: n }, (_, i) => i));
    await f.sync();
    assert.equal(statSync(path).size, n * SLOT_BYTES);
    for (const i of [0, 255, 256, 257, 511, 512, 599]) {
      const back = f.read(i);
      assert.equal(back[0], i & 0xff);
      assert.equal(new DataView(back.buffer, back.byteOffset).getUint32(SLOT_BYTES - 4), i + 1);
    }
    f.close();
  });
});

describe('LmdbStore pages in the page file', () => {
  it('keeps 4 KiB pages in pages.bin (only their slot in LMDB), reuses slots of deleted pages, and reopens', async () => {
    const path = join(dir, 'store');
    const open = (): LmdbStore => {
      const s = LmdbStore.open(path);
      if (!(s instanceof LmdbStore)) throw new Error(s.message);
      return s;
    };
    const key = (n: number): Uint8Array => { const k = new Uint8Array(33).fill(n); k[0] = 0x50; return k; };
    const s = open();
    assert.deepEqual(await s.commit({ putObjects: Array.from({ length: 64 }, (_, i) => [key(i), page(i)] as const) }), { ok: true });
    assert.equal(statSync(join(path, 'pages.bin')).size, 64 * SLOT_BYTES);
    assert.equal(s.get(key(5))?.[0], 5);
    assert.ok(s.has(key(63)));
    assert.deepEqual(await s.commit({ putObjects: [[key(5), page(99)]] }), { ok: true });
    assert.equal(s.get(key(5))?.[0], 5, 'an existing page is not rewritten');
    await s.commit({ deleteObjects: [key(1), key(2)] });
    assert.equal(s.has(key(1)), false);
    await s.commit({ putObjects: [[key(200), page(200)], [key(201), page(201)], [key(202), page(202)]] });
    assert.equal(statSync(join(path, 'pages.bin')).size, 65 * SLOT_BYTES, 'two freed slots reused, one new');
    assert.equal([...s.objectKeys()].length, 65);
    await s.close();
    const again = open();
    assert.deepEqual([200, 201, 202, 63, 0].map((n) => again.get(key(n))?.[0]), [200, 201, 202, 63, 0]);
    assert.equal(again.get(key(1)), undefined);
    await again.commit({ putObjects: [[key(210), page(210)]] });
    assert.equal(statSync(join(path, 'pages.bin')).size, 66 * SLOT_BYTES, 'no free slot left after reopening');
    await again.close();
  });
});
