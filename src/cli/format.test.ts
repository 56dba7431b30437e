import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes, formatCount, formatCycles, formatDuration, formatNanos, table } from './format.ts';

describe('format', () => {
  it('cycles in T, B, M (truncated to 3 decimals), exact below a million', () => {
    assert.equal(formatCycles('99997878770466'), '99.997 T');
    assert.equal(formatCycles('5000000000000'), '5.000 T');
    assert.equal(formatCycles('1500000000'), '1.500 B');
    assert.equal(formatCycles('2000001'), '2.000 M');
    assert.equal(formatCycles('999999'), '999999');
    assert.equal(formatCycles('340282366920938463463374607431768211455'), '340282366920938463463374607.431 T');
  });

  it('bytes, durations, counts, times', () => {
    assert.equal(formatBytes('512'), '512 B');
    assert.equal(formatBytes('5885215'), '5.61 MiB');
    assert.equal(formatBytes(String(3n << 30n)), '3.00 GiB');
    assert.equal(formatDuration(0), '0s');
    assert.equal(formatDuration(3_723_000), '1h 2m 3s');
    assert.equal(formatDuration(90_061_000), '1d 1h 1m 1s');
    assert.equal(formatCount('1234567'), '1.23M');
    assert.equal(formatNanos('1700000000123456789'), '2023-11-14T22:13:20.123456789Z');
  });

  it('table: padded columns, right-aligned ones, ANSI codes take no width', () => {
    const t = table(['A', 'NUM', 'Z'], [['x', '1', 'last'], ['\x1b[32mlong\x1b[39m', '100', '']], new Set([1]));
    assert.equal(t, 'A     NUM  Z\nx       1  last\n\x1b[32mlong\x1b[39m  100\n');
  });
});
