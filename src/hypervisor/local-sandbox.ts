/**
 * Where executions run: the {@link SandboxBackend} interface, and
 * `LocalSandbox`, the backend that runs them on the current thread.
 *
 * `LocalSandbox` is used twice: by the hypervisor itself when it has no
 * workers (`workers: 0`, the in-process library and the tests), and inside
 * every worker of the sandbox pool (sandbox-worker.ts), on the states that
 * worker mirrors. So the code that runs a message is the same whichever
 * backend runs it:
 *
 *     acquire an instance mirroring the state (instance-cache.ts)
 *     → runEntryPoint (sandbox.ts): one step, or one step per DTS slice
 *     → finished: the new state (applyExecutionDelta) when the execution kept
 *       its changes; the instance now mirrors it, and remembers how to undo it
 *     → the instance goes back to the idle set
 */
import type { CanisterId } from '../types/index.ts';
import type { CompiledModule } from '../wasm/index.ts';
import { applyExecutionDelta, newExecutionState } from '../state/index.ts';
import type { ExecutionState, PageMap, StableState } from '../state/index.ts';
import { InstanceCache } from './instance-cache.ts';
import type { InstanceCacheOptions, InstanceStats } from './instance-cache.ts';
import type { CanisterInstance } from './instance.ts';
import type { RunStep, SandboxRequest, SandboxResult } from './sandbox.ts';
import { runEntryPoint } from './sandbox.ts';

/** One step of an execution as a backend reports it: finished with the state after it, or paused after a slice. */
export type ExecutionStep =
  | { readonly kind: 'finished'; readonly result: SandboxResult; readonly state: ExecutionState }
  | {
    readonly kind: 'paused';
    /** Instructions the slice that just ended executed. */
    readonly sliceInstructions: bigint;
    /** Runs the next slice. */
    resume(): Promise<ExecutionStep>;
    /** Drops the execution (the canonical state was never touched). */
    abort(): void;
  };

/** What the hypervisor runs executions on: the current thread, or a pool of workers. */
export interface SandboxBackend {
  /**
   * Runs one entry point of `canisterId` on `state` (never modified). A
   * finished step carries the state after the execution: new if it kept
   * changes, else `state` itself.
   */
  execute(canisterId: CanisterId, state: ExecutionState, req: SandboxRequest): Promise<ExecutionStep>;
  /** Forgets the canister's live instances (and, for workers, what they mirror of it). */
  dropInstances(canisterId: CanisterId): void;
  /** Releases threads and instances; the backend is unusable afterwards. */
  close(): Promise<void>;
}

/** The initial state of a module: what install keeps (upgrade) besides it. */
export interface KeepOnInstall {
  readonly stable?: StableState;
  readonly heap?: { readonly heap: PageMap; readonly heapSizePages: number };
}

/** Runs executions on the current thread (see the module header). */
export class LocalSandbox implements SandboxBackend {
  readonly instances: InstanceCache;

  constructor(options: InstanceCacheOptions = {}) {
    this.instances = new InstanceCache(options);
  }

  /** Counters for tests and metrics. */
  get stats(): InstanceStats {
    return this.instances.stats;
  }

  /**
   * The execution state of a newly installed module, from a fresh instance
   * (its initial heap size and globals), which is then kept for the
   * canister when `keepInstance` says so.
   */
  newState(canister: string, compiled: CompiledModule, keep: KeepOnInstall, keepInstance: boolean): ExecutionState {
    const instance = this.instances.create(compiled);
    const state = newExecutionState(compiled, {
      initialHeapPages: instance.heapPages(), initialGlobals: instance.readGlobals(),
      ...(keep.stable === undefined ? {} : { stable: keep.stable }), ...(keep.heap === undefined ? {} : { keepHeap: keep.heap }),
    });
    if (keepInstance) {
      instance.load(state);
      this.instances.release(canister, instance);
    }
    return state;
  }

  execute(canisterId: CanisterId, state: ExecutionState, req: SandboxRequest): Promise<ExecutionStep> {
    return this.run(canisterId.toText(), state, req);
  }

  /** {@link execute} keyed by the canister's id text (the worker's form). */
  async run(canister: string, state: ExecutionState, req: SandboxRequest): Promise<ExecutionStep> {
    const instance = this.instances.acquire(canister, state);
    instance.busy = true;
    try {
      return this.#step(canister, state, req, instance, await runEntryPoint(instance, state, req));
    } catch (e) {
      instance.poisoned = true;
      this.instances.release(canister, instance);
      throw e;
    }
  }

  dropInstances(canisterId: CanisterId): void {
    this.instances.drop(canisterId.toText());
  }

  /** Drops the idle instances of a canister by its id text. */
  drop(canister: string): void {
    this.instances.drop(canister);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  #step(canister: string, state: ExecutionState, req: SandboxRequest, instance: CanisterInstance, step: RunStep): ExecutionStep {
    if (step.kind === 'paused') {
      return {
        kind: 'paused',
        sliceInstructions: step.sliceInstructions,
        resume: async () => this.#step(canister, state, req, instance, await step.resume()),
        abort: () => step.abort(), // the instance is poisoned and never returns to the idle set
      };
    }
    const r = step.result;
    let after = state;
    if (r.error === undefined && req.keepChanges) {
      after = applyExecutionDelta(state, r);
      instance.mirrors = after;
      const undoable = instance.heapPages() === state.heapSizePages;
      this.instances.recordUndo(instance, undoable ? { after, before: state, pages: r.heapDelta.map((p) => p.index) } : undefined);
    }
    this.instances.release(canister, instance);
    return { kind: 'finished', result: r, state: after };
  }
}
