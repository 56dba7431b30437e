// Validation of canister modules, part 2: disabled Wasm features, limits,
// data and custom sections, the engine check, and real canisters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCorpus } from '../../test/corpus/index.ts';
import { assertInvalid, assertValid, check, name, rawModule, vec, voidFunctions, wat } from '../../test/wasm/modules.ts';
import { decodeModule } from './decode.ts';
import { scanCode } from './validate-code.ts';

const ENGINE = /^Wasmtime failed to validate wasm module wasmtime::Module::validate\(\) failed with /;
const engine = (detail: string) => new RegExp(`${ENGINE.source}${detail}$`);
const VOID_TYPE: [number, number[]] = [1, vec([[0x60, 0, 0]])];

/** A module with one () -> () function whose body (without locals) is `code`. */
function oneFunction(code: number[], ...more: Array<[number, ArrayLike<number>]>): Uint8Array {
  const body = [0, ...code];
  const sections: Array<[number, ArrayLike<number>]> = [VOID_TYPE, [3, vec([[0]])], ...more.filter(([id]) => id < 10)];
  return rawModule(...sections, [10, vec([[...leb(body.length), ...body]])], ...more.filter(([id]) => id > 10));
}

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    const b = n & 0x7f;
    n = Math.floor(n / 128);
    out.push(n > 0 ? b | 0x80 : b);
  } while (n > 0);
  return out;
}

test('Wasm features the IC disables are refused with the instruction and function', async () => {
  const zero = '(v128.const i32x4 0 0 0 0)';
  assertInvalid(await wat(`(module (func (drop (f32x4.relaxed_madd ${zero} ${zero} ${zero}))))`, { relaxed_simd: true }),
    engine('relaxed SIMD support is not enabled: function 0 uses f32x4\\.relaxed_madd \\(at offset 0x[0-9a-f]+\\)'));
  assertInvalid(await wat('(module (import "ic0" "msg_reply" (func)) (func $f (return_call $f)))', { tail_call: true }),
    engine('tail calls support is not enabled: function 1 uses return_call \\(at offset 0x[0-9a-f]+\\)'));
  assertInvalid(await wat('(module (func (try (do nop) (catch_all nop))))', { exceptions: true }),
    engine('exceptions support is not enabled: function 0 uses try \\(at offset 0x[0-9a-f]+\\)'));
  assertInvalid(await wat('(module (tag $t) (func (throw $t)))', { exceptions: true }),
    engine('exceptions support is not enabled: the module has a tag section'));
  assertInvalid(oneFunction([0xd0, 0x70, 0xd4, 0x1a, 0x0b]),
    engine('function references support is not enabled: function 0 uses ref\\.as_non_null \\(at offset 0x[0-9a-f]+\\)'));
  assertInvalid(oneFunction([0xd0, 0x70, 0xd0, 0x70, 0xd3, 0x1a, 0x0b]), engine('gc support is not enabled: function 0 uses ref\\.eq .*'));
  // Fixed-width SIMD is fine.
  assertValid(await wat(`(module (func (drop (f32x4.add ${zero} ${zero}))))`));
});

test('table.grow, table.set, table.fill, table.copy and table.init are unsupported; table.get is not', async () => {
  const ops: Array<[string, string]> = [
    ['table.grow', '(drop (table.grow $t (ref.null func) (i32.const 1)))'],
    ['table.set', '(table.set $t (i32.const 0) (ref.null func))'],
    ['table.fill', '(table.fill $t (i32.const 0) (ref.null func) (i32.const 1))'],
    ['table.copy', '(table.copy $t $t (i32.const 0) (i32.const 0) (i32.const 1))'],
    ['table.init', '(table.init $t $e (i32.const 0) (i32.const 0) (i32.const 0))'],
  ];
  for (const [op, code] of ops) {
    const bytes = await wat(`(module (import "ic0" "msg_reply" (func)) (table $t 1 funcref) (elem $e func) (func ${code}))`);
    assertInvalid(bytes, `Wasm module contains a function at index 1 with unsupported instruction ${op}.`);
  }
  assertValid(await wat('(module (table $t 1 funcref) (func (drop (table.get $t (i32.const 0))) (drop (table.size $t))))'));
});

test('constant expressions: no extended constants, no global.get of a defined global', async () => {
  assertInvalid(await wat('(module (global i32 (i32.add (i32.const 1) (i32.const 2))))', { extended_const: true }),
    engine('extended constant expressions support is not enabled: the initializer of global 0 uses i32\\.add'));
  assertInvalid(await wat('(module (global $a i32 (i32.const 1)) (global i32 (global.get $a)))'),
    engine('constant expression required: global\\.get of locally defined global \\(the initializer of global 1 reads global 0\\)'));
  assertInvalid(await wat('(module (memory 1) (data (i32.mul (i32.const 1) (i32.const 2)) "x"))', { extended_const: true }),
    engine('extended constant expressions support is not enabled: the offset of data segment 0 uses i32\\.mul'));
  assertInvalid(await wat('(module (memory 1) (global $g i32 (i32.const 0)) (data (global.get $g) "x"))'),
    engine('constant expression required: global\\.get of locally defined global \\(the offset of data segment 0 reads global 0\\)'));
});

test('active data segments start at one constant of the memory width', async () => {
  assertValid(await wat('(module (memory 1) (data (i32.const 8) "x") (data "passive"))'));
  assertValid(await wat('(module (memory i64 1) (data (i64.const 8) "x"))'));
  assertInvalid(await wat('(module (memory 1) (data (i64.const 0) "x"))'),
    'Wasm module has an invalid data section. Invalid offset expression in data segment for 32bit memory: [i64.const 0]');
  assertInvalid(await wat('(module (memory i64 1) (data (i32.const 7) "x"))'),
    'Wasm module has an invalid data section. Invalid offset expression in data segment for 64bit memory: [i32.const 7]');
});

test('at most 1,000 globals, of numeric or vector type', async () => {
  const globals = (n: number) => Array.from({ length: n }, () => '(global i32 (i32.const 0))').join(' ');
  assertValid(await wat(`(module ${globals(999)} (global v128 (v128.const i64x2 0 0)))`));
  assertInvalid(await wat(`(module ${globals(1001)})`), 'Wasm module defined 1001 globals which exceeds the maximum number allowed 1000.');
  const err = check(await wat(`(module ${globals(1001)})`));
  assert.match(err?.description ?? '', /maximum number allowed 1000\.+\nTry collecting multiple globals into a single structured which can be stored on the heap\. See documentation: https:\/\/\S+#wasm-module-too-many-globals$/);
  assertInvalid(await wat('(module (global funcref (ref.null func)))'), 'Wasm module has an invalid global section. Unsupported global type: funcref');
});

test('at most 50,000 defined functions (imports do not count)', () => {
  assertValid(rawModule(...voidFunctions(50_000)));
  assertInvalid(rawModule(...voidFunctions(50_001)), 'Wasm module defined 50001 functions which exceeds the maximum number allowed 50000.');
});

test('per-function complexity and instruction count', () => {
  // A function of 999,999 nops and its end: 1,000,000 instructions, complexity 1,000,000 — the limit.
  assertValid(oneFunction([...new Array<number>(999_999).fill(0x01), 0x0b]));
  assertInvalid(oneFunction([...new Array<number>(1_000_000).fill(0x01), 0x0b]),
    'Wasm module contains a function at index 0 with complexity 1000001 which exceeds the maximum complexity allowed 1000000.');
  // 20,001 calls weigh 50 each.
  const calls = new Array<number>(20_001).fill(0).flatMap(() => [0x10, 0]);
  assertInvalid(oneFunction([...calls, 0x0b]),
    'Wasm module contains a function at index 0 with complexity 1000051 which exceeds the maximum complexity allowed 1000000.');
  // Every operator weighs at least 1, so at equal limits complexity always fires first; with a
  // higher complexity limit the instruction count is the one that fails.
  const m = decodeModule(oneFunction([...new Array<number>(10).fill(0x01), 0x0b]));
  assert.deepEqual(scanCode(m, { complexity: 1000, instructions: 10 }).rule,
    { kind: 'FunctionTooLarge', index: 0, size: 11, allowed: 10 });
});

test('complexity weights follow the replica', () => {
  const cases: Array<[number[], number]> = [
    [[0x02, 0x40, 0x01, 0x0b, 0x0b], 53], // block nop end end
    [[0x41, 0, 0x28, 2, 0, 0x1a, 0x0b], 6], // i32.const, i32.load (3), drop, end
    [[0x44, 0, 0, 0, 0, 0, 0, 0, 0, 0x9a, 0x1a, 0x0b], 7], // f64.const, f64.neg (4), drop, end
    [[0x41, 0, 0x41, 0, 0x41, 0, 0x1b, 0x1a, 0x0b], 7], // select (2)
    [[0x41, 0, 0x41, 0, 0x41, 0, 0x1c, 1, 0x7f, 0x1a, 0x0b], 6], // typed select (1)
    [[0x41, 0, 0x40, 0, 0x1a, 0x0b], 53], // memory.grow (50)
    [[0xd2, 0, 0x1a, 0x0b], 10], // ref.func (8)
  ];
  for (const [code, complexity] of cases) {
    const m = decodeModule(oneFunction(code, [5, vec([[0, 1]])]));
    const rule = scanCode(m, { complexity: 0, instructions: 1_000_000 }).rule;
    assert.deepEqual(rule, { kind: 'FunctionComplexityTooHigh', index: 0, complexity, allowed: 0 }, code.join(' '));
  }
});

test('the code section is at most 10 MiB', () => {
  const n = 10 * 1024 * 1024;
  const head = [1, ...leb(n + 2), 0]; // one body: its size, no locals
  const section = new Uint8Array(head.length + n + 1).fill(0x01);
  section.set(head, 0);
  section[head.length + n] = 0x0b;
  const bytes = rawModule(VOID_TYPE, [3, vec([[0]])], [10, section]);
  assertInvalid(bytes, 'Wasm module code section size of 10485767 exceeds the maximum allowed size of 10485760.');
});

/** A custom section. */
const custom = (sectionName: string, size = 1): [number, number[]] => [0, [...name(sectionName), ...new Array<number>(size).fill(7)]];

test('icp: custom sections', () => {
  const sixteen = Array.from({ length: 16 }, (_, i) => custom(`icp:${i % 2 ? 'public' : 'private'} s${i}`));
  assertValid(rawModule(...sixteen, custom('name', 100), custom('candid:service'), custom('icpx')));
  assertValid(rawModule(...sixteen.slice(1), custom('icp:public '))); // an empty <name> is fine
  assertInvalid(rawModule(...sixteen, custom('icp:public s16')), 'Wasm module defined 17 custom sections which exceeds the maximum number allowed 16.');
  assertInvalid(rawModule(custom('icp:public x'), custom('icp:private x')),
    'Wasm module has an invalid custom section. Invalid custom section: name x already exists');
  assertInvalid(rawModule(custom('icp:public a', 1024 * 1024)),
    'Wasm module has an invalid custom section. Invalid custom sections: total size of the custom sections exceeds the maximum allowed: size 1048577 bytes, allowed 1048576 bytes');
  assertValid(rawModule(custom('icp:public a', 1024 * 1024 - 1)));
  assertInvalid(rawModule(custom('icp:protected x')),
    "Wasm module has an invalid custom section. Invalid custom section: Custom section 'icp:protected x' has no public/private scope defined.");
  assertInvalid(rawModule(custom('icp:public')),
    "Wasm module has an invalid custom section. 'icp:' section names must have a space after the public/private scope");
});

test('what only V8 can tell is reported with V8\'s text', async () => {
  assertInvalid(await wat('(module (func (result i32) (i64.const 0)))'),
    engine('Compiling function #0 failed: type error in fallthru\\[0\\] \\(expected i32, got i64\\) @\\+\\d+'));
  assertInvalid(await wat('(module (func (call 7)))'), engine('Compiling function #0 failed: .*function index #7.*'));
  assertInvalid(rawModule(VOID_TYPE, [2, vec([[...name('ic0'), ...name('msg_reply'), 0, 3]])]), engine('.*type.*'));
});

test('every corpus canister (Motoko EOP and classic, WAT, C) is valid', async () => {
  const corpus = await loadCorpus();
  assert.ok(corpus.some((e) => e.kind === 'motoko-eop') && corpus.some((e) => e.kind === 'wat'));
  for (const e of corpus) assert.equal(check(e.bytes)?.description, undefined, e.name);
});
