/**
 * Pages kept on disk: the store interface a {@link PageMap} loads from, the
 * stored-page leaf, and the bounded cache of loaded pages.
 *
 * A `PageMap` leaf is either the page's bytes (in RAM) or a
 * {@link StoredPage}: the page's leaf hash (`SHA-256(ds("ic-exec-page") ‖
 * page)`, the hash `PageMap.contentHash` is built from) and the store that
 * holds it under {@link pageKey}`(hash)`. A stored page is loaded
 * synchronously when read (LMDB's `getBinary` is synchronous and
 * mmap-backed), checked against its hash unless the store vouches for its
 * pages, and kept in a process-wide LRU of {@link DEFAULT_PAGE_CACHE_PAGES}
 * pages (by leaf hash and store, not by object: a map's packed pages are
 * made objects only when read); nothing else keeps it, so reading a stored
 * memory end to end holds at most the cache in RAM. A page missing from its store, or whose
 * bytes do not match its hash, is a damaged store: {@link PageStoreError}
 * (thrown — a replica cannot continue without its memory).
 *
 * Memory: a `StoredPage` costs ~90 bytes of JavaScript heap (the object and
 * its 32-byte hash as a one-byte string); a packed one in a `PageMap` ~40
 * (page-map.ts), against 4 KiB + ~100 bytes for a page in RAM.
 */
import { domainSeparated } from '../crypto/index.ts';

/** Bytes in a page. */
const PAGE_SIZE = 4096;
/** The first byte of a page's key in a content-addressed store (`P`; the checkpoint codec's kinds). */
export const PAGE_KEY_KIND = 0x50;
/** Pages the cache of loaded pages holds by default (16 MiB). */
export const DEFAULT_PAGE_CACHE_PAGES = 4096;

/**
 * Where stored pages are loaded from: a content-addressed store whose page
 * objects are the pages' bytes under {@link pageKey}. Reads are synchronous.
 */
export interface PageStore {
  /** The object under `key`, or `undefined` if there is none. Do not mutate it. */
  get(key: Uint8Array): Uint8Array | undefined;
  /** Whether `key` is stored (when present, eviction checks it before dropping a page's bytes). */
  has?(key: Uint8Array): boolean;
  /** Several objects at once (when present, used to load runs of pages with one call). */
  getMany?(keys: readonly Uint8Array[]): readonly (Uint8Array | undefined)[];
  /** The store has checked every object it returns against its key (pages are then not re-hashed on load). */
  readonly verified?: boolean;
}

/** A stored page that cannot be read back: the store is damaged or incomplete. */
export class PageStoreError extends Error {
  override readonly name = 'PageStoreError';
}

/** The leaf hash of a page's bytes (its `contentHash` leaf, and its key's hash). */
export function pageHash(bytes: Uint8Array): Uint8Array {
  return domainSeparated('ic-exec-page', bytes);
}

/** The key of the page whose leaf hash is `hash`: `0x50 ‖ hash`. */
export function pageKey(hash: Uint8Array): Uint8Array {
  const key = new Uint8Array(1 + hash.length);
  key[0] = PAGE_KEY_KIND;
  key.set(hash, 1);
  return key;
}

/** A page that lives in a store: its leaf hash and where to load it from. Immutable. */
export class StoredPage {
  /** The leaf hash as a one-byte string (48 bytes of heap, against ~150 for a Uint8Array). */
  readonly #hash: string;
  readonly store: PageStore;

  /** @param hash the leaf hash: 32 bytes, or as a 32-character one-byte (latin1) string. */
  constructor(hash: Uint8Array | string, store: PageStore) {
    if (hash.length !== 32) throw new RangeError(`a page hash has 32 bytes, got ${hash.length}`);
    this.#hash = typeof hash === 'string' ? hash : Buffer.from(hash.buffer, hash.byteOffset, hash.byteLength).toString('latin1');
    this.store = store;
  }

  /** The page's leaf hash. */
  get hash(): Uint8Array {
    const b = Buffer.from(this.#hash, 'latin1');
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  }

  /** The leaf hash as a 32-character one-byte (latin1) string. */
  get hashString(): string {
    return this.#hash;
  }

  /** The page's key in its store. */
  get key(): Uint8Array {
    return pageKey(this.hash);
  }

  /** Whether this is the page with leaf hash `hash`. */
  hasHash(hash: Uint8Array): boolean {
    return Buffer.from(hash.buffer, hash.byteOffset, hash.byteLength).toString('latin1') === this.#hash;
  }

  /** The page's bytes (through the cache). Do not mutate them. @throws {PageStoreError} */
  load(): Uint8Array {
    const hit = this.cached();
    if (hit !== undefined) {
      cache.delete(this.#hash);
      cache.set(this.#hash, { store: this.store, bytes: hit });
      stats.hits++;
      return hit;
    }
    stats.misses++;
    return remember(this, this.#check(this.store.get(this.key)));
  }

  /** The page's bytes if the cache has them (not counted as a hit). */
  cached(): Uint8Array | undefined {
    const hit = cache.get(this.#hash);
    return hit !== undefined && hit.store === this.store ? hit.bytes : undefined;
  }

  /** Checks what the store returned for this page. @throws {PageStoreError} */
  #check(bytes: Uint8Array | undefined): Uint8Array {
    const hex = (): string => Buffer.from(this.#hash, 'latin1').toString('hex');
    if (bytes === undefined) throw new PageStoreError(`page ${hex()} is missing from its store`);
    if (bytes.length !== PAGE_SIZE) throw new PageStoreError(`page ${hex()} has ${bytes.length} bytes in its store, not ${PAGE_SIZE}`);
    if (this.store.verified !== true && !this.hasHash(pageHash(bytes))) throw new PageStoreError(`page ${hex()} does not match its hash in its store`);
    return bytes;
  }

  /**
   * Loads the pages of `pages` that are not cached with one `getMany` call
   * when their store has it (they must share one store); the rest is
   * loaded one by one on use.
   */
  static prefetch(pages: readonly StoredPage[]): void {
    const missing = pages.filter((p) => p.cached() === undefined);
    if (missing.length < 2) return;
    const store = missing[0].store;
    if (store.getMany === undefined || missing.some((p) => p.store !== store)) return;
    const got = store.getMany(missing.map((p) => p.key));
    stats.misses += missing.length;
    missing.forEach((p, i) => { remember(p, p.#check(got[i])); });
  }
}

/**
 * Loaded pages by leaf hash (as a one-byte string), with the store they came
 * from: a page object is not the key, so the stored pages of a packed node
 * (page-map.ts), made when read, find what an earlier read loaded. An entry
 * serves only reads from its own store (one store's damage never hides
 * behind another's copy).
 */
const cache = new Map<string, { readonly store: PageStore; readonly bytes: Uint8Array }>();
let capacity = DEFAULT_PAGE_CACHE_PAGES;
const stats = { hits: 0, misses: 0 };

function remember(page: StoredPage, bytes: Uint8Array): Uint8Array {
  if (capacity === 0) return bytes;
  const key = page.hashString;
  cache.delete(key);
  cache.set(key, { store: page.store, bytes });
  if (cache.size > capacity) cache.delete(cache.keys().next().value as string);
  return bytes;
}

/** Sets how many loaded pages the process keeps (LRU); `0` keeps none. */
export function setPageCacheCapacity(pages: number): void {
  if (!Number.isSafeInteger(pages) || pages < 0) throw new RangeError(`page cache capacity must be a non-negative integer, got ${pages}`);
  capacity = pages;
  for (const k of cache.keys()) {
    if (cache.size <= capacity) break;
    cache.delete(k);
  }
}

/** The cache of loaded pages: pages held, capacity, hits and misses since the process started. */
export function pageCacheStats(): { readonly pages: number; readonly capacity: number; readonly hits: number; readonly misses: number } {
  return { pages: cache.size, capacity, hits: stats.hits, misses: stats.misses };
}

/** Empties the cache of loaded pages (tests; or after a store was closed). */
export function clearPageCache(): void {
  cache.clear();
}
