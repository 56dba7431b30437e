import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CanisterId } from '../types/index.ts';
import { EMPTY_DIGEST, compareLabels, digest, encodeHashTree, flattenForks, lookupPath } from './hash-tree.ts';
import type { HashTree } from './hash-tree.ts';
import { Branch, LabeledNode, critBit, labelBit, toHashTree } from './labeled-tree.ts';
import type { Forest, LabeledTree } from './labeled-tree.ts';
import { Rng, hex, isWellFormed, randomLabel, randomTree, utf8 } from './test-support.ts';

const depthOf = (f: Forest | undefined): number => (f instanceof Branch ? 1 + Math.max(depthOf(f.left), depthOf(f.right)) : 0);

test('the spec example as a labeled tree: well-formed, lookups as in the spec, digest = digest of its hash tree', () => {
  const node = LabeledNode.of({
    a: LabeledNode.of({ x: utf8('hello'), y: utf8('world') }),
    b: utf8('good'),
    c: LabeledNode.EMPTY,
    d: utf8('morning'),
  });
  const full = toHashTree(node);
  assert.ok(isWellFormed(full));
  assert.equal(hex(digest(full)), hex(node.digest));
  assert.deepEqual(lookupPath(['a', 'y'], full), { kind: 'found', value: utf8('world') });
  assert.equal(lookupPath(['c'], full).kind, 'absent');
  assert.equal(lookupPath(['e'], full).kind, 'absent');
  assert.equal(hex(LabeledNode.EMPTY.digest), hex(EMPTY_DIGEST));
  assert.deepEqual(node.get('b'), utf8('good'));
  assert.equal(node.get('bb'), undefined);
});

test('bit order agrees with bytewise order, prefixes first', () => {
  const rng = new Rng(7);
  for (let i = 0; i < 2000; i++) {
    const a = rng.bytes(rng.int(4));
    const b = rng.int(4) === 0 ? Uint8Array.from([...a, ...rng.bytes(1 + rng.int(2))]) : rng.bytes(rng.int(4));
    const c = compareLabels(a, b);
    if (c === 0) continue;
    const k = critBit(a, b);
    for (let j = 0; j < k; j++) assert.equal(labelBit(a, j), labelBit(b, j));
    assert.equal(labelBit(a, k) < labelBit(b, k), c < 0, `${hex(a)} vs ${hex(b)}`);
  }
});

test('random trees: well-formed, children in label order, digest independent of input order', () => {
  const rng = new Rng(42);
  for (let i = 0; i < 200; i++) {
    const tree = randomTree(rng, 3);
    if (!(tree instanceof LabeledNode)) continue;
    const full = toHashTree(tree);
    assert.ok(isWellFormed(full));
    assert.equal(hex(digest(full)), hex(tree.digest));
    const labels = flattenForks(full).map((t) => (t.kind === 'labeled' ? hex(t.label) : '?'));
    assert.deepEqual(labels, [...tree.entries()].map((e) => hex(e.label)));
    const shuffled = [...tree.entries()].map((e) => [e.label, e.tree] as const).reverse();
    assert.equal(hex(LabeledNode.from(shuffled).digest), hex(tree.digest));
  }
  // Children with nodes below: rebuilding gives the very same node object.
  const distinct = new Map(Array.from({ length: 300 }, () => rng.bytes(1 + rng.int(6))).map((l) => [hex(l), l]));
  const children = [...distinct.values()].map((l) => [l, LabeledNode.of({ v: rng.bytes(3) })] as const);
  const node = LabeledNode.from(children);
  assert.ok(LabeledNode.from([...children].reverse()) === node, 'hash-consing gives the same node object');
});

test('a repeated label is refused', () => {
  assert.throws(() => LabeledNode.from([['a', utf8('1')], ['a', utf8('2')]]), RangeError);
  assert.throws(() => LabeledNode.fromSorted([[utf8('b'), utf8('1')], [utf8('a'), utf8('2')]]), RangeError);
});

test('locate finds an entry or its neighbours', () => {
  const node = LabeledNode.from(['b', 'd', 'da', 'f'].map((l) => [l, utf8(l)] as const));
  const at = (l: string): string => {
    const r = node.locate(utf8(l));
    const s = (e?: { label: Uint8Array }): string => (e === undefined ? '-' : new TextDecoder().decode(e.label));
    return `${s(r.found)} ${s(r.pred)} ${s(r.succ)}`;
  };
  assert.equal(at('d'), 'd - -');
  assert.equal(at('a'), '- - b');
  assert.equal(at('c'), '- b d');
  assert.equal(at('d\0'), '- d da');
  assert.equal(at('db'), '- da f');
  assert.equal(at('g'), '- f -');
  assert.equal(at(''), '- - b');
  assert.deepEqual(LabeledNode.EMPTY.locate(utf8('x')), {});
});

test('forks stay shallow for sequential canister ids and for hashed ids', () => {
  const canisters = LabeledNode.fromSorted(Array.from({ length: 1000 }, (_, i) => [Uint8Array.from(CanisterId.fromU64(BigInt(i)).bytesView()), utf8('x')] as const));
  assert.ok(depthOf(canisters.root) <= 10, `depth ${depthOf(canisters.root)}`);
  const rng = new Rng(3);
  const ids = LabeledNode.from(Array.from({ length: 10_000 }, () => [rng.bytes(32), utf8('x')] as const));
  assert.ok(depthOf(ids.root) <= 32, `depth ${depthOf(ids.root)}`);
});

test('rebuilding after one change reuses every fork off the changed path', () => {
  const children: [Uint8Array, LabeledTree][] = Array.from({ length: 1000 }, (_, i) => [Uint8Array.from(CanisterId.fromU64(BigInt(i)).bytesView()), LabeledNode.of({ v: utf8(`v${i}`) })]);
  const before = LabeledNode.fromSorted(children);
  void before.digest;
  children[500] = [children[500][0], LabeledNode.of({ v: utf8('changed') })];
  const after = LabeledNode.fromSorted(children);
  const forks = (f: Forest | undefined, into: Set<Forest>): Set<Forest> => {
    if (f instanceof Branch) { into.add(f); forks(f.left, into); forks(f.right, into); }
    return into;
  };
  const old = forks(before.root, new Set());
  const fresh = [...forks(after.root, new Set())].filter((f) => !old.has(f));
  assert.ok(fresh.length <= depthOf(after.root), `${fresh.length} new forks`);
  assert.notEqual(hex(after.digest), hex(before.digest));
  const full: HashTree = toHashTree(after);
  assert.equal(hex(digest(full)), hex(after.digest));
});

test('property: patching a node with `with` gives the node built from scratch', () => {
  const rng = new Rng(11);
  const sub = (): LabeledNode => LabeledNode.of({ v: rng.bytes(2) });
  for (let round = 0; round < 100; round++) {
    const current = new Map<string, [Uint8Array, LabeledTree]>();
    for (let i = rng.int(40); i > 0; i--) { const l = randomLabel(rng); current.set(hex(l), [l, rng.int(2) === 0 ? sub() : rng.bytes(2)]); }
    let node = LabeledNode.from(current.values());
    for (let step = 0; step < 5; step++) {
      const set: [Uint8Array, LabeledTree][] = [];
      const remove: Uint8Array[] = [];
      for (let k = rng.int(6); k > 0; k--) {
        const existing = [...current.values()];
        if (rng.int(2) === 0 && existing.length > 0) remove.push(rng.pick(existing)[0]);
        else if (rng.int(3) === 0) remove.push(randomLabel(rng)); // perhaps missing
        else set.push([rng.int(2) === 0 && existing.length > 0 ? rng.pick(existing)[0] : randomLabel(rng), sub()]);
      }
      for (const l of remove) current.delete(hex(l));
      for (const [l, t] of set) current.set(hex(l), [l, t]);
      node = node.with({ set, remove });
      const fresh = LabeledNode.from(current.values());
      assert.equal(node.size, fresh.size);
      assert.equal(hex(encodeHashTree(toHashTree(node))), hex(encodeHashTree(toHashTree(fresh))));
      assert.equal(hex(node.digest), hex(fresh.digest));
    }
  }
});
