import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decode } from '@dfinity/cbor';
import { PrincipalId } from '../types/index.ts';
import { CertifiedState, StateTreeBuilder } from './certified-state.ts';
import { digest, lookupPath } from './hash-tree.ts';
import type { HashTree, LookupResult, Path } from './hash-tree.ts';
import { toHashTree } from './labeled-tree.ts';
import type { LabeledNode } from './labeled-tree.ts';
import { CANDID, NODE_ID, NODE_KEY, USER, compiledModule, fixture } from './state-fixture.ts';
import { metricsLeaf, natLeaf } from './tree-values.ts';
import { hex, isWellFormed, utf8 } from './test-support.ts';

const NOW = 1_750_000_000_000_000_000n;
const found = (r: LookupResult): Uint8Array => {
  assert.equal(r.kind, 'found');
  return (r as { value: Uint8Array }).value;
};
const text = (r: LookupResult): string => new TextDecoder().decode(found(r));

test('the state tree holds time, canisters, request statuses and the subnet', () => {
  const { state, keys, ids, requests } = fixture({ nowNanos: NOW });
  const cs = new CertifiedState(state, new StateTreeBuilder(keys));
  const tree: HashTree = toHashTree(cs.tree);
  assert.ok(isWellFormed(tree));
  assert.equal(hex(digest(tree)), hex(cs.rootHash));
  const at = (...p: Path): LookupResult => lookupPath(p, tree);
  const sid = keys.subnetId.bytesView() as Uint8Array;
  const c0 = ids[0].bytesView() as Uint8Array;

  assert.deepEqual(found(at('time')), natLeaf(NOW));
  assert.equal(text(at('canister', c0, 'certified_data')), 'data 0');
  assert.deepEqual(found(at('canister', c0, 'module_hash')), Uint8Array.from(Buffer.from(compiledModule().hash, 'hex')));
  assert.deepEqual((decode(found(at('canister', c0, 'controllers'))) as Uint8Array[]).map((b) => PrincipalId.fromUint8Array(b).toText()).sort(),
    [USER.toText(), ids[0].toText()].sort());
  assert.equal(text(at('canister', c0, 'metadata', 'candid:service')), CANDID);
  assert.equal(text(at('canister', c0, 'metadata', 'git')), 'abc123');
  // An empty canister: certified data and controllers, no module hash, no metadata.
  const c2 = ids[2].bytesView() as Uint8Array;
  assert.deepEqual(found(at('canister', c2, 'certified_data')), new Uint8Array(0));
  assert.equal(at('canister', c2, 'module_hash').kind, 'absent');
  assert.equal(at('canister', c2, 'metadata').kind, 'absent');

  const [replied, rejected, failed, processing] = requests;
  assert.equal(text(at('request_status', replied, 'status')), 'replied');
  assert.equal(text(at('request_status', replied, 'reply')), 'DIDL reply');
  assert.equal(at('request_status', replied, 'reject_code').kind, 'absent');
  assert.equal(text(at('request_status', rejected, 'status')), 'rejected');
  assert.deepEqual(found(at('request_status', rejected, 'reject_code')), Uint8Array.of(4));
  assert.equal(text(at('request_status', rejected, 'reject_message')), 'no thanks');
  assert.equal(text(at('request_status', rejected, 'error_code')), 'IC0406');
  assert.deepEqual(found(at('request_status', failed, 'reject_code')), Uint8Array.of(5));
  assert.equal(text(at('request_status', failed, 'error_code')), 'IC0503');
  assert.equal(text(at('request_status', processing, 'status')), 'processing');
  assert.equal(at('request_status', new Uint8Array(32), 'status').kind, 'absent');

  assert.deepEqual(found(at('subnet', sid, 'public_key')), keys.rootKeyDer);
  assert.equal(text(at('subnet', sid, 'type')), 'application');
  assert.deepEqual(found(at('subnet', sid, 'node', NODE_ID.bytesView() as Uint8Array, 'public_key')), NODE_KEY);
  const ranges = decode(found(at('subnet', sid, 'canister_ranges'))) as Uint8Array[][];
  assert.deepEqual(ranges.map((r) => r.map(hex)), [[hex(keys.canisterRanges[0].start.bytesView() as Uint8Array), hex(keys.canisterRanges[0].end.bytesView() as Uint8Array)]]);
  assert.deepEqual(found(at('canister_ranges', sid, keys.canisterRanges[0].start.bytesView() as Uint8Array)), found(at('subnet', sid, 'canister_ranges')));
  const stateBytes = state.canisters().reduce((a, c) => a + c.memoryUsage(), 0n);
  assert.ok(stateBytes > 0n);
  assert.deepEqual(found(at('subnet', sid, 'metrics')),
    metricsLeaf({ numCanisters: 3n, canisterStateBytes: stateBytes, consumedCyclesTotal: 0n, updateTransactionsTotal: 0n }));
});

test('a height is built only when its root hash or a witness is asked for', () => {
  const { state, keys } = fixture({ nowNanos: NOW });
  const builder = new StateTreeBuilder(keys);
  let builds = 0;
  const build = builder.build.bind(builder);
  builder.build = (s) => { builds++; return build(s); };
  const cs = new CertifiedState(state, builder);
  assert.equal(builds, 0);
  const root = cs.rootHash;
  void cs.witness([['time']]);
  assert.equal(builds, 1);
  assert.equal(hex(cs.rootHash), hex(root));
});

test('across heights: unchanged canisters and statuses keep their subtrees; the root follows every change', () => {
  const { state, keys, ids, requests } = fixture({ nowNanos: NOW, canisters: 20, withCode: 20, statuses: 50 });
  const builder = new StateTreeBuilder(keys);
  const snap1 = state.snapshot();
  const t1 = new CertifiedState(snap1, builder).tree;
  const canister = (t: LabeledNode, i: number): unknown => (t.get('canister') as LabeledNode).get(ids[i].bytesView() as Uint8Array);
  const status = (t: LabeledNode, i: number): unknown => (t.get('request_status') as LabeledNode).get(requests[i]);

  // Same content, new snapshot: the same subtrees, not only the same hash.
  const again = new CertifiedState(state.snapshot(), builder).tree;
  assert.equal(hex(again.digest), hex(t1.digest));
  for (const l of ['canister', 'canister_ranges', 'request_status']) assert.ok(again.get(l) === t1.get(l), l);

  // The live state changes one canister's certified data; the next snapshot shares the rest.
  (state.canisterMut(ids[5]) as { systemState: { certifiedData: Uint8Array } }).systemState.certifiedData = utf8('new');
  state.canisterMut(ids[6]); // touched, certified parts unchanged
  const t2 = new CertifiedState(state.snapshot(), builder).tree;
  assert.notEqual(hex(t2.digest), hex(t1.digest));
  for (let i = 0; i < ids.length; i++) assert.equal(canister(t2, i) === canister(t1, i), i !== 5, `canister ${i}`);
  for (let i = 0; i < requests.length; i++) assert.ok(status(t2, i) === status(t1, i));

  // A status change and a new message: only those subtrees are new.
  state.metadata.ingressHistory.insert(requests[3], { receiver: ids[0], userId: USER, time: state.time, state: { kind: 'completed', result: { kind: 'reply', payload: utf8('x') } } }, NOW, 1n << 40n);
  state.metadata.ingressHistory.insert(new Uint8Array(32).fill(9), { receiver: ids[0], userId: USER, time: state.time, state: { kind: 'received' } }, NOW, 1n << 40n);
  const t3 = new CertifiedState(state.snapshot(), builder).tree;
  for (let i = 0; i < requests.length; i++) assert.equal(status(t3, i) === status(t2, i), i !== 3, `status ${i}`);
  assert.ok(t3.get('canister') === t2.get('canister'));
  assert.equal(hex(digest(toHashTree(t3))), hex(t3.digest));

  // Patched heights equal a build from scratch, also after pruning.
  state.metadata.ingressHistory.prune(NOW + 10n ** 15n);
  const snap4 = state.snapshot();
  const t4 = new CertifiedState(snap4, builder).tree;
  assert.equal((t4.get('request_status') as LabeledNode).size, 1); // only the received one is left
  for (const s of [state.snapshot(), snap4]) {
    assert.equal(hex(new CertifiedState(s, builder).rootHash), hex(new CertifiedState(s, new StateTreeBuilder(keys)).rootHash));
  }
});

test('/subnet/<sid>/metrics reports the subnet\'s consumed cycles and update transactions', () => {
  const { state, keys } = fixture({ nowNanos: NOW });
  const [first, second] = state.canisters();
  state.canisterMut(first.canisterId)?.systemState.removeCycles(1_000n, 'instructions');
  state.canisterMut(second.canisterId)?.systemState.removeCycles(20n, 'memory');
  state.canisterMut(second.canisterId)?.systemState.removeCycles(5n, 'nonConsumed'); // a transfer: not consumed
  state.metadata.subnetMetrics.observeFee('httpOutcalls', 300n);
  state.metadata.subnetMetrics.updateTransactionsTotal = 42n;
  const cs = new CertifiedState(state, new StateTreeBuilder(keys));
  const leaf = found(lookupPath(['subnet', keys.subnetId.bytesView() as Uint8Array, 'metrics'], toHashTree(cs.tree)));
  const stateBytes = state.canisters().reduce((a, c) => a + c.memoryUsage(), 0n);
  assert.deepEqual(leaf, metricsLeaf({ numCanisters: 3n, canisterStateBytes: stateBytes, consumedCyclesTotal: 1_320n, updateTransactionsTotal: 42n }));
});
