// Scenario tests: Motoko canisters calling each other through the whole
// replica (ingress → induction → scheduler → execution → routing).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CanisterId, Replica } from '../../src/index.ts';
import { IDL, NONE, counterOf, dec, enc, p, replicaWithNodes } from './support.ts';

describe('inter-canister calls', () => {
  let ic: Replica;
  let a: CanisterId;
  let b: CanisterId;
  let c: CanisterId;
  before(async () => {
    const r = await replicaWithNodes(3);
    ic = r.ic;
    [a, b, c] = r.ids;
  });
  after(async () => { await ic.close(); });

  it('two canisters call each other back and forth, each awaiting', async () => {
    const reply = await ic.updateCall(a, 'ping', enc([IDL.Principal, IDL.Nat], [p(b), 4n]));
    assert.equal(dec<bigint>(IDL.Nat, reply), 4n);
    assert.equal(dec<bigint>(IDL.Nat, await ic.query(a, 'pongCount', NONE)), 2n);
    assert.equal(dec<bigint>(IDL.Nat, await ic.query(b, 'pongCount', NONE)), 3n);
  });

  it('a call and its answer between local canisters complete within one round (inner iterations)', async () => {
    const mid = await ic.submitCall(a, 'ping', enc([IDL.Principal, IDL.Nat], [p(b), 0n]));
    const summary = await ic.tick();
    assert.equal(ic.ingressStatus(mid)?.state.kind, 'completed');
    assert.ok(summary.round.iterations >= 3, `${summary.round.iterations} iterations`);
  });

  it('a chain of three answers back along the chain', async () => {
    const before = await Promise.all([a, b, c].map((id) => counterOf(ic, id)));
    const reply = await ic.updateCall(a, 'hop', enc([IDL.Vec(IDL.Principal), IDL.Nat], [[p(b), p(c)], 5n]));
    assert.equal(dec<bigint>(IDL.Nat, reply), 611n); // c: 5 + 1; b: 6·10 + 1; a: 61·10 + 1
    const after = await Promise.all([a, b, c].map((id) => counterOf(ic, id)));
    assert.deepEqual(after.map((n, i) => n - before[i]), [1n, 1n, 1n]);
  });

  it('requests from A to B run in the order A made them', async () => {
    await ic.updateCall(a, 'sendMany', enc([IDL.Principal, IDL.Nat], [p(b), 300n]));
    const got = dec<bigint[]>(IDL.Vec(IDL.Nat), await ic.query(b, 'appended', NONE));
    assert.deepEqual(got, Array.from({ length: 300 }, (_, i) => BigInt(i)));
  });

  it('a global timer fires once the batch time reaches it', async () => {
    const before = await counterOf(ic, c);
    await ic.updateCall(c, 'setTimer', enc([IDL.Nat], [5n]));
    ic.advanceTime(2_000_000_000n);
    await ic.tick();
    assert.equal(await counterOf(ic, c), before, 'not yet');
    ic.advanceTime(4_000_000_000n);
    await ic.tick();
    await ic.tick();
    assert.equal(await counterOf(ic, c), before + 10n);
  });

  it('a trap in a callback rolls back only the callback', async () => {
    const [a0, b0] = [await counterOf(ic, a), await counterOf(ic, b)];
    await assert.rejects(ic.updateCall(a, 'trapAfterCall', enc([IDL.Principal], [p(b)])), (e: Error & { code?: number }) => {
      assert.equal(e.code, 503);
      assert.match(e.message, /callback trap/);
      return true;
    });
    assert.equal(await counterOf(ic, a), a0 + 100n, 'the part before the await is kept, the callback\'s += 1000 is not');
    assert.equal(await counterOf(ic, b), b0 + 1n, 'the callee\'s update is kept');
  });
});
