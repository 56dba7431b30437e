/**
 * A canonical, injective byte encoding for hashing state: every value has
 * exactly one encoding and no two values of one type share one.
 *
 *     nat(n)    unsigned LEB128 of a non-negative bigint (any size: cycles are u128)
 *     int(n)    zig-zag, then nat (priorities may be negative)
 *     bytes(b)  nat(length) ‖ b
 *     str(s)    bytes(UTF-8 of s)
 *     tag(t)    str(t): names a variant or a struct, so different shapes never collide
 *     bool(b)   one byte 0 / 1
 *     opt(v, f) 0, or 1 ‖ f(v)
 *     list(xs, f) nat(count) ‖ f(x)…   (in the order the caller decides is canonical)
 *     f64(x)    IEEE-754 bits, big-endian (NaNs are canonical in ic-exec's Wasm)
 */

/** Appends canonical encodings to a growing buffer. */
export class CanonicalEncoder {
  #buf: Uint8Array;
  #len = 0;

  /** @param initialBytes the buffer's first size (it doubles as needed). */
  constructor(initialBytes = 4096) {
    this.#buf = new Uint8Array(Math.max(initialBytes, 32));
  }

  #reserve(n: number): void {
    if (this.#len + n <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < this.#len + n) size *= 2;
    const b = new Uint8Array(size);
    b.set(this.#buf.subarray(0, this.#len));
    this.#buf = b;
  }

  raw(b: Uint8Array): this {
    this.#reserve(b.length);
    this.#buf.set(b, this.#len);
    this.#len += b.length;
    return this;
  }

  nat(n: bigint | number): this {
    if (typeof n === 'number' ? n >= 0 && n < 0x80 : n >= 0n && n < 0x80n) {
      // one byte: counts, lengths, tags, small ids (most of a state's numbers)
      this.#reserve(1);
      this.#buf[this.#len++] = Number(n);
      return this;
    }
    let v = BigInt(n);
    if (v < 0n) throw new RangeError(`nat of a negative value ${v}`);
    this.#reserve(20);
    do {
      let byte = Number(v & 0x7fn);
      v >>= 7n;
      if (v !== 0n) byte |= 0x80;
      this.#buf[this.#len++] = byte;
      if (this.#len >= this.#buf.length) this.#reserve(20);
    } while (v !== 0n);
    return this;
  }

  int(n: bigint): this {
    return this.nat(n >= 0n ? n << 1n : ((-n) << 1n) - 1n);
  }

  bytes(b: Uint8Array): this {
    return this.nat(b.length).raw(b);
  }

  str(s: string): this {
    return this.bytes(Buffer.from(s, 'utf8'));
  }

  tag(t: string): this {
    return this.str(t);
  }

  bool(b: boolean): this {
    this.#reserve(1);
    this.#buf[this.#len++] = b ? 1 : 0;
    return this;
  }

  f64(x: number): this {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, x, false);
    return this.raw(b);
  }

  opt<T>(v: T | undefined, f: (v: T) => void): this {
    this.bool(v !== undefined);
    if (v !== undefined) f(v);
    return this;
  }

  list<T>(xs: Iterable<T>, f: (x: T) => void): this {
    const arr = [...xs];
    this.nat(arr.length);
    for (const x of arr) f(x);
    return this;
  }

  /** The bytes written so far (a view; copy it to keep it). */
  bytesView(): Uint8Array {
    return this.#buf.subarray(0, this.#len);
  }
}
