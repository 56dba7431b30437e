/**
 * `PageMap` (the replica's name): canonical canister memory as 4 KiB pages,
 * sparse (a page never written, or written back to all zeros, is absent and
 * reads as zeros) and persistent (immutable and versioned).
 *
 * Mechanism: a radix tree of fan-out 64 over the page index. Leaves are the
 * pages' bytes; a tree of depth `d` addresses `64^d` pages and grows a level
 * when a larger index arrives. {@link PageMap.withPages} copies only the
 * nodes on the paths to the changed pages (`O(k · depth)` for `k` pages) and
 * shares everything else with its parent, so
 *
 *     snapshot for a query   = keep the reference            O(1)
 *     commit an execution    = base.withPages(delta)         O(delta)
 *     roll back              = keep using the old reference  O(1)
 *
 * Pages are owned by the map once handed over: nobody mutates a page after
 * `withPages` took it (callers pass fresh copies). Iteration
 * ({@link PageMap.pages}) is in ascending page index, the only order in
 * which pages are ever observable.
 *
 * A leaf is the page's bytes, or a page in a store (page-store.ts: its leaf
 * hash and the store; loaded on read through a bounded cache, never for
 * hashing). {@link PageMap.evict} turns, in place, the bytes of pages a
 * checkpoint wrote into stored pages: contents, hashes, versions and
 * identities do not change (the tree's nodes are shared by every map that
 * has them, and all of those see the same contents), only where the bytes
 * live. So a map's readers never know which kind a page is.
 *
 * Stored pages are packed per bottom node (page-pack.ts): no object per
 * stored page until one is read.
 *
 * Every map gets a `version`, unique in the process, so that a live instance
 * can tell which state its memory mirrors (versions are identities, not
 * state: they never enter hashes or results).
 *
 * `contentHash()` is a Merkle hash of the contents that does not depend on
 * the tree's shape: each subtree's hash is cached on its (immutable) node, so
 * hashing a map after a delta of `k` pages rehashes `k · depth` nodes. It
 * hashes the canonical tree of `MAX_LEVELS` levels (every u32 index):
 *
 *     leaf(page)        = SHA-256("ic-exec-page" ‖ page)
 *     node(level, kids) = SHA-256("ic-exec-node" ‖ level ‖ (slot ‖ hash(kid))* for non-empty kids)
 *     empty subtree     = absent from its parent; an all-empty map hashes to node(MAX_LEVELS - 1, ∅)
 *
 * A tree of depth `d < MAX_LEVELS` is the bottom `d` levels of that tree, so
 * its root is wrapped as slot 0 of the levels above it.
 */
import { domainSeparated } from '../crypto/index.ts';
import { NODE_SLOTS, copyNode, leafAt, pack } from './page-pack.ts';
import type { Leaf, Node } from './page-pack.ts';
import { StoredPage, pageHash, pageKey } from './page-store.ts';
import type { PageStore } from './page-store.ts';

/** Bytes in a page (the OS page of the replica's dirty-page tracking). */
export const PAGE_BYTES = 4096;

const BITS = 6;
const FANOUT = NODE_SLOTS; // 1 << BITS
const MASK = FANOUT - 1;
/** Largest page index (16 TiB of memory): indices stay u32, so the shifts below are exact. */
const MAX_INDEX = 0xffff_ffff;
/** Levels of inner nodes that cover every u32 index (64^6 = 2^36). */
const MAX_LEVELS = 6;
/** Subtree hashes, by node or leaf; a subtree's contents never change once a map is built. */
const hashCache = new WeakMap<object, Uint8Array>();
/** Nodes whose every page is a stored page (eviction skips them). */
const storedNodes = new WeakSet<Node>();

/** The bytes of a leaf (a stored page is loaded). */
function leafBytes(leaf: Leaf): Uint8Array {
  return leaf instanceof StoredPage ? leaf.load() : leaf;
}

/** The leaf hash of a leaf: a stored page's key hash, or the bytes' (cached). */
function leafHash(leaf: Leaf): Uint8Array {
  if (leaf instanceof StoredPage) return leaf.hash;
  let h = hashCache.get(leaf);
  if (h === undefined) hashCache.set(leaf, (h = pageHash(leaf)));
  return h;
}

/** One page of a delta: its index and its full 4 KiB contents. */
export interface PageDelta {
  readonly index: number;
  readonly bytes: Uint8Array;
}

let nextVersion = 1;

/** Whether a page is all zeros. */
export function isZeroPage(bytes: Uint8Array): boolean {
  const words = new BigUint64Array(bytes.buffer, bytes.byteOffset, PAGE_BYTES / 8);
  for (let i = 0; i < words.length; i++) if (words[i] !== 0n) return false;
  return true;
}

/**
 * The internals the checkpoint codec needs (src/state/checkpoint/page-tree.ts
 * only; not exported from the folder's index): the tree as it is, a map
 * from a tree it rebuilt, and the hashes of the canonical tree.
 */
export interface PageMapFriend {
  readonly fanout: number;
  readonly maxLevels: number;
  tree(map: PageMap): { readonly root: PageNode | undefined; readonly depth: number };
  make(root: PageNode | undefined, depth: number, pageCount: number): PageMap;
  subtreeHash(node: PageNode | PageLeaf, level: number): Uint8Array | undefined;
  nodeHash(level: number, kids: readonly (readonly [number, Uint8Array])[]): Uint8Array;
  /** Records a subtree's known hash (a rebuilt tree whose hashes were checked). */
  primeHash(node: PageNode | Uint8Array, hash: Uint8Array): void;
  /** A leaf for the page with leaf hash `hash` in `store`, loaded only when read. */
  storedLeaf(hash: Uint8Array, store: PageStore): PageLeaf;
  /** Sets the slots of a bottom node to the pages of `store` with these leaf hashes, packed (slot, hash). */
  packStoredLeaves(node: PageNode, leaves: readonly (readonly [number, Uint8Array])[], store: PageStore): void;
  /** The leaf in a bottom node's slot (read node slots of bottom nodes only through this). */
  leafAt(node: PageNode, slot: number): PageLeaf | undefined;
  /** A leaf's hash, without loading it. */
  leafHash(leaf: PageLeaf): Uint8Array;
  /** A leaf's bytes (a stored page is loaded). */
  leafBytes(leaf: PageLeaf): Uint8Array;
  /** Whether a leaf is a page already stored in `store`. */
  isStoredIn(leaf: PageLeaf, store: PageStore): boolean;
}
/** An inner node of a map's tree, for {@link PageMapFriend}. */
export type PageNode = Node;
/** A leaf of a map's tree (the bytes, or a stored page), for {@link PageMapFriend}. */
export type PageLeaf = Leaf;
/** Set once, by PageMap's static block. */
export let pageMapFriend: PageMapFriend;

/** A persistent, sparse map from page index to 4 KiB page. */
export class PageMap {
  static {
    pageMapFriend = Object.freeze({
      fanout: FANOUT,
      maxLevels: MAX_LEVELS,
      tree: (map: PageMap) => ({ root: map.#root, depth: map.#depth }),
      make: (root: Node | undefined, depth: number, pageCount: number) => new PageMap(root, depth, pageCount),
      subtreeHash,
      nodeHash,
      primeHash: (node: Node | Leaf, hash: Uint8Array) => { hashCache.set(node, hash); },
      storedLeaf: (hash: Uint8Array, store: PageStore) => new StoredPage(hash, store),
      packStoredLeaves: (node: Node, leaves: readonly (readonly [number, Uint8Array])[], store: PageStore) => { pack(node, store, new Map(leaves)); },
      leafAt,
      leafHash,
      leafBytes,
      isStoredIn: (leaf: Leaf, store: PageStore) => leaf instanceof StoredPage && leaf.store === store,
    });
  }

  /** Identity of this map (see the module header). */
  readonly version: number;
  /** Pages present (non-zero), for metrics and tests. */
  readonly pageCount: number;
  readonly #root: Node | undefined;
  /** Levels of inner nodes above the leaves. */
  readonly #depth: number;

  private constructor(root: Node | undefined, depth: number, pageCount: number) {
    this.#root = root;
    this.#depth = depth;
    this.pageCount = pageCount;
    this.version = nextVersion++;
  }

  /** The map with no pages (all memory reads as zeros). */
  static empty(): PageMap {
    return new PageMap(undefined, 1, 0);
  }

  /**
   * A map holding `pages` (later entries win for a repeated index).
   * @param pages taken over, not copied.
   */
  static fromPages(pages: Iterable<PageDelta>): PageMap {
    return PageMap.empty().withPages(pages);
  }

  /**
   * A map whose pages are stored pages of `store`, by leaf hash (a
   * checkpoint's map, decoded): nothing is loaded until read.
   */
  static fromStoredPages(pages: Iterable<{ readonly index: number; readonly hash: Uint8Array }>, store: PageStore): PageMap {
    return PageMap.empty().withStoredPages(pages, store);
  }

  /** The page at `index`, or `undefined` if it is all zeros (a stored page is loaded). Do not mutate it. */
  get(index: number): Uint8Array | undefined {
    const leaf = this.#leaf(index);
    return leaf === undefined ? undefined : leafBytes(leaf);
  }

  #leaf(index: number): Leaf | undefined {
    if (index >= FANOUT ** this.#depth) return undefined;
    let node: Node | undefined = this.#root;
    for (let level = this.#depth - 1; node !== undefined && level > 0; level--) {
      node = node[(index >>> (BITS * level)) & MASK] as Node | undefined;
    }
    return node === undefined ? undefined : leafAt(node, index & MASK);
  }

  /** Whether page `index` is in RAM (`false` for a stored page or a zero page). */
  isInMemory(index: number): boolean {
    return this.#leaf(index) instanceof Uint8Array;
  }

  /**
   * Whether page `index` of this map has exactly `bytes` (a missing page
   * equals zeros). A stored page not in the cache is compared by hash, not
   * loaded.
   */
  pageEquals(index: number, bytes: Uint8Array): boolean {
    const leaf = this.#leaf(index);
    if (leaf === undefined) return isZeroPage(bytes);
    if (leaf instanceof StoredPage) {
      const cached = leaf.cached();
      return cached === undefined ? leaf.hasHash(pageHash(bytes)) : Buffer.compare(cached, bytes) === 0;
    }
    return Buffer.compare(leaf, bytes) === 0;
  }

  /**
   * A new map: this one with `pages` written (an all-zero page removes the
   * entry). Unchanged subtrees are shared with this map.
   * @param pages full 4 KiB pages; taken over, not copied.
   * @throws {RangeError} for a page that is not 4 KiB or a bad index.
   */
  withPages(pages: Iterable<PageDelta>): PageMap {
    return this.#withLeaves(pages, ({ index, bytes }) => {
      if (bytes.length !== PAGE_BYTES) throw new RangeError(`page ${index} has ${bytes.length} bytes, not ${PAGE_BYTES}`);
      return isZeroPage(bytes) ? undefined : bytes;
    });
  }

  /**
   * A new map: this one with the pages of leaf hash `hash` in `store` at
   * their indices (not loaded; the store must hold them, and they must not
   * be zero pages).
   * @throws {RangeError} for a bad index or hash.
   */
  withStoredPages(pages: Iterable<{ readonly index: number; readonly hash: Uint8Array }>, store: PageStore): PageMap {
    return this.#withLeaves(pages, ({ hash }) => new StoredPage(hash, store));
  }

  #withLeaves<T extends { readonly index: number }>(items: Iterable<T>, leafOf: (item: T) => Leaf | undefined): PageMap {
    let root = this.#root;
    let depth = this.#depth;
    let count = this.pageCount;
    const owned = new Set<Node>();
    const own = (node: Node | undefined): Node => {
      if (node !== undefined && owned.has(node)) return node;
      const copy: Node = node === undefined ? new Array<Node | Leaf | undefined>(FANOUT) : copyNode(node);
      owned.add(copy);
      return copy;
    };
    let any = false;
    for (const item of items) {
      const index = item.index;
      if (!Number.isInteger(index) || index < 0 || index > MAX_INDEX) throw new RangeError(`bad page index ${index}`);
      const leaf = leafOf(item);
      any = true;
      while (index >= FANOUT ** depth) {
        if (root !== undefined) {
          const up = own(undefined);
          up[0] = root;
          root = up;
        }
        depth++;
      }
      root = own(root);
      let node = root;
      for (let level = depth - 1; level > 0; level--) {
        const slot = (index >>> (BITS * level)) & MASK;
        const child = own(node[slot] as Node | undefined);
        node[slot] = child;
        node = child;
      }
      const slot = index & MASK;
      const had = node[slot] !== undefined;
      node[slot] = leaf;
      count += (leaf !== undefined ? 1 : 0) - (had ? 1 : 0);
    }
    return any ? new PageMap(root, depth, count) : this;
  }

  /** The non-zero pages in ascending index order (stored pages are loaded as they come). */
  *pages(): Generator<PageDelta> {
    if (this.#root !== undefined) yield* walk(this.#root, this.#depth - 1, 0);
  }

  /**
   * The non-zero pages in ascending index order as they are held: the
   * bytes of a page in RAM, or the stored page (not loaded).
   */
  *leaves(): Generator<{ readonly index: number; readonly bytes: Uint8Array } | { readonly index: number; readonly stored: StoredPage }> {
    if (this.#root !== undefined) yield* walkLeaves(this.#root, this.#depth - 1, 0);
  }

  /**
   * Makes every page of this map that is in RAM a stored page of `store`,
   * in place (see the module header): call it once a checkpoint wrote the
   * pages and they are readable through `store.get`. A page `store.has`
   * denies keeps its bytes. Maps sharing nodes with this one are evicted
   * in those nodes too (same contents).
   * @returns pages evicted now, and pages still in RAM.
   */
  evict(store: PageStore): { evicted: number; inMemory: number } {
    const out = { evicted: 0, inMemory: 0 };
    if (this.#root !== undefined) evictNode(this.#root, this.#depth - 1, store, out);
    return out;
  }

  /** Whether no page of this map is in RAM (every one is a stored page). */
  get isFullyStored(): boolean {
    return this.#root === undefined || storedNodes.has(this.#root) || countInMemory(this.#root, this.#depth - 1) === 0;
  }

  /** Pages of this map held in RAM (not stored pages); walks the tree. */
  inMemoryPageCount(): number {
    return this.#root === undefined ? 0 : countInMemory(this.#root, this.#depth - 1);
  }

  /** The Merkle hash of the contents (see the module header); equal contents, equal hash. */
  contentHash(): Uint8Array {
    let h = this.#root === undefined ? undefined : subtreeHash(this.#root, this.#depth - 1);
    // Wrap a non-empty root up to the top level; an empty tree (never written, or written back to zeros) is absent.
    for (let level = this.#depth; level < MAX_LEVELS && h !== undefined; level++) h = nodeHash(level, [[0, h]]);
    return h ?? nodeHash(MAX_LEVELS - 1, []);
  }

  /** Whether both maps hold the same memory contents. */
  contentEquals(other: PageMap): boolean {
    if (this.pageCount !== other.pageCount) return false;
    for (const { index, bytes } of this.pages()) if (!other.pageEquals(index, bytes)) return false;
    return true;
  }

  /**
   * Copies the pages into `target` (which must be zero where this map has no
   * page); pages beyond `target` are ignored.
   * @returns the number of pages copied.
   */
  copyInto(target: Uint8Array): number {
    let n = 0;
    const last = Math.floor(target.length / PAGE_BYTES);
    for (const { index, bytes } of this.pages()) {
      if (index >= last) break;
      target.set(bytes, index * PAGE_BYTES);
      n++;
    }
    return n;
  }
}

function* walk(node: Node, level: number, base: number): Generator<PageDelta> {
  if (level === 0) {
    const leaves = Array.from({ length: FANOUT }, (_, i) => leafAt(node, i));
    const stored = leaves.filter((c): c is StoredPage => c instanceof StoredPage);
    if (stored.length > 1) StoredPage.prefetch(stored);
    for (let i = 0; i < FANOUT; i++) {
      const leaf = leaves[i];
      if (leaf !== undefined) yield { index: base * FANOUT + i, bytes: leafBytes(leaf) };
    }
    return;
  }
  for (let i = 0; i < FANOUT; i++) {
    const child = node[i];
    if (child !== undefined) yield* walk(child as Node, level - 1, base * FANOUT + i);
  }
}

function* walkLeaves(node: Node, level: number, base: number): Generator<{ index: number; bytes: Uint8Array } | { index: number; stored: StoredPage }> {
  for (let i = 0; i < FANOUT; i++) {
    const child = node[i];
    if (child === undefined) continue;
    const index = base * FANOUT + i;
    if (level > 0) {
      yield* walkLeaves(child as Node, level - 1, index);
      continue;
    }
    const leaf = leafAt(node, i) as Leaf;
    if (leaf instanceof StoredPage) yield { index, stored: leaf };
    else yield { index, bytes: leaf };
  }
}

/** Evicts the pages under `node` (see {@link PageMap.evict}); returns whether all of them are stored now. */
function evictNode(node: Node, level: number, store: PageStore, out: { evicted: number; inMemory: number }): boolean {
  if (storedNodes.has(node)) return true;
  let all = true;
  const fresh = new Map<number, Uint8Array>();
  for (let i = 0; i < FANOUT; i++) {
    const child = node[i];
    if (child === undefined || child instanceof StoredPage || typeof child === 'number') continue;
    if (level > 0) {
      if (!evictNode(child as Node, level - 1, store, out)) all = false;
      continue;
    }
    const hash = leafHash(child as Uint8Array);
    if (store.has !== undefined && !store.has(pageKey(hash))) {
      out.inMemory++;
      all = false;
      continue;
    }
    fresh.set(i, hash);
    out.evicted++;
  }
  if (fresh.size > 0) pack(node, store, fresh);
  if (all) storedNodes.add(node);
  return all;
}

function countInMemory(node: Node, level: number): number {
  if (storedNodes.has(node)) return 0;
  let n = 0;
  for (let i = 0; i < FANOUT; i++) {
    const child = node[i];
    if (child === undefined) continue;
    if (level > 0) n += countInMemory(child as Node, level - 1);
    else if (child instanceof Uint8Array) n++;
  }
  return n;
}

function nodeHash(level: number, kids: readonly (readonly [number, Uint8Array])[]): Uint8Array {
  // level ‖ (slot ‖ hash)*, hashed as one buffer
  let length = 1;
  for (const [, h] of kids) length += 1 + h.length;
  const bytes = new Uint8Array(length);
  bytes[0] = level;
  let at = 1;
  for (const [slot, h] of kids) {
    bytes[at++] = slot;
    bytes.set(h, at);
    at += h.length;
  }
  return domainSeparated('ic-exec-node', bytes);
}

/** The hash of a subtree at `level` (0: its children are leaves), `undefined` if all its pages are zero. */
function subtreeHash(node: Node | Leaf, level: number): Uint8Array | undefined {
  if (level < 0) return leafHash(node as Leaf);
  const cached = hashCache.get(node);
  if (cached !== undefined) return cached;
  const kids: [number, Uint8Array][] = [];
  const n = node as Node;
  for (let i = 0; i < FANOUT; i++) {
    const child = n[i];
    if (child === undefined) continue;
    const ch = level === 0 ? leafHash(leafAt(n, i) as Leaf) : subtreeHash(child as Node, level - 1);
    if (ch !== undefined) kids.push([i, ch]);
  }
  const h = kids.length === 0 ? undefined : nodeHash(level, kids);
  if (h !== undefined) hashCache.set(node, h);
  return h;
}
