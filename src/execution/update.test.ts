// Updates from ingress: reply, reject, trap rollback, no reply, errors before
// running, and the cycles each costs.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ingressTo, newEnv, newRound, runIngress, statusOf, testCanister, u64 } from './test-support.ts';

describe('executeCanisterInput: ingress to an update method', () => {
  test('replies; the counter is committed and the version bumped', async () => {
    const env = newEnv();
    const c = await testCanister(env);
    const v = c.systemState.canisterVersion;
    const round = newRound();
    const msg = ingressTo(c, 'inc');
    const out = await runIngress(env, c, msg, round);
    const s = statusOf(round, msg);
    assert.equal(s?.kind, 'completed');
    if (s?.kind === 'completed' && s.result.kind === 'reply') assert.equal(u64(s.result.payload), 1n);
    else assert.fail('no reply');
    assert.equal(c.systemState.canisterVersion, v + 1n);
    assert.ok(out.instructionsUsed > 0n);
    assert.ok(out.heapDeltaBytes > 0n);
  });
});
