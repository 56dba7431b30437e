// Entropy, behind an interface. Like the wall clock, entropy never reaches
// replicated code directly: it is used once, outside the state machine, to
// create the subnet's key (`src/crypto`), and round randomness is then
// derived from that key by the block maker. Tests use `SeededEntropy` so that
// a key — and with it every batch's randomness — is reproducible.
//
// `SeededEntropy` is a deterministic byte stream: block i (32 bytes) is
//   SHA-256( 0x16 ‖ "ic-exec-seeded-entropy" ‖ seed ‖ u64be(i) )
// and `bytes(n)` hands out the stream in order, so two calls of 16 bytes
// return the same bytes as one call of 32. It is a test fixture, not a
// cryptographic generator for secrets.
import { createHash, randomFillSync } from 'node:crypto';

/** A source of random bytes. */
export interface Entropy {
  /**
   * `n` random bytes.
   * @throws {RangeError} if `n` is not a non-negative safe integer.
   */
  bytes(n: number): Uint8Array;
}

function checkLength(n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(`Entropy.bytes: n must be a non-negative safe integer, got ${String(n)}`);
  }
}

/**
 * The operating system's CSPRNG (`node:crypto`).
 * @example new SystemEntropy().bytes(32)
 */
export class SystemEntropy implements Entropy {
  bytes(n: number): Uint8Array {
    checkLength(n);
    return randomFillSync(new Uint8Array(n));
  }
}

const SEEDED_DOMAIN = 'ic-exec-seeded-entropy';

/**
 * A deterministic byte stream from a seed, for tests: the same seed gives
 * the same bytes on every machine.
 * @example new SeededEntropy('subnet-key-1').bytes(32)
 */
export class SeededEntropy implements Entropy {
  readonly #prefix: Uint8Array;
  #counter = 0n;
  #buffer: Uint8Array = new Uint8Array(0);
  #offset = 0;

  /** @param seed bytes, or a string taken as its UTF-8 bytes. */
  constructor(seed: Uint8Array | string) {
    const seedBytes = typeof seed === 'string' ? new TextEncoder().encode(seed) : Uint8Array.from(seed);
    const label = new TextEncoder().encode(SEEDED_DOMAIN);
    this.#prefix = new Uint8Array(1 + label.length + seedBytes.length);
    this.#prefix[0] = label.length;
    this.#prefix.set(label, 1);
    this.#prefix.set(seedBytes, 1 + label.length);
  }

  bytes(n: number): Uint8Array {
    checkLength(n);
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      if (this.#offset === this.#buffer.length) this.#refill();
      const take = Math.min(n - filled, this.#buffer.length - this.#offset);
      out.set(this.#buffer.subarray(this.#offset, this.#offset + take), filled);
      this.#offset += take;
      filled += take;
    }
    return out;
  }

  #refill(): void {
    const counter = new Uint8Array(8);
    new DataView(counter.buffer).setBigUint64(0, this.#counter, false);
    this.#counter += 1n;
    this.#buffer = new Uint8Array(createHash('sha256').update(this.#prefix).update(counter).digest());
    this.#offset = 0;
  }
}
