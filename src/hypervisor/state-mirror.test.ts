import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CompiledModule } from '../wasm/index.ts';
import { PAGE_BYTES, PageMap, applyExecutionDelta, pageHash, pageKey } from '../state/index.ts';
import type { ExecutionState, PageDelta, PageStore } from '../state/index.ts';
import { MainMirror } from './main-mirror.ts';
import { WorkerMirror } from './worker-mirror.ts';
import { Ids } from './state-mirror.ts';
import type { Lineage } from './state-mirror.ts';
import type { ModuleInfo } from './module-info.ts';
import type { StateWire } from './sandbox-protocol.ts';

const page = (fill: number): Uint8Array => new Uint8Array(PAGE_BYTES).fill(fill);
const compiled = { hash: 'h1', module: new WebAssembly.Module(Uint8Array.of(0, 97, 115, 109, 1, 0, 0, 0)), output: {} } as unknown as CompiledModule;
const info = {} as ModuleInfo;

function state(heap: PageDelta[]): ExecutionState {
  return Object.freeze({ compiled, heap: PageMap.fromPages(heap), heapSizePages: 1, stable: { sizePages: 0, pages: PageMap.empty() }, globals: [0] });
}

/** Main and worker side by side, wired as the pool and the worker wire them. */
function pair(maxStatesPerCanister = 2) {
  const ids = new Ids();
  const lineage: Lineage = new WeakMap();
  const main = new MainMirror({ maxStatesPerCanister, maxCanisters: 2 });
  const stores = new Map<number, PageStore>();
  const storeId = (st: PageStore): number => {
    stores.set(ids.of(st), st);
    return ids.of(st);
  };
  const worker = new WorkerMirror((id) => stores.get(id) as PageStore);
  const wires: Array<StateWire | undefined> = [];
  /** Sends `s` as the pool does: forget list first, then the state; returns the worker's copy. */
  const send = (canister: string, s: ExecutionState): ExecutionState => {
    const forget = main.takeForget();
    const d = main.describe(canister, s, ids, lineage, (c) => ({ hash: c.hash, module: c.module, output: c.output, info }), storeId);
    wires.push(d.wire);
    worker.forget(forget);
    if (d.modules !== undefined) worker.addModules(d.modules);
    return worker.resolve(canister, d.stateId, d.wire);
  };
  /** An execution on `base` kept `delta`: both sides build and register the state after it. */
  const result = (canister: string, base: ExecutionState, mirror: ExecutionState, delta: PageDelta[]): ExecutionState => {
    const r = { heapDelta: delta, heapSizePages: 1, globals: [1], stableDelta: [], stableSizePages: 0 };
    const after = applyExecutionDelta(base, r);
    const theirs = applyExecutionDelta(mirror, { ...r, heapDelta: delta.map((p) => ({ index: p.index, bytes: p.bytes.slice() })) });
    const res = { state: ids.reserve(), heap: ids.reserve() };
    ids.assign(after, res.state);
    ids.assign(after.heap, res.heap);
    lineage.set(after.heap, { parent: base.heap, pages: delta.map((p) => p.index) });
    worker.addResult(canister, res.state, theirs, res.heap, ids.of(base.stable.pages));
    main.addResult(canister, res.state, after, ids);
    return after;
  };
  return { main, worker, wires, send, result, ids, storeId };
}

describe('state mirror (main thread and worker in step)', () => {
  it('sends a state in full once, then by reference; results need no transfer', () => {
    const p = pair();
    const s0 = state([{ index: 3, bytes: page(1) }]);
    const w0 = p.send('a', s0);
    assert.equal(p.wires[0]?.heap.kind, 'full');
    assert.ok(w0.heap.contentEquals(s0.heap));
    assert.equal(p.send('a', s0), w0, 'the same object: its instances still mirror it');
    assert.equal(p.wires[1], undefined);
    const s1 = p.result('a', s0, w0, [{ index: 3, bytes: page(2) }]);
    const w1 = p.send('a', s1);
    assert.equal(p.wires[2], undefined, 'the worker built the result itself');
    assert.ok(w1.heap.contentEquals(s1.heap));
  });

  it('evicts beyond the bounds on both sides, told by the main thread only', () => {
    const p = pair(2);
    const s0 = state([{ index: 0, bytes: page(1) }]);
    let s = s0;
    let w = p.send('a', s0);
    for (let i = 2; i < 6; i++) {
      const next = p.result('a', s, w, [{ index: i, bytes: page(i) }]);
      w = p.send('a', next);
      s = next;
    }
    p.send('b', state([]));
    p.send('c', state([])); // three canisters: a is the least recently used and goes
    p.send('c', state([{ index: 1, bytes: page(9) }]));
    assert.equal(p.main.stateCount, 3, 'b:1 and c:2; a went');
    assert.ok(p.worker.sizes.states >= p.main.stateCount, 'the worker holds at least what the main thread believes');
    p.worker.forget(p.main.takeForget());
    assert.equal(p.worker.sizes.states, p.main.stateCount);
    assert.equal(p.worker.stateCount, p.main.stateCount);
    assert.equal(p.worker.sizes.maps, 6, 'the heap and stable maps of the three states left; a\'s are gone');
    assert.equal(p.worker.sizes.modules, 1);
  });

  it('sends an older snapshot as a page delta from a newer state the worker holds', () => {
    const p = pair(3);
    const s0 = state([{ index: 1, bytes: page(1) }, { index: 2, bytes: page(2) }]);
    let w = p.send('a', s0);
    let s = s0;
    for (let i = 0; i < 3; i++) {
      s = p.result('a', s, w, [{ index: 1, bytes: page(10 + i) }, ...(i === 1 ? [{ index: 7, bytes: page(7) }] : [])]);
      w = p.send('a', s);
    }
    // s0 was evicted (three newer states); re-sending it goes as the pages changed since.
    const back = p.send('a', s0);
    const wire = p.wires.at(-1);
    assert.equal(wire?.heap.kind, 'delta');
    assert.deepEqual(wire?.heap.kind === 'delta' ? wire.heap.pages.map((x) => x.index) : [], [1, 7]);
    assert.ok(back.heap.contentEquals(s0.heap));
  });

  it('a state forgotten and sent again in the same message is rebuilt, not lost', () => {
    const p = pair(1);
    const s0 = state([{ index: 0, bytes: page(1) }]);
    const w0 = p.send('a', s0);
    p.result('a', s0, w0, [{ index: 0, bytes: page(2) }]); // evicts s0 (main side: forget pending)
    const again = p.send('a', s0); // forget(s0) and s0 itself travel together
    assert.ok(again.heap.contentEquals(s0.heap));
    assert.equal(p.send('a', s0), again, 'held again');
  });

  it('sends stored pages by hash, and the worker drops its bytes when told they are stored', () => {
    const p = pair();
    const objects = new Map<string, Uint8Array>();
    let gets = 0;
    const store: PageStore = { get: (k) => { gets++; return objects.get(Buffer.from(k).toString('hex')); } };
    const put = (b: Uint8Array): void => { objects.set(Buffer.from(pageKey(pageHash(b))).toString('hex'), b); };
    const s0 = state([{ index: 0, bytes: page(1) }, { index: 9, bytes: page(2) }]);
    put(page(1));
    put(page(2));
    s0.heap.evict(store);
    const w0 = p.send('a', s0);
    const wire = p.wires[0];
    assert.equal(wire?.heap.kind, 'full');
    assert.deepEqual(wire?.heap.kind === 'full' ? [wire.heap.pages.length, wire.heap.stored?.[0].indices] : [], [0, [0, 9]]);
    assert.equal(gets, 0, 'nothing loaded to send it');
    assert.equal(w0.heap.inMemoryPageCount(), 0);
    assert.equal(w0.heap.get(9)?.[0], 2);
    assert.deepEqual(w0.heap.contentHash(), s0.heap.contentHash());
    // an execution writes a page; the worker holds it in RAM until a checkpoint stores it
    const s1 = p.result('a', s0, w0, [{ index: 9, bytes: page(3) }]);
    const w1 = p.send('a', s1);
    assert.equal(p.worker.inMemoryPages(), 1);
    put(page(3));
    s1.heap.evict(store);
    assert.equal(p.worker.evict(p.storeId(store), [p.ids.of(s1.heap)]), 1);
    assert.equal(p.worker.inMemoryPages(), 0);
    assert.equal(w1.heap.get(9)?.[0], 3);
  });
});
