// Helpers for the state manager's unit tests: a seeded PRNG, random labeled
// trees and path sets, and the well-formedness check of the spec.
import { compareLabels, flattenForks } from './hash-tree.ts';
import type { HashTree, Path } from './hash-tree.ts';
import { LabeledNode } from './labeled-tree.ts';
import type { LabeledTree } from './labeled-tree.ts';

/** xorshift32: a small deterministic PRNG. */
export class Rng {
  #s: number;
  constructor(seed: number) { this.#s = seed >>> 0 || 1; }
  next(): number {
    let x = this.#s;
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    this.#s = x;
    return x;
  }
  int(n: number): number { return this.next() % n; }
  /** An integer in [lo, hi]. */
  between(lo: number, hi: number): number { return lo + (this.next() % (hi - lo + 1)); }
  bytes(n: number): Uint8Array { return Uint8Array.from({ length: n }, () => this.int(256)); }
  pick<T>(xs: readonly T[]): T { return xs[this.int(xs.length)]; }
}

/** Label bytes drawn so that prefixes, the empty label and extreme bytes are common. */
const ALPHABET = [0x00, 0x01, 0x61, 0x62, 0x7f, 0x80, 0xfe, 0xff];

export function randomLabel(rng: Rng): Uint8Array {
  return Uint8Array.from({ length: rng.int(5) }, () => rng.pick(ALPHABET));
}

/** A random labeled tree of at most `depth` node levels. */
export function randomTree(rng: Rng, depth: number): LabeledTree {
  if (depth === 0 || rng.int(5) === 0) return rng.bytes(rng.int(4));
  const children = new Map<string, [Uint8Array, LabeledTree]>();
  const n = rng.int(14);
  for (let i = 0; i < n; i++) {
    const l = randomLabel(rng);
    children.set(Buffer.from(l).toString('hex'), [l, randomTree(rng, depth - 1)]);
  }
  return LabeledNode.from(children.values());
}

/** A random path: along existing labels, sometimes off them, of any length. */
export function randomPath(rng: Rng, tree: LabeledTree): Path {
  const path: Uint8Array[] = [];
  let t: LabeledTree | undefined = tree;
  const length = rng.int(5);
  while (path.length < length) {
    const labels: Uint8Array[] = t instanceof LabeledNode ? [...t.entries()].map((e) => e.label) : [];
    const label = labels.length > 0 && rng.int(3) !== 0 ? rng.pick(labels) : randomLabel(rng);
    path.push(label);
    t = t instanceof LabeledNode ? t.get(label) : undefined;
  }
  return path;
}

/** The spec's `well_formed`: labels strictly increasing per level, leaves never mixed with labels. */
export function isWellFormed(tree: HashTree): boolean {
  if (tree.kind === 'leaf') return true;
  const forest = flattenForks(tree);
  let prev: Uint8Array | undefined;
  for (const t of forest) {
    if (t.kind === 'leaf') return false;
    if (t.kind !== 'labeled') continue;
    if (prev !== undefined && compareLabels(prev, t.label) >= 0) return false;
    prev = t.label;
    if (!isWellFormed(t.subtree)) return false;
  }
  return true;
}

export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
