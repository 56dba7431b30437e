/**
 * `Hypervisor`: where a canister's code runs. One input object in, one
 * {@link ExecutionResult} out (or a paused execution under DTS):
 *
 * ```ts
 * const hv = new Hypervisor();                                    // in-process; { workers: 2 } for a pool
 * const compiled = hv.compile(wasm);                              // CompileCache
 * let state = hv.createExecutionState(canisterId, compiled);      // data segments applied
 * let out = await hv.execute({ canisterId, state, entryPoint: { kind: 'start' }, apiType: { kind: 'start' }, … });
 * while (out.kind === 'paused') out = await out.paused.resume();  // one slice per round
 * if (out.result.error === undefined) state = out.result.state;   // commit
 * await hv.close();                                               // stops the workers, if any
 * ```
 *
 * The hypervisor never changes canister state: it returns the new
 * `ExecutionState` (old pages shared) and the System API's requested
 * changes; the caller commits them, or drops them. Canonical state is
 * therefore untouched by a paused, aborted, trapped or crashed execution.
 *
 * Backends (the API is the same for both, and so is every result):
 * - `workers: 0` (the default): executions run on the calling thread
 *   (local-sandbox.ts). Fastest per message (~5 µs of fixed cost); what
 *   the in-process library and the tests use.
 * - `workers: n` or `'auto'` (one per core): a pool of `worker_threads`
 *   sandboxes (sandbox-pool.ts): canisters run in parallel, each in one
 *   worker at a time, and a worker that dies (out of memory, an internal
 *   error) fails its executions with a `WasmEngineError`, is replaced, and
 *   takes nothing else down. A message costs a round trip to the worker
 *   (tens of µs, bench/system-api.bench.ts).
 *
 * Instances are cached per canister and reused while they mirror the state
 * an execution starts from (instance-cache.ts): the usual path is
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
import { exportsFunction } from '../state/index.ts';
import type { ExecutionState, PageMap, PageStore, StableState } from '../state/index.ts';
import { LocalSandbox } from './local-sandbox.ts';
import type { ExecutionStep, SandboxBackend } from './local-sandbox.ts';
import type { InstanceStats } from './instance-cache.ts';
import type { ExecutionLimits, SandboxResult } from './sandbox.ts';
import { SandboxPool } from './sandbox-pool.ts';
import type { SandboxPoolOptions } from './sandbox-pool.ts';

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
  /** Most `debug_print` output kept per execution, in characters (default {@link MAX_DEBUG_PRINT_CHARS_PER_EXECUTION}). */
  readonly debugPrintLimit?: number;
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
  /** Sandbox workers: 0 = run on the calling thread (default); `'auto'` = one per core. */
  readonly workers?: number | 'auto';
  /** Idle instances kept per canister (default 2). */
  readonly maxIdleInstances?: number;
  /** Idle instances kept per sandbox, all canisters together (default 64). */
  readonly maxIdleInstancesTotal?: number;
  /** Further settings of the worker pool (`workers > 0`). */
  readonly pool?: Omit<SandboxPoolOptions, 'workers' | 'maxIdleInstances' | 'maxIdleInstancesPerCanister'>;
}

/** Runs canister entry points (see the module header). */
export class Hypervisor {
  readonly compileCache: CompileCache;
  /** The worker pool, when there is one. */
  readonly pool: SandboxPool | undefined;
  /** The in-process sandbox: runs executions without workers, and builds install states. */
  readonly #local: LocalSandbox;
  readonly #backend: SandboxBackend;

  constructor(options: HypervisorOptions = {}) {
    this.compileCache = options.compileCache ?? new CompileCache();
    const perCanister = options.maxIdleInstances ?? 2;
    const total = options.maxIdleInstancesTotal ?? 64;
    this.#local = new LocalSandbox({ maxIdlePerCanister: perCanister, maxIdle: total });
    const workers = options.workers ?? 0;
    this.pool = workers === 0 ? undefined : new SandboxPool({
      ...options.pool, maxIdleInstances: total, maxIdleInstancesPerCanister: perCanister, ...(workers === 'auto' ? {} : { workers }),
    });
    this.#backend = this.pool ?? this.#local;
  }

  /** Instance counters of the in-process sandbox (workers keep their own). */
  get stats(): InstanceStats {
    return this.#local.stats;
  }

  /**
   * Decodes, validates, instruments and compiles a module (cached by hash),
   * or the IC0505 error. `cacheHit`: the compile cache already had it (in
   * memory or on disk) — a speed fact of this process, never an input to
   * replicated accounting.
   */
  compile(wasm: Uint8Array, canisterId?: CanisterId): { ok: true; compiled: CompiledModule; cacheHit: boolean } | { ok: false; error: UserError; cacheHit: boolean } {
    const r = this.compileCache.get(wasm, canisterId);
    const cacheHit = r.source !== 'compiled';
    return r.ok ? { ok: true, compiled: r.compiled, cacheHit } : { ok: false, error: r.error, cacheHit };
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
    return this.#local.newState(canisterId.toText(), compiled, keep, this.pool === undefined);
  }

  /** Runs one entry point (see the module header). */
  async execute(input: ExecuteInput): Promise<ExecuteOutcome> {
    const { entry, optional } = resolveEntry(input.entryPoint);
    if (optional && 'export' in entry && !exportsFunction(input.state, entry.export)) return { kind: 'finished', result: skipped(input.state) };
    const step = await this.#backend.execute(input.canisterId, input.state, {
      entry, apiType: input.apiType, systemState: input.systemState, limits: input.limits, keepChanges: keepsChanges(input.apiType),
      ...(input.wasmMemoryLimit === undefined ? {} : { wasmMemoryLimit: input.wasmMemoryLimit }),
      ...(input.debugPrint === undefined ? {} : { debugPrint: input.debugPrint }),
      ...(input.debugPrintLimit === undefined ? {} : { debugPrintLimit: input.debugPrintLimit }),
    });
    return outcome(step);
  }

  /**
   * A checkpoint evicted the pages of these states to `store`
   * (`evictPages`): sandbox workers holding copies of their page maps drop
   * the bytes too and load what they read from the store (in-process
   * executions read the evicted maps directly: nothing to do).
   */
  pagesEvicted(states: readonly ExecutionState[], store: PageStore): void {
    this.pool?.pagesEvicted(states, store);
  }

  /** Drops the cached instances of a canister (e.g. when it is uninstalled). */
  dropInstances(canisterId: CanisterId): void {
    this.#backend.dropInstances(canisterId);
  }

  /** Stops the workers (if any). Executions still in flight fail; the hypervisor is unusable afterwards. */
  async close(): Promise<void> {
    await this.#backend.close();
  }
}

function outcome(step: ExecutionStep): ExecuteOutcome {
  if (step.kind === 'finished') return { kind: 'finished', result: { ...step.result, state: step.state } };
  return {
    kind: 'paused',
    paused: {
      sliceInstructions: step.sliceInstructions,
      resume: async () => outcome(await step.resume()),
      abort: () => step.abort(),
    },
  };
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
