import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CanisterId, SubnetId } from '../types/index.ts';
import { countBytes, newRequest } from './messages.ts';
import type { Request } from './messages.ts';
import { Stream, Streams } from './streams.ts';

const req = (i: number, payload = 1): Request => newRequest({
  sender: CanisterId.fromU64(1n), receiver: CanisterId.fromU64(2n), senderReplyCallback: BigInt(i), methodName: `m${i}`, methodPayload: new Uint8Array(payload),
});
const subnet = (b: number): SubnetId => SubnetId.fromUint8Array(Uint8Array.of(b, 1));

describe('Stream', () => {
  it('gives each message the next index and slices from any index within the limits', () => {
    const s = new Stream();
    for (let i = 0; i < 5; i++) s.push(req(i));
    assert.deepEqual([s.begin, s.end, s.length], [0n, 5n, 5]);
    const sl = s.slice(2n);
    assert.equal(sl.messagesBegin, 2n);
    assert.deepEqual(sl.messages.map((m) => (m as Request).methodName), ['m2', 'm3', 'm4']);
    assert.deepEqual(sl.header, { begin: 0n, end: 5n, signalsEnd: 0n, rejectSignals: [] });
    assert.equal(s.slice(1n, 2).messages.length, 2);
    assert.equal(s.slice(9n).messages.length, 0, 'past the end: none');
    assert.equal(s.slice(0n, 100, 1).messages.length, 1, 'the first message always fits the byte limit');
    assert.equal(s.slice(0n, 100, countBytes(req(0)) * 2).messages.length, 2);
  });

  it('drops acknowledged messages and returns those a reject signal names, with their reasons', () => {
    const s = new Stream();
    for (let i = 0; i < 6; i++) s.push(req(i, 10));
    const size = s.sizeBytes;
    const rejected = s.discardMessagesBefore(4n, [{ index: 1n, reason: 'CanisterStopped' }, { index: 3n, reason: 'QueueFull' }, { index: 5n, reason: 'Unknown' }]);
    assert.deepEqual(rejected.map((r) => [r.reason, (r.msg as Request).methodName]), [['CanisterStopped', 'm1'], ['QueueFull', 'm3']]);
    assert.deepEqual([s.begin, s.end, s.length], [4n, 6n, 2]);
    assert.equal(s.sizeBytes, size - 4 * countBytes(req(0, 10)));
    assert.deepEqual(s.discardMessagesBefore(4n, [{ index: 1n, reason: 'QueueFull' }]), [], 'signals below begin were handled before');
    assert.throws(() => s.discardMessagesBefore(7n, []), /outside/);
    assert.throws(() => s.discardMessagesBefore(3n, []), /outside/);
  });

  it('keeps accept and reject signals for the reverse stream, and forgets reject signals below its begin', () => {
    const s = new Stream();
    s.pushAcceptSignal();
    s.pushRejectSignal('CanisterNotFound');
    s.pushAcceptSignal();
    s.pushRejectSignal('OutOfMemory');
    assert.equal(s.signalsEnd, 4n);
    assert.deepEqual(s.rejectSignals, [{ reason: 'CanisterNotFound', index: 1n }, { reason: 'OutOfMemory', index: 3n }]);
    s.discardSignalsBefore(2n);
    assert.deepEqual(s.rejectSignals, [{ reason: 'OutOfMemory', index: 3n }]);
    assert.equal(s.signalsEnd, 4n);
  });

  it('counts the guaranteed responses it holds as message memory', () => {
    const s = new Stream();
    s.push({ kind: 'response', originator: CanisterId.fromU64(1n), respondent: CanisterId.fromU64(2n), originatorReplyCallback: 1n, refund: 0n, payload: { kind: 'data', data: new Uint8Array(100) }, deadline: 0n });
    s.push({ kind: 'response', originator: CanisterId.fromU64(1n), respondent: CanisterId.fromU64(2n), originatorReplyCallback: 2n, refund: 0n, payload: { kind: 'data', data: new Uint8Array(100) }, deadline: 7n });
    s.push(req(3));
    assert.ok(s.guaranteedResponsesBytes > 100 && s.guaranteedResponsesBytes < s.sizeBytes / 2);
  });
});

describe('Streams', () => {
  it('lists streams in remote-subnet id order; clones are independent', () => {
    const ss = new Streams();
    ss.getOrCreate(subnet(9)).push(req(0));
    ss.getOrCreate(subnet(3)).push(req(1));
    assert.deepEqual(ss.entries().map((e) => e.subnetId.toText()), [subnet(3).toText(), subnet(9).toText()]);
    const c = ss.clone();
    c.getOrCreate(subnet(3)).push(req(2));
    c.getOrCreate(subnet(5));
    assert.equal(ss.get(subnet(3))?.length, 1);
    assert.equal(ss.size, 2);
    assert.equal(c.get(subnet(3))?.length, 2);
  });
});
