import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RejectCode } from '../errors/index.ts';
import type { CanisterState, ReplicatedState, Response } from '../state/index.ts';
import { newRequest, popInput, pushInput } from '../state/index.ts';
import { CanisterId, MANAGEMENT_CANISTER_ID } from '../types/index.ts';
import { id, makeCalls, stateWith } from '../scheduler/test-support.ts';
import { routeOutputs } from './routing.ts';

const mut = (s: ReplicatedState, n: number): CanisterState => s.canisterMut(id(n)) as CanisterState;
const popAll = (s: ReplicatedState, n: number) => {
  const out = [];
  for (let m = popInput(mut(s, n).systemState); m !== undefined; m = popInput(mut(s, n).systemState)) out.push(m);
  return out;
};
const rejectOf = (m: unknown): { code: number; message: string } => {
  const r = m as Response;
  assert.equal(r.kind, 'response');
  assert.equal(r.payload.kind, 'reject');
  return r.payload.kind === 'reject' ? r.payload.reject : { code: 0, message: '' };
};

describe('routeOutputs', () => {
  it('delivers requests from A to B in the order A made them', () => {
    const state = stateWith(2);
    makeCalls(state, id(1), id(2), 50);
    const stats = routeOutputs(state);
    assert.equal(stats.delivered, 50);
    const got = popAll(state, 2).map((m) => (m.kind === 'request' ? m.methodName : '?'));
    assert.deepEqual(got, Array.from({ length: 50 }, (_, i) => `m${i}`));
    assert.equal(state.canister(id(1))?.systemState.queues.hasOutput(), false);
  });

  it('rejects calls to missing canisters with DESTINATION_INVALID, refunding the cycles', () => {
    const state = stateWith(1);
    makeCalls(state, id(1), id(77), 1, { cycles: 5n });
    makeCalls(state, id(1), CanisterId.fromU64(1n << 40n), 1);
    const before = state.canister(id(1))?.systemState.balance as bigint;
    assert.deepEqual(routeOutputs(state), { delivered: 0, rejected: 2, dropped: 0, streamed: 0 });
    const [a, b] = popAll(state, 1);
    assert.deepEqual(rejectOf(a), { code: RejectCode.DestinationInvalid, message: `Canister ${id(77).toText()} not found` });
    assert.equal((a as Response).refund, 5n);
    assert.deepEqual(rejectOf(b), { code: RejectCode.DestinationInvalid, message: `No route to canister ${CanisterId.fromU64(1n << 40n).toText()}` });
    assert.equal(state.canister(id(1))?.systemState.balance, before, 'the refund arrives with the response, not before');
  });

  it('rejects calls to a full queue with SYS_TRANSIENT and to a stopped canister with CANISTER_ERROR', () => {
    const state = stateWith(3);
    const memory = { value: 1n << 50n };
    for (let i = 0; i < 500; i++) {
      const r = pushInput(mut(state, 2).systemState, newRequest({ sender: id(1), receiver: id(2), senderReplyCallback: BigInt(1000 + i), methodName: 'x', methodPayload: new Uint8Array(0) }),
        { subnetMemory: memory, subnetType: 'application', inputQueueType: 'localSubnet' });
      assert.ok(r.ok);
    }
    makeCalls(state, id(1), id(2), 1);
    mut(state, 3).systemState.beginStopping({ kind: 'ingress', sender: id(1), messageId: new Uint8Array(32), time: 0n as never });
    mut(state, 3).systemState.tryStopCanister(() => false);
    makeCalls(state, id(1), id(3), 1);
    routeOutputs(state);
    const [full, stopped] = popAll(state, 1);
    assert.deepEqual(rejectOf(full), { code: RejectCode.SysTransient, message: `Canister ${id(2).toText()} input queue is full` });
    assert.deepEqual(rejectOf(stopped), { code: RejectCode.CanisterError, message: `Canister ${id(3).toText()} is stopped` });
  });

  it('sends management calls to the subnet queues and their answers back', () => {
    const state = stateWith(1);
    const [req] = makeCalls(state, id(1), MANAGEMENT_CANISTER_ID, 1);
    routeOutputs(state);
    const popped = state.subnetQueues.popInput();
    assert.equal(popped?.kind, 'request');
    state.subnetQueues.pushOutputResponse({
      kind: 'response', originator: id(1), respondent: MANAGEMENT_CANISTER_ID, originatorReplyCallback: req.senderReplyCallback,
      refund: 0n, payload: { kind: 'data', data: Uint8Array.of(9) }, deadline: 0n,
    });
    assert.equal(routeOutputs(state).delivered, 1);
    const [answer] = popAll(state, 1);
    assert.equal(answer.kind, 'response');
  });
});
