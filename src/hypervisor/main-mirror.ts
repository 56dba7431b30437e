/**
 * `MainMirror`: the main thread's record of what one sandbox worker holds,
 * and how to send it a state it does not (state-mirror.ts has the protocol).
 */
import type { CompiledModule } from '../wasm/index.ts';
import { PAGE_BYTES, applyExecutionDelta } from '../state/index.ts';
import type { ExecutionState, PageDelta, PageMap, PageStore } from '../state/index.ts';
import type { MapWire, ModuleWire, ResultIds, StateWire, StoredWire } from './sandbox-protocol.ts';
import type { SandboxResult } from './sandbox.ts';
import { MirrorBook } from './state-mirror.ts';
import type { Entry, Ids, Lineage } from './state-mirror.ts';

/** How far (in lineage hops) a delta base is looked for. */
const MAX_LINEAGE_HOPS = 8;
const ZERO_PAGE = new Uint8Array(PAGE_BYTES);

/** The main thread's record of what one worker holds (see the module header). */
export class MainMirror extends MirrorBook {
  #forget: number[] = [];
  /** The page maps of the states held, to find delta bases among them. */
  readonly #objects = new Map<number, { readonly heap: WeakRef<PageMap>; readonly stable: WeakRef<PageMap> }>();

  /**
   * The reference or description of `state` for canister `canister`, and the
   * modules to send with it; registers it as held.
   */
  describe(
    canister: string, state: ExecutionState, ids: Ids, lineage: Lineage, moduleOf: (c: CompiledModule) => ModuleWire, storeId: (s: PageStore) => number,
  ): { stateId: number; wire?: StateWire; modules?: ModuleWire[] } {
    const stateId = ids.of(state);
    const entry = { canister, heap: ids.of(state.heap), stable: ids.of(state.stable.pages), module: state.compiled.hash };
    if (this.states.has(stateId)) {
      this.#add(stateId, entry, state);
      return { stateId };
    }
    const modules = this.modules.has(entry.module) ? undefined : [moduleOf(state.compiled)];
    const mapWire = (role: 'heap' | 'stable', map: PageMap, id: number): MapWire => {
      if (this.maps.has(id)) return { id, kind: 'known' };
      const delta = this.#deltaBase(canister, role, map, ids, lineage);
      if (delta === undefined) return fullWire(id, map, storeId);
      const pages = [...delta.pages].sort((a, b) => a - b).map((index) => ({ index, bytes: map.get(index) ?? ZERO_PAGE }));
      return { id, kind: 'delta', base: delta.base, pages };
    };
    const wire: StateWire = {
      module: entry.module, heap: mapWire('heap', state.heap, entry.heap), heapSizePages: state.heapSizePages,
      stableSizePages: state.stable.sizePages, stable: mapWire('stable', state.stable.pages, entry.stable), globals: state.globals,
    };
    this.#add(stateId, entry, state);
    return { stateId, wire, ...(modules === undefined ? {} : { modules }) };
  }

  /** The worker kept an execution's result state under these ids. */
  addResult(canister: string, stateId: number, state: ExecutionState, ids: Ids): void {
    this.#add(stateId, { canister, heap: ids.of(state.heap), stable: ids.of(state.stable.pages), module: state.compiled.hash }, state);
  }

  /** Forgets everything held for a canister; returns the state ids to tell the worker. */
  dropCanister(canister: string): number[] {
    const states = [...this.statesOf(canister)];
    for (const s of states) this.removeEntry(s);
    return [...this.takeForget(), ...states];
  }

  /** Whether the worker holds the map numbered `id`. */
  holdsMap(id: number): boolean {
    return this.maps.has(id);
  }

  /** States to tell the worker to forget (each told once; the worker forgets them before resolving the message's state). */
  takeForget(): number[] {
    const f = this.#forget;
    this.#forget = [];
    return f;
  }

  protected override removeEntry(id: number): void {
    super.removeEntry(id);
    this.#objects.delete(id);
  }

  #add(id: number, e: Entry, state: ExecutionState): void {
    if (!this.#objects.has(id)) this.#objects.set(id, { heap: new WeakRef(state.heap), stable: new WeakRef(state.stable.pages) });
    this.#forget.push(...this.addEntry(id, e));
  }

  /**
   * A map the worker holds that `map` differs from in known pages: an
   * ancestor of `map`, or a descendant of it among the canister's held
   * states (a query on an older snapshot), a few lineage hops away.
   */
  #deltaBase(canister: string, role: 'heap' | 'stable', map: PageMap, ids: Ids, lineage: Lineage): { base: number; pages: Set<number> } | undefined {
    const pages = new Set<number>();
    let at = map;
    for (let hop = 0; hop < MAX_LINEAGE_HOPS; hop++) {
      const l = lineage.get(at);
      if (l === undefined) break;
      for (const p of l.pages) pages.add(p);
      at = l.parent;
      if (this.maps.has(ids.of(at))) return { base: ids.of(at), pages };
    }
    for (const id of [...this.statesOf(canister)].reverse()) {
      const held = this.#objects.get(id)?.[role].deref();
      if (held === undefined) continue;
      const down = new Set<number>();
      let m = held;
      for (let hop = 0; hop < MAX_LINEAGE_HOPS && m !== map; hop++) {
        const l = lineage.get(m);
        if (l === undefined) break;
        for (const p of l.pages) down.add(p);
        m = l.parent;
      }
      if (m === map) return { base: ids.of(held), pages: down };
    }
    return undefined;
  }
}

/** All pages of a map: the bytes of those in RAM, the hashes of stored ones (by store). */
function fullWire(id: number, map: PageMap, storeId: (s: PageStore) => number): MapWire {
  const pages: PageDelta[] = [];
  const stored = new Map<PageStore, { indices: number[]; hashes: Uint8Array[] }>();
  for (const leaf of map.leaves()) {
    if ('bytes' in leaf) {
      pages.push(leaf);
      continue;
    }
    let s = stored.get(leaf.stored.store);
    if (s === undefined) stored.set(leaf.stored.store, (s = { indices: [], hashes: [] }));
    s.indices.push(leaf.index);
    s.hashes.push(leaf.stored.hash);
  }
  if (stored.size === 0) return { id, kind: 'full', pages };
  const wires: StoredWire[] = [...stored].map(([store, s]) => ({ store: storeId(store), indices: s.indices, hashes: Buffer.concat(s.hashes) }));
  return { id, kind: 'full', pages, stored: wires };
}

/**
 * The canonical state after an execution that kept its changes, built as
 * the worker built its mirror (`applyExecutionDelta`), numbered with the ids
 * reserved for it (a map that did not change keeps its number), and with
 * the lineage of its new maps recorded for later deltas.
 */
export function stateAfterResult(base: ExecutionState, r: SandboxResult, reserved: ResultIds, ids: Ids, lineage: Lineage): ExecutionState {
  const after = applyExecutionDelta(base, r);
  ids.assign(after, reserved.state);
  if (after.heap !== base.heap) {
    ids.assign(after.heap, reserved.heap);
    lineage.set(after.heap, { parent: base.heap, pages: r.heapDelta.map((p) => p.index) });
  }
  if (after.stable.pages !== base.stable.pages) {
    ids.assign(after.stable.pages, reserved.stable);
    lineage.set(after.stable.pages, { parent: base.stable.pages, pages: r.stableDelta.map((p) => p.index) });
  }
  return after;
}
