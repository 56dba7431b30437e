/**
 * `PageFile`: the bytes of stored memory pages, in one flat file of 4 KiB
 * slots (`pages.bin` in the data directory), for {@link LmdbStore}, whose
 * LMDB database keeps only `page key → slot`.
 *
 * Why not LMDB values: a 4,096-byte value does not fit an LMDB page with its
 * header, so each page took two overflow pages (the file twice the memory),
 * a checkpoint's write transaction held its dirty pages in RAM until it
 * committed, and lmdb-js writes through its memory map, so every page ever
 * written stayed resident as file-backed memory — a canister writing 2 GiB
 * of stable memory put the replica at 7.3 GiB resident
 * (bench/stable-memory-workload.ts). Here a page is read with `pread`
 * (`readSync`: synchronous, from the page cache, never mapped into the
 * process) and written with `pwrite` (`writeSync`, runs of consecutive
 * slots coalesced).
 *
 * Crash safety: slots are written and synced *before* the LMDB transaction
 * that refers to them commits, and a slot is reused only after the
 * transaction that dropped its last reference committed; so a slot the
 * committed index refers to is never overwritten. Slots written for a
 * transaction that never committed are unreferenced: at open, the free
 * slots are those the index does not refer to.
 */
import { closeSync, constants, fdatasync, fstatSync, openSync, readSync, writevSync } from 'node:fs';

/** Bytes in a page and a slot. */
export const SLOT_BYTES = 4096;
/** Most bytes one `writevSync` call takes (a run of consecutive slots). */
const MAX_RUN_BYTES = 1 << 20;

/** A file of 4 KiB page slots (see the module header). */
export class PageFile {
  readonly path: string;
  readonly #fd: number;
  /** Slots in the file. */
  #end: number;
  /** Slots nobody refers to, reused before the file grows (a stack). */
  #free: number[] = [];
  #closed = false;

  private constructor(path: string, fd: number, end: number) {
    this.path = path;
    this.#fd = fd;
    this.#end = end;
  }

  /**
   * Opens (creating if needed) the page file at `path`; `used` are the slots
   * the index refers to, every other slot is free. `readOnly`: opened for
   * reading only, never created (writes then fail with the file system's EBADF).
   * @throws {Error} the file system's error (the caller reports it).
   */
  static open(path: string, used: Iterable<number>, opts: { readonly readOnly?: boolean } = {}): PageFile {
    // positioned reads and writes; created if missing
    const rw = openSync(path, opts.readOnly === true ? constants.O_RDONLY : constants.O_RDWR | constants.O_CREAT)
    const end = Math.floor(fstatSync(rw).size / SLOT_BYTES);
    const file = new PageFile(path, rw, end);
    const taken = new Uint8Array(end);
    for (const slot of used) if (slot < end) taken[slot] = 1;
    for (let s = end - 1; s >= 0; s--) if (taken[s] === 0) file.#free.push(s);
    return file;
  }

  /** Slots in the file, used or free. */
  get size(): number { return this.#end; }
  /** Free slots (reused before the file grows). */
  get freeCount(): number { return this.#free.length; }

  /** The page in `slot`. @throws {Error} for a slot past the end or a short read. */
  read(slot: number): Uint8Array {
    if (!Number.isSafeInteger(slot) || slot < 0 || slot >= this.#end) throw new Error(`page slot ${slot} is outside ${this.path} (${this.#end} slots)`);
    const out = new Uint8Array(SLOT_BYTES);
    const n = readSync(this.#fd, out, 0, SLOT_BYTES, slot * SLOT_BYTES);
    if (n !== SLOT_BYTES) throw new Error(`short read of page slot ${slot} in ${this.path}: ${n} bytes`);
    return out;
  }

  /**
   * Writes `pages` to slots not referred to (free ones first, then new ones
   * at the end) and returns the slots, in order. Not durable until {@link sync}.
   * `onWritten`: told the pages written so far after each run.
   * @throws {Error} the file system's error (e.g. ENOSPC); the slots taken stay free.
   */
  write(pages: readonly Uint8Array[], onWritten?: (written: number) => void): number[] {
    const slots: number[] = [];
    for (let i = 0; i < pages.length; i++) {
      if (pages[i].length !== SLOT_BYTES) throw new RangeError(`a page has ${SLOT_BYTES} bytes, got ${pages[i].length}`);
      slots.push(this.#free.length > 0 ? (this.#free.pop() as number) : this.#end++);
    }
    try {
      for (let i = 0; i < pages.length;) {
        let j = i + 1;
        while (j < pages.length && slots[j] === slots[j - 1] + 1 && (j - i) * SLOT_BYTES < MAX_RUN_BYTES) j++;
        writeRun(this.#fd, pages.slice(i, j), slots[i] * SLOT_BYTES);
        i = j;
        onWritten?.(i);
      }
    } catch (e) {
      this.free(slots);
      throw e;
    }
    return slots;
  }

  /** Makes the slots written so far durable. @throws {Error} the file system's error. */
  sync(): Promise<void> {
    return new Promise((resolve, reject) => { fdatasync(this.#fd, (e) => (e === null ? resolve() : reject(e))); });
  }

  /** Slots nobody refers to any more (after the transaction that dropped them committed). */
  free(slots: Iterable<number>): void {
    for (const s of slots) if (s >= 0 && s < this.#end) this.#free.push(s);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    closeSync(this.#fd);
  }
}

/**
 * Writes `pages` at `position` with one `pwritev` (the pages in place: no
 * copy into one buffer, so a checkpoint allocates nothing per run), again
 * for what a short write left.
 */
function writeRun(fd: number, pages: readonly Uint8Array[], position: number): void {
  let rest = pages;
  let at = position;
  while (rest.length > 0) {
    let n = writevSync(fd, rest, at);
    if (n <= 0) throw new Error(`no progress writing page slots at byte ${at}`);
    at += n;
    let k = 0;
    while (k < rest.length && n >= rest[k].length) n -= rest[k++].length;
    rest = n === 0 ? rest.slice(k) : [rest[k].subarray(n), ...rest.slice(k + 1)];
  }
}
