// The wall clock, behind an interface. This folder is the only place in
// `src/` (with http, cli, dashboard and pocketic) where the lint allows
// `Date.now`; replicated code never reads a clock at all. Time enters the
// replicated state machine in exactly one place: the block maker
// (`src/consensus`) reads a `Clock` and stamps the reading into the batch,
// from where execution takes it as data.
//
// Two clocks:
// - `SystemClock`: the OS wall clock in nanoseconds since the Unix epoch,
//   made monotonic: it never returns less than it returned before, even when
//   the OS clock is stepped backwards (NTP, manual change, VM resume). While
//   the OS clock is behind, it holds its last reading; it follows the OS
//   clock again once that catches up. It does not follow a backward step.
// - `ManualClock`: time moves only when told (`setTime`, `advance`), as in
//   PocketIC, whose `set_time` refuses to go into the past.
//
// Neither clock is strictly increasing: two readings may be equal. Strictly
// increasing batch times are the block maker's job (`max(now, previous + 1)`).
import { Time, time } from '../types/index.ts';

/** A source of wall-clock time. */
export interface Clock {
  /**
   * The current time in nanoseconds since the Unix epoch. Never less than an
   * earlier reading of the same clock.
   */
  nowNanos(): Time;
}

/** Options of {@link SystemClock}. */
export interface SystemClockOptions {
  /**
   * The raw OS clock in nanoseconds since the epoch (default: `Date.now()`
   * in milliseconds × 10^6). Tests replace it to simulate a clock that
   * stalls or steps backwards.
   */
  readonly source?: () => bigint;
}

const NANOS_PER_MILLI = 1_000_000n;

function osWallClockNanos(): bigint {
  return BigInt(Date.now()) * NANOS_PER_MILLI;
}

/**
 * The OS wall clock, monotonic: each reading is `max(os clock, last reading)`.
 * Resolution is that of `Date.now()` (1 ms).
 * @example new SystemClock().nowNanos() // e.g. 1_767_225_600_000_000_000n
 */
export class SystemClock implements Clock {
  readonly #source: () => bigint;
  #last: bigint = 0n;

  constructor(options: SystemClockOptions = {}) {
    this.#source = options.source ?? osWallClockNanos;
  }

  /**
   * @returns the OS clock, or the previous reading if the OS clock is behind it.
   * @throws {RangeError} if the source reads outside u64 nanoseconds.
   */
  nowNanos(): Time {
    const raw = this.#source();
    if (raw > this.#last) this.#last = raw;
    return time(this.#last);
  }
}

/**
 * A clock for tests and PocketIC instances: it moves only when told.
 * @example
 * const clock = new ManualClock(time(1_700_000_000_000_000_000n));
 * clock.advance(1_000_000_000n); // one second
 */
export class ManualClock implements Clock {
  #now: Time;

  /** @param start the initial time, nanoseconds since the epoch (default 0). */
  constructor(start: Time = Time.zero) {
    this.#now = time(start);
  }

  /** The time last set. */
  nowNanos(): Time {
    return this.#now;
  }

  /**
   * Sets the time. Setting the current time again is allowed.
   * @throws {RangeError} `SettingTimeIntoPast` if `t` is earlier than the current time (PocketIC's rule).
   */
  setTime(t: Time): void {
    const next = time(t);
    if (next < this.#now) {
      throw new RangeError(`SettingTimeIntoPast((${this.#now}, ${next}))`);
    }
    this.#now = next;
  }

  /**
   * Moves the time forward by `nanos` (0 allowed).
   * @throws {RangeError} if `nanos` is negative or the result passes u64.
   */
  advance(nanos: bigint): void {
    if (nanos < 0n) throw new RangeError(`ManualClock.advance: nanos must be non-negative, got ${nanos}`);
    this.#now = time(this.#now + nanos);
  }
}

/**
 * Milliseconds on the process's monotonic clock, for measuring how long host
 * work took (a round, a checkpoint): not a time of day, never in a batch.
 */
export function monotonicMs(): number {
  return performance.now();
}

/** The OS wall clock in milliseconds since the epoch (host-side figures: telemetry samples, log times). */
export function wallClockMs(): number {
  return Date.now();
}
