// A uniform view of `IDL` types: which kind a type is and its parts, with
// `IDL.Rec` followed. `typeName` is compared rather than `instanceof`, so
// types built by another copy of @dfinity/candid are understood too.
import { IDL, idlLabelToId } from '@dfinity/candid';
import { CandidTextError } from './result.ts';
import type { NumKind } from './value.ts';

export interface FieldType {
  readonly id: number;
  /** The IDL field name (`_5_` for a numeric label). */
  readonly key: string;
  /** The name to print, undefined for numeric labels. */
  readonly name: string | undefined;
  readonly type: IDL.Type;
}

export type TypeView =
  | { readonly k: 'null' | 'bool' | 'text' | 'reserved' | 'empty' | 'principal' | 'float32' | 'float64' }
  | { readonly k: NumKind }
  | { readonly k: 'opt' | 'vec'; readonly inner: IDL.Type }
  | { readonly k: 'record'; readonly fields: readonly FieldType[]; readonly tuple: boolean }
  | { readonly k: 'variant'; readonly fields: readonly FieldType[] }
  | { readonly k: 'func'; readonly func: IDL.FuncClass }
  | { readonly k: 'service'; readonly methods: readonly (readonly [string, IDL.FuncClass])[] };

const N = {
  empty: IDL.Empty.typeName, bool: IDL.Bool.typeName, null: IDL.Null.typeName, reserved: IDL.Reserved.typeName,
  text: IDL.Text.typeName, int: IDL.Int.typeName, nat: IDL.Nat.typeName, float: IDL.Float32.typeName,
  fixedInt: IDL.Int8.typeName, fixedNat: IDL.Nat8.typeName, vec: IDL.Vec(IDL.Null).typeName,
  opt: IDL.Opt(IDL.Null).typeName, record: IDL.Record({}).typeName, tuple: IDL.Tuple().typeName,
  variant: IDL.Variant({}).typeName, rec: IDL.Rec().typeName, principal: IDL.Principal.typeName,
  func: IDL.Func([], []).typeName, service: IDL.Service({}).typeName,
};

const cache = new WeakMap<IDL.Type, TypeView>();

export function view(t: IDL.Type): TypeView {
  const hit = cache.get(t);
  if (hit !== undefined) return hit;
  const v = compute(t);
  cache.set(t, v);
  return v;
}

function compute(t0: IDL.Type): TypeView {
  let t = t0;
  for (let i = 0; t.typeName === N.rec; i++) {
    const inner = (t as IDL.RecClass).getType();
    if (inner === undefined || i > 64) throw new CandidTextError('recursive type was never defined');
    t = inner;
  }
  switch (t.typeName) {
    case N.empty: return { k: 'empty' };
    case N.bool: return { k: 'bool' };
    case N.null: return { k: 'null' };
    case N.reserved: return { k: 'reserved' };
    case N.text: return { k: 'text' };
    case N.int: return { k: 'int' };
    case N.nat: return { k: 'nat' };
    case N.principal: return { k: 'principal' };
    case N.float: return { k: (t as IDL.FloatClass)._bits === 32 ? 'float32' : 'float64' };
    case N.fixedInt: return { k: `int${(t as IDL.FixedIntClass)._bits}` as NumKind };
    case N.fixedNat: return { k: `nat${(t as IDL.FixedNatClass)._bits}` as NumKind };
    case N.vec: return { k: 'vec', inner: (t as IDL.VecClass<unknown>)._type };
    case N.opt: return { k: 'opt', inner: (t as IDL.OptClass<unknown>)._type };
    case N.record:
    case N.tuple: {
      const fields = fieldTypes((t as IDL.RecordClass)._fields);
      return { k: 'record', fields, tuple: t.typeName === N.tuple };
    }
    case N.variant: return { k: 'variant', fields: fieldTypes((t as IDL.VariantClass)._fields) };
    case N.func: return { k: 'func', func: t as IDL.FuncClass };
    case N.service: return { k: 'service', methods: (t as IDL.ServiceClass)._fields };
    default: throw new CandidTextError(`unsupported IDL type ${t.name}`);
  }
}

function fieldTypes(fields: readonly (readonly [string, IDL.Type])[]): FieldType[] {
  return fields
    .map(([key, type]) => {
      const numeric = /^_(\d+|0x[0-9a-fA-F]+)_$/.test(key);
      return { id: labelId(key), key, name: numeric ? undefined : key, type };
    })
    .sort((a, b) => a.id - b.id);
}

export function labelId(key: string): number {
  return idlLabelToId(key);
}

export function isBlobType(t: IDL.Type): boolean {
  const v = view(t);
  return v.k === 'vec' && view(v.inner).k === 'nat8';
}
