import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  EMPTY, EMPTY_DIGEST, decodeHashTree, digest, encodeHashTree, fork, hashTreeFromCbor, labeled, leaf, lookupPath, pruned,
} from './hash-tree.ts';
import type { HashTree, LookupResult } from './hash-tree.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const bytes = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, 'hex'));
const text = (s: string): Uint8Array => new TextEncoder().encode(s);

// The example of the interface spec (certification.md, "Example").
const SPEC_TREE_CBOR = '8301830183024161830183018302417882034568656c6c6f810083024179820345776f726c6483024162820344676f6f648301830241638100830241648203476d6f726e696e67';
const SPEC_ROOT = 'eb5c5b2195e62d996b84c9bcc8259d19a83786a2f59e0878cec84c811f669aa0';
const SPEC_PRUNED_CBOR = '83018301830241618301820458201b4feff9bef8131788b0c9dc6dbad6e81e524249c879e9f10f71ce3749f5a63883024179820345776f726c6483024162820458207b32ac0c6ba8ce35ac82c255fc7906f7fc130dab2a090f80fe12f9c2cae83ba6830182045820ec8324b8a1f1ac16bd2e806edba78006479c9877fed4eb464a25485465af601d830241648203476d6f726e696e67';

function decoded(h: string): HashTree {
  const r = decodeHashTree(bytes(h));
  assert.ok(r.ok, r.ok ? '' : r.error);
  return r.tree;
}

test('Empty has the digest of http_interface.md §6.2', () => {
  assert.equal(hex(EMPTY_DIGEST), '4e3ed35c4e2d1ee89996483fb6260a64cffb6c47dbab216e7930e82f8190d120');
  assert.equal(hex(digest(EMPTY)), hex(EMPTY_DIGEST));
});

test('spec vector: the example tree decodes, re-encodes byte for byte and has the spec root hash', () => {
  const tree = decoded(SPEC_TREE_CBOR);
  assert.equal(hex(encodeHashTree(tree)), SPEC_TREE_CBOR);
  assert.equal(hex(digest(tree)), SPEC_ROOT);
  const built = fork(
    fork(labeled(text('a'), fork(fork(labeled(text('x'), leaf(text('hello'))), EMPTY), labeled(text('y'), leaf(text('world'))))),
      labeled(text('b'), leaf(text('good')))),
    fork(labeled(text('c'), EMPTY), labeled(text('d'), leaf(text('morning')))),
  );
  assert.equal(hex(encodeHashTree(built)), SPEC_TREE_CBOR);
});

test('spec vector: the pruned example has the same root hash and the spec lookup_path answers', () => {
  const tree = decoded(SPEC_PRUNED_CBOR);
  assert.equal(hex(encodeHashTree(tree)), SPEC_PRUNED_CBOR);
  assert.equal(hex(digest(tree)), SPEC_ROOT);
  const kind = (r: LookupResult): string => (r.kind === 'found' ? `found ${new TextDecoder().decode(r.value)}` : r.kind);
  assert.equal(kind(lookupPath(['a', 'a'], tree)), 'unknown');
  assert.equal(kind(lookupPath(['a', 'y'], tree)), 'found world');
  assert.equal(kind(lookupPath(['aa'], tree)), 'absent');
  assert.equal(kind(lookupPath(['ax'], tree)), 'absent');
  assert.equal(kind(lookupPath(['b'], tree)), 'unknown');
  assert.equal(kind(lookupPath(['bb'], tree)), 'unknown');
  assert.equal(kind(lookupPath(['d'], tree)), 'found morning');
  assert.equal(kind(lookupPath(['e'], tree)), 'absent');
});

test('lookup_path on the full example: Found, Absent, Error for inner nodes, Absent below a leaf', () => {
  const tree = decoded(SPEC_TREE_CBOR);
  assert.deepEqual(lookupPath(['a', 'x'], tree), { kind: 'found', value: text('hello') });
  assert.equal(lookupPath(['c'], tree).kind, 'absent'); // Labeled c Empty
  assert.equal(lookupPath(['c', 'z'], tree).kind, 'absent');
  assert.equal(lookupPath(['a'], tree).kind, 'error');
  assert.equal(lookupPath([], tree).kind, 'error');
  assert.equal(lookupPath(['b', 'x'], tree).kind, 'absent');
  assert.equal(lookupPath(['0'], tree).kind, 'absent');
  assert.equal(lookupPath([], pruned(new Uint8Array(32))).kind, 'unknown');
  assert.equal(lookupPath([], EMPTY).kind, 'absent');
});

test('decoding rejects malformed trees as values', () => {
  const bad = [[], [9], [0, 1], [1, [0]], [2, 'x', [0]], [3, 5], [4, new Uint8Array(31)], 'x'];
  for (const v of bad) assert.equal(hashTreeFromCbor(v).ok, false, JSON.stringify(v));
  assert.equal(decodeHashTree(Uint8Array.of(0xff)).ok, false);
  let deep: unknown = [0];
  for (let i = 0; i < 3000; i++) deep = [2, new Uint8Array(1), deep];
  assert.equal(hashTreeFromCbor(deep).ok, false);
});
