import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CanisterState, ReplicatedState } from '../state/index.ts';
import { RoundSchedule, nextExecution } from './round-schedule.ts';
import { id, stateWith, u64s } from './test-support.ts';

const mut = (s: ReplicatedState, n: number): CanisterState => s.canisterMut(id(n)) as CanisterState;
const pause = (s: ReplicatedState, n: number): void => {
  mut(s, n).systemState.taskQueue.enqueue({ kind: 'pausedExecution', id: n, input: { kind: 'task', task: 'heartbeat' } });
};
const keyOf = (n: number): string => Buffer.from(id(n).bytesView()).toString('hex');

describe('RoundSchedule', () => {
  it('partitions as the replica documents: prioritized long, new round-robin, then the other long ones', () => {
    const s = new RoundSchedule(3, 1, 0n, [4, 5, 6, 7, 8].map(id), [1, 2, 3].map(id));
    assert.deepEqual(s.partition().map(u64s), [[1n, 3n], [4n, 6n, 8n], [5n, 7n, 2n]]);
  });

  it('orders by accumulated priority, ties by canister id, long executions first', () => {
    const state = stateWith(5);
    mut(state, 2).schedulerState.accumulatedPriority = 10n;
    mut(state, 4).schedulerState.accumulatedPriority = 10n;
    mut(state, 5).schedulerState.accumulatedPriority = -3n;
    pause(state, 3);
    const s = RoundSchedule.apply(state, 4, 1n, 86_400n);
    assert.deepEqual(u64s(s.orderedLongExecutionCanisterIds), [3n]);
    assert.deepEqual(u64s(s.orderedNewExecutionCanisterIds), [2n, 4n, 1n, 5n]);
    assert.equal(s.longExecutionCores, 1);
    assert.equal(state.canister(id(3))?.schedulerState.longExecutionMode, 'prioritized');
    assert.equal(nextExecution(state.canister(id(3)) as CanisterState), 'continueLong');
  });

  it('resets priorities to CA·m on reset rounds', () => {
    const state = stateWith(2, [10n, 0n]);
    mut(state, 1).schedulerState.accumulatedPriority = 999n;
    mut(state, 2).schedulerState.priorityCredit = 5n;
    RoundSchedule.apply(state, 4, 86_400n, 86_400n);
    assert.equal(state.canister(id(1))?.schedulerState.accumulatedPriority, 10n * 8n);
    assert.equal(state.canister(id(2))?.schedulerState.priorityCredit, 0n);
  });

  it('keeps the sum of priorities minus credits at zero', () => {
    const state = stateWith(7, [30n, 10n]);
    for (let round = 1n; round <= 50n; round++) {
      const s = RoundSchedule.apply(state, 4, round, 86_400n);
      const full = new Set(s.partition().filter((c) => c.length > 0).map((c) => Buffer.from(c[0].bytesView()).toString('hex')));
      if (round % 7n === 0n) pause(state, Number(round % 5n) + 1);
      s.finishRound(state, full);
      const sum = state.canisters().reduce((a, c) => a + c.schedulerState.accumulatedPriority - c.schedulerState.priorityCredit, 0n);
      assert.equal(sum, 0n, `round ${round}`);
      for (const c of state.canisters()) if (c.systemState.taskQueue.pausedOrAborted !== undefined) mut(state, Number(c.canisterId.toU64())).systemState.taskQueue.popFront();
    }
  });

  // Test steps:
  // 1. Eight always-busy canisters with compute allocations 50, 10 and six times 0, on 4 cores.
  // 2. Each round the first canister of each core runs (a full round each).
  // 3. Over 1,000 rounds each gets CA + (400 − 60)/8 percent of a core: 92.5%, 52.5%, 42.5%.
  it('gives busy canisters rounds in proportion to compute allocation plus an equal share of the rest', () => {
    const cas = [50n, 10n, 0n, 0n, 0n, 0n, 0n, 0n];
    const state = stateWith(8, cas);
    const runs = new Map<string, number>();
    for (let round = 1n; round <= 1000n; round++) {
      const s = RoundSchedule.apply(state, 4, round, 86_400n);
      const firsts = s.partition().filter((c) => c.length > 0).map((c) => Buffer.from(c[0].bytesView()).toString('hex'));
      for (const k of firsts) runs.set(k, (runs.get(k) ?? 0) + 1);
      s.finishRound(state, new Set(firsts));
    }
    const got = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => runs.get(keyOf(n)) ?? 0);
    const expected = [925, 525, 425, 425, 425, 425, 425, 425];
    got.forEach((g, i) => assert.ok(Math.abs(g - expected[i]) <= 5, `canister ${i + 1}: ${g} rounds, expected ${expected[i]} ± 5`));
  });
});
