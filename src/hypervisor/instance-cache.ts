/**
 * `InstanceCache`: the idle {@link CanisterInstance}s of one sandbox (the
 * in-process one, or one worker), reused across executions while they
 * mirror the state an execution starts from.
 *
 *     acquire(canister, state)   an idle instance mirroring `state`, or one that can be
 *                                undone to it (see below), or a new one loaded from `state`
 *     release(canister, inst)    back to the idle set (unless poisoned or not reusable)
 *     recordUndo(inst, …)        the instance kept an execution's changes: remember how to undo them
 *
 * Bounds: at most `maxIdlePerCanister` idle instances per canister (most
 * recently released first) and at most `maxIdle` in all, across canisters,
 * evicting the least recently released (an LRU over canisters). An evicted
 * instance is simply dropped; the next execution of that canister builds a
 * new one from its state, which changes speed only, never a result.
 *
 * Undo: an instance that kept an execution's changes mirrors the state
 * after it. When the caller did not commit that state and runs the next
 * message on the state before it, copying back the pages that execution
 * changed (and the globals) is far cheaper than a new instance; that is
 * possible while the heap did not grow.
 */
import type { CompiledModule } from '../wasm/index.ts';
import type { ExecutionState } from '../state/index.ts';
import { CanisterInstance } from './instance.ts';

/** Bounds of an {@link InstanceCache}. */
export interface InstanceCacheOptions {
  /** Idle instances kept per canister (default 2). */
  readonly maxIdlePerCanister?: number;
  /** Idle instances kept in all, across canisters (default 64). */
  readonly maxIdle?: number;
}

/** What an instance needs to go back from the state after its last kept execution to the state before it. */
interface Undo {
  readonly after: ExecutionState;
  readonly before: ExecutionState;
  readonly pages: readonly number[];
}

/** Counters for tests and metrics. */
export interface InstanceStats {
  instancesCreated: number;
  instancesReused: number;
  undone: number;
  evicted: number;
}

/** Idle instances of one sandbox (see the module header). */
export class InstanceCache {
  readonly stats: InstanceStats = { instancesCreated: 0, instancesReused: 0, undone: 0, evicted: 0 };
  readonly #maxPerCanister: number;
  readonly #max: number;
  /** Idle instances per canister, most recently released first. */
  readonly #idle = new Map<string, CanisterInstance[]>();
  /** Every idle instance and its canister, least recently released first. */
  readonly #lru = new Map<CanisterInstance, string>();
  readonly #undo = new WeakMap<CanisterInstance, Undo>();

  constructor(options: InstanceCacheOptions = {}) {
    this.#maxPerCanister = options.maxIdlePerCanister ?? 2;
    this.#max = options.maxIdle ?? 64;
  }

  /** Idle instances held, all canisters. */
  get idleCount(): number {
    return this.#lru.size;
  }

  /** A new instance of `compiled` (not loaded with any state). */
  create(compiled: CompiledModule): CanisterInstance {
    this.stats.instancesCreated++;
    return new CanisterInstance(compiled);
  }

  /** An idle instance mirroring `state`, made to mirror it, or a new one loaded from it. */
  acquire(canister: string, state: ExecutionState): CanisterInstance {
    const idle = this.#idle.get(canister) ?? [];
    for (let i = 0; i < idle.length; i++) {
      const inst = idle[i];
      if (inst.compiled !== state.compiled) continue;
      const undo = this.#undo.get(inst);
      if (undo !== undefined && inst.mirrors !== state && undo.after === inst.mirrors && undo.before === state) {
        inst.restorePages(state.heap, undo.pages);
        inst.writeGlobals(state.globals);
        inst.mirrors = state;
        this.#undo.delete(inst);
        this.stats.undone++;
      }
      if (inst.mirrors === state) {
        idle.splice(i, 1);
        if (idle.length === 0) this.#idle.delete(canister);
        this.#lru.delete(inst);
        this.stats.instancesReused++;
        return inst;
      }
    }
    const inst = this.create(state.compiled);
    inst.load(state);
    return inst;
  }

  /** Returns an instance to the idle set (dropped if poisoned or not reusable), evicting beyond the bounds. */
  release(canister: string, instance: CanisterInstance): void {
    instance.busy = false;
    if (instance.poisoned || !instance.info.reusable) return;
    let idle = this.#idle.get(canister);
    if (idle === undefined) this.#idle.set(canister, (idle = []));
    idle.unshift(instance);
    this.#lru.set(instance, canister);
    while (idle.length > this.#maxPerCanister) this.#evict(canister, idle[idle.length - 1]);
    while (this.#lru.size > this.#max) {
      const [oldest, owner] = this.#lru.entries().next().value as [CanisterInstance, string];
      this.#evict(owner, oldest);
    }
  }

  /** Remembers that `instance` went from `before` to `after` by changing `pages` (or forgets it: `undefined`). */
  recordUndo(instance: CanisterInstance, undo: Undo | undefined): void {
    if (undo === undefined) this.#undo.delete(instance);
    else this.#undo.set(instance, undo);
  }

  /** Drops a canister's idle instances. */
  drop(canister: string): void {
    for (const inst of this.#idle.get(canister) ?? []) this.#lru.delete(inst);
    this.#idle.delete(canister);
  }

  #evict(canister: string, instance: CanisterInstance): void {
    const idle = this.#idle.get(canister);
    if (idle !== undefined) {
      const at = idle.indexOf(instance);
      if (at >= 0) idle.splice(at, 1);
      if (idle.length === 0) this.#idle.delete(canister);
    }
    this.#lru.delete(instance);
    this.stats.evicted++;
  }
}
