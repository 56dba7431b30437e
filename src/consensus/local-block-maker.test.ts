import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Clock } from '../env/index.ts';
import { ManualClock } from '../env/index.ts';
import type { Time } from '../types/index.ts';
import { height, time } from '../types/index.ts';
import type { Batch, BatchPosition, SignedIngress } from './batch.ts';
import { batchProblem, ingressPayloadBytes } from './batch.ts';
import { LocalBlockMaker } from './local-block-maker.ts';
import type { LocalBlockMakerOptions } from './local-block-maker.ts';
import { RandomTape } from './random-tape.ts';
import { ingressNumber, testIngress, testKey } from './test-support.ts';

const key = testKey();
const MiB = 1024 * 1024;

function maker(options: Partial<LocalBlockMakerOptions> = {}): LocalBlockMaker {
  return new LocalBlockMaker({ key, clock: new ManualClock(time(1_000n)), ...options });
}

/** A clock that reads the given values in turn (then repeats the last): a misbehaving OS clock. */
function scriptedClock(values: bigint[]): Clock {
  let i = 0;
  return { nowNanos: () => time(values[Math.min(i++, values.length - 1)]) };
}

function submitAll(m: LocalBlockMaker, messages: SignedIngress[]): void {
  for (const message of messages) assert.deepEqual(m.submit(message), { ok: true });
}

function numbers(batch: Batch): number[] {
  return batch.ingress.map(ingressNumber);
}

describe('LocalBlockMaker: heights and time', () => {
  test('heights start at 1 and increase by one; time is the clock while it moves forward', () => {
    const clock = new ManualClock(time(1_000n));
    const m = maker({ clock });
    const b1 = m.makeBatch();
    clock.advance(500n);
    const b2 = m.makeBatch();
    assert.deepEqual([b1.height, b1.time, b2.height, b2.time], [1n, 1_000n, 2n, 1_500n]);
    assert.deepEqual(m.last, { height: 2n, time: 1_500n });
  });

  test('time is strictly increasing while the clock stalls: previous + 1 ns (as PocketIC ticks)', () => {
    const m = maker({ clock: new ManualClock(time(1_000n)) });
    const times = [m.makeBatch(), m.makeBatch(), m.makeBatch()].map((b) => b.time);
    assert.deepEqual(times, [1_000n, 1_001n, 1_002n]);
  });

  test('time is strictly increasing when the clock goes back, and follows it again once it is ahead', () => {
    const m = maker({ clock: scriptedClock([5_000n, 4_000n, 3_000n, 5_001n, 5_010n, 9_000n]) });
    const times = Array.from({ length: 6 }, () => m.makeBatch().time);
    assert.deepEqual(times, [5_000n, 5_001n, 5_002n, 5_003n, 5_010n, 9_000n]);
  });

  test('resumeAfter continues from the last logged batch', () => {
    const resumeAfter: BatchPosition = { height: height(41n), time: time(10_000n) };
    const m = maker({ resumeAfter, clock: new ManualClock(time(9_000n)) });
    const b = m.makeBatch();
    assert.equal(b.height, 42n);
    assert.equal(b.time, 10_001n);
  });

  test('every batch satisfies the BatchSource contract', () => {
    const m = maker({ clock: scriptedClock([7n, 7n, 3n, 100n]) });
    let previous: BatchPosition | undefined;
    for (let i = 0; i < 6; i++) {
      m.submit(testIngress(i));
      const b = m.makeBatch();
      assert.equal(batchProblem(b, previous), undefined);
      previous = b;
    }
  });

  test('batches are frozen data', () => {
    const b = maker().makeBatch();
    assert.ok(Object.isFrozen(b));
    assert.ok(Object.isFrozen(b.ingress));
  });
});

describe('LocalBlockMaker: ingress order and limits', () => {
  test('messages go into batches in submission order', () => {
    const m = maker();
    submitAll(m, [5, 3, 9, 1].map((n) => testIngress(n)));
    assert.deepEqual(numbers(m.makeBatch()), [5, 3, 9, 1]);
    assert.equal(m.poolSize, 0);
  });

  test('at most 1,000 messages per batch', () => {
    const m = maker();
    submitAll(m, Array.from({ length: 2_500 }, (_, i) => testIngress(i, { size: 1 })));
    const sizes = [m.makeBatch(), m.makeBatch(), m.makeBatch()].map((b) => b.ingress.length);
    assert.deepEqual(sizes, [1_000, 1_000, 500]);
    assert.equal(m.nextBatch(), undefined);
  });

  test('at most 4 MiB of payload per batch; a message that does not fit waits, order kept', () => {
    const m = maker();
    // 1.5 MiB, 1.5 MiB, 1.5 MiB, 1 byte: the third does not fit into the first batch,
    // and the small fourth is not moved ahead of it.
    submitAll(m, [
      testIngress(1, { size: 1.5 * MiB }),
      testIngress(2, { size: 1.5 * MiB }),
      testIngress(3, { size: 1.5 * MiB }),
      testIngress(4, { size: 1 }),
    ]);
    const first = m.makeBatch();
    assert.deepEqual(numbers(first), [1, 2]);
    assert.ok(ingressPayloadBytes(first.ingress) <= 4 * MiB);
    assert.deepEqual(numbers(m.makeBatch()), [3, 4]);
  });

  test('exactly 4 MiB fits', () => {
    const m = maker();
    submitAll(m, [1, 2, 3, 4].map((n) => testIngress(n, { size: MiB })));
    assert.deepEqual(numbers(m.makeBatch()), [1, 2, 3, 4]);
  });

  test('limits are configurable', () => {
    const m = maker({ maxMessagesPerBatch: 2, maxBytesPerBatch: 100 });
    submitAll(m, [testIngress(1, { size: 10 }), testIngress(2, { size: 10 }), testIngress(3, { size: 90 }), testIngress(4, { size: 20 })]);
    assert.deepEqual([m.makeBatch(), m.makeBatch(), m.makeBatch()].map(numbers), [[1, 2], [3], [4]]);
  });

  test('submit refuses duplicates in the pool, a full pool and a message larger than a batch', () => {
    const m = maker({ maxPoolMessages: 2, maxPoolBytes: 100, maxBytesPerBatch: 60 });
    assert.deepEqual(m.submit(testIngress(1, { size: 50 })), { ok: true });
    assert.deepEqual(m.submit(testIngress(1, { size: 5 })), { ok: false, reason: 'duplicate' });
    assert.deepEqual(m.submit(testIngress(2, { size: 61 })), { ok: false, reason: 'too-large' });
    assert.deepEqual(m.submit(testIngress(3, { size: 51 })), { ok: false, reason: 'pool-full' });
    assert.deepEqual(m.submit(testIngress(3, { size: 50 })), { ok: true });
    assert.deepEqual(m.submit(testIngress(4, { size: 0 })), { ok: false, reason: 'pool-full' });
    assert.deepEqual([m.poolSize, m.poolBytes], [2, 100]);
    m.makeBatch();
    assert.deepEqual([m.poolSize, m.poolBytes], [1, 50]);
    // Once it has left the pool, the same id may be submitted again (induction dedups executed messages).
    assert.deepEqual(m.submit(testIngress(1, { size: 1 })), { ok: true });
    assert.throws(() => m.submit({ ...testIngress(9), messageId: new Uint8Array(31) }), RangeError);
  });

  test('messages that expired before the batch time are dropped and reported; expiry = batch time is kept', () => {
    const expired: [number, Time][] = [];
    const m = maker({ clock: new ManualClock(time(1_000n)), onExpired: (msg, t) => expired.push([ingressNumber(msg), t]) });
    submitAll(m, [
      testIngress(1, { expiry: time(999n) }),
      testIngress(2, { expiry: time(1_000n) }),
      testIngress(3, { expiry: time(5n) }),
      testIngress(4),
    ]);
    assert.deepEqual(numbers(m.makeBatch()), [2, 4]);
    assert.deepEqual(expired, [[1, 1_000n], [3, 1_000n]]);
    assert.equal(m.poolSize, 0);
    assert.equal(m.poolBytes, 0);
  });

  test('a long run through the pool keeps order (the pool compacts itself)', () => {
    const m = maker({ maxMessagesPerBatch: 700 });
    const seen: number[] = [];
    let next = 0;
    for (let round = 0; round < 8; round++) {
      for (let i = 0; i < 600; i++) m.submit(testIngress(next++, { size: 1 }));
      seen.push(...numbers(m.makeBatch()));
    }
    while (m.hasWork()) seen.push(...numbers(m.makeBatch()));
    assert.deepEqual(seen, Array.from({ length: next }, (_, i) => i));
  });
});

describe('LocalBlockMaker: when batches are made', () => {
  test('nextBatch makes a batch only when there is work; makeBatch always does', () => {
    const m = maker();
    assert.equal(m.hasWork(), false);
    assert.equal(m.nextBatch(), undefined);
    const empty = m.makeBatch();
    assert.equal(empty.height, 1n);
    assert.deepEqual(empty.ingress, []);
    m.submit(testIngress(1));
    assert.equal(m.hasWork(), true);
    assert.deepEqual(numbers(m.nextBatch()!), [1]);
    assert.equal(m.nextBatch(), undefined);
  });

  test('ready() resolves at once with work, else on the next submit; abort rejects', async () => {
    const m = maker();
    const controller = new AbortController();
    const aborted = m.ready(controller.signal);
    controller.abort(new Error('stop'));
    await assert.rejects(aborted, /stop/);
    await assert.rejects(m.ready(controller.signal), /stop/);

    let woke = false;
    const waiting = m.ready().then(() => { woke = true; });
    await Promise.resolve();
    assert.equal(woke, false);
    m.submit(testIngress(1));
    await waiting;
    assert.equal(woke, true);
    await m.ready(); // work is pooled: resolves at once
  });

  test('a checkpoint every checkpointInterval heights, and when asked', () => {
    const m = maker({ checkpointInterval: 3n });
    const flags = Array.from({ length: 7 }, () => m.makeBatch().requiresFullStateHash);
    assert.deepEqual(flags, [false, false, true, false, false, true, false]);
    assert.equal(m.makeBatch({ requiresFullStateHash: true }).requiresFullStateHash, true);
    const never = maker({ checkpointInterval: 0n });
    assert.ok(Array.from({ length: 5 }, () => never.makeBatch().requiresFullStateHash).every((f) => !f));
    assert.equal(maker().makeBatch().requiresFullStateHash, false); // default interval 500
  });

  test('each batch carries its checkpoint interval; a checkpoint comes early when asked by checkpointEarly', () => {
    const asked: [bigint, bigint | undefined][] = [];
    let due = false;
    const m = maker({ checkpointInterval: 4n, checkpointEarly: (h, s) => { asked.push([h, s?.nextCheckpointHeight]); return due; } });
    const b1 = m.makeBatch();
    assert.deepEqual(b1.batchSummary, { nextCheckpointHeight: 4n, currentIntervalLength: 3n });
    due = true;
    assert.equal(m.makeBatch().requiresFullStateHash, true, 'height 2: early');
    due = false;
    assert.equal(m.makeBatch().requiresFullStateHash, false);
    const b4 = m.makeBatch();
    assert.equal(b4.requiresFullStateHash, true, 'height 4: the regular one');
    assert.equal(b4.batchSummary?.nextCheckpointHeight, 4n);
    assert.equal(m.makeBatch().batchSummary?.nextCheckpointHeight, 8n);
    assert.deepEqual(asked, [[1n, 4n], [2n, 4n], [3n, 4n], [5n, 8n]], 'not asked at a regular checkpoint');
    assert.equal(maker({ checkpointInterval: 0n }).makeBatch().batchSummary, undefined);
  });

  test('rejects bad options', () => {
    assert.throws(() => maker({ maxMessagesPerBatch: 0 }), RangeError);
    assert.throws(() => maker({ maxBytesPerBatch: 1.5 }), RangeError);
    assert.throws(() => maker({ checkpointInterval: -1n }), RangeError);
  });
});

describe('LocalBlockMaker: randomness', () => {
  test('each batch carries the random tape of its height: deterministic per (key, height)', () => {
    const a = maker();
    const b = maker({ clock: new ManualClock(time(77_777n)) });
    const tape = new RandomTape(key);
    for (let i = 0; i < 3; i++) {
      const x = a.makeBatch();
      const y = b.makeBatch();
      assert.deepEqual(x.randomness, y.randomness, 'the clock does not influence randomness');
      assert.deepEqual(x.randomness, tape.randomnessOf(x.height));
      assert.deepEqual(x.randomness, a.randomnessOf(x.height));
    }
  });

  test('different across heights and across subnet keys', () => {
    const m = maker();
    const r1 = m.makeBatch().randomness;
    const r2 = m.makeBatch().randomness;
    assert.notDeepEqual(r1, r2);
    assert.notDeepEqual(maker({ key: testKey('other') }).makeBatch().randomness, r1);
  });

  test('raw_rand in round h is answered from round h+1: randomnessOf(h + 1) is the next batch’s', () => {
    const m = maker();
    const current = m.makeBatch();
    const expected = m.randomnessOf(height(current.height + 1n));
    assert.deepEqual(m.makeBatch().randomness, expected);
  });
});

describe('LocalBlockMaker: consensus responses', () => {
  test('each batch carries what the outcall payload builder has for its time', () => {
    const asked: Time[] = [];
    let ready = true;
    const m = maker({
      canisterHttp: {
        hasPayload: () => ready,
        buildPayload: (t) => {
          asked.push(t);
          if (!ready) return [];
          ready = false;
          return [{ callbackId: 3n, payload: { kind: 'reject', reject: { code: 2, message: 'Canister http request timed out' } } }];
        },
      },
    });
    assert.equal(m.hasWork(), true, 'a ready answer is work');
    const b1 = m.nextBatch() as Batch;
    assert.deepEqual(b1.consensusResponses?.map((r) => r.callbackId), [3n]);
    assert.equal(asked[0], b1.time, 'asked with the batch time');
    assert.equal(m.hasWork(), false);
    assert.equal(m.nextBatch(), undefined);
    assert.deepEqual(m.makeBatch().consensusResponses, []);
  });

  test('without a payload builder batches carry no consensus responses', () => {
    assert.deepEqual(maker().makeBatch().consensusResponses, []);
  });

  test('wake() resolves ready()', async () => {
    const m = maker();
    let woken = false;
    const p = m.ready().then(() => { woken = true; });
    await Promise.resolve();
    assert.equal(woken, false);
    m.wake();
    await p;
    assert.equal(woken, true);
  });
});
