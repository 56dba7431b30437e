/**
 * Replay: execute a store's batch log again from a checkpoint and check the
 * state at every height against what the replica that wrote it recorded —
 * the engine of `ic-exec replay --data-dir D`. Read only: it never writes to
 * the store (open it `readOnly`).
 *
 *     start     a checkpoint that has the log after it (default: the oldest;
 *               `from`), verified as recovery verifies one (manifest, every
 *               object hashed, decoded, state hash); height 0 (the empty
 *               state) when the log starts at height 1. A damaged one is
 *               reported and, by default, the next one tried.
 *     replay    every logged batch after it, in height order, through the
 *               caller's executor (src/replica: a subnet on the decoded state,
 *               `executeBatch`, as recovery runs it)
 *     verify    at each height h: the record of batch h + 1 carries the state
 *               hash of h (batch-codec.ts, version 2) — compared with the
 *               replayed state's; at each checkpoint height: the manifest's
 *               full state hash, and its objects' presence
 *     report    batches replayed, heights verified, damaged checkpoints, the
 *               first divergence (height, expected and actual hashes, and —
 *               from the first checkpoint at or after it, decoded — which
 *               canisters or parts differ)
 *
 * After a divergence the replay goes on to the next checkpoint (to tell what
 * differs) and stops there. Logs of version 1 (no per-height hashes) are
 * verified at checkpoints only. Everything is an error value: a directory
 * that cannot be replayed at all is `{ ok: false, error }`; damage and
 * divergence are in the report.
 */
import { RandomTape } from '../consensus/index.ts';
import type { Batch } from '../consensus/index.ts';
import { stateHash } from '../state/index.ts';
import type { ReplicatedState } from '../state/index.ts';
import { decodeBatch } from './batch-codec.ts';
import { hexOf } from './bytes.ts';
import type { CheckpointCodec, ModuleCompiler } from './checkpoint-codec.ts';
import { decodeManifest } from './manifest.ts';
import type { Manifest } from './manifest.ts';
import { verifyObjects } from './recovery.ts';
import { describeDifference } from './state-difference.ts';
import { StateDigests } from './state-digest.ts';
import type { Store } from './store.ts';
import { META_SUBNET_KEY, decodeSubnetKey } from './subnet-key-record.ts';
import type { SubnetKeyRecord } from './subnet-key-record.ts';

/** Where a replay starts, for the caller's executor. */
export interface ReplayStart {
  /** The checkpoint height (0: the empty state). */
  readonly baseHeight: bigint;
  /** The decoded checkpoint; `undefined`: the empty state (the first batch carries the topology). */
  readonly state: ReplicatedState | undefined;
  /** The subnet key and seed kept in the store. */
  readonly key: SubnetKeyRecord;
  /** The first batch to replay. */
  readonly firstBatch: Batch;
}

/** Executes batches in order from a start; each call returns the committed state after the batch. */
export interface ReplayExecutor {
  execute(batch: Batch): Promise<ReplicatedState>;
}

export interface ReplayOptions {
  /** The checkpoint height to start from (0: the empty state, if the log starts at 1). Default: the oldest possible. */
  readonly from?: bigint;
  /** Called after each batch: batches done, batches to replay. */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface ReplayDivergence {
  /** The first height whose state hash differs. */
  readonly height: bigint;
  /** The hash the store recorded (hex). */
  readonly expected: string;
  /** The replayed state's (hex). */
  readonly actual: string;
  /** What recorded the expected hash: the next batch's log record, or a checkpoint's manifest. */
  readonly source: 'log' | 'checkpoint';
  /** Which part differs, when a checkpoint at or after the height tells. */
  readonly detail: string;
}

export interface DamagedCheckpoint { readonly height: bigint; readonly reason: string }

export interface ReplayReport {
  /** The height replay started from (a checkpoint, or 0). */
  readonly from: bigint;
  /** The last height replayed. */
  readonly to: bigint;
  readonly batches: number;
  /** Batches in the log after `from`. */
  readonly total: number;
  /** Checkpoint heights whose full state hash the replay matched. */
  readonly verifiedHeights: readonly bigint[];
  /** Heights matched against the state hash the log recorded for them. */
  readonly logVerifiedHeights: number;
  readonly damaged: readonly DamagedCheckpoint[];
  readonly divergence?: ReplayDivergence;
  /** Why the replay stopped before the end of the log (a damaged record). */
  readonly stopped?: string;
  /** Nothing diverged, nothing was damaged, the whole log was replayed. */
  readonly ok: boolean;
}

export type ReplayResult = { readonly ok: true; readonly report: ReplayReport } | { readonly ok: false; readonly error: string };

/** The checkpoint at `height`, verified and decoded as recovery does, or why not. */
function loadCheckpoint(
  store: Store, codec: CheckpointCodec, compile: ModuleCompiler, height: bigint,
): { readonly state: ReplicatedState } | { readonly reason: string } {
  const m = manifestAt(store, height);
  if ('reason' in m) return m;
  const v = verifyObjects(store, codec, m.manifest.roots, 'full');
  if (v.problem !== undefined) return { reason: v.problem };
  const decoded = codec.decodeState(m.manifest.state, store, compile, { verifyPages: true });
  if (!decoded.ok) return { reason: `the state does not decode: ${decoded.error}` };
  const hash = stateHash(decoded.state);
  if (Buffer.compare(hash, m.manifest.stateHash) !== 0) {
    return { reason: `the decoded state hashes to ${hexOf(hash)}, the checkpoint recorded ${hexOf(m.manifest.stateHash)}` };
  }
  return { state: decoded.state };
}

function manifestAt(store: Store, height: bigint): { readonly manifest: Manifest } | { readonly reason: string } {
  const bytes = store.checkpoint(height);
  if (bytes === undefined) return { reason: 'no manifest' };
  const m = decodeManifest(bytes);
  if (!m.ok) return { reason: `damaged manifest: ${m.error}` };
  if (m.manifest.height !== height) return { reason: `the manifest is of height ${m.manifest.height}` };
  return { manifest: m.manifest };
}

/** Heights replay may start from: 0 if the log starts at 1, and every checkpoint the log continues after. */
export function replayStarts(store: Store): bigint[] {
  const first = store.firstBatchHeight();
  const last = store.lastBatchHeight();
  if (first === undefined || last === undefined) return [];
  return [...(first === 1n ? [0n] : []), ...store.checkpointHeights().filter((h) => h >= first - 1n && h < last)];
}

/** Replays the log of `store` (see the module header). */
export async function replayLog(
  store: Store, codec: CheckpointCodec, compile: ModuleCompiler,
  executorFor: (start: ReplayStart) => ReplayExecutor | Promise<ReplayExecutor>, opts: ReplayOptions = {},
): Promise<ReplayResult> {
  const keyBytes = store.meta(META_SUBNET_KEY);
  if (keyBytes === undefined) return { ok: false, error: 'the store has no subnet key: it is not the data directory of an ic-exec replica' };
  const key = decodeSubnetKey(keyBytes);
  if (!key.ok) return { ok: false, error: key.error };
  const starts = replayStarts(store);
  if (starts.length === 0) {
    const last = store.lastBatchHeight();
    return { ok: false, error: last === undefined ? 'the batch log is empty: nothing to replay' : `no checkpoint has the batch log after it (the log ends at height ${last})` };
  }
  if (opts.from !== undefined && !starts.includes(opts.from)) {
    return { ok: false, error: `replay cannot start at height ${opts.from}: it can start at ${starts.join(', ')}` };
  }
  const damaged: DamagedCheckpoint[] = [];
  let base: { height: bigint; state: ReplicatedState | undefined } | undefined;
  for (const h of opts.from === undefined ? starts : [opts.from]) {
    if (h === 0n) { base = { height: 0n, state: undefined }; break; }
    const c = loadCheckpoint(store, codec, compile, h);
    if ('state' in c) { base = { height: h, state: c.state }; break; }
    damaged.push({ height: h, reason: c.reason });
  }
  const empty = (from: bigint): ReplayResult => ({
    ok: true, report: { from, to: from, batches: 0, total: 0, verifiedHeights: [], logVerifiedHeights: 0, damaged, ok: false },
  });
  if (base === undefined) return empty(opts.from ?? starts[0]);
  const heights = store.batchHeights(base.height);
  const gap = heights.findIndex((h, i) => h !== base.height + 1n + BigInt(i));
  if (gap >= 0) return { ok: false, error: `the batch log has no batch at height ${base.height + 1n + BigInt(gap)} (next logged: ${heights[gap]})` };
  return { ok: true, report: await run(store, codec, compile, executorFor, key.record, base, heights, damaged, opts) };
}

async function run(
  store: Store, codec: CheckpointCodec, compile: ModuleCompiler, executorFor: (start: ReplayStart) => ReplayExecutor | Promise<ReplayExecutor>,
  key: SubnetKeyRecord, base: { height: bigint; state: ReplicatedState | undefined }, heights: readonly bigint[], damaged: DamagedCheckpoint[],
  opts: ReplayOptions,
): Promise<ReplayReport> {
  const tape = new RandomTape(key.key);
  const digests = new StateDigests();
  const checkpoints = new Set(store.checkpointHeights());
  const verifiedHeights: bigint[] = [];
  let logVerifiedHeights = 0;
  let divergence: ReplayDivergence | undefined;
  let stopped: string | undefined;
  let executor: ReplayExecutor | undefined;
  let previous = base.state;
  let to = base.height;
  let batches = 0;
  for (const h of heights) {
    const bytes = store.batch(h);
    const d = bytes === undefined ? { ok: false as const, error: 'it is gone' } : decodeBatch(bytes, (x) => tape.randomnessOf(x));
    if (!d.ok) { stopped = `the logged batch at height ${h} is damaged: ${d.error}`; break; }
    const recorded = d.previousStateDigest;
    if (recorded !== undefined && previous !== undefined) {
      const ours = digests.digest(previous);
      if (Buffer.compare(ours, recorded) === 0) logVerifiedHeights++;
      else if (divergence === undefined) {
        divergence = { height: h - 1n, expected: hexOf(recorded), actual: hexOf(ours), source: 'log', detail: '' };
      }
    }
    executor ??= await executorFor({ baseHeight: base.height, state: base.state, key, firstBatch: d.batch });
    previous = await executor.execute(d.batch);
    to = h;
    batches++;
    opts.onProgress?.(batches, heights.length);
    if (checkpoints.has(h)) {
      const checked = checkCheckpoint(store, codec, compile, h, previous, divergence);
      if (checked.damaged !== undefined && !damaged.some((x) => x.height === h)) damaged.push({ height: h, reason: checked.damaged });
      if (checked.verified) verifiedHeights.push(h);
      divergence = checked.divergence;
      if (divergence !== undefined) break; // a log divergence goes on to here, to tell what differs

    }
  }
  if (divergence !== undefined && divergence.detail === '') {
    divergence = { ...divergence, detail: 'no checkpoint at or after this height was reached to tell which part differs (the log records one hash per height)' };
  }
  return {
    from: base.height, to, batches, total: heights.length, verifiedHeights, logVerifiedHeights, damaged,
    ...(divergence === undefined ? {} : { divergence }), ...(stopped === undefined ? {} : { stopped }),
    ok: divergence === undefined && stopped === undefined && damaged.length === 0,
  };
}

/** Checks the replayed `state` at checkpoint height `h`; fills in or finds the divergence. */
function checkCheckpoint(
  store: Store, codec: CheckpointCodec, compile: ModuleCompiler, h: bigint, state: ReplicatedState, divergence: ReplayDivergence | undefined,
): { readonly verified: boolean; readonly damaged?: string; readonly divergence: ReplayDivergence | undefined } {
  const m = manifestAt(store, h);
  if ('reason' in m) return { verified: false, damaged: m.reason, divergence };
  const objects = verifyObjects(store, codec, m.manifest.roots, 'presence');
  const ours = stateHash(state);
  const verified = Buffer.compare(ours, m.manifest.stateHash) === 0;
  const damage = objects.problem === undefined ? {} : { damaged: objects.problem };
  if (verified) {
    if (divergence === undefined || divergence.detail !== '') return { verified, ...damage, divergence };
    return { verified, ...damage, divergence: { ...divergence, detail: `the state at the checkpoint at height ${h} matches the recorded one again` } };
  }
  const detail = (): string => {
    if (objects.problem !== undefined) return `the checkpoint at height ${h} cannot be decoded to compare: ${objects.problem}`;
    const decoded = codec.decodeState(m.manifest.state, store, compile, { verifyPages: false });
    if (!decoded.ok) return `the checkpoint at height ${h} does not decode: ${decoded.error}`;
    return `at height ${h}: ${describeDifference(decoded.state, state)}`;
  };
  if (divergence === undefined) {
    return { verified, ...damage, divergence: { height: h, expected: hexOf(m.manifest.stateHash), actual: hexOf(ours), source: 'checkpoint', detail: detail() } };
  }
  return { verified, ...damage, divergence: divergence.detail === '' ? { ...divergence, detail: detail() } : divergence };
}
