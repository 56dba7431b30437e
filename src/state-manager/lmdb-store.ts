/**
 * `LmdbStore`: the {@link Store} on disk — one LMDB environment (the `lmdb`
 * package) in the data directory, with named databases `batches`, `pages`
 * (pages and page-tree nodes), `modules` (Wasm modules and chunks: objects
 * of kind `B`), `checkpoints` and `meta`. Keys are bytes; heights are
 * 8-byte big-endian so they sort numerically.
 *
 * Durability: a write is a synchronous LMDB transaction (`transactionSync`:
 * atomic; lmdb-js's asynchronous transaction callbacks are not used), then
 * `await env.flushed` — the promise resolves once the commit is synced to
 * disk (`overlappingSync`, lmdb-js's default on Linux, syncs after the
 * commit; nothing is acknowledged before). A write that throws (an I/O
 * error, a full disk or file-size limit) aborts its transaction, so what is
 * on disk stays as the last successful commit left it; the store records the
 * failure and refuses every later write. lmdb-js grows the memory map as
 * needed (`mapSize` is only the initial size), so "full" comes from the file
 * system, not from LMDB's MDB_MAP_FULL.
 *
 * Space: a 4 KiB page does not fit an LMDB leaf node of a 4 KiB LMDB page
 * and is stored in overflow pages (two per object), so pages take ~2× their
 * size on disk.
 */
import { open } from 'lmdb';
import type { Database, RootDatabase } from 'lmdb';
import { heightKey, heightOfKey } from './bytes.ts';
import { STORE_OK, storeErrorOf } from './store.ts';
import type { Store, StoreError, StoreResult, StoreStats, StoreWrite } from './store.ts';

/** The first byte of a blob key (a module or chunk): stored in `modules`. */
const BLOB_KIND = 0x42;

type Db = Database<Uint8Array, Uint8Array>;

/** Options of {@link LmdbStore.open}. */
export interface LmdbStoreOptions {
  /** Initial map size, bytes (grows on demand). */
  readonly mapSize?: number;
}

export class LmdbStore implements Store {
  readonly kind = 'lmdb' as const;
  readonly path: string;
  readonly #env: RootDatabase;
  readonly #batches: Db;
  readonly #pages: Db;
  readonly #modules: Db;
  readonly #checkpoints: Db;
  readonly #meta: Db;
  #failure: StoreError | undefined;
  #closed = false;

  private constructor(path: string, env: RootDatabase) {
    this.path = path;
    this.#env = env;
    const db = (name: string): Db => env.openDB({ name, encoding: 'binary', keyEncoding: 'binary' }) as unknown as Db;
    this.#batches = db('batches');
    this.#pages = db('pages');
    this.#modules = db('modules');
    this.#checkpoints = db('checkpoints');
    this.#meta = db('meta');
  }

  /** Opens (creating if needed) the store in directory `path`, or says why it cannot. */
  static open(path: string, opts: LmdbStoreOptions = {}): LmdbStore | StoreError {
    try {
      const env = open({ path, maxDbs: 8, ...(opts.mapSize === undefined ? {} : { mapSize: opts.mapSize }) });
      return new LmdbStore(path, env);
    } catch (e) {
      return storeErrorOf(e, `opening the store in ${path}`);
    }
  }

  get failure(): StoreError | undefined { return this.#failure; }

  #objectsOf(key: Uint8Array): Db { return key[0] === BLOB_KIND ? this.#modules : this.#pages; }

  get(key: Uint8Array): Uint8Array | undefined { return this.#objectsOf(key).getBinary(key); }
  has(key: Uint8Array): boolean { return this.#objectsOf(key).doesExist(key); }
  *objectKeys(): Generator<Uint8Array> {
    yield* this.#pages.getKeys({});
    yield* this.#modules.getKeys({});
  }

  batch(height: bigint): Uint8Array | undefined { return this.#batches.getBinary(heightKey(height)); }
  batchHeights(after?: bigint): bigint[] {
    const range = after === undefined ? {} : { start: heightKey(after + 1n) };
    return [...this.#batches.getKeys(range)].map((k) => heightOfKey(k));
  }
  firstBatchHeight(): bigint | undefined {
    for (const k of this.#batches.getKeys({ limit: 1 })) return heightOfKey(k);
    return undefined;
  }
  lastBatchHeight(): bigint | undefined {
    for (const k of this.#batches.getKeys({ reverse: true, limit: 1 })) return heightOfKey(k);
    return undefined;
  }

  checkpoint(height: bigint): Uint8Array | undefined { return this.#checkpoints.getBinary(heightKey(height)); }
  checkpointHeights(): bigint[] { return [...this.#checkpoints.getKeys({})].map((k) => heightOfKey(k)); }
  meta(name: string): Uint8Array | undefined { return this.#meta.getBinary(Buffer.from(name, 'utf8')); }

  #refuse(): StoreResult | undefined {
    if (this.#closed) return { ok: false, error: { kind: 'closed', message: 'the store is closed' } };
    if (this.#failure !== undefined) return { ok: false, error: this.#failure };
    return undefined;
  }

  async #write(doing: string, body: () => void): Promise<StoreResult> {
    const refused = this.#refuse();
    if (refused !== undefined) return refused;
    try {
      this.#env.transactionSync(body);
      await this.#env.flushed;
      return STORE_OK;
    } catch (e) {
      this.#failure = storeErrorOf(e, doing);
      return { ok: false, error: this.#failure };
    }
  }

  appendBatch(height: bigint, bytes: Uint8Array): Promise<StoreResult> {
    return this.#write(`logging the batch at height ${height}`, () => { void this.#batches.put(heightKey(height), bytes); });
  }

  commit(write: StoreWrite): Promise<StoreResult> {
    return this.#write('writing a checkpoint', () => {
      for (const [key, bytes] of write.putObjects ?? []) {
        const db = this.#objectsOf(key);
        if (write.overwriteObjects === true || !db.doesExist(key)) void db.put(key, bytes);
      }
      for (const key of write.deleteObjects ?? []) void this.#objectsOf(key).remove(key);
      for (const [h, bytes] of write.putCheckpoints ?? []) void this.#checkpoints.put(heightKey(h), bytes);
      for (const h of write.deleteCheckpoints ?? []) void this.#checkpoints.remove(heightKey(h));
      if (write.pruneBatchesUpTo !== undefined) {
        const old = [...this.#batches.getKeys({ end: heightKey(write.pruneBatchesUpTo + 1n) })];
        for (const k of old) void this.#batches.remove(k);
      }
      for (const [name, bytes] of write.putMeta ?? []) void this.#meta.put(Buffer.from(name, 'utf8'), bytes);
    });
  }

  stats(): StoreStats {
    const s = (db: Db): { entryCount: number; pageSize: number; overflowPages: number; treeLeafPageCount: number; treeBranchPageCount: number } =>
      db.getStats() as never;
    const pages = s(this.#pages);
    const modules = s(this.#modules);
    const bytesOf = (x: typeof pages): number => x.pageSize * (x.overflowPages + x.treeLeafPageCount + x.treeBranchPageCount);
    return {
      objects: pages.entryCount + modules.entryCount,
      objectBytes: bytesOf(pages) + bytesOf(modules),
      batches: s(this.#batches).entryCount,
      checkpoints: s(this.#checkpoints).entryCount,
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#env.close();
  }
}
