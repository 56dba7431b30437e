/**
 * Encodes a {@link WasmModule} back to binary.
 *
 * Sections that a transform did not touch are copied verbatim (their
 * original bytes, including any non-minimal LEB128 sizes), so decode →
 * encode of an unchanged module is byte-identical. Standard sections named
 * in `dirty` are encoded from the model; custom sections whose `bytes`
 * were cleared are encoded from `custom`. Sections that did not exist and
 * are dirty are inserted at their place in the section order.
 */
import { ByteWriter } from './writer.ts';
import { SectionId } from './types.ts';
import type { ConstExpr, Limits, Section, TableType, WasmModule } from './types.ts';

const ORDER: SectionId[] = [
  SectionId.type, SectionId.import, SectionId.function, SectionId.table, SectionId.memory, SectionId.tag,
  SectionId.global, SectionId.export, SectionId.start, SectionId.element, SectionId.dataCount, SectionId.code,
  SectionId.data,
];

/** Encodes the module; `dirty` lists the standard sections to re-encode from the model. */
export function encodeModule(m: WasmModule, dirty: Iterable<SectionId> = []): Uint8Array {
  const dirtySet = new Set(dirty);
  const out = new ByteWriter(estimateSize(m));
  out.bytes(new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]));
  const present = new Set(m.sections.filter((s) => s.id !== SectionId.custom).map((s) => s.id));
  let next = 0; // index into ORDER of the next standard section not yet emitted
  const emitNewUpTo = (rank: number) => {
    for (; next < rank; next++) {
      const id = ORDER[next];
      if (!present.has(id) && dirtySet.has(id)) writeStandard(out, m, id);
    }
  };
  for (const s of m.sections) {
    if (s.id === SectionId.custom) {
      writeCustom(out, s);
      continue;
    }
    const rank = ORDER.indexOf(s.id);
    emitNewUpTo(rank);
    next = rank + 1;
    if (dirtySet.has(s.id) || s.bytes === undefined) writeStandard(out, m, s.id);
    else out.bytes(s.bytes);
  }
  emitNewUpTo(ORDER.length);
  return out.finish().slice();
}

function estimateSize(m: WasmModule): number {
  let n = 64;
  for (const s of m.sections) n += s.bytes?.length ?? (s.custom ? s.custom.data.length + 16 : 1024);
  return Math.max(1024, Math.ceil(n * 1.5));
}

function writeCustom(out: ByteWriter, s: Section): void {
  if (s.bytes !== undefined) {
    out.bytes(s.bytes);
    return;
  }
  if (s.custom === undefined) return;
  const w = new ByteWriter(s.custom.data.length + 16);
  w.name(s.custom.name).bytes(s.custom.data);
  out.u8(SectionId.custom).sized(w);
}

function writeStandard(out: ByteWriter, m: WasmModule, id: SectionId): void {
  const w = new ByteWriter();
  if (!encodeSection(w, m, id)) return; // empty: omit
  out.u8(id).sized(w);
}

/** Writes a section's payload; false when it would be empty and can be omitted. */
function encodeSection(w: ByteWriter, m: WasmModule, id: SectionId): boolean {
  switch (id) {
    case SectionId.type:
      if (m.types.length === 0) return false;
      w.u32(m.types.length);
      for (const t of m.types) {
        w.u8(0x60).u32(t.params.length);
        for (const p of t.params) w.u8(p);
        w.u32(t.results.length);
        for (const r of t.results) w.u8(r);
      }
      return true;
    case SectionId.import:
      if (m.imports.length === 0) return false;
      w.u32(m.imports.length);
      for (const imp of m.imports) {
        w.name(imp.module).name(imp.name);
        const d = imp.desc;
        switch (d.kind) {
          case 'func': w.u8(0).u32(d.typeIndex); break;
          case 'table': w.u8(1); writeTableType(w, d.type); break;
          case 'memory': w.u8(2); writeLimits(w, d.limits); break;
          case 'global': w.u8(3).u8(d.type.valType).u8(d.type.mutable ? 1 : 0); break;
          case 'tag': w.u8(4).u8(0).u32(d.typeIndex); break;
        }
      }
      return true;
    case SectionId.function:
      if (m.functions.length === 0) return false;
      w.u32(m.functions.length);
      for (const f of m.functions) w.u32(f);
      return true;
    case SectionId.table:
      if (m.tables.length === 0) return false;
      w.u32(m.tables.length);
      for (const t of m.tables) writeTableType(w, t);
      return true;
    case SectionId.memory:
      if (m.memories.length === 0) return false;
      w.u32(m.memories.length);
      for (const l of m.memories) writeLimits(w, l);
      return true;
    case SectionId.tag:
      return false; // tags are rejected by validation and never produced
    case SectionId.global:
      if (m.globals.length === 0) return false;
      w.u32(m.globals.length);
      for (const g of m.globals) {
        w.u8(g.type.valType).u8(g.type.mutable ? 1 : 0);
        writeConstExpr(w, g.init);
      }
      return true;
    case SectionId.export:
      if (m.exports.length === 0) return false;
      w.u32(m.exports.length);
      for (const e of m.exports) w.name(e.name).u8(e.kind).u32(e.index);
      return true;
    case SectionId.start:
      if (m.start === undefined) return false;
      w.u32(m.start);
      return true;
    case SectionId.element:
      if (m.elements.length === 0) return false;
      w.u32(m.elements.length);
      for (const e of m.elements) {
        w.u32(e.flags);
        if (e.mode.kind === 'active') {
          if ((e.flags & 0x02) !== 0) w.u32(e.mode.table);
          writeConstExpr(w, e.mode.offset);
        }
        if ((e.flags & 0x03) !== 0) {
          if ((e.flags & 0x04) !== 0) w.u8(e.type);
          else w.u8(0x00);
        }
        if (e.items.kind === 'functions') {
          w.u32(e.items.funcs.length);
          for (const f of e.items.funcs) w.u32(f);
        } else {
          w.u32(e.items.exprs.length);
          for (const x of e.items.exprs) writeConstExpr(w, x);
        }
      }
      return true;
    case SectionId.dataCount:
      if (m.dataCount === undefined) return false;
      w.u32(m.dataCount);
      return true;
    case SectionId.code:
      if (m.code.length === 0) return false;
      w.u32(m.code.length);
      for (const body of m.code) {
        const b = new ByteWriter(body.code.length + 16);
        b.u32(body.locals.length);
        for (const l of body.locals) b.u32(l.count).u8(l.type);
        b.bytes(body.code);
        w.sized(b);
      }
      return true;
    case SectionId.data:
      if (m.data.length === 0) return false;
      w.u32(m.data.length);
      for (const d of m.data) {
        w.u32(d.flags);
        if (d.mode.kind === 'active') {
          if (d.flags === 2) w.u32(d.mode.memory);
          writeConstExpr(w, d.mode.offset);
        }
        w.u32(d.bytes.length).bytes(d.bytes);
      }
      return true;
    default:
      return false;
  }
}

function writeLimits(w: ByteWriter, l: Limits): void {
  const flags = (l.max !== undefined ? 0x01 : 0) | (l.shared ? 0x02 : 0) | (l.is64 ? 0x04 : 0);
  w.u8(flags);
  if (l.is64) {
    w.u64(l.min);
    if (l.max !== undefined) w.u64(l.max);
  } else {
    w.u32(Number(l.min));
    if (l.max !== undefined) w.u32(Number(l.max));
  }
}

function writeTableType(w: ByteWriter, t: TableType): void {
  w.u8(t.elemType);
  writeLimits(w, t.limits);
}

/** Writes a constant expression including its final `end`. */
export function writeConstExpr(w: ByteWriter, e: ConstExpr): void {
  for (const o of e.ops) {
    switch (o.op) {
      case 'i32.const': w.u8(0x41).s32(o.value); break;
      case 'i64.const': w.u8(0x42).s64(o.value); break;
      case 'f32.const': w.u8(0x43).bytes(o.bytes); break;
      case 'f64.const': w.u8(0x44).bytes(o.bytes); break;
      case 'v128.const': w.u8(0xfd).u32(0x0c).bytes(o.bytes); break;
      case 'ref.null': w.u8(0xd0).u8(o.type); break;
      case 'ref.func': w.u8(0xd2).u32(o.func); break;
      case 'global.get': w.u8(0x23).u32(o.global); break;
      case 'i32.add': w.u8(0x6a); break;
      case 'i32.sub': w.u8(0x6b); break;
      case 'i32.mul': w.u8(0x6c); break;
      case 'i64.add': w.u8(0x7c); break;
      case 'i64.sub': w.u8(0x7d); break;
      case 'i64.mul': w.u8(0x7e); break;
    }
  }
  w.u8(0x0b);
}
