// Values and types as Candid text, laid out as didc and dfx print them: the
// arguments `(…)` on one line when they fit in 80 columns, broken and
// indented by two otherwise; numbers annotated with their type and grouped by
// `_` (`1_000 : nat`); blobs as `blob "…"`; vectors longer than ten and
// values nested deeper than ten printed flat.
import type { IDL } from '@dfinity/candid';
import type { Doc } from './doc.ts';
import { cat, concat, enclose, encloseSpace, render, text } from './doc.ts';
import { KEYWORDS } from './type-syntax.ts';
import { view } from './types-view.ts';
import type { Field, Value } from './value.ts';

const MAX_PRETTY = 10;

export function printArgs(values: readonly Value[]): string {
  return render(enclose('(', concat(values.map((v) => pp(MAX_PRETTY, v)), ','), ')'));
}

/** One value on one line (as in error messages). */
export function printValueFlat(v: Value): string {
  return flat(v);
}

function pp(depth: number, v: Value): Doc {
  if (depth === 0) return text(flat(v));
  switch (v.k) {
    case 'text':
      return text(quote(v.v, true));
    case 'opt':
      return hasAnnotation(v.v) ? cat(text('opt '), enclose('(', pp(depth - 1, v.v), ')')) : cat(text('opt '), pp(depth - 1, v.v));
    case 'vec':
      if (v.items.length > MAX_PRETTY) return text(flat(v));
      return cat(text('vec '), encloseSpace('{', concat(v.items.map((x) => pp(depth - 1, x)), ';'), '}'));
    case 'record':
      if (isTuple(v.fields)) return cat(text('record '), encloseSpace('{', concat(v.fields.map((f) => pp(depth - 1, f.value)), ';'), '}'));
      return cat(text('record '), encloseSpace('{', concat(v.fields.map((f) => ppField(depth, f, false)), ';'), '}'));
    case 'variant':
      return cat(text('variant '), encloseSpace('{', ppField(depth, v.field, true), '}'));
    default:
      return text(flat(v));
  }
}

function ppField(depth: number, f: Field, variant: boolean): Doc {
  if (variant && f.value.k === 'null') return text(label(f));
  return cat(text(label(f) + ' = '), pp(depth - 1, f.value));
}

function isTuple(fields: readonly Field[]): boolean {
  return fields.every((f, i) => f.id === i && f.name === undefined);
}

function hasAnnotation(v: Value): boolean {
  return v.k === 'null' || v.k === 'reserved' || v.k === 'float32' || v.k === 'float64' || /^(nat|int)/.test(v.k);
}

/** The one-line form (Rust's `Debug` of `IDLValue`). */
function flat(v: Value): string {
  switch (v.k) {
    case 'null': return 'null : null';
    case 'reserved': return 'null : reserved';
    case 'bool': return String(v.v);
    case 'number': return String(v.v);
    case 'nat8': case 'int8': return `${v.v} : ${v.k}`;
    case 'nat': case 'int': case 'nat16': case 'nat32': case 'nat64': case 'int16': case 'int32': case 'int64':
      return `${groupDigits(v.v.toString())} : ${v.k}`;
    case 'float32': case 'float64': return `${formatFloat(v.v, v.k === 'float32')} : ${v.k}`;
    case 'text': return quote(v.v, false);
    case 'none': return 'null';
    case 'opt': return hasAnnotation(v.v) ? `opt (${flat(v.v)})` : `opt ${flat(v.v)}`;
    case 'blob': return blobText(v.bytes);
    case 'vec': return `vec {${v.items.map((x) => ` ${flat(x)};`).join('')}}`;
    case 'record':
      return `record {${v.fields.map((f, i) => (f.id === i && f.name === undefined ? ` ${flat(f.value)};` : ` ${label(f)} = ${flat(f.value)};`)).join('')}}`;
    case 'variant':
      return `variant { ${v.field.value.k === 'null' ? label(v.field) : `${label(v.field)} = ${flat(v.field.value)}`} }`;
    case 'principal': return `principal "${v.v.toText()}"`;
    case 'service': return `service "${v.v.toText()}"`;
    case 'func': return `func "${v.v.toText()}".${ident(v.method)}`;
  }
}

function label(f: Field): string {
  return f.name === undefined ? groupDigits(String(f.id)) : ident(f.name);
}

/** A name as written in Candid: bare when it is a valid non-keyword identifier, quoted otherwise. */
export function ident(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !KEYWORDS.has(name) ? name : quote(name, true);
}

/** `1234567` → `1_234_567` (the Rust library's `pp_num_str`). */
export function groupDigits(s: string): string {
  const neg = s.startsWith('-');
  const digits = neg ? s.slice(1) : s;
  const groups: string[] = [];
  for (let end = digits.length; end > 0; end -= 3) groups.unshift(digits.slice(Math.max(0, end - 3), end));
  return (neg ? '-' : '') + groups.join('_');
}

/** A text literal; `escapeSingle` as Rust's `escape_debug`, otherwise as its `Debug` of strings. */
export function quote(s: string, escapeSingle: boolean): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === "'" && escapeSingle) out += "\\'";
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) out += `\\u{${cp.toString(16)}}`;
    else out += ch;
  }
  return out + '"';
}

function blobText(b: Uint8Array): string {
  const ascii = b.every((c) => (c >= 0x20 && c <= 0x7e) || c === 0x09 || c === 0x0a || c === 0x0d);
  let out = 'blob "';
  for (const c of b) {
    const plain = ascii && c >= 0x20 && c <= 0x7e && c !== 0x22 && c !== 0x27 && c !== 0x60 && c !== 0x5c;
    out += plain ? String.fromCharCode(c) : '\\' + c.toString(16).padStart(2, '0');
  }
  return out + '"';
}

/** A float as Rust's `Display` writes it (no exponent), with `.0` when integral. */
export function formatFloat(f: number, single: boolean): string {
  if (Number.isNaN(f)) return 'NaN';
  if (!Number.isFinite(f)) return f > 0 ? 'inf' : '-inf';
  let s = single ? shortestSingle(f) : String(f);
  if (s.includes('e')) s = expandExponent(s);
  if (Object.is(f, -0)) s = '-0';
  return Number.isInteger(f) ? s + '.0' : s;
}

function shortestSingle(f: number): string {
  for (let p = 1; p <= 9; p++) {
    const s = f.toPrecision(p);
    if (Math.fround(Number(s)) === f) return String(Number(s));
  }
  return String(f);
}

function expandExponent(s: string): string {
  const [mant, expS] = s.split('e') as [string, string];
  const exp = Number(expS);
  const neg = mant.startsWith('-');
  const [int, frac = ''] = (neg ? mant.slice(1) : mant).split('.') as [string, string?];
  const digits = int + frac;
  const point = int.length + exp;
  let r: string;
  if (point <= 0) r = '0.' + '0'.repeat(-point) + digits;
  else if (point >= digits.length) r = digits + '0'.repeat(point - digits.length);
  else r = digits.slice(0, point) + '.' + digits.slice(point);
  return (neg ? '-' : '') + r;
}

/** A type as Candid text on one line (for error messages). */
export function typeText(t: IDL.Type, seen: Set<IDL.Type> = new Set()): string {
  if (seen.has(t) || seen.size > 32) return '…';
  const inner = new Set(seen).add(t);
  const v = view(t);
  switch (v.k) {
    case 'opt': return `opt ${typeText(v.inner, inner)}`;
    case 'vec': return view(v.inner).k === 'nat8' ? 'blob' : `vec ${typeText(v.inner, inner)}`;
    case 'record':
      if (v.fields.every((f, i) => f.id === i && f.name === undefined) && v.fields.length > 0) {
        return `record { ${v.fields.map((f) => typeText(f.type, inner)).join('; ')} }`;
      }
      return v.fields.length === 0 ? 'record {}' : `record { ${v.fields.map((f) => `${f.name === undefined ? f.id : ident(f.name)} : ${typeText(f.type, inner)}`).join('; ')} }`;
    case 'variant':
      return v.fields.length === 0 ? 'variant {}' : `variant { ${v.fields.map((f) => (view(f.type).k === 'null' ? (f.name === undefined ? String(f.id) : ident(f.name)) : `${f.name === undefined ? f.id : ident(f.name)} : ${typeText(f.type, inner)}`)).join('; ')} }`;
    case 'func': return `func ${funcText(v.func, inner)}`;
    case 'service': return v.methods.length === 0 ? 'service {}' : `service { ${v.methods.map(([n, f]) => `${ident(n)} : ${funcText(f, inner)}`).join('; ')} }`;
    default: return v.k;
  }
}

function funcText(f: IDL.FuncClass, seen: Set<IDL.Type>): string {
  const args = f.argTypes.map((a) => typeText(a, seen)).join(', ');
  const rets = f.retTypes.map((a) => typeText(a, seen)).join(', ');
  return `(${args}) -> (${rets})${f.annotations.map((a) => ' ' + a).join('')}`;
}
