// A value checked against an `IDL` type (the Rust library's `annotate_type`):
// from text (`fromParser`) number literals take the expected number type and
// `null` fits an `opt`; from binary the spec's liberal option rules apply (a
// value that does not fit under `opt` becomes `null`). Field names come from
// the type. Errors name the value's position and the argument.
import type { IDL } from '@dfinity/candid';
import { position } from './lexer.ts';
import { printValueFlat, typeText } from './printer.ts';
import { CandidTextError } from './result.ts';
import { view } from './types-view.ts';
import type { Field, NumKind, Value } from './value.ts';
import { NUM_KINDS, numRange } from './value.ts';

export interface AnnotateContext {
  readonly fromParser: boolean;
  /** The text the values were parsed from, for `line:col` in errors. */
  readonly source?: string;
  /** Appended to errors, e.g. `(argument 2)`. */
  readonly where?: string;
  /** Under `opt` when decoding an error only means `null`: skip composing its message. */
  readonly quiet?: boolean;
}

const MAX_DEPTH = 5000;

export function annotate(v: Value, t: IDL.Type, cx: AnnotateContext, depth = 0): Value {
  if (depth > MAX_DEPTH) throw new CandidTextError('value nested too deeply');
  const ty = view(t);
  const at = v.at;
  const mismatch = (): never => fail(cx, at, cx.quiet === true ? '' : `type mismatch: ${short(printValueFlat(v))} cannot be of type ${short(typeText(t))}`);
  if (ty.k === 'reserved') return { k: 'reserved' };
  if (v.k === 'number' && cx.fromParser) {
    if ((NUM_KINDS as readonly string[]).includes(ty.k)) {
      const k = ty.k as NumKind;
      const { min, max } = numRange(k);
      if ((min !== undefined && v.v < min) || (max !== undefined && v.v > max)) {
        fail(cx, at, `${v.v} is out of range for ${k}`);
      }
      return { k, v: v.v };
    }
    if (ty.k === 'float32') return { k: 'float32', v: Math.fround(Number(v.v)) };
    if (ty.k === 'float64') return { k: 'float64', v: Number(v.v) };
    return mismatch();
  }
  if (v.k === 'float64' && ty.k === 'float32' && cx.fromParser) return { k: 'float32', v: Math.fround(v.v) };
  if (v.k === 'nat' && ty.k === 'int') return { k: 'int', v: v.v };
  if (v.k === ty.k && isScalar(v.k)) return stripAt(v);
  switch (ty.k) {
    case 'opt':
      if (v.k === 'null' || v.k === 'reserved' || v.k === 'none') return { k: 'none' };
      if (cx.fromParser) return v.k === 'opt' ? { k: 'opt', v: annotate(v.v, ty.inner, cx, depth + 1) } : mismatch();
      if (v.k === 'opt') return tryOpt(v.v, ty.inner, cx, depth);
      if (['null', 'reserved', 'opt'].includes(view(ty.inner).k)) return { k: 'none' };
      return tryOpt(v, ty.inner, cx, depth);
    case 'vec': {
      const elem = view(ty.inner).k;
      if (v.k === 'blob') return elem === 'nat8' ? { k: 'blob', bytes: v.bytes } : mismatch();
      if (v.k !== 'vec') return mismatch();
      const items = v.items.map((x) => annotate(x, ty.inner, cx, depth + 1));
      if (elem === 'nat8') return { k: 'blob', bytes: Uint8Array.from(items, (x) => Number((x as { v: bigint }).v)) };
      return { k: 'vec', items };
    }
    case 'record': {
      if (v.k !== 'record') return mismatch();
      const fields: Field[] = [];
      for (const f of ty.fields) {
        const found = v.fields.find((x) => x.id === f.id);
        const fk = view(f.type).k;
        let fv: Value;
        if (found !== undefined) fv = annotate(found.value, f.type, cx, depth + 1);
        else if (fk === 'opt') fv = { k: 'none' };
        else if (fk === 'reserved') fv = { k: 'reserved' };
        else return fail(cx, at, `record field ${f.name ?? f.id} not found`);
        fields.push(f.name === undefined ? { id: f.id, value: fv } : { id: f.id, name: f.name, value: fv });
      }
      return { k: 'record', fields };
    }
    case 'variant': {
      if (v.k !== 'variant') return mismatch();
      const f = ty.fields.find((x) => x.id === v.field.id);
      if (f === undefined) return fail(cx, at, `variant field ${v.field.name ?? v.field.id} not found`);
      const value = annotate(v.field.value, f.type, cx, depth + 1);
      return { k: 'variant', field: f.name === undefined ? { id: f.id, value } : { id: f.id, name: f.name, value } };
    }
    case 'principal':
    case 'service':
    case 'func':
      return v.k === ty.k ? stripAt(v) : mismatch();
    default:
      return mismatch();
  }
}

function tryOpt(v: Value, inner: IDL.Type, cx: AnnotateContext, depth: number): Value {
  try {
    return { k: 'opt', v: annotate(v, inner, cx.quiet === true ? cx : { ...cx, quiet: true }, depth + 1) };
  } catch (e) {
    if (e instanceof CandidTextError) return { k: 'none' };
    throw e;
  }
}

function isScalar(k: Value['k']): boolean {
  return k === 'null' || k === 'bool' || k === 'text' || k === 'float32' || k === 'float64' || (NUM_KINDS as readonly string[]).includes(k);
}

function stripAt(v: Value): Value {
  if (v.at === undefined) return v;
  const { at: _at, ...rest } = v;
  return rest as Value;
}

function short(s: string): string {
  return s.length > 120 ? s.slice(0, 117) + '…' : s;
}

function fail(cx: AnnotateContext, at: number | undefined, message: string): never {
  if (cx.quiet === true) throw new CandidTextError(message);
  const pos = at !== undefined && cx.source !== undefined ? `${position(cx.source, at)}: ` : '';
  const where = cx.where === undefined ? '' : ` (${cx.where})`;
  throw new CandidTextError(`${pos}${message}${where}`);
}
