import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '../errors/index.ts';
import type { ReplicatedState } from '../state/index.ts';
import { stateHash } from '../state/index.ts';
import { executeRound } from './scheduler.ts';
import { FakeExecutor, T0, TINY_CONFIG, id, nextBatch, queueIngress, stateWith } from './test-support.ts';

const statusOf = (s: ReplicatedState, seq: number): string | undefined => {
  const m = new Uint8Array(32);
  new DataView(m.buffer).setUint32(28, seq);
  return s.metadata.ingressHistory.get(m)?.state.kind;
};
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('executeRound', () => {
  it('runs a canister\'s messages until its thread\'s budget is used up, the rest next round', async () => {
    const state = stateWith(1);
    for (let i = 0; i < 5; i++) queueIngress(state, 1, 'burn:300', i);
    const exec = new FakeExecutor();
    const summary = await executeRound(state, nextBatch(), { executor: exec, config: TINY_CONFIG });
    assert.deepEqual([0, 1, 2, 3, 4].map((i) => statusOf(state, i)), ['completed', 'completed', 'completed', 'completed', 'received']);
    assert.equal(summary.executions, 4);
    assert.equal(summary.roundInstructions, 1200n);
    assert.deepEqual(summary.messagesByKind, { ingress: 4 });
    assert.equal(summary.pausedExecutions, 0);
    await executeRound(state, nextBatch(), { executor: exec, config: TINY_CONFIG });
    assert.equal(statusOf(state, 4), 'completed');
  });

  it('runs canisters on different cores in the same round, each with the full budget', async () => {
    const state = stateWith(4);
    for (let n = 1; n <= 4; n++) for (let i = 0; i < 3; i++) queueIngress(state, n, 'burn:300', n * 10 + i);
    const summary = await executeRound(state, nextBatch(), { executor: new FakeExecutor(), config: TINY_CONFIG });
    assert.equal(summary.executions, 12);
    assert.equal(summary.executedCanisters, 4);
  });

  it('fails ingress that expired in its queue with IC0202', async () => {
    const state = stateWith(1);
    queueIngress(state, 1, 'burn:1', 1, T0);
    await executeRound(state, nextBatch(), { executor: new FakeExecutor(), config: TINY_CONFIG });
    const m = new Uint8Array(32);
    new DataView(m.buffer).setUint32(28, 1);
    const st = state.metadata.ingressHistory.get(m)?.state;
    assert.equal(st?.kind, 'failed');
    assert.equal(st?.kind === 'failed' ? st.error.code : 0, ErrorCode.IngressMessageTimeout);
    assert.match(st?.kind === 'failed' ? st.error.description : '', /^Ingress message [0-9a-f]{64} timed out waiting to start executing\.$/);
  });

  it('continues a paused long execution in later rounds; other messages to it wait', async () => {
    const state = stateWith(1);
    queueIngress(state, 1, 'long:4:500', 1);
    queueIngress(state, 1, 'burn:10', 2);
    const exec = new FakeExecutor();
    const first = await executeRound(state, nextBatch(), { executor: exec, config: TINY_CONFIG });
    assert.deepEqual(exec.log, ['1:long:4:500', '1:slice']);
    assert.deepEqual(first.messagesByKind, { ingress: 1, dts_slice: 1 });
    assert.equal(first.pausedExecutions, 1);
    assert.equal(statusOf(state, 1), 'processing');
    assert.equal(statusOf(state, 2), 'received');
    const second = await executeRound(state, nextBatch(), { executor: exec, config: TINY_CONFIG });
    assert.deepEqual(exec.log.slice(2), ['1:slice', '1:slice']);
    assert.deepEqual(second.messagesByKind, { dts_slice: 2 });
    assert.equal(second.pausedExecutions, 0);
    assert.equal(statusOf(state, 1), 'completed');
    assert.equal(statusOf(state, 2), 'received', 'a finished long execution gives the core away');
    await executeRound(state, nextBatch(), { executor: exec, config: TINY_CONFIG });
    assert.equal(statusOf(state, 2), 'completed');
  });

  it('aborts paused executions above the limit, lowest priority first, and restarts them later', async () => {
    const state = stateWith(3);
    for (let n = 1; n <= 3; n++) queueIngress(state, n, 'long:10:950', n);
    const exec = new FakeExecutor();
    const config = { ...TINY_CONFIG, maxPausedExecutions: 1 };
    await executeRound(state, nextBatch(), { executor: exec, config });
    const kinds = [1, 2, 3].map((n) => state.canister(id(n))?.systemState.taskQueue.pausedOrAborted?.kind);
    assert.equal(kinds.filter((k) => k === 'pausedExecution').length, 1);
    assert.equal(kinds.filter((k) => k === 'abortedExecution').length, 2);
    await executeRound(state, nextBatch(), { executor: exec, config });
    assert.ok(exec.log.includes('2:restart') || exec.log.includes('3:restart') || exec.log.includes('1:restart'));
  });

  it('aborts every paused execution at a checkpoint', async () => {
    const state = stateWith(1);
    queueIngress(state, 1, 'long:10:950', 1);
    await executeRound(state, nextBatch({ checkpoint: true }), { executor: new FakeExecutor(), config: TINY_CONFIG });
    assert.equal(state.canister(id(1))?.systemState.taskQueue.pausedOrAborted?.kind, 'abortedExecution');
  });

  // Test steps:
  // 1. Two copies of a state with 9 canisters and a mix of short, long and many messages.
  // 2. Run 30 rounds on one with the partitions one after another, on the other all at once.
  // 3. The state hashes are equal after every round.
  it('gives the same state for any parallelism', async () => {
    const make = (): ReplicatedState => {
      const s = stateWith(9, [20n, 0n, 5n]);
      for (let n = 1; n <= 9; n++) {
        for (let i = 0; i < 12; i++) queueIngress(s, n, i % 5 === 4 ? 'long:3:400' : `burn:${50 + ((n * 37 + i * 11) % 300)}`, n * 100 + i);
      }
      return s;
    };
    const [a, b] = [make(), make()];
    const [ea, eb] = [new FakeExecutor(), new FakeExecutor()];
    for (let h = 1n; h <= 30n; h++) {
      await executeRound(a, nextBatch({ height: h }), { executor: ea, config: TINY_CONFIG, parallelism: 1 });
      await executeRound(b, nextBatch({ height: h }), { executor: eb, config: TINY_CONFIG, parallelism: 4 });
      assert.equal(hex(stateHash(a)), hex(stateHash(b)), `round ${h}`);
    }
    assert.deepEqual([...ea.log].sort(), [...eb.log].sort());
    assert.ok(ea.log.filter((l) => l.endsWith(':slice')).length > 10);
  });
});
