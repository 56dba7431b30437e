/**
 * Instrumentation: every canister module goes through {@link instrument}
 * before it runs. Pure and deterministic: the same module and options give
 * the same bytes. The metering follows the replica's
 * `rs/embedders/src/wasm_utils/instrumentation.rs` (dfinity/ic 002d5530);
 * everything else is ic-exec's own (the replica gets it from wasmtime and
 * the OS). Files: `instrument/body.ts` (per-function walk), `metering.ts`,
 * `barrier.ts`, `stack.ts`, `nan.ts` (the injected sequences, each
 * documented there), `helpers.ts` (injected functions), `callgraph.ts`
 * (stack plan), `module.ts` (data, exports, hints), `names.ts`.
 *
 * ## What the output contains
 * - Imports appended after the module's own: `__.out_of_instructions: [] → []`,
 *   `__.try_grow_wasm_memory: [T delta] → i32` (T = the memory's index type;
 *   called *before* a `memory.grow`: 0 lets it run, 1 makes it return -1; the
 *   host may also throw) and `__.internal_trap: [i32 code] → []`
 *   ({@link InternalTrapCode}). Function imports keep their indices;
 *   defined functions move up by 3 everywhere (calls, `ref.func`, element
 *   segments, global initializers, exports, start, the name section).
 * - Globals `canister counter_instructions` (i64, the replica's counter) and
 *   `__stack_budget` (i32); memory `__dirty` (the write-barrier bytemap);
 *   `memory` and `table` exports (besides the module's own names);
 *   `__persistent_mutable_global_<i>` for mutable globals not exported, and
 *   for mutable v128 globals (which JS cannot read) the functions
 *   `__v128_globals_save`/`__v128_globals_restore`, copying them to and from
 *   16-byte slots in `__dirty` after the bytemap.
 * - No start section: the start function is exported as `canister_start`.
 * - Active data segments are empty passive segments at the same index
 *   (behaving like dropped active ones) and are returned for the host to
 *   apply at install; a segment must fit the initial memory (replica rule).
 * - Unmetered twins of the straight-line functions called directly
 *   (below), appended after the module's functions, then the injected
 *   helpers (`instrument/helpers.ts`).
 * - A `metadata.code.branch_hint` section marking every injected check
 *   unlikely (used by V8 with `--experimental-wasm-branch-hinting`, which
 *   `engine.ts` sets); the module's own branch hints are dropped (they
 *   point into code that moved).
 *
 * ## Metering (the replica's counts)
 * Injection points: function entry (re-entrant, starting at cost 1), after
 * `loop` (re-entrant), after `if`, `else`, `br`, `br_if`, `br_table`, `end`,
 * `return` and `unreachable`. Each operator's weight (`opcodes.ts`) goes to
 * the point before it, so a block's cost includes the operator that ends
 * it; non-re-entrant points of cost 0 are dropped; only re-entrant points
 * check `counter < 0` and call `out_of_instructions`. `memory.fill/copy`
 * (size i64 in Wasm64) and `memory.init` (i32) charge their size through the
 * replica's saturating `decr_instruction_counter` just before the operation
 * (before a static point at the same position). `memory.grow` keeps its
 * static 300. So the counter equals the replica's at every point.
 *
 * The counter is cached in an i64 local per function (loaded at entry,
 * reloaded after every call but those to twins, and after
 * `out_of_instructions`), and stored to the global at a point only when
 * its block may be observed before the next point: when it can trap
 * (memory access, division, float truncation, `unreachable`, table access,
 * bulk memory), calls (also the injected helpers; a twin only if it may
 * trap), or leaves the function; a check stores before calling
 * `out_of_instructions`. So traps, callees, ic0 calls and the host see the
 * replica's count, and blocks nobody observes cost a register subtraction.
 *
 * Compilation cost, as the replica computes it (`instrument`, end): 6,000 ×
 * (operators in all bodies of the replica's instrumented module, final
 * `end`s included, + 2 per global). That module has the original operators,
 * 4 per kept non-re-entrant point, 10 per re-entrant point, 1 (Wasm64) or 3
 * per dynamic charge, +3 per `memory.grow`, the 20-operator
 * `decr_instruction_counter` and the 46-operator `count_clean_pages`, and
 * three more globals. Not counted: the bodies that replace the module's
 * `ic0.stable*` imports under Wasm-native stable memory (their source at the
 * reference commit is not available).
 *
 * ## Straight-line functions charged by their callers (twins)
 * A defined function is *straight-line* when its body is one basic block
 * of the replica: no control operator but its final `end` (no `block`,
 * `loop`, `if`, `else`, `br*`, `return`, `unreachable`), no `call` or
 * `call_indirect`, no bulk operation (dynamic charge), no `memory.grow`.
 * The replica charges it once, at its entry, a constant C = 1 + the
 * weights of its operators, and checks `counter < 0` there (the entry is a
 * re-entrant point). Every straight-line function called directly gets an
 * unmetered *twin*: its rewrite without the metering (same barrier, same
 * NaN canonicalization), appended after the module's functions, so no
 * index moves. Direct `call`s in instrumented code go to the twin and the
 * caller charges C: at the point of the block holding the call when that
 * point has no check (it is not re-entrant) and nothing before the call in
 * the block may observe the counter, else just before the call (storing
 * the counter when the twin may trap or something after the call in the
 * block may observe it; `body.ts`, `resolveCalls`). Exports, element
 * segments and `ref.func` keep the metered original, so `call_indirect`
 * and the host reach metered code.
 *
 * The counter equals the replica's wherever it is observable:
 * - host calls: a twin makes none; before the call in the caller's block,
 *   C is not yet charged where anything could observe it (it joins the
 *   point only when nothing before the call observes); after the call it
 *   is charged in both;
 * - a trap inside the twin: the replica charged the caller's block, then
 *   C at the twin's entry; here the counter stored before the call
 *   includes both;
 * - traps before or after the call in the caller's block: as host calls;
 * - the replica's checks (function entries, loop headers, `ic0` charges)
 *   and the final count: the same charges have been made.
 * The one difference is the twin's entry check. By default it is not
 * made: the caller's next check point (a loop header, a function entry or
 * an `ic0` charge, at most one loop-free path later, which may return
 * through callers) sees the same or a
 * lower counter and calls `out_of_instructions`. So a DTS slice may pause
 * later by that path (its overshoot carried over as the replica carries
 * its own), never with a different count. On a message's last slice,
 * where the replica would stop at the twin's entry with "instruction
 * limit exceeded", the stop comes at that next check point; if the
 * execution ends first it completes (with an overshoot, as the replica
 * allows after its last check), and if another trap comes first, that
 * trap is reported. Option `twinEntryChecks` makes the check before each
 * call to a twin (the replica's exact `out_of_instructions` points); the
 * corpus test checks that counts are the same with twins, without them
 * and with entry checks, and the golden tests run all three.
 *
 * ## Dirty pages (write barrier, `barrier.ts`)
 * Every store marks, after it succeeded, the 4 KiB pages of its first and
 * last byte in `__dirty` (one byte per page, sized for the largest heap:
 * 1 MiB for wasm32, 1.5 MiB for 6 GiB wasm64); bulk operations mark their
 * destination range through a helper. `memory.grow` marks nothing. The host
 * reads and clears the bytemap.
 *
 * ## NaN canonicalization (`nan.ts`)
 * After the float operators that Cranelift canonicalizes (arithmetic,
 * rounding, sqrt, min/max, demote/promote, scalar and SIMD; the list and
 * the decision are in `validate.ts`) a NaN result becomes the positive
 * canonical NaN, unmetered. V8 would leave the CPU's (negative on x86-64).
 *
 * ## Deterministic stack depth (`stack.ts`, `callgraph.ts`)
 * Only functions on a call cycle (direct, or through `call_indirect` to any
 * function of the same type named by an element segment or `ref.func`) take
 * from `__stack_budget`: their frame estimate plus the heaviest chain of
 * uncharged frames they call; below 0 they call `internal_trap(0)` before
 * running; every exit gives it back. Uncharged functions form a DAG, so the
 * stack in use is at most the budget plus {@link InstrumentationOutput.stackHeadroomBytes},
 * and an overflow happens at the same depth on every machine. The host sets
 * the budget before each execution (a trap skips the restores).
 *
 * ## Measured (Node 24.21 / V8 13.6, x64 AMD EPYC, 2 vCPUs shared with other jobs)
 * Slowdown, instrumented ÷ plain, on the test host (`test/corpus`), the
 * suite of `bench/instrumentation.bench.ts`; median of 5 interleaved
 * batches of 11 runs (after 3 warm-up runs) in one process, on a quiet
 * machine. "Flags" are `engine.ts`'s, which the product sets (and then
 * plain code runs with them too); "no flags" is V8's defaults.
 *
 * | workload                           | flags: plain ms | instr. ms | ratio | no flags: plain ms | instr. ms | ratio |
 * |------------------------------------|----------------:|----------:|------:|-------------------:|----------:|------:|
 * | wat/fib fib(25)                    |           0.231 |     0.527 | 2.23× |              0.255 |     0.589 | 2.28× |
 * | wat/sieve sieve(10⁶)               |           1.777 |     2.496 | 1.42× |              1.756 |     2.769 | 1.58× |
 * | wat/hash hash(2·10⁵)               |           0.230 |     0.263 | 1.15× |              0.236 |     0.298 | 1.27× |
 * | wat/memcopy memcopy(2000)          |           0.304 |     0.304 | 1.00× |              0.304 |     0.304 | 0.99× |
 * | motoko-eop/bench mapInsert(5000)   |           3.927 |     4.925 | 1.25× |              3.979 |     7.245 | 1.83× |
 * | suite median                       |                 |           | 1.25× |                    |           | 1.58× |
 *
 * The benchmark itself measures each workload once per process, right
 * after compiling it, so it also catches the tier-up of the (larger)
 * instrumented code, and the shared machine adds ±10–15% per workload:
 * suite medians of 1.22–1.35× over its runs (memcopy 1.0–1.3×, mapInsert
 * 1.1–1.5×). Variants (flags, ratios of one interleaved run; the machine
 * was loaded, so ±10%):
 * - twins / no twins (the design before them) / twins with entry checks:
 *   hash 1.12 / 1.48 / 1.35, sieve 1.57 / 1.64 / 1.57, mapInsert 1.32 /
 *   1.22 / 1.27 (noise: its batch minimum was 0.7), fib 2.30 / 2.31 / 2.27.
 *   Without flags, hash 1.29 / 1.61. The entry check's call path inside
 *   the hash loop pushes it over the 80 operations below which Turboshaft
 *   unrolls a Wasm loop and drops its stack guard; an out-of-line helper
 *   for the call path did not help (V8 inlines it).
 * - counter in the global at every point (the replica's sequences):
 *   sieve 1.79, hash 1.26, mapInsert 1.46, fib 2.34. Kept: a local.
 * - without any metering (barrier, stack budget, NaN canonicalization
 *   only): mapInsert 1.03, sieve 1.08–1.21, hash 1.00, fib 1.65–1.81; and
 *   without the barrier: sieve 1.00. Metering is mapInsert's cost (many
 *   small blocks with a load or a call, each storing the counter);
 *   removing the counter store and reload around direct calls (unsound,
 *   to measure) left it unchanged. For sieve, the barrier costs 0.1–0.2:
 *   V8 reloads the base of the bytemap memory (memory 1) at every store,
 *   because it cannot tell the counter's `global.set` in the same loop from
 *   a write to the instance's memory table (without metering it hoists
 *   the load out of the loop).
 * - `$mark` storing page by page below 8 pages instead of always calling
 *   `memory.fill` (an engine call): memcopy 1.04 → 1.02.
 * - `--wasm-inlining-max-size` 1000 or 1500 (94 Motoko functions grow past
 *   the default 500 bytes): no gain measurable over 8 processes each; a
 *   lower inlining budget (20000/10 or V8's 5000/3): mapInsert 1.5–1.8.
 * Earlier measurements of the design before twins (larger workloads,
 * flags on the command line): counter global / local fib 2.44 / 2.60,
 * sieve 1.45 / 1.39; barrier exact / pair / none: sieve 1.39 / 1.40 /
 * 1.34; stack budget on call cycles / in every caller: Motoko classic
 * 1.31 / 1.59. Float code pays little for NaN canonicalization:
 * wat/floats integrate(10⁶) 1.04×.
 *
 * Frames: V8 used 24 + 8·slots bytes per Liftoff frame (16 per v128) and
 * about half under TurboFan; the estimates are ≥ 2.4× Liftoff's on the
 * shapes tested, so a budget trap comes before V8's own stack overflow.
 * Instrumentation time, Motoko modules of 213–282 KB: 8–14 ms warm (decode
 * 1.3–2 ms more), 65–130 ms for the first module in a process (JIT warm-up);
 * on the loaded machine of the table above, 21–31 ms for the EOP bench
 * module, twins (30 of its 716 functions) adding 1–4 ms.
 * Code grows ~2.2× (Motoko EOP bench: a 282 KB module → 571 KB, twins included).
 */
import { COST_TO_COMPILE_WASM_INSTRUCTION, MAX_WASM64_MEMORY_IN_BYTES, MAX_WASM_MEMORY_IN_BYTES } from '../config/index.ts';
import type { NumInstructions } from '../types/index.ts';
import { numInstructions } from '../types/index.ts';
import { encodeModule } from './encode.ts';
import { SectionId, ExternalKind } from './types.ts';
import type { ConstExpr, Element, Export, FuncType, FunctionBody, Global, Import, Limits, Section, ValType, WasmModule } from './types.ts';
import { frameOf, resolveCalls, rewriteBody, scanBody, UnsupportedOperator } from './instrument/body.ts';
import { shiftFunc } from './instrument/context.ts';
import type { BarrierMode, CounterMode, HelperKind, Layout, Twin } from './instrument/context.ts';
import { buildHelper } from './instrument/helpers.ts';
import { BranchHints, capMemory, exportedMethods, extractData, InstrumentationError, planModuleStack } from './instrument/module.ts';
import type { DataSegmentInit, ExportedMethods } from './instrument/module.ts';
import { remapNameSection } from './instrument/names.ts';
import { frameEstimate } from './instrument/stack.ts';

export type { BarrierMode, CounterMode } from './instrument/context.ts';
export type { DataSegmentInit, ExportedMethods } from './instrument/module.ts';
export { InstrumentationError } from './instrument/module.ts';

/** Module name of the injected imports. */
export const INJECTED_MODULE = '__';
/** Names of the injected imports, in the order they are appended after the module's imports. */
export const INJECTED_IMPORTS = ['out_of_instructions', 'try_grow_wasm_memory', 'internal_trap'] as const;
/** Export names the instrumentation adds. */
export const EXPORTS = {
  memory: 'memory',
  table: 'table',
  instructionCounter: 'canister counter_instructions',
  stackBudget: '__stack_budget',
  dirtyBytemap: '__dirty',
  start: 'canister_start',
  /** Prefix of the export of mutable global `<i>` when the module does not export it. */
  persistentGlobalPrefix: '__persistent_mutable_global_',
  /** Copies the mutable v128 globals into their slots in `__dirty` (JS cannot read v128 globals). */
  v128Save: '__v128_globals_save',
  /** Copies the slots in `__dirty` back into the mutable v128 globals. */
  v128Restore: '__v128_globals_restore',
} as const;
/** Codes passed to `__.internal_trap` by injected code. */
export const InternalTrapCode = {
  /** The stack budget cannot cover the frame of the function being entered. */
  StackOverflow: 0,
} as const;
/** Bytes of heap per bytemap entry (the dirty-page granularity). */
export const DIRTY_PAGE_BYTES = 4096;

/** Options of {@link instrument}. */
export interface InstrumentOptions {
  /** Largest Wasm64 heap; a wasm64 memory's maximum is capped to it (default 6 GiB, `MAX_WASM64_MEMORY_IN_BYTES`). */
  maxWasm64MemoryBytes?: bigint;
  /** Compilation cost per counted operator (default 6,000, `COST_TO_COMPILE_WASM_INSTRUCTION`). */
  costToCompileWasmInstruction?: NumInstructions;
  /** Where a function keeps the counter: `local` (default, faster) or `global` (the replica's sequences; for measurements). */
  counter?: CounterMode;
  /**
   * How a store marks `__dirty`: `exact` (default: its first and last page),
   * `pair` (one `store16` marking the first page and the next: a superset), or
   * `none` (no barrier, no bytemap; for measurements).
   */
  barrier?: BarrierMode;
  /** Whether direct calls to straight-line functions go to unmetered twins (default true; false for measurements). */
  twins?: boolean;
  /**
   * Whether each call to a twin is preceded by the callee's entry check,
   * so that `out_of_instructions` runs exactly where the replica runs it
   * (default false: the check falls to the caller's next check point; see
   * the header). Counts are the same either way.
   */
  twinEntryChecks?: boolean;
}

/** A mutable global the host persists across messages. */
export interface PersistentGlobal {
  /** Its export name in the instrumented module. */
  name: string;
  index: number;
  type: ValType;
  /** v128 globals only: the byte offset of its slot in `__dirty`, filled by `__v128_globals_save`, read by `__v128_globals_restore`. */
  v128Offset?: number;
}

/** The result of {@link instrument}. */
export interface InstrumentationOutput {
  binary: Uint8Array<ArrayBuffer>;
  /** Active data segments (now empty passive ones in the module), to copy into the heap at install. */
  dataSegments: DataSegmentInit[];
  exportedMethods: ExportedMethods;
  isWasm64: boolean;
  /** The replica's compilation cost of the module (see the header). */
  compilationCost: NumInstructions;
  /**
   * Stack the host must keep free beyond `__stack_budget`, in bytes: the
   * heaviest chain of frames not charged to the budget, plus two injected
   * helper frames (the host's own frames for imports are not included).
   */
  stackHeadroomBytes: number;
  /** The module had a start function (now exported as `canister_start`). */
  hasStart: boolean;
  /** Size of the `__dirty` bytemap in bytes, one per 4 KiB heap page (0: no memory, no bytemap). */
  bytemapBytes: number;
  /** The module's mutable globals and their export names, for persistence. */
  persistentGlobals: PersistentGlobal[];
}

/** Operators of the replica's `decr_instruction_counter` body (its final `end` included). */
const REPLICA_DECR_OPS = 20;
/** Operators of the replica's `count_clean_pages` body (Wasm-native stable memory, on by default). */
const REPLICA_COUNT_CLEAN_PAGES_OPS = 46;
/** Globals the replica adds: the instruction counter and two stable-memory page counters. */
const REPLICA_INJECTED_GLOBALS = 3;
const WASM_PAGE = 65536n;
const BRANCH_HINT_SECTION = 'metadata.code.branch_hint';

/**
 * Instruments a decoded (and validated) module.
 * @throws {InstrumentationError} for modules the replica rejects at this stage (more than one
 *   memory, a data segment outside the initial memory, unsupported operators, export name clashes).
 */
export function instrument(module: WasmModule, options: InstrumentOptions = {}): InstrumentationOutput {
  const m = module;
  const memCount = m.importedMemories + m.memories.length;
  if (memCount > 1) throw new InstrumentationError(`Wasm module has ${memCount} memory sections but should have had 1`, false);
  const memImport = m.imports.find((i) => i.desc.kind === 'memory');
  const mem0: Limits | undefined = memImport?.desc.kind === 'memory' ? memImport.desc.limits : m.memories[0];
  const wasm64 = mem0?.is64 ?? false;
  const addrType: ValType = wasm64 ? 0x7e : 0x7f;
  const maxHeap = wasm64 ? options.maxWasm64MemoryBytes ?? MAX_WASM64_MEMORY_IN_BYTES : MAX_WASM_MEMORY_IN_BYTES;
  const barrier = options.barrier ?? 'exact';
  const types = [...m.types];
  const typeIndex = (t: FuncType): number => {
    const i = types.findIndex((x) => sameType(x, t));
    return i >= 0 ? i : types.push(t) - 1;
  };

  // Index spaces after injection: imports appended, globals and the bytemap memory after the module's own.
  const K = INJECTED_IMPORTS.length;
  const imports: Import[] = m.imports.map((imp) => (imp.desc.kind === 'memory'
    ? { ...imp, desc: { kind: 'memory', limits: capMemory(imp.desc.limits, maxHeap) } } : imp));
  const importTypes = [typeIndex({ params: [], results: [] }), typeIndex({ params: [addrType], results: [0x7f] }),
    typeIndex({ params: [0x7f], results: [] })];
  INJECTED_IMPORTS.forEach((name, i) => imports.push({ module: INJECTED_MODULE, name, desc: { kind: 'func', typeIndex: importTypes[i] } }));
  const funcTypes = new Uint32Array(m.importedFuncs + m.functions.length);
  let fi = 0;
  for (const imp of m.imports) if (imp.desc.kind === 'func') funcTypes[fi++] = imp.desc.typeIndex;
  for (const t of m.functions) funcTypes[fi++] = t;
  const memories = m.memories.map((l) => capMemory(l, maxHeap));
  const marks = mem0 !== undefined && barrier !== 'none';
  const heapPages = mem0 === undefined ? 0n : minBig(mem0.max ?? maxHeap / WASM_PAGE, maxHeap / WASM_PAGE);
  const bytemapBytes = marks ? Number((heapPages * WASM_PAGE) / BigInt(DIRTY_PAGE_BYTES)) + (barrier === 'pair' ? 1 : 0) : 0;
  const globalTypes = [...m.imports.flatMap((i) => (i.desc.kind === 'global' ? [i.desc.type] : [])), ...m.globals.map((g) => g.type)];
  const v128Base = Math.ceil(bytemapBytes / 16) * 16;
  const v128Globals = globalTypes.flatMap((g, i) => (g.mutable && g.valType === 0x7b ? [i] : []))
    .map((g, n): [number, number] => [g, v128Base + 16 * n]);
  const dirtyMemory = marks || v128Globals.length > 0 ? memCount : -1;
  if (dirtyMemory >= 0) {
    const pages = BigInt(Math.max(1, Math.ceil((v128Base + 16 * v128Globals.length) / 65536)));
    memories.push({ min: pages, max: pages, is64: false, shared: false });
  }
  const globalBase = m.importedGlobals + m.globals.length;
  const helperKinds: HelperKind[] = [];
  const helperIndex = new Map<string, number>();
  const firstTwin = m.importedFuncs + K + m.functions.length;
  const twins = new Map<number, Twin>(); // by original function index
  let firstHelper = firstTwin; // the twins come first, once known
  const layout: Layout = {
    wasm64, addrType, types, funcTypes, importedFuncs: m.importedFuncs, injectedImports: K,
    outOfInstructions: m.importedFuncs, internalTrap: m.importedFuncs + 2,
    counterGlobal: globalBase, stackGlobal: globalBase + 1, dirtyMemory, v128Globals,
    table64: [...m.imports.flatMap((i) => (i.desc.kind === 'table' ? [i.desc.type.limits.is64] : [])), ...m.tables.map((t) => t.limits.is64)],
    maxHeapBytes: Number(maxHeap), counter: options.counter ?? 'local', barrier, twinEntryChecks: options.twinEntryChecks ?? false,
    twin: (index) => twins.get(index),
    helper(h) {
      const key = h.kind === 'init' ? `init${h.segment}` : h.kind;
      let idx = helperIndex.get(key);
      if (idx === undefined) {
        idx = firstHelper + helperKinds.length;
        helperIndex.set(key, idx);
        helperKinds.push(h);
      }
      return idx;
    },
    blockTypeFor: (results) => typeIndex({ params: [], results }),
  };

  // Function bodies: scan all, plan the stack budget, rewrite; then the helpers.
  const scans = m.code.map((body, i) => {
    try {
      return scanBody(layout, body, types[m.functions[i]]);
    } catch (e) {
      if (!(e instanceof UnsupportedOperator)) throw e;
      throw new InstrumentationError(`Failed to deserialize wasm module with ${e.message} in function ${m.importedFuncs + i}`, false);
    }
  });
  // Twins: an unmetered copy of every straight-line function that is called directly, in index order.
  const twinOf: number[] = []; // original indices of the functions with a twin, ascending
  if (options.twins ?? true) {
    const called = new Set<number>();
    for (const scan of scans) for (const f of scan.callees) if (scans[f - m.importedFuncs].straight) called.add(f);
    twinOf.push(...[...called].sort((a, b) => a - b));
    twinOf.forEach((f, k) => {
      const scan = scans[f - m.importedFuncs];
      twins.set(f, { index: firstTwin + k, cost: scan.costs[0], traps: scan.traps });
    });
  }
  firstHelper = firstTwin + twinOf.length;
  for (const scan of scans) resolveCalls(scan, layout.twin, layout.twinEntryChecks);
  const frames = m.code.map((body, i) => frameOf(layout, body, types[m.functions[i]], scans[i]));
  const plan = planModuleStack(m, types, scans, frames);
  const code: FunctionBody[] = [];
  const functions = [...m.functions];
  const charged = new Set<number>();
  const hints = new BranchHints();
  let replicaOps = 0;
  m.code.forEach((body, i) => {
    const scan = scans[i];
    replicaOps += scan.ops + scan.replicaInjected;
    const out = rewriteBody(layout, body, types[m.functions[i]], scan, plan.charge[i]);
    const index = m.importedFuncs + K + i;
    if (plan.charge[i] > 0) charged.add(index);
    const rewritten = { locals: out.locals, localCount: out.locals.reduce((n, r) => n + r.count, 0), code: out.code, offset: body.offset };
    hints.add(index, rewritten, out.cold);
    code.push(rewritten);
  });
  for (const f of twinOf) {
    const i = f - m.importedFuncs;
    const out = rewriteBody(layout, m.code[i], types[m.functions[i]], scans[i], 0, false);
    functions.push(m.functions[i]);
    code.push({ locals: out.locals, localCount: out.locals.reduce((n, r) => n + r.count, 0), code: out.code, offset: m.code[i].offset });
  }
  const v128Helpers = v128Globals.length > 0 ? [layout.helper({ kind: 'v128save' }), layout.helper({ kind: 'v128restore' })] : [];
  let helperFrame = 0;
  for (let h = 0; h < helperKinds.length; h++) { // a helper may add another (fill → mark)
    const f = buildHelper(layout, helperKinds[h], m.importedFuncs + 1);
    functions.push(typeIndex(f.type));
    code.push(f.body);
    helperFrame = Math.max(helperFrame, frameEstimate(f.type.params.length + f.body.localCount, 8, false));
  }

  // Globals, exports, elements, data.
  const mapConst = (e: ConstExpr): ConstExpr => ({ ops: e.ops.map((o) => (o.op === 'ref.func' ? { op: 'ref.func', func: shiftFunc(layout, o.func) } : o)) });
  const globals: Global[] = m.globals.map((g) => ({ type: g.type, init: mapConst(g.init) }));
  globals.push({ type: { valType: 0x7e, mutable: true }, init: { ops: [{ op: 'i64.const', value: 0n }] } });
  globals.push({ type: { valType: 0x7f, mutable: true }, init: { ops: [{ op: 'i32.const', value: 0 }] } });
  const exports: Export[] = m.exports.map((e) => (e.kind === ExternalKind.func ? { ...e, index: shiftFunc(layout, e.index) } : e));
  const addExport = (name: string, kind: ExternalKind, index: number): void => {
    const same = exports.find((e) => e.name === name);
    if (same === undefined) exports.push({ name, kind, index });
    else if (same.kind !== kind || same.index !== index) throw new InstrumentationError(`Failed to export: the module already exports '${name}'`, false);
  };
  if (mem0 !== undefined) addExport(EXPORTS.memory, ExternalKind.memory, 0);
  if (m.importedTables + m.tables.length > 0) addExport(EXPORTS.table, ExternalKind.table, 0);
  const persistentGlobals: PersistentGlobal[] = [];
  globalTypes.forEach((g, i) => {
    if (!g.mutable) return;
    const own = m.exports.find((e) => e.kind === ExternalKind.global && e.index === i);
    const name = own?.name ?? `${EXPORTS.persistentGlobalPrefix}${i}`;
    addExport(name, ExternalKind.global, i);
    const slot = v128Globals.find(([v]) => v === i);
    persistentGlobals.push(slot === undefined ? { name, index: i, type: g.valType } : { name, index: i, type: g.valType, v128Offset: slot[1] });
  });
  if (v128Helpers.length > 0) {
    addExport(EXPORTS.v128Save, ExternalKind.func, v128Helpers[0]);
    addExport(EXPORTS.v128Restore, ExternalKind.func, v128Helpers[1]);
  }
  addExport(EXPORTS.instructionCounter, ExternalKind.global, layout.counterGlobal);
  addExport(EXPORTS.stackBudget, ExternalKind.global, layout.stackGlobal);
  if (m.start !== undefined) addExport(EXPORTS.start, ExternalKind.func, shiftFunc(layout, m.start));
  if (dirtyMemory >= 0) addExport(EXPORTS.dirtyBytemap, ExternalKind.memory, dirtyMemory);
  const elements: Element[] = m.elements.map((e) => ({
    ...e,
    items: e.items.kind === 'functions'
      ? { kind: 'functions', funcs: e.items.funcs.map((f) => shiftFunc(layout, f)) }
      : { kind: 'exprs', exprs: e.items.exprs.map(mapConst) },
  }));
  const { data, segments } = extractData(m);

  // Sections: the standard ones re-encoded, branch hints before the code, the name section re-indexed or dropped.
  const sections: Section[] = [];
  const hintPayload = hints.payload();
  for (const s of m.sections) {
    if (s.id === SectionId.code && hintPayload !== undefined) {
      sections.push({ id: SectionId.custom, offset: s.offset, custom: { name: BRANCH_HINT_SECTION, data: hintPayload } });
    }
    if (s.custom?.name === BRANCH_HINT_SECTION) continue; // the module's own hints point into code that moved
    if (s.custom?.name !== 'name') {
      sections.push(s);
      continue;
    }
    const remapped = remapNameSection(s.custom.data, {
      func: (i) => shiftFunc(layout, i),
      injected: [...INJECTED_IMPORTS.map((n, i): [number, string] => [m.importedFuncs + i, `${INJECTED_MODULE}.${n}`]),
        ...helperKinds.map((h, i): [number, string] => [firstHelper + i, `__${h.kind}${h.kind === 'init' ? h.segment : ''}`])],
      copies: twinOf.map((f, k): [number, number] => [firstTwin + k, shiftFunc(layout, f)]),
      labelShift: (i) => (charged.has(i) ? 1 : 0),
    });
    if (remapped !== undefined) sections.push({ id: SectionId.custom, offset: s.offset, custom: { name: 'name', data: remapped } });
  }
  const out: WasmModule = {
    ...m, sections, types, imports, functions, memories, globals, exports, elements, code, data,
    start: undefined, dataCount: m.data.length > 0 ? m.data.length : m.dataCount,
  };
  const binary = encodeModule(out, [SectionId.type, SectionId.import, SectionId.function, SectionId.memory, SectionId.global,
    SectionId.export, SectionId.start, SectionId.element, SectionId.dataCount, SectionId.code, SectionId.data]) as Uint8Array<ArrayBuffer>;

  const perInstruction = options.costToCompileWasmInstruction ?? COST_TO_COMPILE_WASM_INSTRUCTION;
  const counted = replicaOps + REPLICA_DECR_OPS + REPLICA_COUNT_CLEAN_PAGES_OPS + 2 * (m.globals.length + REPLICA_INJECTED_GLOBALS);
  return {
    binary,
    dataSegments: segments,
    exportedMethods: exportedMethods(exports),
    isWasm64: wasm64,
    compilationCost: numInstructions(perInstruction * BigInt(counted)),
    stackHeadroomBytes: plan.headroom + 2 * helperFrame,
    hasStart: m.start !== undefined,
    bytemapBytes,
    persistentGlobals,
  };
}

function minBig(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

function sameType(a: FuncType, b: FuncType): boolean {
  return a.params.length === b.params.length && a.results.length === b.results.length
    && a.params.every((p, i) => p === b.params[i]) && a.results.every((r, i) => r === b.results[i]);
}
