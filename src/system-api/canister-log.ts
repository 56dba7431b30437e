// The canister log records one execution produces (`debug_print` and the
// `[TRAP]: …` line), kept as the replica keeps its delta `CanisterLog`
// (`rs/types/types/src/canister_log.rs`): a buffer of bounded byte size that
// drops its oldest records to make room, where each record counts its
// content plus a fixed 40-byte header (`size_of::<CanisterLogRecord>()`:
// idx u64, timestamp u64, content Vec) and one record's content is cut to
// `capacity − 40` bytes.
//
// The logging charge of `debug_print`/`trap` (linker.rs
// `logging_charge_bytes`) reads `capacity` and `remainingBytes` of this
// buffer: 2 × min(len, capacity) + 50 × min(len, remaining).
import { BYTE_TRANSMISSION_COST_FACTOR, MAX_CANISTER_LOG_BUFFER_SIZE } from '../config/index.ts';

/** One canister log record. */
export interface CanisterLogRecord {
  /** Position in the canister's whole log (continues the canister's `next_idx`). */
  readonly idx: bigint;
  /** When it was logged: the execution's time, nanoseconds since the epoch. */
  readonly timestampNanos: bigint;
  readonly content: Uint8Array;
}

/** Bytes a record takes in the buffer beyond its content. */
export const CANISTER_LOG_RECORD_OVERHEAD = 40;

/** The log records of one execution, bounded by `capacity` bytes. */
export class CanisterLogDelta {
  /** Buffer size in bytes. */
  readonly capacity: number;
  #records: CanisterLogRecord[] = [];
  #used = 0;
  #nextIdx: bigint;

  /**
   * @param nextIdx index of the first record (the canister log's `next_idx`).
   * @param capacity buffer size in bytes; the replica's default is 4 KiB.
   */
  constructor(nextIdx = 0n, capacity = Number(MAX_CANISTER_LOG_BUFFER_SIZE)) {
    this.#nextIdx = nextIdx;
    this.capacity = capacity;
  }

  /** Bytes still free before the oldest record must go. */
  get remainingBytes(): number {
    return Math.max(0, this.capacity - this.#used);
  }

  /** Index the next record gets. */
  get nextIdx(): bigint {
    return this.#nextIdx;
  }

  /** The records kept, oldest first. */
  get records(): readonly CanisterLogRecord[] {
    return this.#records;
  }

  /** Appends a record, dropping the oldest ones while the buffer is over capacity. */
  add(timestampNanos: bigint, content: Uint8Array): void {
    const max = Math.max(0, this.capacity - CANISTER_LOG_RECORD_OVERHEAD);
    const kept = content.length > max ? content.slice(0, max) : content.slice();
    const size = kept.length + CANISTER_LOG_RECORD_OVERHEAD;
    while (this.#records.length > 0 && this.#used + size > this.capacity) {
      const old = this.#records.shift() as CanisterLogRecord;
      this.#used -= old.content.length + CANISTER_LOG_RECORD_OVERHEAD;
    }
    this.#records.push({ idx: this.#nextIdx, timestampNanos, content: kept });
    this.#used += size;
    this.#nextIdx += 1n;
  }

  /**
   * Instructions-as-bytes charged for logging a message of `length` bytes
   * (linker.rs `logging_charge_bytes`).
   */
  chargeBytes(length: bigint): bigint {
    const allocated = length < BigInt(this.capacity) ? length : BigInt(this.capacity);
    const remaining = BigInt(this.remainingBytes);
    const transmitted = length < remaining ? length : remaining;
    return 2n * allocated + BYTE_TRANSMISSION_COST_FACTOR * transmitted;
  }
}
