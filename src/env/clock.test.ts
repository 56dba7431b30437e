import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { time } from '../types/index.ts';
import { ManualClock, SystemClock } from './clock.ts';

describe('SystemClock', () => {
  test('reads the OS wall clock in nanoseconds since the epoch', () => {
    const before = BigInt(Date.now()) * 1_000_000n;
    const now = new SystemClock().nowNanos();
    const after = BigInt(Date.now()) * 1_000_000n;
    assert.ok(before <= now && now <= after, `${before} <= ${now} <= ${after}`);
  });

  test('never goes backwards when the OS clock steps back, and follows it again once it catches up', () => {
    const os = [100n, 200n, 150n, 50n, 200n, 250n];
    let i = 0;
    const clock = new SystemClock({ source: () => os[i++] });
    const readings = os.map(() => clock.nowNanos());
    assert.deepEqual(readings, [100n, 200n, 200n, 200n, 200n, 250n]);
  });

  test('holds its reading while the OS clock stalls', () => {
    const clock = new SystemClock({ source: () => 7n });
    assert.equal(clock.nowNanos(), 7n);
    assert.equal(clock.nowNanos(), 7n);
  });

  test('rejects a source outside u64 nanoseconds', () => {
    const clock = new SystemClock({ source: () => 1n << 64n });
    assert.throws(() => clock.nowNanos(), RangeError);
  });
});

describe('ManualClock', () => {
  test('starts at the given time (default 0) and moves only when told', () => {
    assert.equal(new ManualClock().nowNanos(), 0n);
    const clock = new ManualClock(time(1_000n));
    assert.equal(clock.nowNanos(), 1_000n);
    assert.equal(clock.nowNanos(), 1_000n);
    clock.advance(500n);
    assert.equal(clock.nowNanos(), 1_500n);
    clock.advance(0n);
    assert.equal(clock.nowNanos(), 1_500n);
    clock.setTime(time(9_000n));
    assert.equal(clock.nowNanos(), 9_000n);
    clock.setTime(time(9_000n));
    assert.equal(clock.nowNanos(), 9_000n);
  });

  test('setTime into the past fails as in PocketIC', () => {
    const clock = new ManualClock(time(10n));
    assert.throws(() => clock.setTime(time(9n)), { name: 'RangeError', message: 'SettingTimeIntoPast((10, 9))' });
    assert.equal(clock.nowNanos(), 10n);
  });

  test('advance rejects negative steps and overflow past u64', () => {
    const clock = new ManualClock(time((1n << 64n) - 2n));
    assert.throws(() => clock.advance(-1n), RangeError);
    assert.throws(() => clock.advance(2n), RangeError);
    clock.advance(1n);
    assert.equal(clock.nowNanos(), (1n << 64n) - 1n);
  });
});
