import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configureEngine, ENGINE_FLAGS, engineConfigured } from './engine.ts';
import { compileInEngine } from './validate.ts';

const uleb = (n: number): number[] => (n < 128 ? [n] : [(n & 0x7f) | 0x80, ...uleb(n >>> 7)]);
const name = (s: string): number[] => [...uleb(s.length), ...new TextEncoder().encode(s)];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];

/** `(func (export "f") (param i32) (result i32) local.get 0 if (result i32) i32.const 1 else i32.const 2 end)`, with custom sections. */
function module(before: number[][], after: number[][] = []): Uint8Array<ArrayBuffer> {
  const body = [0, 0x20, 0, 0x04, 0x7f, 0x41, 1, 0x05, 0x41, 2, 0x0b, 0x0b];
  return Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, [1, 0x60, 1, 0x7f, 1, 0x7f]), ...section(3, [1, 0]), ...section(7, [1, ...name('f'), 0, 0]),
    ...before.flat(), ...section(10, [1, ...uleb(body.length), ...body]), ...after.flat()]);
}
const hints = (payload: number[]): number[] => section(0, [...name('metadata.code.branch_hint'), ...payload]);

test('configureEngine applies the flags once', () => {
  configureEngine();
  configureEngine();
  assert.equal(engineConfigured(), true);
  assert.ok(ENGINE_FLAGS.includes('--experimental-wasm-branch-hinting'));
});

test('with the engine flags, branch hints never change what compiles or what runs', () => {
  configureEngine();
  const cases: Record<string, Uint8Array<ArrayBuffer>> = {
    none: module([]),
    good: module([hints([1, 0, 1, 3, 1, 1])]),
    garbage: module([hints([9, 9, 9])]),
    'unknown function': module([hints([1, 7, 1, 3, 1, 1])]),
    'offset off any branch': module([hints([1, 0, 1, 99, 1, 1])]),
    'bad hint value': module([hints([1, 0, 1, 3, 1, 5])]),
    'trailing bytes': module([hints([1, 0, 1, 3, 1, 1, 0xff])]),
    twice: module([hints([1, 0, 1, 3, 1, 1]), hints([1, 0, 1, 3, 1, 0])]),
    'after the code': module([], [hints([1, 0, 1, 3, 1, 1])]),
  };
  for (const [label, bytes] of Object.entries(cases)) {
    assert.equal(compileInEngine(bytes), undefined, `${label}: validation accepts it`);
    const f = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports.f as (x: number) => number;
    assert.deepEqual([f(1), f(0)], [1, 2], `${label}: same results`);
  }
});
