// A durable Replica in this process: a restart on the same data directory
// (or MemoryStore) continues from the same state; a damaged newest
// checkpoint is detected, reported and the previous one used; a write
// failure stops the replica without damage and the next start recovers.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open } from 'lmdb';
import { Replica } from '../../src/index.ts';
import type { CanisterId } from '../../src/index.ts';
import { FailingStore, LmdbStore, MemoryStore, ReplicaStoppedError } from '../../src/state-manager/index.ts';
import { counterWasm, countedIds, u32le } from './counter.ts';

const dirs: string[] = [];
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'ic-exec-durable-'));
  dirs.push(d);
  return d;
}
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** A counter canister with increments 1..n. */
async function counterWith(ic: Replica, n: number): Promise<CanisterId> {
  const id = await ic.createCanister();
  await ic.installCode(id, await counterWasm());
  for (let i = 1; i <= n; i++) await ic.updateCall(id, 'inc', u32le(i));
  return id;
}

/** The newest checkpoint height in a closed data directory. */
async function checkpointHeights(dataDir: string): Promise<bigint[]> {
  const store = LmdbStore.open(dataDir);
  assert.ok(store instanceof LmdbStore);
  const heights = store.checkpointHeights();
  await store.close();
  return heights;
}

describe('a durable replica', () => {
  it('restarts on its data directory with the same state, subnet key and height, and goes on', async () => {
    const dataDir = tempDir();
    const a = await Replica.create({ dataDir, checkpointInterval: 5n });
    assert.deepEqual(a.recovery, { checkpointHeight: 0n, replayedBatches: 0, skippedCheckpoints: [] });
    const id = await counterWith(a, 7);
    const [height, rootKey] = [a.height, hex(a.rootKey)];
    await a.close(); // a checkpoint batch at height + 1
    const closedHash = hex(a.stateHash());
    assert.equal(a.height, height + 1n);
    const b = await Replica.create({ dataDir, checkpointInterval: 5n });
    assert.equal(b.height, height + 1n);
    assert.deepEqual(b.recovery, { checkpointHeight: height + 1n, replayedBatches: 0, skippedCheckpoints: [] });
    assert.equal(hex(b.rootKey), rootKey, 'the subnet key is kept');
    assert.equal(hex(b.stateHash()), closedHash);
    assert.deepEqual(await countedIds(b, id), [1, 2, 3, 4, 5, 6, 7]);
    await b.updateCall(id, 'inc', u32le(8));
    assert.deepEqual(await countedIds(b, id), [1, 2, 3, 4, 5, 6, 7, 8]);
    await b.close();
  });

  it('replays the batches logged after the newest checkpoint (a crash: no close)', async () => {
    const store = new MemoryStore();
    const a = await Replica.create({ store, checkpointInterval: 4n });
    const id = await counterWith(a, 9);
    const [height, hash] = [a.height, hex(a.stateHash())];
    assert.ok(height % 4n !== 0n, 'the last batches are not checkpointed');
    // No close(): the replica "dies" here; the store keeps what was written.
    const b = await Replica.create({ store, checkpointInterval: 4n });
    assert.equal(b.height, height);
    assert.equal(hex(b.stateHash()), hash);
    assert.equal(b.recovery?.checkpointHeight, height - (height % 4n));
    assert.equal(b.recovery?.replayedBatches, Number(height % 4n));
    assert.deepEqual(await countedIds(b, id), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    await b.updateCall(id, 'inc', u32le(10));
    await b.close();
    await a.close();
  });

  it('detects a damaged newest checkpoint, reports it and uses the previous one', async () => {
    const dataDir = tempDir();
    const a = await Replica.create({ dataDir, checkpointInterval: 3n });
    const id = await counterWith(a, 6);
    await a.close();
    const closedHash = hex(a.stateHash());
    const heights = await checkpointHeights(dataDir);
    const [previous, newest] = heights.slice(-2);
    // Damage one byte of the newest manifest, with LMDB directly.
    const env = open({ path: dataDir, maxDbs: 8 });
    const db = env.openDB({ name: 'checkpoints', encoding: 'binary', keyEncoding: 'binary' });
    const key = Buffer.alloc(8);
    key.writeBigUInt64BE(newest);
    const bytes = Buffer.from(db.getBinary(key) as Buffer);
    bytes[bytes.length >> 1] ^= 0x01;
    env.transactionSync(() => { void db.put(key, bytes); });
    await env.close();
    const b = await Replica.create({ dataDir, checkpointInterval: 3n });
    assert.equal(b.recovery?.skippedCheckpoints.length, 1);
    assert.equal(b.recovery?.skippedCheckpoints[0].height, newest);
    assert.match(b.recovery?.skippedCheckpoints[0].reason ?? '', /damaged manifest: checksum mismatch/);
    assert.equal(b.recovery?.checkpointHeight, previous);
    assert.equal(b.recovery?.replayedBatches, Number(newest - previous));
    assert.equal(hex(b.stateHash()), closedHash, 'the replayed batches give the same state');
    assert.deepEqual(await countedIds(b, id), [1, 2, 3, 4, 5, 6]);
    await b.close();
    assert.ok((await checkpointHeights(dataDir)).includes(newest), 'the replay wrote the checkpoint again');
  });

  it('stops cleanly when a write fails, damages nothing, and the next start recovers', async () => {
    const dataDir = tempDir();
    const disk = LmdbStore.open(dataDir);
    assert.ok(disk instanceof LmdbStore);
    const failing = new FailingStore(disk);
    const a = await Replica.create({ store: failing, checkpointInterval: 4n });
    const id = await counterWith(a, 5);
    const [height, hash] = [a.height, hex(a.stateHash())];
    failing.arm({ afterWrites: 0 });
    const mid = await a.submitCall(id, 'inc', u32le(6));
    await assert.rejects(a.tick(), (e: unknown) => e instanceof ReplicaStoppedError && /MDB_MAP_FULL/.test(e.message) && /recover/.test(e.message));
    await assert.rejects(a.tick(), ReplicaStoppedError, 'a stopped replica stays stopped');
    assert.equal(a.height, height, 'the batch whose log write failed did not execute');
    assert.equal(a.ingressStatus(mid), undefined);
    await a.close(); // no checkpoint (stopped), no throw
    await disk.close();
    const b = await Replica.create({ dataDir, checkpointInterval: 4n });
    assert.equal(b.height, height);
    assert.equal(hex(b.stateHash()), hash);
    assert.deepEqual(await countedIds(b, id), [1, 2, 3, 4, 5]);
    await b.close();
  });

  it('stops when a checkpoint write fails; the next start replays from the previous checkpoint', async () => {
    const store = new MemoryStore();
    const failing = new FailingStore(store);
    const a = await Replica.create({ store: failing, checkpointInterval: 4n });
    const id = await counterWith(a, 3);
    failing.arm({ onCheckpoint: true });
    const before = store.checkpointHeights();
    let stopped: unknown;
    for (let i = 0; i < 8 && stopped === undefined; i++) await a.tick().catch((e: unknown) => { stopped = e; });
    assert.ok(stopped instanceof ReplicaStoppedError);
    assert.deepEqual(store.checkpointHeights(), before, 'no checkpoint was added');
    const [height, hash] = [a.height, hex(a.stateHash())];
    const b = await Replica.create({ store, checkpointInterval: 4n });
    assert.equal(b.height, height, 'the checkpoint batch itself was logged and is replayed');
    assert.equal(hex(b.stateHash()), hash);
    assert.ok(store.checkpointHeights().includes(height), 'the replay checkpointed it');
    assert.deepEqual(await countedIds(b, id), [1, 2, 3]);
    await b.close();
    await a.close();
  });

  it('keeps a replica continued from a given state (initialState) restartable, and refuses it on a store that holds a state', async () => {
    const a = await Replica.create({ checkpointInterval: 5n });
    const id = await counterWith(a, 3);
    await a.tick({ checkpoint: true }); // no paused execution in the state handed over
    const store = new MemoryStore();
    const b = await Replica.create({ store, initialState: a.committedState, initialNonce: a.nonce, checkpointInterval: 5n });
    assert.deepEqual(store.checkpointHeights(), [a.height], 'the state handed over is checkpointed at once');
    await b.updateCall(id, 'inc', u32le(4));
    const [height, hash] = [b.height, hex(b.stateHash())];
    const c = await Replica.create({ store, checkpointInterval: 5n });
    assert.equal(c.height, height);
    assert.equal(hex(c.stateHash()), hash);
    assert.deepEqual(await countedIds(c, id), [1, 2, 3, 4]);
    await assert.rejects(Replica.create({ store, initialState: a.committedState }), /initialState needs an empty store/);
    await c.close();
    await b.close();
    await a.close();
  });

  it('refuses a seed other than the one the data directory was created with', async () => {
    const dataDir = tempDir();
    await (await Replica.create({ dataDir, seed: 'one' })).close();
    await assert.rejects(Replica.create({ dataDir, seed: 'two' }), /created with seed 'one', not 'two'/);
    const c = await Replica.create({ dataDir });
    await c.close();
  });
});
