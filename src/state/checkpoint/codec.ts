/**
 * The checkpoint's binary building blocks: a writer and a reader of the
 * canonical primitives (`canonical-encoder.ts`: LEB128 naturals, zig-zag
 * integers, length-prefixed bytes and UTF-8 strings, one-byte booleans,
 * big-endian f64) and codecs composed from them.
 *
 * Coverage is checked by the compiler: `struct` takes one codec for every
 * property of its type (optional ones included) and `variant` one table per
 * `kind` of a union, so a field or a variant added to a state type and not
 * encoded is a type error here.
 *
 * Reading never trusts its input: a length past the end, a bad tag, a
 * number out of range all throw {@link CheckpointFormatError}, which the
 * top level turns into an error value (the half-built state is dropped).
 */
import { CanonicalEncoder } from '../canonical-encoder.ts';

/** A damaged or truncated encoding (caught at the top level; never escapes `decodeState`). */
export class CheckpointFormatError extends Error {
  override readonly name = 'CheckpointFormatError';
}

const fail = (message: string): never => { throw new CheckpointFormatError(message); };

/** Writes the canonical primitives (see the module header). */
export class Writer extends CanonicalEncoder {}

/** Reads what {@link Writer} wrote; every read is bounds-checked. */
export class Reader {
  readonly #b: Uint8Array;
  #pos = 0;

  constructor(bytes: Uint8Array) {
    this.#b = bytes;
  }

  get position(): number { return this.#pos; }
  get remaining(): number { return this.#b.length - this.#pos; }

  byte(): number {
    if (this.#pos >= this.#b.length) fail('unexpected end of the encoding');
    return this.#b[this.#pos++];
  }

  raw(n: number): Uint8Array {
    if (n > this.remaining) fail(`a field of ${n} bytes runs past the end (${this.remaining} left)`);
    const out = this.#b.slice(this.#pos, this.#pos + n);
    this.#pos += n;
    return out;
  }

  nat(): bigint {
    let v = 0n;
    let shift = 0n;
    for (;;) {
      const byte = this.byte();
      v |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) {
        if (byte === 0 && shift > 0n) fail('a non-canonical LEB128 number');
        return v;
      }
      shift += 7n;
      if (shift > 7n * 40n) fail('a LEB128 number of more than 280 bits');
    }
  }

  /** A natural that must fit a safe JavaScript number (counts, lengths, sizes). */
  small(max = Number.MAX_SAFE_INTEGER): number {
    const v = this.nat();
    if (v > BigInt(max)) fail(`${v} is above ${max}`);
    return Number(v);
  }

  int(): bigint {
    const z = this.nat();
    return (z & 1n) === 0n ? z >> 1n : -((z + 1n) >> 1n);
  }

  bytes(): Uint8Array { return this.raw(this.small()); }
  str(): string {
    const b = this.bytes();
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(b);
    } catch {
      return fail('a string that is not UTF-8');
    }
  }

  bool(): boolean {
    const b = this.byte();
    if (b > 1) fail(`a boolean byte ${b}`);
    return b === 1;
  }

  f64(): number {
    return new DataView(this.raw(8).buffer).getFloat64(0, false);
  }

  /** Fails unless every byte was read. */
  end(what: string): void {
    if (this.remaining !== 0) fail(`${this.remaining} bytes left over after ${what}`);
  }
}

/** Encodes and decodes values of one type. `W`/`R` carry the context (object sink, source). */
export interface Codec<T, W extends Writer = Writer, R extends Reader = Reader> {
  enc(w: W, v: T): void;
  dec(r: R): T;
  /** A property with this codec is left out of a decoded object when undefined (`x?: T`). */
  readonly omitUndefined?: boolean;
}

export const nat: Codec<bigint> = { enc: (w, v) => { w.nat(v); }, dec: (r) => r.nat() };
export const int: Codec<bigint> = { enc: (w, v) => { w.int(v); }, dec: (r) => r.int() };
export const small: Codec<number> = {
  enc: (w, v) => {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`not a count: ${v}`);
    w.nat(v);
  },
  dec: (r) => r.small(),
};
export const bool: Codec<boolean> = { enc: (w, v) => { w.bool(v); }, dec: (r) => r.bool() };
export const bytes: Codec<Uint8Array> = { enc: (w, v) => { w.bytes(v); }, dec: (r) => r.bytes() };
export const str: Codec<string> = { enc: (w, v) => { w.str(v); }, dec: (r) => r.str() };
export const f64: Codec<number> = { enc: (w, v) => { w.f64(v); }, dec: (r) => r.f64() };

/** A natural read back as a branded bigint type (`Time`, `Height`). */
export const natAs = <T extends bigint>(): Codec<T> => nat as Codec<bigint> as Codec<T>;

/** A number (f64) or a bigint (zig-zag), tagged: persisted global values. */
export const numberOrBigint: Codec<number | bigint> = {
  enc: (w, v) => { if (typeof v === 'bigint') w.bool(true).int(v); else w.bool(false).f64(v); },
  dec: (r) => (r.bool() ? r.int() : r.f64()),
};

/** One of the string literals of `values` (a `Record` so the compiler checks every member is listed). */
export function literal<T extends string>(values: Readonly<Record<T, true>>): Codec<T> {
  const all = new Set<string>(Object.keys(values));
  return {
    enc: (w, v) => { w.str(v); },
    dec: (r) => {
      const s = r.str();
      return all.has(s) ? s as T : fail(`unknown value '${s}' (expected one of ${[...all].join(', ')})`);
    },
  };
}

/** `undefined` or a value: a presence byte, then the value. The property stays present when undefined. */
export function opt<T, W extends Writer, R extends Reader>(c: Codec<T, W, R>): Codec<T | undefined, W, R> {
  return {
    enc: (w, v) => { w.bool(v !== undefined); if (v !== undefined) c.enc(w, v); },
    dec: (r) => (r.bool() ? c.dec(r) : undefined),
  };
}

/** Like {@link opt}, for an optional property (`x?: T`): absent from the decoded object when undefined. */
export function optional<T, W extends Writer, R extends Reader>(c: Codec<T, W, R>): Codec<T | undefined, W, R> {
  return { ...opt(c), omitUndefined: true };
}

/** A list in the order given. */
export function list<T, W extends Writer, R extends Reader>(c: Codec<T, W, R>): Codec<readonly T[], W, R> {
  return {
    enc: (w, xs) => { w.nat(xs.length); for (const x of xs) c.enc(w, x); },
    dec: (r) => {
      const n = r.small();
      if (n > r.remaining) fail(`a list of ${n} items in ${r.remaining} bytes`);
      const out: T[] = [];
      for (let i = 0; i < n; i++) out.push(c.dec(r));
      return out;
    },
  };
}

/** A pair. */
export function pair<A, B, W extends Writer, R extends Reader>(a: Codec<A, W, R>, b: Codec<B, W, R>): Codec<readonly [A, B], W, R> {
  return { enc: (w, [x, y]) => { a.enc(w, x); b.enc(w, y); }, dec: (r) => [a.dec(r), b.dec(r)] as const };
}

/** A codec of `B` through a codec of `A` (`to` checks what it reads: throw {@link CheckpointFormatError}). */
export function mapped<A, B, W extends Writer, R extends Reader>(c: Codec<A, W, R>, from: (b: B) => A, to: (a: A) => B): Codec<B, W, R> {
  return { enc: (w, v) => { c.enc(w, from(v)); }, dec: (r) => to(c.dec(r)) };
}

/** One codec per property of `T`, optional ones included. */
export type Fields<T, W extends Writer = Writer, R extends Reader = Reader> = { readonly [K in keyof T]-?: Codec<T[K], W, R> };

/**
 * A record: its properties in the order of `fields`. Decoded objects are
 * plain (mutable) unless `freeze`: freeze where the state's own builders
 * freeze (messages, statuses), so a decoded state behaves as the original.
 */
export function struct<T extends object, W extends Writer = Writer, R extends Reader = Reader>(
  fields: Fields<T, W, R>, opts: { readonly freeze?: boolean } = {},
): Codec<T, W, R> {
  const entries = Object.entries(fields) as [keyof T & string, Codec<unknown, W, R>][];
  return {
    enc: (w, v) => { for (const [k, c] of entries) c.enc(w, v[k]); },
    dec: (r) => {
      const out: Record<string, unknown> = {};
      for (const [k, c] of entries) {
        const x = c.dec(r);
        if (x !== undefined || c.omitUndefined !== true) out[k] = x;
      }
      return (opts.freeze === true ? Object.freeze(out) : out) as T;
    },
  };
}

/** The members of `T` whose `kind` admits `K` (a member may list several kinds). */
type Member<T, K> = T extends { readonly kind: infer U } ? (K extends U ? T : never) : never;
type Case<T, K> = Omit<Member<T, K>, 'kind'>;
/** One field table per `kind` of a union. */
export type Cases<T extends { readonly kind: string }, W extends Writer = Writer, R extends Reader = Reader> = {
  readonly [K in T['kind']]: Fields<Case<T, K>, W, R>;
};

/** A tagged union: its `kind` as a string, then that case's fields (decoded with `kind` first; `freeze` as for {@link struct}). */
export function variant<T extends { readonly kind: string }, W extends Writer = Writer, R extends Reader = Reader>(
  cases: Cases<T, W, R>, opts: { readonly freeze?: boolean } = {},
): Codec<T, W, R> {
  const table = new Map<string, Codec<object, W, R>>();
  for (const [k, fields] of Object.entries(cases) as [string, Fields<object, W, R>][]) {
    const body = struct<object, W, R>(fields);
    table.set(k, body);
  }
  return {
    enc: (w, v) => {
      const body = table.get(v.kind);
      if (body === undefined) throw new RangeError(`no codec for the variant '${v.kind}'`);
      w.str(v.kind);
      body.enc(w, v);
    },
    dec: (r) => {
      const kind = r.str();
      const body = table.get(kind) ?? fail(`unknown variant '${kind}'`);
      const out = { kind, ...body.dec(r) };
      return (opts.freeze === true ? Object.freeze(out) : out) as unknown as T;
    },
  };
}

/** A codec defined later (recursive or mutually dependent codecs). */
export function lazy<T, W extends Writer, R extends Reader>(get: () => Codec<T, W, R>): Codec<T, W, R> {
  return { enc: (w, v) => { get().enc(w, v); }, dec: (r) => get().dec(r) };
}

/** Throws {@link CheckpointFormatError} (for `mapped` and hand-written decoders). */
export function formatError(message: string): never {
  return fail(message);
}
