// Hostile canisters are stopped by limits, deterministically: an infinite
// loop by the instruction limit, a memory bomb by the Wasm memory limit,
// unbounded recursion by the stack budget — at the same depth on every run,
// on the plain and on the sliced (JSPI) path, on fresh and reused instances.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ExecutionTestBuilder } from '../harness/execution-test.ts';
import { compileMotoko } from '../corpus/motoko.ts';
import { candidNat, candidUnit } from '../corpus/candid.ts';
import { ErrorCode } from '../../src/errors/index.ts';
import { RECURSION_WAT as RECURSION } from './wat-canisters.ts';

const LOOPS = `(module
  (import "ic0" "msg_arg_data_size" (func $size (result i32)))
  (func (export "canister_update spin") (loop $l (br $l)))
  (func (export "canister_update spin_ic0") (loop $l (drop (call $size)) (br $l))))`;

const BOMB = `(module
  (import "ic0" "msg_reply" (func $reply))
  (memory 1)
  (func (export "canister_update bomb") (loop $l (br_if $l (i32.ne (memory.grow (i32.const 16)) (i32.const -1)))))
  (func (export "canister_update grow_one") (drop (memory.grow (i32.const 1))) (call $reply))
  (func (export "canister_query size") (if (i32.ne (memory.size) (i32.const 1)) (then unreachable)) (call $reply)))`;

// RECURSION (wat-canisters.ts): every level logs its depth (4 bytes LE); the log survives the trap, so its last record is the depth reached.

const expectedLimitText = (id: string, limit: bigint): string => `Error from Canister ${id}: Canister exceeded the limit of ${limit} instructions `
  + 'for single message execution.\nTry optimizing this method to consume fewer instructions or split the work across multiple messages. '
  + 'See documentation: https://internetcomputer.org/docs/current/references/execution-errors#instruction-limit-exceeded';

describe('hostile canisters', () => {
  for (const method of ['spin', 'spin_ic0']) {
    for (const slice of [undefined, 250_000n]) {
      it(`an infinite loop (${method}${slice === undefined ? '' : ', sliced'}) ends with IC0522`, async () => {
        const b = new ExecutionTestBuilder().withInstructionLimit(1_000_000n);
        const test = (slice === undefined ? b : b.withSliceLimit(slice)).build();
        const id = await test.canisterFromWat(LOOPS);
        const before = test.canisterState(id).execution;
        const r = await test.ingress(id, method, new Uint8Array(0));
        assert.equal(r.error?.code, ErrorCode.CanisterInstructionLimitExceeded);
        assert.ok(r.error?.description.startsWith(expectedLimitText(id.toText(), 1_000_000n).slice(0, 120)), r.error?.description);
        assert.equal(r.result.instructionsExecuted, 1_000_000n);
        assert.equal(test.canisterState(id).execution, before);
      });
    }
  }

  it('a memory bomb hits the Wasm memory limit (IC0539) and changes nothing', async () => {
    const test = new ExecutionTestBuilder().withWasmMemoryLimit(2n * 1024n * 1024n).build();
    const id = await test.canisterFromWat(BOMB);
    const r = await test.ingress(id, 'bomb', new Uint8Array(0));
    assert.equal(r.error?.code, ErrorCode.CanisterWasmMemoryLimitExceeded);
    assert.match(r.error?.description ?? '', /Canister exceeded its current Wasm memory limit of 2097152 bytes\. The peak Wasm memory usage was 2162688 bytes\./);
    assert.equal(test.canisterState(id).execution.heapSizePages, 1);
    assert.equal((await test.query(id, 'size', new Uint8Array(0))).error, undefined, 'the grown instance was dropped');
    const ok = await test.ingress(id, 'grow_one', new Uint8Array(0));
    assert.equal(ok.error, undefined);
    assert.equal(test.canisterState(id).execution.heapSizePages, 2);
  });

  it('unbounded recursion traps with a stack overflow at the same depth on every run', async (t) => {
    const depths = new Set<string>();
    const instructions = new Set<bigint>();
    for (const slice of [undefined, 30_000n]) {
      const b = new ExecutionTestBuilder();
      const test = (slice === undefined ? b : b.withSliceLimit(slice)).build();
      const id = await test.canisterFromWat(RECURSION);
      for (let run = 0; run < 2; run++) { // the second run reuses the instance
        const r = await test.ingress(id, 'recurse', new Uint8Array(0));
        assert.equal(r.error?.code, ErrorCode.CanisterTrapped);
        assert.match(r.error?.description ?? '', /Canister trapped: stack overflow/);
        assert.equal(r.result.hazard, undefined, 'V8 never ran out of stack');
        if (slice !== undefined) assert.ok(r.result.slices > 1);
        const log = test.canisterState(id).log;
        depths.add(Buffer.from(log[log.length - 2].content).readUInt32LE(0).toString());
        instructions.add(r.result.instructionsExecuted);
      }
    }
    assert.equal(depths.size, 1, `depths ${[...depths]}`);
    assert.equal(instructions.size, 1);
    assert.ok(Number([...depths][0]) > 1000, `depth ${[...depths][0]}`);
    t.diagnostic(`depth reached: ${[...depths][0]}`);
  });

  const locals = (n: number, t: string): string => Array.from({ length: n }, () => t).join(' ');
  const SHAPES: Record<string, string> = {
    'a frame of 300 i64 locals': `(module (func $r (param $n i32) (result i32) (local ${locals(300, 'i64')})
      (i32.add (call $r (i32.add (local.get $n) (i32.const 1))) (i32.const 1))) (func (export "canister_update go") (drop (call $r (i32.const 0)))))`,
    'SIMD locals': `(module (func $r (param $n i32) (result v128) (local ${locals(50, 'v128')})
      (i32x4.add (call $r (i32.add (local.get $n) (i32.const 1))) (v128.const i32x4 1 2 3 4))) (func (export "canister_update go") (drop (call $r (i32.const 0)))))`,
    'call_indirect': `(module (type $t (func (param i32) (result i32))) (table 1 funcref) (elem (i32.const 0) $r)
      (func $r (param $n i32) (result i32) (i32.add (call_indirect (type $t) (i32.add (local.get $n) (i32.const 1)) (i32.const 0)) (i32.const 1)))
      (func (export "canister_update go") (drop (call $r (i32.const 0)))))`,
    'mutual recursion': `(module (func $a (param i32) (result i32) (call $b (local.get 0)))
      (func $b (param i32) (result i32) (i32.add (call $a (i32.add (local.get 0) (i32.const 1))) (i32.const 2)))
      (func (export "canister_update go") (drop (call $a (i32.const 0)))))`,
  };
  for (const [shape, wat] of Object.entries(SHAPES)) {
    it(`recursion with ${shape} overflows deterministically, never V8's own stack`, async () => {
      const seen = new Set<string>();
      for (const slice of [undefined, 1_000n]) {
        const b = new ExecutionTestBuilder();
        const test = (slice === undefined ? b : b.withSliceLimit(slice)).build();
        const id = await test.canisterFromWat(wat);
        for (let run = 0; run < 2; run++) {
          const r = await test.ingress(id, 'go', new Uint8Array(0));
          assert.match(r.error?.description ?? '', /Canister trapped: stack overflow/);
          assert.equal(r.result.hazard, undefined);
          seen.add(String(r.result.instructionsExecuted));
        }
      }
      assert.equal(seen.size, 1, [...seen].join());
    });
  }

  it('a Motoko recursion goes thousands of levels deep and overflows at the same depth on every path and run', async (t) => {
    const wasm = await compileMotoko(`
persistent actor Deep {
  func depth(n : Nat) : Nat { if (n == 0) 0 else 1 + depth(n - 1) };
  public func go(n : Nat) : async Nat { depth(n) };
};`);
    const canister = async (slice?: bigint) => {
      const b = new ExecutionTestBuilder();
      const test = (slice === undefined ? b : b.withSliceLimit(slice)).build();
      const id = await test.canisterFromWasm(wasm);
      return async (n: number): Promise<boolean> => { // whether depth(n) returns; else it traps with a stack overflow
        const r = await test.ingress(id, 'go', candidNat(n));
        assert.equal(r.result.hazard, undefined, 'V8 never ran out of stack');
        if (r.error === undefined) {
          assert.deepEqual(r.reply, candidNat(n));
          return true;
        }
        assert.equal(r.error.code, ErrorCode.CanisterTrapped, r.error.description);
        assert.match(r.error.description, /Canister trapped: stack overflow/);
        return false;
      };
    };
    const reaches = await canister();
    let lo = 5_000;
    let hi = 100_000;
    assert.ok(await reaches(lo), `depth(${lo}) returns`);
    assert.equal(await reaches(hi), false);
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (await reaches(mid)) lo = mid;
      else hi = mid;
    }
    for (const slice of [undefined, 1_000_000n]) {
      const again = await canister(slice);
      for (let run = 0; run < 2; run++) { // fresh, then reused instance
        assert.equal(await again(hi), false, `depth(${hi}) overflows`);
        assert.equal(await again(lo), true, `depth(${lo}) returns`);
      }
    }
    t.diagnostic(`deepest Motoko recursion: ${lo} levels`);
  });

  it('unbounded recursion in Motoko traps deterministically', async () => {
    const wasm = await compileMotoko(`
persistent actor Deep {
  func down(n : Nat) : Nat { if (n == 0) 0 else 1 + down(n - 1) };
  public func go(n : Nat) : async Nat { down(n) };
};`);
    const seen = new Set<bigint>();
    for (const slice of [undefined, 1_000_000n]) {
      const b = new ExecutionTestBuilder();
      const test = (slice === undefined ? b : b.withSliceLimit(slice)).build();
      const id = await test.canisterFromWasm(wasm);
      assert.deepEqual((await test.ingress(id, 'go', candidNat(100))).reply, candidNat(100));
      for (let run = 0; run < 2; run++) {
        const r = await test.ingress(id, 'go', candidNat(10_000_000));
        assert.equal(r.error?.code, ErrorCode.CanisterTrapped, r.error?.description);
        assert.match(r.error?.description ?? '', /stack overflow/);
        assert.equal(r.result.hazard, undefined);
        seen.add(r.result.instructionsExecuted);
      }
      assert.deepEqual((await test.ingress(id, 'go', candidNat(10))).reply, candidNat(10));
    }
    assert.equal(seen.size, 1, `instructions at the trap: ${[...seen]}`);
    void candidUnit;
  });
});
