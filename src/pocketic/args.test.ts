import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_TTL_SECONDS, parseArgs } from './args.ts';

describe('pocketic command line', () => {
  it("reads the real server's flags, with defaults", () => {
    const r = parseArgs(['--port-file', '/tmp/p', '--ttl', '7', '-p', '8080', '--ip-addr=0.0.0.0', '--hard-ttl', '99']);
    assert.ok(r.ok);
    assert.deepEqual(r.args, { version: false, help: false, portFile: '/tmp/p', ttlSeconds: 7, hardTtlSeconds: 99, port: 8080, ipAddr: '0.0.0.0', ignored: [] });
    const d = parseArgs([]);
    assert.ok(d.ok);
    assert.equal(d.args.ttlSeconds, DEFAULT_TTL_SECONDS);
    assert.equal(d.args.port, 0);
    assert.equal(d.args.ipAddr, '127.0.0.1');
  });

  it('accepts and ignores the flags ic-exec has no use for; lists unknown ones', () => {
    const r = parseArgs(['--log-levels', 'debug', '--fetch-mainnet-routing-table', '--mainnet-registry-version', '3', '--frobnicate', '-V']);
    assert.ok(r.ok);
    assert.equal(r.args.version, true);
    assert.deepEqual(r.args.ignored, ['--frobnicate']);
  });

  it('refuses malformed values with a message', () => {
    for (const [argv, re] of [[['--ttl'], /--ttl needs/], [['--ttl', '-1'], /--ttl needs/], [['--port', '70000'], /at most 65535/], [['--port-file'], /needs a path/]] as const) {
      const r = parseArgs(argv);
      assert.equal(r.ok, false);
      assert.match(r.ok ? '' : r.message, re);
    }
  });
});
