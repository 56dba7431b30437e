// The checkpoint lifecycle over a store: writing only what changed,
// removal of old checkpoints and garbage collection (mark and sweep), log
// pruning, recovery with its verification and fallback, repair after
// damage, and write failures.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compiler, page, richState } from '../state/checkpoint/test-support.ts';
import { A } from '../state/test-support.ts';
import { stateHash } from '../state/index.ts';
import type { ReplicatedState } from '../state/index.ts';
import { height } from '../types/index.ts';
import type { CheckpointCodec } from './checkpoint-codec.ts';
import { FailingStore } from './failing-store.ts';
import { decodeManifest } from './manifest.ts';
import { MemoryStore } from './memory-store.ts';
import { StateManager } from './state-manager.ts';
import { STATE_CODEC } from './state-codec.ts';
import type { Store } from './store.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** `state` at height `h` with heap page `index` of canister A set to `fill`. */
function advance(state: ReplicatedState, h: bigint, writes: readonly (readonly [number, number])[]): ReplicatedState {
  const c = state.canisterMut(A);
  const x = c?.executionState;
  assert.ok(c !== undefined && x !== undefined);
  c.executionState = { ...x, heap: x.heap.withPages(writes.map(([index, fill]) => ({ index, bytes: page(fill) }))) };
  state.metadata.height = height(h);
  return state;
}

/** The objects the manifests in the store reach (each present). */
function reachable(store: Store): Set<string> {
  const seen = new Set<string>();
  const visit = (key: Uint8Array): void => {
    const k = hex(key);
    if (seen.has(k)) return;
    seen.add(k);
    const bytes = store.get(key);
    assert.ok(bytes !== undefined, `object ${k} is reachable but missing`);
    for (const child of STATE_CODEC.objectReferences(key, bytes)) visit(child);
  };
  for (const h of store.checkpointHeights()) {
    const m = decodeManifest(store.checkpoint(h) as Uint8Array);
    assert.ok(m.ok);
    for (const root of m.manifest.roots) visit(root);
  }
  return seen;
}

/** Every reachable object is stored; after a sweep, exactly those. */
async function assertConsistent(m: StateManager, store: MemoryStore): Promise<void> {
  const live = reachable(store);
  const stored = new Set(store.objectKeys().map(hex));
  for (const k of live) assert.ok(stored.has(k), `reachable object ${k} is stored`);
  const s = await m.collectGarbage();
  assert.ok(s.ok);
  assert.equal(s.live, live.size);
  assert.deepEqual(new Set(store.objectKeys().map(hex)), live, 'after a sweep: stored objects = reachable objects');
}

async function logHeights(m: StateManager, from: bigint, to: bigint): Promise<void> {
  for (let h = from; h <= to; h++) assert.ok((await m.store.appendBatch(h, Uint8Array.of(1))).ok);
}

describe('checkpoints', () => {
  it('write only the changed pages and the nodes above them; recovery gives the same state hash', async () => {
    const store = new MemoryStore();
    const m = new StateManager({ store, codec: STATE_CODEC });
    const s = advance(richState(), 10n, [[1, 11]]);
    const first = await m.checkpoint(s);
    assert.ok(first.ok);
    assert.deepEqual(first.value.stateHash, stateHash(s));
    const second = await m.checkpoint(advance(s, 20n, [[7, 12], [8, 13]]));
    assert.ok(second.ok);
    assert.ok(second.value.newObjects <= 2 + 2 * 6, `2 dirty pages: ${second.value.newObjects} new objects`);
    const r = await new StateManager({ store, codec: STATE_CODEC }).recover(compiler);
    assert.ok(r.ok);
    assert.equal(r.recovery.baseHeight, 20n);
    assert.deepEqual(stateHash(r.recovery.state as ReplicatedState), stateHash(s));
    await assertConsistent(m, store);
  });

  it('keep the newest two, sweep what only older ones referenced, and prune the log up to the oldest kept', async () => {
    const store = new MemoryStore();
    const m = new StateManager({ store, codec: STATE_CODEC });
    const s = richState();
    for (const h of [10n, 20n, 30n, 40n]) {
      await logHeights(m, h - 9n, h);
      const r = await m.checkpoint(advance(s, h, [[1, Number(h)], [2, Number(h) + 1]]));
      assert.ok(r.ok);
      assert.equal(store.firstBatchHeight(), h === 10n ? 1n : h - 9n, 'the log from 1 while one checkpoint exists (the empty state its fallback), then after the oldest kept');
      if (h >= 30n) assert.deepEqual(r.value.removedCheckpoints, [h - 20n]);
      const before = store.stats().objects;
      await assertConsistent(m, store);
      if (h >= 30n) assert.ok(store.stats().objects <= before - 2, 'the overwritten pages of the removed checkpoint are swept');
    }
    assert.deepEqual(store.checkpointHeights(), [30n, 40n]);
    assert.deepEqual(store.batchHeights()[0], 31n);
    const r = await m.recover(compiler);
    assert.ok(r.ok);
    assert.deepEqual(r.recovery.replay, []);
  });

  it('sweep by themselves once the garbage outgrows the live objects', async () => {
    const store = new MemoryStore();
    const m = new StateManager({ store, codec: STATE_CODEC, keepCheckpoints: 1, sweepFloor: 0 });
    const s = richState();
    let freed = 0;
    for (let h = 1n; h <= 12n; h++) {
      const r = await m.checkpoint(advance(s, h, Array.from({ length: 40 }, (_, i) => [i * 97, Number(h)] as const)));
      assert.ok(r.ok);
      freed += r.value.freedObjects;
      const live = reachable(store).size;
      assert.ok(store.stats().objects <= 2 * live + 1, `objects ${store.stats().objects}, live ${live}`);
    }
    assert.ok(freed > 0);
  });

  it('skip a checkpoint whose manifest is damaged, use the previous one and replay the log after it', async () => {
    const store = new MemoryStore();
    const m = new StateManager({ store, codec: STATE_CODEC });
    const s = richState();
    await m.checkpoint(advance(s, 10n, [[1, 1]]));
    const older = stateHash(s);
    await logHeights(m, 11n, 23n);
    await m.checkpoint(advance(s, 20n, [[1, 2]]));
    const bad = Uint8Array.from(store.checkpoint(20n) as Uint8Array);
    bad[bad.length - 40] ^= 1;
    store.damageCheckpoint(20n, bad);
    const r = await new StateManager({ store, codec: STATE_CODEC }).recover(compiler);
    assert.ok(r.ok);
    assert.equal(r.recovery.baseHeight, 10n);
    assert.deepEqual(stateHash(r.recovery.state as ReplicatedState), older);
    assert.deepEqual(r.recovery.replay, [11n, 12n, 13n, 14n, 15n, 16n, 17n, 18n, 19n, 20n, 21n, 22n, 23n]);
    assert.equal(r.recovery.skipped.length, 1);
    assert.match(r.recovery.skipped[0].reason, /damaged manifest: checksum mismatch/);
    assert.deepEqual(store.checkpointHeights(), [10n], 'the damaged checkpoint is removed (replay writes it again)');
  });

  it('skip a checkpoint with a damaged page, and rewrite every object at the next checkpoint (repair)', async () => {
    const store = new MemoryStore();
    const m = new StateManager({ store, codec: STATE_CODEC });
    const s = richState();
    await m.checkpoint(advance(s, 10n, [[1, 1]]));
    await logHeights(m, 11n, 20n);
    await m.checkpoint(advance(s, 20n, [[1, 2], [400, 77]]));
    const key = [...store.objectKeys()].find((k) => k[0] === 0x50 && Buffer.compare(store.get(k) as Uint8Array, page(77)) === 0);
    assert.ok(key !== undefined);
    store.damageObject(key, page(78));
    const m2 = new StateManager({ store, codec: STATE_CODEC });
    const r = await m2.recover(compiler);
    assert.ok(r.ok);
    assert.equal(r.recovery.baseHeight, 10n);
    assert.match(r.recovery.skipped[0].reason, /does not match its hash/);
    assert.equal(r.recovery.repair, true);
    // The replay reaches height 20 again; its checkpoint rewrites the page under its key.
    const again = await m2.checkpoint(advance(r.recovery.state as ReplicatedState, 20n, [[1, 2], [400, 77]]));
    assert.ok(again.ok);
    assert.deepEqual(Uint8Array.from(store.get(key) as Uint8Array), page(77));
    const r3 = await new StateManager({ store, codec: STATE_CODEC }).recover(compiler);
    assert.ok(r3.ok);
    assert.equal(r3.recovery.baseHeight, 20n);
    assert.deepEqual(r3.recovery.skipped, []);
    await assertConsistent(m2, store);
  });

  it('fail recovery clearly when no checkpoint verifies and the log was pruned', async () => {
    const store = new MemoryStore();
    const m = new StateManager({ store, codec: STATE_CODEC, keepCheckpoints: 1 });
    await logHeights(m, 1n, 10n);
    await m.checkpoint(advance(richState(), 10n, [[1, 1]]));
    await logHeights(m, 11n, 12n);
    store.damageCheckpoint(10n, Uint8Array.of(1, 2, 3));
    const r = await new StateManager({ store, codec: STATE_CODEC }).recover(compiler);
    assert.ok(!r.ok);
    assert.match(r.error, /no checkpoint verifies and the batch log starts at height 11, not 1/);
    assert.deepEqual(store.checkpointHeights(), [10n], 'nothing is removed when recovery fails');
  });

  it('leave the store as it was when a checkpoint write fails, and stop', async () => {
    const inner = new MemoryStore();
    const store = new FailingStore(inner);
    const m = new StateManager({ store, codec: STATE_CODEC });
    const s = richState();
    assert.ok((await m.checkpoint(advance(s, 10n, [[1, 1]]))).ok);
    const objects = inner.objectKeys().map(hex).sort();
    store.arm({ onCheckpoint: true });
    const r = await m.checkpoint(advance(s, 20n, [[1, 2]]));
    assert.ok(!r.ok);
    assert.equal(r.failure.kind, 'store');
    assert.match(r.failure.message, /MDB_MAP_FULL/);
    assert.deepEqual(inner.objectKeys().map(hex).sort(), objects);
    assert.deepEqual(inner.checkpointHeights(), [10n]);
    assert.ok(!(await m.logBatch({ height: height(21n) } as never)).ok, 'a stopped state manager refuses every write');
    const back = await new StateManager({ store: inner, codec: STATE_CODEC }).recover(compiler);
    assert.ok(back.ok);
    assert.equal(back.recovery.baseHeight, 10n);
  });

  it('report a state the codec refuses as an encode failure, writing nothing', async () => {
    const store = new MemoryStore();
    const refusing: CheckpointCodec = { ...STATE_CODEC, encodeState: () => ({ ok: false, error: 'a paused execution' }) };
    const r = await new StateManager({ store, codec: refusing }).checkpoint(richState());
    assert.ok(!r.ok);
    assert.equal(r.failure.kind, 'encode');
    assert.match(r.failure.message, /cannot be checkpointed: a paused execution/);
    assert.deepEqual(store.stats(), { objects: 0, objectBytes: 0, batches: 0, checkpoints: 0 });
  });
});
