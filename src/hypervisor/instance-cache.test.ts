import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CompileCache } from '../wasm/index.ts';
import { newExecutionState } from '../state/index.ts';
import type { ExecutionState } from '../state/index.ts';
import { watToWasm } from '../../test/corpus/wat.ts';
import { InstanceCache } from './instance-cache.ts';

async function fixture(): Promise<ExecutionState> {
  const r = new CompileCache().get(await watToWasm('(module (memory 1) (func (export "canister_update f")))'));
  if (!r.ok) throw new Error(r.error.description);
  return newExecutionState(r.compiled, { initialHeapPages: 1, initialGlobals: [] });
}

describe('InstanceCache', () => {
  it('reuses an idle instance that mirrors the state, and builds one otherwise', async () => {
    const state = await fixture();
    const cache = new InstanceCache();
    const a = cache.acquire('x', state);
    cache.release('x', a);
    assert.equal(cache.acquire('x', state), a);
    assert.equal(cache.stats.instancesReused, 1);
    assert.notEqual(cache.acquire('x', state), a, 'a busy instance is not shared');
  });

  it('keeps at most maxIdle instances across canisters, dropping the least recently released', async () => {
    const state = await fixture();
    const cache = new InstanceCache({ maxIdle: 3, maxIdlePerCanister: 2 });
    const held = ['a', 'b', 'c', 'd'].map((k) => [k, cache.acquire(k, state)] as const);
    for (const [k, inst] of held) cache.release(k, inst);
    assert.equal(cache.idleCount, 3);
    assert.equal(cache.stats.evicted, 1);
    assert.notEqual(cache.acquire('a', state), held[0][1], 'a was the oldest: evicted');
    assert.equal(cache.acquire('d', state), held[3][1]);
    const two = [cache.acquire('e', state), cache.acquire('e', state), cache.acquire('e', state)];
    for (const inst of two) cache.release('e', inst);
    assert.ok(cache.idleCount <= 3);
    cache.drop('e');
    assert.equal(cache.acquire('e', state) === two[0], false);
  });
});
