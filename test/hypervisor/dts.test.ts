// Deterministic time slicing end to end: a message run in many slices gives
// exactly the reply, memory and instruction count of one big slice; a paused
// message can be aborted and re-run; queries meanwhile see the state before
// it; the total limit still holds across slices.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ExecutionTestBuilder } from '../harness/execution-test.ts';
import type { ExecutionTest } from '../harness/execution-test.ts';
import { compileMotoko } from '../corpus/motoko.ts';
import { candidNat, candidUnit } from '../corpus/candid.ts';
import { ErrorCode } from '../../src/errors/index.ts';
import type { CanisterId } from '../../src/types/index.ts';
import { LOOP_WAT, WORK_MO as WORK } from './wat-canisters.ts';

// WORK_MO and LOOP_WAT (long updates for DTS) are shared with the other hypervisor suites.

async function run(test: ExecutionTest, id: CanisterId, method: string, arg: Uint8Array): Promise<{ reply: Uint8Array | undefined; instructions: bigint; slices: number }> {
  const r = await test.ingress(id, method, arg);
  assert.equal(r.error, undefined, r.error?.description);
  return { reply: r.reply, instructions: r.result.instructionsExecuted, slices: r.result.slices };
}

function assertSameState(a: ExecutionTest, ida: CanisterId, b: ExecutionTest, idb: CanisterId): void {
  const x = a.canisterState(ida).execution;
  const y = b.canisterState(idb).execution;
  assert.ok(x.heap.contentEquals(y.heap), 'same heap pages');
  assert.equal(x.heapSizePages, y.heapSizePages);
  assert.deepEqual(x.globals, y.globals);
  assert.equal(x.stable.sizePages, y.stable.sizePages);
  assert.ok(x.stable.pages.contentEquals(y.stable.pages), 'same stable pages');
}

describe('deterministic time slicing', () => {
  for (const [name, install] of [
    ['WAT', (t: ExecutionTest) => t.canisterFromWat(LOOP_WAT)],
    ['Motoko', async (t: ExecutionTest) => t.canisterFromWasm(await compileMotoko(WORK))],
  ] as const) {
    it(`a ${name} message needing ≥ 10 slices gives the reply, memory and instruction count of one big slice`, async () => {
      const method = 'work';
      const arg = name === 'WAT' ? new Uint8Array(0) : candidNat(200_000);
      const whole = new ExecutionTestBuilder().build();
      const a = await install(whole);
      const once = await run(whole, a, method, arg);
      assert.equal(once.slices, 1);
      const slice = once.instructions / 12n;
      const sliced = new ExecutionTestBuilder().withSliceLimit(slice).build();
      const b = await install(sliced);
      const many = await run(sliced, b, method, arg);
      assert.ok(many.slices >= 10, `${many.slices} slices`);
      assert.deepEqual(many.reply, once.reply);
      assert.equal(many.instructions, once.instructions);
      assertSameState(whole, a, sliced, b);
      assert.deepEqual(sliced.canisterState(b).log.map((r) => r.content), whole.canisterState(a).log.map((r) => r.content));
    });
  }

  it('an aborted paused message leaves the canonical state untouched and can be re-run', async () => {
    // Test steps:
    // 1. start a sliced message and run its first slice (it pauses);
    // 2. a query meanwhile sees the state before the message;
    // 3. abort it: the state is the very object from before, and nothing was logged;
    // 4. run it again to completion: same reply as an unsliced run.
    const reference = new ExecutionTestBuilder().build();
    const r0 = await reference.canisterFromWasm(await compileMotoko(WORK));
    const expected = await run(reference, r0, 'work', candidNat(50_000));

    const test = new ExecutionTestBuilder().withSliceLimit(expected.instructions / 5n).build();
    const id = await test.canisterFromWasm(await compileMotoko(WORK));
    const before = test.canisterState(id).execution;
    const first = await test.submitIngress(id, 'work', candidNat(50_000));
    assert.equal(first.kind, 'paused');
    assert.deepEqual((await test.query(id, 'get', candidUnit)).reply, candidNat(0));
    test.abortPaused(id);
    assert.equal(test.canisterState(id).execution, before);
    const again = await run(test, id, 'work', candidNat(50_000));
    assert.deepEqual(again.reply, expected.reply);
    assert.equal(again.instructions, expected.instructions);
    assertSameState(test, id, reference, r0);
  });

  it('the message limit holds across slices (IC0522)', async () => {
    const test = new ExecutionTestBuilder().withInstructionLimit(5_000_000n).withSliceLimit(1_000_000n).build();
    const id = await test.canisterFromWat(LOOP_WAT);
    const before = test.canisterState(id).execution;
    const r = await test.ingress(id, 'work', new Uint8Array(0));
    assert.equal(r.error?.code, ErrorCode.CanisterInstructionLimitExceeded);
    assert.match(r.error?.description ?? '', /exceeded the limit of 5000000 instructions for single message execution/);
    assert.ok(r.result.slices >= 5);
    assert.equal(test.canisterState(id).execution, before);
  });
});
