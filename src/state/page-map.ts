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

/** Bytes in a page (the OS page of the replica's dirty-page tracking). */
export const PAGE_BYTES = 4096;

const BITS = 6;
const FANOUT = 1 << BITS;
const MASK = FANOUT - 1;
/** Largest page index (16 TiB of memory): indices stay u32, so the shifts below are exact. */
const MAX_INDEX = 0xffff_ffff;
/** Levels of inner nodes that cover every u32 index (64^6 = 2^36). */
const MAX_LEVELS = 6;
/** Subtree hashes, by node or leaf; nodes and leaves never change once a map is built. */
const hashCache = new WeakMap<object, Uint8Array>();

type Leaf = Uint8Array;
/** An inner node: children by the index's next 6 bits, `undefined` = all zero. */
type Node = (Node | Leaf | undefined)[];

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

/** A persistent, sparse map from page index to 4 KiB page. */
export class PageMap {
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

  /** The page at `index`, or `undefined` if it is all zeros. Do not mutate it. */
  get(index: number): Uint8Array | undefined {
    if (index >= FANOUT ** this.#depth) return undefined;
    let node: Node | undefined = this.#root;
    for (let level = this.#depth - 1; node !== undefined && level > 0; level--) {
      node = node[(index >>> (BITS * level)) & MASK] as Node | undefined;
    }
    return node === undefined ? undefined : (node[index & MASK] as Leaf | undefined);
  }

  /** Whether page `index` of this map has exactly `bytes` (a missing page equals zeros). */
  pageEquals(index: number, bytes: Uint8Array): boolean {
    const page = this.get(index);
    if (page === undefined) return isZeroPage(bytes);
    return Buffer.compare(page, bytes) === 0;
  }

  /**
   * A new map: this one with `pages` written (an all-zero page removes the
   * entry). Unchanged subtrees are shared with this map.
   * @param pages full 4 KiB pages; taken over, not copied.
   * @throws {RangeError} for a page that is not 4 KiB or a bad index.
   */
  withPages(pages: Iterable<PageDelta>): PageMap {
    let root = this.#root;
    let depth = this.#depth;
    let count = this.pageCount;
    const owned = new Set<Node>();
    const own = (node: Node | undefined): Node => {
      if (node !== undefined && owned.has(node)) return node;
      const copy: Node = node === undefined ? new Array<Node | Leaf | undefined>(FANOUT) : node.slice();
      owned.add(copy);
      return copy;
    };
    let any = false;
    for (const { index, bytes } of pages) {
      if (!Number.isInteger(index) || index < 0 || index > MAX_INDEX) throw new RangeError(`bad page index ${index}`);
      if (bytes.length !== PAGE_BYTES) throw new RangeError(`page ${index} has ${bytes.length} bytes, not ${PAGE_BYTES}`);
      any = true;
      while (index >= FANOUT ** depth) {
        if (root !== undefined) {
          const up = own(undefined);
          up[0] = root;
          root = up;
        }
        depth++;
      }
      const leaf = isZeroPage(bytes) ? undefined : bytes;
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

  /** The non-zero pages in ascending index order. */
  *pages(): Generator<PageDelta> {
    if (this.#root !== undefined) yield* walk(this.#root, this.#depth - 1, 0);
  }

  /** The Merkle hash of the contents (see the module header); equal contents, equal hash. */
  contentHash(): Uint8Array {
    let h = this.#root === undefined ? undefined : subtreeHash(this.#root, this.#depth - 1);
    for (let level = this.#depth; level < MAX_LEVELS; level++) h = nodeHash(level, h === undefined ? [] : [[0, h]]);
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
  for (let i = 0; i < FANOUT; i++) {
    const child = node[i];
    if (child === undefined) continue;
    const index = base * FANOUT + i;
    if (level === 0) yield { index, bytes: child as Leaf };
    else yield* walk(child as Node, level - 1, index);
  }
}

function nodeHash(level: number, kids: readonly (readonly [number, Uint8Array])[]): Uint8Array {
  const parts: Uint8Array[] = [Uint8Array.of(level)];
  for (const [slot, h] of kids) parts.push(Uint8Array.of(slot), h);
  return domainSeparated('ic-exec-node', ...parts);
}

/** The hash of a subtree at `level` (0: its children are leaves), `undefined` if all its pages are zero. */
function subtreeHash(node: Node | Leaf, level: number): Uint8Array | undefined {
  const cached = hashCache.get(node);
  if (cached !== undefined) return cached;
  let h: Uint8Array | undefined;
  if (level < 0) h = domainSeparated('ic-exec-page', node as Leaf);
  else {
    const kids: [number, Uint8Array][] = [];
    const n = node as Node;
    for (let i = 0; i < FANOUT; i++) {
      const child = n[i];
      const ch = child === undefined ? undefined : subtreeHash(child, level - 1);
      if (ch !== undefined) kids.push([i, ch]);
    }
    h = kids.length === 0 ? undefined : nodeHash(level, kids);
  }
  if (h !== undefined) hashCache.set(node, h);
  return h;
}
