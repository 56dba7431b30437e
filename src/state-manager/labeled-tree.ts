/**
 * `LabeledTree`: the certified state as data — a leaf (bytes) or a node, a
 * map from labels (bytes) to subtrees — and the hash tree it stands for.
 *
 * Fork shape. A node's children, sorted bytewise, hang off a binary trie
 * on the labels' bits (a crit-bit tree): a fork splits its labels at the
 * first bit where they differ, 0s to the left, 1s to the right, so
 * flattening the forks gives the children in increasing label order, as a
 * well-formed tree must. Bits are read 9 to a byte — a "present" marker
 * (1) before the byte's 8 bits, a 0 after the last byte — so no label's
 * bits are a prefix of another's and a shorter prefix sorts first. The
 * shape depends only on the set of labels (not on history), is balanced
 * for the labels the state tree has (request ids are hashes, canister ids
 * count up), and a change to one child changes only the forks on that
 * child's path. (A fork balanced over the children's *indices* would move
 * every fork to the right of an insertion: a new request id among 10,000
 * would re-hash ~10,000 forks.)
 *
 * Sharing. Nodes are immutable and hash-consed: a labeled child built from
 * the same label and subtree *node* is the same object (see `entryOf`), a
 * fork from the same two child objects is the same fork (a one-slot memo on
 * its left child), and a node over the same fork is the same node. Digests
 * are cached on the objects. So a tree built from parts that did not change
 * since the last height reuses the old forks and their digests, and only
 * changed paths are hashed; `with` patches a node in O(changes × depth).
 */
import { EMPTY, EMPTY_DIGEST, compareLabels, fork, forkDigest, labelBytes, labeled, labeledDigest, leaf, leafDigest } from './hash-tree.ts';
import type { HashTree } from './hash-tree.ts';

/** A leaf value (bytes) or a node of labeled children. */
export type LabeledTree = Uint8Array | LabeledNode;

/** Bit `k` of a label in the 9-bits-per-byte reading (see the module header). */
export function labelBit(label: Uint8Array, k: number): 0 | 1 {
  const i = (k / 9) | 0;
  if (i >= label.length) return 0;
  const r = k - i * 9;
  return r === 0 ? 1 : ((label[i] >> (8 - r)) & 1) as 0 | 1;
}

/** The first bit where two different labels differ. */
export function critBit(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  if (i === n) return 9 * i;
  return 9 * i + 1 + Math.clz32(a[i] ^ b[i]) - 24;
}

const sharedLeafDigests = new WeakMap<Uint8Array, Uint8Array>();

/**
 * Marks a leaf value that many children share (a status text, a reject
 * code): its digest is computed once. Returns `value`; do not change it.
 */
export function internLeaf(value: Uint8Array): Uint8Array {
  if (!sharedLeafDigests.has(value)) sharedLeafDigests.set(value, leafDigest(value));
  return value;
}

/** The digest of a labeled tree (cached on nodes and interned leaves). */
export function treeDigest(t: LabeledTree): Uint8Array {
  if (t instanceof LabeledNode) return t.digest;
  return sharedLeafDigests.get(t) ?? leafDigest(t);
}

/** A labeled child: `Labeled(label, tree)` in the hash tree. */
export class Entry {
  readonly label: Uint8Array;
  readonly tree: LabeledTree;
  #digest: Uint8Array | undefined;
  /** The fork most recently built with this as its left child (hash-consing). */
  parentMemo: Branch | undefined;
  /** The node whose root this is (hash-consing). */
  nodeMemo: LabeledNode | undefined;

  constructor(label: Uint8Array, tree: LabeledTree) {
    this.label = label;
    this.tree = tree;
  }

  get first(): Entry { return this; }
  get last(): Entry { return this; }
  get digest(): Uint8Array { return (this.#digest ??= labeledDigest(this.label, treeDigest(this.tree))); }
}

/** A fork of the crit-bit trie: labels with bit `bit` 0 on the left, 1 on the right. */
export class Branch {
  readonly bit: number;
  readonly left: Forest;
  readonly right: Forest;
  readonly first: Entry;
  readonly last: Entry;
  #digest: Uint8Array | undefined;
  parentMemo: Branch | undefined;
  nodeMemo: LabeledNode | undefined;

  constructor(bit: number, left: Forest, right: Forest) {
    this.bit = bit;
    this.left = left;
    this.right = right;
    this.first = left.first;
    this.last = right.last;
  }

  get digest(): Uint8Array { return (this.#digest ??= forkDigest(this.left.digest, this.right.digest)); }
}

/** The fork structure of a node's children. */
export type Forest = Entry | Branch;

// Labeled children with a node below are hash-consed through a one-slot memo
// on the node (`entryMemo`); a node shared under several labels (the empty
// node) falls back to a memo by label object. Children with a leaf below
// are made afresh: they are rebuilt only with their parent, which is itself
// memoized (a canister's or a request's subtree), and memoizing every leaf
// would cost more (weak-map churn) than it saves.
const entryByLabel = new WeakMap<Uint8Array, Entry>();

function entryOf(label: Uint8Array, tree: LabeledTree): Entry {
  if (!(tree instanceof LabeledNode)) return new Entry(label, tree);
  const e = tree.entryMemo;
  if (e === undefined) return (tree.entryMemo = new Entry(label, tree));
  if (compareLabels(e.label, label) === 0) return e;
  let byLabel = entryByLabel.get(label);
  if (byLabel === undefined || byLabel.tree !== tree) entryByLabel.set(label, (byLabel = new Entry(label, tree)));
  return byLabel;
}

function branchOf(bit: number, left: Forest, right: Forest): Branch {
  const b = left.parentMemo;
  if (b !== undefined && b.right === right && b.bit === bit) return b;
  const made = new Branch(bit, left, right);
  left.parentMemo = made;
  return made;
}

/** The trie over sorted, distinct entries [lo, hi). */
function build(entries: readonly Entry[], lo: number, hi: number): Forest {
  if (hi - lo === 1) return entries[lo];
  const bit = critBit(entries[lo].label, entries[hi - 1].label);
  let a = lo + 1;
  let b = hi - 1;
  while (a < b) {
    const m = (a + b) >>> 1;
    if (labelBit(entries[m].label, bit) === 1) b = m;
    else a = m + 1;
  }
  return branchOf(bit, build(entries, lo, a), build(entries, a, hi));
}

/** `f` with entry `e` added or replaced; `added` is told whether the label is new. */
function insert(f: Forest | undefined, e: Entry, added: () => void): Forest {
  if (f === undefined) { added(); return e; }
  if (f instanceof Entry) {
    const c = compareLabels(e.label, f.label);
    if (c === 0) return e;
    added();
    const bit = critBit(f.label, e.label);
    return c < 0 ? branchOf(bit, e, f) : branchOf(bit, f, e);
  }
  const first = f.first.label;
  const k = compareLabels(e.label, first) === 0 ? Infinity : critBit(e.label, first);
  if (k < f.bit) {
    added();
    return labelBit(e.label, k) === 0 ? branchOf(k, e, f) : branchOf(k, f, e);
  }
  return labelBit(e.label, f.bit) === 0 ? branchOf(f.bit, insert(f.left, e, added), f.right) : branchOf(f.bit, f.left, insert(f.right, e, added));
}

/** `f` without the child labeled `label` (the same object if there is none). */
function remove(f: Forest, label: Uint8Array): Forest | undefined {
  if (f instanceof Entry) return compareLabels(f.label, label) === 0 ? undefined : f;
  if (labelBit(label, f.bit) === 0) {
    const l = remove(f.left, label);
    return l === f.left ? f : l === undefined ? f.right : branchOf(f.bit, l, f.right);
  }
  const r = remove(f.right, label);
  return r === f.right ? f : r === undefined ? f.left : branchOf(f.bit, f.left, r);
}

/** A node: labeled children in bytewise label order (see the module header). Immutable. */
export class LabeledNode {
  /** The node without children (`Empty` in the hash tree). */
  static readonly EMPTY: LabeledNode = new LabeledNode(undefined, 0);

  readonly root: Forest | undefined;
  readonly size: number;
  /** The labeled child most recently built over this node (hash-consing). */
  entryMemo: Entry | undefined;

  private constructor(root: Forest | undefined, size: number) {
    this.root = root;
    this.size = size;
  }

  /**
   * A node from `[label, subtree]` pairs in any order (text labels are UTF-8).
   * @throws {RangeError} on a repeated label.
   */
  static from(children: Iterable<readonly [Uint8Array | string, LabeledTree]>): LabeledNode {
    const list = [...children].map(([l, t]) => [labelBytes(l), t] as const).sort((x, y) => compareLabels(x[0], y[0]));
    return LabeledNode.fromSorted(list);
  }

  /** A node from a record of text labels. */
  static of(children: Readonly<Record<string, LabeledTree>>): LabeledNode {
    return LabeledNode.from(Object.entries(children));
  }

  /**
   * A node from pairs already in strictly increasing label order (cheaper
   * than {@link from}).
   * @throws {RangeError} if the labels are not strictly increasing.
   */
  static fromSorted(children: readonly (readonly [Uint8Array, LabeledTree])[]): LabeledNode {
    if (children.length === 0) return LabeledNode.EMPTY;
    const entries = children.map(([l, t]) => entryOf(l, t));
    for (let i = 1; i < entries.length; i++) {
      if (compareLabels(entries[i - 1].label, entries[i].label) >= 0) throw new RangeError('labels are not strictly increasing (repeated or unsorted label)');
    }
    const root = build(entries, 0, entries.length);
    return (root.nodeMemo ??= new LabeledNode(root, entries.length));
  }

  /**
   * This node with children added or replaced (`set`) and removed
   * (`remove`, missing labels ignored): the node {@link from} would build
   * for the result, in O(changes × depth).
   */
  with(changes: { readonly set?: Iterable<readonly [Uint8Array, LabeledTree]>; readonly remove?: Iterable<Uint8Array> }): LabeledNode {
    let root = this.root;
    let size = this.size;
    const added = (): void => { size++; };
    for (const label of changes.remove ?? []) {
      if (root === undefined) break;
      const r = remove(root, label);
      if (r !== root) size--;
      root = r;
    }
    for (const [label, tree] of changes.set ?? []) root = insert(root, entryOf(label, tree), added);
    return root === undefined ? LabeledNode.EMPTY : (root.nodeMemo ??= new LabeledNode(root, size));
  }

  /** The root hash of this node's hash tree. */
  get digest(): Uint8Array { return this.root === undefined ? EMPTY_DIGEST : this.root.digest; }

  /** The child labeled `label`. */
  get(label: Uint8Array | string): LabeledTree | undefined {
    const l = labelBytes(label);
    let f = this.root;
    while (f instanceof Branch) f = labelBit(l, f.bit) === 0 ? f.left : f.right;
    return f !== undefined && compareLabels(f.label, l) === 0 ? f.tree : undefined;
  }

  /** The children in label order. */
  *entries(): IterableIterator<Entry> {
    const stack: Forest[] = this.root === undefined ? [] : [this.root];
    while (stack.length > 0) {
      const f = stack.pop() as Forest;
      if (f instanceof Entry) yield f;
      else stack.push(f.right, f.left);
    }
  }

  /**
   * Where `label` is: its entry, or the children just before and after it
   * (`pred`/`succ`, absent at the ends) — what proves its absence.
   */
  locate(label: Uint8Array): { found?: Entry; pred?: Entry; succ?: Entry } {
    const walk = (f: Forest): { found?: Entry; pred?: Entry; succ?: Entry } => {
      if (f instanceof Entry) {
        const c = compareLabels(label, f.label);
        return c === 0 ? { found: f } : c < 0 ? { succ: f } : { pred: f };
      }
      const first = f.first.label;
      const c = compareLabels(label, first) === 0 ? Infinity : critBit(label, first);
      if (c < f.bit) return labelBit(label, c) === 0 ? { succ: f.first } : { pred: f.last };
      if (labelBit(label, f.bit) === 0) {
        const r = walk(f.left);
        return r.found !== undefined || r.succ !== undefined ? r : { ...r, succ: f.right.first };
      }
      const r = walk(f.right);
      return r.found !== undefined || r.pred !== undefined ? r : { ...r, pred: f.left.last };
    };
    return this.root === undefined ? {} : walk(this.root);
  }
}

/** The full hash tree of a labeled tree (nothing pruned). */
export function toHashTree(t: LabeledTree): HashTree {
  if (!(t instanceof LabeledNode)) return leaf(t);
  const walk = (f: Forest): HashTree => (f instanceof Entry ? labeled(f.label, toHashTree(f.tree)) : fork(walk(f.left), walk(f.right)));
  return t.root === undefined ? EMPTY : walk(t.root);
}
