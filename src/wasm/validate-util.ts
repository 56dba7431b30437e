/**
 * Small pure helpers shared by the validation files: the rejection type,
 * the replica's Rust `Debug` renderings that appear inside its messages, and
 * lookups into a {@link WasmModule} that never throw on bad indices (the
 * engine check rejects those at the end).
 */
import type { WasmValidationError } from '../errors/index.ts';
import type { ConstExpr, ConstOp, Limits, WasmModule } from './types.ts';

/**
 * Why a module is refused: one of the replica's `WasmValidationError`s, or a
 * plain message for the few rules whose variant the errors module does not
 * have yet (`invalidWasm(message)` then words it without help text).
 */
export type Rejection = WasmValidationError | string;

/**
 * A rejection the replica leaves to wasmtime's validator, worded as the
 * replica wraps it: `wasmtime::Module::validate() failed with <detail>`.
 */
export function engineRejection(detail: string): Rejection {
  return { kind: 'WasmtimeValidation', message: `wasmtime::Module::validate() failed with ${detail}` };
}

/** Rust's `{:?}` of a string: quoted, with `\\`, `"` and control characters escaped. */
export function debugStr(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c === 0) out += '\\0';
    else if (c < 0x20 || c === 0x7f) out += `\\u{${c.toString(16)}}`;
    else out += ch;
  }
  return `${out}"`;
}

const VALTYPE_DEBUG: Record<number, string> = {
  0x7f: 'I32', 0x7e: 'I64', 0x7d: 'F32', 0x7c: 'F64', 0x7b: 'V128', 0x70: 'FuncRef', 0x6f: 'ExternRef',
};
const VALTYPE_WAT: Record<number, string> = {
  0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x7b: 'v128', 0x70: 'funcref', 0x6f: 'externref',
};

/** A value-type list as the replica prints it (`[I32, I64]`). */
export function debugTypes(types: readonly number[]): string {
  return `[${types.map((t) => VALTYPE_DEBUG[t] ?? `0x${t.toString(16)}`).join(', ')}]`;
}

/** A value type's name in the text format (`i32`, `funcref`, …). */
export function watType(t: number): string {
  return VALTYPE_WAT[t] ?? `0x${t.toString(16)}`;
}

/** A constant expression in the text format, e.g. `[global.get 0]`. */
export function showConstExpr(expr: ConstExpr): string {
  return `[${expr.ops.map(showConstOp).join(', ')}]`;
}

function showConstOp(op: ConstOp): string {
  switch (op.op) {
    case 'i32.const': return `i32.const ${op.value}`;
    case 'i64.const': return `i64.const ${op.value}`;
    case 'global.get': return `global.get ${op.global}`;
    case 'ref.func': return `ref.func ${op.func}`;
    case 'ref.null': return `ref.null ${watType(op.type)}`;
    default: return op.op;
  }
}

/** UTF-8 length of a string in bytes (Rust's `str::len`). */
export function utf8Length(s: string): number {
  let n = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
  }
  return n;
}

/** Every memory of the module, imported ones first (their index order). */
export function allMemories(m: WasmModule): Limits[] {
  const out: Limits[] = [];
  for (const imp of m.imports) if (imp.desc.kind === 'memory') out.push(imp.desc.limits);
  out.push(...m.memories);
  return out;
}

/** True when the module's (first) memory is 64-bit: pointers are `i64` (`I` of system_api.md). */
export function isWasm64(m: WasmModule): boolean {
  return allMemories(m)[0]?.is64 === true;
}

/** The type index of every function in the index space (imports first). */
export function functionTypeIndices(m: WasmModule): number[] {
  const out: number[] = [];
  for (const imp of m.imports) if (imp.desc.kind === 'func') out.push(imp.desc.typeIndex);
  out.push(...m.functions);
  return out;
}
