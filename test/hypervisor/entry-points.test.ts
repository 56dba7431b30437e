// Every entry point through the hypervisor, and rollback: a trap leaves
// heap, stable memory, globals and system state exactly as before; a
// query's changes are always dropped; a rebuilt instance equals a reused one.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ExecutionTestBuilder } from '../harness/execution-test.ts';
import { Hypervisor } from '../../src/hypervisor/index.ts';
import { ErrorCode, UserErrorException } from '../../src/errors/index.ts';
import { CLOSURES, DROPS_SEGMENT, IMPORTS_MEMORY, START_CALLS_TIME, START_WRITES, STATEFUL } from './wat-canisters.ts';

const NONE = new Uint8Array(0);
const u64s = (...ns: bigint[]): Uint8Array => new Uint8Array(new BigUint64Array(ns).buffer);

describe('entry points and rollback', () => {
  it('a trap rolls back heap, stable memory, globals and system state exactly', async () => {
    // Test steps:
    // 1. `write` once: heap, stable memory, global and certified data change;
    // 2. `write_then_trap` makes the same changes and traps: nothing is kept but the log;
    // 3. the live instance was restored too: a query on it, and one on a rebuilt instance, read the old values.
    const test = new ExecutionTestBuilder().build();
    const id = await test.canisterFromWat(STATEFUL);
    assert.equal((await test.ingress(id, 'write', NONE)).error, undefined);
    assert.deepEqual((await test.query(id, 'read', NONE)).reply, u64s(1n, 1n, 1n));
    const c = test.canisterState(id);
    const before = { execution: c.execution, version: c.version, certified: c.certifiedData, balance: c.balance };
    const r = await test.ingress(id, 'write_then_trap', NONE);
    assert.equal(r.error?.code, ErrorCode.CanisterCalledTrap);
    assert.equal(r.result.heapDelta.length, 0);
    assert.equal(c.execution, before.execution);
    assert.equal(c.version, before.version);
    assert.equal(c.certifiedData, before.certified);
    assert.equal(c.balance, before.balance);
    assert.equal(Buffer.from(c.log.at(-1)?.content ?? []).toString(), '[TRAP]: boom');
    assert.deepEqual((await test.query(id, 'read', NONE)).reply, u64s(1n, 1n, 1n), 'reused instance restored');
    test.hypervisor.dropInstances(id);
    assert.deepEqual((await test.query(id, 'read', NONE)).reply, u64s(1n, 1n, 1n), 'rebuilt instance');
    assert.deepEqual((await test.ingress(id, 'write', NONE)).error, undefined);
    assert.deepEqual((await test.query(id, 'read', NONE)).reply, u64s(2n, 2n, 2n));
  });

  it('a query\'s changes are dropped, even a grown heap', async () => {
    const test = new ExecutionTestBuilder().build();
    const id = await test.canisterFromWat(STATEFUL);
    await test.ingress(id, 'write', NONE);
    const before = test.canisterState(id).execution;
    assert.deepEqual((await test.query(id, 'mutate', NONE)).result.heapDelta, []);
    assert.equal(test.canisterState(id).execution, before);
    assert.deepEqual((await test.query(id, 'read', NONE)).reply, u64s(1n, 1n, 1n));
    assert.equal(test.canisterState(id).execution.heapSizePages, 2);
  });

  it('an instance is reused while it mirrors the state, and undone when its last result was not committed', async () => {
    const test = new ExecutionTestBuilder().withHypervisor(new Hypervisor()).build(); // in-process: its instance counters are here
    const id = await test.canisterFromWat(STATEFUL);
    const hv = test.hypervisor;
    const created = hv.stats.instancesCreated;
    for (let i = 0; i < 5; i++) await test.ingress(id, 'write', NONE);
    assert.equal(hv.stats.instancesCreated, created, 'no new instance for committed results');
    const c = test.canisterState(id);
    const committed = c.execution;
    const r = await hv.execute({
      canisterId: id, state: committed, entryPoint: { kind: 'update', method: 'write' },
      apiType: { kind: 'update', time: test.time, caller: id, arg: NONE, incomingCycles: 0n as never, callContextId: 99n },
      systemState: { canisterId: id, balance: c.balance, subnetId: test.env.subnetId }, limits: { message: 10n ** 9n },
    });
    assert.equal(r.kind, 'finished');
    assert.notEqual(r.kind === 'finished' && r.result.state, committed); // not committed by us
    assert.deepEqual((await test.query(id, 'read', NONE)).reply, u64s(5n, 5n, 5n));
    assert.equal(hv.stats.undone, 1);
    assert.equal(hv.stats.instancesCreated, created);
  });

  it('system tasks, inspect_message and composite queries run in their contexts', async () => {
    const test = new ExecutionTestBuilder().build();
    const id = await test.canisterFromWat(STATEFUL);
    await test.heartbeat(id);
    await test.heartbeat(id);
    assert.deepEqual((await test.query(id, 'beats', NONE)).reply, Uint8Array.of(2, 0, 0, 0));
    await test.onLowWasmMemory(id);
    assert.deepEqual((await test.query(id, 'read', NONE)).reply, u64s(0n, 0n, 1000n));
    assert.equal((await test.inspectMessage(id, 'write', NONE)).error, undefined);
    const rejected = await test.inspectMessage(id, 'forbidden', NONE);
    assert.equal(rejected.error?.code, ErrorCode.CanisterRejectedMessage);
    assert.deepEqual((await test.compositeQuery(id, 'cq', NONE)).reply, Uint8Array.of(0x63));
    const missing = await test.ingress(id, 'nope', NONE);
    assert.equal(missing.error?.code, ErrorCode.CanisterMethodNotFound);
  });

  it('the start function runs at install in context `start`', async () => {
    const test = new ExecutionTestBuilder().build();
    const id = await test.canisterFromWat(START_WRITES);
    assert.deepEqual((await test.query(id, 'get', NONE)).reply, Uint8Array.of(0x2a, 0, 0, 0));
    await assert.rejects(test.canisterFromWat(START_CALLS_TIME), (e: unknown) => {
      assert.ok(e instanceof UserErrorException);
      assert.equal(e.userError.code, ErrorCode.CanisterContractViolation);
      assert.match(e.userError.description, /"ic0_time" cannot be executed in start mode/);
      return true;
    });
  });

  it('a module that drops a data segment gets a fresh instance for every message, as in the replica', async () => {
    const test = new ExecutionTestBuilder().build();
    const id = await test.canisterFromWat(DROPS_SEGMENT);
    assert.equal((await test.ingress(id, 'drop', NONE)).error, undefined);
    assert.deepEqual((await test.ingress(id, 'init', NONE)).reply, new TextEncoder().encode('hello'));
  });
  it('a module importing env.memory and env.table gets them from the host', async () => {
    const test = new ExecutionTestBuilder().build();
    const id = await test.canisterFromWat(IMPORTS_MEMORY);
    assert.equal(test.canisterState(id).execution.heapSizePages, 2);
    assert.equal((await test.ingress(id, 'set', NONE)).error, undefined);
    test.hypervisor.dropInstances(id);
    assert.deepEqual((await test.query(id, 'get', NONE)).reply, Uint8Array.of(0x44, 0x43, 0x42, 0x41));
  });
});

describe('callbacks (closures from the table)', () => {
  async function callWith(reply: number, reject: number, cleanup = 255) {
    const test = new ExecutionTestBuilder().build();
    const id = await test.canisterFromWat(CLOSURES);
    const first = await test.ingress(id, 'call', Uint8Array.of(reply, reject, cleanup));
    assert.equal(first.pending, true);
    assert.deepEqual(first.result.heapDelta.map((p) => p.index), [0], 'the host\'s writes (argument, own id) are in the delta');
    const [call] = test.outgoingCalls(id);
    return { test, id, call };
  }

  it('runs the reply and reject callbacks with their env', async () => {
    const a = await callWith(0, 1);
    assert.deepEqual((await a.test.respond(a.call, await a.test.executeCall(a.call) as { reply: Uint8Array })).reply, Uint8Array.of(82, 7));
    const b = await callWith(0, 1);
    assert.deepEqual((await b.test.respond(b.call, { reject: { code: 4, message: 'no' } })).reply, Uint8Array.of(74, 8));
  });

  it('fails a closure with a bad index, a null entry or the wrong type as the replica does', async () => {
    const cases: Array<[number, ErrorCode, RegExp]> = [
      [50, ErrorCode.CanisterFunctionNotFound, /Canister requested to invoke a non-existent Wasm function 50 from table 0/],
      [6, ErrorCode.CanisterContractViolation, /unexpected null function reference/],
      [2, ErrorCode.CanisterContractViolation, /function invocation does not match its signature/],
    ];
    for (const [fun, code, text] of cases) {
      const t = await callWith(fun, 1);
      const r = await t.test.respond(t.call, { reply: NONE });
      assert.equal(r.error?.code, code, r.error?.description);
      assert.match(r.error?.description ?? '', text);
    }
  });

  it('runs the cleanup callback from the pre-callback state when a callback traps', async () => {
    const t = await callWith(3, 1, 4);
    const r = await t.test.respond(t.call, { reply: NONE });
    assert.equal(r.error?.code, ErrorCode.CanisterCalledTrap);
    const cleaned = await t.test.query(t.id, 'cleaned', NONE);
    assert.deepEqual(cleaned.reply, Uint8Array.of(9, 0, 0, 0, 0xea, 0xc1, 0, 0), 'cleanup ran (env 9) and the callback\'s writes were dropped');
  });
});
