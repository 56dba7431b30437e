// Checkpoint codec (src/state/checkpoint): the time to encode a state for a
// checkpoint against the number of pages changed since the previous one,
// at two memory sizes (it must follow the dirty pages, not the memory), and
// the encode/decode (restart) time of a subnet of 1,000 canisters. Objects go
// to an in-memory content-addressed map (the LMDB store's costs are the
// store engineer's benchmark); state-hash time is left out (its page hashes
// are cached across checkpoints either way).
//
// value = ms to encode a checkpoint with 256 dirty pages in a 256 MiB stable
// memory whose pages were evicted into the store after each checkpoint (as a
// durable replica does; without eviction each new node's 64 siblings are
// looked up, also reported); baseline = ms of the first (full) checkpoint of that memory.
import {
  CanisterState, PageMap, SystemState, decodeState, encodeState, evictPages, newExecutionState, newSchedulerState,
} from '../src/state/index.ts';
import type { ExecutionState, ReplicatedState } from '../src/state/index.ts';
import { CanisterId } from '../src/types/index.ts';
import { MapStore, compiled, compiler, distinctPage, emptySubnet } from '../src/state/checkpoint/test-support.ts';
import { median } from './lib.ts';
import type { BenchReport } from './lib.ts';

const MIB_PAGES = 256;
const DIRTY = [0, 16, 256, 4096];
const SIZES_MIB = [16, 256];
const SAMPLES = 5;
const CANISTERS = 1000;

const ms = (f: () => unknown): number => {
  const t0 = performance.now();
  f();
  return performance.now() - t0;
};

const subnet = emptySubnet;
const page = distinctPage;

function oneCanister(pages: number): ReplicatedState {
  const s = subnet();
  const id = CanisterId.fromU64(1n);
  const stable = PageMap.fromPages(Array.from({ length: pages }, (_, index) => ({ index, bytes: page() })));
  const es = { ...newExecutionState(compiled(0), { initialHeapPages: 1, initialGlobals: [] }), stable: { sizePages: pages / 16, pages: stable } };
  s.putCanister(new CanisterState(new SystemState({ canisterId: id, controllers: [], cycles: 1n }), es, newSchedulerState(0n)));
  return s;
}

function encodeInto(state: ReplicatedState, store: MapStore): number {
  const r = encodeState(state, store);
  if (!r.ok) throw new Error(r.error);
  return r.bytes.length;
}

export async function run(): Promise<BenchReport> {
  const rows: Record<string, unknown>[] = [];
  let value = 0;
  let baseline = 0;
  for (const [mib, evict] of SIZES_MIB.flatMap((m) => [[m, false], [m, true]] as const)) {
    const total = mib * MIB_PAGES;
    const state = oneCanister(total);
    state.canisters()[0].executionState?.stable.pages.contentHash(); // the state hash at the checkpoint hashes every page once anyway
    const store = new MapStore();
    const full = ms(() => encodeInto(state, store));
    if (evict) evictPages(state, store);
    const row: Record<string, unknown> = { memoryMiB: mib, pagesEvictedAfterEachCheckpoint: evict, pages: total, msFirstCheckpoint: full, objectsFirstCheckpoint: store.puts };
    for (const k of DIRTY) {
      const times: number[] = [];
      let writes = 0;
      for (let s = 0; s < SAMPLES; s++) {
        const c = state.canisterMut(CanisterId.fromU64(1n)) as CanisterState;
        const es = c.executionState as ExecutionState;
        const delta = Array.from({ length: k }, (_, i) => ({ index: (i * 7919 + s * 104_729) % total, bytes: page() }));
        c.executionState = { ...es, stable: { ...es.stable, pages: es.stable.pages.withPages(delta) } };
        c.executionState.stable.pages.contentHash(); // as the checkpoint's state hash does
        const before = store.puts;
        times.push(ms(() => encodeInto(state, store)));
        writes = store.puts - before;
        if (evict) evictPages(state, store); // what a durable replica does once the checkpoint is committed
      }
      row[`msDirty${k}`] = median(times);
      row[`objectsWrittenDirty${k}`] = writes;
    }
    rows.push(row);
    if (mib === 256 && evict) {
      value = row.msDirty256 as number;
      baseline = full;
    }
  }

  const many = subnet();
  for (let i = 0; i < CANISTERS; i++) {
    const heap = PageMap.fromPages(Array.from({ length: 16 }, (_, index) => ({ index, bytes: page() })));
    const es = { ...newExecutionState(compiled(0), { initialHeapPages: 1, initialGlobals: [1n] }), heap };
    many.putCanister(new CanisterState(new SystemState({ canisterId: CanisterId.fromU64(BigInt(i)), controllers: [], cycles: 10n ** 12n }), es, newSchedulerState(0n)));
  }
  const store = new MapStore();
  let bytes = 0;
  const encodeFirst = ms(() => { bytes = encodeInto(many, store); });
  const encodeAgain = median(Array.from({ length: SAMPLES }, () => ms(() => encodeInto(many, store))));
  const enc = encodeState(many, store);
  if (!enc.ok) throw new Error(enc.error);
  const decode = median(Array.from({ length: SAMPLES }, () => ms(() => {
    const d = decodeState(enc.bytes, store, compiler);
    if (!d.ok) throw new Error(d.error);
  })));

  const evicted = rows.filter((r) => r.pagesEvictedAfterEachCheckpoint === true);
  const flat = (evicted[1].msDirty256 as number) < 3 * (evicted[0].msDirty256 as number) + 2;
  return {
    name: 'checkpoint-codec',
    unit: 'ms per checkpoint',
    value,
    baseline,
    ratio: value / baseline,
    target: { description: 'encoding time follows dirty pages: 256 dirty pages cost about the same in 16 and 256 MiB', met: flat },
    details: {
      workload: 'one canister with a stable memory of 16 or 256 MiB (distinct pages); k pages changed between checkpoints; objects into an in-memory map',
      baselineIs: 'the first (full) checkpoint of the 256 MiB memory, same run',
      byMemorySize: rows,
      subnet1000: {
        canisters: CANISTERS, heapPagesEach: 16, stateBytes: bytes, msEncodeFirst: encodeFirst, msEncodeUnchanged: encodeAgain,
        msDecode: decode, note: 'decode = restart: every canister, modules from the compile cache, pages left in the store',
      },
    },
  };
}
