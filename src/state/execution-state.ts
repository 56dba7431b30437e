/**
 * `ExecutionState` (the replica's name): the Wasm side of a canister's
 * state — the compiled module, the heap as a {@link PageMap} with its size in
 * Wasm pages, stable memory, and the values of the persisted mutable
 * globals. Immutable: an execution that keeps its changes produces a new
 * `ExecutionState` that shares every unchanged page with the old one.
 *
 * Created at install from the instrumentation output:
 *
 *     heap     = PageMap of the module's active data segments, in order
 *                (they were stripped from the module; instantiating it
 *                writes nothing into memory)
 *     heapSize = the memory's initial size
 *     globals  = the values a fresh instance starts with
 *     stable   = empty, or kept from the previous state (upgrade)
 *
 * and then `canister_start` runs on it (see `Hypervisor.createExecutionState`).
 * With `wasm_memory_persistence = keep` (Motoko's enhanced orthogonal
 * persistence) the old heap is kept instead and the new module's data
 * segments are not applied; the heap is at least the new module's minimum.
 */
import type { CompiledModule, ExportedMethods } from '../wasm/index.ts';
import { PAGE_BYTES, PageMap } from './page-map.ts';
import type { PageDelta } from './page-map.ts';

/** A persisted global's value (i32, f32, f64 as numbers; i64 as a bigint). */
export type GlobalValue = number | bigint;

/** Stable memory: its size in Wasm pages and its 4 KiB pages. */
export interface StableState {
  readonly sizePages: number;
  readonly pages: PageMap;
}

/** The Wasm side of a canister's state. */
export interface ExecutionState {
  readonly compiled: CompiledModule;
  readonly heap: PageMap;
  /** Heap size, Wasm pages. */
  readonly heapSizePages: number;
  readonly stable: StableState;
  /** Values of `compiled.output.persistentGlobals`, in that order. */
  readonly globals: readonly GlobalValue[];
}

/** Empty stable memory. */
export const EMPTY_STABLE: StableState = Object.freeze({ sizePages: 0, pages: PageMap.empty() });

/** The exported methods of the state's module. */
export function exportedMethods(state: ExecutionState): ExportedMethods {
  return state.compiled.output.exportedMethods;
}

/** Whether the module exports `name` (a full export name such as `canister_update inc`). */
export function exportsFunction(state: ExecutionState, name: string): boolean {
  return exportNames(state.compiled).has(name);
}

const exportCache = new WeakMap<WebAssembly.Module, ReadonlySet<string>>();
function exportNames(compiled: CompiledModule): ReadonlySet<string> {
  let names = exportCache.get(compiled.module);
  if (names === undefined) {
    names = new Set(WebAssembly.Module.exports(compiled.module).filter((e) => e.kind === 'function').map((e) => e.name));
    exportCache.set(compiled.module, names);
  }
  return names;
}

/**
 * The heap a module starts with: its active data segments written, in
 * order, into zeroed 4 KiB pages (later segments overwrite earlier ones).
 */
export function dataSegmentsHeap(compiled: CompiledModule): PageMap {
  const pages = new Map<number, Uint8Array>();
  for (const seg of compiled.output.dataSegments) {
    let at = Number(seg.offset);
    let done = 0;
    while (done < seg.bytes.length) {
      const index = Math.floor(at / PAGE_BYTES);
      const inPage = at - index * PAGE_BYTES;
      const n = Math.min(PAGE_BYTES - inPage, seg.bytes.length - done);
      let page = pages.get(index);
      if (page === undefined) pages.set(index, (page = new Uint8Array(PAGE_BYTES)));
      page.set(seg.bytes.subarray(done, done + n), inPage);
      done += n;
      at += n;
    }
  }
  const delta: PageDelta[] = [...pages.keys()].sort((a, b) => a - b).map((index) => ({ index, bytes: pages.get(index) as Uint8Array }));
  return PageMap.fromPages(delta);
}

/** What a new state is made of besides the module (see the module header). */
export interface NewStateOptions {
  /** The fresh instance's heap size and global values. */
  readonly initialHeapPages: number;
  readonly initialGlobals: readonly GlobalValue[];
  /** Stable memory to keep (upgrade); default empty. */
  readonly stable?: StableState;
  /** Heap to keep (`wasm_memory_persistence = keep`); default the data segments. */
  readonly keepHeap?: { readonly heap: PageMap; readonly heapSizePages: number };
}

/** The state of a freshly installed module, before `canister_start` runs. */
export function newExecutionState(compiled: CompiledModule, opts: NewStateOptions): ExecutionState {
  const keep = opts.keepHeap;
  return Object.freeze({
    compiled,
    heap: keep === undefined ? dataSegmentsHeap(compiled) : keep.heap,
    heapSizePages: keep === undefined ? opts.initialHeapPages : Math.max(keep.heapSizePages, opts.initialHeapPages),
    stable: opts.stable ?? EMPTY_STABLE,
    globals: Object.freeze([...opts.initialGlobals]),
  });
}

/** The state after an execution that kept its changes. */
export function applyExecutionDelta(
  base: ExecutionState,
  delta: {
    readonly heapDelta: readonly PageDelta[]; readonly heapSizePages: number; readonly globals: readonly GlobalValue[];
    readonly stableDelta: readonly PageDelta[]; readonly stableSizePages: number;
  },
): ExecutionState {
  const stable = delta.stableDelta.length === 0 && delta.stableSizePages === base.stable.sizePages
    ? base.stable
    : { sizePages: delta.stableSizePages, pages: base.stable.pages.withPages(delta.stableDelta) };
  return Object.freeze({
    compiled: base.compiled,
    heap: base.heap.withPages(delta.heapDelta),
    heapSizePages: delta.heapSizePages,
    stable,
    globals: Object.freeze([...delta.globals]),
  });
}
