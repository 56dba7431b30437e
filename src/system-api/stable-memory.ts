// Stable memory as the System API sees it: a size in 64 KiB Wasm pages and a
// byte array addressed by u64 offsets, stored as 4 KiB OS pages.
//
// `StableMemoryBuffer` is the in-memory implementation, after the replica's
// `page_map::Buffer` over a `PageMap`: the committed pages are read through a
// read-only lookup (`{ get(index) }`, e.g. a `PageMap`) and never changed;
// the first write to a page copies it into the execution's dirty set, and
// later writes change that copy in place. So `rollback()` is dropping the
// dirty set (and the grown size), `commit()` is folding it into the
// buffer's own committed overlay (above the lookup) and returning the page
// delta. Pages never written read as zeros, so growing allocates nothing.
//
// The buffer also counts what the replica limits per execution (embedders.rs
// `STABLE_MEMORY_{DIRTY,ACCESSED}_PAGE_LIMIT`): dirty pages and accessed
// (read or written) pages. `SystemApi` checks the limits for its context and
// charges `DIRTY_PAGE_OVERHEAD` per newly dirtied page.
import { MAX_STABLE_MEMORY_IN_BYTES } from '../config/index.ts';

/** Bytes in a 64 KiB Wasm page. */
export const WASM_PAGE_BYTES = 65_536;
/** Bytes in a 4 KiB OS page, the unit of dirty tracking. */
export const OS_PAGE_BYTES = 4_096;
/** The largest stable memory, in Wasm pages (500 GiB). */
export const MAX_STABLE_MEMORY_PAGES = Number(MAX_STABLE_MEMORY_IN_BYTES / 65_536n);

/** The stable memory of one canister, as one execution sees and changes it. */
export interface StableMemory {
  /** Current size in 64 KiB pages. */
  readonly sizePages: number;
  /** Current size in bytes. */
  readonly sizeBytes: number;
  /** Grows by `additionalPages`; `false` (and no change) past the stable-memory maximum. */
  grow(additionalPages: number): boolean;
  /** Copies `dst.length` bytes starting at `offset` into `dst`. The caller checked bounds. */
  read(offset: number, dst: Uint8Array): void;
  /** Copies `src` to `offset`. The caller checked bounds. */
  write(offset: number, src: Uint8Array): void;
  /** OS pages in `[offset, offset + size)` not yet dirty in this execution. */
  newDirtyPages(offset: number, size: number): number;
  /** OS pages in `[offset, offset + size)` not yet accessed in this execution. */
  newAccessedPages(offset: number, size: number): number;
  /** OS pages dirtied so far in this execution. */
  readonly dirtyPageCount: number;
  /** OS pages read or written so far in this execution. */
  readonly accessedPageCount: number;
}

/** Read-only access to committed 4 KiB pages by index (`undefined` = all zeros), e.g. a `PageMap`. */
export interface StablePageLookup {
  get(index: number): Uint8Array | undefined;
}

/** One committed-or-dirty page change. */
export interface StablePageDelta {
  readonly index: number;
  readonly bytes: Uint8Array;
}

const EMPTY_PAGES: StablePageLookup = { get: () => undefined };

function pageRange(offset: number, size: number): [number, number] {
  return [Math.floor(offset / OS_PAGE_BYTES), Math.floor((offset + size - 1) / OS_PAGE_BYTES)];
}

/** Counts the page indices in `[first, last]` that are not in `set`. */
function countMissing(set: ReadonlySet<number> | ReadonlyMap<number, unknown>, first: number, last: number): number {
  const total = last - first + 1;
  let present = 0;
  if (set.size < total) {
    for (const k of set.keys()) if (k >= first && k <= last) present++;
  } else {
    for (let p = first; p <= last; p++) if (set.has(p)) present++;
  }
  return total - present;
}

/** Page-granular in-memory stable memory with dirty tracking and rollback. */
export class StableMemoryBuffer implements StableMemory {
  readonly #base: StablePageLookup;
  /** Pages committed by {@link commit}, above `#base`. */
  readonly #committed = new Map<number, Uint8Array>();
  #committedSize: number;
  #dirty = new Map<number, Uint8Array>();
  #accessed = new Set<number>();
  #size: number;

  /**
   * @param sizePages committed size in Wasm pages.
   * @param pages committed 4 KiB pages by index (absent pages are zero); read, never written.
   */
  constructor(sizePages = 0, pages: StablePageLookup = EMPTY_PAGES) {
    if (!Number.isSafeInteger(sizePages) || sizePages < 0 || sizePages > MAX_STABLE_MEMORY_PAGES) {
      throw new RangeError(`stable memory size must be 0..${MAX_STABLE_MEMORY_PAGES} pages, got ${sizePages}`);
    }
    this.#base = pages;
    this.#committedSize = sizePages;
    this.#size = sizePages;
  }

  get sizePages(): number {
    return this.#size;
  }

  get sizeBytes(): number {
    return this.#size * WASM_PAGE_BYTES;
  }

  get dirtyPageCount(): number {
    return this.#dirty.size;
  }

  get accessedPageCount(): number {
    return this.#accessed.size;
  }

  grow(additionalPages: number): boolean {
    const next = this.#size + additionalPages;
    if (!Number.isSafeInteger(next) || additionalPages < 0 || next > MAX_STABLE_MEMORY_PAGES) return false;
    this.#size = next;
    return true;
  }

  read(offset: number, dst: Uint8Array): void {
    forEachPageSpan(offset, dst.length, (index, inPage, done, n) => {
      this.#accessed.add(index);
      const page = this.#dirty.get(index) ?? this.#committedPage(index);
      if (page === undefined) dst.fill(0, done, done + n);
      else dst.set(page.subarray(inPage, inPage + n), done);
    });
  }

  write(offset: number, src: Uint8Array): void {
    forEachPageSpan(offset, src.length, (index, inPage, done, n) => {
      this.#accessed.add(index);
      let page = this.#dirty.get(index);
      if (page === undefined) {
        const base = this.#committedPage(index);
        page = base === undefined ? new Uint8Array(OS_PAGE_BYTES) : base.slice();
        this.#dirty.set(index, page);
      }
      page.set(src.subarray(done, done + n), inPage);
    });
  }

  #committedPage(index: number): Uint8Array | undefined {
    return this.#committed.size === 0 ? this.#base.get(index) : (this.#committed.get(index) ?? this.#base.get(index));
  }

  newDirtyPages(offset: number, size: number): number {
    if (size <= 0) return 0;
    const [first, last] = pageRange(offset, size);
    return countMissing(this.#dirty, first, last);
  }

  newAccessedPages(offset: number, size: number): number {
    if (size <= 0) return 0;
    const [first, last] = pageRange(offset, size);
    return countMissing(this.#accessed, first, last);
  }

  /** The pages this execution dirtied, by ascending index (copies). */
  dirtyPages(): StablePageDelta[] {
    return [...this.#dirty.keys()].sort((a, b) => a - b)
      .map((index) => ({ index, bytes: (this.#dirty.get(index) as Uint8Array).slice() }));
  }

  /**
   * The pages this execution dirtied, by ascending index, handed over
   * without copying (the buffer forgets them: use it when the execution is
   * over and its buffer is dropped, so a large write is not held twice).
   */
  takeDirtyPages(): StablePageDelta[] {
    const dirty = this.#dirty;
    this.#dirty = new Map();
    return [...dirty.keys()].sort((a, b) => a - b).map((index) => ({ index, bytes: dirty.get(index) as Uint8Array }));
  }

  /** Makes this execution's changes the committed state; returns the page delta by ascending index. */
  commit(): StablePageDelta[] {
    const delta = this.dirtyPages();
    for (const [index, bytes] of this.#dirty) this.#committed.set(index, bytes);
    this.#committedSize = this.#size;
    this.#dirty = new Map();
    this.#accessed = new Set();
    return delta;
  }

  /** Discards this execution's writes and growth. */
  rollback(): void {
    this.#size = this.#committedSize;
    this.#dirty = new Map();
    this.#accessed = new Set();
  }
}

/**
 * Splits the byte range [offset, offset + length) at 4 KiB page boundaries
 * and calls `span` for each piece: its page index, its offset in the page,
 * how many bytes of the range came before it, and its length.
 */
function forEachPageSpan(offset: number, length: number, span: (index: number, inPage: number, done: number, n: number) => void): void {
  let done = 0;
  while (done < length) {
    const at = offset + done;
    const index = Math.floor(at / OS_PAGE_BYTES);
    const inPage = at - index * OS_PAGE_BYTES;
    const n = Math.min(OS_PAGE_BYTES - inPage, length - done);
    span(index, inPage, done, n);
    done += n;
  }
}
