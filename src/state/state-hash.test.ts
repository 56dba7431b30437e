import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode, userError } from '../errors/index.ts';
import { CanisterId, PrincipalId, SubnetId, time } from '../types/index.ts';
import type { CompiledModule } from '../wasm/index.ts';
import { CanisterState } from './canister-state.ts';
import type { ExecutionState } from './execution-state.ts';
import { PAGE_BYTES, PageMap } from './page-map.ts';
import { ReplicatedState } from './replicated-state.ts';
import { newSchedulerState } from './scheduler-state.ts';
import { stateHash } from './state-hash.ts';
import { SystemState } from './system-state.ts';
import { pushInput } from './system-state-messages.ts';
import { A, B, T0, USER, ingress, outgoing, request } from './test-support.ts';

const SUBNET = SubnetId.fromUint8Array(Uint8Array.of(1, 2, 3));
const OTHER = PrincipalId.fromUint8Array(Uint8Array.of(7, 7));
const page = (fill: number): Uint8Array => new Uint8Array(PAGE_BYTES).fill(fill);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const compiled = { hash: 'aa'.repeat(32), output: { binary: new Uint8Array(100) } } as unknown as CompiledModule;
const md = { callTreeDepth: 0n, callTreeStartTime: time(T0) };

function execState(heap: PageMap): ExecutionState {
  return { compiled, heap, heapSizePages: 2, stable: { sizePages: 1, pages: PageMap.fromPages([{ index: 3, bytes: page(3) }]) }, globals: [1, 5n, -0.5] };
}

/** A state with two canisters, queues, call contexts, ingress history; `reversed` builds it in the opposite insertion orders. */
function build(reversed: boolean): ReplicatedState {
  const s = ReplicatedState.empty(SUBNET, 'application', [{ start: CanisterId.fromU64(0n), end: CanisterId.fromU64(100n) }]);
  const order = <T>(xs: T[]): T[] => (reversed ? [...xs].reverse() : xs);
  for (const id of order([A, B])) {
    const sys = new SystemState({ canisterId: id, controllers: order([USER, OTHER]), cycles: 10_000n });
    for (const [k, v] of order([['b', '2'], ['a', '1']] as [string, string][])) sys.environmentVariables.set(k, v);
    const heap = reversed
      ? PageMap.fromPages([{ index: 300_000, bytes: page(1) }]).withPages([{ index: 300_000, bytes: page(0) }, { index: 1, bytes: page(9) }])
      : PageMap.fromPages([{ index: 1, bytes: page(9) }]);
    s.putCanister(new CanisterState(sys, id.equals(A) ? execState(heap) : undefined, newSchedulerState(T0)));
  }
  const a = s.canisterMut(A) as CanisterState;
  const ctx = a.systemState.newCallContext({ kind: 'ingress', userId: USER, messageId: new Uint8Array(32) }, 5n, time(T0), md) as bigint;
  a.systemState.applyModifications({ balanceChange: 0n, cyclesAccepted: 0n, cyclesBurned: 0n, cyclesMinted: 0n, requestFees: 0n, requests: [outgoing(B, 1n, ctx)], canisterLog: [] }, { time: time(T0), callContextId: ctx });
  pushInput((s.canisterMut(B) as CanisterState).systemState, request(A, B, 1n), { subnetMemory: { value: 1n << 40n }, subnetType: 'application', inputQueueType: 'localSubnet' });
  const h = s.metadata.ingressHistory;
  for (const n of order([1, 2])) h.setStatus(new Uint8Array(32).fill(n), { receiver: A, userId: USER, time: time(T0), state: { kind: 'received' } }, T0, 1n << 40n);
  for (const w of order(['01', '02'])) s.metadata.expectedCompiledWasms.add(w);
  return s;
}

describe('stateHash', () => {
  it('is the same for the same state built in different insertion orders', () => {
    assert.equal(hex(stateHash(build(false))), hex(stateHash(build(true))));
  });

  it('PageMap.contentHash depends on contents only, not on the tree shape', () => {
    const small = PageMap.fromPages([{ index: 5, bytes: page(1) }]);
    const grown = PageMap.fromPages([{ index: 5, bytes: page(1) }, { index: 9_000_000, bytes: page(2) }]).withPages([{ index: 9_000_000, bytes: page(0) }]);
    assert.equal(hex(small.contentHash()), hex(grown.contentHash()));
    assert.notEqual(hex(small.contentHash()), hex(small.withPages([{ index: 5, bytes: page(2) }]).contentHash()));
    assert.equal(hex(PageMap.empty().contentHash()), hex(small.withPages([{ index: 5, bytes: page(0) }]).contentHash()));
  });

  it('changes with every field', () => {
    const base = hex(stateHash(build(false)));
    const sysA = (s: ReplicatedState): SystemState => (s.canisterMut(A) as CanisterState).systemState;
    const mutations: [string, (s: ReplicatedState) => void][] = [
      ['balance', (s) => sysA(s).addCycles(1n)],
      ['controllers', (s) => { sysA(s).controllers = [USER]; }],
      ['certified data', (s) => { sysA(s).certifiedData = Uint8Array.of(1); }],
      ['freezing threshold', (s) => { sysA(s).freezeThreshold += 1n; }],
      ['memory allocation', (s) => { sysA(s).memoryAllocation = 1n; }],
      ['compute allocation', (s) => { sysA(s).computeAllocation = 1n; }],
      ['wasm memory limit', (s) => { sysA(s).wasmMemoryLimit = 1n; }],
      ['wasm memory threshold', (s) => { sysA(s).wasmMemoryThreshold = 1n; }],
      ['reserved limit', (s) => { sysA(s).reservedBalanceLimit = 1n; }],
      ['reserved balance', (s) => { sysA(s).reserveCycles(1n); }],
      ['log visibility', (s) => { sysA(s).logVisibility = { kind: 'public' }; }],
      ['snapshot visibility', (s) => { sysA(s).snapshotVisibility = { kind: 'public' }; }],
      ['status visibility', (s) => { sysA(s).statusVisibility = { kind: 'allowedViewers', principals: [USER] }; }],
      ['minimum call cycles', (s) => { sysA(s).minimumIncomingCanisterCallCycles = 1n; }],
      ['log memory limit', (s) => { sysA(s).logMemoryLimit = 8192n; }],
      ['timer', (s) => { sysA(s).globalTimer = 1n; }],
      ['version', (s) => { sysA(s).canisterVersion += 1n; }],
      ['env var', (s) => { sysA(s).environmentVariables.set('a', '9'); }],
      ['status', (s) => { sysA(s).beginStopping({ kind: 'ingress', sender: USER, messageId: new Uint8Array(32), time: time(T0) }); }],
      ['ingress queue', (s) => { sysA(s).queues.pushIngress(ingress(A, 9)); }],
      ['call context', (s) => { sysA(s).newCallContext({ kind: 'systemTask' }, 0n, time(T0), md); }],
      ['accepted cycles', (s) => { sysA(s).callContextManager?.withdrawCycles(1n, 1n); }],
      ['task queue', (s) => { sysA(s).taskQueue.enqueue({ kind: 'heartbeat' }); }],
      ['log', (s) => { sysA(s).canisterLog.append([{ idx: 0n, timestampNanos: 0n, content: Uint8Array.of(1) }]); }],
      ['history', (s) => { sysA(s).addCanisterChange(T0, { kind: 'fromUser', userId: USER }, { kind: 'codeUninstall' }); }],
      ['heap page', (s) => { const c = s.canisterMut(A) as CanisterState; const e = c.executionState as ExecutionState; c.executionState = { ...e, heap: e.heap.withPages([{ index: 0, bytes: page(1) }]) }; }],
      ['heap size', (s) => { const c = s.canisterMut(A) as CanisterState; c.executionState = { ...(c.executionState as ExecutionState), heapSizePages: 3 }; }],
      ['global', (s) => { const c = s.canisterMut(A) as CanisterState; c.executionState = { ...(c.executionState as ExecutionState), globals: [1, 6n, -0.5] }; }],
      ['uninstall', (s) => { (s.canisterMut(A) as CanisterState).executionState = undefined; }],
      ['priority', (s) => { (s.canisterMut(A) as CanisterState).schedulerState.accumulatedPriority = -1n; }],
      ['batch time', (s) => { s.metadata.batchTime = time(1n); }],
      ['height', (s) => { s.metadata.height = 1n as typeof s.metadata.height; }],
      ['ingress status', (s) => { s.metadata.ingressHistory.setStatus(new Uint8Array(32).fill(1), { receiver: A, userId: USER, time: time(T0), state: { kind: 'failed', error: userError(ErrorCode.CanisterTrapped, 'x') } }, T0, 1n << 40n); }],
      ['id allocation', (s) => { s.metadata.generateNewCanisterId(); }],
      ['heap delta', (s) => { s.metadata.heapDeltaEstimate = 1n; }],
      ['expected wasms', (s) => { s.metadata.expectedCompiledWasms.add('03'); }],
      ['subnet queues', (s) => { s.subnetQueues.pushIngress(ingress(A, 3)); }],
      ['canister removed', (s) => { s.removeCanister(B); }],
    ];
    const seen = new Map<string, string>([[base, 'base']]);
    for (const [name, mutate] of mutations) {
      const s = build(false);
      mutate(s);
      const h = hex(stateHash(s));
      assert.ok(!seen.has(h), `${name} left the hash equal to ${seen.get(h)}`);
      seen.set(h, name);
    }
  });
});
