// End to end through real Wasm (assembled with wabt): the BigInt/i64
// plumbing of memory64 modules, unsigned i32 arguments of wasm32 modules,
// the instance's counter global, and traps unwinding through Wasm.
import { describe, test } from 'node:test';
import type wabtFactory from 'wabt';
import assert from 'node:assert/strict';
import { IC0_IMPORTS, IC0_WASM32_ONLY_IMPORTS } from '../config/index.ts';
import { HostTrap } from './host-trap.ts';
import { createIc0Imports, ic0Signature } from './imports.ts';
import { StableMemoryBuffer } from './stable-memory.ts';
import { SandboxSafeSystemState } from './system-state.ts';
import { SystemApi } from './system-api.ts';
import { apiTypeOf, stateInit } from './test-support.ts';

type Wabt = Awaited<ReturnType<typeof wabtFactory>>;
let wabt: Wabt | undefined;

async function assemble(text: string): Promise<WebAssembly.Module> {
  wabt ??= await (await import('wabt')).default();
  const m = wabt.parseWat('t.wat', text, { memory64: true });
  try {
    m.validate();
    return new WebAssembly.Module(m.toBinary({}).buffer.slice());
  } finally {
    m.destroy();
  }
}

async function instantiate(text: string, wasm64: boolean): Promise<{ api: SystemApi; exports: WebAssembly.Exports }> {
  const api = new SystemApi({
    apiType: apiTypeOf('update'),
    systemState: new SandboxSafeSystemState(stateInit()),
    stableMemory: new StableMemoryBuffer(1),
    messageInstructionLimit: 1_000_000n,
  });
  const instance = new WebAssembly.Instance(await assemble(text), { ic0: createIc0Imports(api, { wasm64 }) });
  api.setMemory(instance.exports.memory as WebAssembly.Memory);
  api.setCounterGlobal(instance.exports['canister counter_instructions'] as WebAssembly.Global);
  return { api, exports: instance.exports };
}

function trapOfWasm(f: () => unknown): HostTrap['error'] {
  try {
    f();
  } catch (e) {
    if (e instanceof HostTrap) return e.error;
    throw e;
  }
  return assert.fail('expected a HostTrap');
}

const MEMORY64 = `(module
  (import "ic0" "msg_arg_data_size" (func $size (result i64)))
  (import "ic0" "msg_arg_data_copy" (func $copy (param i64 i64 i64)))
  (import "ic0" "msg_reply_data_append" (func $append (param i64 i64)))
  (import "ic0" "msg_reply" (func $reply))
  (import "ic0" "call_new" (func $call_new (param i64 i64 i64 i64 i64 i64 i64 i64)))
  (import "ic0" "stable64_size" (func $ssize (result i64)))
  (memory (export "memory") i64 1)
  (global (export "canister counter_instructions") (mut i64) (i64.const 1000000))
  (func (export "echo")
    (call $copy (i64.const 0) (i64.const 0) (call $size))
    (call $append (i64.const 0) (call $size))
    (call $reply))
  (func (export "size") (result i64) (call $size))
  (func (export "copy") (param i64 i64 i64) (call $copy (local.get 0) (local.get 1) (local.get 2)))
  (func (export "call") (param i64 i64)
    (call $call_new (i64.const 0) (i64.const 0) (i64.const 0) (i64.const 1)
      (local.get 0) (local.get 1) (local.get 0) (local.get 1)))
  (func (export "ssize") (result i64) (call $ssize)))`;

describe('memory64 module', () => {
  test('i64 pointers and sizes round-trip; results are BigInts; charges hit the exported counter', async () => {
    const { api, exports } = await instantiate(MEMORY64, true);
    assert.equal((exports.size as () => bigint)(), 3n);
    const before = api.getCounter();
    (exports.echo as () => void)();
    assert.equal(before - api.getCounter(), 500n + 503n + 500n + (500n + 150n) + 500n);
    assert.deepEqual(api.takeResult().response, { kind: 'reply', payload: Uint8Array.from([1, 2, 3]) });
    assert.equal((exports.ssize as () => bigint)(), 1n);
  });

  test('addresses of 2^53 and above are out of bounds, printed exactly', async () => {
    const { exports } = await instantiate(MEMORY64, true);
    const copy = exports.copy as (d: bigint, o: bigint, s: bigint) => void;
    assert.deepEqual(trapOfWasm(() => copy((1n << 53n) + 1n, 0n, 1n)), {
      kind: 'ToolchainContractViolation',
      message: 'ic0.msg_arg_data_copy heap: src=9007199254740993 + length=1 exceeds the slice size=65536',
    });
    assert.deepEqual(trapOfWasm(() => copy(-1n, 0n, 1n)), {
      kind: 'ToolchainContractViolation',
      message: 'ic0.msg_arg_data_copy heap: src=18446744073709551615 + length=1 is an invalid address',
    });
    assert.deepEqual(trapOfWasm(() => copy(0n, (1n << 60n) + 3n, 0n)), {
      kind: 'ToolchainContractViolation',
      message: 'ic0.msg_arg_data_copy payload: src=1152921504606846979 + length=0 exceeds the slice size=3',
    });
  });

  test('table indices above u32 saturate; environments keep all 64 bits', async () => {
    const { api, exports } = await instantiate(MEMORY64, true);
    (exports.call as (f: bigint, e: bigint) => void)(1n << 40n, -2n);
    const req = api.exec.outgoing;
    assert.deepEqual(req?.onReply, { fun: 0xffff_ffff, env: (1n << 64n) - 2n });
  });

  test('wasm64 imports leave out the wasm32-only ones', () => {
    const api = new SystemApi({
      apiType: apiTypeOf('update'), systemState: new SandboxSafeSystemState(stateInit()),
      stableMemory: new StableMemoryBuffer(0), messageInstructionLimit: 1n,
    });
    const names64 = Object.keys(createIc0Imports(api, { wasm64: true }));
    assert.deepEqual(names64.sort(), IC0_IMPORTS.filter((n) => !(IC0_WASM32_ONLY_IMPORTS as readonly string[]).includes(n)).sort());
    assert.equal(Object.keys(createIc0Imports(api, { wasm64: false })).length, IC0_IMPORTS.length);
  });
});

describe('wasm32 module', () => {
  const WASM32 = `(module
    (import "ic0" "msg_arg_data_copy" (func $copy (param i32 i32 i32)))
    (import "ic0" "stable64_write" (func $sw (param i64 i64 i64)))
    (import "ic0" "msg_arg_data_size" (func $size (result i32)))
    (memory (export "memory") 1)
    (global (export "canister counter_instructions") (mut i64) (i64.const 1000000))
    (func (export "copy") (param i32 i32 i32) (call $copy (local.get 0) (local.get 1) (local.get 2)))
    (func (export "sw") (param i64 i64 i64) (call $sw (local.get 0) (local.get 1) (local.get 2)))
    (func (export "size") (result i32) (call $size)))`;

  test('i32 arguments are unsigned', async () => {
    const { exports } = await instantiate(WASM32, false);
    assert.deepEqual(trapOfWasm(() => (exports.copy as (a: number, b: number, c: number) => void)(0xffff_fff0, 0, 1)), {
      kind: 'ToolchainContractViolation',
      message: 'ic0.msg_arg_data_copy heap: src=4294967280 + length=1 exceeds the slice size=65536',
    });
    assert.equal((exports.size as () => number)(), 3);
  });

  test('stable64 calls take i64 even in wasm32 modules', async () => {
    const { api, exports } = await instantiate(WASM32, false);
    (exports.sw as (a: bigint, b: bigint, c: bigint) => void)(8n, 0n, 4n);
    assert.equal(api.stableMemory.dirtyPageCount, 1);
  });

  test('every import instantiates with the signature ic0Signature gives, in both widths', async () => {
    for (const wasm64 of [false, true]) {
      const names = IC0_IMPORTS.filter((n) => wasm64 === false || !(IC0_WASM32_ONLY_IMPORTS as readonly string[]).includes(n));
      const imports = names.map((n) => {
        const sig = ic0Signature(n, wasm64);
        const params = sig.params.length === 0 ? '' : ` (param ${sig.params.join(' ')})`;
        const results = sig.results.length === 0 ? '' : ` (result ${sig.results.join(' ')})`;
        return `(import "ic0" "${n}" (func${params}${results}))`;
      });
      const text = `(module ${imports.join('\n')} (memory (export "memory") ${wasm64 ? 'i64 ' : ''}1)
        (global (export "canister counter_instructions") (mut i64) (i64.const 0)))`;
      await instantiate(text, wasm64);
    }
  });
});

describe('imports bound to a getter', () => {
  test('each call goes to the session the getter returns at that moment', () => {
    const make = (arg: Uint8Array): SystemApi => new SystemApi({
      apiType: { ...apiTypeOf('update'), arg } as ReturnType<typeof apiTypeOf>,
      systemState: new SandboxSafeSystemState(stateInit()),
      stableMemory: new StableMemoryBuffer(1),
      messageInstructionLimit: 1_000_000n,
    });
    const a = make(new Uint8Array(3));
    const b = make(new Uint8Array(7));
    let current: SystemApi | undefined = a;
    const ic0 = createIc0Imports(() => {
      if (current === undefined) throw new Error('ic0 call outside an execution');
      return current;
    }, { wasm64: false });
    assert.equal(ic0.msg_arg_data_size(), 3);
    current = b;
    assert.equal(ic0.msg_arg_data_size(), 7);
    assert.ok(b.getCounter() < 1_000_000n && a.getCounter() < 1_000_000n, 'each session was charged for its own call');
    current = undefined;
    assert.throws(() => ic0.msg_arg_data_size(), /outside an execution/);
  });
});
