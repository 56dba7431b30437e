/**
 * One walk over every function body that finds both
 * - the first operator of a Wasm feature the replica's engine configuration
 *   disables (relaxed SIMD, tail calls, exceptions, typed function
 *   references, GC; threads never get here, the decoder refuses `0xFE`), and
 * - the first function breaking an IC code rule, in function order: an
 *   unsupported table instruction, complexity over the limit, or more
 *   instructions than allowed (the replica's `validate_code_section`).
 *
 * Function indices in messages are indices in the function index space
 * (imports first), as in the replica's current `validate_code_section`.
 *
 * Complexity weights: the replica's `wasm_function_complexity` (see
 * validate.ts for the version). Every operator counts once towards the
 * instruction count, the function's final `end` included.
 */
import { WASM_FUNCTION_COMPLEXITY_LIMIT, WASM_FUNCTION_SIZE_LIMIT } from '../config/index.ts';
import { OPS, OPS_FC } from './opcodes.ts';
import type { Feature, OpInfo } from './opcodes.ts';
import { OperatorReader } from './operators.ts';
import { DecodeError } from './reader.ts';
import type { WasmModule } from './types.ts';
import { engineRejection } from './validate-util.ts';
import type { Rejection } from './validate-util.ts';

/** Features the IC's engine accepts in function bodies (wasmtime's defaults plus the replica's switches). */
const ENABLED_FEATURES: ReadonlySet<Feature> = new Set<Feature>([
  'mvp', 'sign-extension', 'saturating-float-to-int', 'bulk-memory', 'reference-types', 'simd',
]);

/** wasmparser's name of each disabled feature (`<name> support is not enabled`). */
const FEATURE_NAMES: Readonly<Record<Feature, string>> = {
  'mvp': 'mvp', 'sign-extension': 'sign extension', 'saturating-float-to-int': 'saturating float to int',
  'bulk-memory': 'bulk memory', 'reference-types': 'reference types', 'simd': 'SIMD',
  'relaxed-simd': 'relaxed SIMD', 'tail-call': 'tail calls', 'exceptions': 'exceptions', 'threads': 'threads',
  'gc': 'gc', 'function-references': 'function references',
};

/** Table instructions the replica refuses (its instrumentation cannot meter or bound them). */
const UNSUPPORTED: ReadonlySet<string> = new Set(['table.grow', 'table.set', 'table.fill', 'table.copy', 'table.init']);

/** Complexity weights by operator name; every other operator weighs 1. */
const WEIGHT_GROUPS: ReadonlyArray<readonly [number, readonly string[]]> = [
  [50, ['block', 'loop', 'if', 'br', 'br_if', 'br_table', 'call', 'call_indirect', 'memory.grow']],
  [14, ['table.get']],
  [8, ['ref.func']],
  [6, ['ref.is_null']],
  [5, ['i32.trunc_f32_s', 'i32.trunc_f32_u', 'i32.trunc_f64_s', 'i32.trunc_f64_u', 'i64.extend_i32_s',
    'i64.extend_i32_u', 'i64.trunc_f32_s', 'i64.trunc_f32_u', 'i64.trunc_f64_s', 'i64.trunc_f64_u',
    'f32.convert_i32_s', 'f32.convert_i32_u', 'f32.convert_i64_s', 'f32.convert_i64_u', 'f32.demote_f64',
    'f64.convert_i32_s', 'f64.convert_i32_u', 'f64.convert_i64_s', 'f64.convert_i64_u']],
  [4, ['f32.neg', 'f32.abs', 'f64.neg', 'f64.abs', 'memory.copy']],
  [3, ['f32.copysign', 'f64.copysign', 'f64.eq', 'i32.rem_u', 'i32.rem_s', 'i64.rem_u', 'i64.rem_s', 'i32.div_u',
    'i32.div_s', 'i64.div_u', 'i64.div_s', 'memory.fill',
    'i32.load', 'i64.load', 'f32.load', 'f64.load', 'i32.load8_s', 'i32.load8_u', 'i32.load16_s', 'i32.load16_u',
    'i64.load8_s', 'i64.load8_u', 'i64.load16_s', 'i64.load16_u', 'i64.load32_s', 'i64.load32_u',
    'i32.trunc_sat_f32_s', 'i32.trunc_sat_f32_u', 'i32.trunc_sat_f64_s', 'i32.trunc_sat_f64_u',
    'i64.trunc_sat_f32_s', 'i64.trunc_sat_f32_u', 'i64.trunc_sat_f64_s', 'i64.trunc_sat_f64_u']],
  [2, ['global.get', 'i32.popcnt', 'i64.popcnt', 'select', 'memory.size',
    'i32.store', 'i32.store16', 'i32.store8', 'i64.store', 'i64.store32', 'i64.store16', 'i64.store8', 'f64.store',
    'f32.store',
    'i32.eqz', 'i32.eq', 'i32.ne', 'i32.lt_s', 'i32.lt_u', 'i32.gt_s', 'i32.gt_u', 'i32.le_s', 'i32.le_u',
    'i32.ge_s', 'i32.ge_u', 'i64.eqz', 'i64.eq', 'i64.ne', 'i64.lt_s', 'i64.lt_u', 'i64.gt_s', 'i64.gt_u',
    'i64.le_s', 'i64.le_u', 'i64.ge_s', 'i64.ge_u',
    'f32.eq', 'f32.ne', 'f32.lt', 'f32.gt', 'f32.le', 'f32.ge', 'f64.ne', 'f64.lt', 'f64.gt', 'f64.le', 'f64.ge',
    'f32.ceil', 'f64.ceil', 'f32.floor', 'f64.floor', 'f32.sqrt', 'f64.sqrt', 'f32.trunc', 'f64.trunc',
    'i32.reinterpret_f32', 'i64.reinterpret_f64', 'f32.reinterpret_i32', 'f64.reinterpret_i64', 'i32.wrap_i64',
    'i32.extend8_s', 'i32.extend16_s', 'i64.extend8_s', 'i64.extend16_s', 'i64.extend32_s', 'f64.promote_f32']],
];

function weightTable(ops: ReadonlyArray<OpInfo | undefined>): Uint8Array {
  const byName = new Map<string, number>();
  for (const [w, names] of WEIGHT_GROUPS) for (const n of names) byName.set(n, w);
  return Uint8Array.from(ops, (op) => (op === undefined ? 1 : byName.get(op.name) ?? 1));
}

/** Weights of single-byte and `0xFC` operators; SIMD operators all weigh 1. */
const WEIGHT_MAIN = weightTable(OPS);
const WEIGHT_FC = weightTable(OPS_FC);
WEIGHT_MAIN[0x1c] = 1; // the typed `select` is not wasmparser's `Select`

/** Per-function limits of {@link scanCode}. */
export interface CodeLimits {
  readonly complexity: number;
  readonly instructions: number;
}

const DEFAULT_LIMITS: CodeLimits = { complexity: WASM_FUNCTION_COMPLEXITY_LIMIT, instructions: WASM_FUNCTION_SIZE_LIMIT };

/** What one walk over the code found. */
export interface CodeScan {
  /** The first operator of a disabled feature (reported before every IC rule). */
  readonly feature?: Rejection;
  /** The first IC code rule broken, in function order. */
  readonly rule?: Rejection;
  /** A body that does not decode (only when the module was decoded without `checkCode`). */
  readonly malformed?: Rejection;
}

/** The complexity weight of the reader's current operator. */
function weightOf(ops: OperatorReader): number {
  if (ops.prefix === 0) return WEIGHT_MAIN[ops.code];
  if (ops.prefix === 0xfc) return WEIGHT_FC[ops.code] ?? 1;
  return 1;
}

/** Walks every body once; see the file comment. */
export function scanCode(m: WasmModule, limits: CodeLimits = DEFAULT_LIMITS): CodeScan {
  let rule: Rejection | undefined;
  for (let i = 0; i < m.code.length; i++) {
    const body = m.code[i];
    const index = m.importedFuncs + i;
    const ops = new OperatorReader(body.code);
    let complexity = 0;
    let size = 0;
    let unsupported: string | undefined;
    try {
      while (ops.next()) {
        const op = ops.op;
        if (!ENABLED_FEATURES.has(op.feature)) {
          const at = body.offset + ops.start;
          return {
            feature: engineRejection(
              `${FEATURE_NAMES[op.feature]} support is not enabled: function ${index} uses ${op.name} (at offset 0x${at.toString(16)})`,
            ),
          };
        }
        if (rule !== undefined) continue;
        size++;
        if (unsupported !== undefined) continue;
        if (UNSUPPORTED.has(op.name)) unsupported = op.name;
        else complexity += weightOf(ops);
      }
    } catch (e) {
      if (e instanceof DecodeError) return { malformed: { kind: 'DecodingError', message: `function ${index}: ${e.message}` } };
      throw e;
    }
    if (rule !== undefined) continue;
    if (unsupported !== undefined) rule = { kind: 'UnsupportedWasmInstruction', index, instruction: unsupported };
    else if (complexity > limits.complexity) {
      rule = { kind: 'FunctionComplexityTooHigh', index, complexity, allowed: limits.complexity };
    } else if (size > limits.instructions) {
      rule = { kind: 'FunctionTooLarge', index, size, allowed: limits.instructions };
    }
  }
  return { rule };
}
