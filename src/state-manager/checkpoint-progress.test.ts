// A checkpoint's progress (StateManagerOptions.onCheckpointProgress): the
// new objects in all once encoded, then as the store writes them — on LMDB
// as runs of pages reach the page file — ending at all of them once durable.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { richState } from '../state/checkpoint/test-support.ts';
import { PAGE_BYTES } from '../state/index.ts';
import { A } from '../state/test-support.ts';
import { height } from '../types/index.ts';
import { LmdbStore } from './lmdb-store.ts';
import { MemoryStore } from './memory-store.ts';
import { StateManager } from './state-manager.ts';
import { STATE_CODEC } from './state-codec.ts';
import type { Store } from './store.ts';

const dirs: string[] = [];
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

/** A page no other page equals. */
function distinct(n: number): Uint8Array {
  const p = new Uint8Array(PAGE_BYTES);
  new DataView(p.buffer).setUint32(0, n + 1);
  return p;
}

/** Checkpoints a state with 600 distinct heap pages; the progress calls and the summary's new objects. */
async function checkpointWithProgress(store: Store): Promise<{ calls: [bigint, number, number][]; newObjects: number }> {
  const calls: [bigint, number, number][] = [];
  const m = new StateManager({ store, codec: STATE_CODEC, onCheckpointProgress: (h, written, total) => calls.push([h, written, total]) });
  const state = richState();
  const c = state.canisterMut(A);
  const x = c?.executionState;
  assert.ok(c !== undefined && x !== undefined);
  c.executionState = { ...x, heap: x.heap.withPages(Array.from({ length: 600 }, (_, index) => ({ index, bytes: distinct(index) }))) };
  state.metadata.height = height(7n);
  const r = await m.checkpoint(state);
  assert.ok(r.ok);
  return { calls, newObjects: r.value.newObjects };
}

describe('checkpoint progress', () => {
  for (const kind of ['memory', 'lmdb'] as const) {
    it(`counts the new objects from 0 to all of them (${kind})`, async () => {
      let store: Store = new MemoryStore();
      if (kind === 'lmdb') {
        const dir = mkdtempSync(join(tmpdir(), 'ic-exec-progress-'));
        dirs.push(dir);
        const s = LmdbStore.open(dir);
        assert.ok(s instanceof LmdbStore);
        store = s;
      }
      const { calls, newObjects } = await checkpointWithProgress(store);
      await store.close();
      assert.ok(newObjects > 600);
      assert.deepEqual(calls[0], [7n, 0, newObjects]);
      assert.deepEqual(calls[calls.length - 1], [7n, newObjects, newObjects]);
      for (let i = 1; i < calls.length; i++) assert.ok(calls[i][1] >= calls[i - 1][1] && calls[i][2] === newObjects, 'monotonic, one total');
      // on disk the page file reports its runs of pages (1 MiB each) in between
      if (kind === 'lmdb') assert.ok(calls.length >= 4, `${calls.length} calls`);
      else assert.equal(calls.length, 2);
    });
  }
});
