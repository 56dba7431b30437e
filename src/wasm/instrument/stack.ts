/**
 * Deterministic stack depth (see the header of `../instrument.ts` for the
 * plan and the soundness argument).
 *
 * A function's frame estimate, in bytes, is
 *
 *     FRAME_BASE + SLOT × (params + locals + stack-passed values
 *                          + max operand-stack height + INJECTED_SLOTS + pure values)
 *
 * with v128 parameters and locals counted as two slots, and the last three
 * terms counted twice when the function uses SIMD. Locals include the ones
 * the instrumentation adds. Stack-passed values are the parameters beyond
 * {@link REGISTER_PARAMS_GP} integer and {@link REGISTER_PARAMS_FP} float
 * ones and the results beyond {@link REGISTER_RESULTS} (v128: two slots):
 * V8 passes them in the caller's outgoing area, charged to the callee here.
 * Pure values (`BodyScan.pureValues`) are the results of pure operators
 * whose operands derive from locals, constants and globals only, and the
 * barrier's and NaN checks' values on such operands: TurboFan may keep them
 * live across a call where Liftoff keeps only the Wasm-level slots (value
 * numbering reuses a recomputation after the call, code motion hoists an
 * invariant out of a loop). Measured: a recursion that computes 40 such
 * products before its recursive call and again after it takes 80 bytes a
 * level in Liftoff and 377 in TurboFan; counting them, its estimate is 1,425.
 *
 * Measured on Node 24.21 (V8 13.6, x64), recursing to V8's own stack limit
 * (984 KiB) with the budget out of the way, bytes per level, Liftoff /
 * TurboFan (the function sealed: nothing inlined) / this estimate:
 *
 * | shape                                   | Liftoff | TurboFan | estimate |
 * |-----------------------------------------|--------:|---------:|---------:|
 * | `(param i32)`, no local                 |      72 |       56 |      120 |
 * | two i64 params (Motoko's shape)         |      96 |       56 |      144 |
 * | 20 i64 locals                           |     233 |       56 |      280 |
 * | 9 operands on the stack at the call     |     104 |       56 |      192 |
 * | 10 params (i32, 9 × i64)                |     185 |      128 |      304 |
 * | 10 params (i32, 9 × f64)                |     177 |      153 |      280 |
 * | 8 v128 locals                           |     201 |       56 |      248 |
 * | v128 operands                           |     120 |      104 |      232 |
 * | 12 i64 locals live across the call      |     185 |      153 |      400 |
 *
 * (The per-level figures include the host's frames below the recursion,
 * so they overstate V8's frames slightly.) A Liftoff frame is 24 +
 * 8 × slots bytes (a slot per parameter, local and operand-stack value; 16
 * bytes for v128), a TurboFan frame of a function without inlined callees
 * at most that plus its pure values; the estimate adds 8 bytes of base and
 * the {@link INJECTED_SLOTS} to Liftoff's formula and counts the operand
 * stack at its maximum: at least 1.2× the frames above (the least margin:
 * many locals and a short operand stack). The previous estimate (64 + 16
 * per slot, at least twice Liftoff's frame) did not count pure values:
 * with 40 of them, V8 overflowed at the host's budget. What the estimate
 * does not cover is inlining: V8 merges an inlined callee's frame into its
 * caller's (Motoko's `depth`: 58 bytes a level alone, 183 with the bigint
 * helpers it inlines under the engine's inlining flags), so functions
 * charged to the budget are *sealed* ({@link sealBody}): V8 inlines
 * nothing into them and them into nothing.
 *
 * Entry of a charged function with estimate F (`$S` = `__stack_budget`):
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
import type { FuncType, FunctionBody, ValType } from '../types.ts';
import type { Layout } from './context.ts';

/** Fixed part of a frame estimate (return address, frame pointer, instance, feedback vector, alignment), in bytes. */
export const FRAME_BASE = 32;
/** Bytes per slot (parameter, local, operand-stack value): V8's stack slot. */
export const SLOT = 8;
/** Operand slots the injected sequences may add on top of the original stack. */
export const INJECTED_SLOTS = 4;
/** Integer parameters V8 passes in registers (x64: rax, rdx, rcx, rbx, r9 after the instance; arm64 has more). */
export const REGISTER_PARAMS_GP = 4;
/** Float parameters V8 passes in registers (x64: xmm1–xmm6). */
export const REGISTER_PARAMS_FP = 6;
/** Results V8 returns in registers. */
export const REGISTER_RESULTS = 2;
/**
 * The largest function body V8 inlines, in bytes (locals declarations
 * included, its size prefix not): V8's `--wasm-inlining-max-size` default,
 * which `engine.ts` leaves alone. A larger body is never inlined when V8
 * tiers up from Liftoff, its default (measured: 500 bytes inlined, 502
 * not; `--no-liftoff` would inline by budget alone).
 */
export const INLINING_MAX_BODY_BYTES = 500;
/** An empty local declaration (`0 × i32`), shared by every sealed body. */
const NO_LOCALS: FunctionBody['locals'][number] = Object.freeze({ count: 0, type: 0x7f });
/** Code of a stack-overflow trap raised through `internal_trap`. */
const STACK_OVERFLOW = 0;

const slotsOf = (t: ValType): number => (t === 0x7b ? 2 : 1);
const isFloat = (t: ValType): boolean => t === 0x7c || t === 0x7d || t === 0x7b;

/** Slots of the parameters and results V8 passes on the machine stack rather than in registers. */
export function stackPassedSlots(type: FuncType): number {
  let gp = 0;
  let fp = 0;
  let slots = 0;
  for (const p of type.params) {
    if (isFloat(p) ? ++fp > REGISTER_PARAMS_FP : ++gp > REGISTER_PARAMS_GP) slots += slotsOf(p);
  }
  type.results.forEach((r, i) => { if (i >= REGISTER_RESULTS) slots += slotsOf(r); });
  return slots;
}

/**
 * Upper bound of the stack a function's own frame may use, in bytes.
 * @param valueSlots parameters and locals (v128 counted twice)
 * @param maxStack the original body's operand-stack bound
 * @param pureValues values TurboFan may keep beyond the Wasm-level ones (`BodyScan.pureValues`)
 */
export function frameEstimate(valueSlots: number, maxStack: number, simd: boolean, type: FuncType, pureValues = 0): number {
  return FRAME_BASE + SLOT * (valueSlots + stackPassedSlots(type)) + SLOT * (simd ? 2 : 1) * (maxStack + INJECTED_SLOTS + pureValues);
}

/** Encoded size of a function body (locals declarations and code, without its size prefix), in bytes. */
export function bodyBytes(locals: FunctionBody['locals'], codeBytes: number): number {
  let n = lebBytes(locals.length) + codeBytes;
  for (const run of locals) n += lebBytes(run.count) + 1;
  return n;
}

/**
 * Makes a body too large for V8 to inline (more than
 * {@link INLINING_MAX_BODY_BYTES}) by appending empty local declarations
 * (`0 × i32`, two bytes each; valid, and nothing at run time: no local, no
 * slot, the same frame).
 */
export function sealBody(body: FunctionBody): FunctionBody {
  let bytes = bodyBytes(body.locals, body.code.length);
  if (bytes > INLINING_MAX_BODY_BYTES) return body;
  const locals = [...body.locals];
  while (bytes <= INLINING_MAX_BODY_BYTES) {
    locals.push(NO_LOCALS);
    bytes += 2 + lebBytes(locals.length) - lebBytes(locals.length - 1);
  }
  return { ...body, locals };
}

function lebBytes(v: number): number {
  let n = 1;
  while (v >= 0x80) { v = Math.floor(v / 128); n++; }
  return n;
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
