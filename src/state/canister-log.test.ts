// The canister log buffer: bounded by `log_memory_limit` (content + 40 bytes
// a record), oldest records dropped first, indices counting on; a smaller
// limit drops what no longer fits; 0 keeps nothing; copies are independent.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CanisterId } from '../types/index.ts';
import { CanisterLog } from './canister-history.ts';
import { SystemState } from './system-state.ts';
import { stateHash } from './state-hash.ts';
import { ReplicatedState } from './replicated-state.ts';
import { CanisterState } from './canister-state.ts';
import { newSchedulerState } from './scheduler-state.ts';
import { SubnetId, PrincipalId } from '../types/index.ts';

const rec = (idx: bigint, bytes: number): { idx: bigint; timestampNanos: bigint; content: Uint8Array } =>
  ({ idx, timestampNanos: 1000n + idx, content: new Uint8Array(bytes).fill(Number(idx % 200n)) });

describe('CanisterLog', () => {
  it('keeps the newest records that fit in 4 KiB by default', () => {
    const log = new CanisterLog();
    assert.equal(log.capacity, 4096);
    for (let i = 0n; i < 100n; i++) log.append([rec(i, 100)]);
    assert.equal(log.records.length, Math.floor(4096 / 140));
    assert.equal(log.records.at(-1)?.idx, 99n);
    assert.ok(log.usedBytes <= 4096);
    assert.equal(log.nextIdx, 100n);
  });

  it('resize drops the oldest records that no longer fit; 0 keeps nothing but indices advance', () => {
    const log = new CanisterLog();
    for (let i = 0n; i < 10n; i++) log.append([rec(i, 60)]);
    log.resize(300);
    assert.deepEqual(log.records.map((r) => r.idx), [7n, 8n, 9n]);
    assert.equal(log.usedBytes, 300);
    log.resize(0);
    assert.deepEqual(log.records, []);
    log.append([rec(10n, 5)]);
    assert.deepEqual(log.records, []);
    assert.equal(log.nextIdx, 11n);
    log.resize(2 * 1024 * 1024);
    for (let i = 11n; i < 20n; i++) log.append([rec(i, 1000)]);
    assert.equal(log.records.length, 9);
  });

  it('SystemState.logMemoryLimit is the buffer size; copies and the state hash follow it', () => {
    const sys = new SystemState({ canisterId: CanisterId.fromU64(1n), controllers: [], cycles: 0n });
    assert.equal(sys.logMemoryLimit, 4096n);
    sys.canisterLog.append([rec(0n, 100), rec(1n, 100)]);
    const copy = sys.clone();
    sys.logMemoryLimit = 150n;
    assert.equal(sys.canisterLog.capacity, 150);
    assert.deepEqual(sys.canisterLog.records.map((r) => r.idx), [1n]);
    assert.equal(copy.logMemoryLimit, 4096n);
    assert.equal(copy.canisterLog.records.length, 2);
    const hashOf = (s: SystemState): string => {
      const state = ReplicatedState.empty(SubnetId.fromPrincipalId(PrincipalId.fromUint8Array(Uint8Array.of(1))), 'application',
        [{ start: CanisterId.fromU64(0n), end: CanisterId.fromU64(10n) }]);
      state.putCanister(new CanisterState(s, undefined, newSchedulerState(0n)));
      return Buffer.from(stateHash(state)).toString('hex');
    };
    assert.notEqual(hashOf(sys), hashOf(copy));
  });
});
