/**
 * Writing a checkpoint and removing old ones.
 *
 * Write (one atomic, durable store commit):
 *   1. the codec encodes the state; new objects (pages changed since the
 *      last checkpoint, the page-tree nodes above them, new modules) are
 *      collected — `has` answers from the store and from what this
 *      checkpoint already collected, so nothing is written twice;
 *   2. reference counts: each new object adds one to each of its children,
 *      the manifest adds one to each root;
 *   3. the full state hash (`stateHash`, memory included through the page
 *      maps' cached hashes) and the manifest with its checksum;
 *   4. commit: objects, counts, manifest and the newest checkpoint height
 *      in `meta`, together.
 * A crash before the commit leaves the previous checkpoints untouched; after
 * it, the checkpoint is complete.
 *
 * Removal (a second commit, once the new checkpoint is complete): every
 * checkpoint but the newest `keep` loses its manifest; its roots are
 * decremented, and every object whose count reaches zero is deleted and
 * decrements its children, cascading — so the cost is the number of objects
 * freed, and a stored object's children are always stored. The batch log at
 * or below the oldest kept checkpoint is pruned (recovery replays from the
 * oldest kept checkpoint at worst).
 */
import { stateHash } from '../state/index.ts';
import type { ReplicatedState } from '../state/index.ts';
import { heightKey, heightOfKey } from './bytes.ts';
import type { CheckpointCodec } from './checkpoint-codec.ts';
import { decodeManifest, encodeManifest } from './manifest.ts';
import type { Store, StoreError, StoreWrite } from './store.ts';

/** Meta entry: the newest complete checkpoint's height (u64 BE). */
export const META_NEWEST_CHECKPOINT = 'newest-checkpoint';

const latin1 = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');

/** What a checkpoint wrote. */
export interface CheckpointSummary {
  readonly height: bigint;
  readonly stateHash: Uint8Array;
  /** Objects written now (changed pages, their tree nodes, new modules). */
  readonly newObjects: number;
  readonly newObjectBytes: number;
  readonly manifestBytes: number;
  /** Checkpoints removed afterwards, and objects freed with them. */
  readonly removedCheckpoints: readonly bigint[];
  readonly freedObjects: number;
}

export type CheckpointError =
  /** The codec refused the state (a bug, or paused executions): nothing was written. */
  | { readonly kind: 'encode'; readonly message: string }
  /** The store failed: nothing of this write is on disk. */
  | { readonly kind: 'store'; readonly error: StoreError };

export type CheckpointResult = { readonly ok: true; readonly summary: CheckpointSummary } | { readonly ok: false; readonly error: CheckpointError };

/** Reference-count changes, applied on top of the store's counts. */
class RefDeltas {
  readonly #store: Store;
  readonly #counts = new Map<string, [Uint8Array, number]>();

  constructor(store: Store) { this.#store = store; }

  /** Adds `d` to the count of `key`; returns the new count. */
  add(key: Uint8Array, d: number): number {
    const k = latin1(key);
    const entry = this.#counts.get(k) ?? [key, this.#store.refCount(key)];
    entry[1] = Math.max(0, entry[1] + d);
    this.#counts.set(k, entry);
    return entry[1];
  }

  entries(): (readonly [Uint8Array, number])[] { return [...this.#counts.values()]; }
}

/**
 * Encodes `state` (the state after the batch at `height`) and commits it as a
 * checkpoint (see the module header). `repair`: rewrite every object of the
 * state, even those the store has (after recovery found damaged objects, whose
 * keys the store still holds): objects the store lacked count their children
 * as usual, rewritten ones do not (their children were counted when they were
 * first written), so the counts stay exact.
 */
export async function writeCheckpoint(
  store: Store, codec: CheckpointCodec, state: ReplicatedState, height: bigint, opts: { readonly repair?: boolean } = {},
): Promise<CheckpointResult> {
  const repair = opts.repair === true;
  const pending = new Map<string, readonly [Uint8Array, Uint8Array]>();
  const sink = {
    has: (key: Uint8Array): boolean => pending.has(latin1(key)) || (!repair && store.has(key)),
    put: (key: Uint8Array, bytes: Uint8Array): void => { pending.set(latin1(key), [key, bytes]); },
  };
  const encoded = codec.encodeState(state, sink);
  if (!encoded.ok) return { ok: false, error: { kind: 'encode', message: encoded.error } };
  const refs = new RefDeltas(store);
  let newObjects = 0;
  let newObjectBytes = 0;
  for (const [key, bytes] of pending.values()) {
    if (repair && store.has(key)) continue;
    newObjects++;
    newObjectBytes += bytes.length;
    for (const child of codec.objectReferences(key, bytes)) refs.add(child, 1);
  }
  for (const root of encoded.roots) refs.add(root, 1);
  const hash = stateHash(state);
  const manifest = encodeManifest({ height, stateHash: hash, roots: encoded.roots, state: encoded.bytes });
  const written = await store.commit({
    putObjects: [...pending.values()],
    ...(repair ? { overwriteObjects: true } : {}),
    refCounts: refs.entries(),
    putCheckpoints: [[height, manifest]],
    putMeta: [[META_NEWEST_CHECKPOINT, heightKey(height)]],
  });
  if (!written.ok) return { ok: false, error: { kind: 'store', error: written.error } };
  return {
    ok: true,
    summary: { height, stateHash: hash, newObjects, newObjectBytes, manifestBytes: manifest.length, removedCheckpoints: [], freedObjects: 0 },
  };
}

/** What {@link removeOldCheckpoints} did. */
export interface RemovalSummary {
  readonly removed: readonly bigint[];
  readonly freedObjects: number;
}

/**
 * Decrements the counts of `roots` and cascades (see the module header) into
 * `write`; returns the objects freed. An object whose bytes do not match its
 * key is deleted without following its children (they leak rather than
 * being decremented on the word of damaged bytes).
 */
function release(store: Store, codec: CheckpointCodec, refs: RefDeltas, roots: readonly Uint8Array[], freed: Uint8Array[]): void {
  const work = [...roots];
  for (let key = work.pop(); key !== undefined; key = work.pop()) {
    if (refs.add(key, -1) !== 0) continue;
    const bytes = store.get(key);
    if (bytes === undefined) continue;
    freed.push(key);
    if (!codec.objectMatchesKey(key, bytes)) continue;
    for (const child of codec.objectReferences(key, bytes)) work.push(child);
  }
}

/**
 * Removes every checkpoint but the newest `keep` (≥ 1), frees their objects,
 * and (if `pruneLog`) removes the logged batches at or below the oldest kept
 * checkpoint — all in one commit. Manifests that fail their checksum are
 * removed without touching counts (their objects leak; see recovery.ts).
 */
export async function removeOldCheckpoints(store: Store, codec: CheckpointCodec, keep: number, pruneLog: boolean): Promise<
  { readonly ok: true; readonly summary: RemovalSummary } | { readonly ok: false; readonly error: StoreError }
> {
  const heights = store.checkpointHeights();
  const old = heights.slice(0, Math.max(0, heights.length - keep));
  const oldestKept = heights.length === 0 ? undefined : heights[Math.max(0, heights.length - keep)];
  const pruneUpTo = pruneLog ? oldestKept : undefined;
  const firstBatch = store.batchHeights()[0];
  const prune = pruneUpTo !== undefined && firstBatch !== undefined && firstBatch <= pruneUpTo;
  if (old.length === 0 && !prune) return { ok: true, summary: { removed: [], freedObjects: 0 } };
  const refs = new RefDeltas(store);
  const freed: Uint8Array[] = [];
  for (const h of old) {
    const bytes = store.checkpoint(h);
    const m = bytes === undefined ? undefined : decodeManifest(bytes);
    if (m?.ok === true) release(store, codec, refs, m.manifest.roots, freed);
  }
  const write: StoreWrite = {
    deleteCheckpoints: old,
    deleteObjects: freed,
    refCounts: refs.entries(),
    ...(prune ? { pruneBatchesUpTo: pruneUpTo } : {}),
  };
  const r = await store.commit(write);
  if (!r.ok) return { ok: false, error: r.error };
  return { ok: true, summary: { removed: old, freedObjects: freed.length } };
}

/** Removes one checkpoint (recovery: a damaged one), releasing its objects if its manifest is intact. */
export async function removeCheckpoint(store: Store, codec: CheckpointCodec, height: bigint): Promise<{ readonly ok: true } | { readonly ok: false; readonly error: StoreError }> {
  const bytes = store.checkpoint(height);
  const refs = new RefDeltas(store);
  const freed: Uint8Array[] = [];
  const m = bytes === undefined ? undefined : decodeManifest(bytes);
  if (m?.ok === true) release(store, codec, refs, m.manifest.roots, freed);
  const heights = store.checkpointHeights().filter((h) => h !== height);
  const newest = heights[heights.length - 1];
  return store.commit({
    deleteCheckpoints: [height], deleteObjects: freed, refCounts: refs.entries(),
    ...(newest === undefined ? {} : { putMeta: [[META_NEWEST_CHECKPOINT, heightKey(newest)]] as const }),
  });
}

/** The newest checkpoint height recorded in meta. */
export function newestCheckpointHeight(store: Store): bigint | undefined {
  const b = store.meta(META_NEWEST_CHECKPOINT);
  return b === undefined || b.length !== 8 ? undefined : heightOfKey(b);
}
