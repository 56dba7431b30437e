// Binary Candid read without knowing its types (spec: "Binary Format"): the
// message's type table becomes `IDL` types (one `IDL.Rec` per entry, so
// recursive tables work), then the values are read by those types. Strict and
// bounded: every count and length is checked against the bytes left, nesting
// (200), the number of values (2,000,000; a vector of zero-size elements
// counts them all at once) and a number's LEB128 length (8 KiB) are capped,
// LEB128 is read in linear time, trailing bytes are refused; a malformed
// message is an error, never a throw past the entry point or a hang.
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { CandidTextError } from './result.ts';
import { view } from './types-view.ts';
import type { Field, NumKind, Value } from './value.ts';

const MAX_DEPTH = 5000;
const MAX_VALUES = 2_000_000;
const MAX_PRINCIPAL = 29;
/** Bounds the time to print a nat or int (~20,000 decimal digits); no real message comes near. */
const MAX_LEB_BYTES = 8192;

const PRIMS = new Map<number, IDL.Type>([
  [-1, IDL.Null], [-2, IDL.Bool], [-3, IDL.Nat], [-4, IDL.Int], [-5, IDL.Nat8], [-6, IDL.Nat16],
  [-7, IDL.Nat32], [-8, IDL.Nat64], [-9, IDL.Int8], [-10, IDL.Int16], [-11, IDL.Int32], [-12, IDL.Int64],
  [-13, IDL.Float32], [-14, IDL.Float64], [-15, IDL.Text], [-16, IDL.Reserved], [-17, IDL.Empty], [-24, IDL.Principal],
]);

export interface WireMessage {
  readonly types: readonly IDL.Type[];
  readonly values: readonly Value[];
}

export function readMessage(bytes: Uint8Array): WireMessage {
  const r = new Reader(bytes);
  if (bytes.length < 4 || r.bytes(4).some((b, i) => b !== 'DIDL'.charCodeAt(i))) r.fail('wrong magic number (not a Candid message)');
  const table = readTable(r);
  const argCount = r.count();
  const types: IDL.Type[] = [];
  for (let i = 0; i < argCount; i++) types.push(table.ref(r.sleb()));
  const values = types.map((t) => readValue(r, t, 0));
  if (r.pos !== bytes.length) r.fail(`${bytes.length - r.pos} trailing bytes after the arguments`);
  return { types, values };
}

function readTable(r: Reader): { ref: (code: number) => IDL.Type } {
  const count = r.count();
  const recs = Array.from({ length: count }, () => IDL.Rec());
  const ref = (code: number): IDL.Type => {
    if (code >= 0) {
      if (code >= count) r.fail(`type index ${code} out of range`);
      return recs[code]!;
    }
    const p = PRIMS.get(code);
    if (p === undefined) r.fail(`unknown type code ${code}`);
    return p;
  };
  const funcs = new Set<number>();
  const pending: (() => void)[] = [];
  for (let i = 0; i < count; i++) {
    const op = r.sleb();
    switch (op) {
      case -18:
      case -19: {
        const inner = r.sleb();
        pending.push(() => recs[i]!.fill(op === -18 ? IDL.Opt(ref(inner)) : IDL.Vec(ref(inner))));
        break;
      }
      case -20:
      case -21: {
        const n = r.count();
        const fields: [number, number][] = [];
        for (let j = 0; j < n; j++) {
          const id = r.u32();
          if (j > 0 && id <= fields[j - 1]![0]) r.fail('record or variant field ids are not strictly increasing');
          fields.push([id, r.sleb()]);
        }
        pending.push(() => {
          const obj = Object.fromEntries(fields.map(([id, t]) => [`_${id}_`, ref(t)]));
          recs[i]!.fill(op === -20 ? IDL.Record(obj) : IDL.Variant(obj));
        });
        break;
      }
      case -22: {
        const args = Array.from({ length: r.count() }, () => r.sleb());
        const rets = Array.from({ length: r.count() }, () => r.sleb());
        const modes = Array.from({ length: r.count() }, () => {
          const m = r.byte();
          if (m < 1 || m > 3) r.fail(`unknown function annotation ${m}`);
          return ['query', 'oneway', 'composite_query'][m - 1]!;
        });
        funcs.add(i);
        pending.push(() => recs[i]!.fill(IDL.Func(args.map(ref) as [], rets.map(ref) as [], modes)));
        break;
      }
      case -23: {
        const n = r.count();
        const methods: [string, number][] = [];
        for (let j = 0; j < n; j++) {
          const name = r.text();
          if (j > 0 && !(name > methods[j - 1]![0])) r.fail('service method names are not strictly increasing');
          methods.push([name, r.sleb()]);
        }
        pending.push(() => {
          for (const [, t] of methods) if (!funcs.has(t)) r.fail('a service method type is not a function type');
          recs[i]!.fill(IDL.Service(Object.fromEntries(methods.map(([m, t]) => [m, recs[t] as unknown as IDL.FuncClass]))));
        });
        break;
      }
      default:
        r.fail(`unsupported type opcode ${op} in the type table`);
    }
  }
  for (const p of pending) p();
  return { ref };
}

function readValue(r: Reader, t: IDL.Type, depth: number): Value {
  if (depth > MAX_DEPTH) r.fail('value nested too deeply');
  if (++r.values > MAX_VALUES) r.fail('too many values');
  const ty = view(t);
  switch (ty.k) {
    case 'null': return { k: 'null' };
    case 'reserved': return { k: 'reserved' };
    case 'empty': return r.fail('cannot decode a value of type empty');
    case 'bool': {
      const b = r.byte();
      if (b > 1) r.fail(`invalid bool byte ${b}`);
      return { k: 'bool', v: b === 1 };
    }
    case 'nat': return { k: 'nat', v: r.uleb() };
    case 'int': return { k: 'int', v: r.slebBig() };
    case 'float32': return { k: 'float32', v: r.view(4).getFloat32(0, true) };
    case 'float64': return { k: 'float64', v: r.view(8).getFloat64(0, true) };
    case 'text': return { k: 'text', v: r.text() };
    case 'principal': return { k: 'principal', v: r.principal() };
    case 'opt': {
      const b = r.byte();
      if (b > 1) r.fail(`invalid opt tag ${b}`);
      return b === 0 ? { k: 'none' } : { k: 'opt', v: readValue(r, ty.inner, depth + 1) };
    }
    case 'vec': {
      const n = r.len();
      const elem = view(ty.inner).k;
      if (elem === 'nat8') return { k: 'blob', bytes: r.bytes(n).slice() };
      if (n > 0 && zeroSized(ty.inner, new Set())) {
        // Elements of no bytes are all the same value: read one, count them all.
        if ((r.values += n) > MAX_VALUES) r.fail('too many values');
        return { k: 'vec', items: new Array<Value>(n).fill(readValue(r, ty.inner, depth + 1)) };
      }
      const items: Value[] = [];
      for (let i = 0; i < n; i++) items.push(readValue(r, ty.inner, depth + 1));
      return { k: 'vec', items };
    }
    case 'record':
      return { k: 'record', fields: ty.fields.map((f): Field => ({ id: f.id, value: readValue(r, f.type, depth + 1) })) };
    case 'variant': {
      const i = r.len();
      const f = ty.fields[i];
      if (f === undefined) return r.fail(`variant index ${i} out of range`);
      return { k: 'variant', field: { id: f.id, value: readValue(r, f.type, depth + 1) } };
    }
    case 'func': {
      if (r.byte() !== 1) r.fail('opaque function references are not supported');
      const v = r.principal();
      return { k: 'func', v, method: r.text() };
    }
    case 'service': return { k: 'service', v: r.principal() };
    default: {
      const k = ty.k as NumKind;
      const bits = Number(k.slice(3)) / 8;
      const d = r.view(bits);
      const signed = k.startsWith('int');
      const v = bits === 1 ? (signed ? d.getInt8(0) : d.getUint8(0))
        : bits === 2 ? (signed ? d.getInt16(0, true) : d.getUint16(0, true))
        : bits === 4 ? (signed ? d.getInt32(0, true) : d.getUint32(0, true))
        : signed ? d.getBigInt64(0, true) : d.getBigUint64(0, true);
      return { k, v: BigInt(v) };
    }
  }
}

/** Types whose values take no bytes: null, reserved, and records of those. */
function zeroSized(t: IDL.Type, seen: Set<IDL.Type>): boolean {
  if (seen.has(t)) return false;
  seen.add(t);
  const v = view(t);
  return v.k === 'null' || v.k === 'reserved' || (v.k === 'record' && v.fields.every((f) => zeroSized(f.type, seen)));
}

class Reader {
  pos = 0;
  values = 0;
  private readonly buf: Uint8Array;
  constructor(buf: Uint8Array) {
    this.buf = buf;
  }

  fail(message: string): never {
    throw new CandidTextError(`invalid Candid message at byte ${this.pos}: ${message}`);
  }

  byte(): number {
    if (this.pos >= this.buf.length) this.fail('unexpected end of message');
    return this.buf[this.pos++]!;
  }

  bytes(n: number): Uint8Array {
    if (n > this.buf.length - this.pos) this.fail('unexpected end of message');
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  view(n: number): DataView {
    const b = this.bytes(n);
    return new DataView(b.buffer, b.byteOffset, n);
  }

  uleb(): bigint {
    return this.leb(false);
  }

  slebBig(): bigint {
    return this.leb(true);
  }

  /** LEB128 of any length in linear time (long ones through a binary string, not repeated shifts). */
  private leb(signed: boolean): bigint {
    const start = this.pos;
    while (this.byte() & 0x80) {
      if (this.pos - start >= MAX_LEB_BYTES) this.fail(`number longer than ${MAX_LEB_BYTES} LEB128 bytes`);
    }
    const n = this.pos - start;
    const last = this.buf[this.pos - 1]!;
    let v: bigint;
    if (n <= 7) {
      let x = 0;
      for (let i = n - 1; i >= 0; i--) x = x * 128 + (this.buf[start + i]! & 0x7f);
      v = BigInt(x);
    } else {
      let bits = '';
      for (let i = n - 1; i >= 0; i--) bits += (this.buf[start + i]! & 0x7f).toString(2).padStart(7, '0');
      v = BigInt('0b' + bits);
    }
    return signed && last & 0x40 ? v - (1n << BigInt(7 * n)) : v;
  }

  sleb(): number {
    const start = this.pos;
    const v = this.slebBig();
    if (this.pos - start > 5 || v < -(2n ** 31n) || v >= 2n ** 31n) this.fail('type code out of range');
    return Number(v);
  }

  u32(): number {
    const v = this.uleb();
    if (v >= 2n ** 32n) this.fail('field id larger than 2^32 - 1');
    return Number(v);
  }

  /** A count or length: never more than the bytes left could hold, except for zero-sized elements (bounded by MAX_VALUES). */
  len(): number {
    const v = this.uleb();
    if (v >= 2n ** 32n) this.fail('length larger than 2^32 - 1');
    return Number(v);
  }

  /** A count of things each at least one byte long. */
  count(): number {
    const n = this.len();
    if (n > this.buf.length - this.pos) this.fail(`count ${n} larger than the message`);
    return n;
  }

  text(): string {
    const b = this.bytes(this.len());
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(b);
    } catch {
      return this.fail('text is not valid UTF-8');
    }
  }

  principal(): Principal {
    if (this.byte() !== 1) this.fail('opaque references are not supported');
    const n = this.len();
    if (n > MAX_PRINCIPAL) this.fail(`principal longer than ${MAX_PRINCIPAL} bytes`);
    return Principal.fromUint8Array(this.bytes(n).slice());
  }
}
