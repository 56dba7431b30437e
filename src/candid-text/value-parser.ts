// Candid textual values (spec: "Values"; didc's extensions: `blob "…"`,
// positional record fields `record { 1; 2 }`, `variant { tag }` for a null
// payload). A value annotated `(v : t)` is checked against `t` where it is
// written, as didc does; unannotated numbers stay undecided until a type or
// inference settles them.
import { Principal } from '@dfinity/principal';
import { idlLabelToId } from '@dfinity/candid';
import { annotate } from './annotate.ts';
import { buildAnnotation } from './did.ts';
import type { Cursor } from './lexer.ts';
import { describe, textOf } from './lexer.ts';
import { parseType } from './type-syntax.ts';
import type { Field, Value } from './value.ts';

const MAX_DEPTH = 2000;

/** `( v1, v2, … )` — also accepts a bare single value, as didc does. */
export function parseArgs(c: Cursor): Value[] {
  const values: Value[] = [];
  if (!c.isPunct('(')) {
    values.push(parseAnnVal(c, 0));
  } else {
    c.expectPunct('(');
    while (!c.isPunct(')')) {
      values.push(parseAnnVal(c, 0));
      if (!c.eatPunct(',')) break;
    }
    c.expectPunct(')');
  }
  if (c.peek().kind !== 'eof') c.fail(`expected end of arguments but found ${describe(c.peek())}`);
  return values;
}

function parseAnnVal(c: Cursor, depth: number): Value {
  const v = parseVal(c, depth);
  if (!c.eatPunct(':')) return v;
  const type = buildAnnotation(c, parseType(c));
  return { ...annotate(v, type, { fromParser: true, source: c.source }), at: v.at } as Value;
}

function parseVal(c: Cursor, depth: number): Value {
  if (depth > MAX_DEPTH) c.fail('value nested too deeply');
  const t = c.next();
  const at = t.at;
  switch (t.kind) {
    case 'nat':
      return { k: 'number', v: BigInt(t.text), at };
    case 'float':
      return { k: 'float64', v: Number(t.text), at };
    case 'text':
      return { k: 'text', v: textOf(c.source, t), at };
    case 'punct':
      if (t.text === '(') {
        const v = parseAnnVal(c, depth + 1);
        c.expectPunct(')');
        return v;
      }
      if (t.text === '+' || t.text === '-') return signed(c, t.text, at);
      return c.fail(`expected a value but found ${describe(t)}`, at);
    case 'eof':
      return c.fail('expected a value but found end of input', at);
    case 'id':
      break;
  }
  switch (t.text) {
    case 'true':
    case 'false':
      return { k: 'bool', v: t.text === 'true', at };
    case 'null':
      return { k: 'null', at };
    case 'opt':
      return { k: 'opt', v: parseVal(c, depth + 1), at };
    case 'vec': {
      c.expectPunct('{');
      const items: Value[] = [];
      while (!c.isPunct('}')) {
        items.push(parseAnnVal(c, depth + 1));
        if (!c.eatPunct(';')) break;
      }
      c.expectPunct('}');
      return { k: 'vec', items, at };
    }
    case 'blob': {
      const s = c.next();
      if (s.kind !== 'text') return c.fail(`expected a text literal after blob but found ${describe(s)}`, s.at);
      return { k: 'blob', bytes: s.bytes, at };
    }
    case 'record':
      return { k: 'record', fields: parseFields(c, false, depth), at };
    case 'variant': {
      const fields = parseFields(c, true, depth);
      if (fields.length !== 1) c.fail('a variant value has exactly one field', at);
      return { k: 'variant', field: fields[0]!, at };
    }
    case 'principal':
    case 'service': {
      const p = principalText(c);
      return t.text === 'principal' ? { k: 'principal', v: p, at } : { k: 'service', v: p, at };
    }
    case 'func': {
      const p = principalText(c);
      c.expectPunct('.');
      const m = c.next();
      if (m.kind !== 'id' && m.kind !== 'text') return c.fail(`expected a method name but found ${describe(m)}`, m.at);
      return { k: 'func', v: p, method: m.kind === 'id' ? m.text : textOf(c.source, m), at };
    }
    default:
      return c.fail(`expected a value but found '${t.text}'`, at);
  }
}

function signed(c: Cursor, sign: string, at: number): Value {
  const t = c.next();
  if (t.kind === 'nat') return { k: 'number', v: sign === '-' ? -BigInt(t.text) : BigInt(t.text), at };
  if (t.kind === 'float') return { k: 'float64', v: sign === '-' ? -Number(t.text) : Number(t.text), at };
  return c.fail(`expected a number after '${sign}' but found ${describe(t)}`, t.at);
}

function principalText(c: Cursor): Principal {
  const s = c.next();
  if (s.kind !== 'text') return c.fail(`expected a text literal but found ${describe(s)}`, s.at);
  const text = textOf(c.source, s);
  try {
    return Principal.fromText(text);
  } catch {
    return c.fail(`invalid principal ${JSON.stringify(text)}`, s.at);
  }
}

function fieldId(c: Cursor, digits: string, at: number): number {
  const id = BigInt(digits);
  if (id >= 2n ** 32n) c.fail(`field id ${digits} is larger than 2^32 - 1`, at);
  return Number(id);
}

function parseFields(c: Cursor, variant: boolean, depth: number): Field[] {
  c.expectPunct('{');
  const fields: Field[] = [];
  let next = 0;
  while (!c.isPunct('}')) {
    const t = c.peek();
    let field: Field;
    if (t.kind === 'nat' && c.isPunct('=', 1)) {
      c.next();
      c.next();
      field = { id: fieldId(c, t.text, t.at), value: parseAnnVal(c, depth + 1) };
    } else if ((t.kind === 'id' || t.kind === 'text') && c.isPunct('=', 1)) {
      c.next();
      c.next();
      const name = t.kind === 'id' ? t.text : textOf(c.source, t);
      field = { id: idlLabelToId(name), name, value: parseAnnVal(c, depth + 1) };
    } else if (variant && (t.kind === 'id' || t.kind === 'text' || t.kind === 'nat')) {
      c.next();
      const name = t.kind === 'id' ? t.text : t.kind === 'text' ? textOf(c.source, t) : undefined;
      const id = name === undefined ? fieldId(c, (t as { text: string }).text, t.at) : idlLabelToId(name);
      field = name === undefined ? { id, value: { k: 'null', at: t.at } } : { id, name, value: { k: 'null', at: t.at } };
    } else if (!variant) {
      field = { id: next, value: parseAnnVal(c, depth + 1) };
    } else return c.fail(`expected a variant field but found ${describe(t)}`, t.at);
    if (fields.some((f) => f.id === field.id)) c.fail(`duplicate field ${field.name ?? field.id}`, t.at);
    fields.push(field);
    next = field.id + 1;
    if (!c.eatPunct(';')) break;
  }
  c.expectPunct('}');
  return fields.sort((a, b) => a.id - b.id);
}
