import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseStartArgs } from './args.ts';
import { startReplica } from './start.ts';

const options = (...argv: string[]) => {
  const parsed = parseStartArgs(['--port', '0', ...argv]);
  assert.ok(parsed.ok);
  return parsed.options;
};

describe('startReplica', () => {
  it('ephemeral: serves on a free port and stops', async () => {
    const r = await startReplica(options('--ephemeral'));
    assert.ok(r.ok);
    assert.match(r.mode, /^ephemeral/);
    const res = await fetch(`${r.started.server.url}/api/v2/status`);
    assert.equal(res.status, 200);
    await r.started.stop();
  });

  it('--data-dir: the state is kept there, and the same subnet comes back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ic-exec-data-'));
    try {
      const first = await startReplica(options('--data-dir', dir));
      assert.ok(first.ok, first.ok ? '' : first.error);
      assert.match(first.mode, new RegExp(`^state in ${dir}`));
      const key = Buffer.from(first.started.replica.rootKey).toString('hex');
      await first.started.stop();
      assert.ok(readdirSync(dir).length > 0);
      const again = await startReplica(options('--data-dir', dir));
      assert.ok(again.ok, again.ok ? '' : again.error);
      assert.equal(Buffer.from(again.started.replica.rootKey).toString('hex'), key);
      await again.started.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a data dir that cannot be opened is an error to print, not a crash', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ic-exec-data-'));
    const file = join(dir, 'a-file');
    writeFileSync(file, 'not a directory');
    try {
      const r = await startReplica(options('--data-dir', file));
      assert.ok(!r.ok);
      assert.match(r.error, new RegExp(`^cannot start the replica on ${file}: `));
      assert.ok(existsSync(file));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
