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
 * Pages (objects of kind `P`, 4 KiB) keep their bytes in a {@link PageFile}
 * (`pages.bin`, 4 KiB slots read with `pread`): the database `slots` holds
 * only their slot (8 bytes); any other object, a `P` of another size
 * included, is an LMDB value. A checkpoint writes and syncs its new pages' slots before
 * the transaction that refers to them; slots of deleted pages are reused
 * after that transaction committed (page-file.ts has why: as LMDB values,
 * pages took twice their size on disk and stayed resident through the
 * memory map). Page-tree nodes and blobs stay LMDB values.
 *
 * The process that opens a store for writing keeps its pid in `ic-exec.pid`
 * in the directory until it closes it; {@link LmdbStore.user} tells whether
 * a live process has the directory open (`ic-exec replay` refuses then). A
 * store opened `readOnly` (replay) writes nothing to the directory but
 * LMDB's reader table in `lock.mdb`, and refuses every write.
 */
import type * as lmdb from 'lmdb';
import type { Database, RootDatabase } from 'lmdb';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { heightKey, heightOfKey } from './bytes.ts';
import { PageFile, SLOT_BYTES } from './page-file.ts';
import { STORE_OK, storeErrorOf } from './store.ts';
import type { Store, StoreError, StoreResult, StoreStats, StoreWrite } from './store.ts';

/** The first byte of a blob key (a module or chunk): stored in `modules`. */
const BLOB_KIND = 0x42;
/** The first byte of a page key: a 4 KiB page's bytes are in the page file, `slots` holds its slot. */
const PAGE_KIND = 0x50;
/** Bytes of a slot number as stored in `pages` (u64 big-endian). */
const SLOT_VALUE_BYTES = 8;

const slotValue = (slot: number): Uint8Array => {
  const b = new Uint8Array(SLOT_VALUE_BYTES);
  new DataView(b.buffer).setBigUint64(0, BigInt(slot), false);
  return b;
};
const slotOf = (v: Uint8Array): number => Number(new DataView(v.buffer, v.byteOffset, v.byteLength).getBigUint64(0, false));

type Db = Database<Uint8Array, Uint8Array>;

let lmdbOpen: typeof lmdb.open | undefined;
/**
 * lmdb's `open`, loaded on the first store opened: a replica in memory
 * (`--ephemeral`, tests) never loads lmdb's ~20 modules and native addons
 * (tens of ms of every start). Its ES module entry through `require` (a
 * synchronous module graph), so it is the instance `import 'lmdb'` gives.
 */
function lmdbOpenFn(): typeof lmdb.open {
  lmdbOpen ??= (createRequire(import.meta.url)(fileURLToPath(import.meta.resolve('lmdb'))) as typeof lmdb).open;
  return lmdbOpen;
}

/** The memory map reserved for the LMDB file (virtual address space, not disk or RAM): 1 TiB. */
const DEFAULT_MAP_SIZE = 2 ** 40;

/** The file holding the pid of the process that has the store open for writing. */
const PID_FILE = 'ic-exec.pid';

/** Options of {@link LmdbStore.open}. */
export interface LmdbStoreOptions {
  /** Map size, bytes (default 1 TiB of address space; lmdb-js grows it on demand). */
  readonly mapSize?: number;
  /** Open an existing store for reading only (never created; every write refused). */
  readonly readOnly?: boolean;
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
  readonly #slots: Db;
  readonly #pageFile: PageFile;
  #failure: StoreError | undefined;
  #closed = false;
  readonly #readOnly: boolean;

  private constructor(path: string, env: RootDatabase, readOnly: boolean) {
    this.path = path;
    this.#env = env;
    this.#readOnly = readOnly;
    const db = (name: string): Db => env.openDB({ name, encoding: 'binary', keyEncoding: 'binary' }) as unknown as Db;
    this.#batches = db('batches');
    this.#pages = db('pages');
    this.#modules = db('modules');
    this.#checkpoints = db('checkpoints');
    this.#meta = db('meta');
    this.#slots = db('slots');
    this.#pageFile = PageFile.open(join(path, 'pages.bin'), this.#usedSlots(), { readOnly });
  }

  /**
   * The pid of a live process that has the store in `path` open for writing
   * (its `ic-exec.pid`), or `undefined` (none, or it died without closing).
   */
  static user(path: string): number | undefined {
    let pid: number;
    try {
      pid = Number.parseInt(readFileSync(join(path, PID_FILE), 'utf8'), 10);
    } catch {
      return undefined;
    }
    if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
    try {
      process.kill(pid, 0);
      return pid;
    } catch (e) {
      return (e as { code?: string }).code === 'EPERM' ? pid : undefined; // EPERM: alive, another user's
    }
  }

  /** The slots the committed index refers to. */
  *#usedSlots(): Generator<number> {
    for (const { value } of this.#slots.getRange({})) yield slotOf(value);
  }

  /** Opens (creating if needed) the store in directory `path`, or says why it cannot. */
  static open(path: string, opts: LmdbStoreOptions = {}): LmdbStore | StoreError {
    try {
      // noSubdir: false — lmdb-js guesses a file from a dot in the name (`my.data`), and pages.bin lives beside data.mdb
      // mapSize: address space only (the file grows as written); when lmdb-js outgrows the map it maps the file again and
      // keeps the old mappings, whose resident pages then count twice — a map that never needs growing avoids that
      const readOnly = opts.readOnly === true;
      const env = lmdbOpenFn()({ path, maxDbs: 8, noSubdir: false, mapSize: opts.mapSize ?? DEFAULT_MAP_SIZE, ...(readOnly ? { readOnly } : {}) });
      try {
        const store = new LmdbStore(path, env, readOnly);
        if (!readOnly) writeFileSync(join(path, PID_FILE), `${process.pid}\n`);
        return store;
      } catch (e) {
        void env.close();
        throw e;
      }
    } catch (e) {
      return storeErrorOf(e, `opening the store in ${path}`);
    }
  }

  get failure(): StoreError | undefined { return this.#failure; }

  #objectsOf(key: Uint8Array): Db { return key[0] === BLOB_KIND ? this.#modules : this.#pages; }

  get(key: Uint8Array): Uint8Array | undefined {
    const slot = key[0] === PAGE_KIND ? this.#slots.getBinary(key) : undefined;
    if (slot === undefined) return this.#objectsOf(key).getBinary(key);
    try {
      return this.#pageFile.read(slotOf(slot));
    } catch {
      return undefined; // unreadable: the caller reports a damaged store
    }
  }
  has(key: Uint8Array): boolean { return (key[0] === PAGE_KIND && this.#slots.doesExist(key)) || this.#objectsOf(key).doesExist(key); }
  *objectKeys(): Generator<Uint8Array> {
    yield* this.#slots.getKeys({});
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
    if (this.#readOnly) return { ok: false, error: { kind: 'io', message: `the store in ${this.path} is open read-only` } };
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

  async commit(write: StoreWrite): Promise<StoreResult> {
    const refused = this.#refuse();
    if (refused !== undefined) return refused;
    // New pages go to the page file first, synced, so the transaction never refers to a slot not on disk.
    const newPages = (write.putObjects ?? []).filter(([key, bytes]) => key[0] === PAGE_KIND && bytes.length === SLOT_BYTES
      && (write.overwriteObjects === true || !this.has(key)));
    let slots: number[] = [];
    const total = write.putObjects?.length ?? 0;
    const progress = write.onProgress;
    try {
      slots = this.#pageFile.write(newPages.map(([, bytes]) => bytes), progress === undefined ? undefined : (n) => progress(n, total));
      if (slots.length > 0) await this.#pageFile.sync();
    } catch (e) {
      this.#pageFile.free(slots);
      this.#failure = storeErrorOf(e, 'writing a checkpoint\'s pages');
      return { ok: false, error: this.#failure };
    }
    const slotOfPage = new Map(newPages.map(([key], i) => [key, slots[i]]));
    const released: number[] = [];
    /** Forgets the page under `key` (its slot, or its LMDB value); its slot is released when the transaction commits. */
    const dropPage = (key: Uint8Array): void => {
      const old = this.#slots.getBinary(key);
      if (old !== undefined) {
        released.push(slotOf(old));
        void this.#slots.remove(key);
      }
      void this.#pages.remove(key);
    };
    const r = await this.#write('writing a checkpoint', () => {
      for (const [key, bytes] of write.putObjects ?? []) {
        const slot = slotOfPage.get(key);
        if (slot !== undefined) {
          dropPage(key);
          void this.#slots.put(key, slotValue(slot));
          continue;
        }
        if (write.overwriteObjects === true) {
          if (key[0] === PAGE_KIND) dropPage(key);
          void this.#objectsOf(key).put(key, bytes);
        } else if (!this.has(key)) {
          void this.#objectsOf(key).put(key, bytes);
        }
      }
      for (const key of write.deleteObjects ?? []) {
        if (key[0] === PAGE_KIND) dropPage(key);
        else void this.#objectsOf(key).remove(key);
      }
      for (const [h, bytes] of write.putCheckpoints ?? []) void this.#checkpoints.put(heightKey(h), bytes);
      for (const h of write.deleteCheckpoints ?? []) void this.#checkpoints.remove(heightKey(h));
      if (write.pruneBatchesUpTo !== undefined) {
        const old = [...this.#batches.getKeys({ end: heightKey(write.pruneBatchesUpTo + 1n) })];
        for (const k of old) void this.#batches.remove(k);
      }
      for (const [name, bytes] of write.putMeta ?? []) void this.#meta.put(Buffer.from(name, 'utf8'), bytes);
    });
    // Slots taken for this commit stay referenced only if it committed; released ones are free once it did.
    if (r.ok) {
      this.#pageFile.free(released);
      progress?.(total, total);
    } else this.#pageFile.free(slots);
    return r;
  }

  stats(): StoreStats {
    const s = (db: Db): { entryCount: number; pageSize: number; overflowPages: number; treeLeafPageCount: number; treeBranchPageCount: number } =>
      db.getStats() as never;
    const pages = s(this.#pages);
    const modules = s(this.#modules);
    const bytesOf = (x: typeof pages): number => x.pageSize * (x.overflowPages + x.treeLeafPageCount + x.treeBranchPageCount);
    return {
      objects: pages.entryCount + modules.entryCount + s(this.#slots).entryCount,
      objectBytes: bytesOf(pages) + bytesOf(modules) + (this.#pageFile.size - this.#pageFile.freeCount) * 4096,
      batches: s(this.#batches).entryCount,
      checkpoints: s(this.#checkpoints).entryCount,
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#pageFile.close();
    await this.#env.close();
    if (!this.#readOnly && LmdbStore.user(this.path) === process.pid) rmSync(join(this.path, PID_FILE), { force: true });
  }
}
