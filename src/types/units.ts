// Units as branded bigints, after the IC's newtypes (`Cycles`, `NumInstructions`,
// `NumBytes`, `Time`, `NumWasmPages`, `NumOsPages` in `rs/types/base_types` and
// `rs/types/types`). A brand makes `Cycles` and `NumInstructions` distinct types
// although both are `bigint` at run time, so a fee cannot be added to a counter
// by accident.
//
// Every value is a non-negative integer within its IC width (u128 for cycles,
// u64 for the rest). Constructors check the range and throw `RangeError`;
// arithmetic helpers never wrap: `checked*` returns `undefined` past the
// type's bounds, `saturating*` clamps. There are no floats here, and numbers
// enter only when they are safe integers.

/** A `bigint` carrying a compile-time unit tag. */
export type Branded<B extends string> = bigint & { readonly __brand: B };

/** Cycles, the IC's unit of payment (u128). */
export type Cycles = Branded<'Cycles'>;
/** Weighted Wasm instructions, as metered by the IC (u64). */
export type NumInstructions = Branded<'NumInstructions'>;
/** A size or count in bytes (u64). */
export type NumBytes = Branded<'NumBytes'>;
/** Nanoseconds since the Unix epoch (u64), as `ic0.time` returns it. */
export type Time = Branded<'Time'>;
/** A count of 64 KiB Wasm pages (u64). */
export type NumWasmPages = Branded<'NumWasmPages'>;
/** A count of 4 KiB OS pages (u64). */
export type NumOsPages = Branded<'NumOsPages'>;
/** A block/round height (u64), the IC's `Height`: the state after batch `h` is the state at height `h`; batches start at 1. */
export type Height = Branded<'Height'>;

/** 2^64 − 1, the largest u64. */
export const U64_MAX: bigint = (1n << 64n) - 1n;
/** 2^128 − 1, the largest u128. */
export const U128_MAX: bigint = (1n << 128n) - 1n;
/** Bytes in one Wasm page (64 KiB). */
export const WASM_PAGE_SIZE_BYTES = 65_536n;
/** Bytes in one OS page (4 KiB), the granularity of dirty-page tracking. */
export const OS_PAGE_SIZE_BYTES = 4_096n;

/**
 * A unit: its name, its range, and range-checked arithmetic on its values.
 * Obtain one of the predefined units ({@link Cycles}, {@link NumInstructions}, …).
 */
export interface Unit<T extends bigint> {
  /** The IC's name for the unit, used in error messages. */
  readonly name: string;
  /** The largest value (inclusive). */
  readonly max: bigint;
  /** Zero of this unit. */
  readonly zero: T;
  /** The largest value, typed. */
  readonly maxValue: T;
  /**
   * Validates `n` and brands it.
   * @throws {RangeError} if `n` is negative, above {@link Unit.max}, or a non-integer number.
   */
  of(n: bigint | number): T;
  /** Whether `n` is a bigint within this unit's range. */
  is(n: unknown): n is T;
  /** `a + b`, or `undefined` if it exceeds {@link Unit.max}. */
  checkedAdd(a: T, b: T): T | undefined;
  /** `a − b`, or `undefined` if it would be negative. */
  checkedSub(a: T, b: T): T | undefined;
  /** `a × k` for a non-negative integer factor, or `undefined` past {@link Unit.max}. */
  checkedMul(a: T, k: bigint): T | undefined;
  /** `a + b`, clamped to {@link Unit.max}. */
  saturatingAdd(a: T, b: T): T;
  /** `a − b`, clamped to zero. */
  saturatingSub(a: T, b: T): T;
}

function toBigInt(name: string, n: bigint | number): bigint {
  if (typeof n === 'bigint') return n;
  if (typeof n === 'number' && Number.isSafeInteger(n)) return BigInt(n);
  throw new RangeError(`${name} must be an integer (a bigint or a safe integer number), got ${String(n)}`);
}

function defineUnit<T extends bigint>(name: string, max: bigint): Unit<T> {
  const inRange = (n: bigint): boolean => n >= 0n && n <= max;
  const unit: Unit<T> = {
    name,
    max,
    zero: 0n as T,
    maxValue: max as T,
    of(n) {
      const v = toBigInt(name, n);
      if (!inRange(v)) throw new RangeError(`${name} out of range: ${v} is not in [0, ${max}]`);
      return v as T;
    },
    is(n): n is T {
      return typeof n === 'bigint' && inRange(n);
    },
    checkedAdd(a, b) {
      const r = a + b;
      return r <= max ? (r as T) : undefined;
    },
    checkedSub(a, b) {
      const r: bigint = (a as bigint) - (b as bigint);
      return r >= 0n ? (r as T) : undefined;
    },
    checkedMul(a, k) {
      if (k < 0n) throw new RangeError(`${name} factor must be non-negative, got ${k}`);
      const r = a * k;
      return r <= max ? (r as T) : undefined;
    },
    saturatingAdd(a, b) {
      const r = a + b;
      return (r <= max ? r : max) as T;
    },
    saturatingSub(a, b) {
      return saturatingSub(a, b);
    },
  };
  return Object.freeze(unit);
}

/** The cycles unit (u128). */
export const Cycles: Unit<Cycles> = defineUnit<Cycles>('Cycles', U128_MAX);
/** The instructions unit (u64). */
export const NumInstructions: Unit<NumInstructions> = defineUnit<NumInstructions>('NumInstructions', U64_MAX);
/** The bytes unit (u64). */
export const NumBytes: Unit<NumBytes> = defineUnit<NumBytes>('NumBytes', U64_MAX);
/** The time unit: nanoseconds since the Unix epoch (u64). */
export const Time: Unit<Time> = defineUnit<Time>('Time', U64_MAX);
/** The Wasm-page unit (u64 count of 64 KiB pages). */
export const NumWasmPages: Unit<NumWasmPages> = defineUnit<NumWasmPages>('NumWasmPages', U64_MAX);
/** The OS-page unit (u64 count of 4 KiB pages). */
export const NumOsPages: Unit<NumOsPages> = defineUnit<NumOsPages>('NumOsPages', U64_MAX);
/** The height unit (u64). */
export const Height: Unit<Height> = defineUnit<Height>('Height', U64_MAX);

/**
 * Validates and brands a cycles amount.
 * @example cycles(5_000_000n)
 * @throws {RangeError} outside [0, 2^128 − 1].
 */
export function cycles(n: bigint | number): Cycles {
  return Cycles.of(n);
}
/** Validates and brands an instruction count. @throws {RangeError} outside [0, 2^64 − 1]. */
export function numInstructions(n: bigint | number): NumInstructions {
  return NumInstructions.of(n);
}
/** Validates and brands a byte count. @throws {RangeError} outside [0, 2^64 − 1]. */
export function numBytes(n: bigint | number): NumBytes {
  return NumBytes.of(n);
}
/** Validates and brands a time in nanoseconds since the epoch. @throws {RangeError} outside [0, 2^64 − 1]. */
export function time(nanos: bigint | number): Time {
  return Time.of(nanos);
}
/** Validates and brands a count of Wasm pages. @throws {RangeError} outside [0, 2^64 − 1]. */
export function numWasmPages(n: bigint | number): NumWasmPages {
  return NumWasmPages.of(n);
}
/** Validates and brands a count of OS pages. @throws {RangeError} outside [0, 2^64 − 1]. */
export function numOsPages(n: bigint | number): NumOsPages {
  return NumOsPages.of(n);
}
/** Validates and brands a height. @throws {RangeError} outside [0, 2^64 − 1]. */
export function height(n: bigint | number): Height {
  return Height.of(n);
}

/**
 * `a − b`, clamped to zero. Works for every unit (all are unsigned).
 * @example saturatingSub(cycles(5n), cycles(7n)) === 0n
 */
export function saturatingSub<T extends bigint>(a: T, b: T): T {
  const r: bigint = (a as bigint) - (b as bigint);
  return (r > 0n ? r : 0n) as T;
}

/**
 * `a + b` in `unit`, or `undefined` if the sum exceeds the unit's maximum.
 * @example checkedAdd(NumInstructions, a, b) ?? fail()
 */
export function checkedAdd<T extends bigint>(unit: Unit<T>, a: T, b: T): T | undefined {
  return unit.checkedAdd(a, b);
}

/**
 * Converts a bigint to a `number` for APIs that need one (array indices,
 * `DataView` offsets).
 * @throws {RangeError} if `|n| > 2^53 − 1`, where `number` would lose precision.
 */
export function toSafeNumber(n: bigint): number {
  if (n > BigInt(Number.MAX_SAFE_INTEGER) || n < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new RangeError(`${n} exceeds Number.MAX_SAFE_INTEGER (2^53 - 1) and cannot be converted to a number`);
  }
  return Number(n);
}

/** Bytes spanned by `pages` Wasm pages. @throws {RangeError} past u64. */
export function wasmPagesToBytes(pages: NumWasmPages): NumBytes {
  return NumBytes.of(pages * WASM_PAGE_SIZE_BYTES);
}

/** Bytes spanned by `pages` OS pages. @throws {RangeError} past u64. */
export function osPagesToBytes(pages: NumOsPages): NumBytes {
  return NumBytes.of(pages * OS_PAGE_SIZE_BYTES);
}

/** The number of Wasm pages needed to hold `bytes` (rounded up). */
export function bytesToWasmPagesCeil(bytes: NumBytes): NumWasmPages {
  return ((bytes + WASM_PAGE_SIZE_BYTES - 1n) / WASM_PAGE_SIZE_BYTES) as NumWasmPages;
}

/** The number of OS pages needed to hold `bytes` (rounded up). */
export function bytesToOsPagesCeil(bytes: NumBytes): NumOsPages {
  return ((bytes + OS_PAGE_SIZE_BYTES - 1n) / OS_PAGE_SIZE_BYTES) as NumOsPages;
}
