import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { IDL } from '@dfinity/candid';
import { ErrorCode } from '../errors/index.ts';
import { processStoppingCanisters } from '../scheduler/index.ts';
import type { CanisterState, ReplicatedState } from '../state/index.ts';
import { newRequest } from '../state/index.ts';
import { MANAGEMENT_CANISTER_ID, time } from '../types/index.ts';
import { CanisterIdRecord, toPrincipal } from './candid.ts';
import { DOCS, STRANGER, T0, USER, addCanister, arg, canisterCall, ctxOf, id, ingressCall, newState, rejectOf, run } from './test-support.ts';
import type { ManagementCall } from './types.ts';

const record = (n: number): Uint8Array => arg(CanisterIdRecord, { canister_id: toPrincipal(id(n)) });
const MD = { callTreeDepth: 0n, callTreeStartTime: time(T0) };
const HELP_NOT_FOUND = `\nCheck the ICP dashboard to ensure the canister exists. See documentation: ${DOCS}canister-not-found`;

/** Opens a call context on canister `n` (an outgoing call still waiting for its answer). */
function openCall(s: ReplicatedState, n: number): bigint {
  const ccm = (s.canisterMut(id(n)) as CanisterState).systemState.callContextManager;
  if (ccm === undefined) throw new Error('stopped');
  return ccm.newCallContext({ kind: 'systemTask' }, 0n, time(T0), MD);
}

/** A canister's call as the subnet queue delivers it (the queue reserves the slot for its answer). */
function viaSubnetQueue(s: ReplicatedState, call: ManagementCall): ManagementCall {
  const m = call.message;
  if (m.kind === 'request') {
    s.subnetQueues.pushInput(newRequest({ ...m, receiver: MANAGEMENT_CANISTER_ID }), 'localSubnet');
    s.subnetQueues.popInput();
  }
  return call;
}

describe('stop_canister and start_canister', () => {
  it('stop waits for the open call contexts, then the round end stops the canister and answers', async () => {
    const s = newState();
    addCanister(s, 1);
    const ctxId = openCall(s, 1);
    const stop = ingressCall('stop_canister', record(1));
    assert.deepEqual(await run(stop, ctxOf(s)), { kind: 'deferred' });
    assert.equal(s.canister(id(1))?.systemState.status.kind, 'stopping');
    assert.equal(s.metadata.ingressHistory.get(stop.message.kind === 'ingress' ? stop.message.messageId : new Uint8Array())?.state.kind, 'processing');
    processStoppingCanisters(s);
    assert.equal(s.canister(id(1))?.systemState.status.kind, 'stopping', 'a call context is still open');
    // The call's answer ran the last callback: the context closes.
    (s.canisterMut(id(1)) as CanisterState).systemState.callContextManager?.onCanisterResult(ctxId, undefined, {});
    processStoppingCanisters(s);
    assert.equal(s.canister(id(1))?.systemState.status.kind, 'stopped');
    const st = s.metadata.ingressHistory.get(stop.message.kind === 'ingress' ? stop.message.messageId : new Uint8Array())?.state;
    assert.deepEqual(st?.kind === 'completed' ? st.result : undefined, { kind: 'reply', payload: Uint8Array.of(0x44, 0x49, 0x44, 0x4c, 0, 0) });
  });

  it('an already stopped canister is answered at once; either way the version goes up', async () => {
    const s = newState();
    addCanister(s, 1, { controllers: [USER, id(9)] });
    assert.deepEqual(await run(ingressCall('stop_canister', record(1)), ctxOf(s)), { kind: 'deferred' });
    processStoppingCanisters(s);
    assert.deepEqual([s.canister(id(1))?.systemState.status.kind, s.canister(id(1))?.systemState.canisterVersion], ['stopped', 2n]);
    const o = await run(canisterCall('stop_canister', record(1), id(9), 50n), ctxOf(s));
    assert.equal(o.kind, 'reply');
    assert.equal(o.kind === 'reply' ? o.cyclesUsed : 1n, undefined, 'the attached cycles go back');
    assert.equal(s.canister(id(1))?.systemState.canisterVersion, 3n);
  });

  it('start rejects the pending stop calls: ingress IC0511, a canister CANISTER_ERROR with its cycles back', async () => {
    const s = newState();
    addCanister(s, 1, { controllers: [USER, id(2)] });
    openCall(s, 1);
    const byUser = ingressCall('stop_canister', record(1));
    const byCanister = viaSubnetQueue(s, canisterCall('stop_canister', record(1), id(2), 77n));
    assert.equal((await run(byUser, ctxOf(s))).kind, 'deferred');
    assert.equal((await run(byCanister, ctxOf(s))).kind, 'deferred');
    assert.equal((await run(ingressCall('start_canister', record(1)), ctxOf(s))).kind, 'reply');
    assert.equal(s.canister(id(1))?.systemState.status.kind, 'running');
    assert.equal(s.canister(id(1))?.systemState.canisterVersion, 3n);
    const st = s.metadata.ingressHistory.get(byUser.message.kind === 'ingress' ? byUser.message.messageId : new Uint8Array())?.state;
    assert.deepEqual(st?.kind === 'failed' ? [st.error.code, st.error.description] : [], [ErrorCode.CanisterStoppingCancelled, `Canister ${id(1).toText()}'s stop request was cancelled.`]);
    const r = s.subnetQueues.popOutput(id(2));
    assert.deepEqual(r?.kind === 'response' ? [r.refund, r.payload] : [], [77n, { kind: 'reject', reject: { code: 5, message: `Canister ${id(1).toText()}'s stop request cancelled` } }]);
  });

  it('controllers only (IC0512); missing canister (IC0301); malformed Candid (IC0408)', async () => {
    const s = newState();
    addCanister(s, 1);
    for (const method of ['stop_canister', 'start_canister']) {
      assert.deepEqual(rejectOf(await run(ingressCall(method, record(1), STRANGER), ctxOf(s))).slice(0, 2), [5, ErrorCode.CanisterInvalidController]);
      const bad = rejectOf(await run(ingressCall(method, arg(IDL.Text, 'x')), ctxOf(s)));
      assert.deepEqual(bad.slice(0, 2), [4, ErrorCode.InvalidManagementPayload]);
      assert.match(bad[2], /^Error decoding candid: /);
    }
    assert.deepEqual(rejectOf(await run(ingressCall('stop_canister', record(9)), ctxOf(s))), [3, ErrorCode.CanisterNotFound, `Canister ${id(9).toText()} not found.${HELP_NOT_FOUND}`]);
    assert.deepEqual(rejectOf(await run(ingressCall('start_canister', record(9)), ctxOf(s))), [3, ErrorCode.CanisterNotFound, `Canister ${id(9).toText()} not found.`]);
    assert.deepEqual([s.canister(id(1))?.systemState.status.kind, s.canister(id(1))?.systemState.canisterVersion], ['running', 0n]);
  });
});

describe('delete_canister', () => {
  it('must be stopped (IC0510); then it is gone with its cycles, and its id is not handed out again', async () => {
    const s = newState(5n);
    addCanister(s, 1);
    assert.deepEqual(rejectOf(await run(ingressCall('delete_canister', record(1)), ctxOf(s))), [5, ErrorCode.CanisterNotStopped,
      `Canister ${id(1).toText()} must be stopped before it is deleted.\nStop the canister before deleting it. See documentation: ${DOCS}delete-canister-not-stopped`]);
    await run(ingressCall('stop_canister', record(1)), ctxOf(s));
    processStoppingCanisters(s);
    assert.equal((await run(ingressCall('delete_canister', record(1)), ctxOf(s))).kind, 'reply');
    assert.equal(s.hasCanister(id(1)), false);
    assert.deepEqual(rejectOf(await run(ingressCall('delete_canister', record(1)), ctxOf(s))), [3, ErrorCode.CanisterNotFound, `Canister ${id(1).toText()} not found.${HELP_NOT_FOUND}`]);
    assert.equal(s.metadata.generateNewCanisterId()?.toText(), id(5).toText());
  });

  it('not by the canister itself; controllers only; nothing may be queued (IC0203)', async () => {
    const s = newState();
    addCanister(s, 1, { controllers: [USER, id(1)] });
    assert.deepEqual(rejectOf(await run(canisterCall('delete_canister', record(1), id(1)), ctxOf(s))), [5, ErrorCode.CanisterInvalidController,
      `Canister ${id(1).toText()} cannot delete itself.\nDelete the canister from one of its other controllers. See documentation: ${DOCS}delete-canister-self`]);
    assert.deepEqual(rejectOf(await run(ingressCall('delete_canister', record(1), STRANGER), ctxOf(s))).slice(0, 2), [5, ErrorCode.CanisterInvalidController]);
    await run(ingressCall('stop_canister', record(1)), ctxOf(s));
    processStoppingCanisters(s);
    const c = s.canisterMut(id(1)) as CanisterState;
    c.systemState.queues.pushIngress(ingressCall('x', new Uint8Array()).message as never);
    const [code, ic, text] = rejectOf(await run(ingressCall('delete_canister', record(1)), ctxOf(s)));
    assert.deepEqual([code, ic], [2, ErrorCode.CanisterQueueNotEmpty]);
    assert.equal(text.split('\n')[0], `Canister ${id(1).toText()} has messages in its queues and cannot be deleted now. Please retry after some time.`);
    assert.equal(s.hasCanister(id(1)), true);
  });
});

describe('deposit_cycles', () => {
  it('all attached cycles go to the canister; any caller', async () => {
    const s = newState();
    addCanister(s, 1, { cycles: 10n, controllers: [USER] });
    const o = await run(canisterCall('deposit_cycles', record(1), id(7), 1_000n), ctxOf(s));
    assert.deepEqual([o.kind, o.kind === 'reply' ? o.cyclesUsed : 0n], ['reply', 1_000n]);
    assert.equal(s.canister(id(1))?.systemState.balance, 1_010n);
  });

  it('a missing canister: IC0301 and the cycles back; malformed Candid: IC0408', async () => {
    const s = newState();
    const o = await run(canisterCall('deposit_cycles', record(3), id(7), 1_000n), ctxOf(s));
    assert.deepEqual(rejectOf(o), [3, ErrorCode.CanisterNotFound, `Canister ${id(3).toText()} not found.`]);
    assert.equal(o.kind === 'reject' ? o.cyclesUsed : 0n, undefined);
    assert.deepEqual(rejectOf(await run(canisterCall('deposit_cycles', Uint8Array.of(0), id(7), 5n), ctxOf(s))).slice(0, 2), [4, ErrorCode.InvalidManagementPayload]);
  });
});
