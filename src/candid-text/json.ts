// A value as JSON for scripts (`--json`): nat, int, nat64 and int64 as decimal
// strings; smaller numbers and floats as numbers (non-finite floats as the
// strings "NaN", "inf", "-inf"); principals, services as their text; blobs as
// hex; `opt` as `[]` or `[v]` and variants as `{ tag: v }` (the agent's
// JavaScript forms); records as objects keyed by field name (or the numeric id
// when the name is unknown), tuples as arrays; funcs as `[principal, method]`.
import type { Value } from './value.ts';

export function valueToJson(v: Value): unknown {
  switch (v.k) {
    case 'null': case 'reserved': return null;
    case 'bool': case 'text': return v.v;
    case 'number': case 'nat': case 'int': case 'nat64': case 'int64': return v.v.toString();
    case 'nat8': case 'nat16': case 'nat32': case 'int8': case 'int16': case 'int32': return Number(v.v);
    case 'float32': case 'float64':
      return Number.isFinite(v.v) ? v.v : Number.isNaN(v.v) ? 'NaN' : v.v > 0 ? 'inf' : '-inf';
    case 'none': return [];
    case 'opt': return [valueToJson(v.v)];
    case 'blob': return Buffer.from(v.bytes).toString('hex');
    case 'vec': return v.items.map(valueToJson);
    case 'record':
      if (v.fields.length > 0 && v.fields.every((f, i) => f.id === i && f.name === undefined)) return v.fields.map((f) => valueToJson(f.value));
      return Object.fromEntries(v.fields.map((f) => [f.name ?? String(f.id), valueToJson(f.value)]));
    case 'variant': return { [v.field.name ?? String(v.field.id)]: valueToJson(v.field.value) };
    case 'principal': case 'service': return v.v.toText();
    case 'func': return [v.v.toText(), v.method];
  }
}
