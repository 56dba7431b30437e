/**
 * Packed stored pages: how a `PageMap` (page-map.ts) keeps the stored pages
 * of a bottom node (the node whose children are pages) without an object
 * per page. A stored page of the node's {@link Pack} store is its own slot
 * number in the node (a small integer: nothing allocated), and the pack
 * holds the 64 leaf hashes in one string; {@link leafAt} makes the page's
 * `StoredPage` when it is read. ~40 bytes of JavaScript heap per stored
 * page (its slot and 32 bytes of hash), against ~100 for an object and a
 * string each: 8 GiB of stored stable memory is 2M pages
 * (bench/results/stable-memory.json). Eviction and checkpoint decoding
 * pack; read every slot of a bottom node through {@link leafAt}.
 */
import { StoredPage } from './page-store.ts';
import type { PageStore } from './page-store.ts';

/** Children of a node: the page map's fan-out (6 bits of the page index). */
export const NODE_SLOTS = 64;

/** A page: its bytes, or where it is stored. */
export type Leaf = Uint8Array | StoredPage;
/**
 * An inner node: children by the index's next 6 bits, `undefined` = all
 * zero. In a bottom node a child may also be its own slot number: a packed
 * stored page (see {@link Pack}).
 */
export type Node = (Node | Leaf | number | undefined)[];

/**
 * The packed stored pages of a bottom node: the leaf hashes of its slots
 * (32 bytes at `32 · slot`, as a one-byte string; the slots not packed are
 * zeros) and the store holding them. Immutable: a node packed again gets a
 * new pack, which agrees on every slot still packed; copies of a node share
 * its pack.
 */
interface Pack {
  readonly hashes: string;
  readonly store: PageStore;
}
const packs = new WeakMap<Node, Pack>();
const HASH_BYTES = 32;

/** The leaf in `slot` of the bottom node `node` (a packed page as a `StoredPage`). */
export function leafAt(node: Node, slot: number): Leaf | undefined {
  const child = node[slot] as Leaf | number | undefined;
  if (typeof child !== 'number') return child;
  const pack = packs.get(node) as Pack;
  return new StoredPage(pack.hashes.slice(slot * HASH_BYTES, (slot + 1) * HASH_BYTES), pack.store);
}

/** A copy of `node` for a new map (its packed pages with it). */
export function copyNode(node: Node): Node {
  const copy = node.slice();
  const pack = packs.get(node);
  if (pack !== undefined) packs.set(copy, pack);
  return copy;
}

/**
 * Packs the stored pages of `store` in the bottom node `node`, in place:
 * its slots in `fresh` (slot → leaf hash) and the slots already stored in
 * `store` (packed or as objects). Packed pages of another store are made
 * objects first.
 */
export function pack(node: Node, store: PageStore, fresh: ReadonlyMap<number, Uint8Array>): void {
  const old = packs.get(node);
  const hashes = Buffer.alloc(NODE_SLOTS * HASH_BYTES);
  let any = false;
  for (let slot = 0; slot < NODE_SLOTS; slot++) {
    const child = node[slot];
    const h = fresh.get(slot);
    if (h !== undefined) {
      hashes.set(h, slot * HASH_BYTES);
    } else if (typeof child === 'number') {
      if ((old as Pack).store !== store) {
        node[slot] = leafAt(node, slot);
        continue;
      }
      hashes.write((old as Pack).hashes.slice(slot * HASH_BYTES, (slot + 1) * HASH_BYTES), slot * HASH_BYTES, 'latin1');
    } else if (child instanceof StoredPage && child.store === store) {
      hashes.write(child.hashString, slot * HASH_BYTES, 'latin1');
    } else {
      continue;
    }
    any = true;
  }
  if (!any) return;
  packs.set(node, { hashes: hashes.toString('latin1'), store });
  for (let slot = 0; slot < NODE_SLOTS; slot++) {
    const child = node[slot];
    if (fresh.has(slot) || (child instanceof StoredPage && child.store === store)) node[slot] = slot;
  }
}
