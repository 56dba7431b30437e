/**
 * Byte-level reader for the Wasm binary format.
 *
 * LEB128 decoding is strict, as the spec requires: at most ceil(N/7) bytes,
 * and the unused bits of the last byte must be zero (or the sign extension
 * for signed values). Every failure throws {@link DecodeError} carrying the
 * byte offset; the public decoder turns it into an IC0505 `UserError`.
 */

/** A malformed binary, with the offset where decoding failed. */
export class DecodeError extends Error {
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(`${message} (at byte offset ${offset})`);
    this.name = 'DecodeError';
    this.offset = offset;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A cursor over a byte slice [start, end) of a buffer. */
export class ByteReader {
  readonly bytes: Uint8Array;
  pos: number;
  end: number;

  constructor(bytes: Uint8Array, start = 0, end = bytes.length) {
    this.bytes = bytes;
    this.pos = start;
    this.end = end;
  }

  get eof(): boolean {
    return this.pos >= this.end;
  }

  fail(message: string, at = this.pos): never {
    throw new DecodeError(message, at);
  }

  u8(): number {
    if (this.pos >= this.end) this.fail('unexpected end of section or function');
    return this.bytes[this.pos++];
  }

  /** Unsigned LEB128, at most 32 bits. */
  u32(): number {
    const start = this.pos;
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.u8();
      if (shift === 28) {
        if ((b & 0x70) !== 0 || (b & 0x80) !== 0) this.fail('integer representation too long or too large', start);
        return (result | (b << 28)) >>> 0;
      }
      result |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result >>> 0;
      shift += 7;
    }
  }

  /** Signed LEB128, at most 32 bits. */
  s32(): number {
    const start = this.pos;
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.u8();
      if (shift === 28) {
        if ((b & 0x80) !== 0) this.fail('integer representation too long', start);
        const sign = b & 0x08;
        const top = b & 0x70;
        if ((sign === 0 && top !== 0) || (sign !== 0 && top !== 0x70)) this.fail('integer too large', start);
        return result | (b << 28);
      }
      result |= (b & 0x7f) << shift;
      shift += 7;
      if ((b & 0x80) === 0) {
        if (shift < 32 && (b & 0x40) !== 0) result |= -1 << shift;
        return result;
      }
    }
  }

  /** Signed LEB128 of up to 33 bits (block types). Returned as a JS number. */
  s33(): number {
    const start = this.pos;
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 5; i++) {
      const b = this.u8();
      if (i === 4) {
        if ((b & 0x80) !== 0) this.fail('integer representation too long', start);
        const sign = b & 0x10;
        const top = b & 0x60;
        if ((sign === 0 && top !== 0) || (sign !== 0 && top !== 0x60)) this.fail('integer too large', start);
        result += (b & 0x1f) * mul;
        return sign ? result - 2 ** 33 : result;
      }
      result += (b & 0x7f) * mul;
      mul *= 128;
      if ((b & 0x80) === 0) {
        return (b & 0x40) !== 0 ? result - mul : result;
      }
    }
    return this.fail('integer representation too long', start);
  }

  /** Unsigned LEB128, at most 64 bits, as a bigint. */
  u64(): bigint {
    const start = this.pos;
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      const b = this.u8();
      if (i === 9 && (b & 0xfe) !== 0) this.fail('integer representation too long or too large', start);
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
    }
    return this.fail('integer representation too long', start);
  }

  /** Signed LEB128, at most 64 bits, as a bigint. */
  s64(): bigint {
    const start = this.pos;
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      const b = this.u8();
      if (i === 9) {
        if ((b & 0x80) !== 0) this.fail('integer representation too long', start);
        if (b !== 0 && b !== 0x7f) this.fail('integer too large', start);
      }
      result |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if ((b & 0x80) === 0) {
        if (shift < 64n && (b & 0x40) !== 0) result -= 1n << shift;
        return BigInt.asIntN(64, result);
      }
    }
    return this.fail('integer representation too long', start);
  }

  /** Skips a LEB128 of at most `maxBytes` bytes without decoding its value. */
  skipLeb(maxBytes: number): void {
    const start = this.pos;
    for (let i = 0; i < maxBytes; i++) {
      if ((this.u8() & 0x80) === 0) return;
    }
    this.fail('integer representation too long', start);
  }

  take(n: number): Uint8Array {
    if (n > this.end - this.pos) this.fail(`unexpected end: ${n} bytes needed, ${this.end - this.pos} left`);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  skip(n: number): void {
    if (n > this.end - this.pos) this.fail(`unexpected end: ${n} bytes needed, ${this.end - this.pos} left`);
    this.pos += n;
  }

  /** A length-prefixed UTF-8 name. */
  name(): string {
    const len = this.u32();
    const at = this.pos;
    const raw = this.take(len);
    try {
      return utf8.decode(raw);
    } catch {
      return this.fail('malformed UTF-8 encoding in name', at);
    }
  }

  /** A vector length, checked against the bytes left (each item takes at least `minItemBytes`). */
  count(minItemBytes = 1): number {
    const at = this.pos;
    const n = this.u32();
    if (minItemBytes > 0 && n > (this.end - this.pos) / minItemBytes) {
      this.fail(`vector length ${n} exceeds the remaining ${this.end - this.pos} bytes`, at);
    }
    return n;
  }
}
