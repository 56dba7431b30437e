// The sandbox pool: the same executions give the same replies, errors,
// instruction counts, memory and logs on 0 (in-process), 1 and 2 workers;
// states travel in full once and then not at all (or as page deltas); DTS
// pauses, resumes and aborts across the worker boundary. Worker faults are
// in pool-faults.test.ts.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Hypervisor } from '../../src/hypervisor/index.ts';
import type { ExecutionState } from '../../src/state/index.ts';
import { ExecutionTestBuilder } from '../harness/execution-test.ts';
import type { ExecutionTest, MessageOutcome } from '../harness/execution-test.ts';
import { compileMotoko } from '../corpus/motoko.ts';
import { candidNat, candidUnit } from '../corpus/candid.ts';
import { CLOSURES, LOOP_WAT, RECURSION_WAT, STATEFUL, WORK_MO } from './wat-canisters.ts';
import { CanisterId } from '../../src/types/index.ts';

const NONE = new Uint8Array(0);
const hypervisors = [new Hypervisor(), new Hypervisor({ workers: 1 }), new Hypervisor({ workers: 2 })];
after(() => Promise.all(hypervisors.map((hv) => hv.close())));

/** What an outcome shows: reply, reject, error, instructions, slices. */
function seen(o: MessageOutcome): unknown {
  return {
    reply: o.reply === undefined ? undefined : Buffer.from(o.reply).toString('hex'), reject: o.reject, error: o.error?.code,
    description: o.error?.description, instructions: o.result.instructionsExecuted, slices: o.result.slices,
    requests: o.result.modifications.requests.map((r) => ({ ...r, receiver: r.receiver.toText(), payload: Buffer.from(r.payload).toString('hex') })),
  };
}

/** A canister's Wasm state, as digests. */
function memoryOf(s: ExecutionState): unknown {
  const digest = (pages: Iterable<{ index: number; bytes: Uint8Array }>): string => {
    const h = createHash('sha256');
    for (const p of pages) h.update(String(p.index)).update(p.bytes);
    return h.digest('hex');
  };
  return { heap: digest(s.heap.pages()), heapSizePages: s.heapSizePages, globals: s.globals, stable: digest(s.stable.pages.pages()), stableSize: s.stable.sizePages };
}

/** Installs four canisters and runs a fixed mix of messages on them, interleaved; the transcript. */
async function scenario(test: ExecutionTest, workWasm: Uint8Array): Promise<unknown[]> {
  const out: unknown[] = [];
  const stateful = await test.canisterFromWat(STATEFUL);
  const loop = await test.canisterFromWat(LOOP_WAT);
  const mo = await test.canisterFromWasm(workWasm);
  const closures = await test.canisterFromWat(CLOSURES);
  const rec = await test.canisterFromWat(RECURSION_WAT);
  const all = [stateful, loop, mo, closures, rec];
  out.push(seen(await test.ingress(stateful, 'write', NONE)));
  out.push(seen(await test.ingress(loop, 'work', NONE))); // many slices
  out.push(seen(await test.ingress(mo, 'work', candidNat(30_000))));
  out.push(seen(await test.ingress(stateful, 'write_then_trap', NONE)));
  out.push(seen(await test.query(stateful, 'read', NONE)));
  out.push(seen(await test.ingress(closures, 'call', Uint8Array.of(0, 1, 4)))); // a call: an outgoing request with a canister id
  await test.processCalls();
  out.push(seen(await test.query(closures, 'cleaned', NONE)));
  out.push(seen(await test.ingress(rec, 'recurse', NONE))); // stack overflow at a fixed depth
  out.push(seen(await test.ingress(mo, 'work', candidNat(10_000))));
  out.push(seen(await test.query(mo, 'get', candidUnit)));
  out.push(seen(await test.ingress(stateful, 'grow', NONE)));
  out.push(seen(await test.query(stateful, 'mutate', NONE)));
  out.push(seen(await test.ingress(loop, 'work', NONE)));
  test.hypervisor.dropInstances(stateful); // rebuilt from canonical state, in whichever sandbox
  out.push(seen(await test.ingress(stateful, 'write', NONE)));
  await test.heartbeat(stateful);
  out.push(seen(await test.query(stateful, 'beats', NONE)));
  for (const id of all) {
    const c = test.canisterState(id);
    out.push({ memory: memoryOf(c.execution), log: c.log.map((r) => [r.idx, Buffer.from(r.content).toString('hex')]), certified: c.certifiedData });
  }
  return out;
}

describe('sandbox pool', () => {
  it('the same executions give identical results, memory and instruction counts on 0, 1 and 2 workers', async () => {
    const workWasm = await compileMotoko(WORK_MO);
    const transcripts: unknown[][] = [];
    for (const hv of hypervisors) {
      const test = new ExecutionTestBuilder().withHypervisor(hv).withSliceLimit(2_000_000n).withDebugPrint(true).build();
      transcripts.push(await scenario(test, workWasm));
    }
    assert.deepEqual(transcripts[1], transcripts[0], '1 worker = in-process');
    assert.deepEqual(transcripts[2], transcripts[0], '2 workers = in-process');
    const two = hypervisors[2].pool;
    assert.ok(two !== undefined && two.stats.executions > 0);
    const used = new Set([1n, 2n, 3n, 4n, 5n].map((n) => two.workerOf(CanisterId.fromU64(n)))); // the harness's ids
    assert.deepEqual([...used].sort(), [0, 1], 'both workers ran canisters');
  });

  it('sends a state in full once, then not at all on the committed path, and as a delta for an older snapshot', async () => {
    // Test steps:
    // 1. install and run a message: the state goes in full, with its module;
    // 2. three committed messages: the worker already holds each state (it built it from its own result);
    // 3. a query on the state from before them (a snapshot): sent as a page delta from a newer state the worker holds;
    // 4. the query's reply equals the in-process one on the same state.
    const hv = hypervisors[1];
    const pool = hv.pool;
    assert.ok(pool !== undefined);
    const test = new ExecutionTestBuilder().withHypervisor(hv).build();
    const id = await test.canisterFromWat(STATEFUL.replace('(memory 2 64)', '(memory 2 64) (func $not_sent_before)')); // a module new to the worker
    const before = { ...pool.stats };
    assert.equal((await test.ingress(id, 'write', NONE)).error, undefined);
    const snapshot = test.canisterState(id).execution;
    assert.equal(pool.stats.statesSentFull - before.statesSentFull, 1);
    assert.equal(pool.stats.modulesSent - before.modulesSent, 1);
    for (let i = 0; i < 3; i++) await test.ingress(id, 'write', NONE);
    assert.equal(pool.stats.statesHeld - before.statesHeld, 3);
    const query = (h: Hypervisor) => h.execute({
      canisterId: id, state: snapshot, entryPoint: { kind: 'query', method: 'read' },
      apiType: { kind: 'nonReplicatedQuery', time: test.time, caller: id, arg: NONE },
      systemState: { canisterId: id, balance: 10n ** 12n, subnetId: test.env.subnetId }, limits: { message: 10n ** 9n },
    });
    const [viaPool, inProcess] = await Promise.all([query(hv), query(hypervisors[0])]);
    assert.equal(pool.stats.statesSentDelta - before.statesSentDelta, 1);
    assert.ok(viaPool.kind === 'finished' && inProcess.kind === 'finished');
    assert.deepEqual(viaPool.result.response, inProcess.result.response);
    assert.deepEqual((await test.query(id, 'read', NONE)).reply, new Uint8Array(new BigUint64Array([4n, 4n, 4n]).buffer));
    assert.equal(pool.stats.workerDeaths, 0);
  });

  it('a paused execution lives in its worker: queries see the state before it; abort, then a re-run matches in-process', async () => {
    const results: unknown[] = [];
    for (const hv of [hypervisors[0], hypervisors[2]]) {
      const test = new ExecutionTestBuilder().withHypervisor(hv).withSliceLimit(2_000_000n).build();
      const id = await test.canisterFromWat(LOOP_WAT);
      const before = test.canisterState(id).execution;
      const first = await test.submitIngress(id, 'work', NONE);
      assert.equal(first.kind, 'paused');
      assert.equal((await test.query(id, 'runs', NONE)).reply?.[0], 0, 'the query ran on the state before the message');
      assert.equal((await test.executeSlice(id)).kind, 'paused');
      test.abortPaused(id);
      assert.equal(test.canisterState(id).execution, before);
      const again = await test.ingress(id, 'work', NONE);
      results.push([seen(again), (await test.query(id, 'runs', NONE)).reply, memoryOf(test.canisterState(id).execution)]);
    }
    assert.deepEqual(results[1], results[0]);
  });
});
