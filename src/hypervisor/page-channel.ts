/**
 * Stored pages in sandbox workers. A worker's mirror of a page map holds
 * the pages that live in a store of the main thread as stored pages of a
 * {@link RemotePageStore}: what a message reads is fetched when it reads
 * it, synchronously, from the main thread — so a large stable memory is
 * never copied whole into a worker.
 *
 * The channel is one `SharedArrayBuffer` per worker:
 *
 *     worker                                        main
 *     ctl[0] = 0; post {pages, store, keys}   →     on message: store.get(key)… into the
 *     Atomics.wait(ctl, 0, 0)                         buffer; ctl[0] = 1; Atomics.notify
 *     read flags and pages, copy them out     ←
 *
 * At most {@link PAGES_PER_REQUEST} pages travel per request (a node of
 * the page tree: `PageMap` loads a node's stored pages with one
 * `getMany`). The worker blocks only while the main thread answers, and
 * the main thread never waits on a worker synchronously, so this cannot
 * deadlock; the pages are checked against their hashes in the worker (the
 * stored page does that on load). Timing never changes a result.
 */
import { PAGE_BYTES } from '../state/index.ts';
import type { PageStore } from '../state/index.ts';

/** Pages per request (one node of a page map's tree). */
export const PAGES_PER_REQUEST = 64;
const KEY_BYTES = 33;
const CTL_BYTES = 16;
const FLAGS_AT = CTL_BYTES;
const DATA_AT = FLAGS_AT + PAGES_PER_REQUEST;
/** How long a worker waits for the main thread's answer before it gives up on the page (a bug, or a stalled main thread). */
const ANSWER_TIMEOUT_MS = 300_000;

/** A worker's request for pages. */
export interface PagesRequest {
  readonly type: 'pages';
  /** The main thread's number for the store. */
  readonly store: number;
  /** The pages' keys, {@link KEY_BYTES} each. */
  readonly keys: Uint8Array;
}

/** The shared buffer of a worker's page channel. */
export function newPageChannel(): SharedArrayBuffer {
  return new SharedArrayBuffer(DATA_AT + PAGES_PER_REQUEST * PAGE_BYTES);
}

/** The worker's end: fetches pages from the main thread, blocking until they come. */
export class PageChannelClient {
  readonly #ctl: Int32Array;
  readonly #flags: Uint8Array;
  readonly #data: Uint8Array;
  readonly #post: (request: PagesRequest) => void;
  readonly #stores = new Map<number, RemotePageStore>();

  constructor(buffer: SharedArrayBuffer, post: (request: PagesRequest) => void) {
    this.#ctl = new Int32Array(buffer, 0, CTL_BYTES / 4);
    this.#flags = new Uint8Array(buffer, FLAGS_AT, PAGES_PER_REQUEST);
    this.#data = new Uint8Array(buffer, DATA_AT, PAGES_PER_REQUEST * PAGE_BYTES);
    this.#post = post;
  }

  /** The store the main thread numbers `id`, as seen from here. */
  store(id: number): RemotePageStore {
    let s = this.#stores.get(id);
    if (s === undefined) this.#stores.set(id, (s = new RemotePageStore(id, this)));
    return s;
  }

  /** The objects under `keys` in store `store` (`undefined` for one it does not have). */
  fetch(store: number, keys: readonly Uint8Array[]): (Uint8Array | undefined)[] {
    const out: (Uint8Array | undefined)[] = [];
    for (let at = 0; at < keys.length; at += PAGES_PER_REQUEST) {
      const chunk = keys.slice(at, at + PAGES_PER_REQUEST);
      const packed = new Uint8Array(chunk.length * KEY_BYTES);
      chunk.forEach((k, i) => {
        if (k.length !== KEY_BYTES) throw new RangeError(`a page key has ${KEY_BYTES} bytes, got ${k.length}`);
        packed.set(k, i * KEY_BYTES);
      });
      Atomics.store(this.#ctl, 0, 0);
      this.#post({ type: 'pages', store, keys: packed });
      if (Atomics.wait(this.#ctl, 0, 0, ANSWER_TIMEOUT_MS) === 'timed-out') {
        throw new Error(`sandbox worker: the main thread did not answer a page request within ${ANSWER_TIMEOUT_MS} ms`);
      }
      for (let i = 0; i < chunk.length; i++) {
        out.push(this.#flags[i] === 1 ? this.#data.slice(i * PAGE_BYTES, (i + 1) * PAGE_BYTES) : undefined);
      }
    }
    return out;
  }
}

/** A main-thread store as a worker sees it (loads through the page channel). */
export class RemotePageStore implements PageStore {
  readonly id: number;
  readonly #channel: PageChannelClient;

  constructor(id: number, channel: PageChannelClient) {
    this.id = id;
    this.#channel = channel;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    return this.#channel.fetch(this.id, [key])[0];
  }

  getMany(keys: readonly Uint8Array[]): readonly (Uint8Array | undefined)[] {
    return this.#channel.fetch(this.id, keys);
  }
}

/**
 * The main thread's end: answers a worker's request from `store` (an
 * unknown store, a missing page or a failing read answers "absent"; the
 * worker then fails the execution that needed it).
 */
export function answerPages(buffer: SharedArrayBuffer, store: PageStore | undefined, request: PagesRequest): void {
  const ctl = new Int32Array(buffer, 0, CTL_BYTES / 4);
  const flags = new Uint8Array(buffer, FLAGS_AT, PAGES_PER_REQUEST);
  const data = new Uint8Array(buffer, DATA_AT, PAGES_PER_REQUEST * PAGE_BYTES);
  const n = Math.min(PAGES_PER_REQUEST, Math.floor(request.keys.length / KEY_BYTES));
  const keys = Array.from({ length: n }, (_, i) => request.keys.subarray(i * KEY_BYTES, (i + 1) * KEY_BYTES));
  let pages: readonly (Uint8Array | undefined)[] = [];
  try {
    if (store !== undefined) pages = store.getMany?.(keys) ?? keys.map((k) => store.get(k));
  } catch {
    pages = [];
  }
  for (let i = 0; i < n; i++) {
    const p = pages[i];
    const ok = p !== undefined && p.length === PAGE_BYTES;
    flags[i] = ok ? 1 : 0;
    if (ok) data.set(p, i * PAGE_BYTES);
  }
  Atomics.store(ctl, 0, 1);
  Atomics.notify(ctl, 0);
}
