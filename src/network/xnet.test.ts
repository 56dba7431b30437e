import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SYSTEM_SUBNET_STREAM_MSG_LIMIT } from '../config/index.ts';
import { NetworkTopology, ReplicatedState, newRequest } from '../state/index.ts';
import type { SubnetType } from '../config/index.ts';
import { CanisterId, SubnetId } from '../types/index.ts';
import { InProcessTransport, XNetPayloadBuilderImpl } from './xnet.ts';

const SA = SubnetId.fromUint8Array(Uint8Array.of(0x41, 1));
const SB = SubnetId.fromUint8Array(Uint8Array.of(0x42, 1));
const SC = SubnetId.fromUint8Array(Uint8Array.of(0x43, 1));
const range = (i: bigint) => ({ start: CanisterId.fromU64(i << 20n), end: CanisterId.fromU64(((i + 1n) << 20n) - 1n) });
const topology = new NetworkTopology([SA, SB, SC].map((s, i) => ({ subnetId: s, subnetType: 'application' as const, size: 13, ranges: [range(BigInt(i))] })));
const stateOf = (s: SubnetId, type: SubnetType = 'application'): ReplicatedState => ReplicatedState.empty(s, type, [], topology);
const req = (i: number, bytes = 0) => newRequest({
  sender: CanisterId.fromU64(1n), receiver: CanisterId.fromU64((1n << 20n) + 1n), senderReplyCallback: BigInt(i), methodName: 'm', methodPayload: new Uint8Array(bytes),
});

describe('XNet payload builder', () => {
  it('takes each remote stream from the index this subnet expects, in subnet order, only when it brings something', () => {
    const t = new InProcessTransport();
    const a = stateOf(SA);
    const b = stateOf(SB);
    const c = stateOf(SC);
    for (let i = 0; i < 4; i++) a.streams.getOrCreate(SB).push(req(i));
    c.streams.getOrCreate(SB).push(req(9));
    t.publish(SC, c);
    t.publish(SA, a);
    t.publish(SB, b);
    const builder = new XNetPayloadBuilderImpl(SB, () => b, t);
    assert.ok(builder.hasPayload());
    const p = builder.buildPayload();
    assert.deepEqual(p.map((s) => [s.subnetId.toText(), s.slice.messagesBegin, s.slice.messages.length]), [[SA.toText(), 0n, 4], [SC.toText(), 0n, 1]]);
    // B inducted A's first three messages: the next slice starts at 3.
    for (let i = 0; i < 3; i++) b.streams.getOrCreate(SA).pushAcceptSignal();
    b.streams.getOrCreate(SC).pushAcceptSignal();
    assert.deepEqual(builder.buildPayload().map((s) => [s.subnetId.toText(), s.slice.messagesBegin, s.slice.messages.length]), [[SA.toText(), 3n, 1]]);
    b.streams.getOrCreate(SA).pushAcceptSignal();
    assert.equal(builder.hasPayload(), false);
    assert.deepEqual(builder.buildPayload(), []);
  });

  it('brings a slice with signals alone when they acknowledge this subnet\'s messages', () => {
    const t = new InProcessTransport();
    const a = stateOf(SA);
    const b = stateOf(SB);
    a.streams.getOrCreate(SB).push(req(0));
    b.streams.getOrCreate(SA).pushAcceptSignal(); // B inducted A's message 0; B has nothing for A
    t.publish(SA, a);
    t.publish(SB, b);
    const forA = new XNetPayloadBuilderImpl(SA, () => a, t);
    const [slice] = forA.buildPayload();
    assert.equal(slice.subnetId.toText(), SB.toText());
    assert.deepEqual([slice.slice.messages.length, slice.slice.header.signalsEnd], [0, 1n]);
  });

  it('a system subnet takes no more than the stream limit minus what it still has to send back', () => {
    const t = new InProcessTransport();
    const a = stateOf(SA);
    const sys = stateOf(SB, 'system');
    for (let i = 0; i < 150; i++) a.streams.getOrCreate(SB).push(req(i));
    for (let i = 0; i < 30; i++) sys.streams.getOrCreate(SA).push(req(i));
    t.publish(SA, a);
    t.publish(SB, sys);
    const [slice] = new XNetPayloadBuilderImpl(SB, () => sys, t).buildPayload();
    assert.equal(slice.slice.messages.length, SYSTEM_SUBNET_STREAM_MSG_LIMIT - 30);
  });

  it('keeps the whole payload within its byte limit (the first message of a slice always fits)', () => {
    const t = new InProcessTransport();
    const a = stateOf(SA);
    const b = stateOf(SB);
    for (let i = 0; i < 10; i++) a.streams.getOrCreate(SB).push(req(i, 1024 * 1024));
    t.publish(SA, a);
    t.publish(SB, b);
    const [slice] = new XNetPayloadBuilderImpl(SB, () => b, t).buildPayload();
    assert.equal(slice.slice.messages.length, 3, '4 MiB: three 1 MiB messages and their headers');
  });
});
