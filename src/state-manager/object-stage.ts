/**
 * `ObjectStage`: the store's objects as the checkpoint codec sees them — one
 * object per state manager, both the `PageSink` a checkpoint encodes into
 * and the `PageStore` that decoded and evicted pages load from.
 *
 * Being one object matters: a page evicted into it (or decoded from it) is a
 * stored page *of the sink*, which the codec recognizes without a lookup,
 * so a checkpoint costs nothing for the unchanged siblings of a changed page.
 * While a checkpoint is encoded, new objects wait here (`put`) and count as
 * stored (`has`, `get`) until the checkpoint's commit takes them (`take`).
 */
import type { PageStore } from '../state/index.ts';
import type { PageSink } from './checkpoint-codec.ts';
import type { Store } from './store.ts';

const latin1 = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');

export class ObjectStage implements PageSink, PageStore {
  readonly store: Store;
  #pending = new Map<string, readonly [Uint8Array, Uint8Array]>();
  #repair = false;

  constructor(store: Store) {
    this.store = store;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    return this.#pending.get(latin1(key))?.[1] ?? this.store.get(key);
  }

  /** Stored, or staged by the checkpoint being encoded (in repair mode only staged objects count). */
  has(key: Uint8Array): boolean {
    return this.#pending.has(latin1(key)) || (!this.#repair && this.store.has(key));
  }

  put(key: Uint8Array, bytes: Uint8Array): void {
    this.#pending.set(latin1(key), [key, bytes]);
  }

  /** Starts a checkpoint; `repair`: objects the store has are written again (see checkpoint-writer.ts). */
  begin(repair: boolean): void {
    this.#pending = new Map();
    this.#repair = repair;
  }

  /** The objects staged since {@link begin}, which the caller commits; the stage is empty again. */
  take(): (readonly [Uint8Array, Uint8Array])[] {
    const out = [...this.#pending.values()];
    this.#pending = new Map();
    this.#repair = false;
    return out;
  }
}
