// Heartbeat and global timer: they run as updates with the management
// canister as caller, are charged like updates, and the timer is one-shot.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { USER, ingressTo, newCanister, newEnv, newRound, runIngress, testCanister, toEnd, u64 } from './test-support.ts';
import type { ExecutionEnvironment } from './index.ts';
import type { CanisterState } from '../state/index.ts';

async function tasks(env: ExecutionEnvironment, c: CanisterState): Promise<{ beats: bigint; timers: bigint }> {
  const r = await env.executeQuery(c, { sender: USER, method: 'tasks', arg: new Uint8Array(0) }, newRound().time);
  if (!('reply' in r)) assert.fail(JSON.stringify(r));
  return { beats: u64(r.reply, 0), timers: u64(r.reply, 8) };
}

describe('executeSystemTask', () => {
  test('a heartbeat runs, is committed and charged like an update', async () => {
    const env = newEnv();
    const c = await testCanister(env);
    const round = newRound();
    const before = c.systemState.balance;
    const version = c.systemState.canisterVersion;
    const out = await toEnd(env, await env.executeSystemTask(c, 'heartbeat', round), round);
    assert.deepEqual(await tasks(env, c), { beats: 1n, timers: 0n });
    assert.equal(before - c.systemState.balance, 5_000_000n + out.instructionsUsed);
    assert.equal(c.systemState.canisterVersion, version + 1n);
    assert.equal(c.systemState.callContextManager?.callContexts().length, 0);
  });

  test('the global timer is deactivated when its task runs', async () => {
    const env = newEnv();
    const c = await testCanister(env);
    const round = newRound();
    const at = new Uint8Array(8);
    new DataView(at.buffer).setBigUint64(0, round.time + 1n, true);
    await runIngress(env, c, ingressTo(c, 'set_timer', at), round);
    assert.equal(c.systemState.globalTimer, round.time + 1n);
    await toEnd(env, await env.executeSystemTask(c, 'globalTimer', round), round);
    assert.equal(c.systemState.globalTimer, 0n);
    assert.deepEqual(await tasks(env, c), { beats: 0n, timers: 1n });
  });

  test('a task the module does not export, or an empty canister, is a no-op', async () => {
    const env = newEnv();
    const c = newCanister(3n);
    const out = await env.executeSystemTask(c, 'heartbeat', newRound());
    assert.deepEqual({ kind: out.kind, used: out.instructionsUsed, balance: c.systemState.balance }, { kind: 'finished', used: 0n, balance: 100_000_000_000_000n });
    const d = await testCanister(env, 4n);
    const before = d.systemState.balance;
    await env.executeSystemTask(d, 'onLowWasmMemory', newRound());
    assert.equal(d.systemState.balance, before);
  });
});
