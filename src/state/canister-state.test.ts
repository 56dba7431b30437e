import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CompiledModule } from '../wasm/index.ts';
import { CanisterState, logMemoryStoreBytes } from './canister-state.ts';
import type { ExecutionState } from './execution-state.ts';
import { PageMap } from './page-map.ts';
import { newSchedulerState } from './scheduler-state.ts';
import { SystemState } from './system-state.ts';
import { A, T0, USER } from './test-support.ts';

const compiled = { hash: 'ab'.repeat(32), output: { binary: new Uint8Array(100), persistentGlobals: [], customSectionsSize: 27 } } as unknown as CompiledModule;

describe('CanisterState memory figures', () => {
  it('counts the module\'s metadata sections in its execution memory, as the replica\'s ExecutionState::memory_usage', () => {
    const es: ExecutionState = { compiled, heap: PageMap.empty(), heapSizePages: 1, stable: { sizePages: 0, pages: PageMap.empty() }, globals: [] };
    const c = new CanisterState(new SystemState({ canisterId: A, controllers: [USER], cycles: 0n }), es, newSchedulerState(T0));
    assert.equal(c.customSectionsMemoryUsage(), 27n);
    assert.equal(c.executionMemoryUsage(), 65536n + 100n + 27n);
    assert.equal(c.logMemoryStoreUsage(), 0n, 'the log memory store feature is off');
    assert.equal(c.memoryUsage(), c.executionMemoryUsage() + BigInt(c.systemState.canisterHistory.memoryUsage));
    c.executionState = undefined;
    assert.equal(c.customSectionsMemoryUsage(), 0n);
  });

  it('sizes the log memory store as a 4 KiB header, a 4 KiB index and the limit in whole 4 KiB pages', () => {
    assert.equal(logMemoryStoreBytes(0n), 0n);
    assert.equal(logMemoryStoreBytes(1n), 12_288n);
    assert.equal(logMemoryStoreBytes(4096n), 12_288n);
    assert.equal(logMemoryStoreBytes(6144n), 16_384n);
    assert.equal(logMemoryStoreBytes(2n * 1024n * 1024n), 8192n + 2n * 1024n * 1024n);
  });
});
