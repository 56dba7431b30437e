// Query methods called by ingress or by a canister: charged as updates,
// memory changes discarded, the version bumped; composite queries refused.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '../errors/index.ts';
import { watToWasm } from '../../test/corpus/wat.ts';
import { drain, ingressTo, install, newEnv, newRound, runIngress, statusOf, testCanister, u64 } from './test-support.ts';

describe('replicated queries', () => {
  test('an ingress to a query method replies, keeps no memory change, is charged as an update', async () => {
    const env = newEnv();
    const c = await testCanister(env);
    const round = newRound();
    const version = c.systemState.canisterVersion;
    const before = c.systemState.balance;
    const msg = ingressTo(c, 'peek');
    const out = await runIngress(env, c, msg, round);
    const s = statusOf(round, msg);
    if (s?.kind !== 'completed' || s.result.kind !== 'reply') assert.fail(JSON.stringify(s));
    assert.equal(u64(s.result.payload), 100n);
    assert.equal(out.heapDeltaBytes, 0n);
    assert.equal(c.systemState.canisterVersion, version + 1n);
    assert.equal(before - c.systemState.balance, 5_000_000n + out.instructionsUsed);
    const again = ingressTo(c, 'peek');
    await runIngress(env, c, again, round);
    const s2 = statusOf(round, again);
    assert.ok(s2?.kind === 'completed' && s2.result.kind === 'reply' && u64(s2.result.payload) === 100n, 'the +100 was discarded');
  });

  test('a canister calling a query method gets its reply', async () => {
    const env = newEnv();
    const c = await testCanister(env);
    const round = newRound();
    const msg = ingressTo(c, 'call_self', new TextEncoder().encode('get'));
    await runIngress(env, c, msg, round);
    await drain(env, c, round);
    const s = statusOf(round, msg);
    if (s?.kind !== 'completed' || s.result.kind !== 'reply') assert.fail(JSON.stringify(s));
    assert.equal(s.result.payload[0], 82);
  });

  test('a composite query cannot run in replicated mode (IC0527)', async () => {
    const env = newEnv();
    const c = await testCanister(env);
    await install(env, c, await watToWasm('(module (func (export "canister_composite_query cq")))'), 'reinstall');
    const round = newRound();
    const msg = ingressTo(c, 'cq');
    await runIngress(env, c, msg, round);
    assert.deepEqual(statusOf(round, msg), {
      kind: 'failed', error: { code: ErrorCode.CompositeQueryCalledInReplicatedMode, description: 'Composite query cannot be called in replicated mode' },
    });
  });
});
