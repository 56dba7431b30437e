import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RejectCode } from '../errors/index.ts';
import type { CanisterState, Response } from '../state/index.ts';
import { popInput } from '../state/index.ts';
import { MANAGEMENT_CANISTER_ID, time } from '../types/index.ts';
import { FakeExecutor, T0, TINY_CONFIG, USER, id, makeCalls, nextBatch, stateWith } from '../scheduler/test-support.ts';
import { processBatch, timeOutExpired } from './message-routing.ts';
import { signedIngressOf } from './ingress-content.ts';

const SEC = 1_000_000_000n;

describe('message routing', () => {
  it('processes a batch: induct, execute, route; the state is then at the batch height', async () => {
    const state = stateWith(2);
    const batch = { ...nextBatch({ height: 1n }), ingress: [signedIngressOf({ sender: USER, canisterId: id(1), methodName: 'burn:10', arg: new Uint8Array(0), ingressExpiry: time(T0 + 100n * SEC) })] };
    makeCalls(state, id(2), MANAGEMENT_CANISTER_ID, 3); // management calls are not inducted within the round: routed at its end
    const summary = await processBatch(state, batch, { executor: new FakeExecutor(), config: TINY_CONFIG });
    assert.equal(summary.induction.ingress.inducted, 1);
    assert.equal(summary.round.executions, 1);
    assert.equal(summary.routing.delivered, 3);
    assert.equal(state.subnetQueues.inputQueuesRequestCount(), 3);
    assert.equal(state.metadata.height, 1n);
    assert.equal(state.time, batch.time);
    assert.equal(state.metadata.ingressHistory.get(batch.ingress[0].messageId)?.state.kind, 'completed');
  });

  it('times out a best-effort call at its deadline: the caller gets a SYS_TRANSIENT reject and its cycles back', () => {
    const state = stateWith(2);
    const deadline = T0 + 10n * SEC;
    makeCalls(state, id(1), id(2), 1, { deadline, cycles: 7n });
    assert.deepEqual(timeOutExpired(state, deadline), { messages: 0, callbacks: 0 }, 'not before the deadline has passed');
    const r = timeOutExpired(state, deadline + 2n * SEC);
    assert.equal(r.messages, 1);
    const reject = popInput((state.canisterMut(id(1)) as CanisterState).systemState) as Response;
    assert.equal(reject.kind, 'response');
    assert.deepEqual(reject.payload.kind === 'reject' ? reject.payload.reject : undefined, { code: RejectCode.SysTransient, message: 'Request timed out.' });
    assert.equal(reject.refund, 7n);
  });

  it('expires a best-effort callback whose request was delivered but not answered', () => {
    const state = stateWith(2);
    const deadline = T0 + 10n * SEC;
    makeCalls(state, id(1), id(2), 1, { deadline });
    const out = (state.canisterMut(id(1)) as CanisterState).systemState.queues;
    out.popOutput(id(2)); // delivered
    const r = timeOutExpired(state, deadline + 2n * SEC);
    assert.equal(r.callbacks, 1);
    const reject = popInput((state.canisterMut(id(1)) as CanisterState).systemState) as Response;
    assert.deepEqual(reject.payload.kind === 'reject' ? reject.payload.reject.code : 0, RejectCode.SysUnknown);
  });
});
