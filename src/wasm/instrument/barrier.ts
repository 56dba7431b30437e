/**
 * The write barrier around a store (see the header of `../instrument.ts`).
 *
 * A store `[addr, value] → T.storeN offset=o` becomes, with `r = o mod 4096`,
 * `k = ⌊o / 4096⌋` and `$D` the bytemap memory:
 *
 * ```wasm
 * local.set $v  local.tee $a  local.get $v  T.storeN offset=o     ;; the original store
 * local.get $a  [T.const r  T.add]  T.const 12  T.shr_u  [i32.wrap_i64]
 * i32.const 1  i32.store8 $D offset=k                            ;; page of the first byte
 * ;; when N > 1, the same again for the last byte (r' = (o + N − 1) mod 4096, k' = ⌊(o + N − 1) / 4096⌋)
 * ```
 *
 * The marks come after the store: a store that traps marks nothing, and one
 * that succeeds has `addr + o + N ≤ heap size`, so the page arithmetic cannot
 * overflow and the bytemap index is in range. A store whose static offset
 * alone reaches past the largest heap always traps and is left alone.
 * Mode `pair` marks the first page and the next one with one
 * `i32.const 0x0101  i32.store16` instead of a second mark (over-marking the
 * next page when the store does not straddle it).
 */
import type { ByteWriter } from '../writer.ts';
import type { Layout } from './context.ts';

const PAGE_SHIFT = 12;
const PAGE = 4096;

/** Value type of the value a store consumes, by opcode (prefix 0 or 0xFD). */
export function storeValueType(prefix: number, code: number): number {
  if (prefix !== 0) return 0x7b; // v128.store, v128.storeN_lane
  switch (code) {
    case 0x36: case 0x3a: case 0x3b: return 0x7f; // i32.store, store8, store16
    case 0x38: return 0x7d; // f32.store
    case 0x39: return 0x7c; // f64.store
    default: return 0x7e; // i64.store*
  }
}

/** Whether a store with this static offset and width can succeed at all. */
export function storeCanSucceed(l: Layout, offset: number, width: number): boolean {
  return offset + width <= l.maxHeapBytes;
}

/** Marks the page of `addr + r` plus 4096·k: one byte, or with `pair` that page and the next. */
function markPage(w: ByteWriter, l: Layout, addrLocal: number, r: number, k: number, pair: boolean): void {
  w.u8(0x20).u32(addrLocal);
  if (l.wasm64) {
    if (r !== 0) w.u8(0x42).s32(r).u8(0x7c);
    w.u8(0x42).s32(PAGE_SHIFT).u8(0x88).u8(0xa7); // i64.shr_u, i32.wrap_i64
  } else {
    if (r !== 0) w.u8(0x41).s32(r).u8(0x6a);
    w.u8(0x41).s32(PAGE_SHIFT).u8(0x76); // i32.shr_u
  }
  if (pair) w.u8(0x41).s32(0x0101).u8(0x3b); // i32.store16
  else w.u8(0x41).s32(1).u8(0x3a); // i32.store8
  w.u32(0x40).u32(l.dirtyMemory).u32(k); // align 0 with a memory index, offset k
}

/**
 * Writes a store with its barrier.
 * @param store the original store's bytes (opcode and immediates).
 */
export function emitBarrieredStore(
  w: ByteWriter, l: Layout, store: Uint8Array, offset: number, width: number, addrLocal: number, valueLocal: number,
): void {
  w.u8(0x21).u32(valueLocal).u8(0x22).u32(addrLocal).u8(0x20).u32(valueLocal);
  w.bytes(store);
  const r = offset % PAGE;
  const k = (offset - r) / PAGE;
  if (l.barrier === 'pair') {
    // The bytes written are [addr + 4096k + r, addr + 4096k + r + width): when r + width ≤ 4096
    // they lie in the page of addr + 4096k or the next one, so the low part r needs no addition.
    if (r + width <= PAGE) markPage(w, l, addrLocal, 0, k, width > 1 || r > 0);
    else markPage(w, l, addrLocal, r, k, true);
    return;
  }
  markPage(w, l, addrLocal, r, k, false);
  if (width > 1) {
    const last = offset + width - 1;
    const r2 = last % PAGE;
    markPage(w, l, addrLocal, r2, (last - r2) / PAGE, false);
  }
}
