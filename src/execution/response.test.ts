// Calls and their callbacks: reply, reject and error responses as the caller
// sees them, a trap in the caller after call_perform, a trap in a callback
// with and without cleanup, and the cycles of a call computed by hand.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode, docRef } from '../errors/index.ts';
import { USER, deliver, drain, ingressTo, newEnv, newRound, nextInput, runIngress, statusOf, testCanister, toEnd, u64 } from './test-support.ts';
import type { ExecutionEnvironment, RoundContext } from './index.ts';
import type { CanisterState } from '../state/index.ts';

const utf8 = new TextEncoder();
const text = (b: Uint8Array): string => new TextDecoder().decode(b);
const TRAP_HELP = 'Consider gracefully handling failures from this canister or altering the canister to handle exceptions.';

/** Sends `method` with `arg` by ingress, runs everything it causes, returns its status. */
async function roundTrip(env: ExecutionEnvironment, c: CanisterState, method: string, arg: string, round: RoundContext = newRound()) {
  const msg = ingressTo(c, method, utf8.encode(arg));
  const first = await runIngress(env, c, msg, round);
  const afterFirst = statusOf(round, msg);
  const used = first.instructionsUsed + await drain(env, c, round);
  return { status: statusOf(round, msg), afterFirst, used };
}

function reply(s: Awaited<ReturnType<typeof roundTrip>>['status']): Uint8Array {
  if (s?.kind !== 'completed' || s.result.kind !== 'reply') assert.fail(`expected a reply, got ${JSON.stringify(s)}`);
  return s.result.payload;
}

describe('responses to a call', () => {
  test('a reply runs the reply callback, which answers the ingress', async () => {
    const env = newEnv();
    const c = await testCanister(env);
    const r = await roundTrip(env, c, 'call_self', 'inc');
    assert.equal(r.afterFirst?.kind, 'processing');
    const out = reply(r.status);
    assert.equal(text(out.subarray(0, 1)), 'R');
    assert.equal(u64(out, 1), 1n);
    assert.equal(c.systemState.callContextManager?.callContexts().length, 0);
    assert.equal(c.systemState.callContextManager?.callbacks().length, 0);
  });

  test('a canister reject arrives with code 4 and its message', async () => {
    const env = newEnv();
    const c = await testCanister(env);
    const out = reply((await roundTrip(env, c, 'call_self', 'reject')).status);
    assert.equal(text(out.subarray(0, 1)), 'J');
    assert.equal(out[1], 4);
    assert.equal(text(out.subarray(2)), 'nope');
  });

  test('a trap in the callee arrives as reject 5 with "IC0503: <error>"', async () => {
    const env = newEnv();
    const c = await testCanister(env);
    const out = reply((await roundTrip(env, c, 'call_self', 'trap')).status);
    assert.equal(out[1], 5);
    assert.equal(text(out.subarray(2)), `IC0503: Error from Canister ${c.canisterId.toText()}: Canister called \`ic0.trap\` with message: 'boom'.\n`
      + `${TRAP_HELP} See documentation: ${docRef('trapped-explicitly')}`);
  });

  test('a callee that does not reply answers reject 5 "No response"; a missing method reject 5 IC0536', async () => {
    const env = newEnv();
    const c = await testCanister(env);
    const none = reply((await roundTrip(env, c, 'call_self', 'noreply')).status);
    assert.deepEqual([none[1], text(none.subarray(2))], [5, 'No response']);
    const missing = reply((await roundTrip(env, c, 'call_self', 'missing')).status);
    assert.equal(missing[1], 5);
    assert.match(text(missing.subarray(2)), new RegExp(`^IC0536: Error from Canister ${c.canisterId.toText()}: Canister has no update method 'missing'\\.`));
  });

  test('a trap after call_perform: the call is never sent and its fees never taken', async () => {
    const env = newEnv();
    const c = await testCanister(env);
    const round = newRound();
    const before = c.systemState.balance;
    const msg = ingressTo(c, 'call_then_trap', utf8.encode('inc'));
    const out = await runIngress(env, c, msg, round);
    const s = statusOf(round, msg);
    assert.equal(s?.kind === 'failed' ? s.error.code : undefined, ErrorCode.CanisterCalledTrap);
    assert.equal(c.systemState.queues.hasOutput(), false);
    assert.equal(c.systemState.callContextManager?.callbacks().length, 0);
    assert.equal(before - c.systemState.balance, 5_000_000n + out.instructionsUsed);
  });
});

describe('a trap in a callback', () => {
  test('the callback is rolled back, the cleanup runs on the pre-callback state and is kept', async () => {
    const env = newEnv();
    const c = await testCanister(env);
    const round = newRound();
    const r = await roundTrip(env, c, 'call_trap_cb', '', round);
    if (r.status?.kind !== 'failed') assert.fail(JSON.stringify(r.status));
    assert.equal(r.status.error.code, ErrorCode.CanisterCalledTrap);
    assert.match(r.status.error.description, /Canister called `ic0.trap` with message: 'cb'/);
    const cleaned = await env.executeQuery(c, { sender: USER, method: 'cleaned', arg: new Uint8Array(0) }, round.time);
    assert.ok('reply' in cleaned);
    assert.deepEqual([...cleaned.reply], [0xea, 0xc1, 0, 0, 9, 0, 0, 0]);
    const get = await env.executeQuery(c, { sender: USER, method: 'get', arg: new Uint8Array(0) }, round.time);
    assert.ok('reply' in get);
    assert.equal(u64(get.reply), 1n, "the callee's increment stays, the callback's +1000 is gone");
  });

  test('when the cleanup traps too, nothing of either is kept and the errors are combined', async () => {
    const env = newEnv();
    const c = await testCanister(env);
    const round = newRound();
    const r = await roundTrip(env, c, 'call_trap_both', '', round);
    if (r.status?.kind !== 'failed') assert.fail(JSON.stringify(r.status));
    const id = c.canisterId.toText();
    assert.equal(r.status.error.code, ErrorCode.CanisterCalledTrap);
    assert.equal(r.status.error.description,
      `Error from Canister ${id}: Canister called \`ic0.trap\` with message: 'cb'\n\ncall_on_cleanup also failed:\n\n`
      + "Canister called `ic0.trap` with message: 'cl'");
    const cleaned = await env.executeQuery(c, { sender: USER, method: 'cleaned', arg: new Uint8Array(0) }, round.time);
    assert.ok('reply' in cleaned);
    assert.deepEqual([...cleaned.reply], [0, 0, 0, 0, 0, 0, 0, 0]);
  });
});

describe('cycles of a call', () => {
  test('xnet fee, request and response bytes, three executions; the rest of the prepayments comes back', async () => {
    const env = newEnv();
    const c = await testCanister(env);
    const before = c.systemState.balance;
    const r = await roundTrip(env, c, 'call_self', 'inc');
    reply(r.status);
    // Three executions (call_self, inc, the reply callback) at 5,000,000 each plus 1 cycle per instruction;
    // xnet call 260,000; request "inc" 3 bytes × 1,000; response 8 bytes × 1,000.
    assert.equal(before - c.systemState.balance, 3n * 5_000_000n + r.used + 260_000n + 3_000n + 8_000n);
  });

  test('while the call is out, the transmission and execution prepayments are held', async () => {
    const env = newEnv();
    const c = await testCanister(env);
    const round = newRound();
    const before = c.systemState.balance;
    const out = await runIngress(env, c, ingressTo(c, 'call_self', utf8.encode('inc')), round);
    assert.equal(before - c.systemState.balance,
      5_000_000n + out.instructionsUsed + 260_000n + 3_000n + 2_097_152_000n + 40_005_000_000n);
    const [, cb] = c.systemState.callContextManager?.callbacks()[0] ?? assert.fail('no callback');
    assert.equal(cb.prepaymentForResponseExecution, 40_005_000_000n);
    assert.equal(cb.prepaymentForResponseTransmission, 2_097_152_000n);
  });
});

describe('cycles attached to a call', () => {
  test('the callee accepts half; the rest comes back with the response', async () => {
    // Test steps:
    // 1. A calls B's `accept_half` with 1,000,000 cycles attached;
    // 2. B accepts 500,000 and replies; the response refunds 500,000 to A;
    // 3. each balance moved by the transfer and its own fees, computed from the fee table.
    const env = newEnv();
    const a = await testCanister(env, 1n);
    const b = await testCanister(env, 2n);
    const round = newRound();
    const [a0, b0] = [a.systemState.balance, b.systemState.balance];
    const msg = ingressTo(a, 'pay', b.canisterId.toUint8Array());
    let usedA: bigint = (await runIngress(env, a, msg, round)).instructionsUsed;
    assert.equal(deliver(a, b), 1);
    const req = nextInput(b);
    const usedB = (await toEnd(env, await env.executeCanisterInput(b, req ?? assert.fail('no request'), round), round)).instructionsUsed;
    assert.equal(deliver(b, a), 1);
    usedA += (await toEnd(env, await env.executeCanisterInput(a, nextInput(a) ?? assert.fail('no response'), round), round)).instructionsUsed;
    assert.equal(reply(statusOf(round, msg))[0], 82);
    assert.equal(b.systemState.balance - b0, 500_000n - 5_000_000n - usedB);
    // Two executions on A; xnet call 260,000; request "accept_half" 11 bytes; response 8 bytes; 500,000 kept by B.
    assert.equal(a0 - a.systemState.balance, 2n * 5_000_000n + usedA + 260_000n + 11_000n + 8_000n + 500_000n);
  });
});

describe('a response callback under DTS', () => {
  test('a callback over several slices is paused in the task queue and ends as it would unsliced', async () => {
    async function run(sliceLimit: bigint) {
      const env = newEnv({ sliceLimit });
      const c = await testCanister(env);
      const round = newRound();
      const msg = ingressTo(c, 'call_spin_cb', new Uint8Array(0));
      await runIngress(env, c, msg, round);
      deliver(c, c);
      let input = nextInput(c);
      let pauses = 0;
      while (input !== undefined) {
        let out = await env.executeCanisterInput(c, input, round);
        while (out.kind === 'paused') {
          pauses++;
          const front = c.systemState.taskQueue.front();
          assert.ok(front?.kind === 'pausedExecution' && front.input.kind === 'message' && front.input.message.kind === 'response');
          out = await env.resumePausedExecution(c, round);
        }
        deliver(c, c);
        input = nextInput(c);
      }
      return { status: statusOf(round, msg), balance: c.systemState.balance, pauses };
    }
    const whole = await run(2_000_000_000n);
    const sliced = await run(400_000n);
    assert.equal(whole.pauses, 0);
    assert.ok(sliced.pauses >= 2, `${sliced.pauses} pauses`);
    assert.deepEqual(sliced.status, whole.status);
    assert.equal(sliced.balance, whole.balance);
  });
});
