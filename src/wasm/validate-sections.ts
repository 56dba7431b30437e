/**
 * Module-level rules outside imports, exports and code:
 * - what the replica's engine configuration refuses at module level
 *   (several memories, shared memory, the exception tag section, extended
 *   constant expressions, `global.get` of a defined global in a constant
 *   expression, duplicate export names) — {@link checkEngineFeatures};
 * - the IC's own rules for the code-section size, tables, data segments,
 *   globals, the function count, the memory64 size and the `icp:` custom
 *   sections.
 *
 * Wording: dfinity/ic `rs/embedders/src/wasm_utils/validation.rs`, see
 * validate.ts for the version.
 */
import {
  MAX_CODE_SECTION_SIZE_IN_BYTES, MAX_CUSTOM_SECTIONS, MAX_CUSTOM_SECTIONS_SIZE, MAX_FUNCTIONS, MAX_GLOBALS,
  MAX_WASM64_MEMORY_IN_BYTES,
} from '../config/index.ts';
import { ByteReader } from './reader.ts';
import { SectionId, ValType } from './types.ts';
import type { ConstExpr, WasmModule } from './types.ts';
import { allMemories, engineRejection, isWasm64, showConstExpr, utf8Length, watType } from './validate-util.ts';
import type { Rejection } from './validate-util.ts';

const WASM_PAGE_SIZE = 65_536n;
const EXTENDED_CONST = new Set(['i32.add', 'i32.sub', 'i32.mul', 'i64.add', 'i64.sub', 'i64.mul']);

/** The size of the code section's contents (0 without one); the replica checks it before anything else. */
export function codeSectionSize(m: WasmModule, bytes: Uint8Array): number {
  const section = m.sections.find((s) => s.id === SectionId.code);
  if (section === undefined) return 0;
  const r = new ByteReader(bytes, section.offset + 1);
  return r.u32();
}

/** `CodeSectionTooLarge` if the code section is over the limit. */
export function checkCodeSectionSize(m: WasmModule, bytes: Uint8Array): Rejection | undefined {
  const size = codeSectionSize(m, bytes);
  const allowed = Number(MAX_CODE_SECTION_SIZE_IN_BYTES);
  return size > allowed ? { kind: 'CodeSectionTooLarge', size, allowed } : undefined;
}

function checkConstExpr(m: WasmModule, expr: ConstExpr, where: string): Rejection | undefined {
  for (const op of expr.ops) {
    if (EXTENDED_CONST.has(op.op)) {
      return engineRejection(`extended constant expressions support is not enabled: ${where} uses ${op.op}`);
    }
    if (op.op === 'global.get' && op.global >= m.importedGlobals) {
      return engineRejection(`constant expression required: global.get of locally defined global (${where} reads global ${op.global})`);
    }
  }
  return undefined;
}

/** What the engine configuration refuses at module level (reported before the IC's rules). */
export function checkEngineFeatures(m: WasmModule): Rejection | undefined {
  const memories = allMemories(m);
  if (memories.length > 1) {
    return engineRejection(`multiple memories support is not enabled: the module has ${memories.length} memories (imported and defined)`);
  }
  const shared = memories.findIndex((mem) => mem.shared);
  if (shared >= 0) return engineRejection(`threads must be enabled for shared memories: memory ${shared} is shared`);
  if (m.sections.some((s) => s.id === SectionId.tag)) {
    return engineRejection('exceptions support is not enabled: the module has a tag section');
  }
  const tag = m.imports.find((imp) => imp.desc.kind === 'tag');
  if (tag !== undefined) return engineRejection(`exceptions support is not enabled: the module imports tag ${tag.module}.${tag.name}`);
  const names = new Set<string>();
  for (const exp of m.exports) {
    if (names.has(exp.name)) return engineRejection(`duplicate export name \`${exp.name}\` already defined`);
    names.add(exp.name);
  }
  for (let i = 0; i < m.globals.length; i++) {
    const bad = checkConstExpr(m, m.globals[i].init, `the initializer of global ${m.importedGlobals + i}`);
    if (bad !== undefined) return bad;
  }
  for (let i = 0; i < m.elements.length; i++) {
    const el = m.elements[i];
    const exprs = el.items.kind === 'exprs' ? el.items.exprs : [];
    for (const expr of el.mode.kind === 'active' ? [el.mode.offset, ...exprs] : exprs) {
      const bad = checkConstExpr(m, expr, `element segment ${i}`);
      if (bad !== undefined) return bad;
    }
  }
  for (let i = 0; i < m.data.length; i++) {
    const mode = m.data[i].mode;
    const bad = mode.kind === 'active' ? checkConstExpr(m, mode.offset, `the offset of data segment ${i}`) : undefined;
    if (bad !== undefined) return bad;
  }
  return undefined;
}

/**
 * Tables hold `funcref`s only (the replica's `validate_table_section`; the
 * System API has no use for `externref`). Imported tables included.
 */
export function checkTables(m: WasmModule): Rejection | undefined {
  const types = [
    ...m.imports.flatMap((imp) => (imp.desc.kind === 'table' ? [imp.desc.type] : [])),
    ...m.tables,
  ];
  const bad = types.find((t) => t.elemType !== ValType.funcref);
  if (bad === undefined) return undefined;
  return `Wasm module has an invalid table section. Table element type must be funcref, got ${watType(bad.elemType)}.`;
}

/** Active data segments start at a single `i32.const` (`i64.const` in memory64 modules). */
export function checkDataSegments(m: WasmModule): Rejection | undefined {
  const wasm64 = isWasm64(m);
  const want = wasm64 ? 'i64.const' : 'i32.const';
  for (const seg of m.data) {
    if (seg.mode.kind !== 'active') continue;
    const ops = seg.mode.offset.ops;
    if (ops.length === 1 && ops[0].op === want) continue;
    return {
      kind: 'InvalidDataSection',
      message: `Invalid offset expression in data segment for ${wasm64 ? 64 : 32}bit memory: ${showConstExpr(seg.mode.offset)}`,
    };
  }
  return undefined;
}

const GLOBAL_TYPES: ReadonlySet<number> = new Set([ValType.i32, ValType.i64, ValType.f32, ValType.f64, ValType.v128]);

/** At most `MAX_GLOBALS` globals, of numeric or vector type. */
export function checkGlobals(m: WasmModule, max = MAX_GLOBALS): Rejection | undefined {
  if (m.globals.length > max) return { kind: 'TooManyGlobals', defined: m.globals.length, allowed: max };
  const bad = m.globals.find((g) => !GLOBAL_TYPES.has(g.type.valType));
  if (bad === undefined) return undefined;
  return { kind: 'InvalidGlobalSection', message: `Unsupported global type: ${watType(bad.type.valType)}` };
}

/** At most `MAX_FUNCTIONS` defined functions (imports do not count, as in the replica). */
export function checkFunctionCount(m: WasmModule, max = MAX_FUNCTIONS): Rejection | undefined {
  return m.functions.length > max ? { kind: 'TooManyFunctions', defined: m.functions.length, allowed: max } : undefined;
}

/**
 * A memory64 memory may not start, nor declare a maximum, above the wasm64
 * heap limit (the replica checks the initial size now, the declared maximum
 * in 2024; both are enforced here). Wasm32 memories are bounded by the
 * format itself (65,536 pages).
 */
export function checkMemory64Size(m: WasmModule): Rejection | undefined {
  const allowed = BigInt(MAX_WASM64_MEMORY_IN_BYTES) / WASM_PAGE_SIZE;
  for (const mem of allMemories(m)) {
    if (!mem.is64) continue;
    if (mem.min > allowed) {
      return `Wasm module declares an initial Wasm64 memory size of ${mem.min} pages which exceeds the allowed maximum of ${allowed} pages.`;
    }
    if (mem.max !== undefined && mem.max > allowed) {
      return `Wasm module declares a maximum Wasm64 memory size of ${mem.max} pages which exceeds the allowed maximum of ${allowed} pages.`;
    }
  }
  return undefined;
}

/** The `<name>` of an `icp:public <name>` / `icp:private <name>` section; undefined for names not starting `icp:`. */
export function icpSectionName(sectionName: string): { ok: true; name: string } | { ok: false; error: Rejection } | undefined {
  if (!sectionName.startsWith('icp:')) return undefined;
  for (const prefix of ['icp:public ', 'icp:private ']) {
    if (sectionName.startsWith(prefix)) return { ok: true, name: sectionName.slice(prefix.length) };
  }
  const message = sectionName === 'icp:public' || sectionName === 'icp:private'
    ? "'icp:' section names must have a space after the public/private scope"
    : `Invalid custom section: Custom section '${sectionName}' has no public/private scope defined.`;
  return { ok: false, error: { kind: 'InvalidCustomSection', message } };
}

/** The `icp:` custom-section rules: well-formed names, no duplicate `<name>`, count and total size. */
export function checkCustomSections(m: WasmModule): Rejection | undefined {
  const seen = new Set<string>();
  const maxSize = Number(MAX_CUSTOM_SECTIONS_SIZE);
  let total = 0;
  for (const section of m.customs) {
    const parsed = icpSectionName(section.name);
    if (parsed === undefined) continue;
    if (!parsed.ok) return parsed.error;
    const { name } = parsed;
    if (seen.has(name)) return { kind: 'InvalidCustomSection', message: `Invalid custom section: name ${name} already exists` };
    total += section.data.length + utf8Length(name);
    if (total > maxSize) {
      return {
        kind: 'InvalidCustomSection',
        message: `Invalid custom sections: total size of the custom sections exceeds the maximum allowed: size ${total} bytes, allowed ${maxSize} bytes`,
      };
    }
    seen.add(name);
    if (seen.size > MAX_CUSTOM_SECTIONS) return { kind: 'TooManyCustomSections', defined: seen.size, allowed: MAX_CUSTOM_SECTIONS };
  }
  return undefined;
}
