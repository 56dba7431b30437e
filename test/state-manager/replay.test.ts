// Replay of a durable replica's data directory (src/replica/replay.ts over
// src/state-manager/replay.ts): a clean directory verifies at every height
// without being written to; a logged batch altered so that it still decodes
// is reported at exactly its height, with the canister that differs; a
// log without per-height hashes is verified at checkpoints; a damaged
// checkpoint is reported; a directory in use is refused.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { replayDataDir } from '../../src/replica/index.ts';
import type { ReplayReport } from '../../src/state-manager/index.ts';
import { LmdbStore } from '../../src/state-manager/index.ts';
import { CHECKPOINT_INTERVAL, alterIngress, tempDir, copyDir, damageManifest, dropDigests, layout, makeDataDir, removeDirs } from './replay-fixture.ts';
import type { ReplayFixture } from './replay-fixture.ts';

let fx: ReplayFixture;
before(async () => { fx = await makeDataDir(); });
after(removeDirs);

async function replay(dir: string, opts: Parameters<typeof replayDataDir>[1] = {}): Promise<ReplayReport> {
  const r = await replayDataDir(dir, opts);
  assert.ok(r.ok, r.ok ? '' : r.error);
  return r.report;
}

/** The bytes of the files replay must not change. */
const contents = (dir: string): Record<string, string> => Object.fromEntries(readdirSync(dir).filter((f) => f !== 'lock.mdb')
  .map((f) => [f, readFileSync(join(dir, f)).toString('base64')]));

describe('replay of a data directory', () => {
  it('re-executes the log from the oldest checkpoint and verifies every height, without writing to the directory', async () => {
    const { checkpoints, last } = await layout(fx.dataDir);
    assert.ok(checkpoints.length >= 3, `checkpoints ${checkpoints.join(', ')}`);
    const before = contents(fx.dataDir);
    const progress: [number, number][] = [];
    const r = await replay(fx.dataDir, { onProgress: (done, total) => progress.push([done, total]) });
    assert.equal(r.ok, true, JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)));
    assert.equal(r.from, checkpoints[0]);
    assert.equal(r.to, last);
    assert.equal(r.batches, Number(last - checkpoints[0]));
    assert.deepEqual(r.verifiedHeights, checkpoints.slice(1));
    assert.equal(r.logVerifiedHeights, r.batches, 'every height but the last by the next record\'s hash, the start one included');
    assert.deepEqual(r.damaged, []);
    assert.equal(progress.length, r.batches);
    assert.deepEqual(progress[progress.length - 1], [r.batches, r.batches]);
    assert.deepEqual(contents(fx.dataDir), before, 'nothing in the directory changed');
    // from a later checkpoint
    const later = await replay(fx.dataDir, { from: checkpoints[1] });
    assert.equal(later.ok, true);
    assert.equal(later.batches, Number(last - checkpoints[1]));
    const refused = await replayDataDir(fx.dataDir, { from: checkpoints[0] + 1n });
    assert.ok(!refused.ok);
    assert.match(refused.error, new RegExp(`cannot start at height ${checkpoints[0] + 1n}: it can start at ${checkpoints.slice(0, -1).join(', ')}`));
  });

  it('replays a whole log from the empty state, the subnet taken from the first batch\'s topology', async () => {
    const whole = await makeDataDir(70, { pruneBatchLog: false });
    const { checkpoints, first, last } = await layout(whole.dataDir);
    assert.equal(first, 1n);
    const r = await replay(whole.dataDir);
    assert.equal(r.ok, true);
    assert.equal(r.from, 0n);
    assert.equal(r.batches, Number(last));
    assert.deepEqual(r.verifiedHeights, checkpoints);
    assert.equal(r.logVerifiedHeights, r.batches - 1, 'every height from 1 (the first record carries no hash of the empty state)');
    const later = await replay(whole.dataDir, { from: checkpoints[0] });
    assert.equal(later.ok, true);
    assert.equal(later.from, checkpoints[0]);
  });

  it('replays from the empty state a replica that hosts the system canisters (their routing and allocation ranges)', async () => {
    const sys = await makeDataDir(30, { pruneBatchLog: false, systemCanisters: true });
    const r = await replay(sys.dataDir);
    assert.equal(r.from, 0n);
    assert.equal(r.ok, true, r.divergence?.detail);
  });

  it('reports the first divergent height exactly when a logged batch was altered', async () => {
    const dir = copyDir(fx.dataDir);
    const { checkpoints } = await layout(dir);
    const altered = await alterIngress(dir, checkpoints[0] + 7n);
    const r = await replay(dir);
    assert.equal(r.ok, false);
    const d = r.divergence;
    assert.ok(d !== undefined);
    assert.equal(d.height, altered);
    assert.equal(d.source, 'log');
    assert.equal(d.expected, fx.hashes.get(altered));
    assert.notEqual(d.actual, d.expected);
    const next = checkpoints.find((h) => h >= altered) as bigint;
    assert.equal(r.to, next, 'replay went on to the next checkpoint to tell what differs, and stopped');
    assert.match(d.detail, new RegExp(`at height ${next}: canister [a-z0-9-]+ differs \\(heap memory\\)`));
    assert.equal(r.logVerifiedHeights, Number(altered - checkpoints[0]), 'every height before it verified');
  });

  it('verifies a log without per-height hashes at its checkpoints', async () => {
    const dir = copyDir(fx.dataDir);
    await dropDigests(dir);
    const clean = await replay(dir);
    assert.equal(clean.ok, true);
    assert.equal(clean.logVerifiedHeights, 0);
    const { checkpoints } = await layout(dir);
    assert.deepEqual(clean.verifiedHeights, checkpoints.slice(1));
    const altered = await alterIngress(dir, checkpoints[0] + 7n);
    const r = await replay(dir);
    const next = checkpoints.find((h) => h >= altered) as bigint;
    assert.equal(r.divergence?.height, next);
    assert.equal(r.divergence?.source, 'checkpoint');
    assert.equal(r.divergence?.expected, fx.hashes.get(next));
    assert.match(r.divergence?.detail ?? '', /canister [a-z0-9-]+ differs \(heap memory\)/);
  });

  it('reports a damaged checkpoint: the start one is skipped for the next, a later one is not verified', async () => {
    const dir = copyDir(fx.dataDir);
    const { checkpoints } = await layout(dir);
    await damageManifest(dir, checkpoints[0]);
    await damageManifest(dir, checkpoints[2]);
    const r = await replay(dir);
    assert.equal(r.ok, false);
    assert.equal(r.divergence, undefined);
    assert.equal(r.from, checkpoints[1]);
    assert.deepEqual(r.damaged.map((x) => x.height), [checkpoints[0], checkpoints[2]]);
    assert.match(r.damaged[0].reason, /damaged manifest: checksum mismatch/);
    assert.deepEqual(r.verifiedHeights, checkpoints.slice(3));
    assert.equal(r.batches, Number(fx.lastHeight - checkpoints[1]));
  });

  it('refuses a directory a live process has open, and one that is no data directory', async () => {
    const s = LmdbStore.open(fx.dataDir);
    assert.ok(s instanceof LmdbStore);
    try {
      const r = await replayDataDir(fx.dataDir);
      assert.ok(!r.ok);
      assert.equal(r.inUse, process.pid);
      assert.match(r.error, new RegExp(`is in use by process ${process.pid}`));
    } finally {
      await s.close();
    }
    const missing = await replayDataDir(join(fx.dataDir, 'nothing-here'));
    assert.ok(!missing.ok);
    assert.match(missing.error, /^there is no directory .*nothing-here$/);
    const empty = await replayDataDir(tempDir());
    assert.ok(!empty.ok);
    assert.match(empty.error, /is not the data directory of a replica \(it has no data\.mdb\)/);
    assert.equal(CHECKPOINT_INTERVAL, 60n);
  });
});
