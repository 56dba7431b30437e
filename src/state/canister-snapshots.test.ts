import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CanisterId, SubnetId } from '../types/index.ts';
import type { CompiledModule } from '../wasm/index.ts';
import {
  CanisterSnapshots, parseSnapshotId, readPageBytes, snapshotFromCanister, snapshotId, snapshotIdText, snapshotSizeOfCanister, writePageBytes,
} from './canister-snapshots.ts';
import type { CanisterSnapshot } from './canister-snapshots.ts';
import { CanisterState } from './canister-state.ts';
import type { ExecutionState } from './execution-state.ts';
import { PAGE_BYTES, PageMap } from './page-map.ts';
import { ReplicatedState } from './replicated-state.ts';
import { newSchedulerState } from './scheduler-state.ts';
import { stateHash } from './state-hash.ts';
import { SystemState } from './system-state.ts';
import { A, T0, USER } from './test-support.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const WASM = Uint8Array.from({ length: 1000 }, (_, i) => i % 251);
const compiled = {
  hash: 'ab'.repeat(32), wasm: WASM,
  output: { binary: new Uint8Array(100), persistentGlobals: [{ name: 'g0', index: 0, type: 0x7f }, { name: 'g1', index: 1, type: 0x7e }] },
} as unknown as CompiledModule;

function canister(heap = PageMap.fromPages([{ index: 2, bytes: new Uint8Array(PAGE_BYTES).fill(7) }])): CanisterState {
  const sys = new SystemState({ canisterId: A, controllers: [USER], cycles: 1_000_000n });
  sys.certifiedData = Uint8Array.of(1, 2, 3);
  sys.globalTimer = 55n;
  const es: ExecutionState = { compiled, heap, heapSizePages: 3, stable: { sizePages: 1, pages: PageMap.empty() }, globals: [7, 9n] };
  return new CanisterState(sys, es, newSchedulerState(T0));
}

describe('snapshot ids', () => {
  it('are the local id (u64 big-endian) followed by the canister id, shown as <canister>-<local>', () => {
    const id = snapshotId(A, 258n);
    assert.equal(hex(id.bytes), `0000000000000102${hex(A.bytesView())}`);
    assert.equal(snapshotIdText(id), `${A.toText()}-258`);
    const back = parseSnapshotId(id.bytes);
    assert.ok(typeof back !== 'string');
    assert.ok(back.canisterId.equals(A));
    assert.equal(back.localId, 258n);
  });

  it('reject too short and too long byte strings with the replica text', () => {
    assert.equal(parseSnapshotId(Uint8Array.of(4, 5, 6, 6)),
      'Invalid length of SnapshotId: Invalid snapshot ID length: provided 4, minumum length expected 37. test a change');
    assert.equal(parseSnapshotId(new Uint8Array(38)),
      'Invalid length of SnapshotId: Invalid snapshot ID length: provided 38, maximum length expected 37. test a change');
    const mgmt = parseSnapshotId(new Uint8Array(8));
    assert.ok(typeof mgmt !== 'string' && mgmt.canisterId.isManagementCanister());
  });
});

describe('CanisterSnapshots', () => {
  const snap = (local: bigint, size: bigint): CanisterSnapshot => ({ ...(snapshotFromCanister(canister(), snapshotId(A, local), T0) as CanisterSnapshot), size });

  it('lists in id order, counts memory, and is immutable', () => {
    const one = CanisterSnapshots.EMPTY.with(snap(5n, 10n)).with(snap(1n, 20n)).with(snap(300n, 5n));
    assert.deepEqual(one.list().map((s) => s.id.localId), [1n, 5n, 300n]);
    assert.equal(one.memoryUsage, 35n);
    const two = one.without(snapshotId(A, 5n).bytes);
    assert.equal(one.count, 3);
    assert.equal(two.count, 2);
    assert.equal(two.memoryUsage, 25n);
    assert.equal(two.get(snapshotId(A, 5n).bytes), undefined);
    assert.equal(CanisterSnapshots.EMPTY.count, 0);
  });
});

describe('snapshotFromCanister', () => {
  it('shares the page maps and records module, globals, data, timer, hook; size as the replica counts it', () => {
    const c = canister();
    const s = snapshotFromCanister(c, snapshotId(A, 0n), T0) as CanisterSnapshot;
    const es = c.executionState as ExecutionState;
    assert.equal(s.heap.pages, es.heap, 'O(1): the same page map');
    assert.equal(s.stable.pages, es.stable.pages);
    assert.deepEqual(s.globals, [{ kind: 'i32', value: 7 }, { kind: 'i64', value: 9n }]);
    assert.equal(s.module.kind === 'installed' && s.module.bytes, WASM);
    assert.deepEqual([s.globalTimer, s.onLowWasmMemoryHookStatus, s.canisterVersion, s.source], [55n, 'conditionNotSatisfied', 0n, 'takenFromCanister']);
    // module + 3 heap pages + 1 stable page + 2 globals × 32 + 3 bytes of certified data
    assert.equal(s.size, 1000n + 4n * 65_536n + 64n + 3n);
    assert.equal(snapshotSizeOfCanister(c), s.size);
    c.executionState = undefined;
    assert.equal(snapshotFromCanister(c, snapshotId(A, 1n), T0), undefined);
  });

  it('counts in the canister memory usage', () => {
    const c = canister();
    const before = c.memoryUsage();
    c.snapshots = c.snapshots.with(snapshotFromCanister(c, snapshotId(A, 0n), T0) as CanisterSnapshot);
    assert.equal(c.memoryUsage() - before, c.snapshots.memoryUsage);
    assert.equal(c.snapshotsMemoryUsage(), c.snapshots.memoryUsage);
  });
});

describe('page bytes', () => {
  it('reads and writes byte ranges across pages; the old map is unchanged', () => {
    const base = PageMap.empty();
    const bytes = Uint8Array.from({ length: 5000 }, (_, i) => (i % 200) + 1);
    const written = writePageBytes(base, 4000, bytes);
    assert.equal(base.pageCount, 0);
    assert.deepEqual(readPageBytes(written, 4000, 5000), bytes);
    assert.deepEqual(readPageBytes(written, 3990, 12), Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2));
    assert.deepEqual(readPageBytes(written, 100_000, 3), new Uint8Array(3));
  });
});

describe('snapshots in the replicated state', () => {
  const SUBNET = SubnetId.fromUint8Array(Uint8Array.of(1, 2, 3));
  const build = (): ReplicatedState => {
    const s = ReplicatedState.empty(SUBNET, 'application', [{ start: CanisterId.fromU64(0n), end: CanisterId.fromU64(100n) }]);
    s.putCanister(canister());
    return s;
  };

  it('are copied on write: a state snapshot does not see later snapshot changes', () => {
    const live = build();
    const copy = live.snapshot();
    const own = live.canisterMut(A) as CanisterState;
    own.snapshots = own.snapshots.with(snapshotFromCanister(own, snapshotId(A, 0n), T0) as CanisterSnapshot);
    assert.equal(copy.canister(A)?.snapshots.count, 0);
    assert.equal(live.canister(A)?.snapshots.count, 1);
  });

  it('enter the state hash: adding, changing (memory, source, certified data) and removing one changes it', () => {
    const hashes = new Set<string>();
    const record = (s: ReplicatedState): void => {
      const h = hex(stateHash(s));
      assert.ok(!hashes.has(h), 'the hash did not change');
      hashes.add(h);
    };
    const s = build();
    record(s);
    const own = s.canisterMut(A) as CanisterState;
    const taken = snapshotFromCanister(own, snapshotId(A, 0n), T0) as CanisterSnapshot;
    own.snapshots = own.snapshots.with(taken);
    record(s);
    own.snapshots = own.snapshots.with({ ...taken, heap: { ...taken.heap, pages: writePageBytes(taken.heap.pages, 0, Uint8Array.of(1)) } });
    record(s);
    own.snapshots = own.snapshots.with({ ...taken, source: 'metadataUpload' });
    record(s);
    own.snapshots = own.snapshots.with({ ...taken, certifiedData: Uint8Array.of(9) });
    record(s);
    own.snapshots = own.snapshots.without(taken.id.bytes);
    assert.equal(hex(stateHash(s)), [...hashes][0], 'back to the state without snapshots');
  });
});
