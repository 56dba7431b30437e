// Uninstalling a canister that ran out of cycles: its code and balance go,
// its open calls are rejected, and a late response runs nothing.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '../errors/index.ts';
import { USER, drain, ingressTo, newEnv, newRound, runIngress, statusOf, testCanister } from './test-support.ts';

describe('uninstallCanister', () => {
  test('out of cycles: code, balance, allocations and history go; an open ingress fails with IC0406', async () => {
    // Test steps:
    // 1. an ingress makes a call and waits for its response;
    // 2. the canister is uninstalled for lack of cycles;
    // 3. the ingress fails; the response arrives later and runs no callback.
    const env = newEnv();
    const c = await testCanister(env);
    const round = newRound();
    const msg = ingressTo(c, 'call_self', new TextEncoder().encode('inc'));
    await runIngress(env, c, msg, round);
    assert.equal(statusOf(round, msg)?.kind, 'processing');
    c.systemState.computeAllocation = 10n;
    const version = c.systemState.canisterVersion;
    env.uninstallCanister(c, { kind: 'outOfCycles' }, round);
    assert.deepEqual(statusOf(round, msg), { kind: 'failed', error: { code: ErrorCode.CanisterRejectedMessage, description: 'Canister has been uninstalled.' } });
    assert.equal(c.executionState, undefined);
    assert.equal(c.systemState.balance, 0n);
    assert.equal(c.systemState.computeAllocation, 0n);
    assert.equal(c.systemState.canisterHistory.changes.length, 0);
    assert.equal(c.systemState.canisterVersion, version + 1n);
    await drain(env, c, round);
    assert.equal(c.systemState.callContextManager?.callbacks().length, 0);
    assert.equal(c.systemState.callContextManager?.callContexts().length, 0);
    const q = await env.executeQuery(c, { sender: USER, method: 'get', arg: new Uint8Array(0) }, round.time);
    assert.ok('error' in q && q.error.code === ErrorCode.CanisterWasmModuleNotFound);
  });
});
