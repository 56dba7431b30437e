/**
 * Witnesses: the pruned hash tree of a labeled tree that reveals the
 * requested paths and nothing else, with the same root hash.
 *
 * - A path that ends at a node or leaf reveals all of it (a prefix path
 *   such as `["subnet"]` reveals the whole subtree).
 * - A path through a label that is not there proves the absence: the
 *   children just before and after it are revealed as labels with pruned
 *   contents, so that flattening the forks puts them side by side (the
 *   spec's `find_label` then answers Absent); at the ends, the first or the
 *   last child alone does it; an empty node is `Empty`.
 * - A path that runs into a leaf reveals the leaf (`lookup_path` then
 *   answers Absent for the longer path).
 * - Everything else is pruned to its cached digest: forks with no revealed
 *   child become one `Pruned` node.
 */
import { EMPTY, fork, labelBytes, labeled, pruned } from './hash-tree.ts';
import type { HashTree, Path } from './hash-tree.ts';
import { Entry, LabeledNode, labelBit, toHashTree, treeDigest } from './labeled-tree.ts';
import type { Branch, Forest, LabeledTree } from './labeled-tree.ts';

/** The requested paths below one point of the tree. */
interface Request {
  /** The whole subtree is wanted. */
  full: boolean;
  readonly children: Map<string, { readonly label: Uint8Array; readonly request: Request }>;
}

const newRequest = (): Request => ({ full: false, children: new Map() });
const keyOf = (label: Uint8Array): string => Buffer.from(label.buffer, label.byteOffset, label.byteLength).toString('latin1');

function requestOf(paths: readonly Path[]): Request {
  const root = newRequest();
  for (const path of paths) {
    let r = root;
    for (const l of path) {
      if (r.full) break;
      const label = labelBytes(l);
      const key = keyOf(label);
      let child = r.children.get(key);
      if (child === undefined) r.children.set(key, (child = { label, request: newRequest() }));
      r = child.request;
    }
    r.full = true;
  }
  return root;
}

/**
 * The witness of `paths` in `tree` (see the module header). With no paths,
 * the whole tree is one `Pruned` root hash.
 */
export function witness(tree: LabeledTree, paths: readonly Path[]): HashTree {
  if (paths.length === 0) return pruned(treeDigest(tree));
  return witnessTree(tree, requestOf(paths));
}

function witnessTree(tree: LabeledTree, request: Request): HashTree {
  if (request.full || !(tree instanceof LabeledNode)) return toHashTree(tree);
  return witnessNode(tree, request);
}

/** A child to reveal: with a request below it, or only its label (`null`). */
type Reveal = readonly [Entry, Request | null];

function witnessNode(node: LabeledNode, request: Request): HashTree {
  if (node.root === undefined) return EMPTY;
  const wanted = new Map<Entry, Request | null>();
  for (const { label, request: below } of request.children.values()) {
    const at = node.locate(label);
    if (at.found !== undefined) {
      wanted.set(at.found, below);
      continue;
    }
    for (const e of [at.pred, at.succ]) if (e !== undefined && !wanted.has(e)) wanted.set(e, null);
  }
  const reveals: Reveal[] = [...wanted].sort((a, b) => Buffer.compare(a[0].label, b[0].label));
  return witnessForest(node.root, reveals, 0, reveals.length);
}

/** The witness of a fork structure revealing `reveals[lo, hi)`, all of them members of `f`. */
function witnessForest(f: Forest, reveals: readonly Reveal[], lo: number, hi: number): HashTree {
  if (lo === hi) return pruned(f.digest);
  if (f instanceof Entry) {
    const below = reveals[lo][1];
    return labeled(f.label, below === null ? pruned(treeDigest(f.tree)) : witnessTree(f.tree, below));
  }
  const split = splitAt(f, reveals, lo, hi);
  return fork(witnessForest(f.left, reveals, lo, split), witnessForest(f.right, reveals, split, hi));
}

/** The first reveal in [lo, hi) on the right of branch `b`. */
function splitAt(b: Branch, reveals: readonly Reveal[], lo: number, hi: number): number {
  let i = lo;
  while (i < hi && labelBit(reveals[i][0].label, b.bit) === 0) i++;
  return i;
}
