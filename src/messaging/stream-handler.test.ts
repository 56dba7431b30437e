// Two subnets' states side by side: X (canisters 1, 2 in ids 0..2^20 − 1)
// and Y (canisters 2^20 + 1, + 2 in the next 2^20 ids), routing into
// streams at the end of a round and inducting each other's slices.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_STREAM_MESSAGES } from '../config/index.ts';
import { RejectCode } from '../errors/index.ts';
import type { CanisterState, ReplicatedState, Request, Response } from '../state/index.ts';
import { NetworkTopology, ReplicatedState as State, newRequest, popInput } from '../state/index.ts';
import { CanisterId, SubnetId } from '../types/index.ts';
import { emptyCanister, id, makeCalls } from '../scheduler/test-support.ts';
import type { XNetSlice } from '../consensus/index.ts';
import { routeOutputs } from './routing.ts';
import { inductXNetSlices } from './stream-handler.ts';

const SX = SubnetId.fromUint8Array(Uint8Array.of(0x58, 1));
const SY = SubnetId.fromUint8Array(Uint8Array.of(0x59, 1));
const Y0 = 1n << 20n;
const y = (n: number): CanisterId => CanisterId.fromU64(Y0 + BigInt(n));
const range = (s: bigint) => ({ start: CanisterId.fromU64(s), end: CanisterId.fromU64(s + Y0 - 1n) });
const TOPOLOGY = new NetworkTopology([
  { subnetId: SX, subnetType: 'application', size: 13, ranges: [range(0n)] },
  { subnetId: SY, subnetType: 'application', size: 13, ranges: [range(Y0)] },
]);

function pair(): { x: ReplicatedState; y: ReplicatedState } {
  const x = State.empty(SX, 'application', [range(0n)], TOPOLOGY);
  const ys = State.empty(SY, 'application', [range(Y0)], TOPOLOGY);
  for (const n of [1n, 2n]) {
    x.putCanister(emptyCanister(n));
    ys.putCanister(emptyCanister(Y0 + n));
  }
  return { x, y: ys };
}

/** `from`'s stream to `to` as a slice from where `to` expects it. */
function sliceFor(from: ReplicatedState, to: ReplicatedState): XNetSlice[] {
  const stream = from.streams.get(to.metadata.ownSubnetId);
  if (stream === undefined) return [];
  return [{ subnetId: from.metadata.ownSubnetId, slice: stream.slice(to.streams.get(from.metadata.ownSubnetId)?.signalsEnd ?? 0n) }];
}

const mut = (s: ReplicatedState, c: CanisterId): CanisterState => s.canisterMut(c) as CanisterState;
function popAll(s: ReplicatedState, c: CanisterId) {
  const out = [];
  for (let m = popInput(mut(s, c).systemState); m !== undefined; m = popInput(mut(s, c).systemState)) out.push(m);
  return out;
}

describe('stream builder and stream handler', () => {
  it('routes calls to another subnet into its stream, which inducts them in order, once, with accept signals', () => {
    const { x, y: ys } = pair();
    makeCalls(x, id(1), y(1), 3, { cycles: 7n });
    const stats = routeOutputs(x);
    assert.deepEqual(stats, { delivered: 0, rejected: 0, dropped: 0, streamed: 3 });
    assert.equal(x.streams.get(SY)?.length, 3);
    const slices = sliceFor(x, ys);
    const r = inductXNetSlices(ys, slices);
    assert.equal(r.inducted, 3);
    assert.deepEqual(popAll(ys, y(1)).map((m) => (m as Request).methodName), ['m0', 'm1', 'm2']);
    assert.equal(ys.streams.get(SX)?.signalsEnd, 3n);
    assert.equal(inductXNetSlices(ys, slices).inducted, 0, 'a slice inducted already is skipped');
    assert.equal(ys.streams.get(SX)?.signalsEnd, 3n);
    // X sees Y's signals and drops what was acknowledged.
    assert.equal(inductXNetSlices(x, sliceFor(ys, x)).garbageCollected, 3);
    assert.deepEqual([x.streams.get(SY)?.begin, x.streams.get(SY)?.end], [3n, 3n]);
  });

  it('a request the receiving subnet cannot induct comes back as the replica\'s reject, with its cycles', () => {
    const { x, y: ys } = pair();
    mut(ys, y(2)).systemState.beginStopping({ kind: 'ingress', sender: id(1), messageId: new Uint8Array(32), time: 0n as never });
    mut(ys, y(2)).systemState.tryStopCanister(() => false);
    makeCalls(x, id(1), y(99), 1, { cycles: 5n });
    makeCalls(x, id(2), y(2), 1, { cycles: 6n });
    routeOutputs(x);
    const r = inductXNetSlices(ys, sliceFor(x, ys));
    assert.equal(r.rejectSignals, 2);
    assert.deepEqual(ys.streams.get(SX)?.rejectSignals.map((s) => s.reason), ['CanisterNotFound', 'CanisterStopped']);
    const back = inductXNetSlices(x, sliceFor(ys, x));
    assert.equal(back.rejectedRequests, 2);
    const [notFound] = popAll(x, id(1)) as Response[];
    assert.deepEqual(notFound.payload, { kind: 'reject', reject: { code: RejectCode.DestinationInvalid, message: `Canister ${y(99).toText()} not found` } });
    assert.equal(notFound.refund, 5n);
    const [stopped] = popAll(x, id(2)) as Response[];
    assert.deepEqual(stopped.payload, { kind: 'reject', reject: { code: RejectCode.CanisterError, message: `Canister ${y(2).toText()} is stopped` } });
    assert.equal(stopped.refund, 6n);
    // Y forgets its reject signals once X's stream begins past them.
    makeCalls(x, id(1), y(1), 1);
    routeOutputs(x);
    inductXNetSlices(ys, sliceFor(x, ys));
    assert.deepEqual(ys.streams.get(SX)?.rejectSignals, []);
  });

  it('answers travel back through the reverse stream to the caller\'s reserved slot', () => {
    const { x, y: ys } = pair();
    const [call] = makeCalls(x, id(1), y(1), 1);
    routeOutputs(x);
    inductXNetSlices(ys, sliceFor(x, ys));
    popAll(ys, y(1));
    mut(ys, y(1)).systemState.queues.pushOutputResponse({
      kind: 'response', originator: id(1), respondent: y(1), originatorReplyCallback: call.senderReplyCallback, refund: 1n, payload: { kind: 'data', data: Uint8Array.of(42) }, deadline: 0n,
    });
    assert.equal(routeOutputs(ys).streamed, 1);
    assert.equal(inductXNetSlices(x, sliceFor(ys, x)).inducted, 1);
    const [answer] = popAll(x, id(1)) as Response[];
    assert.deepEqual(answer.payload, { kind: 'data', data: Uint8Array.of(42) });
  });

  it('drops messages whose sender the routing table places elsewhere (accept signal, nothing inducted)', () => {
    const { x, y: ys } = pair();
    const forged = newRequest({ sender: y(1), receiver: y(2), senderReplyCallback: 1n, methodName: 'x', methodPayload: new Uint8Array(0) });
    x.streams.getOrCreate(SY).push(forged);
    const r = inductXNetSlices(ys, sliceFor(x, ys));
    assert.deepEqual([r.inducted, r.dropped], [0, 1]);
    assert.equal(ys.streams.get(SX)?.signalsEnd, 1n);
  });

  it('leaves output in the queues while the stream is at its limit; rejects an oversized request to another subnet', () => {
    const { x } = pair();
    const filler = newRequest({ sender: id(1), receiver: y(1), senderReplyCallback: 0n, methodName: 'f', methodPayload: new Uint8Array(0) });
    for (let i = 0; i < MAX_STREAM_MESSAGES; i++) x.streams.getOrCreate(SY).push(filler);
    makeCalls(x, id(1), y(1), 2);
    assert.equal(routeOutputs(x).streamed, 0);
    assert.equal(x.canister(id(1))?.systemState.queues.hasOutput(), true);
    x.streams.get(SY)?.discardMessagesBefore(BigInt(MAX_STREAM_MESSAGES), []);
    assert.equal(routeOutputs(x).streamed, 2);

    const big = pair().x;
    makeCalls(big, id(1), y(1), 1);
    const q = mut(big, id(1)).systemState.queues;
    const [msg] = [q.popOutput(y(1)) as Request];
    q.pushOutputRequest({ ...msg, methodPayload: new Uint8Array(2 * 1024 * 1024 + 1) }, 0n);
    assert.equal(routeOutputs(big).rejected, 1);
    const [reject] = popAll(big, id(1)) as Response[];
    assert.equal(reject.payload.kind === 'reject' && reject.payload.reject.code, RejectCode.CanisterError);
    assert.match(reject.payload.kind === 'reject' ? reject.payload.reject.message : '', /violated contract: attempted to send a message of size 2097\d+ exceeding the limit 2097152/);
  });
});
