import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Batch } from '../consensus/index.ts';
import { height, numBytes } from '../types/index.ts';
import { checkpointDue, scheduledHeapDeltaLimit } from './heap-delta.ts';
import { executeRound } from './scheduler.ts';
import { FakeExecutor, TINY_CONFIG, nextBatch, queueIngress, stateWith } from './test-support.ts';

const summary = (next: bigint, length = 9n) => ({ nextCheckpointHeight: height(next), currentIntervalLength: length });

describe('scheduled heap-delta limit', () => {
  it('releases the capacity over the interval above the initial reserve (the replica\'s formula)', () => {
    // capacity 10 pages + 1 byte, reserve 1 page, interval of 10 heights (length 9): the replica's smooth-rate-limiting test
    const cap = 10n * 4096n + 1n;
    const reserve = 4096n;
    assert.equal(scheduledHeapDeltaLimit(1n, summary(10n), cap, reserve), cap - ((cap - reserve) * 9n) / 10n);
    assert.equal(scheduledHeapDeltaLimit(0n, summary(10n), cap, reserve), reserve, 'a whole interval ahead: the reserve only');
    assert.equal(scheduledHeapDeltaLimit(5n, summary(10n), cap, reserve), cap - (cap - reserve) / 2n);
    assert.equal(scheduledHeapDeltaLimit(10n, summary(10n), cap, reserve), cap, 'at the checkpoint: all of it');
    assert.equal(scheduledHeapDeltaLimit(3n, undefined, cap, reserve), cap, 'no summary: the capacity');
    assert.equal(scheduledHeapDeltaLimit(3n, summary(10n), cap, 2n * cap), cap, 'a reserve above the capacity: no rate limiting');
    for (let h = 0n; h < 10n; h++) {
      assert.ok(scheduledHeapDeltaLimit(h, summary(10n), cap, reserve) <= scheduledHeapDeltaLimit(h + 1n, summary(10n), cap, reserve));
    }
  });

  it('skips the canisters of a round at the limit, and runs them again after the checkpoint resets the estimate', async () => {
    const config = { ...TINY_CONFIG, subnetHeapDeltaCapacity: numBytes(1000n), heapDeltaInitialReserve: numBytes(1000n) };
    const state = stateWith(1);
    queueIngress(state, 1, 'burn:10', 1);
    state.metadata.heapDeltaEstimate = 1000n;
    const b = nextBatch();
    assert.ok(checkpointDue(state, config, b.height, undefined), 'the block maker would make the next batch a checkpoint');
    const skipped = await executeRound(state, b, { executor: new FakeExecutor(), config });
    assert.equal(skipped.skipped, true);
    assert.equal(skipped.executions, 0);
    const checkpoint: Batch = nextBatch({ checkpoint: true });
    assert.equal((await executeRound(state, checkpoint, { executor: new FakeExecutor(), config })).skipped, true, 'the checkpoint round itself is skipped');
    assert.equal(state.metadata.heapDeltaEstimate, 0n, 'reset at the checkpoint');
    assert.ok(!checkpointDue(state, config, checkpoint.height + 1n, undefined));
    const ran = await executeRound(state, nextBatch(), { executor: new FakeExecutor(), config });
    assert.equal(ran.executions, 1);
  });

  it('uses the batch summary: early in the interval only the reserve is available', async () => {
    const config = { ...TINY_CONFIG, subnetHeapDeltaCapacity: numBytes(1000n), heapDeltaInitialReserve: numBytes(100n) };
    const state = stateWith(1);
    queueIngress(state, 1, 'burn:10', 2);
    state.metadata.heapDeltaEstimate = 500n;
    const early = { ...nextBatch(), batchSummary: summary(1_000_000n, 999_999n) };
    assert.equal((await executeRound(state, early, { executor: new FakeExecutor(), config })).skipped, true);
    const late = { ...nextBatch(), batchSummary: summary(BigInt(nextBatch().height) + 1n, 999_999n) };
    assert.equal((await executeRound(state, late, { executor: new FakeExecutor(), config })).skipped, false);
  });
});
