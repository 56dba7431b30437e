/**
 * Validation of canister modules with the IC's rules (IC0505 "Canister's
 * Wasm module is not valid: …").
 *
 * Replica followed: dfinity/ic `rs/embedders/src/wasm_utils/validation.rs`.
 * The newest stored text is the 2026 (wirm-based) version in the fork
 * humandebri/ic at commit 1493686bc7ba40c6373c408407202c5e6f63e01a; its
 * fork-only additions (`stable64_shrink`, the stable-memory-size global) are
 * ignored. Cross-checked with the 2024 wasm64-aware upstream text and
 * dfinity/ic@0134cff12884583e5a3116bd9e051e7c57732844. Messages are the
 * replica's `WasmValidationError` Display strings (src/errors words them).
 *
 * Order of checks (the first failure is reported):
 * 1. code-section size (the replica's first check);
 * 2. what the replica's wasmtime configuration refuses and V8 would accept
 *    (validate-sections.ts `checkEngineFeatures`, then operators in bodies);
 * 3. the IC's rules in the replica's order: imports, exports, tables, data
 *    segments, globals, function count, memory64 size, code (unsupported
 *    table instructions, complexity, instruction count), `icp:` sections;
 * 4. the engine check: the bytes must compile in V8.
 * The replica runs wasmtime's whole validation before step 3; we compile
 * last (a module with both a type error and an IC violation gets the IC
 * message), and the IC checks skip indices that do not resolve, which V8
 * then rejects.
 *
 * Nondeterminism hazards and decisions:
 * - Relaxed SIMD: results are implementation-defined (fused or unfused
 *   madd, lane selection, NaN/±0 in min/max, dot-product overflow).
 *   Rejected, as by the replica.
 * - Threads: atomics (the `0xFE` prefix, refused by the decoder) and shared
 *   memory (refused here) would let the result depend on scheduling.
 * - Tail calls: rejected (system_api.md §3 lists them disabled; the 2026
 *   fork text enables them in wasmtime, which we do not follow yet: the
 *   instrumenter counts call depth on `call` and has no rule for
 *   `return_call`).
 * - Exceptions (operators, tag section, tag imports), multi-memory,
 *   typed function references, GC, extended constant expressions: disabled
 *   in the replica's engine configuration; rejected.
 * - `table.grow`, `table.set`, `table.fill`, `table.copy`, `table.init`:
 *   the newest replica still rejects them (UnsupportedWasmInstruction).
 *   `table.get`, `table.size`, `ref.func`, `ref.is_null`, `elem.drop` stay.
 * - Fixed-width SIMD and memory64 (with 64-bit tables) are allowed.
 * - NaN bit patterns. The Wasm spec lets every float operator that makes a
 *   NaN choose its sign and payload. The replica compiles with Cranelift's
 *   NaN canonicalization: after f32/f64 `add sub mul div sqrt min max ceil
 *   floor trunc nearest`, `f32.demote_f64`, `f64.promote_f32` and their
 *   f32x4/f64x2 forms (with `f32x4.demote_f64x2_zero`,
 *   `f64x2.promote_low_f32x4`) a NaN result becomes the positive canonical
 *   NaN (0x7fc00000, 0x7ff8000000000000). V8 does not canonicalize: on
 *   x86-64 an invalid operation gives the hardware default NaN, which is
 *   negative (`f64.div 0 0` = 0xfff8000000000000, f32 0xffc00000, measured
 *   on Node 24), a NaN operand propagates its payload (sNaN
 *   0x7ff0000000000001 + 1 = 0x7ff8000000000001), and arm64 hosts produce
 *   the positive default NaN, so two ic-exec replicas on different CPUs
 *   would disagree, not only ic-exec and the IC. The bits are observable
 *   through `reinterpret`, every float store (heap, then stable memory,
 *   replies and the state hash) and `copysign` (the sign). Operators that
 *   only move or test bits (abs, neg, copysign, loads, stores, reinterpret,
 *   const, select, locals, globals, comparisons, pmin/pmax, conversions
 *   from integers, trunc_sat) behave alike in both engines, and no float
 *   crosses into JavaScript (no ic0 import takes or returns one; entry
 *   points are `() -> ()`).
 *   Decision: validation rejects nothing for NaNs. The instrumenter
 *   (src/wasm/instrument.ts) must canonicalize after exactly the operators
 *   listed above, and after nothing else, with one scratch local per type
 *   and function (appended after the declared locals; the inserted operators
 *   are not metered, the original operator keeps its cost):
 *     f64:   <op> local.tee $t f64.const nan:0x8000000000000 local.get $t
 *            local.get $t f64.eq select
 *     f32:   the same with f32.const nan:0x400000 and f32.eq
 *     f64x2: <op> local.tee $v v128.const f64x2 nan nan local.get $v
 *            local.get $v f64x2.eq v128.bitselect
 *     f32x4: the same with f32x4 and f32x4.eq
 *   (`x == x` is false only for NaN, so the result is x or, lane by lane,
 *   the canonical NaN; checked on Node 24.) Newer Cranelift also
 *   canonicalizes float results of calls; that only differs for functions
 *   returning a NaN made by reinterpret, load or const and is left out until
 *   the replica's wasmtime version is known.
 */
import { invalidWasm } from '../errors/index.ts';
import type { UserError } from '../errors/index.ts';
import type { WasmModule } from './types.ts';
import { scanCode } from './validate-code.ts';
import { checkExports } from './validate-exports.ts';
import { checkImports } from './validate-imports.ts';
import {
  checkCodeSectionSize, checkCustomSections, checkDataSegments, checkEngineFeatures, checkFunctionCount, checkGlobals,
  checkMemory64Size, checkTables,
} from './validate-sections.ts';
import { configureEngine } from './engine.ts';
import { engineRejection } from './validate-util.ts';
import type { Rejection } from './validate-util.ts';

export type { Rejection } from './validate-util.ts';

/**
 * The first reason `module` (decoded from `bytes`) is not a valid canister
 * module, or undefined. Never throws.
 */
export function findRejection(module: WasmModule, bytes: Uint8Array): Rejection | undefined {
  const size = checkCodeSectionSize(module, bytes);
  if (size !== undefined) return size;
  const engine = checkEngineFeatures(module);
  if (engine !== undefined) return engine;
  const code = scanCode(module);
  if (code.malformed !== undefined) return code.malformed;
  if (code.feature !== undefined) return code.feature;
  return checkImports(module)
    ?? checkExports(module)
    ?? checkTables(module)
    ?? checkDataSegments(module)
    ?? checkGlobals(module)
    ?? checkFunctionCount(module)
    ?? checkMemory64Size(module)
    ?? code.rule
    ?? checkCustomSections(module)
    ?? compileInEngine(bytes);
}

/**
 * Compiles `bytes` in V8 (`new WebAssembly.Module`) and turns a failure into
 * the replica's wasmtime wording with V8's text:
 * `wasmtime::Module::validate() failed with Compiling function #0 failed: …`.
 */
export function compileInEngine(bytes: Uint8Array): Rejection | undefined {
  configureEngine();
  try {
    new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
    return undefined;
  } catch (e) {
    const text = e instanceof Error ? e.message : String(e);
    return engineRejection(text.replace(/^WebAssembly\.Module\(\): /, ''));
  }
}

/**
 * Validates a decoded canister module against the IC's rules and the engine.
 * Errors are values: undefined when the module is valid, otherwise the
 * IC0505 `UserError` ("Canister's Wasm module is not valid: …").
 * @param module the decoded module
 * @param bytes the exact bytes it was decoded from (the engine compiles them)
 */
export function validateModule(module: WasmModule, bytes: Uint8Array): UserError | undefined {
  const rejection = findRejection(module, bytes);
  return rejection === undefined ? undefined : invalidWasm(rejection);
}
