/**
 * `Hypervisor`: where a canister's code runs. One input object in, one
 * {@link ExecutionResult} out (or a paused execution under DTS):
 *
 * ```ts
 * const hv = new Hypervisor();
 * const compiled = hv.compile(wasm);                              // CompileCache
 * let state = hv.createExecutionState(canisterId, compiled);      // data segments applied
 * let out = await hv.execute({ canisterId, state, entryPoint: { kind: 'start' }, apiType: { kind: 'start' }, … });
 * while (out.kind === 'paused') out = await out.paused.resume();  // one slice per round
 * if (out.result.error === undefined) state = out.result.state;   // commit
 * ```
 *
 * The hypervisor never changes canister state: it returns the new
 * `ExecutionState` (old pages shared) and the System API's requested
 * changes; the caller commits them, or drops them. Canonical state is
 * therefore untouched by a paused, aborted or trapped execution.
 *
 * Instances are cached per canister and reused while they mirror the state
 * an execution starts from (see instance.ts): the usual path is
 * "execute → commit `result.state` → execute on it". An instance also knows
 * how to undo its last kept execution, so starting again from the previous
 * state (the caller did not commit) costs only the pages that execution
 * changed. Anything else builds a fresh instance from the canonical state.
 * A busy (paused) instance is never shared: a query during a paused update
 * gets its own instance of the state before the update.
 */
import type { UserError } from '../errors/index.ts';
import type { CanisterId } from '../types/index.ts';
import type { ApiType, SystemStateInit } from '../system-api/index.ts';
import { CompileCache } from '../wasm/index.ts';
import type { CompiledModule } from '../wasm/index.ts';
import type { EntryPoint } from './entry-point.ts';
import { keepsChanges, resolveEntry } from './entry-point.ts';
import { applyExecutionDelta, exportsFunction, newExecutionState } from '../state/index.ts';
import type { ExecutionState, PageMap, StableState } from '../state/index.ts';
import { CanisterInstance } from './instance.ts';
import type { ExecutionLimits, RunStep, SandboxResult } from './sandbox.ts';
import { runEntryPoint } from './sandbox.ts';

/** The input of {@link Hypervisor.execute}. */
export interface ExecuteInput {
  readonly canisterId: CanisterId;
  /** The canonical state the execution starts from (never modified). */
  readonly state: ExecutionState;
  readonly entryPoint: EntryPoint;
  readonly apiType: ApiType;
  /** What the execution sees of the canister's system state. */
  readonly systemState: SystemStateInit;
  readonly limits: ExecutionLimits;
  /** The canister's Wasm memory limit, bytes (0 or absent = none). */
  readonly wasmMemoryLimit?: bigint;
  /** Whether `debug_print` prints (collected in `debugPrints`); default: system subnets only. */
  readonly debugPrint?: boolean;
}

/** The result of a finished execution. */
export interface ExecutionResult extends SandboxResult {
  /** The state after the execution: new if it kept changes, else the input state. */
  readonly state: ExecutionState;
}

/** An execution paused at the end of a slice (DTS). */
export interface PausedExecution {
  /** Instructions the slice that just ended executed (to count against the round). */
  readonly sliceInstructions: bigint;
  /** Runs the next slice. */
  resume(): Promise<ExecuteOutcome>;
  /** Drops the execution; the canonical state was never touched, so the message can run again. */
  abort(): void;
}

/** A finished execution, or one paused between slices. */
export type ExecuteOutcome =
  | { readonly kind: 'finished'; readonly result: ExecutionResult }
  | { readonly kind: 'paused'; readonly paused: PausedExecution };

/** Options of {@link Hypervisor}. */
export interface HypervisorOptions {
  /** The compile cache (default: a memory-only one). */
  readonly compileCache?: CompileCache;
  /** Idle instances kept per canister (default 2). */
  readonly maxIdleInstances?: number;
}

/** What an instance needs to go back from the state after its last kept execution to the state before it. */
interface Undo {
  readonly after: ExecutionState;
  readonly before: ExecutionState;
  readonly pages: readonly number[];
}

/** Runs canister entry points (see the module header). */
export class Hypervisor {
  readonly compileCache: CompileCache;
  readonly #maxIdle: number;
  /** Idle instances per canister (id text); order of use, never observable. */
  readonly #idle = new Map<string, CanisterInstance[]>();
  readonly #undo = new WeakMap<CanisterInstance, Undo>();
  /** Counters for tests and metrics. */
  readonly stats = { instancesCreated: 0, instancesReused: 0, undone: 0 };

  constructor(options: HypervisorOptions = {}) {
    this.compileCache = options.compileCache ?? new CompileCache();
    this.#maxIdle = options.maxIdleInstances ?? 2;
  }

  /** Decodes, validates, instruments and compiles a module (cached by hash), or the IC0505 error. */
  compile(wasm: Uint8Array, canisterId?: CanisterId): { ok: true; compiled: CompiledModule } | { ok: false; error: UserError } {
    const r = this.compileCache.get(wasm, canisterId);
    return r.ok ? { ok: true, compiled: r.compiled } : { ok: false, error: r.error };
  }

  /**
   * The execution state of a newly installed module, before `canister_start`
   * runs (run it with {@link execute}, entry point `start`).
   * @param keep stable memory to keep (upgrade) and, for `wasm_memory_persistence = keep`, the heap.
   */
  createExecutionState(
    canisterId: CanisterId, compiled: CompiledModule,
    keep: { stable?: StableState; heap?: { heap: PageMap; heapSizePages: number } } = {},
  ): ExecutionState {
    const instance = this.#newInstance(compiled);
    const state = newExecutionState(compiled, {
      initialHeapPages: instance.heapPages(), initialGlobals: instance.readGlobals(),
      ...(keep.stable === undefined ? {} : { stable: keep.stable }), ...(keep.heap === undefined ? {} : { keepHeap: keep.heap }),
    });
    instance.load(state);
    this.#release(canisterId, instance);
    return state;
  }

  /** Runs one entry point (see the module header). */
  async execute(input: ExecuteInput): Promise<ExecuteOutcome> {
    const { entry, optional } = resolveEntry(input.entryPoint);
    if (optional && 'export' in entry && !exportsFunction(input.state, entry.export)) return { kind: 'finished', result: skipped(input.state) };
    const keepChanges = keepsChanges(input.apiType);
    const instance = this.#acquire(input.canisterId, input.state);
    instance.busy = true;
    const step = await runEntryPoint(instance, input.state, {
      entry, apiType: input.apiType, systemState: input.systemState, limits: input.limits, keepChanges,
      ...(input.wasmMemoryLimit === undefined ? {} : { wasmMemoryLimit: input.wasmMemoryLimit }),
      ...(input.debugPrint === undefined ? {} : { debugPrint: input.debugPrint }),
    });
    return this.#outcome(input, instance, step);
  }

  /** Drops the cached instances of a canister (e.g. when it is uninstalled). */
  dropInstances(canisterId: CanisterId): void {
    this.#idle.delete(canisterId.toText());
  }

  #outcome(input: ExecuteInput, instance: CanisterInstance, step: RunStep): ExecuteOutcome {
    if (step.kind === 'paused') {
      return {
        kind: 'paused',
        paused: {
          sliceInstructions: step.sliceInstructions,
          resume: async () => this.#outcome(input, instance, await step.resume()),
          abort: () => step.abort(), // the instance is poisoned and never returns to the pool
        },
      };
    }
    const r = step.result;
    let state = input.state;
    if (r.error === undefined && keepsChanges(input.apiType)) {
      state = applyExecutionDelta(input.state, r);
      instance.mirrors = state;
      if (instance.heapPages() === input.state.heapSizePages) {
        this.#undo.set(instance, { after: state, before: input.state, pages: r.heapDelta.map((p) => p.index) });
      } else {
        this.#undo.delete(instance);
      }
    }
    this.#release(input.canisterId, instance);
    return { kind: 'finished', result: { ...r, state } };
  }

  #newInstance(compiled: CompiledModule): CanisterInstance {
    this.stats.instancesCreated++;
    return new CanisterInstance(compiled);
  }

  /** An idle instance mirroring `state`, made to mirror it, or a new one. */
  #acquire(canisterId: CanisterId, state: ExecutionState): CanisterInstance {
    const idle = this.#idle.get(canisterId.toText()) ?? [];
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
        this.stats.instancesReused++;
        return inst;
      }
    }
    const inst = this.#newInstance(state.compiled);
    inst.load(state);
    return inst;
  }

  #release(canisterId: CanisterId, instance: CanisterInstance): void {
    instance.busy = false;
    if (instance.poisoned || !instance.info.reusable) return;
    const key = canisterId.toText();
    let idle = this.#idle.get(key);
    if (idle === undefined) this.#idle.set(key, (idle = []));
    idle.unshift(instance);
    if (idle.length > this.#maxIdle) idle.length = this.#maxIdle;
  }
}

/** The result of a system entry point the module does not export: nothing ran, nothing changed. */
function skipped(state: ExecutionState): ExecutionResult {
  return {
    instructionsExecuted: 0n, slices: 0, heapDelta: [], heapSizePages: state.heapSizePages, globals: state.globals,
    stableDelta: [], stableSizePages: state.stable.sizePages, bumpCanisterVersion: false, debugPrints: [],
    modifications: { balanceChange: 0n, cyclesAccepted: 0n, cyclesBurned: 0n, cyclesMinted: 0n, requestFees: 0n, requests: [], canisterLog: [] },
    state,
  };
}
