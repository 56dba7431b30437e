// Crash tests (issue 6's must-show): a replica in its own process on a data
// directory, fed increments of a counter canister, killed with SIGKILL at
// random moments (some during its recovery), restarted, and finally closed
// cleanly. Then:
//   (a) every state hash any process reported at any height equals the one
//       an uninterrupted in-process replay of the whole batch log has there;
//   (b) every acknowledged increment was executed exactly once: the counter's
//       list of counted ids has no duplicate and holds every acknowledged id
//       (and nothing that was never sent).
// `npm run soak:crash` runs the same with 200 kills (scripts/soak-crash.ts;
// IC_EXEC_CRASH_KILLS and IC_EXEC_CRASH_SEED set the number and the seed).
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkSession, runCrashSession } from './crash-harness.ts';
import type { CrashRunOptions } from './crash-harness.ts';

const dirs: string[] = [];
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

const KILLS = Number(process.env.IC_EXEC_CRASH_KILLS ?? 22);
const SEED = Number(process.env.IC_EXEC_CRASH_SEED ?? 0x6c0ffee);

describe('crash recovery', () => {
  it(`survives ${KILLS} SIGKILLs: same state hash at every height as an uninterrupted run, every acknowledged message executed once`, { timeout: 60_000 + KILLS * 10_000 }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ic-exec-crash-'));
    dirs.push(dataDir);
    const opts: CrashRunOptions = {
      dataDir, kills: KILLS, seed: SEED, killAfterMs: [30, 1200], incEveryMs: 4, checkpointInterval: 7,
      spinEvery: 50, slice: 400_000, log: (line) => { if (process.env.CRASH_LOG !== undefined) process.stderr.write(`${line}\n`); },
    };
    const r = await runCrashSession(opts);
    assert.ok(r.kills >= Math.min(20, KILLS), `at least 20 kill points (${r.kills})`);
    assert.ok(r.acked.size > 50, `increments were acknowledged (${r.acked.size})`);
    assert.ok(r.recoveries.some((x) => x.replayedBatches > 0), 'some restarts replayed logged batches');
    assert.ok(r.recoveries.some((x) => BigInt(x.checkpointHeight) > 0n), 'some restarts started from a checkpoint');
    await checkSession(r, opts);
  });
});
