import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '../errors/index.ts';
import { newRequest } from '../state/index.ts';
import type { CanisterState } from '../state/index.ts';
import { MANAGEMENT_CANISTER_ID, time } from '../types/index.ts';
import { T0, USER, id, stateWith } from './test-support.ts';
import { garbageCollectQueues, initializeWasmMemoryLimit, processStoppingCanisters } from './round-maintenance.ts';

const stopCall = (n: number) => ({ kind: 'ingress' as const, sender: USER, messageId: new Uint8Array(32).fill(n), time: time(T0) });

describe('round maintenance', () => {
  it('stops a stopping canister without open calls and answers its stop calls', () => {
    const s = stateWith(1);
    s.metadata.batchTime = time(T0 + 1n);
    (s.canisterMut(id(1)) as CanisterState).systemState.beginStopping(stopCall(1));
    const version = s.canister(id(1))?.systemState.canisterVersion ?? 0n;
    processStoppingCanisters(s);
    assert.equal(s.canister(id(1))?.systemState.status.kind, 'stopped');
    assert.equal(s.canister(id(1))?.systemState.canisterVersion, version + 1n, 'stopping bumps the version');
    assert.equal(s.metadata.ingressHistory.get(new Uint8Array(32).fill(1))?.state.kind, 'completed');
  });

  it('answers a stop call from a canister with the attached cycles refunded, and a timed-out one with SYS_TRANSIENT', () => {
    const s = stateWith(2);
    const stopper = { kind: 'canister' as const, sender: id(2), replyCallback: 7n, cycles: 1_000n, deadline: 0n, time: time(T0) };
    // The stop call came through the subnet queue (which reserved the slot for its answer).
    s.subnetQueues.pushInput(newRequest({ sender: id(2), receiver: MANAGEMENT_CANISTER_ID, senderReplyCallback: 7n, payment: 1_000n, methodName: 'stop_canister', methodPayload: new Uint8Array(0) }), 'localSubnet');
    s.subnetQueues.popInput();
    const busy = s.canisterMut(id(1)) as CanisterState;
    busy.systemState.callContextManager?.newCallContext({ kind: 'systemTask' }, 0n, time(T0), { callTreeDepth: 0n, callTreeStartTime: time(T0) });
    busy.systemState.beginStopping(stopper);
    s.metadata.batchTime = time(T0 + 300n * 1_000_000_000n);
    processStoppingCanisters(s);
    const r = s.subnetQueues.popOutput(id(2));
    assert.equal(r?.kind, 'response');
    assert.equal(r?.kind === 'response' ? r.refund : 0n, 1_000n);
    assert.deepEqual(r?.kind === 'response' ? r.payload : undefined, { kind: 'reject', reject: { code: 2, message: 'Stop canister request timed out' } });
  });

  it('rejects a stop call after 5 minutes with IC0206 while the canister keeps stopping', () => {
    const s = stateWith(1);
    const c = s.canisterMut(id(1)) as CanisterState;
    c.systemState.callContextManager?.newCallContext({ kind: 'systemTask' }, 0n, time(T0), { callTreeDepth: 0n, callTreeStartTime: time(T0) });
    c.systemState.beginStopping(stopCall(2));
    s.metadata.batchTime = time(T0 + 300n * 1_000_000_000n);
    processStoppingCanisters(s);
    assert.equal(s.canister(id(1))?.systemState.status.kind, 'stopping');
    const st = s.metadata.ingressHistory.get(new Uint8Array(32).fill(2))?.state;
    assert.equal(st?.kind === 'failed' ? st.error.code : 0, ErrorCode.StopCanisterRequestTimeout);
  });

  it('sets the default Wasm memory limit and drops empty queue pairs', () => {
    const s = stateWith(1);
    initializeWasmMemoryLimit(s);
    assert.equal(s.canister(id(1))?.systemState.wasmMemoryLimit, 3n * 1024n ** 3n);
    garbageCollectQueues(s);
    assert.equal(s.canister(id(1))?.systemState.queues.sortedPairs().length, 0);
  });
});
