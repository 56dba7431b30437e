/**
 * Two append-only records of a canister's system state:
 *
 * - `CanisterLog`: the `debug_print` / `[TRAP]` records, a buffer of
 *   `log_memory_limit` bytes (default 4 KiB; 0 keeps nothing) that drops its
 *   oldest records to make room (and at once when the limit shrinks); each
 *   record counts its content plus a 40-byte header (the replica's `CanisterLog`, as the
 *   execution's delta in `system-api/canister-log.ts` counts them). Record
 *   indices continue `nextIdx` across executions.
 * - `CanisterHistory`: the last `MAX_CANISTER_HISTORY_CHANGES` = 20 changes
 *   (creation, code deployments and uninstalls, controller changes, snapshot
 *   loads) and the total number ever recorded
 *   (`system_state.rs`, `CanisterHistory`).
 */
import { MAX_CANISTER_LOG_BUFFER_SIZE } from '../config/index.ts';
import type { CanisterId, PrincipalId } from '../types/index.ts';
import type { CanisterLogRecord } from '../system-api/index.ts';

/** Bytes a log record takes beyond its content. */
export const CANISTER_LOG_RECORD_OVERHEAD = 40;

/** What a checkpoint keeps of a {@link CanisterLog} (src/state/checkpoint). */
export interface CanisterLogCheckpoint {
  readonly capacity: number;
  readonly records: readonly CanisterLogRecord[];
  readonly nextIdx: bigint;
}

/** A canister's log buffer (see the module header). */
export class CanisterLog {
  #capacity: number;
  #records: CanisterLogRecord[] = [];
  #used = 0;
  #nextIdx = 0n;

  /** @param capacity buffer size in bytes (default 4 KiB). */
  constructor(capacity = Number(MAX_CANISTER_LOG_BUFFER_SIZE)) {
    this.#capacity = capacity;
  }

  /** The log as a checkpoint keeps it. */
  toCheckpoint(): CanisterLogCheckpoint {
    return { capacity: this.#capacity, records: this.#records.slice(), nextIdx: this.#nextIdx };
  }

  /** The log a checkpoint kept (bytes used follow from the records). */
  static fromCheckpoint(c: CanisterLogCheckpoint): CanisterLog {
    const l = new CanisterLog();
    l.#capacity = c.capacity;
    l.#records = c.records.slice();
    l.#used = l.#records.reduce((n, r) => n + r.content.length + CANISTER_LOG_RECORD_OVERHEAD, 0);
    l.#nextIdx = c.nextIdx;
    return l;
  }

  clone(): CanisterLog {
    const l = new CanisterLog(this.#capacity);
    l.#records = this.#records.slice();
    l.#used = this.#used;
    l.#nextIdx = this.#nextIdx;
    return l;
  }

  /** Buffer size in bytes (the canister's `log_memory_limit`; 0: logging off). */
  get capacity(): number { return this.#capacity; }
  /** The records kept, oldest first. */
  get records(): readonly CanisterLogRecord[] { return this.#records; }
  /** The index the next record gets. */
  get nextIdx(): bigint { return this.#nextIdx; }
  /** Bytes used by the records kept. */
  get usedBytes(): number { return this.#used; }

  /** Sets the buffer size (`log_memory_limit` changed), dropping the oldest records that no longer fit. */
  resize(capacity: number): void {
    this.#capacity = capacity;
    this.#dropOldestUntil(0);
  }

  /**
   * Appends an execution's records (already indexed), dropping the oldest
   * while over capacity; with capacity 0 nothing is kept (the indices still
   * advance).
   */
  append(records: readonly CanisterLogRecord[]): void {
    for (const r of records) {
      if (r.idx >= this.#nextIdx) this.#nextIdx = r.idx + 1n;
      if (this.#capacity === 0) continue;
      const size = r.content.length + CANISTER_LOG_RECORD_OVERHEAD;
      this.#dropOldestUntil(size);
      this.#records.push(r);
      this.#used += size;
    }
  }

  /** Drops the oldest records until `room` more bytes fit (or none is left). */
  #dropOldestUntil(room: number): void {
    while (this.#records.length > 0 && this.#used + room > this.#capacity) {
      const old = this.#records.shift() as CanisterLogRecord;
      this.#used -= old.content.length + CANISTER_LOG_RECORD_OVERHEAD;
    }
  }

  /** Empties the buffer, keeping the index counter (`clear` on reinstall / uninstall). */
  clear(): void {
    this.#records = [];
    this.#used = 0;
  }
}

/** Who made a change (`CanisterChangeOrigin`). */
export type CanisterChangeOrigin =
  | { readonly kind: 'fromUser'; readonly userId: PrincipalId }
  | { readonly kind: 'fromCanister'; readonly canisterId: CanisterId; readonly canisterVersion?: bigint };

/** What changed (`CanisterChangeDetails`, the variants ic-exec records). */
export type CanisterChangeDetails =
  | { readonly kind: 'creation'; readonly controllers: readonly PrincipalId[] }
  | { readonly kind: 'codeUninstall' }
  | { readonly kind: 'codeDeployment'; readonly mode: 'install' | 'reinstall' | 'upgrade'; readonly moduleHash: Uint8Array }
  | { readonly kind: 'controllersChange'; readonly controllers: readonly PrincipalId[] }
  | {
    readonly kind: 'loadSnapshot'; readonly canisterVersion: bigint; readonly snapshotId: Uint8Array; readonly takenAtTimestamp: bigint;
    /** How the snapshot came about (`source`). */
    readonly source: 'takenFromCanister' | 'metadataUpload';
    /** The canister the snapshot belongs to, when not the one it was loaded onto. */
    readonly fromCanisterId?: CanisterId;
  };

/** One entry of the canister history (`CanisterChange`). */
export interface CanisterChange {
  readonly timestampNanos: bigint;
  /** The canister version after the change. */
  readonly canisterVersion: bigint;
  readonly origin: CanisterChangeOrigin;
  readonly details: CanisterChangeDetails;
}

/** Changes kept (`MAX_CANISTER_HISTORY_CHANGES`). */
export const MAX_CANISTER_HISTORY_CHANGES = 20;

/**
 * Memory a change takes, bytes: a fixed part plus its principals and hashes.
 * An estimate — the replica counts `size_of::<CanisterChange>()` plus heap
 * parts, a layout not reproduced here.
 */
export function canisterChangeBytes(change: CanisterChange): number {
  const d = change.details;
  let bytes = 64;
  if (d.kind === 'creation' || d.kind === 'controllersChange') for (const c of d.controllers) bytes += c.byteLength;
  if (d.kind === 'codeDeployment') bytes += d.moduleHash.length;
  if (d.kind === 'loadSnapshot') bytes += d.snapshotId.length + (d.fromCanisterId?.byteLength ?? 0);
  return bytes;
}

/** What a checkpoint keeps of a {@link CanisterHistory} (src/state/checkpoint). */
export interface CanisterHistoryCheckpoint {
  readonly changes: readonly CanisterChange[];
  readonly totalNumChanges: bigint;
}

/** The last 20 changes of a canister and how many there ever were. */
export class CanisterHistory {
  #changes: CanisterChange[] = [];
  #totalNumChanges = 0n;
  #memoryUsage = 0;

  /** The history as a checkpoint keeps it. */
  toCheckpoint(): CanisterHistoryCheckpoint {
    return { changes: this.#changes.slice(), totalNumChanges: this.#totalNumChanges };
  }

  /** The history a checkpoint kept (memory use follows from the changes). */
  static fromCheckpoint(c: CanisterHistoryCheckpoint): CanisterHistory {
    const h = new CanisterHistory();
    h.#changes = c.changes.map((x) => Object.freeze({ ...x }));
    h.#totalNumChanges = c.totalNumChanges;
    h.#memoryUsage = h.#changes.reduce((n, x) => n + canisterChangeBytes(x), 0);
    return h;
  }

  clone(): CanisterHistory {
    const h = new CanisterHistory();
    h.#changes = this.#changes.slice();
    h.#totalNumChanges = this.#totalNumChanges;
    h.#memoryUsage = this.#memoryUsage;
    return h;
  }

  /** Records a change, dropping the oldest beyond 20. */
  add(change: CanisterChange): void {
    if (this.#changes.length >= MAX_CANISTER_HISTORY_CHANGES) {
      this.#memoryUsage -= canisterChangeBytes(this.#changes.shift() as CanisterChange);
    }
    this.#changes.push(Object.freeze({ ...change }));
    this.#memoryUsage += canisterChangeBytes(change);
    this.#totalNumChanges++;
  }

  /** Drops all changes, keeping the total count (the canister ran out of cycles). */
  clear(): void {
    this.#changes = [];
    this.#memoryUsage = 0;
  }

  /** The changes, oldest first. */
  get changes(): readonly CanisterChange[] { return this.#changes; }
  get totalNumChanges(): bigint { return this.#totalNumChanges; }
  get memoryUsage(): number { return this.#memoryUsage; }
}
