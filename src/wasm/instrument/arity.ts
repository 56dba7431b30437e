/**
 * Operand-stack effects of the non-control operators, for the frame
 * estimate of the deterministic stack budget (see `stack.ts`).
 *
 * Each table holds `pops * 4 + pushes` per opcode (both ≤ 3), or
 * {@link SPECIAL} for the operators whose effect depends on types (block
 * structure, branches, calls), which the caller handles itself. The values
 * are derived from the operator tables once, at module load.
 */
import { OPS, OPS_FC, OPS_FD } from '../opcodes.ts';
import type { OpInfo } from '../opcodes.ts';

/** Marks an operator the caller must handle (control flow, calls). */
export const SPECIAL = 255;

function e(pops: number, pushes: number): number {
  return pops * 4 + pushes;
}

function build(table: ReadonlyArray<OpInfo | undefined>, f: (code: number, op: OpInfo) => number): Uint8Array {
  const out = new Uint8Array(table.length).fill(SPECIAL);
  table.forEach((op, code) => { if (op !== undefined) out[code] = f(code, op); });
  return out;
}

/** Binary numeric operators among 0x45..0xc4 (comparisons and two-operand arithmetic). */
function isBinaryNumeric(code: number): boolean {
  return (code >= 0x46 && code <= 0x4f) || (code >= 0x51 && code <= 0x66) || (code >= 0x6a && code <= 0x78)
    || (code >= 0x7c && code <= 0x8a) || (code >= 0x92 && code <= 0x98) || (code >= 0xa0 && code <= 0xa6);
}

function mainEffect(code: number, op: OpInfo): number {
  if (op.accessBytes > 0) return op.isStore ? e(2, 0) : e(1, 1);
  if (code >= 0x45 && code <= 0xc4) return isBinaryNumeric(code) ? e(2, 1) : e(1, 1);
  switch (code) {
    case 0x00: case 0x01: return e(0, 0); // unreachable (handled as a branch), nop
    case 0x1a: return e(1, 0); // drop
    case 0x1b: case 0x1c: return e(3, 1); // select
    case 0x20: return e(0, 1); // local.get
    case 0x21: return e(1, 0); // local.set
    case 0x22: return e(1, 1); // local.tee
    case 0x23: return e(0, 1); // global.get
    case 0x24: return e(1, 0); // global.set
    case 0x25: return e(1, 1); // table.get
    case 0x26: return e(2, 0); // table.set
    case 0x3f: return e(0, 1); // memory.size
    case 0x40: return e(1, 1); // memory.grow
    case 0x41: case 0x42: case 0x43: case 0x44: return e(0, 1); // constants
    case 0xd0: return e(0, 1); // ref.null
    case 0xd1: return e(1, 1); // ref.is_null
    case 0xd2: return e(0, 1); // ref.func
    default: return SPECIAL;
  }
}

function fcEffect(code: number): number {
  if (code <= 7) return e(1, 1); // trunc_sat
  switch (code) {
    case 9: case 13: return e(0, 0); // data.drop, elem.drop
    case 15: return e(2, 1); // table.grow
    case 16: return e(0, 1); // table.size
    default: return e(3, 0); // memory.init/copy/fill, table.init/copy/fill
  }
}

const SIMD_UNARY = /(\.not$|any_true|all_true|bitmask|\.abs$|\.neg$|popcnt|sqrt|ceil|floor|\.trunc$|nearest|splat|extract_lane|extend_|extadd_pairwise|convert|demote|promote|trunc_sat|relaxed_trunc)/;
const SIMD_TERNARY = /(bitselect|relaxed_madd|relaxed_nmadd|laneselect|_add_s$)/;

function fdEffect(code: number, op: OpInfo): number {
  if (op.accessBytes > 0) {
    const lane = code >= 0x54 && code <= 0x5b;
    if (op.isStore) return e(2, 0);
    return lane ? e(2, 1) : e(1, 1);
  }
  if (code === 0x0c) return e(0, 1); // v128.const
  if (SIMD_TERNARY.test(op.name)) return e(3, 1);
  if (SIMD_UNARY.test(op.name)) return e(1, 1);
  return e(2, 1);
}

/** Stack effects of single-byte opcodes. */
export const EFFECT: Uint8Array = build(OPS, mainEffect);
/** Stack effects of `0xFC` opcodes. */
export const EFFECT_FC: Uint8Array = build(OPS_FC, fcEffect);
/** Stack effects of `0xFD` (SIMD) opcodes. */
export const EFFECT_FD: Uint8Array = build(OPS_FD, fdEffect);
