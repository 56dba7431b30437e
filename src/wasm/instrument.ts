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
 *   helpers (`instrument/helpers.ts`), then the sealed copies that
 *   charged functions call (below).
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
 * V8's own stack overflow comes at a depth that depends on the tier, on
 * what V8 inlined and on the host, so the instrumentation bounds the Wasm
 * stack itself. The call graph has an edge per direct call and, for a
 * `call_indirect` of type t, to every function of type t that an element
 * segment or a `ref.func` names. A function on a cycle of it (its strongly
 * connected component has a cycle) is *charged*: on entry it checks that
 * `__stack_budget` ≥ F, its own frame estimate (`stack.ts`), calls
 * `internal_trap(0)` if not, else takes F; every exit gives F back (a trap
 * discards the stack). Nothing else takes from the budget. The host sets
 * the budget B before each execution and keeps
 * {@link InstrumentationOutput.stackHeadroomBytes} H free beyond it:
 *
 *     H = U + max(2 × helper frame, largest charged frame)
 *
 * where U is the heaviest path of the component graph (a DAG) in which a
 * charged component weighs 0 and an uncharged function its frame estimate
 * plus the heaviest chain of direct callees V8 may inline into it.
 *
 * Sealing. V8 inlines direct calls (not `call_indirect`:
 * `--wasm-inlining-call-indirect` is off) to functions whose body is at
 * most 500 bytes, merging the callee's frame into the caller's. So nothing
 * is inlined into a charged function, nor a charged function into
 * anything: charged functions and the injected helpers get empty local
 * declarations up to 501 bytes (`sealBody`: no local, no slot, no code),
 * and a charged function's direct calls to an uncharged function or a
 * twin of at most 500 bytes go to a *sealed copy* of it (the same code,
 * padded). Uncharged callers keep calling the originals, which V8 may
 * inline into them.
 *
 * Claim: the Wasm frames on V8's stack never take more than B + H bytes.
 * Premises about V8 (measured, `stack.ts`; tested, `instrument.test.ts`):
 * (V1) a function's frame without inlined callees, in either tier, is at
 * most its estimate, its stack-passed parameters and results included;
 * (V2) V8 inlines only as said above, and an inlined callee adds at most
 * its own frame to its caller's: along a chain of inlined calls the frames
 * add up, callees inlined side by side share spill slots (V8's register
 * allocator merges spill ranges that do not overlap); (V3) V8 tiers up
 * from Liftoff, its default. Proof: take the stack at any moment, Wasm
 * activations a1 … ak, bottom to top, each calling the next (an edge of
 * the graph; through a table, a path).
 * 1. Each charged activation whose entry check passed is sealed, so its
 *    frame is its own function's, at most its F (V1); each took its F and
 *    the budget never goes below 0, so together they take at most B.
 * 2. At most one charged activation holds its frame without its charge:
 *    the top one, during its entry check.
 * 3. An uncharged function lies on no cycle, so it is at most once on the
 *    stack, and the components of a1 … ak, bottom to top, follow a path of
 *    the component graph. An uncharged activation's frame, with what V8
 *    inlined into it (never a sealed function), is at most its weight
 *    (V1, V2), so together they take at most U.
 * 4. Helpers call nothing but each other (`fill`, `copy`, `init` → `mark`):
 *    at most two, sealed, on top of the stack, where the activation of 2
 *    is too: never both.
 * So the Wasm frames take at most B + U + max(2 × helper frame, largest
 * charged frame) = B + H. ∎ The host's budget
 * (`src/hypervisor/stack-budget.ts`) is 984 KiB − 256 KiB − H, so V8's
 * own overflow never comes first, and the depth at which a recursion
 * traps depends only on the module and these constants: the same on every
 * machine, tier, path and run.
 *
 * Motoko's `func depth(n : Nat) : Nat { if (n == 0) 0 else 1 + depth(n - 1) }`
 * (an update calling it, `test/hypervisor/hostile.test.ts`) reaches 5,602
 * levels (EOP; classic persistence 5,633): 128 bytes a level. Before, each
 * charge also carried the heaviest chain of uncharged frames its function
 * could call, which V8's inlining made necessary without sealing: 4,896
 * bytes a level, 149 levels (classic: 210). A WAT recursion with two i64
 * locals: 4,657 levels (2,740 before). Costs: recursive functions run
 * without inlining (wat/fib 2.6× → 3.35× slower than uninstrumented, the
 * suite median unchanged, see below); sealing adds 81 KB of empty local
 * declarations to the Motoko EOP bench module (61 sealed copies, 204
 * sealed bodies in all); the headroom of a Motoko module is 28–33 KiB
 * (8–12 KiB before: heavier estimates of fewer frames).
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
 * - sealing (the stack plan above) / the charges before it (own frame plus
 *   the heaviest uncharged chain below, nothing sealed), medians of 5 runs
 *   of the benchmark each, alternating, on the loaded machine: suite median
 *   1.28 / 1.32, fib 3.35 / 2.6, mapInsert 1.28 / 1.32, sieve, hash and
 *   memcopy unchanged; the median over all corpus workloads 1.38 / 1.30
 *   (recursive code loses V8's inlining into itself).
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
 * Frames: `stack.ts` (V8's frames and the estimates).
 * Instrumentation time, Motoko modules of 213–282 KB: 8–14 ms warm (decode
 * 1.3–2 ms more), 65–130 ms for the first module in a process (JIT warm-up);
 * on the loaded machine of the table above, 21–31 ms for the EOP bench
 * module, twins (30 of its 716 functions) adding 1–4 ms; sealing and the
 * pure-value count add ~3 ms (~25%: 15–17 ms warm instead of 12–13).
 * Code grows ~2.3× (Motoko EOP bench: a 282 KB module → 655 KB, twins,
 * sealed copies and empty local declarations included; 558 KB before
 * sealing).
 */
import { COST_TO_COMPILE_WASM_INSTRUCTION, MAX_WASM64_MEMORY_IN_BYTES, MAX_WASM_MEMORY_IN_BYTES } from '../config/index.ts';
import type { NumInstructions } from '../types/index.ts';
import { numInstructions } from '../types/index.ts';
import { customSectionsMemoryUsage } from './custom-sections.ts';
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
import { stackHeadroom } from './instrument/callgraph.ts';
import { bodyBytes, frameEstimate, INLINING_MAX_BODY_BYTES, sealBody } from './instrument/stack.ts';

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
  /** Memory of the module's `icp:` metadata sections in the canister state, bytes (custom-sections.ts). */
  customSectionsSize: number;
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

  // Function bodies: scan all, plan the stack budget; rewrite the uncharged ones and the twins, then the charged
  // ones (their direct calls go to sealed copies, decided by the sizes of the rest); then the helpers and the copies.
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
  const n = m.code.length;
  const bodies: FunctionBody[] = new Array(n + twinOf.length); // module functions, then twins
  const cold: number[][] = new Array(n).fill([]);
  const rewrite = (i: number, l: Layout): FunctionBody => {
    const out = rewriteBody(l, m.code[i], types[m.functions[i]], scans[i], plan.charge[i]);
    cold[i] = out.cold;
    return { locals: out.locals, localCount: out.locals.reduce((k, r) => k + r.count, 0), code: out.code, offset: m.code[i].offset };
  };
  let replicaOps = 0;
  for (let i = 0; i < n; i++) {
    replicaOps += scans[i].ops + scans[i].replicaInjected;
    if (plan.charge[i] === 0) bodies[i] = rewrite(i, layout);
  }
  twinOf.forEach((f, k) => {
    const i = f - m.importedFuncs;
    const out = rewriteBody(layout, m.code[i], types[m.functions[i]], scans[i], 0, false);
    bodies[n + k] = { locals: out.locals, localCount: out.locals.reduce((c, r) => c + r.count, 0), code: out.code, offset: m.code[i].offset };
  });
  // What a direct call to defined function f runs (new index), and where that body is in `bodies`.
  const targetOf = (f: number): number => twins.get(f)?.index ?? shiftFunc(layout, f);
  const bodyOf = (index: number): FunctionBody => bodies[index >= firstTwin ? n + index - firstTwin : index - m.importedFuncs - K];
  const small = new Int8Array(n).fill(-1); // whether V8 may inline a direct call to ordinal f: unknown (-1), no, yes
  const inlinable = (f: number): boolean => {
    if (small[f] < 0) {
      const body = bodyOf(targetOf(m.importedFuncs + f));
      small[f] = plan.charge[f] === 0 && bodyBytes(body.locals, body.code.length) <= INLINING_MAX_BODY_BYTES ? 1 : 0;
    }
    return small[f] === 1;
  };
  const sealedTargets = [...new Set(scans.flatMap((s, i) => (plan.charge[i] > 0 ? s.callees : [])))]
    .filter((f) => inlinable(f - m.importedFuncs)).map(targetOf).sort((a, b) => a - b);
  // The helpers (charged bodies may need more: a first rewrite registers them), then the copies after them.
  for (let i = 0; i < n; i++) if (plan.charge[i] > 0 && scans[i].helpers) rewriteBody(layout, m.code[i], types[m.functions[i]], scans[i], plan.charge[i]);
  const v128Helpers = v128Globals.length > 0 ? [layout.helper({ kind: 'v128save' }), layout.helper({ kind: 'v128restore' })] : [];
  const helpers: Array<{ type: number; body: FunctionBody }> = [];
  let helperFrame = 0;
  for (let h = 0; h < helperKinds.length; h++) { // a helper may add another (fill → mark)
    const f = buildHelper(layout, helperKinds[h], m.importedFuncs + 1);
    helpers.push({ type: typeIndex(f.type), body: sealBody(f.body) });
    helperFrame = Math.max(helperFrame, frameEstimate(f.type.params.length + f.body.localCount, 8, false, f.type));
  }
  const firstSealed = firstHelper + helpers.length;
  const sealed = new Map(sealedTargets.map((t, k) => [t, firstSealed + k]));
  const helperCount = helperKinds.length;
  const charged = new Set<number>();
  for (let i = 0; i < n; i++) {
    if (plan.charge[i] === 0) continue;
    bodies[i] = sealBody(rewrite(i, { ...layout, sealed }));
    charged.add(m.importedFuncs + K + i);
  }
  if (helperKinds.length !== helperCount) throw new Error('a charged body needed a helper its first rewrite did not');
  const hints = new BranchHints();
  for (let i = 0; i < n; i++) hints.add(m.importedFuncs + K + i, bodies[i], cold[i]);
  const copies = sealedTargets.map((t, k) => {
    const body = sealBody(bodyOf(t));
    if (t < firstTwin) hints.add(firstSealed + k, body, cold[t - m.importedFuncs - K]);
    return body;
  });
  const functions = [...m.functions, ...twinOf.map((f) => m.functions[f - m.importedFuncs]), ...helpers.map((h) => h.type),
    ...sealedTargets.map((t) => m.functions[(t < firstTwin ? t - K : twinOf[t - firstTwin]) - m.importedFuncs])];
  const code = [...bodies, ...helpers.map((h) => h.body), ...copies];
  const headroom = stackHeadroom(plan.unchargedPath(inlinable), plan.entering, 2 * helperFrame);

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
      copies: [
        ...twinOf.map((f, k): [number, number, string] => [firstTwin + k, shiftFunc(layout, f), '.unmetered']),
        ...sealedTargets.map((t, k): [number, number, string] => (t < firstTwin ? [firstSealed + k, t, '.sealed']
          : [firstSealed + k, shiftFunc(layout, twinOf[t - firstTwin]), '.unmetered.sealed'])),
      ],
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
    stackHeadroomBytes: headroom,
    hasStart: m.start !== undefined,
    bytemapBytes,
    persistentGlobals,
    customSectionsSize: customSectionsMemoryUsage(m),
  };
}

function minBig(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

function sameType(a: FuncType, b: FuncType): boolean {
  return a.params.length === b.params.length && a.results.length === b.results.length
    && a.params.every((p, i) => p === b.params[i]) && a.results.every((r, i) => r === b.results[i]);
}
