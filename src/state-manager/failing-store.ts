/**
 * `FailingStore`: fault injection around a {@link Store} — the "disk full /
 * I/O error" of the crash tests. Reads pass through; writes pass through
 * until the armed trigger fires, after which that write and every later one
 * fail without reaching the inner store (as a real store refuses writes after
 * a failure), so what the inner store holds is exactly what the successful
 * writes left.
 */
import type { Store, StoreError, StoreResult, StoreStats, StoreWrite } from './store.ts';

/** When the injected failure happens. */
export interface FailureTrigger {
  /** Fail the write after this many more successful writes (0: the next one). */
  readonly afterWrites?: number;
  /** Fail the first checkpoint commit (a commit with a manifest) instead. */
  readonly onCheckpoint?: boolean;
  /** The error reported. Default `{ kind: 'full', message: 'MDB_MAP_FULL: Environment mapsize limit reached (injected)' }`. */
  readonly error?: StoreError;
}

const DEFAULT_ERROR: StoreError = Object.freeze({ kind: 'full', message: 'MDB_MAP_FULL: Environment mapsize limit reached (injected)' });

export class FailingStore implements Store {
  readonly inner: Store;
  #trigger: FailureTrigger | undefined;
  #left = 0;
  #failure: StoreError | undefined;
  /** Writes that reached the inner store. */
  writes = 0;

  constructor(inner: Store, trigger?: FailureTrigger) {
    this.inner = inner;
    if (trigger !== undefined) this.arm(trigger);
  }

  get kind(): Store['kind'] { return this.inner.kind; }
  get failure(): StoreError | undefined { return this.#failure ?? this.inner.failure; }

  /** Sets the trigger (replacing any armed one). */
  arm(trigger: FailureTrigger): void {
    this.#trigger = trigger;
    this.#left = trigger.afterWrites ?? 0;
  }

  #fails(isCheckpoint: boolean): StoreResult | undefined {
    if (this.#failure !== undefined) return { ok: false, error: this.#failure };
    const t = this.#trigger;
    if (t === undefined) return undefined;
    const fire = t.onCheckpoint === true ? isCheckpoint : this.#left-- <= 0;
    if (!fire) return undefined;
    this.#failure = t.error ?? DEFAULT_ERROR;
    return { ok: false, error: this.#failure };
  }

  get(key: Uint8Array): Uint8Array | undefined { return this.inner.get(key); }
  has(key: Uint8Array): boolean { return this.inner.has(key); }
  objectKeys(): Iterable<Uint8Array> { return this.inner.objectKeys(); }
  batch(height: bigint): Uint8Array | undefined { return this.inner.batch(height); }
  batchHeights(after?: bigint): bigint[] { return this.inner.batchHeights(after); }
  firstBatchHeight(): bigint | undefined { return this.inner.firstBatchHeight(); }
  lastBatchHeight(): bigint | undefined { return this.inner.lastBatchHeight(); }
  checkpoint(height: bigint): Uint8Array | undefined { return this.inner.checkpoint(height); }
  checkpointHeights(): bigint[] { return this.inner.checkpointHeights(); }
  meta(name: string): Uint8Array | undefined { return this.inner.meta(name); }
  stats(): StoreStats { return this.inner.stats(); }

  async appendBatch(height: bigint, bytes: Uint8Array): Promise<StoreResult> {
    const failed = this.#fails(false);
    if (failed !== undefined) return failed;
    this.writes++;
    return this.inner.appendBatch(height, bytes);
  }

  async commit(write: StoreWrite): Promise<StoreResult> {
    const failed = this.#fails((write.putCheckpoints?.length ?? 0) > 0);
    if (failed !== undefined) return failed;
    this.writes++;
    return this.inner.commit(write);
  }

  close(): Promise<void> { return this.inner.close(); }
}
