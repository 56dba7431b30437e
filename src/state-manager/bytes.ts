/**
 * Fixed-width binary building blocks of the state manager's records (the
 * batch log, checkpoint manifests, meta entries): big-endian integers,
 * u32-length-prefixed byte strings and UTF-8 text. Reading is bounds-checked
 * and throws {@link RecordFormatError}, which every decoder here turns into
 * an error value at its top level.
 */

/** A damaged or truncated record (caught by the decoders; never escapes them). */
export class RecordFormatError extends Error {
  override readonly name = 'RecordFormatError';
}

const U64_MAX = (1n << 64n) - 1n;

/** Appends fixed-width fields to a growing buffer. */
export class ByteWriter {
  #buf = new Uint8Array(256);
  #view = new DataView(this.#buf.buffer);
  #len = 0;

  #reserve(n: number): void {
    if (this.#len + n <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < this.#len + n) size *= 2;
    const b = new Uint8Array(size);
    b.set(this.#buf.subarray(0, this.#len));
    this.#buf = b;
    this.#view = new DataView(b.buffer);
  }

  u8(n: number): this {
    this.#reserve(1);
    this.#buf[this.#len++] = n;
    return this;
  }

  u32(n: number): this {
    if (!Number.isInteger(n) || n < 0 || n > 0xffff_ffff) throw new RangeError(`u32 out of range: ${n}`);
    this.#reserve(4);
    this.#view.setUint32(this.#len, n, false);
    this.#len += 4;
    return this;
  }

  u64(n: bigint): this {
    if (n < 0n || n > U64_MAX) throw new RangeError(`u64 out of range: ${n}`);
    this.#reserve(8);
    this.#view.setBigUint64(this.#len, n, false);
    this.#len += 8;
    return this;
  }

  raw(b: Uint8Array): this {
    this.#reserve(b.length);
    this.#buf.set(b, this.#len);
    this.#len += b.length;
    return this;
  }

  /** u32 length ‖ bytes. */
  bytes(b: Uint8Array): this {
    return this.u32(b.length).raw(b);
  }

  str(s: string): this {
    return this.bytes(Buffer.from(s, 'utf8'));
  }

  get length(): number { return this.#len; }

  /** The bytes written so far (a copy sized exactly). */
  finish(): Uint8Array {
    return this.#buf.slice(0, this.#len);
  }
}

const fail = (message: string): never => { throw new RecordFormatError(message); };

/** Reads what {@link ByteWriter} wrote. */
export class ByteReader {
  readonly #b: Uint8Array;
  readonly #view: DataView;
  #pos = 0;

  constructor(bytes: Uint8Array) {
    this.#b = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get position(): number { return this.#pos; }
  get remaining(): number { return this.#b.length - this.#pos; }

  #need(n: number, what: string): void {
    if (n > this.remaining) fail(`${what}: ${n} bytes needed, ${this.remaining} left`);
  }

  u8(): number {
    this.#need(1, 'u8');
    return this.#b[this.#pos++];
  }

  u32(): number {
    this.#need(4, 'u32');
    const v = this.#view.getUint32(this.#pos, false);
    this.#pos += 4;
    return v;
  }

  u64(): bigint {
    this.#need(8, 'u64');
    const v = this.#view.getBigUint64(this.#pos, false);
    this.#pos += 8;
    return v;
  }

  /** `n` bytes (a copy). */
  raw(n: number): Uint8Array {
    this.#need(n, 'bytes');
    const out = this.#b.slice(this.#pos, this.#pos + n);
    this.#pos += n;
    return out;
  }

  bytes(max = 0xffff_ffff): Uint8Array {
    const n = this.u32();
    if (n > max) fail(`a field of ${n} bytes (at most ${max})`);
    return this.raw(n);
  }

  str(max?: number): string {
    const b = this.bytes(max);
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(b);
    } catch {
      return fail('text that is not UTF-8');
    }
  }

  /** Fails unless every byte was read. */
  end(what: string): void {
    if (this.remaining !== 0) fail(`${this.remaining} bytes after the end of the ${what}`);
  }
}

/** Height as an 8-byte big-endian key (LMDB sorts keys bytewise, so heights sort numerically). */
export function heightKey(h: bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, h, false);
  return b;
}

/** The height of an 8-byte big-endian key. */
export function heightOfKey(key: Uint8Array): bigint {
  if (key.length !== 8) throw new RangeError(`a height key has 8 bytes, got ${key.length}`);
  return new DataView(key.buffer, key.byteOffset, 8).getBigUint64(0, false);
}

/** Hex of bytes (for messages and map keys). */
export const hexOf = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
