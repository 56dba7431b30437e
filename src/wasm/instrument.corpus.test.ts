// The corpus runs the same with and without instrumentation: same replies,
// rejects and traps, same heap and same mutable globals afterwards, and the
// same instruction count on every run. Both run under the product's V8
// flags (`engine.ts`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCorpus, runWorkload } from '../../test/corpus/index.ts';
import type { CorpusEntry } from '../../test/corpus/index.ts';
import { instantiateCanister } from '../../test/corpus/host.ts';
import type { CallResult, TestCanister } from '../../test/corpus/host.ts';
import { decodeModule } from './decode.ts';
import { configureEngine } from './engine.ts';
import { encodeModule } from './encode.ts';
import { EXPORTS, instrument } from './instrument.ts';
import type { InstrumentationOutput } from './instrument.ts';
import { ExternalKind, SectionId } from './types.ts';

const BUDGET = 1n << 62n;

/**
 * The original module with every mutable global exported as `__g<i>` and its
 * memory as `__heap`, so that the baseline's state can be read.
 */
function withStateExports(bytes: Uint8Array): { bytes: Uint8Array; globals: number[]; memory: boolean } {
  const m = decodeModule(bytes);
  const globals = m.globals.flatMap((g, i) => (g.type.mutable ? [m.importedGlobals + i] : []));
  const memory = m.memories.length > 0;
  const exports = [...m.exports, ...globals.map((i) => ({ name: `__g${i}`, kind: ExternalKind.global, index: i })),
    ...(memory ? [{ name: '__heap', kind: ExternalKind.memory, index: 0 }] : [])];
  return { bytes: encodeModule({ ...m, exports }, [SectionId.export]), globals, memory };
}

/**
 * Instantiates an instrumented module with the test host; the counter, the
 * stack budget and the data segments are set up as the instance is created,
 * before the host runs `canister_start`.
 */
function instantiateInstrumented(out: InstrumentationOutput, entry: CorpusEntry, initialHeap?: Uint8Array[]): TestCanister {
  return instantiateCanister(out.binary, {
    ...entry.hostOptions,
    onInstance(instance) {
      const exports = instance.exports as Record<string, WebAssembly.Global | WebAssembly.Memory>;
      (exports[EXPORTS.instructionCounter] as WebAssembly.Global).value = BUDGET;
      (exports[EXPORTS.stackBudget] as WebAssembly.Global).value = 4 << 20; // generous: the corpus recursions are shallow, and a deep one would end in V8's RangeError, failing the test
      const heap = new Uint8Array((exports[EXPORTS.memory] as WebAssembly.Memory).buffer);
      for (const s of out.dataSegments) heap.set(s.bytes, Number(s.offset));
      initialHeap?.push(heap.slice());
    },
    extraImports: { __: {
      out_of_instructions: () => { throw new Error('out of instructions'); },
      try_grow_wasm_memory: () => 0,
      internal_trap: (code: number) => { throw new Error(`internal trap ${code}`); },
    } },
  });
}

const outcome = (r: CallResult) => ({ reply: r.reply, reject: r.reject, trapped: r.trap !== undefined });
const heapOf = (c: TestCanister, name: string) => new Uint8Array((c.instance.exports[name] as WebAssembly.Memory).buffer);
const counter = (c: TestCanister) => (c.instance.exports[EXPORTS.instructionCounter] as WebAssembly.Global).value as bigint;

configureEngine();

test('the corpus behaves the same instrumented', async (t) => {
  for (const entry of await loadCorpus()) {
    await t.test(entry.name, () => {
      const out = instrument(decodeModule(entry.bytes));
      const base = withStateExports(entry.bytes);
      const plain = instantiateCanister(base.bytes, entry.hostOptions);
      const initial: Uint8Array[] = [];
      const metered = instantiateInstrumented(out, entry, initial);
      const again = instantiateInstrumented(out, entry);
      // Every function metered by itself (no twins), and twins with the callee's entry check at each call.
      const variants = [{ twins: false }, { twinEntryChecks: true }].map((o) => instantiateInstrumented(instrument(decodeModule(entry.bytes), o), entry));
      for (const w of entry.workloads) {
        const expected = runWorkload(plain, w);
        const before = counter(metered);
        assert.deepEqual(outcome(runWorkload(metered, w)), outcome(expected), `${w.method}: same outcome`);
        const used = before - counter(metered);
        const againBefore = counter(again);
        runWorkload(again, w);
        assert.equal(used, againBefore - counter(again), `${w.method}: same count on every run`);
        assert.ok(used > 0n, `${w.method}: instructions are counted`);
        for (const v of variants) {
          const vBefore = counter(v);
          runWorkload(v, w);
          assert.equal(vBefore - counter(v), used, `${w.method}: the same count without twins and with twin entry checks`);
        }
      }
      if (base.memory) {
        const heap = heapOf(metered, EXPORTS.memory);
        assert.deepEqual(heap, heapOf(plain, '__heap'), 'same heap');
        const marked = heapOf(metered, EXPORTS.dirtyBytemap);
        const before = initial[0];
        for (let p = 0; p * 4096 < heap.length; p++) {
          const now = heap.subarray(p * 4096, p * 4096 + 4096);
          const then = p * 4096 < before.length ? before.subarray(p * 4096, p * 4096 + 4096) : new Uint8Array(4096);
          if (marked[p] === 0) assert.deepEqual(now, then, `page ${p} changed but is not marked`);
        }
      }
      assert.equal(out.persistentGlobals.length, base.globals.length);
      for (const g of out.persistentGlobals) {
        if (g.v128Offset !== undefined) continue; // JS cannot read v128 globals; see the v128 test in instrument.test.ts
        const want = (plain.instance.exports[`__g${g.index}`] as WebAssembly.Global).value as unknown;
        assert.deepEqual((metered.instance.exports[g.name] as WebAssembly.Global).value, want, `global ${g.index}`);
      }
    });
  }
});
