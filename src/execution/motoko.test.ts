// Motoko canisters (mo:core, persistent actors) through the execution
// environment: updates and queries, an awaited self-call, two canisters
// calling each other, a trap that rolls back only its message, a timer.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '../errors/index.ts';
import { compileMotoko } from '../../test/corpus/motoko.ts';
import { candidNat, candidText, candidTextNat, candidUnit } from '../../test/corpus/candid.ts';
import type { CanisterState } from '../state/index.ts';
import type { ExecutionEnvironment, RoundContext } from './index.ts';
import { USER, deliver, drain, ingressTo, install, newCanister, newEnv, newRound, nextInput, runIngress, statusOf, toEnd } from './test-support.ts';

const CALLS = `
import Runtime "mo:core/Runtime";
import Timer "mo:core/Timer";
persistent actor Calls {
  var ticks : Nat = 0;
  var log : Text = "";
  public func ping(n : Nat) : async Nat { n + 1 };
  public func selfCall(n : Nat) : async Nat { log #= "before;"; let r = await ping(n); log #= "after;"; r };
  public func callOther(id : Text, n : Nat) : async Nat {
    let other = actor (id) : actor { ping : Nat -> async Nat };
    log #= "out;";
    await other.ping(n);
  };
  public func startTimer(seconds : Nat) : async Nat {
    Timer.setTimer<system>(#seconds seconds, func() : async () { ticks += 1 });
  };
  public query func getTicks() : async Nat { ticks };
  public query func getLog() : async Text { log };
  public func fail(message : Text) : async () { log #= "fail;"; Runtime.trap(message) };
};`;

async function callsCanister(env: ExecutionEnvironment, id: bigint): Promise<CanisterState> {
  const c = newCanister(id);
  await install(env, c, await compileMotoko(CALLS), 'install', candidUnit);
  return c;
}

async function q(env: ExecutionEnvironment, c: CanisterState, method: string): Promise<Uint8Array> {
  const r = await env.executeQuery(c, { sender: USER, method, arg: candidUnit }, newRound().time);
  if (!('reply' in r)) assert.fail(JSON.stringify(r));
  return r.reply;
}

/** Routes and executes messages among `canisters` until all queues are empty. */
async function settle(env: ExecutionEnvironment, canisters: CanisterState[], round: RoundContext): Promise<void> {
  for (let busy = true; busy;) {
    busy = false;
    for (const from of canisters) for (const to of canisters) deliver(from, to);
    for (const c of canisters) {
      const input = nextInput(c);
      if (input === undefined) continue;
      busy = true;
      await toEnd(env, await env.executeCanisterInput(c, input, round), round);
    }
  }
}

describe('Motoko canisters', () => {
  test('an awaited self-call: the caller resumes in its callback and replies', async () => {
    const env = newEnv();
    const c = await callsCanister(env, 1n);
    const round = newRound();
    const msg = ingressTo(c, 'selfCall', candidNat(41));
    await runIngress(env, c, msg, round);
    assert.equal(statusOf(round, msg)?.kind, 'processing');
    await drain(env, c, round);
    assert.deepEqual(statusOf(round, msg), { kind: 'completed', result: { kind: 'reply', payload: candidNat(42) } });
    assert.deepEqual(await q(env, c, 'getLog'), candidText('before;after;'));
  });

  test('a Motoko canister is Wasm64: its instructions cost 2 cycles each (5M + 2 × used)', async () => {
    const env = newEnv();
    const c = await callsCanister(env, 1n);
    assert.equal(c.executionState?.compiled.output.isWasm64, true);
    const before = c.systemState.balance;
    const out = await runIngress(env, c, ingressTo(c, 'ping', candidNat(1)), newRound());
    // prepaid 5,000,000 + 2 × 40,000,000,000; refunded 2 × (40,000,000,000 − used)
    assert.equal(before - c.systemState.balance, 5_000_000n + 2n * out.instructionsUsed);
  });

  test('two canisters: A awaits B', async () => {
    const env = newEnv();
    const a = await callsCanister(env, 1n);
    const b = await callsCanister(env, 2n);
    const round = newRound();
    const msg = ingressTo(a, 'callOther', candidTextNat(b.canisterId.toText(), 9));
    await runIngress(env, a, msg, round);
    await settle(env, [a, b], round);
    assert.deepEqual(statusOf(round, msg), { kind: 'completed', result: { kind: 'reply', payload: candidNat(10) } });
  });

  test('a trap rolls back only its own message', async () => {
    const env = newEnv();
    const c = await callsCanister(env, 1n);
    const round = newRound();
    await runIngress(env, c, ingressTo(c, 'selfCall', candidNat(1)), round);
    await drain(env, c, round);
    const msg = ingressTo(c, 'fail', candidText('no way'));
    await runIngress(env, c, msg, round);
    const s = statusOf(round, msg);
    if (s?.kind !== 'failed') assert.fail(JSON.stringify(s));
    assert.equal(s.error.code, ErrorCode.CanisterCalledTrap);
    assert.match(s.error.description, /^Error from Canister rrkah-fqaaa-aaaaa-aaaaq-cai: Canister called `ic0.trap` with message: 'no way'/);
    assert.deepEqual(await q(env, c, 'getLog'), candidText('before;after;'));
  });

  test('a global timer set by mo:core/Timer runs through its self-call', async () => {
    const env = newEnv();
    const c = await callsCanister(env, 1n);
    const round = newRound();
    await runIngress(env, c, ingressTo(c, 'startTimer', candidNat(0)), round);
    assert.ok(c.systemState.globalTimer > 0n);
    await toEnd(env, await env.executeSystemTask(c, 'globalTimer', round), round);
    await drain(env, c, round);
    assert.deepEqual(await q(env, c, 'getTicks'), candidNat(1));
  });
});
