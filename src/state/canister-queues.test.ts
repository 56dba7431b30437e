import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RejectCode } from '../errors/index.ts';
import { CanisterId } from '../types/index.ts';
import { CanisterQueues, DEFAULT_QUEUE_CAPACITY } from './canister-queues.ts';
import { MAX_RESPONSE_COUNT_BYTES } from './messages.ts';
import type { Request } from './messages.ts';
import { A, B, C, SEC, T0, ingress, reply, request } from './test-support.ts';

const local = (): boolean => true;

describe('CanisterQueues', () => {
  it('reserves a response slot for every request, both ways, and refuses unexpected responses', () => {
    const q = new CanisterQueues();
    const inbound = request(B, A, 1n);
    assert.deepEqual(q.pushInput(inbound, 'localSubnet'), { ok: true, dropped: false });
    assert.equal(q.outputQueuesReservedSlots(), 1);
    const out = request(A, C, 5n);
    assert.equal(q.pushOutputRequest(out, T0), undefined);
    assert.equal(q.inputQueuesReservedSlots(), 1);
    const stray = reply(request(A, B, 99n));
    const r = q.pushInput(stray, 'localSubnet');
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.error.kind, 'NonMatchingResponse');
    assert.deepEqual(q.pushInput(reply(out), 'remoteSubnet'), { ok: true, dropped: false });
    assert.equal(q.inputQueuesReservedSlots(), 0);
    assert.equal(q.guaranteedResponseMemoryReservations, 1, 'the inbound call still holds its reservation');
  });

  it('fills a queue at 500 requests with QueueFull (capacity 500)', () => {
    const q = new CanisterQueues();
    for (let i = 0; i < DEFAULT_QUEUE_CAPACITY; i++) assert.equal(q.pushOutputRequest(request(A, B, BigInt(i + 1)), T0), undefined);
    assert.deepEqual(q.pushOutputRequest(request(A, B, 501n), T0), { kind: 'QueueFull', capacity: 500 });
    assert.equal(q.availableOutputRequestSlots().get(B.toText()), 0);
    assert.equal(q.guaranteedResponseMemoryUsage(), 500 * MAX_RESPONSE_COUNT_BYTES);
  });

  it('pops round-robin: local subnet, ingress, remote subnet; senders in turn within a source', () => {
    const q = new CanisterQueues();
    q.pushInput(request(B, A, 1n), 'localSubnet');
    q.pushInput(request(B, A, 2n), 'localSubnet');
    q.pushInput(request(C, A, 3n), 'localSubnet');
    q.pushIngress(ingress(A, 1));
    q.pushIngress(ingress(A, 2));
    const D = CanisterId.fromU64(99n);
    q.pushInput(request(D, A, 4n), 'remoteSubnet');
    const order: string[] = [];
    for (let m = q.popInput(); m !== undefined; m = q.popInput()) {
      order.push(m.kind === 'ingress' ? `i${m.messageId[0]}` : m.kind === 'request' ? `${m.sender.toU64()}:${m.senderReplyCallback}` : '?');
    }
    assert.deepEqual(order, ['2:1', 'i1', '99:4', '3:3', 'i2', '2:2']);
  });

  it('keeps the order A sent requests to B and interleaves receivers in the output iterator', () => {
    const q = new CanisterQueues();
    for (const [to, cb] of [[C, 1n], [B, 2n], [B, 3n], [C, 4n], [B, 5n]] as const) q.pushOutputRequest(request(A, to, cb), T0);
    const seen = [...q.outputIntoIter()].map((m) => (m as Request).senderReplyCallback);
    assert.deepEqual(seen, [2n, 1n, 3n, 4n, 5n], 'B (id 2) before C (id 3), one at a time, FIFO per receiver');
    assert.equal(q.hasOutput(), false);
  });

  it('times out guaranteed requests 300 s after queueing with a SYS_TRANSIENT reject in the input queue', () => {
    const q = new CanisterQueues();
    const req = request(A, B, 7n, { payment: 10n });
    q.pushOutputRequest(req, T0);
    assert.equal(q.timeOutMessages(T0 + 300n * SEC, local).timedOut, 0, 'deadline == now is not expired');
    const r = q.timeOutMessages(T0 + 301n * SEC, local);
    assert.equal(r.timedOut, 1);
    assert.equal(r.rejectResponses[0].refund, 10n);
    const popped = q.popInput();
    assert.ok(popped?.kind === 'response' && popped.payload.kind === 'reject');
    assert.equal(popped.payload.kind === 'reject' && popped.payload.reject.code, RejectCode.SysTransient);
    assert.equal(q.guaranteedResponseMemoryReservations, 0);
  });

  it('expires inbound best-effort requests, releasing their output slot and refunding the sender', () => {
    const q = new CanisterQueues();
    q.pushInput(request(B, A, 1n, { deadline: T0 / SEC * SEC + 10n * SEC, payment: 5n }), 'remoteSubnet');
    assert.equal(q.outputQueuesReservedSlots(), 1);
    const r = q.timeOutMessages(T0 + 11n * SEC, local);
    assert.deepEqual(r.refunds, [{ recipient: B, amount: 5n }]);
    assert.equal(q.outputQueuesReservedSlots(), 0);
    assert.equal(q.popInput(), undefined);
    q.garbageCollect();
    assert.equal(q.sortedPairs().length, 0);
  });

  it('drops a second best-effort response for one callback and refuses a second guaranteed one', () => {
    const q = new CanisterQueues();
    const be = request(A, B, 1n, { deadline: 50n * SEC });
    q.pushOutputRequest(be, T0);
    q.pushOutputRequest(request(A, B, 2n), T0);
    assert.equal(q.pushDeadlineExpired(1n, B, 'localSubnet'), true);
    assert.deepEqual(q.pushInput(reply(be), 'localSubnet'), { ok: true, dropped: true });
    const g = reply(request(A, B, 2n));
    assert.deepEqual(q.pushInput(g, 'localSubnet'), { ok: true, dropped: false });
    const again = q.pushInput(g, 'localSubnet');
    assert.equal(!again.ok && again.error.kind, 'NonMatchingResponse');
  });

  it('clones independently', () => {
    const q = new CanisterQueues();
    q.pushIngress(ingress(A, 1));
    const c = q.clone();
    q.popInput();
    assert.equal(c.ingressQueue.size, 1);
    assert.equal(q.ingressQueue.size, 0);
  });
});
