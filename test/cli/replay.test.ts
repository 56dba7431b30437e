// `ic-exec replay` through bin/ic-exec: a durable replica's data directory
// verifies (human and --json output, exit 0); a copy with one logged batch
// altered reports the divergence at its height (exit 1); a damaged
// checkpoint is reported (exit 1); a directory that is not one exits 2.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { alterIngress, copyDir, damageManifest, layout, makeDataDir, removeDirs, tempDir } from '../state-manager/replay-fixture.ts';
import type { ReplayFixture } from '../state-manager/replay-fixture.ts';

const BIN = fileURLToPath(new URL('../../bin/ic-exec', import.meta.url));

function icExec(args: readonly string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, out, err }));
  });
}

let fx: ReplayFixture;
let checkpoints: bigint[];
before(async () => {
  fx = await makeDataDir(200);
  checkpoints = (await layout(fx.dataDir)).checkpoints;
});
after(removeDirs);

describe('ic-exec replay', () => {
  it('verifies a data directory: a summary line, or one JSON document', async () => {
    const human = await icExec(['replay', '--data-dir', fx.dataDir]);
    assert.equal(human.code, 0, human.err);
    const batches = Number(fx.lastHeight - checkpoints[0]);
    assert.match(human.out, new RegExp(`^verified: ${batches} of ${batches} batches of .+ replayed from height ${checkpoints[0]} to ${fx.lastHeight} in [0-9.]+ s; `
      + `state hashes matched at ${batches} heights recorded in the log and at checkpoints ${checkpoints.slice(1).join(', ')}\\n$`));
    assert.equal(human.err, '', 'no progress bar when stderr is not a terminal');
    const json = await icExec(['replay', '--json', '--data-dir', fx.dataDir]);
    assert.equal(json.code, 0, json.err);
    const doc = JSON.parse(json.out) as Record<string, unknown>;
    assert.equal(typeof doc.ms, 'number');
    delete doc.ms;
    assert.deepEqual(doc, {
      dataDir: fx.dataDir, from: String(checkpoints[0]), to: String(fx.lastHeight), batches, verifiedHeights: checkpoints.slice(1).map(String),
      logVerifiedHeights: batches, damaged: [], ok: true,
    });
  });

  it('reports the first divergence of an altered log with exit code 1', async () => {
    const dir = copyDir(fx.dataDir);
    const altered = await alterIngress(dir, checkpoints[0] + 3n);
    const json = await icExec(['replay', '--data-dir', dir, '--json']);
    assert.equal(json.code, 1, json.err);
    const doc = JSON.parse(json.out) as { ok: boolean; divergence: { height: string; expected: string; actual: string; source: string; detail: string } };
    assert.equal(doc.ok, false);
    assert.equal(doc.divergence.height, String(altered));
    assert.equal(doc.divergence.expected, fx.hashes.get(altered));
    assert.equal(doc.divergence.source, 'log');
    assert.match(doc.divergence.detail, /canister [a-z0-9-]+ differs \(heap memory\)/);
    const human = await icExec(['replay', '--data-dir', dir]);
    assert.equal(human.code, 1);
    assert.match(human.out, new RegExp(`^divergence at height ${altered}: the state hash differs from the one the batch log recorded\\n`
      + `  expected ${doc.divergence.expected}\\n  actual   ${doc.divergence.actual}\\n  at height \\d+: canister .+\\nNOT verified: `));
  });

  it('reports a damaged checkpoint, and refuses what is not a data directory with exit code 2', async () => {
    const dir = copyDir(fx.dataDir);
    await damageManifest(dir, checkpoints[0]);
    const human = await icExec(['replay', '--data-dir', dir]);
    assert.equal(human.code, 1);
    assert.match(human.out, new RegExp(`^damaged checkpoint at height ${checkpoints[0]}: damaged manifest: checksum mismatch\\nNOT verified: .* replayed from height ${checkpoints[1]} `));
    const none = await icExec(['replay', '--json', '--data-dir', tempDir()]);
    assert.equal(none.code, 2);
    assert.match((JSON.parse(none.out) as { error: { message: string } }).error.message, /is not the data directory of a replica/);
    const bad = await icExec(['replay', '--data-dir', fx.dataDir, '--from', '7']);
    assert.equal(bad.code, 2);
    assert.match(bad.err, new RegExp(`^error: replay cannot start at height 7: it can start at ${checkpoints.slice(0, -1).join(', ')}\\n$`));
  });
});
