import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CanisterId, SubnetId } from '../types/index.ts';
import { CanisterState } from './canister-state.ts';
import { ConsumedCycles, consumedCyclesTotal } from './cycles-metrics.ts';
import type { SubnetMetrics } from './cycles-metrics.ts';
import { ReplicatedState } from './replicated-state.ts';
import { newSchedulerState } from './scheduler-state.ts';
import { stateHash } from './state-hash.ts';
import { SystemState } from './system-state.ts';
import { A, B, T0, USER } from './test-support.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function stateWith(...ids: CanisterId[]): ReplicatedState {
  const s = ReplicatedState.empty(SubnetId.fromUint8Array(Uint8Array.of(1)), 'application', [{ start: CanisterId.fromU64(0n), end: CanisterId.fromU64(9n) }]);
  for (const id of ids) s.putCanister(new CanisterState(new SystemState({ canisterId: id, controllers: [USER], cycles: 1_000_000n }), undefined, newSchedulerState(T0)));
  return s;
}

describe('ConsumedCycles', () => {
  it('counts charges by use case, refunds back down to 0; transfers are never counted', () => {
    const c = new ConsumedCycles();
    c.observe('instructions', 40_005_000_000n);
    c.refund('instructions', 39_998_765_433n);
    c.observe('nonConsumed', 7n);
    c.refund('memory', 5n);
    c.observe('burnedCycles', 0n);
    assert.deepEqual(c.entries(), [['instructions', 6_234_567n]]);
    c.refund('instructions', 10_000_000n);
    assert.equal(c.of('instructions'), 0n);
  });

  it('a canister\'s total leaves out HTTPS outcalls, which the subnet counts', () => {
    const c = new ConsumedCycles();
    c.observe('memory', 10n);
    c.observe('httpOutcalls', 1_000n);
    c.observe('canisterCreation', 5n);
    assert.equal(c.total, 15n);
    assert.equal(c.of('httpOutcalls'), 1_000n);
  });
});

describe('SystemState counts what leaves its balance', () => {
  it('removeCycles by use case (resource ones from the reserved balance first), addCycles with a refund counts back', () => {
    const s = new SystemState({ canisterId: A, controllers: [USER], cycles: 1_000n });
    s.removeCycles(100n, 'instructions');
    s.addCycles(30n, 'instructions');
    s.removeCycles(50n); // a transfer
    s.addCycles(50n); // a transfer back
    s.reserveCycles(10n);
    s.removeCycles(15n, 'memory');
    assert.deepEqual([s.balance, s.reservedBalance], [1_000n - 100n + 30n - 10n - 5n, 0n]);
    assert.deepEqual(s.consumedCycles.entries(), [['instructions', 70n], ['memory', 15n]]);
    s.addPostponedCharge(20n);
    s.applyIngressInductionCyclesDebit();
    assert.equal(s.consumedCycles.of('ingressInduction'), 20n);
    const copy = s.clone();
    copy.removeCycles(1n, 'uninstall');
    assert.equal(s.consumedCycles.of('uninstall'), 0n, 'a clone counts on its own');
  });
});

describe('SubnetMetrics', () => {
  it('the consumed total: deleted canisters and their balance, fees taken from calls, every live canister', () => {
    const s = stateWith(A, B);
    s.canisterMut(A)?.systemState.removeCycles(100n, 'instructions');
    s.canisterMut(B)?.systemState.removeCycles(20n, 'memory');
    const m = s.metadata.subnetMetrics;
    const gone = new ConsumedCycles();
    gone.observe('computeAllocation', 3n);
    m.observeDeletedCanister(gone, 1_000n);
    m.observeFee('httpOutcalls', 40n);
    m.observeFee('ecdsaOutcalls', 50n);
    m.observeFee('schnorrOutcalls', 60n);
    m.observeFee('vetKd', 70n);
    assert.equal(m.consumedCyclesByDeletedCanisters, 1_003n);
    assert.equal(m.ownConsumedCyclesTotal, 1_003n + 40n + 50n + 60n + 70n);
    assert.equal(consumedCyclesTotal(m, s.canisters()), 1_223n + 120n);
  });

  it('is copied with the state (copy-on-write) and is part of the state hash', () => {
    const s = stateWith(A);
    const h0 = hex(stateHash(s));
    const snap = s.snapshot();
    s.metadata.subnetMetrics.updateTransactionsTotal += 1n;
    assert.equal(snap.metadata.subnetMetrics.updateTransactionsTotal, 0n);
    assert.notEqual(hex(stateHash(s)), h0);
    assert.equal(hex(stateHash(snap)), h0);
    for (const change of [
      (m: SubnetMetrics): void => { m.numCanisters = 5n; },
      (m: SubnetMetrics): void => { m.canisterStateBytes = 5n; },
      (m: SubnetMetrics): void => m.observeFee('httpOutcalls', 5n),
      (m: SubnetMetrics): void => m.observeDeletedCanister(new ConsumedCycles(), 5n),
    ]) {
      const t = snap.snapshot();
      change(t.metadata.subnetMetrics);
      assert.notEqual(hex(stateHash(t)), h0);
    }
    const t = snap.snapshot();
    t.canisterMut(A)?.systemState.removeCycles(1n, 'burnedCycles');
    const u = snap.snapshot();
    u.canisterMut(A)?.systemState.removeCycles(1n, 'instructions');
    assert.notEqual(hex(stateHash(t)), hex(stateHash(u)), 'a canister\'s counts by use case are hashed');
    assert.equal(hex(stateHash(snap)), h0);
  });
});
