import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CompiledModule } from '../wasm/index.ts';
import { PAGE_BYTES, PageMap } from './page-map.ts';
import { applyExecutionDelta, dataSegmentsHeap, newExecutionState } from './execution-state.ts';

/** A stand-in compiled module: only the instrumentation output's data segments are read here. */
function compiledWith(segments: Array<{ offset: bigint; bytes: Uint8Array }>): CompiledModule {
  return { hash: 'x', module: {} as WebAssembly.Module, output: { dataSegments: segments } } as unknown as CompiledModule;
}

describe('ExecutionState', () => {
  it('applies data segments in order into 4 KiB pages, across page boundaries', () => {
    const heap = dataSegmentsHeap(compiledWith([
      { offset: 4094n, bytes: Uint8Array.of(1, 2, 3, 4) },
      { offset: 4095n, bytes: Uint8Array.of(9) },
      { offset: 3n * BigInt(PAGE_BYTES), bytes: Uint8Array.of(7) },
    ]));
    assert.deepEqual([...heap.pages()].map((p) => p.index), [0, 1, 3]);
    assert.deepEqual([...(heap.get(0) ?? new Uint8Array(0)).subarray(4094)], [1, 9]);
    assert.deepEqual([...(heap.get(1) ?? new Uint8Array(0)).subarray(0, 2)], [3, 4]);
  });

  it('keeps the old heap (at least the new minimum) with wasm_memory_persistence = keep', () => {
    const old = PageMap.fromPages([{ index: 5, bytes: new Uint8Array(PAGE_BYTES).fill(1) }]);
    const compiled = compiledWith([{ offset: 0n, bytes: Uint8Array.of(42) }]);
    const kept = newExecutionState(compiled, { initialHeapPages: 3, initialGlobals: [1n], keepHeap: { heap: old, heapSizePages: 2 } });
    assert.equal(kept.heap, old, 'the data segments are not applied over a kept heap');
    assert.equal(kept.heapSizePages, 3);
    const fresh = newExecutionState(compiled, { initialHeapPages: 1, initialGlobals: [1n] });
    assert.equal(fresh.heap.get(0)?.[0], 42);
    assert.equal(fresh.stable.sizePages, 0);
  });

  it('builds the next state from a delta, sharing what did not change', () => {
    const base = newExecutionState(compiledWith([]), { initialHeapPages: 1, initialGlobals: [0] });
    const page = new Uint8Array(PAGE_BYTES).fill(3);
    const next = applyExecutionDelta(base, { heapDelta: [{ index: 0, bytes: page }], heapSizePages: 2, globals: [5], stableDelta: [], stableSizePages: 0 });
    assert.equal(next.stable, base.stable);
    assert.equal(next.heap.get(0), page);
    assert.deepEqual(next.globals, [5]);
    assert.ok(Object.isFrozen(next));
  });
});
