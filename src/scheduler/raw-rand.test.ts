import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { IDL } from '@dfinity/candid';
import { sha256, withDomainSeparator } from '../crypto/index.ts';
import type { Request, Response } from '../state/index.ts';
import { stateHash } from '../state/index.ts';
import { request } from '../state/test-support.ts';
import { CanisterId, height } from '../types/index.ts';
import { RAW_RAND_DOMAIN, RawRandGenerator, answerPostponedRawRand, postponeRawRand } from './raw-rand.ts';
import { drainSubnetQueues } from './subnet-queue.ts';
import { id, stateWith } from './test-support.ts';
import type { RoundContext, SubnetMessageExecutor } from './types.ts';

const MGMT = CanisterId.fromText('aaaaa-aa');
const EMPTY = new Uint8Array(IDL.encode([], []));
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const R = new Uint8Array(32).fill(7);

const rawRand = (cb: bigint, extra: Partial<Request> = {}): Request =>
  request(id(1), MGMT, cb, { methodName: 'raw_rand', methodPayload: EMPTY, ...extra });

const neverRuns: SubnetMessageExecutor = {
  effectiveCanisterId: () => undefined,
  executeSubnetMessage: () => { throw new Error('raw_rand must not be executed in the round that drains it'); },
};

const round = (): RoundContext => ({
  time: 0n as RoundContext['time'], ingressHistory: undefined as unknown as RoundContext['ingressHistory'],
  roundInstructionsLeft: { value: 1_000_000n }, get randomness(): Uint8Array { throw new Error('not read while draining'); },
});

/** A state whose subnet queues hold `reqs` (inducted), drained in round 5. */
async function drained(reqs: readonly Request[]): Promise<ReturnType<typeof stateWith>> {
  const s = stateWith(1);
  for (const r of reqs) assert.equal(s.subnetQueues.pushInput(r, 'localSubnet').ok, true);
  await drainSubnetQueues(s, neverRuns, round(), height(5n));
  return s;
}

const outputs = (s: ReturnType<typeof stateWith>): Response[] => {
  const out: Response[] = [];
  for (let m = s.subnetQueues.popOutput(id(1)); m !== undefined; m = s.subnetQueues.popOutput(id(1))) out.push(m as Response);
  return out;
};

describe('raw_rand', () => {
  it('the generator is SHA-256 in counter mode over ds ‖ randomness ‖ u64be(i)', () => {
    const g = new RawRandGenerator(R);
    for (let i = 0n; i < 3n; i++) {
      const be = new Uint8Array(8);
      new DataView(be.buffer).setBigUint64(0, i, false);
      assert.equal(hex(g.next()), hex(sha256(withDomainSeparator(RAW_RAND_DOMAIN, R, be))));
    }
  });

  it('draining postpones the request into the state (hashed) without executing it', async () => {
    const s = await drained([rawRand(1n)]);
    assert.equal(s.metadata.rawRandContexts.length, 1);
    assert.equal(s.metadata.rawRandContexts[0].executionRound, 5n);
    const before = hex(stateHash(s));
    s.metadata.rawRandContexts = [];
    assert.notEqual(hex(stateHash(s)), before, 'the postponed context is part of the state hash');
  });

  it('answers postponed calls in order with different 32-byte blobs, refunding the cycles', async () => {
    const s = await drained([rawRand(1n, { payment: 1_000n }), rawRand(2n)]);
    assert.equal(answerPostponedRawRand(s, () => R), 2);
    assert.equal(s.metadata.rawRandContexts.length, 0);
    const [a, b] = outputs(s);
    assert.deepEqual([a.originatorReplyCallback, b.originatorReplyCallback], [1n, 2n]);
    assert.deepEqual([a.refund, b.refund], [1_000n, 0n]);
    const g = new RawRandGenerator(R);
    for (const r of [a, b]) {
      assert.equal(r.payload.kind, 'data');
      const [blob] = IDL.decode([IDL.Vec(IDL.Nat8)], (r.payload as { data: Uint8Array }).data) as unknown as [Uint8Array];
      assert.equal(hex(Uint8Array.from(blob)), hex(g.next()));
    }
  });

  it('rejects a non-Candid argument with IC0408 and still refunds', async () => {
    const s = await drained([rawRand(1n, { payment: 5n, methodPayload: Uint8Array.of(1, 2, 3) })]);
    answerPostponedRawRand(s, () => R);
    const [r] = outputs(s);
    assert.equal(r.refund, 5n);
    assert.equal(r.payload.kind, 'reject');
    assert.match((r.payload as { reject: { message: string } }).reject.message, /^Error decoding candid/);
  });

  it('reads the randomness only when there is a call to answer', async () => {
    const s = stateWith(1);
    assert.equal(answerPostponedRawRand(s, () => { throw new Error('read'); }), 0);
    postponeRawRand(s, rawRand(1n), height(1n));
    assert.equal(s.metadata.rawRandContexts.length, 1);
    const t = await drained([rawRand(1n)]);
    assert.throws(() => answerPostponedRawRand(t, () => { throw new Error('read'); }), /read/);
  });
});
