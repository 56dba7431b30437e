/**
 * The injected metering sequences (see the header of `../instrument.ts`
 * for where they go and why).
 *
 * With the counter cached in a local `$L` (mode `local`, the default):
 *
 * ```wasm
 * ;; function entry (re-entrant, with check)
 * global.get $C  i64.const c  i64.sub  local.tee $L  global.set $C
 * local.get $L  i64.const 0  i64.lt_s
 * if  call $out_of_instructions  global.get $C  local.set $L  end
 * ;; loop header: as above but starting from `local.get $L` instead of `global.get $C`
 * ;; other block starts (no check)
 * local.get $L  i64.const c  i64.sub  local.tee $L  global.set $C
 * ;; after every call, call_indirect and injected helper call
 * global.get $C  local.set $L
 * ```
 *
 * With the plain global (mode `global`, the replica's sequences):
 *
 * ```wasm
 * global.get $C  i64.const c  i64.sub  global.set $C
 * ;; re-entrant points add:
 * global.get $C  i64.const 0  i64.lt_s  if  call $out_of_instructions  end
 * ```
 *
 * Dynamic cost before a bulk operation (both modes; `$L` reloaded after in
 * mode `local`): `[i64.extend_i32_u] call $decr [i32.wrap_i64]`.
 */
import type { ByteWriter } from '../writer.ts';
import type { Layout } from './context.ts';

const GLOBAL_GET = 0x23;
const GLOBAL_SET = 0x24;
const LOCAL_GET = 0x20;
const LOCAL_SET = 0x21;
const LOCAL_TEE = 0x22;
const I64_CONST = 0x42;
const I64_SUB = 0x7d;
const I64_LT_S = 0x53;
const IF = 0x04;
const EMPTY = 0x40;
const CALL = 0x10;
const END = 0x0b;
const I64_EXTEND_I32_U = 0xad;
const I32_WRAP_I64 = 0xa7;

function i64Const(w: ByteWriter, v: number): void {
  w.u8(I64_CONST);
  if (v <= 0x3fffffff) w.s32(v);
  else w.s64(BigInt(v));
}

/**
 * Subtracts a block's static cost; re-entrant points (function entry, loop
 * header) then check the counter and call `out_of_instructions` if negative.
 * @param local the counter local (mode `local`), or -1.
 */
export function emitPoint(
  w: ByteWriter, l: Layout, cost: number, reentrant: boolean, entry: boolean, local: number, store: boolean, cold?: number[],
): void {
  const c = l.counterGlobal;
  if (local < 0) {
    w.u8(GLOBAL_GET).u32(c);
    i64Const(w, cost);
    w.u8(I64_SUB).u8(GLOBAL_SET).u32(c);
    if (!reentrant) return;
    w.u8(GLOBAL_GET).u32(c);
    i64Const(w, 0);
    w.u8(I64_LT_S);
    cold?.push(w.length);
    w.u8(IF).u8(EMPTY).u8(CALL).u32(l.outOfInstructions).u8(END);
    return;
  }
  if (entry) w.u8(GLOBAL_GET).u32(c);
  else w.u8(LOCAL_GET).u32(local);
  i64Const(w, cost);
  if (store) w.u8(I64_SUB).u8(LOCAL_TEE).u32(local).u8(GLOBAL_SET).u32(c);
  else w.u8(I64_SUB).u8(LOCAL_SET).u32(local);
  if (!reentrant) return;
  w.u8(LOCAL_GET).u32(local);
  i64Const(w, 0);
  w.u8(I64_LT_S);
  cold?.push(w.length);
  w.u8(IF).u8(EMPTY);
  if (!store) w.u8(LOCAL_GET).u32(local).u8(GLOBAL_SET).u32(c);
  w.u8(CALL).u32(l.outOfInstructions);
  emitReload(w, l, local);
  w.u8(END);
}

/** Stores the cached counter (mode `local`) where a dropped zero-cost point is followed by an observer. */
export function emitStore(w: ByteWriter, l: Layout, local: number): void {
  if (local >= 0) w.u8(LOCAL_GET).u32(local).u8(GLOBAL_SET).u32(l.counterGlobal);
}

/** Reloads the cached counter after anything that may have changed the global (mode `local` only). */
export function emitReload(w: ByteWriter, l: Layout, local: number): void {
  if (local >= 0) w.u8(GLOBAL_GET).u32(l.counterGlobal).u8(LOCAL_SET).u32(local);
}

/**
 * Charges the size operand on top of the stack (left there unchanged), as
 * the replica does before a bulk memory or table operation.
 * @param size64 whether the operand is an i64.
 */
export function emitDynamic(w: ByteWriter, l: Layout, size64: boolean, local: number): void {
  const decr = l.helper({ kind: 'decr' });
  if (size64) w.u8(CALL).u32(decr);
  else w.u8(I64_EXTEND_I32_U).u8(CALL).u32(decr).u8(I32_WRAP_I64);
  emitReload(w, l, local);
}
