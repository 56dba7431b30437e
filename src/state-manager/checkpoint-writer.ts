/**
 * Writing a checkpoint, removing old ones, and collecting the objects no
 * checkpoint references any more.
 *
 * Write (one atomic, synced store commit):
 *   1. the codec encodes the state into the object stage (object-stage.ts);
 *      new objects (pages changed since the last checkpoint, the page-tree
 *      nodes above them, new modules) are collected — `has` answers from the
 *      store and from what this checkpoint already collected, and pages
 *      evicted into the stage need no lookup at all — so nothing is written
 *      twice and unchanged subtrees cost nothing;
 *   2. the full state hash (`stateHash`, memory included through the page
 *      maps' cached hashes) and the manifest with its checksum;
 *   3. commit: the new objects, the manifest, the removal of every
 *      checkpoint but the newest `keep` (they go exactly when this one is
 *      complete), the pruning of the batch log at or below the oldest kept
 *      checkpoint (recovery replays from it at worst) — only once `keep`
 *      checkpoints exist: until then the empty state is the fallback, so the
 *      log is kept from height 1 (recovery when the only checkpoint is
 *      damaged, `replay` of a replica stopped once) — and the newest height
 *      in `meta`.
 * A crash before the commit leaves the previous checkpoints untouched; after
 * it, the checkpoint is complete. The cost is that of the new objects: the
 * changed pages and the ≤ 6 tree nodes above each.
 *
 * Garbage (sweep.ts): objects only removed checkpoints referenced stay in the
 * store until a sweep — mark everything the kept manifests reach, delete the
 * rest — which runs when the store holds about twice what the last sweep
 * found live, so its cost (proportional to the live objects) is spread over
 * at least as many new objects: amortized O(1) per object written. Nothing is
 * deleted between sweeps, so a stored object's children are always stored
 * (the invariant the codec's `has` relies on).
 */
import { stateHash } from '../state/index.ts';
import type { ReplicatedState } from '../state/index.ts';
import { heightKey, heightOfKey } from './bytes.ts';
import type { CheckpointCodec } from './checkpoint-codec.ts';
import { encodeManifest } from './manifest.ts';
import type { ObjectStage } from './object-stage.ts';
import type { Store, StoreError } from './store.ts';

/** Meta entry: the newest complete checkpoint's height (u64 BE). */
export const META_NEWEST_CHECKPOINT = 'newest-checkpoint';

/** What a checkpoint wrote. */
export interface CheckpointSummary {
  readonly height: bigint;
  readonly stateHash: Uint8Array;
  /** Objects written now (changed pages, their tree nodes, new modules). */
  readonly newObjects: number;
  readonly newObjectBytes: number;
  readonly manifestBytes: number;
  /** Checkpoints removed with it. */
  readonly removedCheckpoints: readonly bigint[];
  /** Objects deleted by a sweep after it (0 when none ran). */
  readonly freedObjects: number;
}

export type CheckpointError =
  /** The codec refused the state (a bug, or paused executions): nothing was written. */
  | { readonly kind: 'encode'; readonly message: string }
  /** The store failed: nothing of this write is on disk. */
  | { readonly kind: 'store'; readonly error: StoreError };

export type CheckpointResult = { readonly ok: true; readonly summary: CheckpointSummary } | { readonly ok: false; readonly error: CheckpointError };

/** What to keep when a checkpoint is written. */
export interface RetentionOptions {
  /** Checkpoints kept, this one included (≥ 1). */
  readonly keep: number;
  /** Remove the logged batches at or below the oldest kept checkpoint (once `keep` checkpoints exist). */
  readonly pruneLog: boolean;
  /**
   * Rewrite every object of the state, even those the store has (after
   * recovery found damaged objects, whose keys the store still holds), so
   * the store heals instead of reusing damaged bytes under valid keys.
   */
  readonly repair?: boolean;
  /** Told the new objects written (written, total): (0, total) once encoded, then as the store writes them. */
  readonly onProgress?: (written: number, total: number) => void;
}

/** Encodes `state` (the state after the batch at `height`) and commits it as a checkpoint (see the module header). */
export async function writeCheckpoint(
  stage: ObjectStage, codec: CheckpointCodec, state: ReplicatedState, height: bigint, opts: RetentionOptions,
): Promise<CheckpointResult> {
  const store = stage.store;
  const repair = opts.repair === true;
  stage.begin(repair);
  const encoded = codec.encodeState(state, stage);
  const staged = stage.take();
  if (!encoded.ok) return { ok: false, error: { kind: 'encode', message: encoded.error } };
  let newObjects = 0;
  let newObjectBytes = 0;
  for (const [key, bytes] of staged) {
    if (repair && store.has(key)) continue;
    newObjects++;
    newObjectBytes += bytes.length;
  }
  const hash = stateHash(state);
  const manifest = encodeManifest({ height, stateHash: hash, roots: encoded.roots, state: encoded.bytes });
  const heights = [...store.checkpointHeights().filter((h) => h !== height), height].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const old = heights.slice(0, Math.max(0, heights.length - opts.keep));
  const oldestKept = heights[Math.max(0, heights.length - opts.keep)];
  const first = store.firstBatchHeight();
  const prune = opts.pruneLog && heights.length >= opts.keep && first !== undefined && first <= oldestKept;
  opts.onProgress?.(0, staged.length);
  const written = await store.commit({
    putObjects: staged,
    ...(opts.onProgress === undefined ? {} : { onProgress: opts.onProgress }),
    ...(repair ? { overwriteObjects: true } : {}),
    putCheckpoints: [[height, manifest]],
    deleteCheckpoints: old,
    ...(prune ? { pruneBatchesUpTo: oldestKept } : {}),
    putMeta: [[META_NEWEST_CHECKPOINT, heightKey(heights[heights.length - 1])]],
  });
  if (!written.ok) return { ok: false, error: { kind: 'store', error: written.error } };
  return {
    ok: true,
    summary: { height, stateHash: hash, newObjects, newObjectBytes, manifestBytes: manifest.length, removedCheckpoints: old, freedObjects: 0 },
  };
}

/** Removes one checkpoint's manifest (recovery: a damaged one); its objects become garbage for the next sweep. */
export async function removeCheckpoint(store: Store, height: bigint): Promise<{ readonly ok: true } | { readonly ok: false; readonly error: StoreError }> {
  const heights = store.checkpointHeights().filter((h) => h !== height);
  const newest = heights[heights.length - 1];
  return store.commit({
    deleteCheckpoints: [height],
    ...(newest === undefined ? {} : { putMeta: [[META_NEWEST_CHECKPOINT, heightKey(newest)]] as const }),
  });
}

/** The newest checkpoint height recorded in meta. */
export function newestCheckpointHeight(store: Store): bigint | undefined {
  const b = store.meta(META_NEWEST_CHECKPOINT);
  return b === undefined || b.length !== 8 ? undefined : heightOfKey(b);
}
