/**
 * `SandboxPool`: a pool of `worker_threads` sandboxes (sandbox-worker.ts),
 * the {@link SandboxBackend} of a hypervisor with `workers > 0`.
 *
 * Affinity. A canister is assigned to one worker the first time it runs (the
 * one with the fewest canisters; ties to the lowest index) and stays there,
 * so a canister runs in one sandbox at a time and its live instances and
 * mirrored states are in one place. Which worker runs a canister changes
 * speed only: results never depend on it, nor on the number of workers.
 *
 * State. The main thread keeps canonical state; each worker mirrors the
 * states it was sent or produced (state-mirror.ts): the full state the first
 * time, page deltas or references after. A result comes back as plain data
 * (the SandboxResult); the main thread builds the state after it with
 * `applyExecutionDelta`, exactly as the worker did for its mirror.
 *
 * DTS. `paused`, `resume` and `abort` are messages keyed by an execution id;
 * a paused execution's Wasm stack stays suspended in its worker.
 *
 * Faults. A worker that dies — out of memory (`resourceLimits`), an
 * internal error, `terminate()` — fails every execution it had in flight,
 * running or paused, with a `WasmEngineError` saying so (flagged as a
 * `hazard`: the outcome depends on the host, not on the canister), and is
 * replaced by a fresh worker in the same slot. Its canisters stay assigned
 * to the slot; their next execution sends the canonical state in full and
 * builds new instances. Other workers, and the process, are not affected.
 */
import { Worker } from 'node:worker_threads';
import type { ResourceLimits } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import type { CanisterId } from '../types/index.ts';
import type { ExecutionState, PageStore } from '../state/index.ts';
import type { ExecutionStep, SandboxBackend } from './local-sandbox.ts';
import { moduleInfo } from './module-info.ts';
import type { SandboxRequest, SandboxResult } from './sandbox.ts';
import { lostResult, moduleWire, rehydrateIds, RESULT_SKIP } from './sandbox-protocol.ts';
import type { FromWorker, ResultIds, ToWorker, WorkerConfig } from './sandbox-protocol.ts';
import { Ids } from './state-mirror.ts';
import { MainMirror, stateAfterResult } from './main-mirror.ts';
import type { Lineage, MirrorBounds } from './state-mirror.ts';
import { WORKER_STACK_MB } from './stack-budget.ts';
import { answerPages, newPageChannel } from './page-channel.ts';

/** Options of a {@link SandboxPool}. */
export interface SandboxPoolOptions {
  /** Workers (default `os.availableParallelism()`). */
  readonly workers?: number;
  /** Idle instances per worker, all canisters (default 64). */
  readonly maxIdleInstances?: number;
  /** Idle instances per canister (default 2). */
  readonly maxIdleInstancesPerCanister?: number;
  /** States a worker mirrors per canister (default 3). */
  readonly maxStatesPerCanister?: number;
  /** Canisters a worker mirrors states of (default 1,024). */
  readonly maxCanistersPerWorker?: number;
  /** V8 limits of each worker (`stackSizeMb` is at least {@link WORKER_STACK_MB}). */
  readonly resourceLimits?: ResourceLimits;
}

/** One execution in flight on a worker. */
interface Exec {
  readonly id: number;
  readonly canister: string;
  readonly slot: Slot;
  readonly generation: number;
  readonly state: ExecutionState;
  readonly resultIds: ResultIds;
  waiting: { resolve: (s: ExecutionStep) => void; reject: (e: Error) => void } | undefined;
  /** Why the execution can no longer continue (its worker died). */
  dead?: string;
}

/** A worker position: the worker in it changes when one dies. */
interface Slot {
  readonly index: number;
  worker: Worker;
  mirror: MainMirror;
  /** The worker's page channel (page-channel.ts). */
  pageChannel: SharedArrayBuffer;
  generation: number;
  canisters: number;
  readonly execs: Map<number, Exec>;
  /** Executions waiting for a message from the worker (the worker is ref'd while > 0). */
  awaiting: number;
  deathReason?: string;
}

/** Counters for tests and metrics. */
export interface PoolStats {
  workersStarted: number;
  workerDeaths: number;
  executions: number;
  /** How the starting state travelled: held by the worker, or sent with its heap in full, as a page delta, or as a reference. */
  statesHeld: number;
  statesSentFull: number;
  statesSentDelta: number;
  statesSentByReference: number;
  modulesSent: number;
}

const WORKER_URL = new URL('./sandbox-worker.ts', import.meta.url);

/** Executions on worker threads (see the module header). */
export class SandboxPool implements SandboxBackend {
  readonly stats: PoolStats = {
    workersStarted: 0, workerDeaths: 0, executions: 0, statesHeld: 0, statesSentFull: 0, statesSentDelta: 0, statesSentByReference: 0, modulesSent: 0,
  };
  readonly #slots: Slot[];
  readonly #affinity = new Map<string, Slot>();
  readonly #ids = new Ids();
  readonly #lineage: Lineage = new WeakMap();
  /** The stores whose pages workers hold as stored pages, by number. */
  readonly #stores = new Map<number, PageStore>();
  readonly #bounds: MirrorBounds;
  readonly #config: Omit<WorkerConfig, 'pageChannel'>;
  readonly #limits: ResourceLimits;
  #nextExec = 1;
  #closed = false;

  constructor(options: SandboxPoolOptions = {}) {
    const n = options.workers ?? availableParallelism();
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`a sandbox pool needs at least one worker, got ${n}`);
    this.#bounds = { maxStatesPerCanister: options.maxStatesPerCanister ?? 3, maxCanisters: options.maxCanistersPerWorker ?? 1024 };
    this.#config = { maxIdleInstances: options.maxIdleInstances ?? 64, maxIdleInstancesPerCanister: options.maxIdleInstancesPerCanister ?? 2 };
    this.#limits = { ...options.resourceLimits, stackSizeMb: Math.max(WORKER_STACK_MB, options.resourceLimits?.stackSizeMb ?? 0) };
    this.#slots = Array.from({ length: n }, (_, index) => {
      const slot = { index, generation: 0, canisters: 0, execs: new Map(), awaiting: 0 } as unknown as Slot;
      this.#start(slot);
      return slot;
    });
  }

  /** Number of workers. */
  get size(): number {
    return this.#slots.length;
  }

  /** The worker index a canister is assigned to, if it ran here. */
  workerOf(canisterId: CanisterId): number | undefined {
    return this.#affinity.get(canisterId.toText())?.index;
  }

  execute(canisterId: CanisterId, state: ExecutionState, req: SandboxRequest): Promise<ExecutionStep> {
    if (this.#closed) return Promise.reject(new Error('the sandbox pool is closed'));
    const canister = canisterId.toText();
    const slot = this.#slotOf(canister);
    const forget = slot.mirror.takeForget();
    const d = slot.mirror.describe(canister, state, this.#ids, this.#lineage, (c) => moduleWire(c, moduleInfo(c)), (s) => this.#storeId(s));
    const resultIds = { state: this.#ids.reserve(), heap: this.#ids.reserve(), stable: this.#ids.reserve() };
    const exec: Exec = { id: this.#nextExec++, canister, slot, generation: slot.generation, state, resultIds, waiting: undefined };
    slot.execs.set(exec.id, exec);
    this.#count(d.wire?.heap.kind, d.modules?.length ?? 0);
    const step = this.#await(exec);
    this.#post(slot, {
      type: 'execute', exec: exec.id, canister, stateId: d.stateId, resultIds, request: req,
      ...(d.wire === undefined ? {} : { state: d.wire }), ...(d.modules === undefined ? {} : { modules: d.modules }),
      ...(forget.length === 0 ? {} : { forget }),
    });
    return step;
  }

  #count(heap: 'known' | 'delta' | 'full' | undefined, modules: number): void {
    const s = this.stats;
    s.executions++;
    s.modulesSent += modules;
    if (heap === undefined) s.statesHeld++;
    else if (heap === 'full') s.statesSentFull++;
    else if (heap === 'delta') s.statesSentDelta++;
    else s.statesSentByReference++;
  }

  #storeId(store: PageStore): number {
    const id = this.#ids.of(store);
    this.#stores.set(id, store);
    return id;
  }

  /**
   * Every page of these states' heaps and stable memories is now in `store`
   * (a checkpoint evicted them): workers holding those maps drop their
   * bytes and keep stored pages, loaded through the page channel.
   */
  pagesEvicted(states: readonly ExecutionState[], store: PageStore): void {
    if (this.#closed) return;
    const storeId = this.#storeId(store);
    for (const slot of this.#slots) {
      const maps = new Set<number>();
      for (const x of states) {
        for (const map of [x.heap, x.stable.pages]) {
          const id = this.#ids.peek(map);
          if (id !== undefined && slot.mirror.holdsMap(id)) maps.add(id);
        }
      }
      if (maps.size > 0) this.#post(slot, { type: 'evict', store: storeId, maps: [...maps] });
    }
  }

  dropInstances(canisterId: CanisterId): void {
    const canister = canisterId.toText();
    const slot = this.#affinity.get(canister);
    if (slot === undefined || this.#closed) return;
    this.#post(slot, { type: 'drop', canister, forget: slot.mirror.dropCanister(canister) });
  }

  /**
   * For fault tests: kills the worker running `canisterId` as a crash would
   * (`worker.terminate()`); resolves once it is gone and replaced.
   */
  async crashWorkerOf(canisterId: CanisterId, reason = 'terminated by crashWorkerOf'): Promise<void> {
    const slot = this.#affinity.get(canisterId.toText());
    if (slot === undefined) throw new Error(`canister ${canisterId.toText()} has no worker`);
    slot.deathReason = reason;
    await slot.worker.terminate();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const slot of this.#slots) this.#failAll(slot, 'the sandbox pool was closed');
    await Promise.all(this.#slots.map((s) => s.worker.terminate()));
  }

  #start(slot: Slot): void {
    const pageChannel = newPageChannel();
    const workerData: WorkerConfig = { ...this.#config, pageChannel };
    const worker = new Worker(WORKER_URL, { workerData, resourceLimits: this.#limits, execArgv: [], name: `ic-exec sandbox ${slot.index}` });
    slot.worker = worker;
    slot.pageChannel = pageChannel;
    slot.mirror = new MainMirror(this.#bounds);
    slot.awaiting = 0;
    slot.deathReason = undefined;
    worker.on('message', (m: FromWorker) => { if (slot.worker === worker) this.#onMessage(slot, m); });
    worker.on('error', (e: Error) => { if (slot.worker === worker) slot.deathReason ??= errorText(e); });
    worker.on('exit', (code: number) => { if (slot.worker === worker) this.#onExit(slot, code); });
    worker.unref(); // after the listeners: adding a 'message' listener refs the worker's port again
    this.stats.workersStarted++;
  }

  #onExit(slot: Slot, code: number): void {
    if (this.#closed) return;
    const reason = slot.deathReason ?? `exit code ${code}`;
    this.stats.workerDeaths++;
    this.#failAll(slot, `sandbox worker ${slot.index} died (${reason})`);
    slot.generation++;
    this.#start(slot);
  }

  /** Fails every execution of the slot's worker: waiting ones now, paused ones when resumed. */
  #failAll(slot: Slot, why: string): void {
    for (const exec of slot.execs.values()) {
      exec.dead = why;
      const w = exec.waiting;
      exec.waiting = undefined;
      w?.resolve(failed(exec, why));
    }
    slot.execs.clear();
    if (slot.awaiting > 0) slot.worker.unref();
    slot.awaiting = 0;
  }

  #slotOf(canister: string): Slot {
    let slot = this.#affinity.get(canister);
    if (slot === undefined) {
      slot = this.#slots.reduce((best, s) => (s.canisters < best.canisters ? s : best));
      slot.canisters++;
      this.#affinity.set(canister, slot);
    }
    return slot;
  }

  #post(slot: Slot, m: ToWorker): void {
    slot.worker.postMessage(m);
  }

  /** A promise for the next step of `exec`; the worker is kept referenced while someone waits on it. */
  #await(exec: Exec): Promise<ExecutionStep> {
    const slot = exec.slot;
    return new Promise<ExecutionStep>((resolve, reject) => {
      const done = <T>(f: (v: T) => void) => (v: T) => {
        if (--slot.awaiting === 0) slot.worker.unref();
        f(v);
      };
      exec.waiting = { resolve: done(resolve), reject: done(reject) };
      if (slot.awaiting++ === 0) slot.worker.ref();
    });
  }

  #onMessage(slot: Slot, m: FromWorker): void {
    if (m.type === 'pages') {
      answerPages(slot.pageChannel, this.#stores.get(m.store), m);
      return;
    }
    const exec = slot.execs.get(m.exec);
    const w = exec?.waiting;
    if (exec === undefined || w === undefined) return; // aborted meanwhile
    exec.waiting = undefined;
    switch (m.type) {
      case 'paused':
        w.resolve(this.#paused(exec, m.sliceInstructions));
        return;
      case 'finished': {
        slot.execs.delete(m.exec);
        let step: ExecutionStep;
        try {
          step = { kind: 'finished', result: rehydrateIds(m.result, RESULT_SKIP), state: this.#after(exec, m.result, m.kept) };
        } catch (e) {
          w.reject(e instanceof Error ? e : new Error(String(e))); // a bug here must not escape into the event loop
          return;
        }
        w.resolve(step);
        return;
      }
      case 'failed':
        slot.execs.delete(m.exec);
        w.reject(new Error(`sandbox worker ${slot.index}: ${m.message}`));
        return;
    }
  }

  #paused(exec: Exec, sliceInstructions: bigint): ExecutionStep {
    return {
      kind: 'paused',
      sliceInstructions,
      resume: () => {
        if (exec.dead !== undefined) return Promise.resolve(failed(exec, exec.dead));
        const next = this.#await(exec);
        this.#post(exec.slot, { type: 'resume', exec: exec.id });
        return next;
      },
      abort: () => {
        if (exec.dead !== undefined) return;
        exec.slot.execs.delete(exec.id);
        this.#post(exec.slot, { type: 'abort', exec: exec.id });
      },
    };
  }

  /** The canonical state after a finished execution; registered as held when the worker kept it. */
  #after(exec: Exec, r: SandboxResult, kept: boolean): ExecutionState {
    if (!kept) return exec.state;
    const after = stateAfterResult(exec.state, r, exec.resultIds, this.#ids, this.#lineage);
    if (exec.slot.generation === exec.generation) exec.slot.mirror.addResult(exec.canister, this.#ids.of(after), after, this.#ids);
    return after;
  }
}

function errorText(e: Error): string {
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' ? `${code}: ${e.message}` : `${e.name}: ${e.message}`;
}

/** The step of an execution whose worker died: an engine error, nothing changed. */
function failed(exec: Exec, why: string): ExecutionStep {
  const message = `${why} while executing a message of canister ${exec.canister}; nothing it did was kept`;
  return { kind: 'finished', result: lostResult(exec.state, message, `sandbox worker died: ${why}`), state: exec.state };
}
