/**
 * Recovery: the newest checkpoint that verifies, and the logged batches to
 * replay after it.
 *
 * Checkpoints are tried newest first. One is used only if
 *   - its manifest's checksum and structure are intact (manifest.ts),
 *   - every object it references is in the store — and, with
 *     `verify: 'full'` (the default), matches its key (every page is read
 *     and hashed; `'presence'` reads only the page-tree nodes and modules and
 *     checks that pages exist, leaving page contents to be checked when
 *     loaded),
 *   - the codec decodes it, and
 *   - the decoded state's `stateHash` equals the one the manifest recorded.
 * Otherwise it is reported in `skipped` with the reason and the previous
 * one is tried — a damaged checkpoint is never loaded. Without a usable
 * checkpoint, recovery starts from the empty state (height 0) if the batch
 * log still starts at height 1, and fails otherwise (the log before the
 * oldest kept checkpoint was pruned).
 *
 * The batches to replay are the logged heights above the base; they must be
 * consecutive. Damaged objects found while verifying (`repair`) make the
 * next checkpoint rewrite every object (checkpoint-writer.ts), so the store
 * heals instead of reusing damaged bytes under valid keys.
 */
import { stateHash } from '../state/index.ts';
import type { ReplicatedState } from '../state/index.ts';
import { hexOf } from './bytes.ts';
import type { CheckpointCodec, ModuleCompiler, PageSource } from './checkpoint-codec.ts';
import { decodeManifest } from './manifest.ts';
import type { Store } from './store.ts';

const NODE_KIND = 0x4e;
const BLOB_KIND = 0x42;

/** How much of a checkpoint's objects recovery reads (see the module header). */
export type VerifyMode = 'full' | 'presence';

export interface SkippedCheckpoint {
  readonly height: bigint;
  readonly reason: string;
  /** Its manifest's checksum held (the damage is in its objects or their decoding). */
  readonly manifestIntact: boolean;
}

export interface RecoveryPlan {
  /** The checkpoint height the state comes from (0: the empty state). */
  readonly baseHeight: bigint;
  /** The decoded checkpoint (`undefined`: start from the empty state). */
  readonly state: ReplicatedState | undefined;
  /** Logged heights to replay, ascending and consecutive after `baseHeight`. */
  readonly replay: readonly bigint[];
  /** Checkpoints that did not verify, newest first. */
  readonly skipped: readonly SkippedCheckpoint[];
  /** Damaged objects were found: the next checkpoint rewrites every object. */
  readonly repair: boolean;
}

export type RecoveryResult =
  | { readonly ok: true; readonly plan: RecoveryPlan }
  | { readonly ok: false; readonly error: string; readonly skipped: readonly SkippedCheckpoint[] };

/** Walks the objects under `roots`; the first problem found, and whether an object was damaged (bytes not matching the key). */
export function verifyObjects(
  store: Store, codec: CheckpointCodec, roots: readonly Uint8Array[], mode: VerifyMode,
): { readonly problem?: string; readonly damaged: boolean } {
  const seen = new Set<string>();
  const work = [...roots];
  for (let key = work.pop(); key !== undefined; key = work.pop()) {
    const k = Buffer.from(key).toString('latin1');
    if (seen.has(k)) continue;
    seen.add(k);
    const read = mode === 'full' || key[0] === NODE_KIND || key[0] === BLOB_KIND;
    if (!read) {
      if (!store.has(key)) return { problem: `object ${hexOf(key)} is missing`, damaged: false };
      continue;
    }
    const bytes = store.get(key);
    if (bytes === undefined) return { problem: `object ${hexOf(key)} is missing`, damaged: false };
    if (!codec.objectMatchesKey(key, bytes)) return { problem: `object ${hexOf(key)} does not match its hash`, damaged: true };
    for (const child of codec.objectReferences(key, bytes)) work.push(child);
  }
  return { damaged: false };
}

/** The logged heights above `base`, or why they cannot be replayed. */
function replayHeights(store: Store, base: bigint): { heights: bigint[] } | { error: string } {
  const heights = store.batchHeights(base);
  for (let i = 0; i < heights.length; i++) {
    if (heights[i] !== base + 1n + BigInt(i)) return { error: `the batch log has no batch at height ${base + 1n + BigInt(i)} (next logged: ${heights[i]})` };
  }
  return { heights };
}

/** Finds the state to start from (see the module header). */
export function planRecovery(
  store: Store, codec: CheckpointCodec, compile: ModuleCompiler, opts: { readonly verify?: VerifyMode; readonly source?: PageSource } = {},
): RecoveryResult {
  const mode = opts.verify ?? 'full';
  const skipped: SkippedCheckpoint[] = [];
  let repair = false;
  const heights = store.checkpointHeights();
  for (let i = heights.length - 1; i >= 0; i--) {
    const height = heights[i];
    const skip = (reason: string, manifestIntact: boolean): void => { skipped.push({ height, reason, manifestIntact }); };
    const bytes = store.checkpoint(height) as Uint8Array;
    const m = decodeManifest(bytes);
    if (!m.ok) { skip(`damaged manifest: ${m.error}`, false); continue; }
    if (m.manifest.height !== height) { skip(`the manifest is of height ${m.manifest.height}`, false); continue; }
    const v = verifyObjects(store, codec, m.manifest.roots, mode);
    repair ||= v.damaged;
    if (v.problem !== undefined) { skip(v.problem, true); continue; }
    const decoded = codec.decodeState(m.manifest.state, opts.source ?? store, compile, { verifyPages: mode === 'full' });
    if (!decoded.ok) { skip(`the state does not decode: ${decoded.error}`, true); continue; }
    const hash = stateHash(decoded.state);
    if (Buffer.compare(hash, m.manifest.stateHash) !== 0) {
      skip(`the decoded state hashes to ${hexOf(hash)}, the checkpoint recorded ${hexOf(m.manifest.stateHash)}`, true);
      continue;
    }
    const replay = replayHeights(store, height);
    if ('error' in replay) return { ok: false, error: replay.error, skipped };
    return { ok: true, plan: { baseHeight: height, state: decoded.state, replay: replay.heights, skipped, repair } };
  }
  const first = store.firstBatchHeight();
  if (first !== undefined && first !== 1n) {
    const why = heights.length === 0 ? 'there is no checkpoint' : 'no checkpoint verifies';
    return { ok: false, error: `cannot recover: ${why} and the batch log starts at height ${first}, not 1`, skipped };
  }
  const replay = replayHeights(store, 0n);
  if ('error' in replay) return { ok: false, error: replay.error, skipped };
  return { ok: true, plan: { baseHeight: 0n, state: undefined, replay: replay.heights, skipped, repair } };
}
