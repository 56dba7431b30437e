// A long update under deterministic time slicing, through the whole replica.
//
// Test steps:
// 1. A replica whose slices are 20M instructions (two per round).
// 2. spin(n) sets the counter to 1,000,000, loops, then sets it to n: it pauses at
//    the end of every slice and continues in the next round.
// 3. While it is paused, queries see the state before it (the counter as it was),
//    and an update to the same canister waits in its queue.
// 4. When it finishes, the counter is n and the waiting update runs after it.
// 5. The same long update ending in a trap leaves nothing behind.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CanisterId, Replica } from '../../src/index.ts';
import { IDL, NONE, counterOf, enc, replicaWithNodes } from './support.ts';

const N = 4_000_000n;

describe('a long update spanning many rounds', () => {
  let ic: Replica;
  let a: CanisterId;
  before(async () => {
    const r = await replicaWithNodes(1, { schedulerConfig: { maxInstructionsPerSlice: 20_000_000n as never, maxInstructionsPerRound: 2_040_000_000n as never } });
    ic = r.ic;
    [a] = r.ids;
    await ic.updateCall(a, 'set', enc([IDL.Nat], [7n]));
  });
  after(async () => { await ic.close(); });

  it('pauses between rounds; queries see the state before it; other updates wait', async () => {
    const spin = await ic.submitCall(a, 'spin', enc([IDL.Nat], [N]));
    const inc = await ic.submitCall(a, 'inc', NONE);
    let rounds = 0;
    while (ic.ingressStatus(spin)?.state.kind !== 'completed') {
      await ic.tick();
      rounds++;
      if (ic.ingressStatus(spin)?.state.kind === 'completed') break;
      assert.equal(ic.ingressStatus(spin)?.state.kind, rounds === 1 ? 'processing' : 'processing');
      assert.equal(await counterOf(ic, a), 7n, `round ${rounds}: a query sees the state before the long update`);
      assert.equal(ic.ingressStatus(inc)?.state.kind, 'received', 'the next update waits');
      assert.ok(rounds < 500, 'it finishes');
    }
    assert.ok(rounds >= 5, `spanned ${rounds} rounds`);
    process.stdout.write(`# spin(${N}) spanned ${rounds} rounds\n`);
    assert.equal(await counterOf(ic, a), N);
    const r = await ic.awaitCall(inc);
    assert.equal(r.kind, 'replied');
    assert.equal(await counterOf(ic, a), N + 1n);
  });

  it('a trap in the last slice rolls the whole message back', async () => {
    const before = await counterOf(ic, a);
    const mid = await ic.submitCall(a, 'spinTrap', enc([IDL.Nat], [N]));
    let rounds = 0;
    for (; ic.ingressStatus(mid)?.state.kind !== 'failed'; rounds++) await ic.tick();
    assert.ok(rounds >= 5, `spanned ${rounds} rounds`);
    const st = ic.ingressStatus(mid)?.state;
    assert.match(st?.kind === 'failed' ? st.error.description : '', /trap in the last slice/);
    assert.equal(await counterOf(ic, a), before, 'the first slice\'s write is rolled back too');
    assert.deepEqual(await ic.query(a, 'appended', NONE), enc([IDL.Vec(IDL.Nat)], [[]]));
  });
});
