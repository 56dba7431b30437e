import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RejectCode } from '../errors/index.ts';
import type { CanisterState, Request, Response } from '../state/index.ts';
import { popInput } from '../state/index.ts';
import { MANAGEMENT_CANISTER_ID, time } from '../types/index.ts';
import { FakeExecutor, T0, TINY_CONFIG, id, makeCalls, nextBatch, stateWith } from '../scheduler/test-support.ts';
import { inductConsensusResponses } from './consensus-responses.ts';
import { processBatch } from './message-routing.ts';

/** A state where canister 1 called `http_request` (its slot reserved) and the subnet kept the call as context 0. */
function withContext(payment = 1_000n): { state: ReturnType<typeof stateWith>; request: Request } {
  const state = stateWith(1);
  const [made] = makeCalls(state, id(1), MANAGEMENT_CANISTER_ID, 1, { cycles: payment });
  (state.canisterMut(id(1)) as CanisterState).systemState.queues.popOutput(MANAGEMENT_CANISTER_ID);
  const request: Request = { ...made, methodName: 'http_request' };
  assert.equal(state.subnetQueues.pushInput(request, 'localSubnet').ok, true);
  state.subnetQueues.popInput();
  state.metadata.subnetCallContextManager.pushCanisterHttpRequest({
    request, url: 'https://x', maxResponseBytes: undefined, headers: [], body: undefined, method: 'GET',
    transform: undefined, time: time(T0), replicated: true, pricingVersion: 1,
  });
  return { state, request };
}

describe('consensus responses', () => {
  it('answer their context: a response to the caller with the rest of the cycles, the context removed', () => {
    const { state, request } = withContext(700n);
    const stats = inductConsensusResponses(state, [{ callbackId: 0n, payload: { kind: 'data', data: Uint8Array.of(1, 2) } }]);
    assert.deepEqual(stats, { answered: 1, dropped: 0 });
    assert.equal(state.metadata.subnetCallContextManager.canisterHttpRequestContexts.size, 0);
    const r = state.subnetQueues.popOutput(id(1)) as Response;
    assert.equal(r.kind, 'response');
    assert.equal(r.originatorReplyCallback, request.senderReplyCallback);
    assert.equal(r.refund, 700n);
    assert.deepEqual(r.payload, { kind: 'data', data: Uint8Array.of(1, 2) });
  });

  it('a reject keeps its code and message; an unknown or repeated callback id is dropped', () => {
    const { state } = withContext();
    const reject = { kind: 'reject' as const, reject: { code: RejectCode.SysTransient, message: 'Canister http request timed out' } };
    const stats = inductConsensusResponses(state, [{ callbackId: 0n, payload: reject }, { callbackId: 0n, payload: reject }, { callbackId: 5n, payload: reject }]);
    assert.deepEqual(stats, { answered: 1, dropped: 2 });
    const r = state.subnetQueues.popOutput(id(1)) as Response;
    assert.deepEqual(r.payload, { kind: 'reject', reject: { code: RejectCode.SysTransient, message: 'Canister http request timed out' } });
  });

  it('enter through the batch: inducted, then routed to the canister at the end of the round', async () => {
    const { state } = withContext();
    const batch = { ...nextBatch({ height: 1n }), consensusResponses: [{ callbackId: 0n, payload: { kind: 'data' as const, data: Uint8Array.of(7) } }] };
    const summary = await processBatch(state, batch, { executor: new FakeExecutor(), config: TINY_CONFIG });
    assert.deepEqual(summary.induction.consensusResponses, { answered: 1, dropped: 0 });
    assert.equal(summary.routing.delivered, 1);
    const input = popInput((state.canisterMut(id(1)) as CanisterState).systemState);
    assert.equal(input?.kind, 'response');
  });
});
