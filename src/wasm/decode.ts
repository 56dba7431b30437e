/**
 * Decodes a Wasm binary into a {@link WasmModule}.
 *
 * Sections are parsed fully (every index space, element and data segment,
 * constant expression and function-body header); function code is checked
 * for structure by walking its operators once. Each section keeps its
 * original bytes, so an unchanged module re-encodes byte-identically.
 *
 * Throws {@link DecodeError} on malformed input; {@link parseWasm} in
 * `index.ts` turns that into the IC's IC0505 `UserError`.
 */
import { ByteReader, DecodeError } from './reader.ts';
import { OperatorReader, readValTypeCode } from './operators.ts';
import { SectionId } from './types.ts';
import type {
  ConstExpr, ConstOp, CustomSection, DataSegment, Element, Export, ExternalKind, FuncType, FunctionBody,
  Global, GlobalType, Import, Limits, Section, TableType, ValType, WasmModule,
} from './types.ts';

const MAGIC = [0x00, 0x61, 0x73, 0x6d];
const VERSION = [0x01, 0x00, 0x00, 0x00];

/** Order of non-custom sections in a binary (the data-count and tag sections sit out of id order). */
const SECTION_RANK: Record<number, number> = {
  1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 13: 6, 6: 7, 7: 8, 8: 9, 9: 10, 12: 11, 10: 12, 11: 13,
};
const SECTION_NAMES: Record<number, string> = {
  0: 'custom', 1: 'type', 2: 'import', 3: 'function', 4: 'table', 5: 'memory', 6: 'global', 7: 'export',
  8: 'start', 9: 'element', 10: 'code', 11: 'data', 12: 'data count', 13: 'tag',
};

/** The most locals a function may declare (the engines' limit). */
export const MAX_FUNCTION_LOCALS = 50_000;

/** Options for {@link decodeModule}. */
export interface DecodeOptions {
  /** Walk every function body's operators (default true). */
  checkCode?: boolean;
}

/** Decodes `bytes`. Throws {@link DecodeError} if the binary is malformed. */
export function decodeModule(bytes: Uint8Array, options: DecodeOptions = {}): WasmModule {
  const r = new ByteReader(bytes);
  if (bytes.length < 8) r.fail('unexpected end of module: a module starts with 8 header bytes', 0);
  for (let i = 0; i < 4; i++) if (bytes[i] !== MAGIC[i]) r.fail('magic header not detected: the module does not start with \\0asm', 0);
  for (let i = 0; i < 4; i++) if (bytes[4 + i] !== VERSION[i]) r.fail('unknown binary version (expected 1)', 4);
  r.pos = 8;

  const m: WasmModule = {
    sections: [], types: [], imports: [], functions: [], tables: [], memories: [], globals: [], exports: [],
    elements: [], code: [], data: [], customs: [],
    importedFuncs: 0, importedTables: 0, importedMemories: 0, importedGlobals: 0,
  };
  let lastRank = 0;
  while (!r.eof) {
    const offset = r.pos;
    const id = r.u8();
    const size = r.u32();
    const payloadStart = r.pos;
    if (size > bytes.length - payloadStart) r.fail(`section size ${size} exceeds the remaining ${bytes.length - payloadStart} bytes`, offset);
    const end = payloadStart + size;
    const section: Section = { id: id as SectionId, bytes: bytes.subarray(offset, end), offset };
    if (id !== SectionId.custom) {
      const rank = SECTION_RANK[id];
      if (rank === undefined) r.fail(`unknown section id ${id}`, offset);
      if (rank <= lastRank) r.fail(`unexpected ${SECTION_NAMES[id]} section: sections out of order or duplicated`, offset);
      lastRank = rank;
    }
    const s = new ByteReader(bytes, payloadStart, end);
    switch (id) {
      case SectionId.custom: {
        const name = s.name();
        const custom: CustomSection = { name, data: bytes.subarray(s.pos, end) };
        section.custom = custom;
        m.customs.push(custom);
        s.pos = end;
        break;
      }
      case SectionId.type: readVec(s, 3, () => m.types.push(readFuncType(s))); break;
      case SectionId.import: readVec(s, 4, () => m.imports.push(readImport(s, m))); break;
      case SectionId.function: readVec(s, 1, () => m.functions.push(s.u32())); break;
      case SectionId.table: readVec(s, 3, () => m.tables.push(readTableType(s))); break;
      case SectionId.memory: readVec(s, 2, () => m.memories.push(readLimits(s, 'memory'))); break;
      case SectionId.tag: readVec(s, 2, () => { s.u8(); s.u32(); }); break;
      case SectionId.global: readVec(s, 3, () => m.globals.push({ type: readGlobalType(s), init: readConstExpr(s) } satisfies Global)); break;
      case SectionId.export: readVec(s, 3, () => m.exports.push(readExport(s))); break;
      case SectionId.start: m.start = s.u32(); break;
      case SectionId.element: readVec(s, 2, () => m.elements.push(readElement(s))); break;
      case SectionId.dataCount: m.dataCount = s.u32(); break;
      case SectionId.code: {
        const n = s.count(2);
        if (n !== m.functions.length) s.fail(`function and code section have inconsistent lengths (${m.functions.length} functions, ${n} bodies)`, payloadStart);
        for (let i = 0; i < n; i++) m.code.push(readBody(s, options.checkCode !== false));
        break;
      }
      case SectionId.data: {
        const n = s.count(1);
        if (m.dataCount !== undefined && n !== m.dataCount) s.fail(`data count (${m.dataCount}) and data section have inconsistent lengths (${n})`, payloadStart);
        for (let i = 0; i < n; i++) m.data.push(readData(s));
        break;
      }
    }
    if (s.pos !== end) s.fail(`section size mismatch: ${SECTION_NAMES[id]} section declares ${size} bytes but its contents end at ${s.pos - payloadStart}`, s.pos);
    m.sections.push(section);
    r.pos = end;
  }
  if (m.functions.length > 0 && m.code.length === 0) {
    r.fail(`function and code section have inconsistent lengths (${m.functions.length} functions, 0 bodies)`, bytes.length);
  }
  if (m.dataCount !== undefined && m.data.length !== m.dataCount) {
    r.fail(`data count (${m.dataCount}) and data section have inconsistent lengths (${m.data.length})`, bytes.length);
  }
  return m;
}

function readVec(s: ByteReader, minItemBytes: number, item: () => void): void {
  const n = s.count(minItemBytes);
  for (let i = 0; i < n; i++) item();
}

function readValType(s: ByteReader): ValType {
  return readValTypeCode(s) as ValType;
}

function readFuncType(s: ByteReader): FuncType {
  const at = s.pos;
  const form = s.u8();
  if (form !== 0x60) s.fail(form === 0x4e || form === 0x50 || form === 0x4f || form === 0x5f || form === 0x5e
    ? 'garbage collection types are not supported' : `invalid function type form 0x${form.toString(16)}`, at);
  const params: ValType[] = [];
  readVec(s, 1, () => params.push(readValType(s)));
  const results: ValType[] = [];
  readVec(s, 1, () => results.push(readValType(s)));
  return { params, results };
}

function readLimits(s: ByteReader, what: 'memory' | 'table'): Limits {
  const at = s.pos;
  const flags = s.u8();
  if (flags > 7 || (what === 'table' && (flags & 0x02) !== 0)) s.fail(`invalid ${what} limits flags 0x${flags.toString(16)}`, at);
  const is64 = (flags & 0x04) !== 0;
  const shared = (flags & 0x02) !== 0;
  const hasMax = (flags & 0x01) !== 0;
  const min = is64 ? s.u64() : BigInt(s.u32());
  const max = hasMax ? (is64 ? s.u64() : BigInt(s.u32())) : undefined;
  return { min, max, is64, shared };
}

function readTableType(s: ByteReader): TableType {
  const at = s.pos;
  if (s.bytes[s.pos] === 0x40) s.fail('tables with initializer expressions are not supported', at);
  const elemType = readValType(s);
  if (elemType !== 0x70 && elemType !== 0x6f) s.fail('table element type must be a reference type', at);
  return { elemType, limits: readLimits(s, 'table') };
}

function readGlobalType(s: ByteReader): GlobalType {
  const valType = readValType(s);
  const at = s.pos;
  const m = s.u8();
  if (m > 1) s.fail('malformed mutability', at);
  return { valType, mutable: m === 1 };
}

function readImport(s: ByteReader, m: WasmModule): Import {
  const module = s.name();
  const name = s.name();
  const at = s.pos;
  const kind = s.u8();
  switch (kind) {
    case 0: m.importedFuncs++; return { module, name, desc: { kind: 'func', typeIndex: s.u32() } };
    case 1: m.importedTables++; return { module, name, desc: { kind: 'table', type: readTableType(s) } };
    case 2: m.importedMemories++; return { module, name, desc: { kind: 'memory', limits: readLimits(s, 'memory') } };
    case 3: m.importedGlobals++; return { module, name, desc: { kind: 'global', type: readGlobalType(s) } };
    case 4: {
      if (s.u8() !== 0) s.fail('invalid tag attribute', at + 1);
      return { module, name, desc: { kind: 'tag', typeIndex: s.u32() } };
    }
    default: return s.fail(`malformed import kind ${kind}`, at);
  }
}

function readExport(s: ByteReader): Export {
  const name = s.name();
  const at = s.pos;
  const kind = s.u8();
  if (kind > 4) s.fail(`malformed export kind ${kind}`, at);
  return { name, kind: kind as ExternalKind, index: s.u32() };
}

/** A constant expression through its `end`. */
export function readConstExpr(s: ByteReader): ConstExpr {
  const ops: ConstOp[] = [];
  for (;;) {
    const at = s.pos;
    const op = s.u8();
    switch (op) {
      case 0x0b: return { ops };
      case 0x41: ops.push({ op: 'i32.const', value: s.s32() }); break;
      case 0x42: ops.push({ op: 'i64.const', value: s.s64() }); break;
      case 0x43: ops.push({ op: 'f32.const', bytes: s.take(4) }); break;
      case 0x44: ops.push({ op: 'f64.const', bytes: s.take(8) }); break;
      case 0x23: ops.push({ op: 'global.get', global: s.u32() }); break;
      case 0xd2: ops.push({ op: 'ref.func', func: s.u32() }); break;
      case 0xd0: {
        const t = s.u8();
        if (t !== 0x70 && t !== 0x6f) s.fail('unsupported heap type in ref.null', at + 1);
        ops.push({ op: 'ref.null', type: t as ValType });
        break;
      }
      case 0x6a: ops.push({ op: 'i32.add' }); break;
      case 0x6b: ops.push({ op: 'i32.sub' }); break;
      case 0x6c: ops.push({ op: 'i32.mul' }); break;
      case 0x7c: ops.push({ op: 'i64.add' }); break;
      case 0x7d: ops.push({ op: 'i64.sub' }); break;
      case 0x7e: ops.push({ op: 'i64.mul' }); break;
      case 0xfd: {
        const sub = s.u32();
        if (sub !== 0x0c) s.fail('constant expression required', at);
        ops.push({ op: 'v128.const', bytes: s.take(16) });
        break;
      }
      default: s.fail(`constant expression required (found opcode 0x${op.toString(16)})`, at);
    }
  }
}

function readElemKind(s: ByteReader): ValType {
  const at = s.pos;
  if (s.u8() !== 0x00) s.fail('invalid element kind', at);
  return 0x70;
}

function readElement(s: ByteReader): Element {
  const at = s.pos;
  const flags = s.u32();
  if (flags > 7) s.fail(`invalid element segment flags ${flags}`, at);
  const passiveOrDeclarative = (flags & 0x01) !== 0;
  const explicitTable = (flags & 0x02) !== 0;
  const usesExprs = (flags & 0x04) !== 0;
  let mode: Element['mode'];
  if (!passiveOrDeclarative) {
    const table = explicitTable ? s.u32() : 0;
    mode = { kind: 'active', table, offset: readConstExpr(s) };
  } else {
    mode = explicitTable ? { kind: 'declarative' } : { kind: 'passive' };
  }
  let type: ValType = 0x70;
  if (passiveOrDeclarative || explicitTable) {
    type = usesExprs ? readValType(s) : readElemKind(s);
  }
  if (usesExprs) {
    const exprs: ConstExpr[] = [];
    readVec(s, 1, () => exprs.push(readConstExpr(s)));
    return { mode, type, items: { kind: 'exprs', exprs }, flags };
  }
  const funcs: number[] = [];
  readVec(s, 1, () => funcs.push(s.u32()));
  return { mode, type, items: { kind: 'functions', funcs }, flags };
}

function readData(s: ByteReader): DataSegment {
  const at = s.pos;
  const flags = s.u32();
  let mode: DataSegment['mode'];
  switch (flags) {
    case 0: mode = { kind: 'active', memory: 0, offset: readConstExpr(s) }; break;
    case 1: mode = { kind: 'passive' }; break;
    case 2: { const memory = s.u32(); mode = { kind: 'active', memory, offset: readConstExpr(s) }; break; }
    default: return s.fail(`invalid data segment flags ${flags}`, at);
  }
  const len = s.u32();
  return { mode, bytes: s.take(len), flags };
}

function readBody(s: ByteReader, checkCode: boolean): FunctionBody {
  const size = s.u32();
  const start = s.pos;
  if (size > s.end - start) s.fail(`function body size ${size} exceeds the section`, start);
  const end = start + size;
  const b = new ByteReader(s.bytes, start, end);
  const locals: FunctionBody['locals'] = [];
  let localCount = 0;
  const runs = b.count(2);
  for (let i = 0; i < runs; i++) {
    const at = b.pos;
    const count = b.u32();
    localCount += count;
    if (localCount > MAX_FUNCTION_LOCALS) b.fail(`too many locals: more than ${MAX_FUNCTION_LOCALS}`, at);
    locals.push({ count, type: readValType(b) });
  }
  const code = s.bytes.subarray(b.pos, end);
  const body: FunctionBody = { locals, localCount, code, offset: b.pos };
  if (checkCode) checkBody(body);
  s.pos = end;
  return body;
}

/** Walks a body's operators once to check its structure. */
function checkBody(body: FunctionBody): void {
  const ops = new OperatorReader(body.code);
  try {
    while (ops.next()) { /* structure only */ }
    if (!ops.finished) throw new DecodeError('function body must end with the `end` opcode', body.code.length);
  } catch (e) {
    if (e instanceof DecodeError) throw new DecodeError(e.message.replace(/ \(at byte offset \d+\)$/, ''), body.offset + e.offset);
    throw e;
  }
}
