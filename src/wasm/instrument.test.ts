import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import wabt from 'wabt';
import { watToWasm } from '../../test/corpus/wat.ts';
import { decodeModule } from './decode.ts';
import { configureEngine } from './engine.ts';
import { EXPORTS, INJECTED_IMPORTS, InstrumentationError, InternalTrapCode, instrument } from './instrument.ts';
import type { InstrumentOptions, InstrumentationOutput } from './instrument.ts';
import { GOLDEN } from './instrument.golden.ts';
import { INLINING_MAX_BODY_BYTES, bodyBytes } from './instrument/stack.ts';
import { OperatorReader } from './operators.ts';
import { SectionId } from './types.ts';

const BUDGET = 1n << 40n;

async function build(wat: string, options: InstrumentOptions = {}): Promise<InstrumentationOutput> {
  const out = instrument(decodeModule(await watToWasm(wat)), options);
  assert.ok(WebAssembly.validate(out.binary), 'the instrumented module validates');
  return out;
}

/** Thrown by the test `internal_trap`. */
class InternalTrap extends Error {
  readonly code: number;
  constructor(code: number) {
    super(`internal trap ${code}`);
    this.code = code;
  }
}

type Exports = Record<string, WebAssembly.ExportValue> & {
  'canister counter_instructions': WebAssembly.Global;
  __stack_budget: WebAssembly.Global;
};

interface Run { exports: Exports; grows: Array<number | bigint> }

/** Instantiates with the `__` imports (`try_grow` answers `grow`), sets counter and budget, applies the data. */
function start(out: InstrumentationOutput, imports: WebAssembly.Imports = {}, grow = 0, stackBudget = 1 << 20): Run {
  const grows: Array<number | bigint> = [];
  const instance = new WebAssembly.Instance(new WebAssembly.Module(out.binary), {
    ...imports,
    __: {
      out_of_instructions: () => { throw new Error('out of instructions'); },
      try_grow_wasm_memory: (delta: number | bigint) => { grows.push(delta); return grow; },
      internal_trap: (code: number) => { throw new InternalTrap(code); },
    },
  });
  const exports = instance.exports as Exports;
  exports['canister counter_instructions'].value = BUDGET;
  exports.__stack_budget.value = stackBudget;
  const memory = exports.memory as WebAssembly.Memory | undefined;
  for (const s of out.dataSegments) new Uint8Array(memory!.buffer).set(s.bytes, Number(s.offset));
  return { exports, grows };
}

const used = (r: Run): bigint => BUDGET - (r.exports['canister counter_instructions'].value as bigint);
const fn = (r: Run, name: string) => r.exports[name] as (...args: unknown[]) => unknown;

describe('golden instruction counts', () => {
  const variants: Array<[string, InstrumentOptions]> = [
    ['local', { counter: 'local' }], ['global', { counter: 'global' }],
    ['no twins', { twins: false }], ['twin entry checks', { twinEntryChecks: true }],
  ];
  for (const [variant, options] of variants) {
    for (const row of GOLDEN) {
      test(`${row.name} (${variant})`, async () => {
        const out = await build(row.wat, options);
        for (const call of row.calls) {
          const r = start(out);
          let trapped = false;
          try { fn(r, 'run')(...call.args); } catch (e) { assert.ok(e instanceof WebAssembly.RuntimeError); trapped = true; }
          assert.equal(trapped, call.traps ?? false, `run(${call.args.join(', ')}) traps`);
          assert.equal(used(r), call.count, `run(${call.args.join(', ')})`);
          if (!trapped) assert.equal(r.exports.__stack_budget.value, 1 << 20, 'the stack budget is given back');
        }
      });
    }
  }
});

describe('metering', () => {
  test('an import sees the count of the blocks charged so far', async () => {
    const out = await build(`(module (import "env" "seen" (func $seen))
      (func $leaf (result i32) i32.const 1)
      (func (export "run") (result i32) i32.const 1 drop call $seen call $leaf drop call $seen i32.const 2))`);
    const seen: bigint[] = [];
    const r = start(out, { env: { seen: () => seen.push(used(r)) } });
    fn(r, 'run')();
    // run: entry 1 + const 1 + drop 1 + call 5 + call 5 + drop 1 + call 5 + const 1 = 20, all charged at entry;
    // $leaf (1 + const 1 = 2) runs between the two imports.
    assert.deepEqual(seen, [20n, 22n]);
    assert.equal(used(r), 22n);
  });

  test('a loop header calls out_of_instructions when the counter is negative, and goes on with the new budget', async () => {
    const out = await build(`(module (func (export "run") (param $n i32)
      (loop $l local.get $n i32.const 1 i32.sub local.tee $n br_if $l)))`);
    let calls = 0;
    const late: { counter?: WebAssembly.Global } = {};
    const instance = new WebAssembly.Instance(new WebAssembly.Module(out.binary), { __: {
      out_of_instructions: () => { calls++; late.counter!.value = 100n; },
      try_grow_wasm_memory: () => 0, internal_trap: () => 0,
    } });
    const counter = late.counter = instance.exports['canister counter_instructions'] as WebAssembly.Global;
    counter.value = 10n;
    (instance.exports.run as (n: number) => void)(10);
    // 1 at entry, then 6 per iteration (get, const, sub, tee, br_if): the counter goes below 0 at
    // the second header (10 − 1 − 6 − 6 < 0), is refilled to 100, then lasts to the end.
    assert.equal(calls, 1);
    assert.equal(counter.value, 100n - 8n * 6n);
  });

  test('memory.grow asks try_grow_wasm_memory first and fails with -1 when refused', async () => {
    for (const [mem, T] of [['(memory 1)', 'i32'], ['(memory i64 1)', 'i64']] as const) {
      const out = await build(`(module ${mem} (func (export "run") (param ${T}) (result ${T}) local.get 0 memory.grow))`);
      const ok = start(out, {}, 0);
      assert.equal(fn(ok, 'run')(T === 'i32' ? 2 : 2n), T === 'i32' ? 1 : 1n);
      assert.deepEqual(ok.grows, [T === 'i32' ? 2 : 2n]);
      assert.equal((ok.exports.memory as WebAssembly.Memory).buffer.byteLength, 3 * 65536);
      const refused = start(out, {}, 1);
      assert.equal(fn(refused, 'run')(T === 'i32' ? 2 : 2n), T === 'i32' ? -1 : -1n);
      assert.equal((refused.exports.memory as WebAssembly.Memory).buffer.byteLength, 65536);
      assert.equal(used(refused), 302n); // 1 + get 1 + memory.grow 300
    }
  });

  test('NaNs from arithmetic are canonical (as Cranelift makes them); bit operators keep theirs', async () => {
    const out = await build(`(module
      (func (export "div") (param f64 f64) (result i64) local.get 0 local.get 1 f64.div i64.reinterpret_f64)
      (func (export "sqrt32") (param f32) (result i32) local.get 0 f32.sqrt i32.reinterpret_f32)
      (func (export "payload") (result i64) i64.const 0x7ff0000000000001 f64.reinterpret_i64 f64.const 1 f64.add i64.reinterpret_f64)
      (func (export "demote") (result i32) f64.const nan:0x4000000000001 f32.demote_f64 i32.reinterpret_f32)
      (func (export "neg") (result i64) f64.const 0 f64.const 0 f64.div f64.neg i64.reinterpret_f64)
      (func (export "simd64") (result i64) v128.const f64x2 0 1 v128.const f64x2 0 1 f64x2.div i64x2.extract_lane 0)
      (func (export "simd32") (result i32) v128.const f32x4 -1 4 -1 -1 f32x4.sqrt i32x4.extract_lane 0)
      (func (export "simd32ok") (result f32) v128.const f32x4 -1 4 -1 -1 f32x4.sqrt f32x4.extract_lane 1))`);
    const r = start(out);
    assert.equal(fn(r, 'div')(0, 0), 0x7ff8000000000000n);
    assert.equal(fn(r, 'sqrt32')(-1), 0x7fc00000);
    assert.equal(fn(r, 'payload')(), 0x7ff8000000000000n);
    assert.equal(fn(r, 'demote')(), 0x7fc00000);
    assert.equal(fn(r, 'neg')(), -0x8000000000000n, 'neg flips the sign of the canonical NaN, as in the replica');
    assert.equal(fn(r, 'simd64')(), 0x7ff8000000000000n);
    assert.equal(fn(r, 'simd32')(), 0x7fc00000);
    assert.equal(fn(r, 'simd32ok')(), 2, 'other lanes are untouched');
    assert.equal(fn(r, 'div')(1, 4), 0x3fd0000000000000n, 'numbers are untouched');
  });

  test('compilation cost: 6,000 per operator of the replica’s instrumented module and 2 per global', async () => {
    const out = await build('(module (global (mut i32) (i32.const 0)) (func (export "run") (loop (br 0))))');
    // body: loop, br, end, end = 4 operators; points: entry (re-entrant) 10, loop header 10;
    // + decr_instruction_counter 20 + count_clean_pages 46; globals (1 + 3) × 2 = 8. Total 98.
    assert.equal(out.compilationCost, 6000n * 98n);
  });

  test('instrumentation is deterministic', async () => {
    const wasm = await watToWasm(GOLDEN.map((g) => g.wat).find((w) => w.includes('call_indirect'))!);
    assert.deepEqual(instrument(decodeModule(wasm)).binary, instrument(decodeModule(wasm)).binary);
  });
});

describe('unmetered twins of straight-line functions', () => {
  const MODULE = `(module (import "env" "seen" (func $seen))
    (type $t (func (param i32) (result i32)))
    (table 1 funcref) (elem (i32.const 0) $leaf)
    (func $leaf (export "leaf") (param i32) (result i32) local.get 0 i32.const 2 i32.add)
    (func $branchy (param i32) (result i32) local.get 0 if (result i32) i32.const 1 else i32.const 2 end)
    (func $uncalled (result i32) i32.const 3)
    (func (export "run") (param i32) (result i32)
      local.get 0 call $leaf call $branchy i32.const 0 call_indirect (type $t)
      (global.set $g (ref.func $leaf)) ref.func $leaf drop)
    (global $g (mut funcref) (ref.null func)))`;

  test('direct calls go to an appended twin; exports, tables and ref.func keep the metered function', async () => {
    const out = await build(MODULE);
    const w = await wabt();
    const read = w.readWasm(out.binary, { readDebugNames: true, multi_memory: true } as never);
    read.applyNames();
    const text = read.toText({ foldExprs: false });
    const defined = [...text.matchAll(/^ {2}\(func \$([\w.]+) \(type/gm)].map((m) => m[1]);
    // the functions keep their indices (4 to 7 after the 4 imports); the one twin comes after them
    assert.deepEqual(defined.slice(0, 4), ['leaf', 'branchy', 'uncalled', 'leaf.unmetered']);
    assert.ok(text.indexOf('(func (;7;) (type') < text.indexOf('(func $leaf.unmetered (type'), 'the twin follows run (7)');
    assert.match(text, /call \$leaf\.unmetered\n/);
    assert.doesNotMatch(text, /call \$leaf\n/);
    assert.match(text, /call \$branchy\n/, 'a function with branches has no twin');
    assert.match(text, /\(export "leaf" \(func \$leaf\)\)/);
    assert.match(text, /\(elem \(;0;\) \(i32\.const 0\) func \$leaf\)/);
    assert.match(text, /ref\.func \$leaf\n/);
    assert.doesNotMatch(text, /uncalled\.unmetered/, 'a function nobody calls directly gets no twin');
    const twin = text.slice(text.indexOf('(func $leaf.unmetered'));
    assert.doesNotMatch(twin.slice(0, twin.indexOf('\n  (func', 1)), /global\.|out_of_instructions/, 'the twin is not metered');
  });

  test('what imports see around calls to twins is the replica’s count', async () => {
    const out = await build(`(module (import "env" "seen" (func $seen))
      (func $leaf (result i32) i32.const 1 i32.const 2 i32.add)
      (func (export "run") (result i32)
        call $leaf drop call $seen call $leaf drop call $leaf drop call $seen i32.const 0))`);
    const seen: bigint[] = [];
    const r = start(out, { env: { seen: () => seen.push(used(r)) } });
    fn(r, 'run')();
    // run: entry 1 + 3 × (call 5 + drop 1) + 2 × call 5 + const 1 = 30, charged at entry; $leaf: 1 + 3 = 4 per call
    assert.deepEqual(seen, [34n, 42n]);
    assert.equal(used(r), 42n);
  });

  // The replica checks the counter at a straight-line callee's entry. By default the caller charges
  // the callee and leaves the check to its next check point; with twinEntryChecks the caller checks
  // where the callee's entry would, with the same counter.
  for (const entryChecks of [false, true]) {
    test(`out_of_instructions around a call to a twin (twinEntryChecks: ${entryChecks})`, async () => {
      const out = await build(`(module
        (func $leaf (result i32) i32.const 1 i32.const 2 i32.add)
        (func $next (block (br 0)))
        (func (export "run") call $leaf drop call $next))`, { twinEntryChecks: entryChecks });
      const seen: bigint[] = [];
      const late: { counter?: WebAssembly.Global } = {};
      const instance = new WebAssembly.Instance(new WebAssembly.Module(out.binary), { __: {
        out_of_instructions: () => { seen.push(late.counter!.value as bigint); late.counter!.value = 1000n; },
        try_grow_wasm_memory: () => 0, internal_trap: () => 0,
      } });
      const counter = late.counter = instance.exports[EXPORTS.instructionCounter] as WebAssembly.Global;
      // run: entry 1 + call 5 + drop 1 + call 5 = 12; $leaf 4; $next: 1 + br 2 = 3. Budget 13: 1 left after
      // run's entry, -3 at $leaf's entry (the replica calls out_of_instructions there), -6 at $next's entry.
      counter.value = 13n;
      (instance.exports.run as () => void)();
      if (entryChecks) {
        assert.deepEqual(seen, [-3n]);
        assert.equal(counter.value, 1000n - 3n);
      } else {
        assert.deepEqual(seen, [-6n], 'the check moves to the next check point; the count there is the replica’s');
        assert.equal(counter.value, 1000n);
      }
    });
  }
});

describe('module structure', () => {
  const MODULE = `(module $m
    (import "ic0" "msg_reply" (func $reply))
    (import "ic0" "msg_arg_data_size" (func $size (result i32)))
    (type $t (func (result i32)))
    (memory $mem 1) (export "mem" (memory $mem))
    (table $tab 4 funcref)
    (global $exported (mut i32) (i32.const 1)) (export "g" (global $exported))
    (global $hidden (mut i64) (i64.const 2))
    (global $const i32 (i32.const 3))
    (global $fref funcref (ref.func $seven))
    (elem (i32.const 0) func $seven $eight)
    (elem (table $tab) (i32.const 2) funcref (ref.func $nine) (ref.null func))
    (data (i32.const 16) "abc")
    (data $passive "xyz")
    (func $seven (result i32) i32.const 7)
    (func $eight (result i32) i32.const 8)
    (func $nine (result i32) i32.const 9)
    (func $init (global.set $hidden (i64.const 42)))
    (start $init)
    (func $run (export "canister_update run") (result i32)
      (i32.add (call_indirect (type $t) (i32.const 1))
        (i32.add (call_indirect (type $t) (i32.const 2)) (call $call_ref_like))))
    (func $call_ref_like (result i32) (call $seven))
    (func (export "canister_query q"))
    (func (export "canister_init")))`;

  test('function indices shift everywhere and the module still runs', async () => {
    const out = await build(MODULE);
    const r = start(out, { ic0: { msg_reply: () => 0, msg_arg_data_size: () => 0 } });
    assert.equal(fn(r, 'canister_update run')(), 8 + 9 + 7);
    fn(r, EXPORTS.start)();
    assert.equal(r.exports.__persistent_mutable_global_1 instanceof WebAssembly.Global, true);
    assert.equal((r.exports.__persistent_mutable_global_1 as WebAssembly.Global).value, 42n);
    const imports = WebAssembly.Module.imports(new WebAssembly.Module(out.binary));
    assert.deepEqual(imports.map((i) => `${i.module}.${i.name}`), ['ic0.msg_reply', 'ic0.msg_arg_data_size',
      ...INJECTED_IMPORTS.map((n) => `__.${n}`)]);
  });

  test('exports: memory, table, counter, budget, bytemap, canister_start, persistent globals', async () => {
    const out = await build(MODULE);
    const exports = new Map(WebAssembly.Module.exports(new WebAssembly.Module(out.binary)).map((e) => [e.name, e.kind]));
    for (const [name, kind] of [['mem', 'memory'], ['memory', 'memory'], ['table', 'table'], [EXPORTS.instructionCounter, 'global'],
      [EXPORTS.stackBudget, 'global'], [EXPORTS.dirtyBytemap, 'memory'], [EXPORTS.start, 'function'], ['g', 'global'],
      ['__persistent_mutable_global_1', 'global']]) {
      assert.equal(exports.get(name), kind, name);
    }
    assert.equal(exports.has('__persistent_mutable_global_0'), false, 'an exported global keeps its own name');
    assert.equal(exports.has('__persistent_mutable_global_2'), false, 'immutable globals are not persisted');
    assert.deepEqual(out.persistentGlobals, [{ name: 'g', index: 0, type: 0x7f }, { name: '__persistent_mutable_global_1', index: 1, type: 0x7e }]);
    assert.deepEqual(out.exportedMethods, { update: ['run'], query: ['q'], compositeQuery: [], system: ['canister_init', 'canister_start'] });
    assert.equal(out.hasStart, true);
    assert.equal(decodeModule(out.binary).start, undefined);
    assert.equal(out.bytemapBytes, 1 << 20);
  });

  test('active data segments become empty passive ones in place and are returned', async () => {
    const out = await build(MODULE);
    assert.deepEqual(out.dataSegments, [{ offset: 16n, bytes: new TextEncoder().encode('abc') }]);
    const m = decodeModule(out.binary);
    assert.equal(m.dataCount, 2);
    assert.deepEqual(m.data.map((d) => [d.mode.kind, d.bytes.length]), [['passive', 0], ['passive', 3]]);
    const init = await build(`(module (memory 1) (data (i32.const 0) "abc")
      (func (export "run") (param i32) i32.const 0 i32.const 0 local.get 0 memory.init 0))`);
    const r = start(init);
    fn(r, 'run')(0);
    assert.throws(() => fn(r, 'run')(1), WebAssembly.RuntimeError, 'like a dropped active segment');
  });

  test('the name section follows the functions; one that does not parse is dropped', async () => {
    const out = await build(MODULE);
    const w = await wabt();
    const features = { readDebugNames: true, multi_memory: true }; // multi_memory: known to wabt, missing from its types
    const read = w.readWasm(out.binary, features);
    read.applyNames();
    const text = read.toText({ foldExprs: false });
    assert.match(text, /\(export "canister_update run" \(func \$run\)\)/);
    assert.match(text, /\(func \$seven \(type [^)]+\) \(result i32\)\n\s+\(local i64\)/);
    assert.match(text, /\(import "__" "out_of_instructions" \(func \$__\.out_of_instructions/);
    assert.match(text, /\(elem \(;0;\) \(i32\.const 0\) func \$seven \$eight\)/);
    assert.match(text, /call \$seven/);
    const m = decodeModule(await watToWasm(MODULE));
    const broken = { ...m, sections: m.sections.map((s) => (s.custom?.name === 'name'
      ? { ...s, bytes: undefined, custom: { name: 'name', data: Uint8Array.of(1, 9, 9) } } : s)) };
    const stripped = instrument(broken);
    assert.equal(decodeModule(stripped.binary).customs.some((c) => c.name === 'name'), false);
  });

  test('the module’s own branch hints are dropped; the output has only the injected checks’ hints', async () => {
    const m = decodeModule(await watToWasm('(module (func (export "run") (param i32) (loop local.get 0 br_if 0)))'));
    const code = m.sections.findIndex((x) => x.id === SectionId.code);
    const own = { id: SectionId.custom, offset: 0, custom: { name: 'metadata.code.branch_hint', data: Uint8Array.of(1, 0, 1, 5, 1, 1) } };
    const out = instrument({ ...m, sections: [...m.sections.slice(0, code), own, ...m.sections.slice(code)] });
    const hints = decodeModule(out.binary).customs.filter((c) => c.name === 'metadata.code.branch_hint');
    assert.equal(hints.length, 1);
    assert.notDeepEqual(hints[0].data, own.custom.data);
  });

  test('modules the replica refuses: two memories, a data segment outside the initial memory', async () => {
    const two = decodeModule(await watToWasm('(module (memory 1))'));
    two.memories.push({ min: 1n, is64: false, shared: false });
    assert.throws(() => instrument(two), (e: unknown) => e instanceof InstrumentationError
      && e.message === 'Wasm module has 2 memory sections but should have had 1');
    const outside = decodeModule(await watToWasm('(module (memory 1) (data (i32.const 65534) "abc"))'));
    assert.throws(() => instrument(outside), (e: unknown) => e instanceof InstrumentationError && !e.internal
      && e.message === 'Wasm module has invalid data segment of 3 bytes at 65534');
  });

  test('mutable v128 globals are saved to and restored from slots in __dirty', async () => {
    const out = await build(`(module (memory 1)
      (global $v (mut v128) (v128.const i32x4 1 2 3 4)) (global $w (mut v128) (v128.const i32x4 0 0 0 0))
      (func (export "lane") (result i32) global.get $w i32x4.extract_lane 2))`);
    const [v, w] = out.persistentGlobals;
    assert.deepEqual([v.name, w.name, v.type], ['__persistent_mutable_global_0', '__persistent_mutable_global_1', 0x7b]);
    const r = start(out);
    const slots = new Int32Array((r.exports[EXPORTS.dirtyBytemap] as WebAssembly.Memory).buffer);
    fn(r, EXPORTS.v128Save)();
    assert.deepEqual([...slots.subarray(v.v128Offset! / 4, v.v128Offset! / 4 + 4)], [1, 2, 3, 4]);
    slots.set([5, 6, 7, 8], w.v128Offset! / 4);
    fn(r, EXPORTS.v128Restore)();
    assert.equal(fn(r, 'lane')(), 7);
  });

  test('a wasm64 memory gets the maximum heap as its maximum', async () => {
    const out = await build('(module (memory i64 1))', { maxWasm64MemoryBytes: 1n << 30n });
    assert.equal(decodeModule(out.binary).memories[0].max, (1n << 30n) / 65536n);
    assert.equal(out.bytemapBytes, (1 << 30) / 4096);
  });
});

describe('dirty pages', () => {
  const P = 4096;
  const marked = (r: Run): number[] => {
    const map = new Uint8Array((r.exports[EXPORTS.dirtyBytemap] as WebAssembly.Memory).buffer);
    const pages: number[] = [];
    map.forEach((b, i) => { if (b !== 0) pages.push(i); });
    map.fill(0);
    return pages;
  };
  const stores = (T: 'i32' | 'i64', c: (n: number) => string) => `
    (func (export "i32") (param ${T} i32) local.get 0 local.get 1 i32.store)
    (func (export "i64") (param ${T}) local.get 0 i64.const -1 i64.store)
    (func (export "byte") (param ${T}) local.get 0 i32.const 1 i32.store8)
    (func (export "f64_far") (param ${T}) local.get 0 f64.const 1 f64.store offset=${10 * P + P - 4})
    (func (export "v128") (param ${T}) local.get 0 v128.const i64x2 1 1 v128.store)
    (func (export "lane") (param ${T}) local.get 0 v128.const i64x2 1 1 v128.store64_lane 1)
    (func (export "fill") (param ${T} ${T}) local.get 0 i32.const 1 local.get 1 memory.fill)
    (func (export "copy") (param ${T} ${T}) local.get 0 ${c(0)} local.get 1 memory.copy)
    (func (export "init") (param ${T}) local.get 0 i32.const 0 i32.const 3 memory.init $d)
    (func (export "grow") (result ${T}) ${c(1)} memory.grow)`;

  for (const [T, mem, c] of [['i32', '(memory 32)', (n: number) => `i32.const ${n}`], ['i64', '(memory i64 32)', (n: number) => `i64.const ${n}`]] as const) {
    test(`stores and bulk operations mark exactly their pages (${T})`, async () => {
      const out = await build(`(module ${mem} (data $d "abc") ${stores(T, c)})`);
      const r = start(out);
      const a = (n: number) => (T === 'i64' ? BigInt(n) : n);
      const cases: Array<[string, unknown[], number[]]> = [
        ['i32', [a(P - 2), 7], [0, 1]], // straddles pages 0 and 1
        ['i32', [a(2 * P), 7], [2]],
        ['i64', [a(3 * P - 4)], [2, 3]],
        ['byte', [a(5 * P)], [5]],
        ['byte', [a(5 * P - 1)], [4]],
        ['f64_far', [a(0)], [10, 11]], // offset 10·4096 + 4092, 8 bytes
        ['f64_far', [a(8)], [11]],
        ['v128', [a(7 * P - 8)], [6, 7]],
        ['lane', [a(9 * P - 4)], [8, 9]],
        ['fill', [a(12 * P + 100), a(2 * P)], [12, 13, 14]],
        ['fill', [a(12 * P), a(0)], []],
        ['fill', [a(60 * P), a(8 * P)], [60, 61, 62, 63, 64, 65, 66, 67]], // 8 pages: marked one by one
        ['fill', [a(70 * P + 1), a(8 * P)], [70, 71, 72, 73, 74, 75, 76, 77, 78]], // 9 pages: one memory.fill
        ['copy', [a(20 * P), a(1)], [20]],
        ['init', [a(21 * P - 1)], [20, 21]],
      ];
      for (const [name, args, pages] of cases) {
        fn(r, name)(...args);
        assert.deepEqual(marked(r), pages, `${name}(${args.join(', ')})`);
      }
      assert.throws(() => fn(r, 'i32')(a(32 * 65536 - 2), 1), WebAssembly.RuntimeError);
      assert.deepEqual(marked(r), [], 'a store that traps marks nothing');
      assert.equal(fn(r, 'grow')(), a(32));
      assert.deepEqual(marked(r), [], 'memory.grow marks nothing');
      fn(r, 'byte')(a(32 * 65536 + 5));
      assert.deepEqual(marked(r), [32 * 16], 'a store to grown memory');
    });
  }

  test('pair marking: a store marks its first page and the next', async () => {
    const out = await build(`(module (memory 32) (data $d "abc") ${stores('i32', (n) => `i32.const ${n}`)})`, { barrier: 'pair' });
    const r = start(out);
    for (const [name, args, pages] of [['i32', [P - 2, 7], [0, 1]], ['i32', [2 * P, 7], [2, 3]], ['byte', [5 * P], [5]],
      ['f64_far', [0], [10, 11]], ['fill', [12 * P + 100, 2 * P], [12, 13, 14]]] as Array<[string, unknown[], number[]]>) {
      fn(r, name)(...args);
      assert.deepEqual(marked(r), pages, `${name}(${args.join(', ')})`);
    }
    assert.equal(out.bytemapBytes, (1 << 20) + 1);
  });
});

describe('deterministic stack depth', () => {
  const RECURSIVE = `(module (import "env" "tick" (func $tick))
    (type $v (func))
    (table 1 funcref) (elem (i32.const 0) $indirect)
    (func $deep (export "deep") (local i64 i64 i64) call $tick call $deep)
    (func $indirect (export "indirect") call $tick i32.const 0 call_indirect (type $v))
    (func $chain (export "chain") (param i32) (result i32) local.get 0 call $leaf)
    (func $count (export "count") (param i32) local.get 0 if local.get 0 i32.const 1 i32.sub call $count end)
    (func $leaf (param i32) (result i32) local.get 0 i32.const 1 i32.add))`;

  async function depth(bytes: Uint8Array, entry: string, budget: number, before?: (r: Run) => void) {
    const out = instrument(decodeModule(bytes));
    const budgets: number[] = [];
    const r = start(out, { env: { tick: () => budgets.push(r.exports.__stack_budget.value as number) } }, 0, budget);
    before?.(r);
    r.exports.__stack_budget.value = budget;
    budgets.length = 0;
    let code = -1;
    try { fn(r, entry)(); } catch (e) { code = e instanceof InternalTrap ? e.code : -2; }
    return { ticks: budgets.length, charge: budgets[0] - budgets[1], code, first: budget - budgets[0] };
  }

  test('unbounded recursion traps with code 0 at the depth the budget allows, on every run', async () => {
    const bytes = await watToWasm(RECURSIVE);
    for (const entry of ['deep', 'indirect']) {
      const a = await depth(bytes, entry, 256 * 1024);
      assert.equal(a.code, InternalTrapCode.StackOverflow, entry);
      assert.equal(a.ticks, Math.floor(256 * 1024 / a.charge), `${entry}: depth = budget / charge`);
      assert.deepEqual(await depth(bytes, entry, 256 * 1024), a, `${entry}: same depth again`);
      const after = await depth(bytes, entry, 256 * 1024, (r) => {
        for (let i = 0; i < 100; i++) fn(r, 'chain')(i);
        const budget = r.exports.__stack_budget.value as number;
        fn(r, 'count')(300);
        assert.equal(r.exports.__stack_budget.value, budget, 'a recursion that returns gives its budget back');
      });
      assert.deepEqual(after, a, `${entry}: the depth does not depend on call history`);
    }
  });

  test('the depth is the same in a fresh worker', async () => {
    const bytes = await watToWasm(RECURSIVE);
    const here = await depth(bytes, 'deep', 256 * 1024);
    const out = instrument(decodeModule(bytes));
    const worker = new Worker(`
      const { parentPort, workerData } = require('node:worker_threads');
      let ticks = 0, code = -1;
      const inst = new WebAssembly.Instance(new WebAssembly.Module(workerData), { env: { tick: () => ticks++ },
        __: { out_of_instructions: () => {}, try_grow_wasm_memory: () => 0, internal_trap: (c) => { code = c; throw new Error('trap'); } } });
      inst.exports['canister counter_instructions'].value = 1n << 40n;
      inst.exports.__stack_budget.value = ${256 * 1024};
      try { inst.exports.deep(); } catch {}
      parentPort.postMessage({ ticks, code });`, { eval: true, workerData: out.binary });
    const result = await new Promise((resolve, reject) => { worker.once('message', resolve); worker.once('error', reject); });
    assert.deepEqual(result, { ticks: here.ticks, code: 0 });
  });

  // V8's stack is 984 KiB, the test runner's frames below it; the host's budget is 728 KiB minus the headroom. A budget
  // of 896 KiB runs out first if every charged frame covers V8's, in Liftoff and in TurboFan, with what V8 inlines.
  test('frame estimates cover V8’s frames: a budget of 896 KiB runs out before V8’s stack, after tier-up too', async () => {
    const L = (n: number, t: string) => Array.from({ length: n }, () => t).join(' ');
    const gets = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `(local.get ${from + i})`).join(' ');
    const fold = (op: string, items: string[]) => items.reduce((a, b) => `(${op} ${a} ${b})`);
    const locals = (n: number, from: number) => Array.from({ length: n }, (_, i) => `(local.get ${from + i})`);
    const products = (k: number, op: string) => Array.from({ length: k }, (_, i) => `(i64.mul (local.get 1) (i64.const ${2 * i + 3}))`)
      .reduce((a, b) => `(${op} ${a} ${b})`);
    // $g recurses n levels and returns (returns make V8 tier a function up; a throw does not).
    const rec = (locals: string, before: string, call: string, after: string) => `(func $g (export "f") (param i32) (result i32) ${locals}
      (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0)) (else ${before} (drop ${call}) ${after})))`;
    const down = '(call $g (i32.sub (local.get 0) (i32.const 1)))';
    const shapes: Record<string, string> = {
      scalar: rec('', '', down, '(i32.const 1)'),
      'i64 locals': rec(`(local ${L(8, 'i64')})`, `${L(8, '(call $rnd)')} ${Array.from({ length: 8 }, (_, i) => `local.set ${8 - i}`).join(' ')}`,
        down, `(i32.wrap_i64 ${fold('i64.add', locals(8, 1))})`),
      v128: rec(`(local ${L(4, 'v128')})`, '', `(i32x4.extract_lane 0 ${fold('v128.xor', [...locals(4, 1), `(i32x4.splat ${down})`])})`, '(i32.const 1)'),
      '20 locals': rec(`(local ${L(20, 'i64')})`, '', down, '(i32.const 1)'),
      '10 parameters': `(func (export "f") (param i32) (result i32) local.get 0 ${L(9, 'i64.const 1')} call $g)
        (func $g (param i32 ${L(9, 'i64')}) (result i32) (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
          (else (call $g (i32.sub (local.get 0) (i32.const 1)) ${gets(9, 1)}))))`,
      // A small callee keeping 30 call results live across its last call, which V8 would merge into the charged frame
      // if it could; $g itself is too large to be inlined into itself (a never-taken branch).
      'an inlinable callee': `(func $h (param i64) (result i64) ${L(30, '(call $rnd)')} (call $rnd)
          ${Array.from({ length: 30 }, (_, i) => ['i64.sub', 'i64.xor', 'i64.mul', 'i64.rotl'][i % 4]).join(' ')} local.get 0 i64.add)
        (func $g (export "f") (param i32) (result i32)
          (if (i32.eq (local.get 0) (i32.const -7)) (then ${L(200, '(drop (call $rnd))')}))
          (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
            (else (i32.add (i32.wrap_i64 (call $h (i64.extend_i32_u (local.get 0)))) ${down}))))`,
      // Pure subexpressions computed before the recursive call and again after it: value numbering keeps them live across it.
      'values numbered across the call': rec('(local i64)', `(local.set 1 (i64.extend_i32_u (local.get 0))) (global.set $x ${products(40, 'i64.xor')})`,
        down, `(global.set $x (i64.add (global.get $x) ${products(40, 'i64.add')})) (i32.const 1)`),
    };
    configureEngine(); // the product's inlining flags
    for (const [name, shape] of Object.entries(shapes)) {
      const bytes = await watToWasm(`(module (import "env" "rnd" (func $rnd (result i64))) (global $x (mut i64) (i64.const 0)) ${shape})`);
      const r = start(instrument(decodeModule(bytes)), { env: { rnd: () => 1n } });
      for (let i = 0; i < 1000; i++) { // tier up: V8 compiles hot functions with TurboFan (in the background), inlining what it can
        r.exports.__stack_budget.value = 1 << 30;
        fn(r, 'f')(100);
        if (i % 100 === 99) await new Promise((resolve) => setTimeout(resolve, 10));
      }
      r.exports.__stack_budget.value = 896 * 1024;
      let code = -1;
      try { fn(r, 'f')(1 << 30); } catch (e) { code = e instanceof InternalTrap ? e.code : -2; assert.ok(code !== -2, `${name}: ${e}`); }
      assert.equal(code, InternalTrapCode.StackOverflow, name);
    }
  });

  test('a recursive function is charged its own frame; the frames it calls are counted once, in the headroom', async () => {
    const bytes = await watToWasm(`(module (import "env" "tick" (func $tick))
      (func $heavy (param i64) (result i64) (local ${Array.from({ length: 64 }, () => 'i64').join(' ')}) local.get 0 call $leaf)
      (func $leaf (param i64) (result i64) (local i64 i64 i64 i64) local.get 0)
      (func $rec (export "deep") call $tick (drop (call $heavy (i64.const 1))) call $rec)
      (func $lone (export "lone") call $rec))`);
    const out = instrument(decodeModule(bytes));
    const a = await depth(bytes, 'deep', 64 * 1024);
    const b = await depth(bytes, 'lone', 64 * 1024);
    assert.equal(a.code, InternalTrapCode.StackOverflow);
    assert.ok(a.charge < 200, `charge ${a.charge}`);
    assert.equal(a.ticks, Math.floor(64 * 1024 / a.charge));
    assert.deepEqual(b, a, 'an uncharged caller takes nothing either');
    assert.ok(out.stackHeadroomBytes >= 32 + 8 * 66, `headroom ${out.stackHeadroomBytes} covers $heavy`);
  });

  test('the headroom covers uncharged frames below and above a recursion', async () => {
    const L = (n: number) => Array.from({ length: n }, () => 'i64').join(' ');
    const frames = async (below: number, above: number) => instrument(decodeModule(await watToWasm(`(module
      (func $entry (export "go") (local ${L(below)}) call $rec)
      (func $rec call $above call $rec)
      (func $above (local ${L(above)}) nop))`))).stackHeadroomBytes;
    const base = await frames(1, 1);
    assert.equal(await frames(101, 1), base + 800, 'below');
    assert.equal(await frames(1, 101), base + 800, 'above');
    assert.equal(await frames(101, 101), base + 1600, 'both, on one stack');
  });

  test('charged functions, their direct callees and the helpers are sealed: too large for V8 to inline', async () => {
    const out = instrument(decodeModule(await watToWasm(`(module (memory 1)
      (func $small (param i32) (result i32) (if (result i32) (local.get 0) (then (i32.const 1)) (else (i32.const 2))))
      (func $straight (param i32) (result i32) local.get 0 i32.const 1 i32.add)
      (func $rec (export "rec") (param i32) (result i32)
        (memory.fill (i32.const 0) (i32.const 0) (local.get 0))
        (call $small (local.get 0)) (call $straight) call $rec)
      (func $plain (export "plain") (param i32) (result i32) (call $small (local.get 0)) call $straight))`)));
    const m = decodeModule(out.binary);
    const size = (f: number) => bodyBytes(m.code[f - m.importedFuncs].locals, m.code[f - m.importedFuncs].code.length);
    const callsOf = (f: number) => {
      const r = new OperatorReader(m.code[f - m.importedFuncs].code);
      const to: number[] = [];
      while (r.next()) if (r.prefix === 0 && r.code === 0x10) to.push(r.a);
      return to;
    };
    const first = m.importedFuncs; // $small, $straight, $rec, $plain, then the twin of $straight, helpers, sealed copies
    const [small, straight, rec, plain] = [first, first + 1, first + 2, first + 3];
    assert.ok(size(rec) > INLINING_MAX_BODY_BYTES, 'the charged function');
    assert.ok(size(small) <= INLINING_MAX_BODY_BYTES && size(straight) <= INLINING_MAX_BODY_BYTES, 'the originals stay inlinable');
    const fromRec = callsOf(rec).filter((f) => f >= m.importedFuncs);
    assert.ok(fromRec.length >= 4, `calls ${fromRec}`);
    for (const f of fromRec) assert.ok(f === rec || size(f) > INLINING_MAX_BODY_BYTES, `$rec calls ${f}, of ${size(f)} bytes`);
    const fromPlain = callsOf(plain).filter((f) => f >= m.importedFuncs);
    assert.ok(fromPlain.includes(small), 'an uncharged caller calls the original');
    const copyOfSmall = fromRec.find((f) => f > plain && m.code[f - first].code.length === m.code[small - first].code.length);
    assert.ok(copyOfSmall !== undefined, 'a sealed copy of $small');
    assert.deepEqual(m.code[copyOfSmall - first].code, m.code[small - first].code, 'the copy runs the same code');
    const twin = fromPlain.find((f) => f !== small)!;
    assert.ok(twin > plain && size(twin) <= INLINING_MAX_BODY_BYTES, '$plain calls the twin of $straight');
    assert.ok(fromRec.every((f) => f !== twin), '$rec calls a sealed copy of the twin');
    const helpers = callsOf(rec).filter((f) => f > twin && f !== copyOfSmall && callsOf(f).length > 0);
    assert.ok(helpers.length > 0 && helpers.every((f) => size(f) > INLINING_MAX_BODY_BYTES), 'the helpers');
  });

  test('functions off call cycles take nothing from the budget; the headroom covers their chains', async () => {
    const out = instrument(decodeModule(await watToWasm(RECURSIVE)));
    const r = start(out, { env: { tick: () => 0 } });
    assert.equal(fn(r, 'chain')(41), 42);
    assert.equal(r.exports.__stack_budget.value, 1 << 20);
    assert.ok(out.stackHeadroomBytes > 0);
  });
});
