/**
 * The IC's hash tree (interface spec, "Certification"; http_interface.md
 * §6.1–6.3): the partial state tree a certificate carries.
 *
 *     HashTree = Empty | Fork HashTree HashTree | Labeled Label HashTree
 *              | Leaf blob | Pruned Hash
 *
 * Digests, with `ds(s) = byte(len s) ‖ s` and SHA-256 as `H`:
 *
 *     Empty        = H(ds("ic-hashtree-empty"))
 *     Fork(a, b)   = H(ds("ic-hashtree-fork") ‖ digest(a) ‖ digest(b))
 *     Labeled(l,t) = H(ds("ic-hashtree-labeled") ‖ l ‖ digest(t))
 *     Leaf(v)      = H(ds("ic-hashtree-leaf") ‖ v)
 *     Pruned(h)    = h
 *
 * CBOR: arrays headed by a small uint — `[0]`, `[1, l, r]`, `[2, label, t]`,
 * `[3, value]`, `[4, hash]` (labels, values and hashes as byte strings).
 *
 * `lookupPath` is the spec's `lookup_path` over well-formed trees (labels
 * strictly increasing bytewise once forks are flattened): Found, Absent,
 * Unknown (a pruned part could hold the path) or Error (the path ends at an
 * inner node). It compares labels lexicographically, as the spec does —
 * agent-js does not quite (its `find_label` quirk, http_interface.md §6.3).
 */
import { decode, encode } from '@dfinity/cbor';
import { SHA256_BYTES, domainSeparator, sha256 } from '../crypto/index.ts';

/** A node of a hash tree. */
export type HashTree =
  | { readonly kind: 'empty' }
  | { readonly kind: 'fork'; readonly left: HashTree; readonly right: HashTree }
  | { readonly kind: 'labeled'; readonly label: Uint8Array; readonly subtree: HashTree }
  | { readonly kind: 'leaf'; readonly value: Uint8Array }
  | { readonly kind: 'pruned'; readonly digest: Uint8Array };

/** A path: labels as bytes, or text (UTF-8). */
export type Path = readonly (Uint8Array | string)[];

/** The answer of {@link lookupPath}. */
export type LookupResult =
  | { readonly kind: 'found'; readonly value: Uint8Array }
  | { readonly kind: 'absent' }
  | { readonly kind: 'unknown' }
  | { readonly kind: 'error' };

const DS_EMPTY = domainSeparator('ic-hashtree-empty');
const DS_FORK = domainSeparator('ic-hashtree-fork');
const DS_LABELED = domainSeparator('ic-hashtree-labeled');
const DS_LEAF = domainSeparator('ic-hashtree-leaf');

/** The digest of `Empty`. */
export const EMPTY_DIGEST: Uint8Array = sha256(DS_EMPTY);
export const EMPTY: HashTree = Object.freeze({ kind: 'empty' });

export const fork = (left: HashTree, right: HashTree): HashTree => ({ kind: 'fork', left, right });
export const labeled = (label: Uint8Array, subtree: HashTree): HashTree => ({ kind: 'labeled', label, subtree });
export const leaf = (value: Uint8Array): HashTree => ({ kind: 'leaf', value });
export const pruned = (digest: Uint8Array): HashTree => ({ kind: 'pruned', digest });

/** `H(ds("ic-hashtree-fork") ‖ left ‖ right)`. */
export function forkDigest(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256(DS_FORK, left, right);
}

/** `H(ds("ic-hashtree-labeled") ‖ label ‖ subtree)`. */
export function labeledDigest(label: Uint8Array, subtree: Uint8Array): Uint8Array {
  return sha256(DS_LABELED, label, subtree);
}

/** `H(ds("ic-hashtree-leaf") ‖ value)`. */
export function leafDigest(value: Uint8Array): Uint8Array {
  return sha256(DS_LEAF, value);
}

/** The root hash of a tree (the spec's `reconstruct`). */
export function digest(tree: HashTree): Uint8Array {
  switch (tree.kind) {
    case 'empty': return EMPTY_DIGEST;
    case 'fork': return forkDigest(digest(tree.left), digest(tree.right));
    case 'labeled': return labeledDigest(tree.label, digest(tree.subtree));
    case 'leaf': return leafDigest(tree.value);
    case 'pruned': return tree.digest;
  }
}

const utf8 = new TextEncoder();

const textLabels = new Map<string, Uint8Array>();
const MAX_TEXT_LABELS = 4096;

/** A path label as bytes (text labels are UTF-8, cached: do not change the result). */
export function labelBytes(label: Uint8Array | string): Uint8Array {
  if (typeof label !== 'string') return label;
  let b = textLabels.get(label);
  if (b === undefined) {
    if (textLabels.size >= MAX_TEXT_LABELS) textLabels.clear();
    textLabels.set(label, (b = utf8.encode(label)));
  }
  return b;
}

/** Bytewise (lexicographic) order of two labels. */
export function compareLabels(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** The spec's `flatten_forks`: the non-fork nodes of a fork tree, left to right (Empty dropped). */
export function flattenForks(tree: HashTree): HashTree[] {
  const out: HashTree[] = [];
  const walk = (t: HashTree): void => {
    if (t.kind === 'fork') { walk(t.left); walk(t.right); } else if (t.kind !== 'empty') out.push(t);
  };
  walk(tree);
  return out;
}

const FOUND_NOTHING: LookupResult = Object.freeze({ kind: 'absent' });
const UNKNOWN: LookupResult = Object.freeze({ kind: 'unknown' });
const ERROR: LookupResult = Object.freeze({ kind: 'error' });

/** The spec's `find_label` over a flattened forest: the subtree, or why there is none. */
function findLabel(label: Uint8Array, forest: readonly HashTree[]): { readonly subtree: HashTree } | LookupResult {
  for (const t of forest) if (t.kind === 'labeled' && compareLabels(t.label, label) === 0) return t;
  if (forest.length === 0) return FOUND_NOTHING;
  if (forest.length === 1 && forest[0].kind === 'leaf') return FOUND_NOTHING;
  const first = forest[0];
  if (first.kind === 'labeled' && compareLabels(label, first.label) < 0) return FOUND_NOTHING;
  const last = forest[forest.length - 1];
  if (last.kind === 'labeled' && compareLabels(last.label, label) < 0) return FOUND_NOTHING;
  for (let i = 0; i + 1 < forest.length; i++) {
    const [a, b] = [forest[i], forest[i + 1]];
    if (a.kind === 'labeled' && b.kind === 'labeled' && compareLabels(a.label, label) < 0 && compareLabels(label, b.label) < 0) return FOUND_NOTHING;
  }
  return UNKNOWN;
}

/** The spec's `lookup_path` (see the module header). */
export function lookupPath(path: Path, tree: HashTree): LookupResult {
  let t = tree;
  for (const l of path) {
    const found = findLabel(labelBytes(l), flattenForks(t));
    if (!('subtree' in found)) return found;
    t = found.subtree;
  }
  switch (t.kind) {
    case 'empty': return FOUND_NOTHING;
    case 'leaf': return { kind: 'found', value: t.value };
    case 'pruned': return UNKNOWN;
    default: return ERROR;
  }
}

/** A tree as the CBOR data model (nested arrays; see the module header). */
export type HashTreeCbor = [0] | [1, HashTreeCbor, HashTreeCbor] | [2, Uint8Array, HashTreeCbor] | [3, Uint8Array] | [4, Uint8Array];

/** A tree as CBOR values, ready to embed in a certificate map. */
export function hashTreeToCbor(tree: HashTree): HashTreeCbor {
  switch (tree.kind) {
    case 'empty': return [0];
    case 'fork': return [1, hashTreeToCbor(tree.left), hashTreeToCbor(tree.right)];
    case 'labeled': return [2, tree.label, hashTreeToCbor(tree.subtree)];
    case 'leaf': return [3, tree.value];
    case 'pruned': return [4, tree.digest];
  }
}

/** The CBOR encoding of a tree (no self-describe tag). */
export function encodeHashTree(tree: HashTree): Uint8Array {
  return encode(hashTreeToCbor(tree));
}

/** Deepest tree {@link hashTreeFromCbor} accepts (our trees are a few hundred levels at most). */
export const MAX_HASH_TREE_DEPTH = 2048;

type Decoded = { ok: true; tree: HashTree } | { ok: false; error: string };

const isBytes = (v: unknown): v is Uint8Array => v instanceof Uint8Array;
const tagOf = (v: unknown): number | undefined => (typeof v === 'number' ? v : typeof v === 'bigint' && v < 8n ? Number(v) : undefined);

/** Reads a tree from decoded CBOR values (errors as values; byte strings are copied). */
export function hashTreeFromCbor(value: unknown, depth = 0): Decoded {
  if (depth > MAX_HASH_TREE_DEPTH) return { ok: false, error: `hash tree deeper than ${MAX_HASH_TREE_DEPTH}` };
  if (!Array.isArray(value) || value.length === 0) return { ok: false, error: 'hash tree node is not a non-empty array' };
  const arity = (n: number): Decoded | undefined => (value.length === n ? undefined : { ok: false, error: `hash tree node ${String(value[0])} has ${value.length} elements, expected ${n}` });
  switch (tagOf(value[0])) {
    case 0: return arity(1) ?? { ok: true, tree: EMPTY };
    case 1: {
      const bad = arity(3);
      if (bad !== undefined) return bad;
      const l = hashTreeFromCbor(value[1], depth + 1);
      if (!l.ok) return l;
      const r = hashTreeFromCbor(value[2], depth + 1);
      return r.ok ? { ok: true, tree: fork(l.tree, r.tree) } : r;
    }
    case 2: {
      const bad = arity(3);
      if (bad !== undefined) return bad;
      if (!isBytes(value[1])) return { ok: false, error: 'hash tree label is not a byte string' };
      const t = hashTreeFromCbor(value[2], depth + 1);
      return t.ok ? { ok: true, tree: labeled(Uint8Array.from(value[1]), t.tree) } : t;
    }
    case 3:
      if (!isBytes(value[1])) return { ok: false, error: 'hash tree leaf is not a byte string' };
      return arity(2) ?? { ok: true, tree: leaf(Uint8Array.from(value[1])) };
    case 4:
      if (!isBytes(value[1]) || value[1].length !== SHA256_BYTES) return { ok: false, error: 'pruned hash tree node is not 32 bytes' };
      return arity(2) ?? { ok: true, tree: pruned(Uint8Array.from(value[1])) };
    default: return { ok: false, error: `unknown hash tree node tag ${String(value[0])}` };
  }
}

/** Decodes the CBOR encoding of a tree. */
export function decodeHashTree(bytes: Uint8Array): Decoded {
  let value: unknown;
  try {
    value = decode(bytes);
  } catch (e) {
    return { ok: false, error: `hash tree is not CBOR: ${(e as Error).message}` };
  }
  return hashTreeFromCbor(value);
}
