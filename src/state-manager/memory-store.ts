/**
 * `MemoryStore`: the {@link Store} in memory, for `--ephemeral` replicas and
 * tests. It behaves like the LMDB store (the same commit semantics, the same
 * refusal after a failure, objects written once) but keeps nothing past the
 * process; a replica "restarted" on the same `MemoryStore` object recovers
 * from it as from disk (closing keeps the contents). Objects and records are held by reference (they
 * are never mutated once handed over), so it costs no copies.
 */
import { hexOf } from './bytes.ts';
import { STORE_OK } from './store.ts';
import type { Store, StoreError, StoreResult, StoreStats, StoreWrite } from './store.ts';

const keyOf = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');

export class MemoryStore implements Store {
  readonly kind = 'memory' as const;
  readonly #objects = new Map<string, Uint8Array>();
  readonly #batches = new Map<bigint, Uint8Array>();
  readonly #checkpoints = new Map<bigint, Uint8Array>();
  readonly #meta = new Map<string, Uint8Array>();
  #objectBytes = 0;
  #failure: StoreError | undefined;

  get failure(): StoreError | undefined { return this.#failure; }

  get(key: Uint8Array): Uint8Array | undefined { return this.#objects.get(keyOf(key)); }
  has(key: Uint8Array): boolean { return this.#objects.has(keyOf(key)); }

  batch(height: bigint): Uint8Array | undefined { return this.#batches.get(height); }
  batchHeights(after?: bigint): bigint[] {
    return [...this.#batches.keys()].filter((h) => after === undefined || h > after).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }
  firstBatchHeight(): bigint | undefined {
    let first: bigint | undefined;
    for (const h of this.#batches.keys()) if (first === undefined || h < first) first = h;
    return first;
  }
  lastBatchHeight(): bigint | undefined {
    let last: bigint | undefined;
    for (const h of this.#batches.keys()) if (last === undefined || h > last) last = h;
    return last;
  }

  checkpoint(height: bigint): Uint8Array | undefined { return this.#checkpoints.get(height); }
  checkpointHeights(): bigint[] { return [...this.#checkpoints.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)); }
  meta(name: string): Uint8Array | undefined { return this.#meta.get(name); }

  #refuse(): StoreResult | undefined {
    if (this.#failure !== undefined) return { ok: false, error: this.#failure };
    return undefined;
  }

  async appendBatch(height: bigint, bytes: Uint8Array): Promise<StoreResult> {
    const refused = this.#refuse();
    if (refused !== undefined) return refused;
    this.#batches.set(height, bytes);
    return STORE_OK;
  }

  async commit(write: StoreWrite): Promise<StoreResult> {
    const refused = this.#refuse();
    if (refused !== undefined) return refused;
    for (const [key, bytes] of write.putObjects ?? []) {
      const k = keyOf(key);
      const old = this.#objects.get(k);
      if (old !== undefined && write.overwriteObjects !== true) continue;
      this.#objects.set(k, bytes);
      this.#objectBytes += bytes.length - (old?.length ?? 0);
    }
    for (const key of write.deleteObjects ?? []) {
      const k = keyOf(key);
      const old = this.#objects.get(k);
      if (old === undefined) continue;
      this.#objects.delete(k);
      this.#objectBytes -= old.length;
    }
    for (const [h, bytes] of write.putCheckpoints ?? []) this.#checkpoints.set(h, bytes);
    for (const h of write.deleteCheckpoints ?? []) this.#checkpoints.delete(h);
    if (write.pruneBatchesUpTo !== undefined) {
      for (const h of [...this.#batches.keys()]) if (h <= write.pruneBatchesUpTo) this.#batches.delete(h);
    }
    for (const [name, bytes] of write.putMeta ?? []) this.#meta.set(name, bytes);
    write.onProgress?.(write.putObjects?.length ?? 0, write.putObjects?.length ?? 0);
    return STORE_OK;
  }

  stats(): StoreStats {
    return { objects: this.#objects.size, objectBytes: this.#objectBytes, batches: this.#batches.size, checkpoints: this.#checkpoints.size };
  }

  /** Test hook: replaces the manifest at `height` (e.g. with damaged bytes). */
  damageCheckpoint(height: bigint, bytes: Uint8Array): void {
    this.#checkpoints.set(height, bytes);
  }

  /** Test hook: replaces an object's bytes (damage). */
  damageObject(key: Uint8Array, bytes: Uint8Array): void {
    if (!this.#objects.has(keyOf(key))) throw new RangeError(`no object ${hexOf(key)}`);
    this.#objects.set(keyOf(key), bytes);
  }

  objectKeys(): Uint8Array[] {
    return [...this.#objects.keys()].map((k) => Uint8Array.from(Buffer.from(k, 'latin1')));
  }

  /** Test hook: from now on every write fails with `error` (and the store stays failed, as a real one). */
  fail(error: StoreError): void {
    this.#failure = error;
  }

  /** Keeps the contents: a replica can open the same `MemoryStore` again (a restart within the process). */
  async close(): Promise<void> {
    this.#failure = undefined;
  }
}
