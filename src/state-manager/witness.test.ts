import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeHashTree, digest, encodeHashTree, lookupPath } from './hash-tree.ts';
import type { HashTree, LookupResult, Path } from './hash-tree.ts';
import { LabeledNode, toHashTree, treeDigest } from './labeled-tree.ts';
import { witness } from './witness.ts';
import { Rng, hex, isWellFormed, randomPath, randomTree, utf8 } from './test-support.ts';

const show = (r: LookupResult): string => (r.kind === 'found' ? `found ${hex(r.value)}` : r.kind);
const showPath = (p: Path): string => p.map((l) => (typeof l === 'string' ? l : hex(l))).join('/');

/** Whether `p` starts with one of `paths` (a longer path may be revealed whole by a shorter one). */
const covered = (p: Path, paths: readonly Path[]): boolean =>
  paths.some((q) => q.length <= p.length && q.every((l, i) => hex(utf8OrBytes(l)) === hex(utf8OrBytes(p[i]))));
const utf8OrBytes = (l: Uint8Array | string): Uint8Array => (typeof l === 'string' ? utf8(l) : l);

test('property: a witness has the full tree\'s digest, is well-formed, and answers requested paths as the full tree does', () => {
  const rng = new Rng(2024);
  let absent = 0;
  let found = 0;
  for (let i = 0; i < 250; i++) {
    const tree = randomTree(rng, 3);
    const full = toHashTree(tree);
    const paths = Array.from({ length: 1 + rng.int(5) }, () => randomPath(rng, tree));
    const w = witness(tree, paths);
    assert.equal(hex(digest(w)), hex(treeDigest(tree)), `digest, paths ${paths.map(showPath).join(', ')}`);
    assert.ok(isWellFormed(w));
    for (const p of paths) {
      const expected = lookupPath(p, full);
      assert.equal(show(lookupPath(p, w)), show(expected), `path ${showPath(p)}`);
      if (expected.kind === 'absent') absent++;
      if (expected.kind === 'found') found++;
    }
    // Any other path: the witness never contradicts the full tree (it may not know).
    for (let k = 0; k < 5; k++) {
      const p = randomPath(rng, tree);
      const got = lookupPath(p, w);
      if (got.kind !== 'unknown' || covered(p, paths)) assert.equal(show(got), show(lookupPath(p, full)), `other path ${showPath(p)}`);
    }
    const again = decodeHashTree(encodeHashTree(w));
    assert.ok(again.ok && hex(digest(again.tree)) === hex(digest(w)));
  }
  assert.ok(absent > 50 && found > 50, `absent ${absent}, found ${found}`);
});

test('a witness reveals only what was asked (plus neighbours for absence)', () => {
  const tree = LabeledNode.of({
    a: LabeledNode.of({ x: utf8('hello'), y: utf8('world') }),
    b: utf8('good'),
    c: LabeledNode.EMPTY,
    d: utf8('morning'),
  });
  const w = witness(tree, [['a', 'y'], ['ax'], ['d']]);
  const labels: string[] = [];
  const leaves: string[] = [];
  const walk = (t: HashTree): void => {
    if (t.kind === 'fork') { walk(t.left); walk(t.right); }
    if (t.kind === 'labeled') { labels.push(new TextDecoder().decode(t.label)); walk(t.subtree); }
    if (t.kind === 'leaf') leaves.push(new TextDecoder().decode(t.value));
  };
  walk(w);
  assert.deepEqual(labels.sort(), ['a', 'b', 'd', 'y']);
  assert.deepEqual(leaves.sort(), ['morning', 'world']);
  // The spec's lookup_path answers for its pruned example hold for this witness too.
  assert.equal(lookupPath(['a', 'a'], w).kind, 'unknown');
  assert.equal(lookupPath(['aa'], w).kind, 'absent');
  assert.equal(lookupPath(['ax'], w).kind, 'absent');
  assert.equal(lookupPath(['b'], w).kind, 'unknown');
  assert.equal(lookupPath(['bb'], w).kind, 'unknown');
  assert.equal(lookupPath(['e'], w).kind, 'absent');
});

test('prefix paths reveal whole subtrees; no paths prune everything; empty nodes prove absence', () => {
  const tree = LabeledNode.of({ s: LabeledNode.of({ k: utf8('1'), n: LabeledNode.of({ a: utf8('2') }) }), t: utf8('3'), e: LabeledNode.EMPTY });
  const w = witness(tree, [['s']]);
  assert.deepEqual(lookupPath(['s', 'n', 'a'], w), { kind: 'found', value: utf8('2') });
  assert.equal(lookupPath(['t'], w).kind, 'unknown');
  assert.deepEqual(witness(tree, []), { kind: 'pruned', digest: tree.digest });
  assert.equal(lookupPath(['e', 'x'], witness(tree, [['e', 'x']])).kind, 'absent');
  assert.equal(lookupPath(['t', 'x'], witness(tree, [['t', 'x']])).kind, 'absent');
  assert.equal(lookupPath([], witness(LabeledNode.EMPTY, [['x']])).kind, 'absent');
});
