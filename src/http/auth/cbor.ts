/**
 * A strict CBOR (RFC 8949) decoder for what arrives at the HTTP boundary:
 * request envelopes, WebAuthn signatures, COSE keys and canister
 * signatures — untrusted bytes, so every length is checked against the
 * input before it is used.
 *
 * Accepted: unsigned and negative integers (always `bigint`), byte and text
 * strings (UTF-8 checked; definite or indefinite length), arrays and maps
 * (definite or indefinite), `false`/`true`/`null`/`undefined`, and the
 * self-describe tag 55799 anywhere (it changes nothing). Refused, with the
 * replica's serde_cbor words where they exist ("… at offset N"): floats and
 * other simple values, every other tag, a `break` out of place, keys other
 * than text or integers, a repeated key, nesting deeper than 128 (serde_cbor's
 * recursion limit; callers may allow more), input ending early, and bytes after the value.
 *
 * `@dfinity/cbor` (what the clients use) is not strict enough for this side:
 * it ignores trailing bytes and truncation, keeps the last of repeated keys
 * and builds plain objects from attacker-chosen keys.
 *
 * Maps decode to `Map`s keyed by `string` (text) or `bigint` (integer keys,
 * as in COSE keys), in the order received.
 */

/** A decoded CBOR value. */
export type CborValue = bigint | Uint8Array | string | boolean | null | undefined | readonly CborValue[] | CborMap;
/** A decoded CBOR map. */
export type CborMap = ReadonlyMap<string | bigint, CborValue>;

/** The decoded value, or why the bytes are not (strict) CBOR. */
export type CborResult = { readonly ok: true; readonly value: CborValue } | { readonly ok: false; readonly error: string };

/** serde_cbor's recursion limit. */
export const CBOR_MAX_DEPTH = 128;

const SELF_DESCRIBE_TAG = 55799n;
const BREAK = Symbol('break');
const utf8 = new TextDecoder('utf-8', { fatal: true });

class CborError extends Error {}

class Reader {
  readonly #bytes: Uint8Array;
  readonly maxDepth: number;
  pos = 0;

  constructor(bytes: Uint8Array, maxDepth: number) {
    this.#bytes = bytes;
    this.maxDepth = maxDepth;
  }

  get done(): boolean {
    return this.pos >= this.#bytes.length;
  }

  fail(what: string, at = this.pos): never {
    throw new CborError(`${what} at offset ${at}`);
  }

  byte(): number {
    if (this.pos >= this.#bytes.length) this.fail('EOF while parsing a value');
    return this.#bytes[this.pos++];
  }

  take(n: bigint): Uint8Array {
    if (n > BigInt(this.#bytes.length - this.pos)) this.fail('EOF while parsing a value', this.#bytes.length);
    const start = this.pos;
    this.pos += Number(n);
    return this.#bytes.slice(start, this.pos);
  }

  /** The argument of an initial byte with additional information `info`; `undefined` for indefinite. */
  argument(info: number): bigint | undefined {
    if (info < 24) return BigInt(info);
    if (info === 31) return undefined;
    if (info > 27) this.fail('unassigned type', this.pos - 1);
    let n = 0n;
    for (const b of this.take(1n << BigInt(info - 24))) n = (n << 8n) | BigInt(b);
    return n;
  }
}

function decodeString(r: Reader, major: 2 | 3, length: bigint | undefined): Uint8Array {
  if (length !== undefined) return r.take(length);
  const chunks: Uint8Array[] = [];
  for (;;) {
    const at = r.pos;
    const initial = r.byte();
    if (initial === 0xff) break;
    if (initial >> 5 !== major) r.fail('unexpected code', at);
    const n = r.argument(initial & 0x1f);
    if (n === undefined) r.fail('unexpected code', at);
    chunks.push(r.take(n));
  }
  const out = new Uint8Array(chunks.reduce((s, c) => s + c.length, 0));
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

function decodeText(r: Reader, length: bigint | undefined): string {
  const at = r.pos;
  const bytes = decodeString(r, 3, length);
  try {
    return utf8.decode(bytes);
  } catch {
    return r.fail('invalid UTF-8', at);
  }
}

function decodeItem(r: Reader, depth: number): CborValue | typeof BREAK {
  if (depth > r.maxDepth) r.fail('recursion limit exceeded');
  const at = r.pos;
  const initial = r.byte();
  const major = initial >> 5;
  const info = initial & 0x1f;
  if (major === 7) {
    switch (info) {
      case 20: return false;
      case 21: return true;
      case 22: return null;
      case 23: return undefined;
      case 31: return BREAK;
      default: return r.fail(info >= 25 && info <= 27 ? 'floats are not allowed' : 'unassigned type', at);
    }
  }
  const arg = r.argument(info);
  switch (major) {
    case 0:
    case 1:
      if (arg === undefined) return r.fail('unexpected code', at);
      return major === 0 ? arg : -1n - arg;
    case 2:
      return decodeString(r, 2, arg);
    case 3:
      return decodeText(r, arg);
    case 4:
      return decodeArray(r, arg, depth);
    case 5:
      return decodeMap(r, arg, depth);
    default: {
      if (arg !== SELF_DESCRIBE_TAG) return r.fail(`unsupported tag ${String(arg)}`, at);
      const inner = decodeItem(r, depth + 1);
      return inner === BREAK ? r.fail('unexpected code', at) : inner;
    }
  }
}

function decodeArray(r: Reader, length: bigint | undefined, depth: number): CborValue[] {
  const out: CborValue[] = [];
  for (let i = 0n; length === undefined || i < length; i++) {
    const at = r.pos;
    const item = decodeItem(r, depth + 1);
    if (item === BREAK) {
      if (length === undefined) break;
      r.fail('unexpected code', at);
    }
    out.push(item);
  }
  return out;
}

function decodeMap(r: Reader, length: bigint | undefined, depth: number): CborMap {
  const out = new Map<string | bigint, CborValue>();
  for (let i = 0n; length === undefined || i < length; i++) {
    const at = r.pos;
    const key = decodeItem(r, depth + 1);
    if (key === BREAK) {
      if (length === undefined) break;
      r.fail('unexpected code', at);
    }
    if (typeof key !== 'string' && typeof key !== 'bigint') r.fail('map keys must be text or integers', at);
    if (out.has(key)) r.fail(`duplicate map key ${typeof key === 'string' ? JSON.stringify(key) : String(key)}`, at);
    const value = decodeItem(r, depth + 1);
    if (value === BREAK) r.fail('unexpected code', r.pos - 1);
    out.set(key, value);
  }
  return out;
}

/**
 * Decodes exactly one CBOR item filling all of `bytes` (see the module header).
 * @param maxDepth deepest nesting accepted; hash trees (certificates, canister
 *   signatures) need more than envelopes.
 * @example decodeCbor(Uint8Array.of(0xd9, 0xd9, 0xf7, 0xa0)) // { ok: true, value: Map(0) }
 */
export function decodeCbor(bytes: Uint8Array, maxDepth = CBOR_MAX_DEPTH): CborResult {
  const r = new Reader(bytes, maxDepth);
  try {
    const value = decodeItem(r, 0);
    if (value === BREAK) return r.fail('unexpected code', 0);
    if (!r.done) r.fail('trailing data');
    return { ok: true, value };
  } catch (e) {
    if (e instanceof CborError) return { ok: false, error: e.message };
    throw e;
  }
}

/** Whether `v` is a decoded map. */
export function isCborMap(v: CborValue): v is CborMap {
  return v instanceof Map;
}

/** A short name of a value's CBOR type, for messages ("a byte string", "text", …). */
export function cborTypeName(v: CborValue): string {
  if (v instanceof Uint8Array) return 'a byte string';
  if (typeof v === 'string') return 'text';
  if (typeof v === 'bigint') return v < 0n ? 'a negative integer' : 'an unsigned integer';
  if (typeof v === 'boolean') return 'a boolean';
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return 'an array';
  return 'a map';
}
