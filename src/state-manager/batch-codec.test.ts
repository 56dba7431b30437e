import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Batch } from '../consensus/index.ts';
import { LocalBlockMaker } from '../consensus/index.ts';
import { BlsKeyPair, sha256 } from '../crypto/index.ts';
import { ManualClock } from '../env/index.ts';
import { NetworkTopology } from '../state/index.ts';
import { CanisterId, SubnetId, height, time } from '../types/index.ts';
import { LOGGED_BATCH_FIELDS, decodeBatch, encodeBatch } from './batch-codec.ts';

const key = BlsKeyPair.fromSeed(new Uint8Array(32).fill(7));

/**
 * A batch with every field of `Batch` set (both kinds of consensus response);
 * typed `Required`, so a field added to `Batch` is a type error here until
 * the log covers it (XNet slices are not logged: see batch-codec.ts).
 */
function fullBatch(): Required<Omit<Batch, 'xnetSlices'>> {
  return {
    height: height(9n),
    time: time(1_700_000_000_000_000_123n),
    randomness: new Uint8Array(32).fill(0xab),
    ingress: [
      { messageId: new Uint8Array(32).fill(1), receiver: CanisterId.fromU64(5n), expiry: time(1_700_000_300_000_000_000n), payload: Uint8Array.of(1, 2, 3) },
      { messageId: new Uint8Array(32).fill(2), receiver: CanisterId.fromUint8Array(new Uint8Array(0)), expiry: time(0n), payload: new Uint8Array(0) },
    ],
    requiresFullStateHash: true,
    consensusResponses: [
      { callbackId: 7n, payload: { kind: 'data', data: Uint8Array.of(9, 9) } },
      { callbackId: (1n << 64n) - 1n, payload: { kind: 'reject', reject: { code: 2, message: 'Timeout expired — ✓' } } },
    ],
    batchSummary: { nextCheckpointHeight: height(500n), currentIntervalLength: 499n },
    networkTopology: new NetworkTopology([
      { subnetId: SubnetId.fromUint8Array(Uint8Array.of(1, 2)), subnetType: 'system', size: 4, ranges: [{ start: CanisterId.fromU64(0n), end: CanisterId.fromU64(9n) }] },
      { subnetId: SubnetId.fromUint8Array(Uint8Array.of(3)), subnetType: 'application', size: 13, ranges: [
        { start: CanisterId.fromU64(100n), end: CanisterId.fromU64(199n) }, { start: CanisterId.fromU64(20n), end: CanisterId.fromU64(29n) }] },
    ]),
  };
}

/** The batch as plain data, for deep comparison (ids as text). */
function plain(b: Batch): unknown {
  return JSON.parse(JSON.stringify(b, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n`
    : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v instanceof CanisterId || v instanceof SubnetId ? v.toText()
    : v instanceof NetworkTopology ? v.subnets : v)));
}

describe('batch log records', () => {
  it('round-trip every field of a batch, randomness inline', () => {
    const b = fullBatch();
    const e = encodeBatch(b, { randomness: 'inline' });
    assert.ok(e.ok);
    const d = decodeBatch(e.bytes, () => assert.fail('inline randomness is not derived'));
    assert.ok(d.ok);
    assert.deepEqual(plain(d.batch), plain(b));
  });

  it('cover every field of a full batch (a new Batch field fails here until it is logged)', () => {
    assert.deepEqual([...LOGGED_BATCH_FIELDS].sort(), Object.keys(fullBatch()).sort());
  });

  it('refuse a batch with a field they do not know, but not an absent or empty one', () => {
    const b = { ...fullBatch(), xnetSlices: [{ subnet: 'x' }] } as unknown as Batch;
    const e = encodeBatch(b);
    assert.ok(!e.ok);
    assert.match(e.error, /xnetSlices/);
    assert.ok(encodeBatch({ ...fullBatch(), other: undefined, empty: [] } as unknown as Batch).ok);
  });

  it('derive the randomness from the random tape, lazily, without reading it when encoding', () => {
    const maker = new LocalBlockMaker({ key, clock: new ManualClock(time(1n)) });
    const b = maker.makeBatch();
    const guarded = Object.freeze({ ...fullBatch(), height: b.height, time: b.time, get randomness(): Uint8Array { return assert.fail('read'); } });
    const e = encodeBatch(guarded);
    assert.ok(e.ok);
    let calls = 0;
    const d = decodeBatch(e.bytes, (h) => { calls++; return maker.randomnessOf(h); });
    assert.ok(d.ok);
    assert.equal(calls, 0);
    assert.deepEqual(d.batch.randomness, b.randomness);
    assert.deepEqual(d.batch.randomness, b.randomness);
    assert.equal(calls, 1);
  });

  it('keep an absent consensus-response list and summary absent', () => {
    const { consensusResponses: _c, batchSummary: _s, networkTopology: _t, ...rest } = fullBatch();
    const e = encodeBatch(rest);
    assert.ok(e.ok);
    const d = decodeBatch(e.bytes, () => new Uint8Array(32));
    assert.ok(d.ok);
    assert.equal('consensusResponses' in d.batch, false);
    assert.equal('batchSummary' in d.batch, false);
    assert.equal('networkTopology' in d.batch, false);
  });

  it('detect every damaged or truncated record', () => {
    const e = encodeBatch(fullBatch(), { randomness: 'inline' });
    assert.ok(e.ok);
    for (let i = 0; i < e.bytes.length; i += 7) {
      const bad = Uint8Array.from(e.bytes);
      bad[i] ^= 0x40;
      const d = decodeBatch(bad, () => new Uint8Array(32));
      assert.ok(!d.ok, `flipped byte ${i}`);
      assert.match(d.error, /damaged batch record/);
    }
    for (const n of [0, 1, 20, e.bytes.length - 1]) assert.ok(!decodeBatch(e.bytes.subarray(0, n), () => new Uint8Array(32)).ok);
  });

  it('carry the previous state digest (version 2) and still read version 1 records, which have none', () => {
    const digest = new Uint8Array(32).fill(0x5d);
    const e = encodeBatch(fullBatch(), { previousStateDigest: digest });
    assert.ok(e.ok);
    assert.equal(e.bytes[1], 2);
    const d = decodeBatch(e.bytes, () => new Uint8Array(32));
    assert.ok(d.ok);
    assert.deepEqual(d.previousStateDigest, digest);
    assert.equal('previousStateDigest' in d.batch, false, 'not a batch field');
    assert.ok(!encodeBatch(fullBatch(), { previousStateDigest: new Uint8Array(31) }).ok);
    // a version 1 record: the same layout without the digest flag
    const plainRecord = encodeBatch(fullBatch());
    assert.ok(plainRecord.ok);
    const body = Uint8Array.from(plainRecord.bytes.subarray(0, plainRecord.bytes.length - 32));
    body[1] = 1;
    const v1 = Uint8Array.from([...body, ...sha256(body)]);
    const old = decodeBatch(v1, () => new Uint8Array(32).fill(0xab));
    assert.ok(old.ok);
    assert.equal(old.previousStateDigest, undefined);
    assert.deepEqual(plain(old.batch), plain(fullBatch()));
    // version 1 does not know the digest flag
    const withDigest = Uint8Array.from(e.bytes.subarray(0, e.bytes.length - 32));
    withDigest[1] = 1;
    const bad = decodeBatch(Uint8Array.from([...withDigest, ...sha256(withDigest)]), () => new Uint8Array(32));
    assert.ok(!bad.ok);
    assert.match(bad.error, /unknown flags/);
  });
});
