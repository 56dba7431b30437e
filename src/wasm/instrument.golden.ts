/**
 * Golden instruction counts: small programs and the exact count the IC's
 * metering gives each call, worked out by hand from the replica's weights
 * (`opcodes.ts`) and injection rules (header of `instrument.ts`):
 * a function starts at 1; every operator adds its weight to the current
 * point; `loop`, `if`, `else`, `br`, `br_if`, `br_table`, `end`, `return`
 * and `unreachable` close it; a call is charged the points it reaches.
 * Weights used: const, local.*, drop, select, nop, return, unreachable,
 * i32/i64 add/sub/and/eqz/compare 1; load/store 1 (Wasm64: 2); global.* 2;
 * if/br/br_if/br_table 2; call 5; call_indirect 10; div/rem 10;
 * f64.add/mul 2, f64.div 5, f64.sqrt 8, f64.min 18; f64.convert_i32_s 3;
 * i32.trunc_f64_s 20; memory.size 20; memory.grow 300; memory.fill/copy/init
 * 100 + size; data.drop 300; ref.func 130; ref.is_null 5; block/loop/else/end 0.
 * A straight-line function (one block, see the header of `instrument.ts`)
 * costs the same whether it is metered itself or charged by its caller.
 */

/** One call of a golden program. */
export interface GoldenCall {
  args: Array<number | bigint>;
  /** Instructions the IC charges for the call. */
  count: bigint;
  /** The call traps (the count is then the counter's at the trap). */
  traps?: boolean;
}

/** A golden program: WAT with an exported `run`. */
export interface GoldenRow {
  name: string;
  wat: string;
  calls: GoldenCall[];
}

export const GOLDEN: GoldenRow[] = [
  {
    // entry 1 + end 0
    name: 'empty function',
    wat: '(module (func (export "run")))',
    calls: [{ args: [], count: 1n }],
  },
  {
    // 1 + const 1 + const 1 + add 1 = 4
    name: 'straight line',
    wat: '(module (func (export "run") (result i32) i32.const 1 i32.const 2 i32.add))',
    calls: [{ args: [], count: 4n }],
  },
  {
    // 1 + const 1 + set 1 + get 1 + tee 1 + drop 1 + nop 1 = 7
    name: 'locals, drop, nop',
    wat: '(module (func (export "run") (local i32) i32.const 5 local.set 0 local.get 0 local.tee 0 drop nop))',
    calls: [{ args: [], count: 7n }],
  },
  {
    // entry 1 + get 1 + if 2 = 4; then: const, const, add = 3 (+ else 0); else: const 1 (+ end 0)
    // run(1) = 4 + 3 = 7; run(0) = 4 + 1 = 5
    name: 'if/else',
    wat: `(module (func (export "run") (param i32) (result i32)
      local.get 0 if (result i32) i32.const 10 i32.const 1 i32.add else i32.const 20 end))`,
    calls: [{ args: [1], count: 7n }, { args: [0], count: 5n }],
  },
  {
    // entry 1 + get 1 + if 2 = 4; then: const 1 + set 1 = 2; after end: get 1 = 1
    // run(1) = 4 + 2 + 1 = 7; run(0) = 4 + 1 = 5
    name: 'if without else',
    wat: `(module (func (export "run") (param i32) (result i32) (local i32)
      local.get 0 if i32.const 7 local.set 1 end local.get 1))`,
    calls: [{ args: [1], count: 7n }, { args: [0], count: 5n }],
  },
  {
    // entry 1 (block, loop 0); header (re-entrant): get, eqz, br_if = 4, runs n + 1 times;
    // body: get, const, sub, set, br = 6, runs n times. Total 1 + 4(n + 1) + 6n = 5 + 10n
    name: 'counted loop',
    wat: `(module (func (export "run") (param $n i32)
      (block $done (loop $l
        local.get $n i32.eqz br_if $done
        local.get $n i32.const 1 i32.sub local.set $n
        br $l))))`,
    calls: [{ args: [0], count: 5n }, { args: [10], count: 105n }, { args: [1000], count: 10005n }],
  },
  {
    // entry 1 + loop 0 = 1; header: get, const, and, if = 5; then: get, const, add, set = 4;
    // else: get, const, sub, set = 4; after end: get, const, sub, tee, br_if = 6; after loop: get 1.
    // n ≥ 1 iterations: 1 + 15n + 1 = 15n + 2
    name: 'loop with branches',
    wat: `(module (func (export "run") (param $n i32) (result i32) (local $acc i32)
      (loop $l
        local.get $n i32.const 1 i32.and
        if local.get $acc i32.const 3 i32.add local.set $acc
        else local.get $acc i32.const 1 i32.sub local.set $acc end
        local.get $n i32.const 1 i32.sub local.tee $n br_if $l)
      local.get $acc))`,
    calls: [{ args: [1], count: 17n }, { args: [10], count: 152n }],
  },
  {
    // entry 1 + get 1 + br_table 2 = 4; $b0 target: const, return = 2;
    // $b1 target: const, const, add, return = 4; $b2 target (and default): const = 1
    name: 'br_table',
    wat: `(module (func (export "run") (param i32) (result i32)
      (block $b2 (block $b1 (block $b0 local.get 0 br_table $b0 $b1 $b2)
        i32.const 100 return)
        i32.const 200 i32.const 1 i32.add return)
      i32.const 300))`,
    calls: [{ args: [0], count: 6n }, { args: [1], count: 8n }, { args: [2], count: 5n }, { args: [9], count: 5n }],
  },
  {
    // run: 1 + const 1 + call 5 = 7; $add1: 1 + get, const, add = 4. Total 11
    name: 'direct call',
    wat: `(module
      (func $add1 (param i32) (result i32) local.get 0 i32.const 1 i32.add)
      (func (export "run") (result i32) i32.const 41 call $add1))`,
    calls: [{ args: [], count: 11n }],
  },
  {
    // run: 1 + get 1 + call_indirect 10 = 12; $f0: 1 + const 1 = 2; $f1: 1 + const, const, add = 4
    name: 'call_indirect',
    wat: `(module (type $t (func (result i32)))
      (table 2 funcref) (elem (i32.const 0) $f0 $f1)
      (func $f0 (result i32) i32.const 5)
      (func $f1 (result i32) i32.const 6 i32.const 7 i32.add)
      (func (export "run") (param i32) (result i32) local.get 0 call_indirect (type $t)))`,
    calls: [{ args: [0], count: 14n }, { args: [1], count: 16n }],
  },
  {
    // entry 1 + get, eqz 2 + if 2 = 5; then: const 1 + br 2 = 3; after end: get, const, sub 3 + call 5 +
    // const, add 2 = 10. run(n) = 15n + 8; the stack budget comes back after the br to the function label
    name: 'recursion with br to the function label',
    wat: `(module (func $f (export "run") (param i32) (result i32)
      local.get 0 i32.eqz if i32.const 0 br 1 end
      local.get 0 i32.const 1 i32.sub call $f i32.const 1 i32.add))`,
    calls: [{ args: [0], count: 8n }, { args: [3], count: 53n }],
  },
  {
    // multi-value recursion (the function body gets a block of type [] -> [i32 i32]):
    // entry 1 + get, eqz 2 + if 2 = 5; then: const, const = 2; else: get, const, sub 3 + call 5 = 8.
    // run(0) = 7; run(2) = 13 + 13 + 7 = 33
    name: 'multi-value recursion',
    wat: `(module (func $f (export "run") (param i32) (result i32 i32)
      local.get 0 i32.eqz
      if (result i32 i32) i32.const 1 i32.const 2 else local.get 0 i32.const 1 i32.sub call $f end))`,
    calls: [{ args: [0], count: 7n }, { args: [2], count: 33n }],
  },
  {
    // entry 1 + get 1 + if 2 = 4; then: const 1 + return 1 = 2; after end: const, const, add = 3
    name: 'early return',
    wat: `(module (func (export "run") (param i32) (result i32)
      local.get 0 if i32.const 1 return end i32.const 2 i32.const 3 i32.add))`,
    calls: [{ args: [1], count: 6n }, { args: [0], count: 7n }],
  },
  {
    // entry 1 + const, get 2 + br_if 2 = 5; after br_if: drop, const 2 = 2
    name: 'br_if to the function label',
    wat: `(module (func (export "run") (param i32) (result i32)
      i32.const 9 local.get 0 br_if 0 drop i32.const 4))`,
    calls: [{ args: [1], count: 5n }, { args: [0], count: 7n }],
  },
  {
    // entry 1 + const 1 + const 1 + end 0 (inner block) = 3; after it: add 1 = 1; outer ends 0. Total 4
    name: 'nested blocks',
    wat: `(module (func (export "run") (result i32)
      (block (result i32) (block (result i32) i32.const 1 (block (result i32) i32.const 2) i32.add))))`,
    calls: [{ args: [], count: 4n }],
  },
  {
    // entry 1 + block, loop 0 = 1; loop header (re-entrant, kept): br 2 = 2. Total 3
    name: 'loop exited at once',
    wat: '(module (func (export "run") (block (loop (br 1)))))',
    calls: [{ args: [], count: 3n }],
  },
  {
    // entry 1 + const, const, get 3 + memory.fill 100 = 104, plus the size
    name: 'memory.fill',
    wat: '(module (memory 1) (func (export "run") (param i32) i32.const 0 i32.const 7 local.get 0 memory.fill))',
    calls: [{ args: [0], count: 104n }, { args: [1000], count: 1104n }],
  },
  {
    // entry 1 + const, const, get 3 + memory.copy 100 = 104, plus the size
    name: 'memory.copy',
    wat: '(module (memory 1) (func (export "run") (param i32) i32.const 100 i32.const 0 local.get 0 memory.copy))',
    calls: [{ args: [4096], count: 4200n }],
  },
  {
    // entry 1 + const, const, get 3 + memory.init 100 + data.drop 300 = 404, plus the size
    name: 'memory.init and data.drop',
    wat: `(module (memory 1) (data $d "hello")
      (func (export "run") (param i32) i32.const 0 i32.const 0 local.get 0 memory.init $d data.drop $d))`,
    calls: [{ args: [5], count: 409n }],
  },
  {
    // entry 1 + const 1 + memory.grow 300 + drop 1 + memory.size 20 = 323
    name: 'memory.grow and memory.size',
    wat: '(module (memory 1) (func (export "run") (result i32) i32.const 1 memory.grow drop memory.size))',
    calls: [{ args: [], count: 323n }],
  },
  {
    // 1 + get 1 + sqrt 8 + get 1 + div 5 + const 1 + add 2 + get 1 + min 18 = 38
    name: 'f64 arithmetic',
    wat: `(module (func (export "run") (param f64) (result f64)
      local.get 0 f64.sqrt local.get 0 f64.div f64.const 1.5 f64.add local.get 0 f64.min))`,
    calls: [{ args: [4], count: 38n }],
  },
  {
    // 1 + get 1 + convert_i32_s 3 + const 1 + mul 2 + trunc_f64_s 20 = 28
    name: 'float conversions',
    wat: `(module (func (export "run") (param i32) (result i32)
      local.get 0 f64.convert_i32_s f64.const 2 f64.mul i32.trunc_f64_s))`,
    calls: [{ args: [21], count: 28n }],
  },
  {
    // 1 + get, get 2 + div_s 10 + get, get 2 + rem_u 10 + add 1 = 26
    name: 'i64 div and rem',
    wat: `(module (func (export "run") (param i64 i64) (result i64)
      local.get 0 local.get 1 i64.div_s local.get 0 local.get 1 i64.rem_u i64.add))`,
    calls: [{ args: [100n, 7n], count: 26n }],
  },
  {
    // 1 + const, const, get, select = 5
    name: 'select',
    wat: '(module (func (export "run") (param i32) (result i32) i32.const 1 i32.const 2 local.get 0 select))',
    calls: [{ args: [0], count: 5n }],
  },
  {
    // 1 + global.get 2 + const 1 + add 1 + global.set 2 + global.get 2 = 9
    name: 'global ops',
    wat: `(module (global $g (mut i32) (i32.const 0))
      (func (export "run") (result i32) global.get $g i32.const 1 i32.add global.set $g global.get $g))`,
    calls: [{ args: [], count: 9n }],
  },
  {
    // Wasm64 loads and stores cost 2: 1 + const, const 2 + store 2 + const 1 + load 2 = 8
    name: 'wasm64 load and store',
    wat: '(module (memory i64 1) (func (export "run") (result i64) i64.const 8 i64.const 42 i64.store i64.const 8 i64.load))',
    calls: [{ args: [], count: 8n }],
  },
  {
    // Wasm64 memory.fill takes an i64 size: 1 + three consts 3 + 100 = 104, plus the size
    name: 'wasm64 memory.fill',
    wat: '(module (memory i64 1) (func (export "run") (param i64) i64.const 0 i32.const 1 local.get 0 memory.fill))',
    calls: [{ args: [100n], count: 204n }],
  },
  {
    // 1 + ref.func 130 + ref.is_null 5 = 136
    name: 'ref.func',
    wat: '(module (func $f) (elem declare func $f) (func (export "run") (result i32) ref.func $f ref.is_null))',
    calls: [{ args: [], count: 136n }],
  },
  {
    // 1 + v128.const 1 + v128.const 1 + i32x4.add 1 + extract_lane 1 = 5
    name: 'simd',
    wat: `(module (func (export "run") (result i32)
      v128.const i32x4 1 2 3 4 v128.const i32x4 1 1 1 1 i32x4.add i32x4.extract_lane 3))`,
    calls: [{ args: [], count: 5n }],
  },
  {
    // entry 1 + block 0 + get 1 + br_if 2 = 4; after the block's end: const, get 2 + div_u 10 +
    // const, add 2 = 14 (charged before the division traps). 18 either way
    name: 'trap mid-block',
    wat: `(module (func (export "run") (param i32) (result i32)
      (block local.get 0 br_if 0) i32.const 10 local.get 0 i32.div_u i32.const 5 i32.add))`,
    calls: [{ args: [5], count: 18n }, { args: [0], count: 18n, traps: true }],
  },
  {
    // $leaf: 1 + get, const, mul, const, add = 6. run: entry 1 (block, loop 0); header (re-entrant):
    // get, eqz 2 + br_if 2 = 4, runs n + 1 times; body: get 1 + call 5 + set 1 + get, const, sub, set 4 +
    // br 2 = 13, plus $leaf 6, runs n times; after the block: get 1. run(n) = 1 + 4(n + 1) + 19n + 1 = 6 + 23n
    name: 'straight-line function called in a loop',
    wat: `(module
      (func $leaf (param i32) (result i32) local.get 0 i32.const 3 i32.mul i32.const 1 i32.add)
      (func (export "run") (param $n i32) (result i32) (local $acc i32)
        (block $done (loop $l
          local.get $n i32.eqz br_if $done
          local.get $acc call $leaf local.set $acc
          local.get $n i32.const 1 i32.sub local.set $n
          br $l))
        local.get $acc))`,
    calls: [{ args: [0], count: 6n }, { args: [3], count: 75n }],
  },
  {
    // run: 1 + get 1 + call 5 + const 1 + call_indirect 10 = 18; $leaf: 1 + get, const, add = 4, once
    // called directly and once through the table. 26
    name: 'straight-line function called directly and indirectly',
    wat: `(module (type $t (func (param i32) (result i32)))
      (table 1 funcref) (elem (i32.const 0) $leaf)
      (func $leaf (param i32) (result i32) local.get 0 i32.const 2 i32.add)
      (func (export "run") (param i32) (result i32) local.get 0 call $leaf i32.const 0 call_indirect (type $t)))`,
    calls: [{ args: [1], count: 26n }],
  },
  {
    // the export is the metered function: 1 + get, const, add = 4 (also called directly by $other)
    name: 'straight-line function called as an export',
    wat: `(module
      (func $leaf (export "run") (param i32) (result i32) local.get 0 i32.const 2 i32.add)
      (func $other (export "other") (result i32) i32.const 1 call $leaf))`,
    calls: [{ args: [1], count: 4n }],
  },
  {
    // run: 1 + get 1 + call 5 + const, add 2 = 9; $load: 1 + get 1 + load 1 = 3. 12, also when the load
    // traps inside $load (the replica charged $load at its entry)
    name: 'trap inside a straight-line function',
    wat: `(module (memory 1)
      (func $load (param i32) (result i32) local.get 0 i32.load)
      (func (export "run") (param i32) (result i32) local.get 0 call $load i32.const 1 i32.add))`,
    calls: [{ args: [8], count: 12n }, { args: [65536], count: 12n, traps: true }],
  },
  {
    // run: 1 + get 1 + load 1 + call 5 = 8; $leaf: 1 + get, const, add = 4. 12; when the load traps,
    // before $leaf is entered: 8
    name: 'trap before a call to a straight-line function',
    wat: `(module (memory 1)
      (func $leaf (param i32) (result i32) local.get 0 i32.const 1 i32.add)
      (func (export "run") (param i32) (result i32) local.get 0 i32.load call $leaf))`,
    calls: [{ args: [8], count: 12n }, { args: [65536], count: 8n, traps: true }],
  },
  {
    // run: 1 + block 0 + get 1 + br_if 2 = 4; after the block: call 5 + drop 1 + get 1 + load 1 = 8;
    // $leaf: 1 + const 1 = 2. 14, also when the load after the call traps
    name: 'trap after a call to a straight-line function',
    wat: `(module (memory 1)
      (func $leaf (result i32) i32.const 7)
      (func (export "run") (param i32) (result i32)
        (block local.get 0 br_if 0) call $leaf drop local.get 0 i32.load))`,
    calls: [{ args: [8], count: 14n }, { args: [65536], count: 14n, traps: true }],
  },
  {
    // 1 + const 1 + drop 1 + unreachable 1 = 4
    name: 'unreachable',
    wat: '(module (func (export "run") i32.const 1 drop unreachable))',
    calls: [{ args: [], count: 4n, traps: true }],
  },
];
