import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseStartArgs } from './args.ts';
import { startReplica } from './start.ts';

describe('startReplica', () => {
  it('refuses an explicit --data-dir while Replica.create keeps no state on disk (never ignores it)', async () => {
    const parsed = parseStartArgs(['--data-dir', '/tmp/nowhere', '--port', '0']);
    assert.ok(parsed.ok);
    const r = await startReplica(parsed.options);
    assert.ok(!r.ok);
    assert.match(r.error, /^--data-dir \/tmp\/nowhere: this build cannot keep state on disk yet/);
  });

  it('serves on a free port and stops', async () => {
    const parsed = parseStartArgs(['--port', '0', '--ephemeral']);
    assert.ok(parsed.ok);
    const r = await startReplica(parsed.options);
    assert.ok(r.ok);
    const res = await fetch(`${r.started.server.url}/api/v2/status`);
    assert.equal(res.status, 200);
    await r.started.stop();
  });
});
