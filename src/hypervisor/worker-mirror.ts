/**
 * `WorkerMirror`: the states, page maps and modules a sandbox worker holds,
 * kept in step with the main thread's `MainMirror` (state-mirror.ts has the
 * protocol). It never evicts on its own: it forgets what it is told to.
 */
import type { CompiledModule } from '../wasm/index.ts';
import { PageMap } from '../state/index.ts';
import type { ExecutionState, PageDelta, PageStore } from '../state/index.ts';
import type { MapWire, ModuleWire, StateWire } from './sandbox-protocol.ts';
import { rememberModuleInfo } from './module-info.ts';
import { MirrorBook, UNBOUNDED } from './state-mirror.ts';
import type { Entry } from './state-mirror.ts';

/** A worker's mirrored states, maps and modules (see the module header). */
export class WorkerMirror extends MirrorBook {
  readonly #store: (id: number) => PageStore;

  /** @param store the main thread's store `id` as seen from this worker (for stored pages). */
  constructor(store: (id: number) => PageStore = () => { throw new Error('sandbox protocol: no page stores here'); }) {
    super(UNBOUNDED); // only the main thread decides what is forgotten
    this.#store = store;
  }

  readonly #states = new Map<number, ExecutionState>();
  readonly #maps = new Map<number, PageMap>();
  readonly #modules = new Map<string, CompiledModule>();

  /** Modules sent ahead of the states that use them. */
  addModules(wires: readonly ModuleWire[]): void {
    for (const w of wires) {
      if (this.#modules.has(w.hash)) continue;
      const compiled: CompiledModule = { hash: w.hash, module: w.module, output: w.output };
      rememberModuleInfo(compiled.module, w.info);
      this.#modules.set(w.hash, compiled);
    }
  }

  /** The state `id` for `canister`, built from `wire` when it is new here. @throws {Error} on a protocol violation. */
  resolve(canister: string, id: number, wire: StateWire | undefined): ExecutionState {
    let state = this.#states.get(id);
    if (state === undefined) {
      if (wire === undefined) throw new Error(`sandbox protocol: state ${id} is not held and was not sent`);
      const compiled = this.#modules.get(wire.module);
      if (compiled === undefined) throw new Error(`sandbox protocol: module ${wire.module} was not sent`);
      state = Object.freeze({
        compiled, heap: this.#map(wire.heap), heapSizePages: wire.heapSizePages,
        stable: Object.freeze({ sizePages: wire.stableSizePages, pages: this.#map(wire.stable) }), globals: Object.freeze([...wire.globals]),
      });
      this.#states.set(id, state);
      this.addEntry(id, { canister, heap: wire.heap.id, stable: wire.stable.id, module: wire.module });
    } else {
      const e = this.states.get(id) as Entry;
      this.addEntry(id, e);
    }
    return state;
  }

  /** Registers the state an execution kept, under the ids main reserved (`heap`/`stable` are the base's when unchanged). */
  addResult(canister: string, id: number, state: ExecutionState, heap: number, stable: number): void {
    this.#maps.set(heap, state.heap);
    this.#maps.set(stable, state.stable.pages);
    this.#states.set(id, state);
    this.addEntry(id, { canister, heap, stable, module: state.compiled.hash });
  }

  /** Ids of the maps of a held state. */
  mapIds(id: number): { heap: number; stable: number } | undefined {
    const e = this.states.get(id);
    return e === undefined ? undefined : { heap: e.heap, stable: e.stable };
  }

  /** Forgets states (told by the main thread). */
  forget(ids: readonly number[]): void {
    for (const id of ids) {
      this.removeEntry(id);
      this.#states.delete(id);
    }
  }

  /**
   * The main thread says every page of these maps is in store `store` now:
   * their pages in RAM become stored pages (their bytes are dropped).
   * @returns pages evicted.
   */
  evict(store: number, mapIds: readonly number[]): number {
    const s = this.#store(store);
    let n = 0;
    for (const id of mapIds) n += this.#maps.get(id)?.evict(s).evicted ?? 0;
    return n;
  }

  /** Pages the mirrored maps hold in RAM (pages shared by several maps counted per map; for tests). */
  inMemoryPages(): number {
    let n = 0;
    for (const m of this.#maps.values()) n += m.inMemoryPageCount();
    return n;
  }

  /** States, maps and modules held (for tests). */
  get sizes(): { states: number; maps: number; modules: number } {
    return { states: this.#states.size, maps: this.#maps.size, modules: this.#modules.size };
  }

  protected override dropMap(id: number): void {
    this.#maps.delete(id);
  }

  protected override dropModule(hash: string): void {
    this.#modules.delete(hash);
  }

  #map(w: MapWire): PageMap {
    const held = this.#maps.get(w.id);
    if (held !== undefined) return held;
    let map: PageMap;
    if (w.kind === 'known') throw new Error(`sandbox protocol: page map ${w.id} is not held`);
    if (w.kind === 'delta') {
      const base = this.#maps.get(w.base);
      if (base === undefined) throw new Error(`sandbox protocol: delta base ${w.base} is not held`);
      map = base.withPages(w.pages as PageDelta[]);
    } else {
      map = PageMap.fromPages(w.pages);
      for (const st of w.stored ?? []) {
        const hashes = st.hashes;
        map = map.withStoredPages(st.indices.map((index, i) => ({ index, hash: hashes.subarray(i * 32, (i + 1) * 32) })), this.#store(st.store));
      }
    }
    this.#maps.set(w.id, map);
    return map;
  }
}
