// A real write failure: the replica process runs under a file-size limit
// (`prlimit --fsize`), so LMDB's writes past it fail with an I/O error, as
// on a full disk. The replica stops with a clear error and exits; what is on
// disk is intact, and a start without the limit recovers every acknowledged
// increment, with the state hashes of an uninterrupted run.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newReports, referenceHashes, send, start } from './crash-harness.ts';

const dirs: string[] = [];
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });
const hasPrlimit = spawnSync('prlimit', ['--version']).status === 0;

describe('a full disk', () => {
  it('stops the replica with a clear error, damages nothing, and the next start recovers', { skip: hasPrlimit ? false : 'prlimit (util-linux) is not installed', timeout: 120_000 }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ic-exec-full-'));
    dirs.push(dataDir);
    const opts = { dataDir, checkpointInterval: 5 };
    const reports = newReports();
    let next = 1;
    // 1. A normal run: the canister, some increments, a clean close.
    const first = start(opts, reports);
    await first.ready;
    for (; next <= 30; next++) send(first, { inc: next });
    send(first, { final: true });
    assert.equal(await first.exited, 0);
    // 2. Under a file-size limit a little above the store's size: increments until a write fails.
    const limit = statSync(join(dataDir, 'data.mdb')).size + 64 * 1024;
    const limited = start(opts, reports, limit);
    await limited.ready;
    const feeder = setInterval(() => send(limited, { inc: next++ }), 2);
    const code = await limited.exited;
    clearInterval(feeder);
    assert.equal(code, 3, 'the replica process stopped on the store failure');
    assert.match(limited.stopped ?? '', /the replica stopped: .*failed: .*(Input\/output error|File too large|No space)/);
    assert.match(limited.stopped ?? '', /create the replica again on the same data to recover/);
    // 3. Without the limit: it recovers and goes on.
    const again = start(opts, reports);
    await again.ready;
    for (let i = 0; i < 10; i++) send(again, { inc: next++ });
    send(again, { final: true });
    assert.equal(await again.exited, 0);
    const ids = again.final?.ids ?? [];
    assert.equal(new Set(ids).size, ids.length, 'nothing executed twice');
    const counted = new Set(ids);
    assert.deepEqual([...reports.acked].filter((n) => !counted.has(n)), [], 'every acknowledged increment survived');
    const reference = await referenceHashes(dataDir);
    for (const [h, hashes] of reports.reported) for (const hash of hashes) assert.equal(hash, reference.get(h), `state hash at height ${h}`);
  });
});
