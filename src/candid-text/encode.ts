// Values to binary Candid: checked against the given types (or, with none,
// typed by inference as didc does: an untyped number is an `int`), turned into
// the JavaScript form `@dfinity/candid` encodes, and encoded by it.
import { IDL } from '@dfinity/candid';
import { annotate } from './annotate.ts';
import { typeText } from './printer.ts';
import { CandidTextError } from './result.ts';
import { view } from './types-view.ts';
import type { Value } from './value.ts';

export function encodeValues(values: readonly Value[], types: readonly IDL.Type[] | undefined, source: string): Uint8Array {
  let tys: IDL.Type[];
  let typed: Value[];
  if (types === undefined) {
    tys = values.map(infer);
    typed = values.map((v, i) => annotate(v, tys[i]!, { fromParser: true, source, where: `argument ${i + 1}` }));
  } else {
    if (values.length > types.length) {
      throw new CandidTextError(`wrong number of argument values: expected ${types.length}, got ${values.length}`);
    }
    tys = [...types];
    typed = types.map((t, i) => {
      const v = values[i];
      if (v !== undefined) return annotate(v, t, { fromParser: true, source, where: `argument ${i + 1}` });
      const k = view(t).k;
      if (k === 'opt') return { k: 'none' };
      if (k === 'null') return { k: 'null' };
      if (k === 'reserved') return { k: 'reserved' };
      throw new CandidTextError(`omitted values cannot be of type ${typeText(t)} (argument ${i + 1})`);
    });
  }
  return IDL.encode(tys, typed.map((v, i) => toJs(v, tys[i]!)));
}

/** The type of an unannotated value (the Rust library's `value_ty`). */
export function infer(v: Value): IDL.Type {
  switch (v.k) {
    case 'null': return IDL.Null;
    case 'reserved': return IDL.Reserved;
    case 'bool': return IDL.Bool;
    case 'number': case 'int': return IDL.Int;
    case 'nat': return IDL.Nat;
    case 'nat8': return IDL.Nat8;
    case 'nat16': return IDL.Nat16;
    case 'nat32': return IDL.Nat32;
    case 'nat64': return IDL.Nat64;
    case 'int8': return IDL.Int8;
    case 'int16': return IDL.Int16;
    case 'int32': return IDL.Int32;
    case 'int64': return IDL.Int64;
    case 'float32': return IDL.Float32;
    case 'float64': return IDL.Float64;
    case 'text': return IDL.Text;
    case 'none': return IDL.Opt(IDL.Empty);
    case 'opt': return IDL.Opt(infer(v.v));
    case 'blob': return IDL.Vec(IDL.Nat8);
    case 'vec': return IDL.Vec(v.items.length === 0 ? IDL.Empty : infer(v.items[0]!));
    case 'record': return IDL.Record(Object.fromEntries(v.fields.map((f) => [f.name ?? `_${f.id}_`, infer(f.value)])));
    case 'variant': return IDL.Variant({ [v.field.name ?? `_${v.field.id}_`]: infer(v.field.value) });
    case 'principal': return IDL.Principal;
    case 'service': return IDL.Service({});
    case 'func': return IDL.Func([], []);
  }
}

/** A typed value in the form `IDL.encode` takes for `t`. */
function toJs(v: Value, t: IDL.Type): unknown {
  switch (v.k) {
    case 'null': case 'reserved': return null;
    case 'bool': case 'text': case 'float32': case 'float64': return v.v;
    case 'nat': case 'int': case 'nat64': case 'int64': case 'number': return v.v;
    case 'nat8': case 'nat16': case 'nat32': case 'int8': case 'int16': case 'int32': return Number(v.v);
    case 'none': return [];
    case 'opt': {
      const ty = view(t);
      return [toJs(v.v, ty.k === 'opt' ? ty.inner : t)];
    }
    case 'blob': return v.bytes;
    case 'vec': {
      const ty = view(t);
      return v.items.map((x) => toJs(x, ty.k === 'vec' ? ty.inner : t));
    }
    case 'record': {
      const ty = view(t);
      if (ty.k !== 'record') throw new CandidTextError('internal: record value without a record type');
      const byId = new Map(v.fields.map((f) => [f.id, f.value]));
      const js = ty.fields.map((f) => [f.key, toJs(byId.get(f.id) ?? { k: 'none' }, f.type)] as const);
      return ty.tuple ? js.map(([, x]) => x) : Object.fromEntries(js);
    }
    case 'variant': {
      const ty = view(t);
      const f = ty.k === 'variant' ? ty.fields.find((x) => x.id === v.field.id) : undefined;
      if (f === undefined) throw new CandidTextError('internal: variant value without its field type');
      return { [f.key]: toJs(v.field.value, f.type) };
    }
    case 'principal': case 'service': return v.v;
    case 'func': return [v.v, v.method];
  }
}
