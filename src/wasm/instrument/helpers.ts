/**
 * The functions the instrumentation appends after the module's own (`T` is
 * the address type, i32 or i64). None of them is metered.
 *
 * ```wasm
 * (func $decr (param $n i64) (result i64) (local $new i64)   ;; the replica's decr_instruction_counter
 *   global.get $C  local.get $n  i64.sub  local.tee $new
 *   global.get $C  i64.gt_s                                   ;; wrapped around: saturate
 *   if (result i64)  i64.const -2^63  else  local.get $new  end
 *   global.set $C
 *   global.get $C  i64.const 0  i64.lt_s  if  call $out_of_instructions  end
 *   local.get $n)
 * (func $grow (param $d T) (result T)                         ;; replaces memory.grow
 *   local.get $d  call $try_grow_wasm_memory
 *   if (result T)  T.const -1  else  local.get $d  memory.grow  end)
 * (func $fill (param $d T) (param $v i32) (param $n T)        ;; replaces memory.fill (copy, init: alike)
 *   local.get $d  local.get $v  local.get $n  memory.fill
 *   local.get $d  local.get $n  call $mark)
 * (func $mark (param $d T) (param $n T) (local $p i32) (local $last i32)  ;; marks the pages of [d, d + n)
 *   local.get $n  T.eqz  br_if 0
 *   local.get $d  T.const 12  T.shr_u  [i32.wrap_i64]  local.set $p
 *   local.get $d  local.get $n  T.add  T.const 1  T.sub  T.const 12  T.shr_u  [i32.wrap_i64]  local.set $last
 *   local.get $last  local.get $p  i32.sub  i32.const 8  i32.ge_u
 *   if  local.get $p  i32.const 1  local.get $last  local.get $p  i32.sub  i32.const 1  i32.add
 *       memory.fill $D  return  end                         ;; many pages: one engine call
 *   loop  local.get $p  i32.const 1  i32.store8 $D           ;; a few pages: a store each
 *     local.get $p  i32.const 1  i32.add  local.tee $p  local.get $last  i32.le_u  br_if 0  end)
 * (func $__v128_globals_save)      ;; exported: i32.const o  global.get $g  v128.store $D, per v128 global
 * (func $__v128_globals_restore)   ;; exported: i32.const o  v128.load $D  global.set $g
 * ```
 *
 * `$mark` runs after the operation succeeded, so `d + n ≤ heap size` and the
 * arithmetic does not overflow (for a 4 GiB wasm32 heap `d + n` may wrap to
 * 0, and `d + n − 1` is still right).
 */
import { ByteWriter } from '../writer.ts';
import type { FuncType, FunctionBody, ValType } from '../types.ts';
import type { HelperKind, Layout } from './context.ts';

/** A generated helper: its type and body. */
export interface HelperFunction {
  type: FuncType;
  body: FunctionBody;
}

const I32 = 0x7f as ValType;
/** `$mark` stores page by page below this many pages, and calls `memory.fill` (a call into the engine) from there on. */
const MARK_LOOP_PAGES = 8;
const I64 = 0x7e as ValType;

/** Builds a helper's type and body. `tryGrow` is the injected import's index. */
export function buildHelper(l: Layout, h: HelperKind, tryGrow: number): HelperFunction {
  const T = l.addrType;
  const w = new ByteWriter(64);
  const is64 = l.wasm64;
  const tConst = (v: number) => (is64 ? w.u8(0x42).s32(v) : w.u8(0x41).s32(v));
  const get = (i: number) => w.u8(0x20).u32(i);
  let type: FuncType;
  const locals: FunctionBody['locals'] = [];
  switch (h.kind) {
    case 'decr': {
      const c = l.counterGlobal;
      type = { params: [I64], results: [I64] };
      locals.push({ count: 1, type: I64 });
      w.u8(0x23).u32(c);
      get(0).u8(0x7d).u8(0x22).u32(1).u8(0x23).u32(c).u8(0x55); // i64.sub, local.tee, global.get, i64.gt_s
      w.u8(0x04).u8(I64).u8(0x42).s64(-(1n << 63n)).u8(0x05);
      get(1).u8(0x0b).u8(0x24).u32(c);
      w.u8(0x23).u32(c).u8(0x42).s32(0).u8(0x53).u8(0x04).u8(0x40).u8(0x10).u32(l.outOfInstructions).u8(0x0b);
      get(0);
      break;
    }
    case 'grow':
      type = { params: [T], results: [T] };
      get(0).u8(0x10).u32(tryGrow).u8(0x04).u8(T);
      tConst(-1);
      w.u8(0x05);
      get(0).u8(0x40).u8(0x00).u8(0x0b);
      break;
    case 'fill': case 'copy': case 'init': {
      const mid = h.kind === 'fill' || h.kind === 'init' ? I32 : T;
      const size = h.kind === 'init' ? I32 : T;
      type = { params: [T, mid, size], results: [] };
      get(0); get(1); get(2);
      if (h.kind === 'fill') w.u8(0xfc).u32(11).u8(0);
      else if (h.kind === 'copy') w.u8(0xfc).u32(10).u8(0).u8(0);
      else w.u8(0xfc).u32(8).u32(h.segment).u8(0);
      get(0); get(2);
      if (h.kind === 'init' && is64) w.u8(0xad); // i64.extend_i32_u
      w.u8(0x10).u32(l.helper({ kind: 'mark' }));
      break;
    }
    case 'v128save': case 'v128restore':
      type = { params: [], results: [] };
      for (const [g, offset] of l.v128Globals) {
        w.u8(0x41).s32(offset);
        if (h.kind === 'v128save') w.u8(0x23).u32(g).u8(0xfd).u32(0x0b).u32(0x40).u32(l.dirtyMemory).u32(0); // v128.store
        else w.u8(0xfd).u32(0x00).u32(0x40).u32(l.dirtyMemory).u32(0).u8(0x24).u32(g); // v128.load, global.set
      }
      break;
    case 'mark': {
      type = { params: [T, T], results: [] };
      locals.push({ count: 2, type: I32 });
      const [eqz, add, sub, shr] = is64 ? [0x50, 0x7c, 0x7d, 0x88] : [0x45, 0x6a, 0x6b, 0x76];
      const page = () => { tConst(12); w.u8(shr); if (is64) w.u8(0xa7); };
      const first = 2;
      const last = 3;
      get(1).u8(eqz).u8(0x0d).u32(0); // br_if 0
      get(0); page(); w.u8(0x21).u32(first);
      get(0); get(1).u8(add); tConst(1); w.u8(sub); page(); w.u8(0x21).u32(last);
      get(last); get(first).u8(0x6b).u8(0x41).s32(MARK_LOOP_PAGES).u8(0x4f); // i32.sub, i32.ge_u
      w.u8(0x04).u8(0x40);
      get(first).u8(0x41).s32(1);
      get(last); get(first).u8(0x6b).u8(0x41).s32(1).u8(0x6a); // last - first + 1
      w.u8(0xfc).u32(11).u32(l.dirtyMemory).u8(0x0f).u8(0x0b); // memory.fill $D, return, end
      w.u8(0x03).u8(0x40);
      get(first).u8(0x41).s32(1).u8(0x3a).u32(0x40).u32(l.dirtyMemory).u32(0); // i32.store8 $D
      get(first).u8(0x41).s32(1).u8(0x6a).u8(0x22).u32(first); // i32.add, local.tee
      get(last).u8(0x4d).u8(0x0d).u32(0).u8(0x0b); // i32.le_u, br_if 0, end
      break;
    }
  }
  w.u8(0x0b);
  const code = w.finish().slice();
  const localCount = locals.reduce((n, r) => n + r.count, 0);
  return { type, body: { locals, localCount, code, offset: 0 } };
}
