/**
 * The operator tables: for every opcode, its name, the shape of its
 * immediates, the Wasm feature it belongs to and its IC instruction cost.
 *
 * Costs are the replica's `instruction_to_cost` weights (dfinity/ic
 * `rs/embedders/src/wasm_utils/instrumentation.rs`, commit 002d5530). Loads
 * and stores cost 1 in Wasm32 modules and 2 in Wasm64 modules
 * ({@link MEMORY_ACCESS_COST}); every opcode not listed there costs 1.
 *
 * Three tables: single-byte opcodes, the `0xFC` prefix (saturating
 * truncation, bulk memory, table ops) and the `0xFD` prefix (SIMD).
 * Prefixed sub-opcodes are LEB128 u32s.
 */

/** The shape of an operator's immediates. */
export const Imm = {
  none: 0,
  blockType: 1,
  label: 2,
  brTable: 3,
  func: 4,
  callIndirect: 5,
  local: 6,
  global: 7,
  table: 8,
  memarg: 9,
  memory: 10,
  i32: 11,
  i64: 12,
  f32: 13,
  f64: 14,
  selectT: 15,
  heapType: 16,
  tag: 17,
  v128: 18,
  shuffle: 19,
  lane: 20,
  memargLane: 21,
  dataMemory: 22,
  data: 23,
  memoryMemory: 24,
  elemTable: 25,
  elem: 26,
  tableTable: 27,
  tryTable: 28,
  typeIndex: 29,
} as const;
export type Imm = (typeof Imm)[keyof typeof Imm];

/** Wasm proposals an operator belongs to (validation decides which the IC allows). */
export type Feature =
  | 'mvp' | 'sign-extension' | 'saturating-float-to-int' | 'bulk-memory' | 'reference-types'
  | 'simd' | 'relaxed-simd' | 'tail-call' | 'exceptions' | 'threads' | 'gc' | 'function-references';

/** Static description of one operator. */
export interface OpInfo {
  readonly name: string;
  readonly imm: Imm;
  readonly feature: Feature;
  /** IC cost in a Wasm32 module (see {@link costOf} for Wasm64). */
  readonly cost: number;
  /** Loads and stores: access width in bytes; 0 otherwise. */
  readonly accessBytes: number;
  /** Stores (including SIMD stores): true. */
  readonly isStore: boolean;
}

function info(name: string, imm: Imm, feature: Feature, cost: number, accessBytes = 0, isStore = false): OpInfo {
  return Object.freeze({ name, imm, feature, cost, accessBytes, isStore });
}

/** Single-byte opcodes, indexed by byte. */
export const OPS: ReadonlyArray<OpInfo | undefined> = buildMain();
/** `0xFC`-prefixed opcodes, indexed by sub-opcode. */
export const OPS_FC: ReadonlyArray<OpInfo | undefined> = buildFC();
/** `0xFD`-prefixed (SIMD) opcodes, indexed by sub-opcode. */
export const OPS_FD: ReadonlyArray<OpInfo | undefined> = buildFD();

export const PREFIX_FC = 0xfc;
export const PREFIX_FD = 0xfd;
export const PREFIX_FE_THREADS = 0xfe;
export const PREFIX_FB_GC = 0xfb;

/** In Wasm64 modules every load and store costs this instead of 1. */
export const MEMORY_ACCESS_COST = { wasm32: 1, wasm64: 2 } as const;

/** The IC cost of an operator in a module of the given memory width. */
export function costOf(op: OpInfo, wasm64: boolean): number {
  return op.accessBytes > 0 && wasm64 ? MEMORY_ACCESS_COST.wasm64 : op.cost;
}

function buildMain(): Array<OpInfo | undefined> {
  const t: Array<OpInfo | undefined> = new Array(256).fill(undefined);
  const set = (op: number, name: string, imm: Imm, cost: number, feature: Feature = 'mvp') => {
    t[op] = info(name, imm, feature, cost);
  };
  set(0x00, 'unreachable', Imm.none, 1);
  set(0x01, 'nop', Imm.none, 1);
  set(0x02, 'block', Imm.blockType, 0);
  set(0x03, 'loop', Imm.blockType, 0);
  set(0x04, 'if', Imm.blockType, 2);
  set(0x05, 'else', Imm.none, 0);
  set(0x06, 'try', Imm.blockType, 1, 'exceptions');
  set(0x07, 'catch', Imm.tag, 1, 'exceptions');
  set(0x08, 'throw', Imm.tag, 1, 'exceptions');
  set(0x09, 'rethrow', Imm.label, 1, 'exceptions');
  set(0x0a, 'throw_ref', Imm.none, 1, 'exceptions');
  set(0x0b, 'end', Imm.none, 0);
  set(0x0c, 'br', Imm.label, 2);
  set(0x0d, 'br_if', Imm.label, 2);
  set(0x0e, 'br_table', Imm.brTable, 2);
  set(0x0f, 'return', Imm.none, 1);
  set(0x10, 'call', Imm.func, 5);
  set(0x11, 'call_indirect', Imm.callIndirect, 10);
  set(0x12, 'return_call', Imm.func, 3, 'tail-call');
  set(0x13, 'return_call_indirect', Imm.callIndirect, 60, 'tail-call');
  set(0x14, 'call_ref', Imm.typeIndex, 1, 'function-references');
  set(0x15, 'return_call_ref', Imm.typeIndex, 1, 'function-references');
  set(0x18, 'delegate', Imm.label, 1, 'exceptions');
  set(0x19, 'catch_all', Imm.none, 1, 'exceptions');
  set(0x1a, 'drop', Imm.none, 1);
  set(0x1b, 'select', Imm.none, 1);
  set(0x1c, 'select', Imm.selectT, 1, 'reference-types');
  set(0x1f, 'try_table', Imm.tryTable, 1, 'exceptions');
  set(0x20, 'local.get', Imm.local, 1);
  set(0x21, 'local.set', Imm.local, 1);
  set(0x22, 'local.tee', Imm.local, 1);
  set(0x23, 'global.get', Imm.global, 2);
  set(0x24, 'global.set', Imm.global, 2);
  set(0x25, 'table.get', Imm.table, 5, 'reference-types');
  set(0x26, 'table.set', Imm.table, 5, 'reference-types');
  const loads: Array<[string, number]> = [
    ['i32.load', 4], ['i64.load', 8], ['f32.load', 4], ['f64.load', 8],
    ['i32.load8_s', 1], ['i32.load8_u', 1], ['i32.load16_s', 2], ['i32.load16_u', 2],
    ['i64.load8_s', 1], ['i64.load8_u', 1], ['i64.load16_s', 2], ['i64.load16_u', 2],
    ['i64.load32_s', 4], ['i64.load32_u', 4],
  ];
  loads.forEach(([name, bytes], i) => { t[0x28 + i] = info(name, Imm.memarg, 'mvp', 1, bytes, false); });
  const stores: Array<[string, number]> = [
    ['i32.store', 4], ['i64.store', 8], ['f32.store', 4], ['f64.store', 8],
    ['i32.store8', 1], ['i32.store16', 2], ['i64.store8', 1], ['i64.store16', 2], ['i64.store32', 4],
  ];
  stores.forEach(([name, bytes], i) => { t[0x36 + i] = info(name, Imm.memarg, 'mvp', 1, bytes, true); });
  set(0x3f, 'memory.size', Imm.memory, 20);
  set(0x40, 'memory.grow', Imm.memory, 300);
  set(0x41, 'i32.const', Imm.i32, 1);
  set(0x42, 'i64.const', Imm.i64, 1);
  set(0x43, 'f32.const', Imm.f32, 1);
  set(0x44, 'f64.const', Imm.f64, 1);
  // 0x45..0xc4: numeric operators without immediates.
  const numeric: Array<[string, number]> = [
    ['i32.eqz', 1], ['i32.eq', 1], ['i32.ne', 1], ['i32.lt_s', 1], ['i32.lt_u', 1], ['i32.gt_s', 1],
    ['i32.gt_u', 1], ['i32.le_s', 1], ['i32.le_u', 1], ['i32.ge_s', 1], ['i32.ge_u', 1],
    ['i64.eqz', 1], ['i64.eq', 1], ['i64.ne', 1], ['i64.lt_s', 1], ['i64.lt_u', 1], ['i64.gt_s', 1],
    ['i64.gt_u', 1], ['i64.le_s', 1], ['i64.le_u', 1], ['i64.ge_s', 1], ['i64.ge_u', 1],
    ['f32.eq', 3], ['f32.ne', 3], ['f32.lt', 3], ['f32.gt', 3], ['f32.le', 3], ['f32.ge', 3],
    ['f64.eq', 3], ['f64.ne', 3], ['f64.lt', 3], ['f64.gt', 3], ['f64.le', 3], ['f64.ge', 3],
    ['i32.clz', 1], ['i32.ctz', 1], ['i32.popcnt', 1], ['i32.add', 1], ['i32.sub', 1], ['i32.mul', 1],
    ['i32.div_s', 10], ['i32.div_u', 10], ['i32.rem_s', 10], ['i32.rem_u', 10], ['i32.and', 1],
    ['i32.or', 1], ['i32.xor', 1], ['i32.shl', 1], ['i32.shr_s', 1], ['i32.shr_u', 1], ['i32.rotl', 1],
    ['i32.rotr', 1],
    ['i64.clz', 1], ['i64.ctz', 1], ['i64.popcnt', 1], ['i64.add', 1], ['i64.sub', 1], ['i64.mul', 1],
    ['i64.div_s', 10], ['i64.div_u', 10], ['i64.rem_s', 10], ['i64.rem_u', 10], ['i64.and', 1],
    ['i64.or', 1], ['i64.xor', 1], ['i64.shl', 1], ['i64.shr_s', 1], ['i64.shr_u', 1], ['i64.rotl', 1],
    ['i64.rotr', 1],
    ['f32.abs', 1], ['f32.neg', 1], ['f32.ceil', 2], ['f32.floor', 2], ['f32.trunc', 2], ['f32.nearest', 2],
    ['f32.sqrt', 5], ['f32.add', 2], ['f32.sub', 2], ['f32.mul', 2], ['f32.div', 3], ['f32.min', 18],
    ['f32.max', 18], ['f32.copysign', 2],
    ['f64.abs', 1], ['f64.neg', 1], ['f64.ceil', 2], ['f64.floor', 2], ['f64.trunc', 2], ['f64.nearest', 2],
    ['f64.sqrt', 8], ['f64.add', 2], ['f64.sub', 2], ['f64.mul', 2], ['f64.div', 5], ['f64.min', 18],
    ['f64.max', 18], ['f64.copysign', 3],
    ['i32.wrap_i64', 1], ['i32.trunc_f32_s', 20], ['i32.trunc_f32_u', 20], ['i32.trunc_f64_s', 20],
    ['i32.trunc_f64_u', 20], ['i64.extend_i32_s', 1], ['i64.extend_i32_u', 1], ['i64.trunc_f32_s', 20],
    ['i64.trunc_f32_u', 20], ['i64.trunc_f64_s', 20], ['i64.trunc_f64_u', 20],
    ['f32.convert_i32_s', 3], ['f32.convert_i32_u', 16], ['f32.convert_i64_s', 3], ['f32.convert_i64_u', 16],
    ['f32.demote_f64', 1], ['f64.convert_i32_s', 3], ['f64.convert_i32_u', 16], ['f64.convert_i64_s', 3],
    ['f64.convert_i64_u', 16], ['f64.promote_f32', 1],
    ['i32.reinterpret_f32', 1], ['i64.reinterpret_f64', 1], ['f32.reinterpret_i32', 1], ['f64.reinterpret_i64', 1],
  ];
  numeric.forEach(([name, cost], i) => set(0x45 + i, name, Imm.none, cost));
  ['i32.extend8_s', 'i32.extend16_s', 'i64.extend8_s', 'i64.extend16_s', 'i64.extend32_s']
    .forEach((name, i) => set(0xc0 + i, name, Imm.none, 1, 'sign-extension'));
  set(0xd0, 'ref.null', Imm.heapType, 1, 'reference-types');
  set(0xd1, 'ref.is_null', Imm.none, 5, 'reference-types');
  set(0xd2, 'ref.func', Imm.func, 130, 'reference-types');
  set(0xd3, 'ref.eq', Imm.none, 1, 'gc');
  set(0xd4, 'ref.as_non_null', Imm.none, 1, 'function-references');
  set(0xd5, 'br_on_null', Imm.label, 1, 'function-references');
  set(0xd6, 'br_on_non_null', Imm.label, 1, 'function-references');
  return t;
}

function buildFC(): Array<OpInfo | undefined> {
  const t: Array<OpInfo | undefined> = new Array(20).fill(undefined);
  ['i32.trunc_sat_f32_s', 'i32.trunc_sat_f32_u', 'i32.trunc_sat_f64_s', 'i32.trunc_sat_f64_u',
    'i64.trunc_sat_f32_s', 'i64.trunc_sat_f32_u', 'i64.trunc_sat_f64_s', 'i64.trunc_sat_f64_u']
    .forEach((name, i) => { t[i] = info(name, Imm.none, 'saturating-float-to-int', 20); });
  t[8] = info('memory.init', Imm.dataMemory, 'bulk-memory', 100);
  t[9] = info('data.drop', Imm.data, 'bulk-memory', 300);
  t[10] = info('memory.copy', Imm.memoryMemory, 'bulk-memory', 100);
  t[11] = info('memory.fill', Imm.memory, 'bulk-memory', 100);
  t[12] = info('table.init', Imm.elemTable, 'bulk-memory', 100);
  t[13] = info('elem.drop', Imm.elem, 'bulk-memory', 300);
  t[14] = info('table.copy', Imm.tableTable, 'bulk-memory', 100);
  t[15] = info('table.grow', Imm.table, 'reference-types', 300);
  t[16] = info('table.size', Imm.table, 'reference-types', 100);
  t[17] = info('table.fill', Imm.table, 'reference-types', 100);
  return t;
}

function buildFD(): Array<OpInfo | undefined> {
  const t: Array<OpInfo | undefined> = new Array(0x114).fill(undefined);
  const set = (op: number, name: string, cost = 1, imm: Imm = Imm.none, access = 0, isStore = false) => {
    t[op] = info(name, imm, 'simd', cost, access, isStore);
  };
  const memops: Array<[number, string, number, boolean]> = [
    [0x00, 'v128.load', 16, false], [0x01, 'v128.load8x8_s', 8, false], [0x02, 'v128.load8x8_u', 8, false],
    [0x03, 'v128.load16x4_s', 8, false], [0x04, 'v128.load16x4_u', 8, false], [0x05, 'v128.load32x2_s', 8, false],
    [0x06, 'v128.load32x2_u', 8, false], [0x07, 'v128.load8_splat', 1, false], [0x08, 'v128.load16_splat', 2, false],
    [0x09, 'v128.load32_splat', 4, false], [0x0a, 'v128.load64_splat', 8, false], [0x0b, 'v128.store', 16, true],
    [0x5c, 'v128.load32_zero', 4, false], [0x5d, 'v128.load64_zero', 8, false],
  ];
  for (const [op, name, bytes, store] of memops) set(op, name, 1, Imm.memarg, bytes, store);
  const laneops: Array<[number, string, number, boolean]> = [
    [0x54, 'v128.load8_lane', 1, false], [0x55, 'v128.load16_lane', 2, false], [0x56, 'v128.load32_lane', 4, false],
    [0x57, 'v128.load64_lane', 8, false], [0x58, 'v128.store8_lane', 1, true], [0x59, 'v128.store16_lane', 2, true],
    [0x5a, 'v128.store32_lane', 4, true], [0x5b, 'v128.store64_lane', 8, true],
  ];
  for (const [op, name, bytes, store] of laneops) set(op, name, 1, Imm.memargLane, bytes, store);
  set(0x0c, 'v128.const', 1, Imm.v128);
  set(0x0d, 'i8x16.shuffle', 3, Imm.shuffle);
  const plain: Array<[number, string, number]> = [
    [0x0e, 'i8x16.swizzle', 1], [0x0f, 'i8x16.splat', 1], [0x10, 'i16x8.splat', 1], [0x11, 'i32x4.splat', 1],
    [0x12, 'i64x2.splat', 1], [0x13, 'f32x4.splat', 1], [0x14, 'f64x2.splat', 1],
  ];
  const lanes = ['i8x16.extract_lane_s', 'i8x16.extract_lane_u', 'i8x16.replace_lane', 'i16x8.extract_lane_s',
    'i16x8.extract_lane_u', 'i16x8.replace_lane', 'i32x4.extract_lane', 'i32x4.replace_lane', 'i64x2.extract_lane',
    'i64x2.replace_lane', 'f32x4.extract_lane', 'f32x4.replace_lane', 'f64x2.extract_lane', 'f64x2.replace_lane'];
  lanes.forEach((name, i) => set(0x15 + i, name, 1, Imm.lane));
  const cmpInt = ['eq', 'ne', 'lt_s', 'lt_u', 'gt_s', 'gt_u', 'le_s', 'le_u', 'ge_s', 'ge_u'];
  const cmpIntCost = [1, 1, 1, 2, 1, 2, 1, 1, 1, 1];
  ['i8x16', 'i16x8', 'i32x4'].forEach((shape, s) =>
    cmpInt.forEach((c, i) => plain.push([0x23 + s * 10 + i, `${shape}.${c}`, cmpIntCost[i]])));
  ['eq', 'ne', 'lt', 'gt', 'le', 'ge'].forEach((c, i) => {
    plain.push([0x41 + i, `f32x4.${c}`, 1]);
    plain.push([0x47 + i, `f64x2.${c}`, 1]);
  });
  plain.push(
    [0x4d, 'v128.not', 1], [0x4e, 'v128.and', 1], [0x4f, 'v128.andnot', 1], [0x50, 'v128.or', 1],
    [0x51, 'v128.xor', 1], [0x52, 'v128.bitselect', 1], [0x53, 'v128.any_true', 1],
    [0x5e, 'f32x4.demote_f64x2_zero', 1], [0x5f, 'f64x2.promote_low_f32x4', 1],
    [0x60, 'i8x16.abs', 1], [0x61, 'i8x16.neg', 1], [0x62, 'i8x16.popcnt', 3], [0x63, 'i8x16.all_true', 1],
    [0x64, 'i8x16.bitmask', 1], [0x65, 'i8x16.narrow_i16x8_s', 1], [0x66, 'i8x16.narrow_i16x8_u', 1],
    [0x67, 'f32x4.ceil', 2], [0x68, 'f32x4.floor', 2], [0x69, 'f32x4.trunc', 2], [0x6a, 'f32x4.nearest', 2],
    [0x6b, 'i8x16.shl', 3], [0x6c, 'i8x16.shr_s', 3], [0x6d, 'i8x16.shr_u', 2], [0x6e, 'i8x16.add', 1],
    [0x6f, 'i8x16.add_sat_s', 1], [0x70, 'i8x16.add_sat_u', 1], [0x71, 'i8x16.sub', 1],
    [0x72, 'i8x16.sub_sat_s', 1], [0x73, 'i8x16.sub_sat_u', 1], [0x74, 'f64x2.ceil', 2], [0x75, 'f64x2.floor', 2],
    [0x76, 'i8x16.min_s', 1], [0x77, 'i8x16.min_u', 1], [0x78, 'i8x16.max_s', 1], [0x79, 'i8x16.max_u', 1],
    [0x7a, 'f64x2.trunc', 2], [0x7b, 'i8x16.avgr_u', 1],
    [0x7c, 'i16x8.extadd_pairwise_i8x16_s', 1], [0x7d, 'i16x8.extadd_pairwise_i8x16_u', 2],
    [0x7e, 'i32x4.extadd_pairwise_i16x8_s', 1], [0x7f, 'i32x4.extadd_pairwise_i16x8_u', 3],
    [0x80, 'i16x8.abs', 1], [0x81, 'i16x8.neg', 1], [0x82, 'i16x8.q15mulr_sat_s', 1], [0x83, 'i16x8.all_true', 1],
    [0x84, 'i16x8.bitmask', 1], [0x85, 'i16x8.narrow_i32x4_s', 1], [0x86, 'i16x8.narrow_i32x4_u', 1],
    [0x87, 'i16x8.extend_low_i8x16_s', 1], [0x88, 'i16x8.extend_high_i8x16_s', 1],
    [0x89, 'i16x8.extend_low_i8x16_u', 1], [0x8a, 'i16x8.extend_high_i8x16_u', 1],
    [0x8b, 'i16x8.shl', 2], [0x8c, 'i16x8.shr_s', 2], [0x8d, 'i16x8.shr_u', 2], [0x8e, 'i16x8.add', 1],
    [0x8f, 'i16x8.add_sat_s', 1], [0x90, 'i16x8.add_sat_u', 1], [0x91, 'i16x8.sub', 1],
    [0x92, 'i16x8.sub_sat_s', 1], [0x93, 'i16x8.sub_sat_u', 1], [0x94, 'f64x2.nearest', 2],
    [0x95, 'i16x8.mul', 1], [0x96, 'i16x8.min_s', 1], [0x97, 'i16x8.min_u', 1], [0x98, 'i16x8.max_s', 1],
    [0x99, 'i16x8.max_u', 1], [0x9b, 'i16x8.avgr_u', 1],
    [0x9c, 'i16x8.extmul_low_i8x16_s', 1], [0x9d, 'i16x8.extmul_high_i8x16_s', 2],
    [0x9e, 'i16x8.extmul_low_i8x16_u', 1], [0x9f, 'i16x8.extmul_high_i8x16_u', 2],
    [0xa0, 'i32x4.abs', 1], [0xa1, 'i32x4.neg', 1], [0xa3, 'i32x4.all_true', 1], [0xa4, 'i32x4.bitmask', 1],
    [0xa7, 'i32x4.extend_low_i16x8_s', 1], [0xa8, 'i32x4.extend_high_i16x8_s', 1],
    [0xa9, 'i32x4.extend_low_i16x8_u', 1], [0xaa, 'i32x4.extend_high_i16x8_u', 1],
    [0xab, 'i32x4.shl', 2], [0xac, 'i32x4.shr_s', 2], [0xad, 'i32x4.shr_u', 2], [0xae, 'i32x4.add', 1],
    [0xb1, 'i32x4.sub', 1], [0xb5, 'i32x4.mul', 2], [0xb6, 'i32x4.min_s', 1], [0xb7, 'i32x4.min_u', 1],
    [0xb8, 'i32x4.max_s', 1], [0xb9, 'i32x4.max_u', 1], [0xba, 'i32x4.dot_i16x8_s', 1],
    [0xbc, 'i32x4.extmul_low_i16x8_s', 2], [0xbd, 'i32x4.extmul_high_i16x8_s', 2],
    [0xbe, 'i32x4.extmul_low_i16x8_u', 2], [0xbf, 'i32x4.extmul_high_i16x8_u', 2],
    [0xc0, 'i64x2.abs', 1], [0xc1, 'i64x2.neg', 1], [0xc3, 'i64x2.all_true', 1], [0xc4, 'i64x2.bitmask', 1],
    [0xc7, 'i64x2.extend_low_i32x4_s', 1], [0xc8, 'i64x2.extend_high_i32x4_s', 1],
    [0xc9, 'i64x2.extend_low_i32x4_u', 1], [0xca, 'i64x2.extend_high_i32x4_u', 1],
    [0xcb, 'i64x2.shl', 2], [0xcc, 'i64x2.shr_s', 3], [0xcd, 'i64x2.shr_u', 2], [0xce, 'i64x2.add', 1],
    [0xd1, 'i64x2.sub', 1], [0xd5, 'i64x2.mul', 4], [0xd6, 'i64x2.eq', 1], [0xd7, 'i64x2.ne', 1],
    [0xd8, 'i64x2.lt_s', 1], [0xd9, 'i64x2.gt_s', 1], [0xda, 'i64x2.le_s', 1], [0xdb, 'i64x2.ge_s', 1],
    [0xdc, 'i64x2.extmul_low_i32x4_s', 1], [0xdd, 'i64x2.extmul_high_i32x4_s', 1],
    [0xde, 'i64x2.extmul_low_i32x4_u', 1], [0xdf, 'i64x2.extmul_high_i32x4_u', 1],
    [0xe0, 'f32x4.abs', 2], [0xe1, 'f32x4.neg', 2], [0xe3, 'f32x4.sqrt', 5], [0xe4, 'f32x4.add', 2],
    [0xe5, 'f32x4.sub', 2], [0xe6, 'f32x4.mul', 2], [0xe7, 'f32x4.div', 10], [0xe8, 'f32x4.min', 4],
    [0xe9, 'f32x4.max', 4], [0xea, 'f32x4.pmin', 1], [0xeb, 'f32x4.pmax', 1],
    [0xec, 'f64x2.abs', 2], [0xed, 'f64x2.neg', 2], [0xef, 'f64x2.sqrt', 14], [0xf0, 'f64x2.add', 2],
    [0xf1, 'f64x2.sub', 2], [0xf2, 'f64x2.mul', 2], [0xf3, 'f64x2.div', 12], [0xf4, 'f64x2.min', 4],
    [0xf5, 'f64x2.max', 5], [0xf6, 'f64x2.pmin', 1], [0xf7, 'f64x2.pmax', 1],
    [0xf8, 'i32x4.trunc_sat_f32x4_s', 2], [0xf9, 'i32x4.trunc_sat_f32x4_u', 4],
    [0xfa, 'f32x4.convert_i32x4_s', 1], [0xfb, 'f32x4.convert_i32x4_u', 4],
    [0xfc, 'i32x4.trunc_sat_f64x2_s_zero', 2], [0xfd, 'i32x4.trunc_sat_f64x2_u_zero', 3],
    [0xfe, 'f64x2.convert_low_i32x4_s', 1], [0xff, 'f64x2.convert_low_i32x4_u', 1],
  );
  for (const [op, name, cost] of plain) set(op, name, cost);
  const relaxed = ['i8x16.relaxed_swizzle', 'i32x4.relaxed_trunc_f32x4_s', 'i32x4.relaxed_trunc_f32x4_u',
    'i32x4.relaxed_trunc_f64x2_s_zero', 'i32x4.relaxed_trunc_f64x2_u_zero', 'f32x4.relaxed_madd',
    'f32x4.relaxed_nmadd', 'f64x2.relaxed_madd', 'f64x2.relaxed_nmadd', 'i8x16.relaxed_laneselect',
    'i16x8.relaxed_laneselect', 'i32x4.relaxed_laneselect', 'i64x2.relaxed_laneselect', 'f32x4.relaxed_min',
    'f32x4.relaxed_max', 'f64x2.relaxed_min', 'f64x2.relaxed_max', 'i16x8.relaxed_q15mulr_s',
    'i16x8.relaxed_dot_i8x16_i7x16_s', 'i32x4.relaxed_dot_i8x16_i7x16_add_s'];
  relaxed.forEach((name, i) => { t[0x100 + i] = info(name, Imm.none, 'relaxed-simd', 1); });
  return t;
}
