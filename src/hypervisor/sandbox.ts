/**
 * The sandbox side of an execution: runs one entry point of a canister on
 * a live {@link CanisterInstance} and hands back plain data (the page
 * deltas, globals, instructions and the System API's result). The same
 * code runs in-process and inside every sandbox worker (local-sandbox.ts);
 * in a worker, `state` is the worker's mirror of the canonical state.
 *
 * One execution:
 *
 *  1. a `SystemApi` for the context (`SandboxSystemApi`: its out-of-
 *     instructions rule defers DTS pauses to the next check point, dts.ts;
 *     its host writes into the heap mark the instance's dirty bytemap),
 *     stable memory as a `StableMemoryBuffer` over the state's page map;
 *  2. the instance's imports are pointed at it; the instruction counter is
 *     set to the first slice's limit and `__stack_budget` to the budget;
 *  3. the export (or the closure `table[fun](env)`) is called — plainly when
 *     the first slice is the last one (out of instructions can then only
 *     trap, synchronously), else through `WebAssembly.promising` so that it
 *     can pause. Measured (bench/hypervisor.bench.ts, Node 24): an empty
 *     update costs 5.7 µs through the plain path and 7.0 µs through the
 *     promising one (+1.3 µs, +23%; `ic0` calls from a JSPI stack also cost
 *     ~9 ns more each), so the plain path is worth keeping for the common
 *     single-slice message; one pause + resume costs ~0.6 µs;
 *  4. at the end: success and a context that keeps changes → the heap delta
 *     (dirty pages that really changed), the globals, the stable delta; a
 *     trap or a query → dirty pages copied back from the `PageMap`, globals
 *     restored, nothing kept (an instance whose heap grew is poisoned).
 *
 * Instructions executed = instructions of earlier slices + the last slice's
 * limit − max(counter, 0), as the replica counts them.
 */
import type { HypervisorError } from '../errors/index.ts';
import type { ApiType, SystemStateInit, SystemStateModifications, WasmResponse, WasmClosure } from '../system-api/index.ts';
import { HostTrap, SandboxSafeSystemState, StableMemoryBuffer, SystemApi } from '../system-api/index.ts';
import { numInstructions } from '../types/index.ts';
import { caughtTrap } from './engine-trap.ts';
import { AbortedExecution, SliceController, SliceState } from './dts.ts';
import type { ExecutionState, GlobalValue, PageDelta } from '../state/index.ts';
import type { CanisterInstance } from './instance.ts';
import { promising } from './jspi.ts';
import { stackBudget } from './stack-budget.ts';

/** What runs: an export by its full name, or a closure from the table. */
export type ResolvedEntry = { readonly export: string } | { readonly closure: WasmClosure };

/** Instruction limits of one execution. */
export interface ExecutionLimits {
  /** Instructions of the whole message, across its slices. */
  readonly message: bigint;
  /** Instructions per slice (default: the message limit, i.e. no slicing). */
  readonly slice?: bigint;
  /** The limit to name in `InstructionLimitExceeded` (default `message`). */
  readonly reported?: bigint;
}

/** The input of one execution, as plain data. */
export interface SandboxRequest {
  readonly entry: ResolvedEntry;
  readonly apiType: ApiType;
  readonly systemState: SystemStateInit;
  readonly limits: ExecutionLimits;
  /** Whether a successful execution keeps its memory and globals (false for queries and inspect_message). */
  readonly keepChanges: boolean;
  /** The canister's Wasm memory limit, bytes (0 or absent = none). */
  readonly wasmMemoryLimit?: bigint;
  /** Whether `debug_print` prints (collected in `debugPrints`). */
  readonly debugPrint?: boolean;
  /** Most `debug_print` output kept, in characters (default {@link MAX_DEBUG_PRINT_CHARS_PER_EXECUTION}). */
  readonly debugPrintLimit?: number;
}

/** The output of one execution, as plain data. */
export interface SandboxResult {
  readonly error?: HypervisorError;
  /** Set when the outcome may not be deterministic (a host bug); see engine-trap.ts. */
  readonly hazard?: string;
  readonly response?: WasmResponse;
  readonly instructionsExecuted: bigint;
  /** Slices the execution took (1 without a pause). */
  readonly slices: number;
  readonly heapDelta: readonly PageDelta[];
  readonly heapSizePages: number;
  readonly globals: readonly GlobalValue[];
  readonly stableDelta: readonly PageDelta[];
  readonly stableSizePages: number;
  readonly modifications: SystemStateModifications;
  readonly bumpCanisterVersion: boolean;
  readonly debugPrints: readonly string[];
}

/** One step of an execution: finished, or paused after a slice. */
export type RunStep =
  | { readonly kind: 'finished'; readonly result: SandboxResult }
  | {
    readonly kind: 'paused';
    /** Instructions the slice that just ended executed. */
    readonly sliceInstructions: bigint;
    /** Runs the next slice. */
    resume(): Promise<RunStep>;
    /** Unwinds the execution; the instance must be dropped. */
    abort(): void;
  };

/** `SystemApi` whose out-of-instructions rule knows about slices (see dts.ts). */
class SandboxSystemApi extends SystemApi {
  controller: SliceController | undefined;

  /** Inside an `ic0` charge: owe a pause (taken at the next check point) unless this is the last slice. */
  override outOfInstructions(): never {
    if (this.controller?.deferPause() === true) return undefined as never;
    throw new HostTrap({ kind: 'InstructionLimitExceeded', limit: numInstructions(this.messageInstructionLimit) });
  }
}

const promisingCache = new WeakMap<CanisterInstance, Map<string, (...a: unknown[]) => Promise<unknown>>>();
function promisingOf(instance: CanisterInstance, key: string, fn: (...a: never[]) => unknown): (...a: unknown[]) => Promise<unknown> {
  let m = promisingCache.get(instance);
  if (m === undefined) promisingCache.set(instance, (m = new Map()));
  let p = m.get(key);
  if (p === undefined) m.set(key, (p = promising(fn)));
  return p;
}

/**
 * Most `debug_print` output one execution keeps (UTF-16 code units). Each
 * print is already capped at 32 KiB by the System API, but a message may print
 * millions of times within its instruction limit; the host must not hold all
 * of that (a hostile canister would exhaust the sandbox's memory).
 */
export const MAX_DEBUG_PRINT_CHARS_PER_EXECUTION = 1 << 20;

/** A bounded collector of `debug_print` lines: past the bound, one marker line and nothing more. */
export function collectDebugPrints(max = MAX_DEBUG_PRINT_CHARS_PER_EXECUTION): { lines: string[]; push: (m: string) => void } {
  const lines: string[] = [];
  let kept = 0;
  let truncated = false;
  return {
    lines,
    push: (m: string) => {
      if (truncated) return;
      if (kept + m.length > max) {
        truncated = true;
        lines.push(`[ic-exec: debug_print output of this execution truncated after ${kept} characters]`);
        return;
      }
      kept += m.length;
      lines.push(m);
    },
  };
}

/** Runs one entry point on `instance`, which must mirror `state` (see the module header). */
export function runEntryPoint(instance: CanisterInstance, state: ExecutionState, req: SandboxRequest): Promise<RunStep> {
  const out = instance.compiled.output;
  const slices = new SliceState(req.limits.message, req.limits.slice ?? req.limits.message, req.limits.reported ?? req.limits.message);
  const stable = new StableMemoryBuffer(state.stable.sizePages, state.stable.pages);
  const debugPrints = collectDebugPrints(req.debugPrintLimit);
  const api = new SandboxSystemApi({
    apiType: req.apiType,
    systemState: new SandboxSafeSystemState(req.systemState),
    stableMemory: stable,
    messageInstructionLimit: slices.reportedLimit,
    sliceInstructionLimit: slices.sliceLimit,
    wasm64: out.isWasm64,
    ...(req.debugPrint === undefined ? {} : { debugPrintEnabled: req.debugPrint }),
    onDebugPrint: debugPrints.push,
    onHeapWrite: (dst, size) => instance.markHeap(dst, size),
  });
  const controller = new SliceController(slices, api);
  api.controller = controller;
  const memory = instance.memory;
  api.setMemory(memory ?? (() => new Uint8Array(0)));
  api.setCounterGlobal(instance.counter);
  instance.binding.api = api;
  instance.binding.outOfInstructions = () => controller.outOfInstructions();
  instance.binding.wasmMemoryLimit = req.wasmMemoryLimit;
  instance.counter.value = slices.sliceLimit;
  instance.stackBudget.value = stackBudget(out.stackHeadroomBytes);
  let sliceCount = 1;

  const finish = (thrown: unknown, ran: boolean): SandboxResult => {
    let caught = thrown === undefined ? undefined : caughtTrap(thrown);
    let counter = instance.counter.value as bigint;
    const owed = controller.settle(counter);
    if (owed.ok) {
      counter = owed.counter;
      if (owed.paused) sliceCount++;
    } else {
      caught = { error: owed.error };
    }
    const sys = api.takeResult(caught?.error);
    const instructionsExecuted = ran ? slices.totalExecuted(counter) : 0n;
    const base = {
      instructionsExecuted, slices: sliceCount, modifications: sys.modifications, bumpCanisterVersion: sys.bumpCanisterVersion, debugPrints: debugPrints.lines,
      ...(caught?.hazard === undefined ? {} : { hazard: caught.hazard }),
    };
    instance.binding.api = undefined;
    if (sys.error === undefined && req.keepChanges) {
      const heapDelta = instance.takeHeapDelta(state.heap);
      const stableDelta = stable.takeDirtyPages().filter((p) => !state.stable.pages.pageEquals(p.index, p.bytes));
      return {
        ...base, ...(sys.response === undefined ? {} : { response: sys.response }),
        heapDelta, heapSizePages: instance.heapPages(), globals: instance.readGlobals(), stableDelta, stableSizePages: stable.sizePages,
      };
    }
    instance.restore(state.heap);
    instance.writeGlobals(state.globals);
    if (instance.heapPages() > state.heapSizePages) instance.poisoned = true;
    instance.mirrors = state;
    return {
      ...base, ...(sys.error === undefined ? {} : { error: sys.error }), ...(sys.response === undefined ? {} : { response: sys.response }),
      heapDelta: [], heapSizePages: state.heapSizePages, globals: state.globals, stableDelta: [], stableSizePages: state.stable.sizePages,
    };
  };

  // Resolve what to call.
  let fn: (...a: never[]) => unknown;
  let args: (number | bigint)[] = [];
  let key: string;
  if ('export' in req.entry) {
    const f = instance.exports[req.entry.export];
    if (typeof f !== 'function') return Promise.resolve({ kind: 'finished', result: finish(new HostTrap(methodNotFound(req.entry.export)), false) });
    fn = f as (...a: never[]) => unknown;
    key = req.entry.export;
  } else {
    const prepared = instance.closures.prepare(req.entry.closure.fun, req.entry.closure.env);
    if (!prepared.ok || instance.closures.invoke === undefined) {
      return Promise.resolve({ kind: 'finished', result: finish(new HostTrap(prepared.ok ? { kind: 'ToolchainContractViolation', message: 'table not found' } : prepared.error), false) });
    }
    fn = instance.closures.invoke as (...a: never[]) => unknown;
    args = prepared.args;
    key = '\0closure';
  }

  if (slices.isLastSlice()) {
    let thrown: unknown;
    try {
      (fn as (...a: (number | bigint)[]) => unknown)(...args);
    } catch (e) {
      thrown = e;
    }
    return Promise.resolve({ kind: 'finished', result: finish(thrown, true) });
  }

  // Sliced: run through JSPI; each step ends at a pause or at the end.
  let deliver: ((step: RunStep) => void) | undefined;
  let aborted = false;
  const nextStep = (): Promise<RunStep> => new Promise<RunStep>((resolve) => { deliver = resolve; });
  const take = (): (step: RunStep) => void => {
    const d = deliver;
    deliver = undefined;
    if (d === undefined) throw new Error('DTS: no one is waiting for this execution');
    return d;
  };
  controller.onPause = (sliceInstructions) => {
    take()({
      kind: 'paused',
      sliceInstructions,
      resume: () => {
        const next = nextStep();
        sliceCount++;
        controller.resume();
        return next;
      },
      abort: () => {
        aborted = true;
        instance.poisoned = true;
        instance.binding.api = undefined;
        controller.abort();
      },
    });
  };
  const first = nextStep();
  promisingOf(instance, key, fn)(...args).then(
    () => { if (!aborted) take()({ kind: 'finished', result: finish(undefined, true) }); },
    (e: unknown) => { if (!aborted && !(e instanceof AbortedExecution)) take()({ kind: 'finished', result: finish(e, true) }); },
  );
  return first;
}

function methodNotFound(exportName: string): HypervisorError {
  const space = exportName.indexOf(' ');
  const prefix = space < 0 ? exportName : exportName.slice(0, space);
  const name = space < 0 ? exportName : exportName.slice(space + 1);
  const methodKind = prefix === 'canister_update' ? 'update' : prefix === 'canister_query' ? 'query'
    : prefix === 'canister_composite_query' ? 'composite_query' : 'system';
  return { kind: 'MethodNotFound', methodKind, name };
}
