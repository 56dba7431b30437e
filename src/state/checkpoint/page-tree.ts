/**
 * A `PageMap` in a checkpoint: its canonical Merkle tree (page-map.ts) as
 * content-addressed objects — pages (`P`) and inner nodes (`N`, the node's
 * hash preimage `level ‖ (slot ‖ child hash)*`) — and, in the state
 * encoding, only the 32-byte root hash (`contentHash()`).
 *
 * Writing walks the tree from the top and stops at every subtree the sink
 * has: a map unchanged since the last checkpoint costs one `has`, a map with
 * `k` dirty pages writes those pages and the ≤ 6·k nodes above them (the
 * cached subtree hashes make unchanged subtrees free), and looks up the
 * siblings of what changed (≤ 64 per new node) — except pages already
 * evicted into the sink's own store (`PageMap.evict`), which need no lookup.
 * Cost grows with the dirty pages, not with the memory's size.
 *
 * Reading loads the inner nodes (≈ 1/64 of the pages' bytes, each checked
 * against its hash) and makes every page a stored page of the source: no
 * page is read until execution reads it (and then it is checked against its
 * hash). Subtrees shared between maps (a snapshot and the heap it was taken
 * of) are shared again; their hashes are primed, so `contentHash()` after a
 * restart loads nothing.
 */
import { pageMapFriend } from '../page-map.ts';
import type { PageLeaf, PageMap, PageNode } from '../page-map.ts';
import type { PageStore } from '../page-store.ts';
import { PageMap as PageMapClass } from '../page-map.ts';
import { formatError } from './codec.ts';
import type { Codec } from './codec.ts';
import { OBJECT_KIND, objectKey } from './objects.ts';
import type { DecodeReader, EncodeWriter } from './objects.ts';

const HASH_BYTES = 32;
const F = (): typeof pageMapFriend => pageMapFriend;

/** The object bytes of a node: `level ‖ (slot ‖ hash)*`. */
function nodeBytes(level: number, kids: readonly (readonly [number, Uint8Array])[]): Uint8Array {
  const out = new Uint8Array(1 + kids.length * (1 + HASH_BYTES));
  out[0] = level;
  let at = 1;
  for (const [slot, h] of kids) {
    out[at] = slot;
    out.set(h, at + 1);
    at += 1 + HASH_BYTES;
  }
  return out;
}

/** Writes the subtree `node` (inner, at `level`, hash `hash`) unless stored. */
function putNode(w: EncodeWriter, node: PageNode, level: number, hash: Uint8Array): void {
  const key = objectKey(OBJECT_KIND.node, hash);
  if (w.hasObject(key)) return;
  const f = F();
  const kids: [number, Uint8Array][] = [];
  for (let slot = 0; slot < f.fanout; slot++) {
    const child = node[slot];
    if (child === undefined) continue;
    if (level === 0) {
      const leaf = f.leafAt(node, slot) as PageLeaf;
      const h = f.leafHash(leaf);
      // A page evicted into this very store after an earlier checkpoint is stored: no lookup.
      if (!f.isStoredIn(leaf, w.sink as unknown as PageStore)) w.putObject(objectKey(OBJECT_KIND.page, h), () => f.leafBytes(leaf));
      kids.push([slot, h]);
    } else {
      const h = f.subtreeHash(child as PageNode, level - 1);
      if (h === undefined) continue; // an all-zero subtree is absent from the canonical tree
      putNode(w, child as PageNode, level - 1, h);
      kids.push([slot, h]);
    }
  }
  w.putObject(key, () => nodeBytes(level, kids));
}

/** Stores the map's tree and returns its root hash (its `contentHash()`). */
export function putPageMap(w: EncodeWriter, map: PageMap): Uint8Array {
  const f = F();
  const top = map.contentHash();
  const topKey = objectKey(OBJECT_KIND.node, top);
  w.root(topKey);
  if (w.hasObject(topKey)) return top;
  const { root, depth } = f.tree(map);
  let h = root === undefined ? undefined : f.subtreeHash(root, depth - 1);
  if (h === undefined) {
    w.putObject(topKey, () => nodeBytes(f.maxLevels - 1, []));
    return top;
  }
  putNode(w, root as PageNode, depth - 1, h);
  for (let level = depth; level < f.maxLevels; level++) {
    const kids = [[0, h]] as const;
    h = f.nodeHash(level, kids);
    w.putObject(objectKey(OBJECT_KIND.node, h), () => nodeBytes(level, kids));
  }
  return top;
}

interface Built { readonly node: PageNode; readonly pages: number }

/** A stored node's children, checked: its level, ascending slots, whole entries. */
function readNode(r: DecodeReader, hash: Uint8Array, level: number): [number, Uint8Array][] {
  const bytes = r.object(objectKey(OBJECT_KIND.node, hash), 'page-map node');
  if (bytes[0] !== level) formatError(`a page-map node at level ${level} says level ${bytes[0]}`);
  if ((bytes.length - 1) % (1 + HASH_BYTES) !== 0) formatError(`a page-map node of ${bytes.length} bytes`);
  const kids: [number, Uint8Array][] = [];
  for (let at = 1; at < bytes.length; at += 1 + HASH_BYTES) {
    const slot = bytes[at];
    if (slot >= F().fanout || (kids.length > 0 && slot <= kids[kids.length - 1][0])) formatError(`a page-map node with slot ${slot} out of order`);
    kids.push([slot, bytes.slice(at + 1, at + 1 + HASH_BYTES)]);
  }
  return kids;
}

/** Rebuilds the inner node `hash` at `level` (shared across maps through `r.nodes`). */
function buildNode(r: DecodeReader, hash: Uint8Array, level: number): Built {
  const memoKey = `${level}:${Buffer.from(hash).toString('latin1')}`;
  const known = r.nodes.get(memoKey) as Built | undefined;
  if (known !== undefined) return known;
  const f = F();
  const kids = readNode(r, hash, level);
  if (kids.length === 0) formatError('an empty page-map node below the top');
  const node: PageNode = new Array<PageNode | PageLeaf | undefined>(f.fanout);
  let pages = 0;
  if (level === 0) {
    f.packStoredLeaves(node, kids, r.source); // stored pages, packed: no object per page
    pages = kids.length;
  }
  for (const [slot, h] of level === 0 ? [] : kids) {
    const child = buildNode(r, h, level - 1);
    node[slot] = child.node;
    pages += child.pages;
  }
  f.primeHash(node, hash);
  const built = { node, pages };
  r.nodes.set(memoKey, built);
  return built;
}

/** Rebuilds the map whose root hash is `top` (pages stay in the source until read). */
export function getPageMap(r: DecodeReader, top: Uint8Array): PageMap {
  const f = F();
  let level = f.maxLevels - 1;
  let hash = top;
  let kids = readNode(r, hash, level);
  if (kids.length === 0) return PageMapClass.empty();
  // Strip the wrapping levels: the map's depth is that of its highest node with a page beyond slot 0.
  while (level > 0 && kids.length === 1 && kids[0][0] === 0) {
    hash = kids[0][1];
    level--;
    kids = readNode(r, hash, level);
    if (kids.length === 0) formatError('an empty page-map node below the top');
  }
  const built = buildNode(r, hash, level);
  return f.make(built.node, level + 1, built.pages);
}

/** A page map in the state encoding: its root hash; the tree goes to the sink. */
export const pageMapCodec: Codec<PageMap, EncodeWriter, DecodeReader> = {
  enc: (w, m) => { w.raw(putPageMap(w, m)); },
  dec: (r) => getPageMap(r, r.raw(HASH_BYTES)),
};
