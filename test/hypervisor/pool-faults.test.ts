// Worker faults: a canister whose execution makes its sandbox worker die
// (out of memory) fails that execution, and every other execution that
// worker had in flight, with a `WasmEngineError`; the worker is replaced;
// the canister's next message runs on a new instance rebuilt from canonical
// state; a canister on the other worker continues as if nothing happened;
// and this process stays up.
//
// How the worker dies, reliably: the worker's V8 heap is capped
// (`resourceLimits.maxOldGenerationSizeMb: 32`) and the canister prints
// 1 MiB with `debug_print` in a loop while printing is on, with the
// per-execution bound on collected output lifted (`withDebugPrint(true,
// Infinity)`; by default a sandbox keeps at most 1 Mi characters, so that a
// canister cannot do this): the sandbox then collects every printed message
// as a JS string, the worker's heap fills within a few dozen prints and V8
// stops the worker (`ERR_WORKER_OUT_OF_MEMORY`). This stands for any host
// bug that exhausts a worker's memory; the test shows the pool contains it. A second test kills a worker directly
// (`crashWorkerOf`, i.e. `worker.terminate()`), standing for any internal
// error that ends a worker.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Hypervisor } from '../../src/hypervisor/index.ts';
import { ErrorCode } from '../../src/errors/index.ts';
import { ExecutionTestBuilder } from '../harness/execution-test.ts';
import type { ExecutionTest, SliceOutcome } from '../harness/execution-test.ts';
import { LOOP_WAT } from './wat-canisters.ts';

const NONE = new Uint8Array(0);
const u64 = (n: bigint): Uint8Array => new Uint8Array(new BigUint64Array([n]).buffer);

/** `print_forever` prints 1 MiB of heap in a loop; `inc` counts in the heap and replies the count. */
const HOST_HEAP_BOMB = `(module
  (import "ic0" "debug_print" (func $print (param i32 i32)))
  (import "ic0" "msg_reply_data_append" (func $append (param i32 i32)))
  (import "ic0" "msg_reply" (func $reply))
  (memory 17)
  (func (export "canister_update print_forever") (loop $l (call $print (i32.const 0) (i32.const 1048576)) (br $l)))
  (func (export "canister_update inc")
    (i64.store (i32.const 0x100008) (i64.add (i64.load (i32.const 0x100008)) (i64.const 1)))
    (call $append (i32.const 0x100008) (i32.const 8)) (call $reply)))`;

const hv = new Hypervisor({ workers: 2, pool: { resourceLimits: { maxOldGenerationSizeMb: 32 } } });
after(() => hv.close());

async function finish(test: ExecutionTest, id: Parameters<ExecutionTest['executeSlice']>[0], first: SliceOutcome) {
  let step = first;
  while (step.kind === 'paused') step = await test.executeSlice(id);
  return step;
}

describe('sandbox worker faults', () => {
  it('a canister that makes its worker run out of memory fails alone; the worker is replaced and the canister rebuilt', async () => {
    // Test steps:
    // 1. the victim runs a message (worker A); a neighbour on A and a bystander on worker B start sliced messages and pause;
    // 2. the victim's bomb kills A: its message fails with IC0521 and a clear message; its state is unchanged;
    // 3. the neighbour's paused message, in flight on A, fails the same way when resumed;
    // 4. the bystander's message on B continues to the very reply of an undisturbed run;
    // 5. the victim and the neighbour run again on the new worker, from canonical state.
    const reference = new ExecutionTestBuilder().withSliceLimit(2_000_000n).withDebugPrint(true).build();
    const expected = await reference.ingress(await reference.canisterFromWat(LOOP_WAT), 'work', NONE);
    const pool = hv.pool;
    assert.ok(pool !== undefined);
    const test = new ExecutionTestBuilder().withHypervisor(hv).withSliceLimit(2_000_000n).withDebugPrint(true, Infinity).build();
    const victim = await test.canisterFromWat(HOST_HEAP_BOMB);
    const bystander = await test.canisterFromWat(LOOP_WAT);
    const neighbour = await test.canisterFromWat(LOOP_WAT);
    assert.deepEqual((await test.ingress(victim, 'inc', NONE)).reply, u64(1n));
    const b = await test.submitIngress(bystander, 'work', NONE);
    const n = await test.submitIngress(neighbour, 'work', NONE);
    assert.ok(b.kind === 'paused' && n.kind === 'paused');
    assert.equal(pool.workerOf(neighbour), pool.workerOf(victim));
    assert.notEqual(pool.workerOf(bystander), pool.workerOf(victim));
    const victimState = test.canisterState(victim).execution;
    const started = pool.stats.workersStarted;

    const bomb = await test.ingress(victim, 'print_forever', NONE);
    assert.equal(bomb.error?.code, ErrorCode.CanisterWasmEngineError);
    assert.match(bomb.error?.description ?? '', /Wasm engine error: sandbox worker \d died \(ERR_WORKER_OUT_OF_MEMORY: .*\) while executing a message of canister/);
    assert.match(bomb.result.hazard ?? '', /sandbox worker died/);
    assert.equal(test.canisterState(victim).execution, victimState, 'nothing was kept');
    assert.equal(pool.stats.workerDeaths, 1);
    assert.equal(pool.stats.workersStarted, started + 1, 'replaced');

    const lost = await finish(test, neighbour, await test.executeSlice(neighbour));
    assert.equal(lost.error?.code, ErrorCode.CanisterWasmEngineError);
    assert.match(lost.error?.description ?? '', /ERR_WORKER_OUT_OF_MEMORY/);

    const done = await finish(test, bystander, b);
    assert.equal(done.error, undefined);
    assert.deepEqual(done.reply, expected.reply);
    assert.equal(done.result.instructionsExecuted, expected.result.instructionsExecuted);

    const fullBefore = pool.stats.statesSentFull;
    assert.deepEqual((await test.ingress(victim, 'inc', NONE)).reply, u64(2n), 'rebuilt from the committed state');
    assert.equal(pool.stats.statesSentFull, fullBefore + 1, 'the new worker got the canonical state in full');
    const again = await test.ingress(neighbour, 'work', NONE);
    assert.deepEqual(again.reply, expected.reply);
    assert.equal(pool.stats.workerDeaths, 1);
  });

  it('a worker killed under a paused execution fails it; the next message of the canister runs', async () => {
    const pool = hv.pool;
    assert.ok(pool !== undefined);
    const test = new ExecutionTestBuilder().withHypervisor(hv).withSliceLimit(2_000_000n).build();
    const id = await test.canisterFromWat(LOOP_WAT);
    assert.equal((await test.submitIngress(id, 'work', NONE)).kind, 'paused');
    const deaths = pool.stats.workerDeaths;
    await pool.crashWorkerOf(id, 'an internal error (test)');
    const r = await finish(test, id, await test.executeSlice(id));
    assert.equal(r.error?.code, ErrorCode.CanisterWasmEngineError);
    assert.match(r.error?.description ?? '', /sandbox worker \d died \(an internal error \(test\)\)/);
    assert.equal(pool.stats.workerDeaths, deaths + 1);
    const ok = await test.ingress(id, 'work', NONE);
    assert.equal(ok.error, undefined);
    assert.deepEqual((await test.query(id, 'runs', NONE)).reply, u64(1n));
  });
});
