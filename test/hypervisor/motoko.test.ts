// Motoko canisters (mo:core, `persistent actor`) compiled in the test and
// run through the hypervisor with the execution test harness: stable state
// across upgrades, a self-call, a timer, and a trap that rolls back.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ExecutionTestBuilder } from '../harness/execution-test.ts';
import { compileMotoko } from '../corpus/motoko.ts';
import { candidNat, candidUnit, candidText } from '../corpus/candid.ts';
import { ErrorCode } from '../../src/errors/index.ts';
import { UPGRADE_COUNTER_MO as COUNTER } from '../corpus/motoko-sources.ts';


const CALLS = `
import Runtime "mo:core/Runtime";
import Timer "mo:core/Timer";
persistent actor Calls {
  var ticks : Nat = 0;
  var log : Text = "";
  public func ping(n : Nat) : async Nat { n + 1 };
  public func selfCall(n : Nat) : async Nat { log #= "before;"; let r = await ping(n); log #= "after;"; r };
  public func startTimer(seconds : Nat) : async Nat {
    Timer.setTimer<system>(#seconds seconds, func() : async () { ticks += 1 });
  };
  public query func getTicks() : async Nat { ticks };
  public query func getLog() : async Text { log };
  public func fail(message : Text) : async () { log #= "fail;"; Runtime.trap(message) };
};`;

describe('Motoko canisters on the hypervisor', () => {
  it('a counter keeps its state across an upgrade (EOP, wasm_memory_persistence = keep)', async () => {
    // Test steps:
    // 1. install the counter and increment it three times;
    // 2. upgrade to the same module with `keep` (pre_upgrade prints, post_upgrade counts);
    // 3. the count survives, and the upgrade ran both hooks.
    const test = new ExecutionTestBuilder().build();
    const wasm = await compileMotoko(COUNTER);
    const id = await test.canisterFromWasm(wasm);
    for (let i = 1; i <= 3; i++) assert.deepEqual((await test.ingress(id, 'inc', candidUnit)).reply, candidNat(i));
    await assert.rejects(test.upgrade(id, wasm), /wasm_memory_persistence/);
    await test.upgrade(id, wasm, { wasmMemoryPersistence: 'keep' });
    assert.deepEqual((await test.query(id, 'get', candidUnit)).reply, candidNat(3));
    assert.deepEqual((await test.query(id, 'getUpgrades', candidUnit)).reply, candidNat(1));
    assert.deepEqual((await test.ingress(id, 'inc', candidUnit)).reply, candidNat(4));
    const log = test.canisterState(id).log.map((r) => Buffer.from(r.content).toString());
    assert.ok(log.includes('pre 3'), `canister log: ${log.join(' | ')}`);
  });

  it('a classic Motoko counter keeps its state in stable memory across an upgrade', async () => {
    const test = new ExecutionTestBuilder().build();
    const wasm = await compileMotoko(COUNTER, { persistence: 'classic' });
    const id = await test.canisterFromWasm(wasm);
    for (let i = 1; i <= 2; i++) await test.ingress(id, 'inc', candidUnit);
    assert.equal(test.canisterState(id).execution.stable.sizePages, 0);
    await test.upgrade(id, wasm);
    assert.ok(test.canisterState(id).execution.stable.sizePages > 0, 'pre_upgrade wrote stable memory');
    assert.deepEqual((await test.query(id, 'get', candidUnit)).reply, candidNat(2));
    assert.deepEqual((await test.query(id, 'getUpgrades', candidUnit)).reply, candidNat(1));
  });

  it('a self-call is recorded and its callback runs when the response is delivered', async () => {
    const test = new ExecutionTestBuilder().build();
    const id = await test.canisterFromMotoko(CALLS);
    const first = await test.ingress(id, 'selfCall', candidNat(41));
    assert.equal(first.pending, true);
    const [call] = test.outgoingCalls(id);
    assert.equal(call.request.receiver.toText(), id.toText());
    assert.equal(call.request.methodName, 'ping');
    const response = await test.executeCall(call);
    assert.ok('reply' in response);
    assert.deepEqual(response.reply, candidNat(42));
    const done = await test.respond(call, response);
    assert.deepEqual(done.reply, candidNat(42));
    assert.deepEqual((await test.query(id, 'getLog', candidUnit)).reply, candidText('before;after;'));
    assert.equal(test.outgoingCalls().length, 0);
  });

  it('a timer set with mo:core/Timer fires through canister_global_timer', async () => {
    const test = new ExecutionTestBuilder().build();
    const id = await test.canisterFromMotoko(CALLS);
    await test.ingress(id, 'startTimer', candidNat(5));
    const timer = test.canisterState(id).globalTimer;
    assert.ok(timer > test.time, 'the global timer is set in the future');
    assert.equal(await test.runGlobalTimer(id), undefined, 'not due yet');
    test.advanceTime(5_000_000_000n);
    const fired = await test.runGlobalTimer(id);
    assert.ok(fired !== undefined && fired.error === undefined, fired?.error?.description);
    await test.processCalls(); // Motoko runs the job through a self-call
    assert.deepEqual((await test.query(id, 'getTicks', candidUnit)).reply, candidNat(1));
  });

  it('a trap rolls back heap, globals and stable memory exactly', async () => {
    const test = new ExecutionTestBuilder().build();
    const id = await test.canisterFromMotoko(CALLS);
    await test.ingress(id, 'ping', candidNat(1));
    const before = test.canisterState(id).execution;
    const r = await test.ingress(id, 'fail', candidText('bang'));
    assert.equal(r.error?.code, ErrorCode.CanisterCalledTrap);
    assert.match(r.error?.description ?? '', /bang/);
    const after = test.canisterState(id).execution;
    assert.equal(after, before, 'the state object is the one from before the message');
    assert.deepEqual((await test.query(id, 'getLog', candidUnit)).reply, candidText(''));
    assert.deepEqual((await test.ingress(id, 'ping', candidNat(7))).reply, candidNat(8), 'the canister still works after the trap');
  });
});
