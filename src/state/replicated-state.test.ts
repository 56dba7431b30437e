import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { CanisterId, SubnetId, time } from '../types/index.ts';
import { CanisterState } from './canister-state.ts';
import { ReplicatedState } from './replicated-state.ts';
import { newSchedulerState } from './scheduler-state.ts';
import { SystemState } from './system-state.ts';
import { T0, USER } from './test-support.ts';

const SUBNET = SubnetId.fromUint8Array(Uint8Array.of(1, 2, 3));
const range = { start: CanisterId.fromU64(0n), end: CanisterId.fromU64(0xfffffn) };
const canister = (n: bigint): CanisterState =>
  new CanisterState(new SystemState({ canisterId: CanisterId.fromU64(n), controllers: [USER], cycles: 1_000n }), undefined, newSchedulerState(T0));

describe('ReplicatedState', () => {
  it('iterates canisters in id byte order whatever the insertion order', () => {
    const s = ReplicatedState.empty(SUBNET, 'application', [range]);
    for (const n of [300n, 2n, 70_000n, 1n]) s.putCanister(canister(n));
    assert.deepEqual(s.canisterIds().map((c) => c.toU64()), [1n, 2n, 300n, 70_000n]);
  });

  it('hands out canister ids in order across ranges', () => {
    const s = ReplicatedState.empty(SUBNET, 'application', [
      { start: CanisterId.fromU64(5n), end: CanisterId.fromU64(6n) }, { start: CanisterId.fromU64(10n), end: CanisterId.fromU64(10n) },
    ]);
    const ids = [0, 1, 2, 3].map(() => s.metadata.generateNewCanisterId()?.toU64());
    assert.deepEqual(ids, [5n, 6n, 10n, undefined]);
    assert.equal(s.metadata.generatedIdCounter, 3n);
  });

  it('snapshots copy-on-write: later changes on either side do not leak', () => {
    const s = ReplicatedState.empty(SUBNET, 'application', [range]);
    s.putCanister(canister(1n));
    s.putCanister(canister(2n));
    const snap = s.snapshot();
    (s.canisterMut(CanisterId.fromU64(1n)) as CanisterState).systemState.addCycles(5n);
    s.metadata.batchTime = time(T0);
    s.putCanister(canister(3n));
    assert.equal(snap.canister(CanisterId.fromU64(1n))?.systemState.balance, 1_000n);
    assert.equal(s.canister(CanisterId.fromU64(1n))?.systemState.balance, 1_005n);
    assert.equal(snap.canister(CanisterId.fromU64(2n)), s.canister(CanisterId.fromU64(2n)), 'untouched canisters stay shared');
    assert.equal(snap.canisterCount, 2);
    assert.equal(snap.metadata.batchTime, 0n);
    const m = s.canisterMut(CanisterId.fromU64(1n));
    assert.equal(m, s.canisterMut(CanisterId.fromU64(1n)), 'copied once per snapshot');
  });

  it('snapshots 1,000 canisters cheaply (cost printed)', () => {
    const s = ReplicatedState.empty(SUBNET, 'application', [range]);
    for (let n = 0n; n < 1000n; n++) s.putCanister(canister(n));
    s.canisters();
    const runs = 200;
    const t0 = performance.now();
    for (let i = 0; i < runs; i++) s.snapshot();
    const perSnapshot = (performance.now() - t0) / runs;
    const t1 = performance.now();
    for (let n = 0n; n < 1000n; n++) s.canisterMut(CanisterId.fromU64(n));
    const touchAll = performance.now() - t1;
    process.stdout.write(`# snapshot of 1,000 canisters: ${(perSnapshot * 1000).toFixed(0)} µs; first write to all 1,000 after it: ${touchAll.toFixed(2)} ms\n`);
    assert.ok(perSnapshot < 50, 'a snapshot is a map copy, not a deep copy');
  });
});
