import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseStartArgs } from './args.ts';

describe('parseStartArgs', () => {
  it('defaults: port 4943, ./.ic-exec, not ephemeral', () => {
    const r = parseStartArgs([]);
    assert.ok(r.ok);
    assert.deepEqual([r.options.port, r.options.host, r.options.dataDir, r.options.dataDirGiven, r.options.ephemeral, r.options.cores],
      [4943, '127.0.0.1', './.ic-exec', false, false, 1]);
  });
  it('reads --opt value and --opt=value', () => {
    const r = parseStartArgs(['--port', '0', '--data-dir=/tmp/d', '--seed', 'x', '--round-interval=50']);
    assert.ok(r.ok);
    assert.deepEqual([r.options.port, r.options.dataDir, r.options.dataDirGiven, r.options.seed, r.options.roundIntervalMs], [0, '/tmp/d', true, 'x', 50]);
    const e = parseStartArgs(['--ephemeral']);
    assert.ok(e.ok && e.options.ephemeral);
  });
  it('--log-level, --log-format, --log-canisters', () => {
    const r = parseStartArgs(['--log-level', 'debug', '--log-format=json', '--log-canisters', '/tmp/c.log']);
    assert.ok(r.ok);
    assert.deepEqual([r.options.logLevel, r.options.logFormat, r.options.logCanisters], ['debug', 'json', '/tmp/c.log']);
    const d = parseStartArgs([]);
    assert.ok(d.ok);
    assert.deepEqual([d.options.logLevel, d.options.logFormat, d.options.logCanisters], [undefined, undefined, undefined]);
    for (const argv of [['--log-level', 'loud'], ['--log-format', 'xml'], ['--log-canisters='], ['--log-level']]) assert.ok(!parseStartArgs(argv).ok, argv.join(' '));
  });
  it('system canisters: on by default; --no-system-canisters; --fund lists, repeated', () => {
    const d = parseStartArgs([]);
    assert.ok(d.ok && d.options.systemCanisters && d.options.fund.length === 0);
    const r = parseStartArgs(['--fund', 'a-b, c-d', '--fund=e', '--no-system-canisters']);
    assert.ok(r.ok);
    assert.deepEqual([r.options.fund, r.options.systemCanisters], [['a-b', 'c-d', 'e'], false]);
  });
  it('refuses what it does not understand', () => {
    for (const argv of [['--port'], ['--port', '70000'], ['--port', 'x'], ['--nope'], ['--ephemeral', '--data-dir', 'd'], ['--cores', '0']]) {
      const r = parseStartArgs(argv);
      assert.ok(!r.ok, argv.join(' '));
    }
  });
});
