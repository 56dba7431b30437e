// The execution settings a store records on its first start win over the
// options of later starts (recovery replays the log with them) and of
// replay; a store made before the record existed gets one, with the 512 MiB
// heap-delta capacity replicas on disk had then.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open } from 'lmdb';
import { Replica } from '../../src/index.ts';
import { replayDataDir } from '../../src/replica/index.ts';
import { LmdbStore, META_EXECUTION_SETTINGS, MemoryStore, decodeExecutionSettings } from '../../src/state-manager/index.ts';
import { numBytes, numInstructions } from '../../src/types/index.ts';
import { counterWasm, u32le } from './counter.ts';

const dirs: string[] = [];
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'ic-exec-settings-'));
  dirs.push(d);
  return d;
}
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const MiB = 1024n * 1024n;

/** The execution-settings meta entry, removed with LMDB directly (a data dir made before the record existed). */
async function removeRecord(dataDir: string): Promise<void> {
  const env = open({ path: dataDir, maxDbs: 8 });
  const db = env.openDB({ name: 'meta', encoding: 'binary', keyEncoding: 'binary' });
  env.transactionSync(() => { void db.remove(Buffer.from(META_EXECUTION_SETTINGS, 'utf8')); });
  await env.close();
}

describe('recorded execution settings', () => {
  it('a restart with another subnet size and capacity replays the log with the recorded ones, to the state of the uninterrupted run', async () => {
    const store = new MemoryStore();
    const a = await Replica.create({ store, subnetSize: 13, schedulerConfig: { subnetHeapDeltaCapacity: numBytes(300n * MiB) } });
    const id = await a.createCanister();
    await a.installCode(id, await counterWasm());
    for (let i = 1; i <= 3; i++) await a.updateCall(id, 'inc', u32le(i));
    const [height, hash] = [a.height, hex(a.stateHash())];
    // a crash: `a` is dropped without close (no checkpoint), its batches are in the log
    const b = await Replica.create({ store, subnetSize: 34, schedulerConfig: { subnetHeapDeltaCapacity: numBytes(100n * MiB) } });
    assert.equal(b.recovery?.replayedBatches, Number(height));
    assert.equal(b.height, height);
    assert.equal(hex(b.stateHash()), hash, 'the state hash of the uninterrupted run');
    assert.equal(b.config.subnetHeapDeltaCapacity, 300n * MiB);
    assert.equal(b.settingsNotices.length, 2, b.settingsNotices.join('\n'));
    assert.match(b.settingsNotices[0], /subnetSize 34 is ignored: the data was created with 13/);
    assert.match(b.settingsNotices[1], /schedulerConfig\.subnetHeapDeltaCapacity 104857600 is ignored: the data was created with 314572800/);
    await b.close();
    // the control: the same calls with subnet size 34 make another state (fees scale with it)
    const c = await Replica.create({ subnetSize: 34 });
    const cid = await c.createCanister();
    await c.installCode(cid, await counterWasm());
    for (let i = 1; i <= 3; i++) await c.updateCall(cid, 'inc', u32le(i));
    assert.equal(c.height, height);
    assert.notEqual(hex(c.stateHash()), hash);
    assert.deepEqual(c.settingsNotices, []);
    await c.close();
  });

  it('replay executes the log with the recorded settings (without them it diverges)', async () => {
    const dataDir = tempDir();
    const small = numInstructions(2_000_000n);
    const a = await Replica.create({ dataDir, pruneBatchLog: false, schedulerConfig: { maxInstructionsPerMessage: small, maxInstructionsPerSlice: small } });
    const id = await a.createCanister();
    await a.installCode(id, await counterWasm());
    await assert.rejects(a.updateCall(id, 'spin', u32le(1_000_000)), /instruction/i);
    await a.close();
    const r = await replayDataDir(dataDir, { from: 0n });
    assert.ok(r.ok, r.ok ? '' : r.error);
    assert.equal(r.report.ok, true, JSON.stringify(r.report, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)));
    await removeRecord(dataDir);
    const legacy = await replayDataDir(dataDir, { from: 0n });
    assert.ok(legacy.ok, legacy.ok ? '' : legacy.error);
    assert.equal(legacy.report.ok, false, 'the default instruction limits let spin finish');
    assert.notEqual(legacy.report.divergence, undefined);
  });

  it('a data dir without the record gets one with the 512 MiB heap-delta capacity of then', async () => {
    const dataDir = tempDir();
    const a = await Replica.create({ dataDir });
    assert.equal(a.config.subnetHeapDeltaCapacity, 256n * MiB);
    await a.createCanister();
    await a.close();
    await removeRecord(dataDir);
    const b = await Replica.create({ dataDir });
    assert.equal(b.config.subnetHeapDeltaCapacity, 512n * MiB);
    assert.deepEqual(b.settingsNotices.map((n) => n.replace(`${dataDir}: `, '')), [
      'schedulerConfig.subnetHeapDeltaCapacity 268435456 is ignored: the data was created with 536870912, and its logged batches must execute again as they first did',
    ]);
    await b.close();
    const store = LmdbStore.open(dataDir);
    assert.ok(store instanceof LmdbStore);
    const bytes = store.meta(META_EXECUTION_SETTINGS);
    await store.close();
    assert.ok(bytes !== undefined, 'the record is written');
    const d = decodeExecutionSettings(bytes);
    assert.ok(d.ok);
    assert.equal(d.settings.scheduler.subnetHeapDeltaCapacity, 512n * MiB);
  });
});
