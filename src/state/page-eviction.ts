/**
 * Eviction of a checkpointed state's pages: once a checkpoint's pages are
 * readable through its store, every `PageMap` of the state (heaps, stable
 * memories, snapshots' memories and uploaded modules) has its in-memory
 * pages turned into stored pages, in place (`PageMap.evict`). Contents,
 * hashes and identities are unchanged; the bytes can then be collected.
 * What stays in RAM is what changes after the checkpoint, bounded by the
 * subnet's heap-delta capacity (the scheduler skips rounds above it and the
 * next batch is a checkpoint).
 */
import type { ExecutionState } from './execution-state.ts';
import type { PageMap } from './page-map.ts';
import type { PageStore } from './page-store.ts';
import type { ReplicatedState } from './replicated-state.ts';

/** What {@link evictPages} did. */
export interface EvictionSummary {
  /** Pages whose bytes were dropped now. */
  readonly evicted: number;
  /** Pages still in RAM (their store does not have them). */
  readonly inMemory: number;
  /** The canisters' execution states whose heap and stable memory are now entirely stored (for sandboxes to drop their copies). */
  readonly storedStates: readonly ExecutionState[];
}

/** Every page map of the state: heaps, stable memories, snapshot memories and uploaded modules. */
export function* pageMapsOf(state: ReplicatedState): Generator<PageMap> {
  for (const c of state.canisters()) {
    const x = c.executionState;
    if (x !== undefined) {
      yield x.heap;
      yield x.stable.pages;
    }
    for (const s of c.snapshots.list()) {
      yield s.heap.pages;
      yield s.stable.pages;
      if (s.module.kind === 'uploaded') yield s.module.pages;
    }
  }
}

/**
 * Evicts the pages of every page map of `state` to `store` (see the module
 * header). Call it after the checkpoint of `state` is committed, so that
 * `store.get` returns its pages.
 */
export function evictPages(state: ReplicatedState, store: PageStore): EvictionSummary {
  let evicted = 0;
  let inMemory = 0;
  const seen = new Set<PageMap>();
  for (const map of pageMapsOf(state)) {
    if (seen.has(map)) continue;
    seen.add(map);
    const r = map.evict(store);
    evicted += r.evicted;
    inMemory += r.inMemory;
  }
  const storedStates: ExecutionState[] = [];
  for (const c of state.canisters()) {
    const x = c.executionState;
    if (x !== undefined && x.heap.isFullyStored && x.stable.pages.isFullyStored) storedStates.push(x);
  }
  return { evicted, inMemory, storedStates };
}

/** Pages held in RAM by the state's page maps (each map counted once; pages shared between maps counted per map). */
export function inMemoryPageCount(state: ReplicatedState): number {
  let n = 0;
  for (const map of new Set(pageMapsOf(state))) n += map.inMemoryPageCount();
  return n;
}
