// Updates from ingress: reply, reject, trap rollback, no reply, the errors
// before running, the cycles each costs (computed from the fee table by
// hand), and DTS: a message over several slices, resumed and aborted.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode, docRef } from '../errors/index.ts';
import type { UserError } from '../errors/index.ts';
import type { ExecuteMessageOutcome } from './index.ts';
import {
  T, USER, ingressTo, newCanister, newEnv, newRound, runIngress, statusOf, testCanister, toEnd, u32Arg, u64,
} from './test-support.ts';

const TRAP_HELP = 'Consider gracefully handling failures from this canister or altering the canister to handle exceptions.';

function failed(s: ReturnType<typeof statusOf>): UserError {
  if (s?.kind !== 'failed') assert.fail(`expected Failed, got ${s?.kind}`);
  return s.error;
}

function replied(s: ReturnType<typeof statusOf>): Uint8Array {
  if (s?.kind !== 'completed' || s.result.kind !== 'reply') assert.fail(`expected a reply, got ${JSON.stringify(s)}`);
  return s.result.payload;
}

describe('executeCanisterInput: ingress to an update method', () => {
  test('replies; the counter is committed and the version bumped', async () => {
    const env = newEnv();
    const c = await testCanister(env);
    const v = c.systemState.canisterVersion;
    const round = newRound();
    const msg = ingressTo(c, 'inc');
    const out = await runIngress(env, c, msg, round);
    assert.equal(u64(replied(statusOf(round, msg))), 1n);
    assert.equal(c.systemState.canisterVersion, v + 1n);
    assert.ok(out.instructionsUsed > 0n);
    assert.ok(out.heapDeltaBytes >= 4096n);
    assert.equal(round.roundInstructionsLeft.value, 4_000_000_000n - out.instructionsUsed);
  });

  test('msg_reject completes the ingress with a reject', async () => {
    const env = newEnv();
    const c = await testCanister(env);
    const round = newRound();
    const msg = ingressTo(c, 'reject');
    await runIngress(env, c, msg, round);
    assert.deepEqual(statusOf(round, msg), { kind: 'completed', result: { kind: 'reject', message: 'nope' } });
  });

  test('a trap rolls everything back but the cycles; the ingress fails with the replica text', async () => {
    const env = newEnv();
    const c = await testCanister(env);
    const round = newRound();
    await runIngress(env, c, ingressTo(c, 'inc'), round);
    const version = c.systemState.canisterVersion;
    const before = c.systemState.balance;
    const msg = ingressTo(c, 'trap');
    const out = await runIngress(env, c, msg, round);
    const err = failed(statusOf(round, msg));
    assert.equal(err.code, ErrorCode.CanisterCalledTrap);
    assert.equal(err.description, `Error from Canister ${c.canisterId.toText()}: Canister called \`ic0.trap\` with message: 'boom'.\n`
      + `${TRAP_HELP} See documentation: ${docRef('trapped-explicitly')}`);
    assert.equal(c.systemState.canisterVersion, version);
    assert.equal(out.heapDeltaBytes, 0n);
    assert.equal(before - c.systemState.balance, 5_000_000n + out.instructionsUsed);
    const get = ingressTo(c, 'inc');
    await runIngress(env, c, get, round);
    assert.equal(u64(replied(statusOf(round, get))), 2n, 'the trapped increment is gone');
    assert.match(new TextDecoder().decode(c.systemState.canisterLog.records.at(-1)?.content), /\[TRAP\]: boom/);
  });

  test('returning without a reply fails with IC0506', async () => {
    const env = newEnv();
    const c = await testCanister(env);
    const round = newRound();
    const msg = ingressTo(c, 'noreply');
    await runIngress(env, c, msg, round);
    const err = failed(statusOf(round, msg));
    assert.deepEqual(err, { code: ErrorCode.CanisterDidNotReply, description: `Canister ${c.canisterId.toText()} did not reply to the call` });
  });

  test('no such method (IC0536), no module (IC0537), not running (IC0509): 5M kept, nothing run', async () => {
    const env = newEnv();
    const c = await testCanister(env);
    const round = newRound();
    const before = c.systemState.balance;
    const missing = ingressTo(c, 'nope');
    const out = await runIngress(env, c, missing, round);
    const e1 = failed(statusOf(round, missing));
    assert.equal(e1.code, ErrorCode.CanisterMethodNotFound);
    assert.match(e1.description, new RegExp(`^Error from Canister ${c.canisterId.toText()}: Canister has no update method 'nope'\\.\\.\\n`));
    assert.equal(out.instructionsUsed, 0n);
    assert.equal(before - c.systemState.balance, 5_000_000n);

    const empty = newCanister(9n);
    const m2 = ingressTo(empty, 'inc');
    await runIngress(env, empty, m2, round);
    assert.equal(failed(statusOf(round, m2)).code, ErrorCode.CanisterWasmModuleNotFound);

    c.systemState.beginStopping({ kind: 'ingress', sender: USER, messageId: new Uint8Array(32), time: round.time });
    const m3 = ingressTo(c, 'inc');
    await runIngress(env, c, m3, round);
    assert.deepEqual(failed(statusOf(round, m3)), { code: ErrorCode.CanisterStopping, description: `Canister ${c.canisterId.toText()} is not running` });
  });
});

describe('cycles of an update', () => {
  test('charged: 5M + 1 cycle per instruction on 13 nodes; the unused prepayment comes back', async () => {
    const env = newEnv();
    const c = await testCanister(env);
    const before = c.systemState.balance;
    const out = await runIngress(env, c, ingressTo(c, 'inc'), newRound());
    // prepaid 5,000,000 + 40,000,000,000; refunded 40,000,000,000 − used
    assert.equal(before - c.systemState.balance, 5_000_000n + out.instructionsUsed);
  });

  test('on 34 nodes both the prepayment and the refund scale by 34/13', async () => {
    const env = newEnv({}, 34);
    const c = await testCanister(env);
    const before = c.systemState.balance;
    const out = await runIngress(env, c, ingressTo(c, 'inc'), newRound());
    const used = out.instructionsUsed;
    const prepaid = (40_005_000_000n * 34n) / 13n;
    const refund = ((40_000_000_000n - used) * 34n) / 13n;
    assert.equal(before - c.systemState.balance, prepaid - refund);
  });

  test('a canister that cannot prepay fails with IC0207, charged nothing', async () => {
    const env = newEnv();
    const c = await testCanister(env);
    c.systemState.removeCycles(c.systemState.balance - 1_000_000_000n);
    const round = newRound();
    const before = c.systemState.balance;
    const threshold = env.cycles.freezeThreshold(c.systemState, { memoryUsage: c.memoryUsage(), messageMemoryUsage: 0n });
    const msg = ingressTo(c, 'inc');
    const out = await runIngress(env, c, msg, round);
    assert.equal(out.instructionsUsed, 0n);
    assert.equal(c.systemState.balance, before);
    const missing = threshold + 40_005_000_000n - before;
    const grouped = missing.toString().replace(/\B(?=(\d{3})+(?!\d))/g, '_');
    assert.deepEqual(failed(statusOf(round, msg)), {
      code: ErrorCode.CanisterOutOfCycles,
      description: `Canister ${c.canisterId.toText()} is out of cycles: please top up the canister with at least ${grouped} additional cycles`,
    });
    // A caller that is not a controller is not told how much is missing.
    const stranger = ingressTo(c, 'inc', new Uint8Array(0), newCanister(77n).canisterId);
    await runIngress(env, c, stranger, round);
    assert.equal(failed(statusOf(round, stranger)).description, `Canister ${c.canisterId.toText()} is out of cycles`);
  });

  test('a frozen canister (balance at its freezing threshold) is rejected with IC0207', async () => {
    const env = newEnv();
    const c = await testCanister(env, 1n, 100n * T);
    const usage = { memoryUsage: c.memoryUsage(), messageMemoryUsage: 0n };
    c.systemState.freezeThreshold = 10n * 365n * 86_400n;
    const threshold = env.cycles.freezeThreshold(c.systemState, usage);
    c.systemState.removeCycles(c.systemState.balance - threshold);
    const round = newRound();
    const msg = ingressTo(c, 'inc');
    await runIngress(env, c, msg, round);
    assert.equal(failed(statusOf(round, msg)).code, ErrorCode.CanisterOutOfCycles);
    assert.equal(c.systemState.balance, threshold);
  });
});

describe('deterministic time slicing', () => {
  const spin = u32Arg(200_000);

  async function sliced(sliceLimit: bigint): Promise<{ reply: Uint8Array; balance: bigint; used: bigint; slices: number; left: bigint }> {
    const env = newEnv({ sliceLimit });
    const c = await testCanister(env);
    const round = newRound();
    const msg = ingressTo(c, 'spin', spin);
    let out: ExecuteMessageOutcome = await env.executeCanisterInput(c, { kind: 'ingress', ingress: msg }, round);
    let slices = 1;
    while (out.kind === 'paused') {
      assert.equal(c.systemState.taskQueue.front()?.kind, 'pausedExecution');
      assert.equal(statusOf(round, msg)?.kind, 'processing');
      out = await env.resumePausedExecution(c, round);
      slices++;
    }
    return { reply: replied(statusOf(round, msg)), balance: c.systemState.balance, used: out.instructionsUsed, slices, left: round.roundInstructionsLeft.value };
  }

  test('an update over several slices gives the same result, cost and round charge as one slice', async () => {
    const whole = await sliced(2_000_000_000n);
    const parts = await sliced(500_000n);
    assert.equal(whole.slices, 1);
    assert.ok(parts.slices >= 4, `${parts.slices} slices`);
    assert.deepEqual(parts.reply, whole.reply);
    assert.equal(parts.used, whole.used);
    assert.equal(parts.balance, whole.balance);
    assert.equal(parts.left, whole.left);
  });

  test('nothing changes while paused but the prepayment; an abort restarts it from scratch, paid once', async () => {
    const env = newEnv({ sliceLimit: 500_000n });
    const c = await testCanister(env);
    const round = newRound();
    const start = c.systemState.balance;
    const msg = ingressTo(c, 'spin', spin);
    const first = await env.executeCanisterInput(c, { kind: 'ingress', ingress: msg }, round);
    assert.equal(first.kind, 'paused');
    assert.equal(c.systemState.balance, start - 40_005_000_000n);
    const q = await env.executeQuery(c, { sender: USER, method: 'get', arg: new Uint8Array(0) }, round.time);
    assert.deepEqual(q, { reply: new Uint8Array(8) });
    env.abortPausedExecution(c);
    assert.equal(c.systemState.taskQueue.front()?.kind, 'abortedExecution');
    const out = await toEnd(env, await env.resumePausedExecution(c, round), round);
    assert.equal(u64(replied(statusOf(round, msg))), 1n);
    assert.equal(start - c.systemState.balance, 5_000_000n + out.instructionsUsed);
  });

  test('a balance change while paused fails the message (the replica cannot resume it)', async () => {
    const env = newEnv({ sliceLimit: 500_000n });
    const c = await testCanister(env);
    const round = newRound();
    const msg = ingressTo(c, 'spin', spin);
    assert.equal((await env.executeCanisterInput(c, { kind: 'ingress', ingress: msg }, round)).kind, 'paused');
    c.systemState.addCycles(1n);
    const out = await env.resumePausedExecution(c, round);
    assert.equal(out.kind, 'finished');
    const err = failed(statusOf(round, msg));
    assert.equal(err.code, ErrorCode.CanisterWasmEngineError);
    assert.match(err.description, /Mismatch in cycles balance when resuming an update call/);
  });
});
