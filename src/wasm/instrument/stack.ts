/**
 * Deterministic stack depth (see the header of `../instrument.ts`).
 *
 * A function's frame estimate, in bytes, is
 *
 *     FRAME_BASE + SLOT × (params + locals + max operand-stack height + INJECTED_SLOTS)
 *
 * with v128 parameters and locals counted as two slots, and every operand
 * slot counted as two when the function uses SIMD. Locals include the ones
 * the instrumentation adds. Measured on Node 24 (V8 13.6, x64), by recursing
 * to V8's own stack limit: a Liftoff frame takes 24 + 8 × slots bytes (a
 * slot per parameter, local and operand-stack value; 16 bytes for v128) and
 * a TurboFan frame about half of that, so the estimate is at least twice
 * Liftoff's frame for scalar code and at least Liftoff's for SIMD code.
 *
 * Entry of a non-leaf function with estimate F (`$S` = `__stack_budget`):
 *
 * ```wasm
 * global.get $S  local.tee $s  i32.const F  i32.lt_s
 * if  i32.const 0  call $internal_trap  unreachable  end     ;; 0 = stack overflow
 * local.get $s  i32.const F  i32.sub  global.set $S
 * ```
 *
 * and before every `return` and after the body block: `local.get $s
 * global.set $S` (callees restore what they take, so this equals adding F
 * back).
 */
import type { ByteWriter } from '../writer.ts';
import type { Layout } from './context.ts';

/** Fixed part of a frame estimate (return address, frame pointer, instance, spills), in bytes. */
export const FRAME_BASE = 64;
/** Bytes per slot (parameter, local, operand-stack value). */
export const SLOT = 16;
/** Operand slots the injected sequences may add on top of the original stack. */
export const INJECTED_SLOTS = 4;
/** Code of a stack-overflow trap raised through `internal_trap`. */
const STACK_OVERFLOW = 0;

/** Upper bound of the stack a function's frame may use, in bytes. */
export function frameEstimate(valueSlots: number, maxStack: number, simd: boolean): number {
  return FRAME_BASE + SLOT * valueSlots + SLOT * (simd ? 2 : 1) * (maxStack + INJECTED_SLOTS);
}

/** Writes the budget check and subtraction at a charged function's entry, keeping the budget in `local`. */
export function emitStackEntry(w: ByteWriter, l: Layout, charge: number, local: number, cold?: number[]): void {
  const s = l.stackGlobal;
  w.u8(0x23).u32(s).u8(0x22).u32(local).u8(0x41).s32(charge).u8(0x48); // global.get, local.tee, i32.const, i32.lt_s
  cold?.push(w.length);
  w.u8(0x04).u8(0x40).u8(0x41).s32(STACK_OVERFLOW).u8(0x10).u32(l.internalTrap).u8(0x00).u8(0x0b);
  w.u8(0x20).u32(local).u8(0x41).s32(charge).u8(0x6b).u8(0x24).u32(s); // local.get, i32.const, i32.sub, global.set
}

/** Writes the budget restore on a function exit. */
export function emitStackExit(w: ByteWriter, l: Layout, local: number): void {
  w.u8(0x20).u32(local).u8(0x24).u32(l.stackGlobal);
}
