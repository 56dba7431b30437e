import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fixture } from '../state-manager/state-fixture.ts';
import { CanisterWatch } from './state-figures.ts';

const NOW = 1_750_000_000_000_000_000n;

describe('CanisterWatch', () => {
  it('reads only canister objects it has not seen, keeps the consumed sum, forgets deleted canisters', () => {
    const { state, ids } = fixture({ nowNanos: NOW, canisters: 3 });
    for (const [i, id] of ids.entries()) state.canisterMut(id)?.systemState.consumedCycles.observe('instructions', BigInt(100 * (i + 1)));
    const watch = new CanisterWatch();
    const changed: string[] = [];
    const removed: string[] = [];
    const hex = (i: number): string => Buffer.from(ids[i].bytesView()).toString('hex');
    const refresh = (s: typeof state): void => watch.refresh(s, (_c, key) => changed.push(key), (key) => removed.push(key));

    refresh(state.snapshot());
    assert.deepEqual(changed, [hex(0), hex(1), hex(2)]);
    assert.equal(watch.consumedSum, 600n);

    changed.length = 0;
    refresh(state.snapshot());
    assert.deepEqual(changed, [], 'the same objects: nothing read');

    state.canisterMut(ids[1])?.systemState.consumedCycles.observe('memory', 50n);
    refresh(state.snapshot());
    assert.deepEqual(changed, [hex(1)]);
    assert.equal(watch.consumedSum, 650n);

    changed.length = 0;
    state.removeCanister(ids[0]);
    refresh(state.snapshot());
    assert.deepEqual([changed, removed], [[], [hex(0)]]);
    assert.equal(watch.consumedSum, 550n);
  });

  it('sampled: queue length, memory and use cases of a canister, read once per object', () => {
    const { state, ids } = fixture({ nowNanos: NOW, canisters: 1 });
    state.canisterMut(ids[0])?.systemState.consumedCycles.observe('burnedCycles', 7n);
    const snap = state.snapshot();
    const watch = new CanisterWatch();
    watch.refresh(snap);
    const c = snap.canister(ids[0]);
    assert.ok(c !== undefined);
    const f = watch.sampled(c);
    assert.equal(f.input, 0);
    assert.equal(f.memoryBytes, c.memoryUsage());
    assert.deepEqual(f.byUseCase, [['burned_cycles', 7n]]);
    assert.equal(watch.sampled(c), f);
  });
});
