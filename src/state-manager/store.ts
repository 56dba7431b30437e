/**
 * The state manager's store: what it keeps, as bytes, in five parts —
 *
 *     batches      height → encoded Batch (the batch log, batch-codec.ts)
 *     objects      33-byte key → object: 4 KiB pages and page-tree nodes
 *                  (`pages`), Wasm modules and chunks (`modules`), each
 *                  written once (content-addressed: the key is the hash)
 *     checkpoints  height → manifest (manifest.ts: the codec's state bytes,
 *                  the objects it refers to, the full state hash, a checksum)
 *     meta         name → bytes (the subnet key, the newest checkpoint height)
 *
 * Reads are synchronous (LMDB reads are memory-mapped; a page is loaded while
 * a canister executes). Writes are asynchronous and durable when their
 * promise resolves: `appendBatch` writes one log record; `commit` applies a
 * {@link StoreWrite} atomically — all of it or none of it is on disk after a
 * crash. A failed write (disk full, I/O error) resolves to an error value and
 * changes nothing on disk; the caller stops (the store refuses further writes
 * after a failure: {@link Store.failure}).
 *
 * Implementations: `LmdbStore` (one LMDB environment under the data
 * directory), `MemoryStore` (`--ephemeral`, tests), `FailingStore` (fault
 * injection around either).
 */
import type { PageStore } from '../state/index.ts';

/** A failed store operation. */
export interface StoreError {
  /** `full`: no space left (LMDB MDB_MAP_FULL, ENOSPC, a file size limit); `io`: any other write or read failure; `closed`: used after close. */
  readonly kind: 'full' | 'io' | 'closed';
  readonly message: string;
}

export type StoreResult = { readonly ok: true } | { readonly ok: false; readonly error: StoreError };

export const STORE_OK: StoreResult = Object.freeze({ ok: true });

/** Changes applied in one atomic, durable transaction by {@link Store.commit}. */
export interface StoreWrite {
  /** New objects (key → bytes); an existing key is left as it is (same key, same bytes). */
  readonly putObjects?: readonly (readonly [Uint8Array, Uint8Array])[];
  /** Write `putObjects` even over existing keys (repairing damaged objects). */
  readonly overwriteObjects?: boolean;
  readonly deleteObjects?: readonly Uint8Array[];
  readonly putCheckpoints?: readonly (readonly [bigint, Uint8Array])[];
  readonly deleteCheckpoints?: readonly bigint[];
  /** Removes every logged batch at or below this height. */
  readonly pruneBatchesUpTo?: bigint;
  readonly putMeta?: readonly (readonly [string, Uint8Array])[];
  /**
   * Told how many of `putObjects` are written (written, total): on disk as
   * pages reach the page file, and all of them once the transaction
   * committed (a long checkpoint's progress). Synchronous; must not throw.
   */
  readonly onProgress?: (written: number, total: number) => void;
}

/** See the module header. */
export interface Store extends PageStore {
  /** `lmdb` or `memory` (what `--data-dir` / `--ephemeral` chose). */
  readonly kind: 'lmdb' | 'memory';
  /** The first write failure, after which every write is refused; `undefined` while healthy. */
  readonly failure: StoreError | undefined;

  /** The object under `key` (a page, node or module), unverified; `PageStore.get` for stored pages. */
  get(key: Uint8Array): Uint8Array | undefined;
  has(key: Uint8Array): boolean;
  /** Every stored object's key (garbage collection walks them). */
  objectKeys(): Iterable<Uint8Array>;

  /** The log record at `height`. */
  batch(height: bigint): Uint8Array | undefined;
  /** Heights of the logged batches above `after` (default: all), ascending. */
  batchHeights(after?: bigint): bigint[];
  /** The lowest logged height, if any. */
  firstBatchHeight(): bigint | undefined;
  /** The highest logged height, if any. */
  lastBatchHeight(): bigint | undefined;
  /** Writes the log record of `height`, durably. */
  appendBatch(height: bigint, bytes: Uint8Array): Promise<StoreResult>;

  /** The manifest at `height`. */
  checkpoint(height: bigint): Uint8Array | undefined;
  /** Heights with a manifest, ascending. */
  checkpointHeights(): bigint[];

  meta(name: string): Uint8Array | undefined;

  /** Applies `write` atomically and durably (see {@link StoreWrite}). */
  commit(write: StoreWrite): Promise<StoreResult>;
  /** Numbers for tests and benchmarks: objects, bytes of objects, batches, checkpoints. */
  stats(): StoreStats;
  /** Flushes and releases the store; later calls fail with `closed`. */
  close(): Promise<void>;
}

export interface StoreStats {
  readonly objects: number;
  readonly objectBytes: number;
  readonly batches: number;
  readonly checkpoints: number;
}

/** The {@link StoreError} of a thrown LMDB / file-system error. */
export function storeErrorOf(e: unknown, doing: string): StoreError {
  const err = e as { code?: unknown; message?: unknown };
  const message = typeof err?.message === 'string' ? err.message : String(e);
  const code = typeof err?.code === 'string' || typeof err?.code === 'number' ? String(err.code) : '';
  const full = /MDB_MAP_FULL|ENOSPC|EFBIG|No space left|File too large|-30792/.test(`${code} ${message}`);
  return { kind: full ? 'full' : 'io', message: `${doing} failed: ${message}${code === '' ? '' : ` (${code})`}` };
}
