import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SliceState } from './dts.ts';

describe('SliceState (the replica\'s DTS bookkeeping)', () => {
  it('starts with a full slice and slices_left = clamp(2 × total/slice, 4, 400)', () => {
    assert.equal(new SliceState(1000n, 100n).slicesLeft, 20n);
    assert.equal(new SliceState(1000n, 1000n).slicesLeft, 4n);
    assert.equal(new SliceState(10n ** 12n, 1n).slicesLeft, 400n);
    const s = new SliceState(1000n, 5000n);
    assert.equal(s.sliceLimit, 1000n, 'a slice is never larger than the total');
    assert.ok(s.isLastSlice());
  });

  it('carries a slice\'s overshoot over to the next slice', () => {
    const s = new SliceState(1000n, 100n);
    const r = s.tryPause(-7n); // 107 executed in a 100 slice
    assert.deepEqual(r, { ok: true, executedInSlice: 107n, nextSlice: 93n });
    assert.equal(s.executed, 107n);
    assert.equal(s.slicesLeft, 19n);
    assert.equal(s.totalExecuted(50n), 150n);
  });

  it('fails on the last slice with the reported limit, and on a zero next slice with SliceOverrun', () => {
    const last = new SliceState(100n, 100n, 555n);
    assert.deepEqual(last.tryPause(-1n), { ok: false, error: { kind: 'InstructionLimitExceeded', limit: 555n } });
    const overrun = new SliceState(1000n, 100n);
    const r = overrun.tryPause(-100n); // carry-over eats the whole next slice
    assert.equal(r.ok, false);
    assert.deepEqual(!r.ok && r.error, { kind: 'SliceOverrun', instructions: 200n, limit: 100n });
  });

  it('the last slice is the one that can reach the total, or the last allowed one', () => {
    const s = new SliceState(250n, 100n);
    assert.ok(s.tryPause(0n).ok);
    assert.ok(s.tryPause(0n).ok);
    assert.equal(s.sliceLimit, 50n, 'the remaining 50');
    assert.ok(s.isLastSlice());
  });

  it('counts a final overshoot in full but never more than the total', () => {
    const s = new SliceState(1000n, 100n);
    s.tryPause(0n);
    assert.equal(s.totalExecuted(-3n), 203n);
    assert.equal(new SliceState(100n, 100n).totalExecuted(-3n), 100n);
  });
});
