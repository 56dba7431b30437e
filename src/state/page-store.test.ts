import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PAGE_BYTES, PageMap } from './page-map.ts';
import {
  DEFAULT_PAGE_CACHE_PAGES, PageStoreError, StoredPage, clearPageCache, pageCacheStats, pageHash, pageKey, setPageCacheCapacity,
} from './page-store.ts';
import type { PageStore } from './page-store.ts';

const page = (fill: number): Uint8Array => new Uint8Array(PAGE_BYTES).fill(fill);

/** A content-addressed store in a Map, counting reads. */
class MapStore implements PageStore {
  readonly objects = new Map<string, Uint8Array>();
  gets = 0;
  getManys = 0;
  get(key: Uint8Array): Uint8Array | undefined {
    this.gets++;
    return this.objects.get(Buffer.from(key).toString('hex'));
  }
  has(key: Uint8Array): boolean {
    return this.objects.has(Buffer.from(key).toString('hex'));
  }
  put(bytes: Uint8Array): void {
    this.objects.set(Buffer.from(pageKey(pageHash(bytes))).toString('hex'), bytes.slice());
  }
  /** Writes every page of `map` (what a checkpoint does). */
  putAll(map: PageMap): void {
    for (const p of map.pages()) this.put(p.bytes);
  }
}

afterEach(() => {
  setPageCacheCapacity(DEFAULT_PAGE_CACHE_PAGES);
  clearPageCache();
});

describe('PageMap with stored pages', () => {
  it('evicts in place: same contents, hash and version; bytes come back from the store', () => {
    const a = PageMap.fromPages([{ index: 1, bytes: page(1) }, { index: 70_000, bytes: page(2) }, { index: 5, bytes: page(3) }]);
    const hash = a.contentHash();
    const version = a.version;
    const store = new MapStore();
    store.putAll(a);
    assert.equal(a.inMemoryPageCount(), 3);
    assert.deepEqual(a.evict(store), { evicted: 3, inMemory: 0 });
    assert.equal(a.inMemoryPageCount(), 0);
    assert.ok(a.isFullyStored);
    assert.equal(a.isInMemory(1), false);
    assert.equal(a.version, version);
    assert.deepEqual(a.contentHash(), hash);
    assert.equal(store.gets, 0, 'the hash is known without loading');
    assert.equal(a.get(70_000)?.[0], 2);
    assert.equal(a.get(2), undefined);
    assert.ok(a.pageEquals(5, page(3)));
    assert.deepEqual([...a.pages()].map((p) => [p.index, p.bytes[0]]), [[1, 1], [5, 3], [70_000, 2]]);
    assert.deepEqual(a.evict(store), { evicted: 0, inMemory: 0 }, 'evicting again does nothing');
  });

  it('keeps in RAM the pages the store does not have, and writes on top of stored pages', () => {
    const a = PageMap.fromPages([{ index: 0, bytes: page(1) }, { index: 1, bytes: page(2) }]);
    const store = new MapStore();
    store.put(page(1));
    assert.deepEqual(a.evict(store), { evicted: 1, inMemory: 1 });
    assert.ok(!a.isFullyStored);
    const b = a.withPages([{ index: 0, bytes: page(9) }, { index: 64, bytes: page(4) }]);
    assert.equal(b.inMemoryPageCount(), 3);
    assert.equal(a.get(0)?.[0], 1, 'the parent is unchanged');
    const plain = PageMap.fromPages([{ index: 0, bytes: page(9) }, { index: 1, bytes: page(2) }, { index: 64, bytes: page(4) }]);
    assert.deepEqual(b.contentHash(), plain.contentHash());
    assert.ok(b.contentEquals(plain));
    const c = b.withPages([{ index: 0, bytes: page(0) }]);
    assert.equal(c.pageCount, 2, 'a stored page written back to zeros is removed');
  });

  it('evicts the nodes shared with maps derived from the evicted one', () => {
    const a = PageMap.fromPages(Array.from({ length: 200 }, (_, i) => ({ index: i * 100, bytes: page(i % 200 + 1) })));
    const b = a.withPages([{ index: 0, bytes: page(250) }]);
    const store = new MapStore();
    store.putAll(a);
    a.evict(store);
    assert.equal(b.inMemoryPageCount(), 1, 'only the page written after the checkpoint stays in RAM');
    assert.equal(b.get(100)?.[0], 2);
  });

  it('builds a map from stored pages without reading them', () => {
    const a = PageMap.fromPages([{ index: 3, bytes: page(7) }, { index: 4_000_000, bytes: page(8) }]);
    const store = new MapStore();
    store.putAll(a);
    const b = PageMap.fromStoredPages([{ index: 3, hash: pageHash(page(7)) }, { index: 4_000_000, hash: pageHash(page(8)) }], store);
    assert.equal(b.pageCount, 2);
    assert.deepEqual(b.contentHash(), a.contentHash());
    assert.equal(store.gets, 0);
    const buf = new Uint8Array(5 * PAGE_BYTES);
    assert.equal(b.copyInto(buf), 1);
    assert.equal(buf[3 * PAGE_BYTES], 7);
  });

  it('loads through a bounded LRU cache', () => {
    const pages = Array.from({ length: 10 }, (_, i) => ({ index: i, bytes: page(i + 1) }));
    const a = PageMap.fromPages(pages);
    const store = new MapStore();
    store.putAll(a);
    a.evict(store);
    setPageCacheCapacity(4);
    const before = pageCacheStats();
    for (let i = 0; i < 10; i++) a.get(i);
    a.get(9);
    a.get(8);
    const after = pageCacheStats();
    assert.equal(after.pages, 4);
    assert.equal(after.misses - before.misses, 10);
    assert.equal(after.hits - before.hits, 2);
    a.get(0);
    assert.equal(pageCacheStats().misses - before.misses, 11, 'page 0 was evicted from the cache');
    setPageCacheCapacity(0);
    assert.equal(pageCacheStats().pages, 0);
  });

  it('loads the pages of a node with one getMany when the store has it', () => {
    const a = PageMap.fromPages(Array.from({ length: 64 }, (_, i) => ({ index: i, bytes: page(i + 1) })));
    const store = new (class extends MapStore {
      getMany(keys: readonly Uint8Array[]): (Uint8Array | undefined)[] {
        this.getManys++;
        return keys.map((k) => this.objects.get(Buffer.from(k).toString('hex')));
      }
    })();
    store.putAll(a);
    a.evict(store);
    clearPageCache();
    assert.equal([...a.pages()].length, 64);
    assert.equal(store.getManys, 1);
    assert.equal(store.gets, 0);
  });

  it('packs stored pages per node: evicted again after writes, copies of a node, and pages of two stores', () => {
    const pages = Array.from({ length: 130 }, (_, i) => ({ index: i, bytes: page(i + 1) }));
    const a = PageMap.fromPages(pages);
    const hash = a.contentHash();
    const first = new MapStore();
    first.putAll(a);
    assert.deepEqual(a.evict(first), { evicted: 130, inMemory: 0 });
    // a map derived from the packed one: one page rewritten in each of two nodes, one added
    const b = a.withPages([{ index: 3, bytes: page(200) }, { index: 70, bytes: page(201) }, { index: 140, bytes: page(202) }]);
    assert.equal(b.inMemoryPageCount(), 3);
    const second = new MapStore();
    second.putAll(b);
    assert.deepEqual(b.evict(second), { evicted: 3, inMemory: 0 });
    clearPageCache();
    for (const [i, fill] of [[0, 1], [3, 200], [63, 64], [64, 65], [70, 201], [129, 130], [140, 202]]) assert.equal(b.get(i)?.[0], fill, `page ${i}`);
    assert.equal(a.get(3)?.[0], 4, 'the parent keeps its page');
    assert.deepEqual(a.contentHash(), hash);
    const plain = PageMap.fromPages([...pages.filter((p) => p.index !== 3 && p.index !== 70), { index: 3, bytes: page(200) }, { index: 70, bytes: page(201) }, { index: 140, bytes: page(202) }]);
    assert.deepEqual(b.contentHash(), plain.contentHash());
    assert.ok(b.contentEquals(plain));
    // the pages of the first store still load from it, those written later from the second
    const gets = [first.gets, second.gets];
    clearPageCache();
    b.get(5);
    b.get(3);
    assert.deepEqual([first.gets - gets[0], second.gets - gets[1]], [1, 1]);
    assert.deepEqual([...b.leaves()].filter((l) => 'stored' in l).length, 131);
  });

  it('serves a cached page only to reads from the store it came from', () => {
    const good = new MapStore();
    good.put(page(5));
    const a = PageMap.fromStoredPages([{ index: 0, hash: pageHash(page(5)) }], good);
    assert.equal(a.get(0)?.[0], 5);
    const bad = new MapStore();
    bad.objects.set(Buffer.from(pageKey(pageHash(page(5)))).toString('hex'), page(6));
    const b = PageMap.fromStoredPages([{ index: 0, hash: pageHash(page(5)) }], bad);
    assert.throws(() => b.get(0), /does not match its hash/);
    assert.equal(a.get(0)?.[0], 5);
  });

  it('refuses a page missing from its store or not matching its hash', () => {
    const store = new MapStore();
    const missing = new StoredPage(pageHash(page(1)), store);
    assert.throws(() => missing.load(), PageStoreError);
    store.objects.set(Buffer.from(pageKey(pageHash(page(2)))).toString('hex'), page(3));
    const a = PageMap.fromStoredPages([{ index: 0, hash: pageHash(page(2)) }], store);
    assert.throws(() => a.get(0), /does not match its hash/);
    assert.throws(() => new StoredPage(new Uint8Array(31), store), RangeError);
  });
});
