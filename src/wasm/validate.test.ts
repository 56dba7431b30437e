// Validation of canister modules, part 1: malformed binaries, imports,
// memories and tables, exports. Part 2 (features, limits, sections, the
// engine check) is validate-rules.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IC0_IMPORTS } from '../config/index.ts';
import { assertInvalid, assertValid, name, rawModule, vec, wat } from '../../test/wasm/modules.ts';
import { IC0_SIGNATURE_NAMES, ic0Signature } from './validate-imports.ts';

const HEADER = [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0];
const GOOD = `(module
  (import "ic0" "msg_reply" (func $reply))
  (memory 1)
  (func $go (call $reply))
  (export "canister_query go" (func $go)))`;

test('a small valid canister passes', async () => {
  assertValid(await wat(GOOD));
});

test('malformed binaries are IC0505 decoding errors naming the defect', async () => {
  const good = await wat(GOOD);
  const cases: Array<[string, Uint8Array, RegExp]> = [
    ['bad magic', Uint8Array.from([0, 0x61, 0x73, 0x6e, 1, 0, 0, 0]), /^Failed to decode wasm module: magic header not detected/],
    ['bad version', Uint8Array.from([...HEADER.slice(0, 4), 2, 0, 0, 0]), /unknown binary version \(expected 1\)/],
    ['truncated header', Uint8Array.from(HEADER.slice(0, 6)), /unexpected end of module/],
    ['truncated module', good.slice(0, good.length - 3), /exceeds the remaining|unexpected end/],
    ['section longer than the module', rawModule([1, [1, 0x60, 0, 0]]).slice(0, 12), /section size 4 exceeds the remaining 2 bytes/],
    ['overlong section size', Uint8Array.from([...HEADER, 1, 0x84, 0x80, 0x80, 0x80, 0x80, 0x00]), /integer representation too long/],
    ['section size mismatch', rawModule([1, [1, 0x60, 0, 0, 0]]), /section size mismatch: type section declares 5 bytes but its contents end at 4/],
    ['sections out of order', rawModule([3, [1, 0]], [1, [1, 0x60, 0, 0]]), /unexpected type section: sections out of order or duplicated/],
    ['duplicate section', rawModule([1, [0]], [1, [0]]), /unexpected type section: sections out of order or duplicated/],
    ['unknown section id', rawModule([14, []]), /unknown section id 14/],
    ['unknown opcode', rawModule([1, vec([[0x60, 0, 0]])], [3, vec([[0]])], [10, vec([[3, 0, 0xff, 0x0b]])]), /unknown opcode 0xff/],
    ['body without end', rawModule([1, vec([[0x60, 0, 0]])], [3, vec([[0]])], [10, vec([[2, 0, 0x01]])]), /must end with the `end` opcode/],
    ['code without functions', rawModule([1, vec([[0x60, 0, 0]])], [10, vec([[2, 0, 0x0b]])]), /function and code section have inconsistent lengths/],
    ['vector count beyond the bytes', rawModule([1, [0xff, 0xff, 0xff, 0xff, 0x0f]]), /vector length 4294967295 exceeds the remaining 0 bytes/],
  ];
  for (const [what, bytes, detail] of cases) {
    await test(what, () => assertInvalid(bytes, detail));
  }
});

test('atomics (0xFE prefix) are refused as threads, with the instruction', () => {
  const body = [0, 0x41, 0, 0xfe, 0x10, 2, 0, 0x1a, 0x0b]; // i32.const 0; i32.atomic.load; drop
  const bytes = rawModule([1, vec([[0x60, 0, 0]])], [3, vec([[0]])], [5, vec([[0, 1]])], [10, vec([[body.length, ...body]])]);
  assertInvalid(bytes, /^Failed to decode wasm module: threads and atomics are not supported on the IC: atomic instruction 0xfe 0x10 \(at byte offset \d+\)$/);
});

test('function imports: only ic0, only known names, exact signatures', async () => {
  assertInvalid(await wat('(module (import "env" "foo" (func)))'),
    "Wasm module has an invalid import section. Module imports function 'foo' from 'env' that is not exported by the runtime.");
  assertInvalid(await wat('(module (import "env" "msg_reply" (func)))'),
    'Wasm module has an invalid import section. Module imports function "msg_reply" from "env", expected to be imported from one of ["ic0"] instead.');
  assertInvalid(await wat('(module (import "ic0" "msg_reply_twice" (func)))'),
    "Wasm module has an invalid import section. Module imports function 'msg_reply_twice' from 'ic0' that is not exported by the runtime.");
  assertInvalid(await wat('(module (import "ic0" "msg_reply_data_append" (func (param i64 i64))) (memory 1))'),
    "Wasm module has an invalid function signature. Expected input params [I32, I32] for 'msg_reply_data_append', got [I64, I64].");
  assertInvalid(await wat('(module (import "ic0" "msg_arg_data_size" (func (result i64))) (memory 1))'),
    "Wasm module has an invalid function signature. Expected return type [I32] for 'msg_arg_data_size', got [I64].");
  // In a memory64 module the pointer-sized parameters are i64, the fixed ones are not.
  assertInvalid(await wat('(module (import "ic0" "msg_reply_data_append" (func (param i32 i32))) (memory i64 1))'),
    "Wasm module has an invalid function signature. Expected input params [I64, I64] for 'msg_reply_data_append', got [I32, I32].");
  assertValid(await wat('(module (import "ic0" "msg_cycles_accept128" (func (param i64 i64 i64))) (memory i64 1))'));
  assertInvalid(await wat('(module (import "ic0" "performance_counter" (func (param i64) (result i64))) (memory i64 1))'),
    "Wasm module has an invalid function signature. Expected input params [I32] for 'performance_counter', got [I64].");
});

test('the deprecated 32-bit APIs are refused in memory64 modules only', async () => {
  for (const [fn, sig] of [['stable_size', '(result i32)'], ['msg_cycles_accept', '(param i64) (result i64)'], ['call_cycles_add', '(param i64)']]) {
    assertValid(await wat(`(module (import "ic0" "${fn}" (func ${sig})) (memory 1))`));
    assertInvalid(await wat(`(module (import "ic0" "${fn}" (func ${sig})) (memory i64 1))`),
      `Wasm module has an invalid import section. Module imports function '${fn}' from 'ic0' that is not exported by the runtime.`);
  }
});

test('every ic0 import of src/config has a signature, and every signature is accepted', async () => {
  assert.deepEqual([...IC0_SIGNATURE_NAMES].sort(), [...IC0_IMPORTS].sort());
  for (const wasm64 of [false, true]) {
    const imports = IC0_SIGNATURE_NAMES.flatMap((fn) => {
      const sig = ic0Signature(fn, wasm64);
      if (sig === undefined) return [];
      const t = (ts: number[]) => ts.map((x) => ({ 0x7f: 'i32', 0x7e: 'i64' })[x]).join(' ');
      return [`(import "ic0" "${fn}" (func (param ${t(sig.params)}) (result ${t(sig.results)})))`];
    });
    assert.equal(imports.length, wasm64 ? IC0_SIGNATURE_NAMES.length - 9 : IC0_SIGNATURE_NAMES.length);
    assertValid(await wat(`(module ${imports.join('\n')} (memory ${wasm64 ? 'i64 ' : ''}1))`));
  }
});

test('memory, table, global and tag imports', async () => {
  assertValid(await wat('(module (import "env" "memory" (memory 1)) (import "env" "table" (table 1 funcref)))'));
  assertInvalid(await wat('(module (import "ic0" "memory" (memory 1)))'),
    'Wasm module has an invalid import section. Only memory imported from env.memory is allowed.');
  assertInvalid(await wat('(module (import "env" "mem" (memory 1)))'),
    'Wasm module has an invalid import section. Only memory imported from env.memory is allowed.');
  assertInvalid(await wat('(module (import "env" "tbl" (table 1 funcref)))'),
    'Wasm module has an invalid import section. Only tables imported from env.table are allowed.');
  assertInvalid(await wat('(module (import "env" "g" (global i32)))'),
    'Wasm module has an invalid import section. Importing globals is not allowed.');
  // Tags need the exceptions proposal, which the engine configuration refuses first (as wasmtime does).
  assertInvalid(await wat('(module (import "env" "t" (tag)))', { exceptions: true }),
    /failed with exceptions support is not enabled: the module imports tag env\.t$/);
});

test('one memory at most, not shared, memory64 within the wasm64 limit', async () => {
  const twoMemories = rawModule([2, vec([[...name('env'), ...name('memory'), 2, 0, 1]])], [5, vec([[0, 1]])]);
  assertInvalid(twoMemories, /failed with multiple memories support is not enabled: the module has 2 memories/);
  assertInvalid(await wat('(module (memory 1) (memory 1))', { multi_memory: true }), /multiple memories/);
  assertInvalid(await wat('(module (memory 1 1 shared))', { threads: true }),
    /^Wasmtime failed to validate wasm module wasmtime::Module::validate\(\) failed with threads must be enabled for shared memories: memory 0 is shared$/);
  assertValid(await wat('(module (memory i64 98304))'));
  assertInvalid(await wat('(module (memory i64 98305))'),
    'Wasm module declares an initial Wasm64 memory size of 98305 pages which exceeds the allowed maximum of 98304 pages.');
  assertInvalid(await wat('(module (memory i64 1 98305))'),
    'Wasm module declares a maximum Wasm64 memory size of 98305 pages which exceeds the allowed maximum of 98304 pages.');
});

test('tables hold funcref only', async () => {
  assertValid(await wat('(module (table 2 funcref) (table i64 2 funcref))'));
  assertInvalid(await wat('(module (table 1 externref))'),
    'Wasm module has an invalid table section. Table element type must be funcref, got externref.');
});

test('export names: no duplicates, no reserved names', async () => {
  assertInvalid(await wat('(module (func $f) (export "a" (func $f)) (export "a" (func $f)))'),
    /failed with duplicate export name `a` already defined$/);
  assertInvalid(await wat('(module (func $f) (export "canister_start" (func $f)))'),
    'Wasm module has an invalid export section. Exporting reserved symbol canister_start not allowed.');
  assertInvalid(await wat('(module (global $g (mut i64) (i64.const 0)) (export "canister counter_instructions" (global $g)))'),
    'Wasm module has an invalid export section. Exporting reserved symbol canister counter_instructions not allowed.');
  assertInvalid(await wat('(module (memory 1) (export "stable_memory" (memory 0)))'),
    'Wasm module has an invalid export section. Exporting reserved symbol stable_memory not allowed.');
});

test('canister_ exports: methods, entry points, nothing else', async () => {
  const entries = ['canister_init', 'canister_pre_upgrade', 'canister_post_upgrade', 'canister_inspect_message',
    'canister_heartbeat', 'canister_global_timer', 'canister_on_low_wasm_memory',
    'canister_update a b <c>', 'canister_query q', 'canister_composite_query cq', 'canister_query '];
  assertValid(await wat(`(module (func $f) ${entries.map((e) => `(export "${e}" (func $f))`).join(' ')})`));
  assertInvalid(await wat('(module (func $f) (export "canister_foo" (func $f)))'),
    'Wasm module has an invalid export section. Exporting reserved function \'canister_foo\' with "canister_" prefix');
  assertInvalid(await wat('(module (func $f) (export "canister_query" (func $f)))'),
    'Wasm module has an invalid export section. Exporting reserved function \'canister_query\' with "canister_" prefix');
  assertInvalid(await wat('(module (func $f (param i32)) (export "canister_init" (func $f)))'),
    "Wasm module has an invalid function signature. Expected input params [] for 'canister_init', got [I32].");
  assertInvalid(await wat('(module (func $f (result i32) i32.const 0) (export "canister_update go" (func $f)))'),
    "Wasm module has an invalid function signature. Expected return type [] for 'canister_update go', got [I32].");
  // An import re-exported as a method is checked with the import's type.
  assertInvalid(await wat('(module (import "ic0" "msg_arg_data_size" (func $s (result i32))) (export "canister_query s" (func $s)))'),
    "Wasm module has an invalid function signature. Expected return type [] for 'canister_query s', got [I32].");
  // Non-function exports are not methods.
  assertValid(await wat('(module (global $g i32 (i32.const 0)) (export "canister_whatever" (global $g)))'));
});

test('a method name under two kinds is refused', async () => {
  assertInvalid(await wat('(module (func $f) (export "canister_update get" (func $f)) (export "canister_query get" (func $f)))'),
    "Duplicate function 'get' exported multiple times with different call types: update, query, or composite_query.");
});

test('at most 1,000 methods and 20,000 bytes of method names', async () => {
  const methods = (n: number, len: number) => Array.from({ length: n }, (_, i) =>
    `(export "canister_update ${String(i).padStart(len, 'x')}" (func $f))`).join(' ');
  assertValid(await wat(`(module (func $f) ${methods(1000, 20)})`));
  assertInvalid(await wat(`(module (func $f) ${methods(1001, 4)})`),
    'The number of exported functions called `canister_update <name>`, `canister_query <name>`, or `canister_composite_query <name>` is 1001 which exceeds 1000.');
  assertInvalid(await wat(`(module (func $f) ${methods(100, 201)})`),
    'The sum of `<name>` lengths in exported functions called `canister_update <name>`, `canister_query <name>`, or `canister_composite_query <name>` is 20100 which exceeds the allowed limit of 20000.');
});
