/**
 * The decoded form of a Wasm module.
 *
 * Every section keeps its original bytes (`Section.bytes`, id and size
 * included), so a module whose sections are untouched re-encodes
 * byte-identically. Function bodies are kept as byte ranges and walked with
 * the operator reader on demand; nothing is expanded into an instruction
 * list unless a transform needs it.
 */

/** Value types of the core spec (plus `v128`). */
export const ValType = {
  i32: 0x7f,
  i64: 0x7e,
  f32: 0x7d,
  f64: 0x7c,
  v128: 0x7b,
  funcref: 0x70,
  externref: 0x6f,
} as const;
export type ValType = (typeof ValType)[keyof typeof ValType];

/** Section ids in binary order. */
export const SectionId = {
  custom: 0,
  type: 1,
  import: 2,
  function: 3,
  table: 4,
  memory: 5,
  global: 6,
  export: 7,
  start: 8,
  element: 9,
  code: 10,
  data: 11,
  dataCount: 12,
  tag: 13,
} as const;
export type SectionId = (typeof SectionId)[keyof typeof SectionId];

export const ExternalKind = { func: 0, table: 1, memory: 2, global: 3, tag: 4 } as const;
export type ExternalKind = (typeof ExternalKind)[keyof typeof ExternalKind];

export interface FuncType {
  params: ValType[];
  results: ValType[];
}

export interface Limits {
  min: bigint;
  max?: bigint;
  /** memory64 / table64: the index type is i64. */
  is64: boolean;
  shared: boolean;
}

export interface TableType {
  elemType: ValType;
  limits: Limits;
}

export interface GlobalType {
  valType: ValType;
  mutable: boolean;
}

/** A constant expression, kept as bytes (without the final `end`) and its decoded ops. */
export interface ConstExpr {
  ops: ConstOp[];
}

export type ConstOp =
  | { op: 'i32.const'; value: number }
  | { op: 'i64.const'; value: bigint }
  | { op: 'f32.const'; bytes: Uint8Array }
  | { op: 'f64.const'; bytes: Uint8Array }
  | { op: 'v128.const'; bytes: Uint8Array }
  | { op: 'ref.null'; type: ValType }
  | { op: 'ref.func'; func: number }
  | { op: 'global.get'; global: number }
  | { op: 'i32.add' | 'i32.sub' | 'i32.mul' | 'i64.add' | 'i64.sub' | 'i64.mul' };

export type ImportDesc =
  | { kind: 'func'; typeIndex: number }
  | { kind: 'table'; type: TableType }
  | { kind: 'memory'; limits: Limits }
  | { kind: 'global'; type: GlobalType }
  | { kind: 'tag'; typeIndex: number };

export interface Import {
  module: string;
  name: string;
  desc: ImportDesc;
}

export interface Global {
  type: GlobalType;
  init: ConstExpr;
}

export interface Export {
  name: string;
  kind: ExternalKind;
  index: number;
}

export type ElementMode =
  | { kind: 'active'; table: number; offset: ConstExpr }
  | { kind: 'passive' }
  | { kind: 'declarative' };

export interface Element {
  mode: ElementMode;
  type: ValType;
  /** Either function indices (the compact encoding) or constant expressions. */
  items: { kind: 'functions'; funcs: number[] } | { kind: 'exprs'; exprs: ConstExpr[] };
  /** The segment's flags byte (0–7) as read, so it re-encodes the same way. */
  flags: number;
}

export interface DataSegment {
  mode: { kind: 'active'; memory: number; offset: ConstExpr } | { kind: 'passive' };
  bytes: Uint8Array;
  /** 0, 1 or 2, as read. */
  flags: number;
}

/** One function body: locals and code as slices of the module bytes. */
export interface FunctionBody {
  /** Locals as (count, type) runs, as declared. */
  locals: Array<{ count: number; type: ValType }>;
  /** Total number of declared locals (excluding parameters). */
  localCount: number;
  /** The instruction bytes, from the first instruction through the final `end`. */
  code: Uint8Array;
  /** Offset of `code` in the module binary (for error messages). */
  offset: number;
}

export interface CustomSection {
  name: string;
  data: Uint8Array;
}

/** A section as found in the binary. */
export interface Section {
  id: SectionId;
  /**
   * The whole section (id byte, size LEB, payload) exactly as read. A
   * transform that changes a custom section's contents clears it; standard
   * sections are re-encoded when named in `encodeModule`'s dirty set.
   */
  bytes?: Uint8Array;
  /** Offset of the section's id byte in the original binary. */
  offset: number;
  /** Custom sections only. */
  custom?: CustomSection;
}

/** A decoded module. */
export interface WasmModule {
  /** The sections in binary order (custom sections included). */
  sections: Section[];
  types: FuncType[];
  imports: Import[];
  /** Type index of each defined function. */
  functions: number[];
  tables: TableType[];
  memories: Limits[];
  globals: Global[];
  exports: Export[];
  start?: number;
  elements: Element[];
  dataCount?: number;
  code: FunctionBody[];
  data: DataSegment[];
  customs: CustomSection[];
  /** Counts of imported items by kind (the first indices of each index space). */
  importedFuncs: number;
  importedTables: number;
  importedMemories: number;
  importedGlobals: number;
}
