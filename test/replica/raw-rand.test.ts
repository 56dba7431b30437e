// `raw_rand` from canisters: postponed to the round after the one that takes
// it from the subnet queue, answered from that round's randomness, the same on
// every replica with the same subnet key; ingress to it rejected.
//
// Test steps:
// 1. A Motoko canister calls the management canister's `raw_rand` twice in
//    one message: two different 32-byte blobs.
// 2. A single call, ticked round by round: the round that takes the request
//    from the subnet queue keeps it as a postponed context in the state (no
//    answer yet); the next round answers it; the call then completes.
// 3. The same workload on two fresh replicas: identical blobs and identical
//    state hashes after every round.
// 4. Ingress to `raw_rand`: IC0406, as the replica rejects it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CanisterId, ErrorCode, Replica } from '../../src/index.ts';
import { compileMotoko } from '../corpus/motoko.ts';
import { IDL, NONE, dec } from './support.ts';

const RAND_MO = `
persistent actor Rand {
  transient let ic = actor "aaaaa-aa" : actor { raw_rand : () -> async Blob };
  public func two() : async (Blob, Blob) {
    let a = await ic.raw_rand();
    let b = await ic.raw_rand();
    (a, b)
  };
  public func one() : async Blob { await ic.raw_rand() };
};
`;

const MGMT = CanisterId.fromText('aaaaa-aa');
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const BLOB = IDL.Vec(IDL.Nat8);

async function randReplica(): Promise<{ ic: Replica; id: CanisterId }> {
  const ic = await Replica.create();
  const id = await ic.createCanister();
  await ic.installCode(id, await compileMotoko(RAND_MO));
  return { ic, id };
}

const two = async (ic: Replica, id: CanisterId): Promise<[Uint8Array, Uint8Array]> =>
  IDL.decode([BLOB, BLOB], await ic.updateCall(id, 'two', NONE)).map((b) => Uint8Array.from(b as number[])) as [Uint8Array, Uint8Array];

describe('raw_rand', () => {
  let runs: { ic: Replica; id: CanisterId }[];
  before(async () => { runs = [await randReplica(), await randReplica()]; });
  after(async () => { await Promise.all(runs.map((r) => r.ic.close())); });

  it('two calls in one message give two different 32-byte blobs', async () => {
    const [a, b] = await two(runs[0].ic, runs[0].id);
    assert.equal(a.length, 32);
    assert.equal(b.length, 32);
    assert.notEqual(hex(a), hex(b));
  });

  it('is answered in the round after the one that takes it from the subnet queue', async () => {
    const { ic, id } = runs[0];
    const mid = await ic.submitCall(id, 'one', NONE);
    let postponedAt: bigint | undefined;
    for (let i = 0; i < 10 && postponedAt === undefined; i++) {
      await ic.tick();
      const ctx = ic.committedState.metadata.rawRandContexts;
      if (ctx.length > 0) {
        assert.equal(ctx.length, 1);
        assert.equal(ctx[0].executionRound, ic.height, 'postponed by the round that drained it');
        assert.equal(ctx[0].request.methodName, 'raw_rand');
        assert.equal(ic.ingressStatus(mid)?.state.kind, 'processing', 'not answered in the round of the call');
        postponedAt = ic.height;
      }
    }
    assert.notEqual(postponedAt, undefined, 'the call was postponed');
    await ic.tick();
    assert.equal(ic.height, (postponedAt as bigint) + 1n);
    assert.equal(ic.committedState.metadata.rawRandContexts.length, 0, 'answered in the next round');
    const r = await ic.awaitCall(mid);
    assert.equal(r.kind, 'replied');
    assert.equal(dec<number[]>(BLOB, (r as { reply: Uint8Array }).reply).length, 32);
  });

  it('is deterministic: the same workload on two fresh replicas gives the same blobs and state hashes', async () => {
    const fresh = [await randReplica(), await randReplica()];
    try {
      const blobs = await Promise.all(fresh.map(async ({ ic, id }) => {
        const mid = await ic.submitCall(id, 'two', NONE);
        const hashes: string[] = [];
        for (let i = 0; i < 8; i++) {
          await ic.tick();
          hashes.push(hex(ic.stateHash()));
        }
        const r = await ic.awaitCall(mid);
        assert.equal(r.kind, 'replied');
        return { hashes, reply: hex((r as { reply: Uint8Array }).reply) };
      }));
      assert.deepEqual(blobs[1].hashes, blobs[0].hashes);
      assert.equal(blobs[1].reply, blobs[0].reply);
      assert.equal(hex(fresh[1].ic.stateHash()), hex(fresh[0].ic.stateHash()));
    } finally {
      await Promise.all(fresh.map((r) => r.ic.close()));
    }
  });

  it('rejects ingress to raw_rand with IC0406', async () => {
    await assert.rejects(runs[1].ic.updateCall(MGMT, 'raw_rand', NONE), (e: Error & { code?: number }) => {
      assert.equal(e.code, ErrorCode.CanisterRejectedMessage);
      assert.equal(e.message, 'IC0406: ic00 method raw_rand can not be called via ingress messages');
      return true;
    });
  });
});
