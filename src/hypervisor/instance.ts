/**
 * `CanisterInstance`: a live `WebAssembly.Instance` of a canister module,
 * kept across executions while its memory and globals mirror the canonical
 * `ExecutionState`.
 *
 * Imports are bound once, at instantiation, to a small indirection
 * ({@link ImportBinding}) that each execution points at its own
 * `SystemApi`: the `ic0` functions come from `createIc0Imports` over a
 * getter of the binding's current session (re-creating the ~80 import
 * closures per execution would cost ~8 µs). Host writes into the heap are
 * reported by the System API (`onHeapWrite`) and marked in the `__dirty`
 * bytemap by the sandbox. `__.out_of_instructions` is a
 * `WebAssembly.Suspending` function so that DTS can pause (dts.ts).
 *
 * Memory bookkeeping (the bytemap has one byte per 4 KiB heap page; stores
 * and heap-writing imports set it):
 *
 *     load(state)        grow to state.heapSizePages, copy the non-zero pages, set globals
 *     takeHeapDelta(b)   marked pages whose bytes differ from PageMap b, copied out; clears marks
 *     restore(b)         marked pages copied back from PageMap b; clears marks
 *
 * Why reuse: an empty update on a reused instance costs 5.7 µs, on a fresh
 * one 268 µs (instantiation, the 1 MiB dirty bytemap of a wasm32 heap, the
 * closure helper); a Motoko counter's `inc` 20 µs against 923 µs (81-page
 * heap copied in). An `ic0` call through the proxy costs ~160 ns including
 * the System API's own work (bench/hypervisor.bench.ts).
 *
 * A heap cannot shrink, so an instance whose memory grew during an
 * execution that is then discarded is {@link CanisterInstance.poisoned}: it
 * must be dropped (a new one is built from the canonical state next time).
 */
import type { CompiledModule } from '../wasm/index.ts';
import { INSTRUMENTED_EXPORTS, INJECTED_MODULE, InternalTrapCode } from '../wasm/index.ts';
import { TrapCode } from '../errors/index.ts';
import { HostTrap, createIc0Imports } from '../system-api/index.ts';
import type { SystemApi } from '../system-api/index.ts';
import { ClosureInvoker } from './closure.ts';
import type { ExecutionState, GlobalValue, PageDelta, PageMap } from '../state/index.ts';
import { suspending } from './jspi.ts';
import { growDelta, tryGrowWasmMemory, WASM_PAGE_BYTES } from './memory-grow.ts';
import type { ImportedLimits, ModuleInfo } from './module-info.ts';
import { moduleInfo } from './module-info.ts';
import { PAGE_BYTES } from '../state/index.ts';

const PAGES_PER_WASM_PAGE = WASM_PAGE_BYTES / PAGE_BYTES;
const V128 = 0x7b;
const NO_MEMORY = new Uint8Array(0);

/** What the instance's imports act on during the current execution. */
export interface ImportBinding {
  api: SystemApi | undefined;
  /** `__.out_of_instructions`: throws to trap, or returns the promise a paused stack waits on. */
  outOfInstructions: () => Promise<void> | undefined;
  /** The canister's Wasm memory limit, bytes (0 or undefined = none). */
  wasmMemoryLimit: bigint | undefined;
}

/** A live instance of a canister module (see the module header). */
export class CanisterInstance {
  readonly compiled: CompiledModule;
  readonly info: ModuleInfo;
  readonly exports: WebAssembly.Exports;
  readonly memory: WebAssembly.Memory | undefined;
  readonly counter: WebAssembly.Global;
  readonly stackBudget: WebAssembly.Global;
  readonly closures: ClosureInvoker;
  readonly binding: ImportBinding;
  /** The state this instance's memory and globals equal, when known. */
  mirrors: ExecutionState | undefined;
  /** Whether an execution is under way (running or paused). */
  busy = false;
  /** The memory grew in an execution whose changes were dropped: never reuse. */
  poisoned = false;
  readonly #bytemap: Uint8Array;
  readonly #globals: WebAssembly.Global[];

  /**
   * Instantiates `compiled` (nothing runs: the start function is an export).
   * @throws {Error} if V8 refuses the instance (e.g. out of memory), or for a mutable v128 global (not supported).
   */
  constructor(compiled: CompiledModule) {
    this.compiled = compiled;
    this.info = moduleInfo(compiled);
    const out = compiled.output;
    if (out.persistentGlobals.some((g) => g.type === V128)) throw new Error('mutable v128 globals are not supported');
    const binding: ImportBinding = { api: undefined, outOfInstructions: () => undefined, wasmMemoryLimit: undefined };
    this.binding = binding;
    const apiOf = (): SystemApi => {
      if (binding.api === undefined) throw new Error('ic0 call outside an execution');
      return binding.api;
    };
    const ic0 = createIc0Imports(apiOf, { wasm64: out.isWasm64 });
    const instance = new WebAssembly.Instance(compiled.module, {
      ...importedMemoryAndTable(this.info),
      ic0,
      [INJECTED_MODULE]: {
        out_of_instructions: suspending(() => binding.outOfInstructions()),
        try_grow_wasm_memory: (delta: number | bigint) => tryGrowWasmMemory({
          api: apiOf(), currentPages: this.heapPages(), maxPages: this.info.heapMaxPages, wasmMemoryLimit: binding.wasmMemoryLimit,
        }, growDelta(delta)),
        internal_trap: (code: number) => {
          throw new HostTrap(code === InternalTrapCode.StackOverflow
            ? { kind: 'Trapped', trapCode: TrapCode.StackOverflow }
            : { kind: 'WasmEngineError', message: `unknown internal trap ${code}` });
        },
      },
    });
    this.exports = instance.exports;
    this.memory = this.exports[INSTRUMENTED_EXPORTS.memory] as WebAssembly.Memory | undefined;
    const dirty = this.exports[INSTRUMENTED_EXPORTS.dirtyBytemap] as WebAssembly.Memory | undefined;
    this.#bytemap = dirty === undefined ? NO_MEMORY : new Uint8Array(dirty.buffer);
    this.counter = this.exports[INSTRUMENTED_EXPORTS.instructionCounter] as WebAssembly.Global;
    this.stackBudget = this.exports[INSTRUMENTED_EXPORTS.stackBudget] as WebAssembly.Global;
    this.#globals = out.persistentGlobals.map((g) => this.exports[g.name] as WebAssembly.Global);
    this.closures = new ClosureInvoker(this.exports[INSTRUMENTED_EXPORTS.table] as WebAssembly.Table | undefined, out.isWasm64, this.info.table64);
  }

  /** The heap as bytes (empty without a memory). */
  heap(): Uint8Array {
    return this.memory === undefined ? NO_MEMORY : new Uint8Array(this.memory.buffer);
  }

  /** Heap size, Wasm pages. */
  heapPages(): number {
    return this.memory === undefined ? 0 : this.memory.buffer.byteLength / WASM_PAGE_BYTES;
  }

  /** Marks the pages of `[at, at + size)` dirty (host writes into the heap). */
  markHeap(at: number, size: number): void {
    if (size <= 0) return;
    const first = Math.floor(at / PAGE_BYTES);
    const last = Math.floor((at + size - 1) / PAGE_BYTES);
    this.#bytemap.fill(1, first, Math.min(last + 1, this.#bytemap.length));
  }

  /** Makes a fresh instance mirror `state`: grows the heap, copies its pages, sets the globals. */
  load(state: ExecutionState): void {
    if (this.memory !== undefined) {
      const grow = state.heapSizePages - this.heapPages();
      if (grow > 0) this.memory.grow((this.compiled.output.isWasm64 ? BigInt(grow) : grow) as number); // memory64 takes a BigInt
      state.heap.copyInto(this.heap());
    }
    this.writeGlobals(state.globals);
    this.mirrors = state;
  }

  /** The persisted globals' current values. */
  readGlobals(): GlobalValue[] {
    return this.#globals.map((g) => g.value as GlobalValue);
  }

  /** Sets the persisted globals. */
  writeGlobals(values: readonly GlobalValue[]): void {
    this.#globals.forEach((g, i) => { g.value = values[i]; });
  }

  /** Calls `f` for every marked page below the current heap size, in ascending order, then clears the marks. */
  #drainMarks(f: (index: number) => void): void {
    const pages = this.heapPages() * PAGES_PER_WASM_PAGE;
    const map = this.#bytemap;
    const words = new BigUint64Array(map.buffer, 0, Math.ceil(Math.min(pages, map.length) / 8));
    for (let w = 0; w < words.length; w++) {
      if (words[w] === 0n) continue;
      for (let p = w * 8; p < w * 8 + 8 && p < pages; p++) if (map[p] !== 0) f(p);
      words[w] = 0n;
    }
  }

  /** The pages changed since the marks were cleared, compared with `base` (identical rewrites dropped); clears the marks. */
  takeHeapDelta(base: PageMap): PageDelta[] {
    const heap = this.heap();
    const delta: PageDelta[] = [];
    this.#drainMarks((index) => {
      const bytes = heap.subarray(index * PAGE_BYTES, (index + 1) * PAGE_BYTES);
      if (!base.pageEquals(index, bytes)) delta.push({ index, bytes: bytes.slice() });
    });
    return delta;
  }

  /** Copies every marked page back from `base` and clears the marks. */
  restore(base: PageMap): void {
    const heap = this.heap();
    this.#drainMarks((index) => {
      const page = base.get(index);
      if (page === undefined) heap.fill(0, index * PAGE_BYTES, (index + 1) * PAGE_BYTES);
      else heap.set(page, index * PAGE_BYTES);
    });
  }

  /** Writes pages of `base` over the listed pages (undoing a kept delta). */
  restorePages(base: PageMap, indices: readonly number[]): void {
    const heap = this.heap();
    for (const index of indices) {
      const page = base.get(index);
      if (page === undefined) heap.fill(0, index * PAGE_BYTES, (index + 1) * PAGE_BYTES);
      else heap.set(page, index * PAGE_BYTES);
    }
  }
}

/** The memory and table a module imports (`env.memory`, `env.table`), created with its declared limits. */
function importedMemoryAndTable(info: ModuleInfo): WebAssembly.Imports {
  const out: Record<string, Record<string, WebAssembly.ImportValue>> = {};
  const put = (l: ImportedLimits, value: WebAssembly.ImportValue): void => { (out[l.module] ??= {})[l.name] = value; };
  // memory64 and table64 take BigInt sizes and `address: 'i64'` (not yet in TypeScript's lib).
  const size = (l: ImportedLimits, v: bigint): number => (l.is64 ? v : Number(v)) as number;
  const m = info.importedMemory;
  if (m !== undefined) {
    put(m, new WebAssembly.Memory({
      initial: size(m, m.min), ...(m.max === undefined ? {} : { maximum: size(m, m.max) }), ...(m.is64 ? { address: 'i64' } : {}),
    } as WebAssembly.MemoryDescriptor));
  }
  const t = info.importedTable;
  if (t !== undefined) {
    put(t, new WebAssembly.Table({
      element: 'anyfunc', initial: size(t, t.min), ...(t.max === undefined ? {} : { maximum: size(t, t.max) }), ...(t.is64 ? { address: 'i64' } : {}),
    } as WebAssembly.TableDescriptor));
  }
  return out;
}
