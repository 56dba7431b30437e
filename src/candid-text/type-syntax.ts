// Candid type expressions (spec: "Types"), parsed to a small syntax tree that
// `did.ts` turns into `IDL` types once every name is known.
import { idlLabelToId } from '@dfinity/candid';
import type { Cursor } from './lexer.ts';
import { describe, textOf } from './lexer.ts';

export const PRIMITIVES = [
  'null', 'bool', 'nat', 'int', 'nat8', 'nat16', 'nat32', 'nat64', 'int8', 'int16', 'int32', 'int64',
  'float32', 'float64', 'text', 'reserved', 'empty', 'principal',
] as const;
export type PrimName = (typeof PRIMITIVES)[number];

export const KEYWORDS = new Set<string>([
  ...PRIMITIVES, 'import', 'service', 'func', 'type', 'opt', 'vec', 'record', 'variant', 'blob',
  'oneway', 'query', 'composite_query',
]);

export interface FieldExpr {
  readonly id: number;
  /** The label as written: a name, or undefined for a number or a position. */
  readonly name: string | undefined;
  readonly type: TypeExpr;
  readonly at: number;
}

export type TypeExpr =
  | { readonly k: 'prim'; readonly name: PrimName; readonly at: number }
  | { readonly k: 'ref'; readonly name: string; readonly at: number }
  | { readonly k: 'opt' | 'vec'; readonly type: TypeExpr; readonly at: number }
  | { readonly k: 'record' | 'variant'; readonly fields: readonly FieldExpr[]; readonly at: number }
  | { readonly k: 'func'; readonly func: FuncExpr; readonly at: number }
  | { readonly k: 'service'; readonly methods: readonly MethodExpr[]; readonly at: number };

export interface FuncExpr {
  readonly args: readonly TypeExpr[];
  readonly rets: readonly TypeExpr[];
  readonly modes: readonly string[];
}

export interface MethodExpr {
  readonly name: string;
  readonly type: TypeExpr; // `func` or `ref`
  readonly at: number;
}

const MAX_DEPTH = 200;

export function parseType(c: Cursor, depth = 0): TypeExpr {
  const t = c.peek();
  if (depth > MAX_DEPTH) c.fail('type nested too deeply');
  if (t.kind !== 'id') return c.fail(`expected a type but found ${describe(t)}`);
  const at = t.at;
  const w = t.text;
  if ((PRIMITIVES as readonly string[]).includes(w)) {
    c.next();
    return { k: 'prim', name: w as PrimName, at };
  }
  switch (w) {
    case 'opt':
    case 'vec':
      c.next();
      return { k: w, type: parseType(c, depth + 1), at };
    case 'blob':
      c.next();
      return { k: 'vec', type: { k: 'prim', name: 'nat8', at }, at };
    case 'record':
    case 'variant':
      c.next();
      return { k: w, fields: parseFields(c, w === 'variant', depth), at };
    case 'func':
      c.next();
      return { k: 'func', func: parseFunc(c, depth), at };
    case 'service':
      c.next();
      return { k: 'service', methods: parseMethods(c, depth), at };
    default:
      if (KEYWORDS.has(w)) return c.fail(`expected a type but found '${w}'`);
      c.next();
      return { k: 'ref', name: w, at };
  }
}

function parseFields(c: Cursor, variant: boolean, depth: number): FieldExpr[] {
  c.expectPunct('{');
  const fields: FieldExpr[] = [];
  let next = 0;
  while (!c.isPunct('}')) {
    const t = c.peek();
    let id: number;
    let name: string | undefined;
    let type: TypeExpr;
    if (t.kind === 'nat' && c.isPunct(':', 1)) {
      c.next();
      c.next();
      id = fieldId(c, t.text, t.at);
      type = parseType(c, depth + 1);
    } else if ((t.kind === 'id' || t.kind === 'text') && c.isPunct(':', 1)) {
      c.next();
      c.next();
      name = t.kind === 'id' ? t.text : textOf(c.source, t);
      id = idlLabelToId(name);
      type = parseType(c, depth + 1);
    } else if (variant && t.kind === 'nat') {
      c.next();
      id = fieldId(c, t.text, t.at);
      type = { k: 'prim', name: 'null', at: t.at };
    } else if (variant && (t.kind === 'id' || t.kind === 'text')) {
      c.next();
      name = t.kind === 'id' ? t.text : textOf(c.source, t);
      id = idlLabelToId(name);
      type = { k: 'prim', name: 'null', at: t.at };
    } else if (!variant) {
      id = next;
      type = parseType(c, depth + 1);
    } else return c.fail(`expected a variant field but found ${describe(t)}`);
    const dup = fields.find((f) => f.id === id);
    if (dup !== undefined) c.fail(`field ${label(name, id)} hash collision with ${label(dup.name, dup.id)}`, t.at);
    fields.push({ id, name, type, at: t.at });
    next = id + 1;
    if (!c.eatPunct(';')) break;
  }
  c.expectPunct('}');
  return fields.sort((a, b) => a.id - b.id);
}

function label(name: string | undefined, id: number): string {
  return name === undefined ? String(id) : `'${name}'`;
}

function fieldId(c: Cursor, digits: string, at: number): number {
  const n = BigInt(digits);
  if (n >= 2n ** 32n) c.fail(`field id ${digits} is larger than 2^32 - 1`, at);
  return Number(n);
}

export function parseTuple(c: Cursor, depth: number): TypeExpr[] {
  c.expectPunct('(');
  const types: TypeExpr[] = [];
  while (!c.isPunct(')')) {
    // `name : type` — the name documents the argument only.
    const t = c.peek();
    if ((t.kind === 'id' || t.kind === 'text') && c.isPunct(':', 1)) {
      c.next();
      c.next();
    }
    types.push(parseType(c, depth + 1));
    if (!c.eatPunct(',')) break;
  }
  c.expectPunct(')');
  return types;
}

export function parseFunc(c: Cursor, depth: number): FuncExpr {
  const args = parseTuple(c, depth);
  c.expectPunct('->');
  const rets = parseTuple(c, depth);
  const modes: string[] = [];
  while (c.isKeyword('query') || c.isKeyword('composite_query') || c.isKeyword('oneway')) {
    const t = c.next();
    if (t.kind === 'id' && !modes.includes(t.text)) modes.push(t.text);
  }
  return { args, rets, modes };
}

export function parseMethods(c: Cursor, depth: number): MethodExpr[] {
  c.expectPunct('{');
  const methods: MethodExpr[] = [];
  while (!c.isPunct('}')) {
    const t = c.next();
    if (t.kind !== 'id' && t.kind !== 'text') return c.fail(`expected a method name but found ${describe(t)}`, t.at);
    const name = t.kind === 'id' ? t.text : textOf(c.source, t);
    c.expectPunct(':');
    let type: TypeExpr;
    if (c.isPunct('(')) type = { k: 'func', func: parseFunc(c, depth + 1), at: c.peek().at };
    else {
      const r = c.next();
      if (r.kind !== 'id' || KEYWORDS.has(r.text)) return c.fail(`expected a function type but found ${describe(r)}`, r.at);
      type = { k: 'ref', name: r.text, at: r.at };
    }
    if (methods.some((m) => m.name === name)) c.fail(`duplicate method name '${name}'`, t.at);
    methods.push({ name, type, at: t.at });
    if (!c.eatPunct(';')) break;
  }
  c.expectPunct('}');
  return methods;
}
