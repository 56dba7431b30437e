/**
 * What a sandbox worker mirrors of canonical state, kept in step on both
 * sides of the `postMessage` boundary without ever asking.
 *
 * The main thread numbers every `ExecutionState` and `PageMap` it sends or
 * produces ({@link Ids}: by object identity, so the same state always gets
 * the same number). Per worker it keeps a {@link MainMirror}: which states
 * the worker holds, per canister, at most `maxStatesPerCanister` of them
 * (least recently used dropped first) and at most `maxCanisters` canisters.
 * A state's page maps and module are reference-counted by the states that
 * use them. The worker keeps a {@link WorkerMirror} with the same states,
 * the same counting, and the objects themselves (main-mirror.ts,
 * worker-mirror.ts; this file holds what both share).
 *
 *     main                                         worker
 *     describe(state): known → its id only;        resolve(id, wire): build the state from
 *       else a StateWire whose maps are known,       known maps, deltas and full pages
 *       a delta over a known ancestor, or full
 *     (result arrives) addResult(ids)              addResult(ids) when the execution kept changes
 *     evictions → forget list, sent with the       forget(ids): drop the states, then maps and
 *       next message to that worker                  modules nobody uses any more
 *
 * Only the main thread drops states (a worker never evicts on its own), so
 * the worker holds at least what the main thread believes it holds (plus
 * results not yet reported, and states whose forget is still on its way);
 * a belief that is too small only costs a resend. A worker applies a
 * message's state before its forget list.
 *
 * Deltas: when the main thread builds a state from a result, it records the
 * new map's parent and changed pages ({@link Lineage}). A map the worker
 * does not hold is sent as the pages that differ from a map it does hold,
 * found a few lineage hops away: an ancestor (a state built from results
 * the worker never saw), or a descendant among the canister's held states
 * (a query on an older snapshot while the worker holds newer states); else
 * in full (the first time, and after the worker was replaced).
 */
import type { PageMap } from '../state/index.ts';

/** Numbers for objects, by identity; the main thread's side of the protocol. */
export class Ids {
  readonly #ids = new WeakMap<object, number>();
  #next = 1;

  /** The object's number, assigned on first sight. */
  of(o: object): number {
    let id = this.#ids.get(o);
    if (id === undefined) this.#ids.set(o, (id = this.#next++));
    return id;
  }

  /** The object's number if it has one (never assigns). */
  peek(o: object): number | undefined {
    return this.#ids.get(o);
  }

  /** A fresh number, to give to an object later with {@link assign}. */
  reserve(): number {
    return this.#next++;
  }

  /** Gives `o` a reserved number (unless it already has one). */
  assign(o: object, id: number): void {
    if (!this.#ids.has(o)) this.#ids.set(o, id);
  }
}

/** How a page map was derived: its parent and the page indices that changed. */
export type Lineage = WeakMap<PageMap, { readonly parent: PageMap; readonly pages: readonly number[] }>;

/** Reference counts. */
export class Refs<K> {
  readonly #n = new Map<K, number>();
  has(k: K): boolean { return this.#n.has(k); }
  inc(k: K): void { this.#n.set(k, (this.#n.get(k) ?? 0) + 1); }
  /** @returns whether the count reached zero (the key is gone). */
  dec(k: K): boolean {
    const n = (this.#n.get(k) ?? 1) - 1;
    if (n > 0) this.#n.set(k, n);
    else this.#n.delete(k);
    return n <= 0;
  }
}

/** A mirrored state: its canister and the ids of what it uses. */
export interface Entry {
  readonly canister: string;
  readonly heap: number;
  readonly stable: number;
  readonly module: string;
}

/** Bounds of a mirror (the main thread's; a worker never evicts on its own). */
export interface MirrorBounds {
  readonly maxStatesPerCanister: number;
  readonly maxCanisters: number;
}

export const UNBOUNDED: MirrorBounds = { maxStatesPerCanister: Infinity, maxCanisters: Infinity };

/** The states, maps and modules one worker holds, and their counting; shared by both sides. */
export class MirrorBook {
  readonly #bounds: MirrorBounds;
  protected readonly states = new Map<number, Entry>();
  /** Per canister, its states, least recently used first; canisters least recently used first. */
  readonly #byCanister = new Map<string, number[]>();
  protected readonly maps = new Refs<number>();
  protected readonly modules = new Refs<string>();

  constructor(bounds: MirrorBounds) {
    this.#bounds = bounds;
  }

  /** Registers (or touches) a state; returns the states evicted to stay in bounds. */
  protected addEntry(id: number, e: Entry): number[] {
    if (!this.states.has(id)) {
      this.states.set(id, e);
      this.maps.inc(e.heap);
      if (e.stable !== e.heap) this.maps.inc(e.stable);
      this.modules.inc(e.module);
    }
    const list = this.#byCanister.get(e.canister) ?? [];
    this.#byCanister.delete(e.canister);
    this.#byCanister.set(e.canister, list);
    const at = list.indexOf(id);
    if (at >= 0) list.splice(at, 1);
    list.push(id);
    const evicted: number[] = [];
    while (list.length > this.#bounds.maxStatesPerCanister) evicted.push(list.shift() as number);
    while (this.#byCanister.size > this.#bounds.maxCanisters) {
      const [oldest, states] = this.#byCanister.entries().next().value as [string, number[]];
      if (oldest === e.canister) break;
      this.#byCanister.delete(oldest);
      evicted.push(...states);
    }
    for (const s of evicted) this.removeEntry(s);
    return evicted;
  }

  /** Number of states held. */
  get stateCount(): number {
    return this.states.size;
  }

  /** The states held for a canister. */
  protected statesOf(canister: string): readonly number[] {
    return this.#byCanister.get(canister) ?? [];
  }

  /** Forgets a state; drops maps and modules it was the last user of. */
  protected removeEntry(id: number): void {
    const e = this.states.get(id);
    if (e === undefined) return;
    this.states.delete(id);
    const list = this.#byCanister.get(e.canister);
    if (list !== undefined) {
      const at = list.indexOf(id);
      if (at >= 0) list.splice(at, 1);
      if (list.length === 0) this.#byCanister.delete(e.canister);
    }
    if (this.maps.dec(e.heap)) this.dropMap(e.heap);
    if (e.stable !== e.heap && this.maps.dec(e.stable)) this.dropMap(e.stable);
    if (this.modules.dec(e.module)) this.dropModule(e.module);
  }

  protected dropMap(_id: number): void {}
  protected dropModule(_hash: string): void {}
}
