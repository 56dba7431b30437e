/**
 * NaN canonicalization (the decision in the header of `../validate.ts`): the
 * replica's Cranelift turns every NaN made by an arithmetic float operator
 * into the positive canonical NaN, while V8 leaves the CPU's NaN (negative
 * on x86-64, positive on arm64). After exactly those operators the
 * instrumentation inserts (unmetered; `$t` is a scratch local of the result
 * type):
 *
 * ```wasm
 * <op>  local.tee $t  f64.const nan:canonical  local.get $t  local.get $t  f64.eq  select     ;; f32 alike
 * <op>  local.tee $t  v128.const f64x2 nan nan  local.get $t  local.get $t  f64x2.eq  v128.bitselect  ;; f32x4 alike
 * ```
 *
 * `x == x` is false only for NaN, so the result is `x` or (lane by lane) the
 * canonical NaN.
 */
import type { ByteWriter } from '../writer.ts';
import type { ValType } from '../types.ts';

const F32 = 0x7d;
const F64 = 0x7c;
const V128 = 0x7b;
/** Lane shape of a v128 result: f32x4 or f64x2. */
const F32X4 = 1;
const F64X2 = 2;

const MAIN = new Uint8Array(256);
for (let c = 0x8d; c <= 0x97; c++) MAIN[c] = F32; // f32 ceil … max (not abs, neg, copysign)
for (let c = 0x9b; c <= 0xa5; c++) MAIN[c] = F64; // f64 ceil … max
MAIN[0xb6] = F32; // f32.demote_f64
MAIN[0xbb] = F64; // f64.promote_f32

const SIMD = new Map<number, number>();
for (const c of [0x67, 0x68, 0x69, 0x6a, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0x5e]) SIMD.set(c, F32X4);
for (const c of [0x74, 0x75, 0x7a, 0x94, 0xef, 0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0x5f]) SIMD.set(c, F64X2);

const NAN32 = [0x00, 0x00, 0xc0, 0x7f];
const NAN64 = [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf8, 0x7f];

/** The scratch type an operator's result needs canonicalizing with (f32, f64 or v128), or 0. */
export function canonicalType(prefix: number, code: number): ValType | 0 {
  if (prefix === 0) return MAIN[code] as ValType | 0;
  if (prefix === 0xfd && SIMD.has(code)) return V128;
  return 0;
}

/** Writes the canonicalization of the value on top of the stack, produced by the operator `prefix code`. */
export function emitCanonicalize(w: ByteWriter, prefix: number, code: number, scratch: number): void {
  w.u8(0x22).u32(scratch); // local.tee
  if (prefix === 0) {
    const f64 = MAIN[code] === F64;
    w.u8(f64 ? 0x44 : 0x43).bytes(Uint8Array.from(f64 ? NAN64 : NAN32));
    w.u8(0x20).u32(scratch).u8(0x20).u32(scratch).u8(f64 ? 0x61 : 0x5b).u8(0x1b); // eq, select
    return;
  }
  const f64 = SIMD.get(code) === F64X2;
  const lane = f64 ? NAN64 : NAN32;
  const nan = new Uint8Array(16);
  for (let i = 0; i < 16; i += lane.length) nan.set(lane, i);
  w.u8(0xfd).u32(0x0c).bytes(nan); // v128.const
  w.u8(0x20).u32(scratch).u8(0x20).u32(scratch);
  w.u8(0xfd).u32(f64 ? 0x47 : 0x41).u8(0xfd).u32(0x52); // f64x2.eq / f32x4.eq, v128.bitselect
}
