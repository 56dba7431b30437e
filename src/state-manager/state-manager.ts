/**
 * `StateManager`: the durable side of a replica — the batch log, checkpoints
 * and recovery over a {@link Store} (LMDB under `--data-dir`, or in memory).
 *
 *     start      loadSubnetKey / saveSubnetKey; recover(compile) → the state to start from and the batches to replay
 *     each round logBatch(batch, previousStateDigest)  before the batch executes (durable when it resolves)
 *     checkpoint checkpoint(state)    after a `requiresFullStateHash` batch (paused executions aborted) and at shutdown
 *
 * The first failure of the store stops it for good (`failure`): every later
 * call returns that error, and nothing on disk is changed by the failed
 * write, so the next start recovers from what was committed.
 */
import type { Batch } from '../consensus/index.ts';
import type { ReplicatedState } from '../state/index.ts';
import type { Height } from '../types/index.ts';
import { decodeBatch, encodeBatch } from './batch-codec.ts';
import type { BatchDecodeResult, RandomnessMode } from './batch-codec.ts';
import type { CheckpointCodec, ModuleCompiler } from './checkpoint-codec.ts';
import { removeCheckpoint, writeCheckpoint } from './checkpoint-writer.ts';
import { sweep, sweepDue } from './sweep.ts';
import type { SweepResult } from './sweep.ts';
import { ObjectStage } from './object-stage.ts';
import type { CheckpointSummary } from './checkpoint-writer.ts';
import { planRecovery } from './recovery.ts';
import type { RecoveryPlan, SkippedCheckpoint, VerifyMode } from './recovery.ts';
import type { Store } from './store.ts';
import { META_SUBNET_KEY, decodeSubnetKey, encodeSubnetKey } from './subnet-key-record.ts';
import type { SubnetKeyRecord } from './subnet-key-record.ts';

/** Checkpoints kept by default: the newest and the one before (the fallback if the newest is damaged). */
export const DEFAULT_KEEP_CHECKPOINTS = 2;

/** Options of {@link StateManager}. */
export interface StateManagerOptions {
  readonly store: Store;
  readonly codec: CheckpointCodec;
  /** Checkpoints kept (≥ 1). Default {@link DEFAULT_KEEP_CHECKPOINTS}. */
  readonly keepCheckpoints?: number;
  /** Remove logged batches at or below the oldest kept checkpoint. Default true (crash tests keep the whole log to drive a reference run). */
  readonly pruneBatchLog?: boolean;
  /** How batches' randomness is logged. Default `'derived'` (the local block maker's random tape). */
  readonly randomness?: RandomnessMode;
  /** How much recovery verifies. Default `'full'`. */
  readonly verify?: VerifyMode;
  /** Garbage (objects) tolerated above twice the live objects before a sweep. Default `SWEEP_FLOOR`. */
  readonly sweepFloor?: number;
  /** Progress of each checkpoint: its height, new objects written, new objects in all (checkpoint-writer.ts). */
  readonly onCheckpointProgress?: (height: bigint, written: number, total: number) => void;
}

/** Why the state manager stopped. */
export interface StateManagerFailure {
  /** `store`: a write failed (disk full, I/O); `encode`: a batch or state could not be encoded (a bug). */
  readonly kind: 'store' | 'encode';
  readonly message: string;
}

export type StateManagerResult<T = undefined> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly failure: StateManagerFailure };

/** What recovery found (see recovery.ts). */
export interface Recovery extends RecoveryPlan {
  /** Batches of {@link RecoveryPlan.replay}, decoded when read. */
  batches(randomnessOf: (height: Height) => Uint8Array): Generator<BatchDecodeResult>;
}

export class StateManager {
  readonly store: Store;
  /** The store's objects as the codec sees them: the sink checkpoints encode into, the source pages load from. */
  readonly objects: ObjectStage;
  readonly codec: CheckpointCodec;
  readonly keepCheckpoints: number;
  readonly #prune: boolean;
  readonly #randomness: RandomnessMode;
  readonly #verify: VerifyMode;
  readonly #sweepFloor: number | undefined;
  readonly #onProgress: StateManagerOptions['onCheckpointProgress'];
  #failure: StateManagerFailure | undefined;
  #repair = false;
  /** Numbers of the last checkpoint (tests, benchmarks). */
  lastCheckpoint: CheckpointSummary | undefined;

  constructor(opts: StateManagerOptions) {
    this.store = opts.store;
    this.objects = new ObjectStage(opts.store);
    this.codec = opts.codec;
    this.keepCheckpoints = opts.keepCheckpoints ?? DEFAULT_KEEP_CHECKPOINTS;
    if (!Number.isInteger(this.keepCheckpoints) || this.keepCheckpoints < 1) throw new RangeError(`keepCheckpoints must be ≥ 1, got ${this.keepCheckpoints}`);
    this.#prune = opts.pruneBatchLog ?? true;
    this.#randomness = opts.randomness ?? 'derived';
    this.#verify = opts.verify ?? 'full';
    this.#sweepFloor = opts.sweepFloor;
    this.#onProgress = opts.onCheckpointProgress;
  }

  /** The failure that stopped the state manager, if any. */
  get failure(): StateManagerFailure | undefined { return this.#failure; }

  #fail<T>(failure: StateManagerFailure): StateManagerResult<T> {
    this.#failure ??= failure;
    return { ok: false, failure: this.#failure };
  }

  /** The subnet key kept in the store (`undefined` on the first start). */
  loadSubnetKey(): { readonly ok: true; readonly record: SubnetKeyRecord | undefined } | { readonly ok: false; readonly error: string } {
    const bytes = this.store.meta(META_SUBNET_KEY);
    if (bytes === undefined) return { ok: true, record: undefined };
    return decodeSubnetKey(bytes);
  }

  /** Keeps the subnet key (first start). */
  async saveSubnetKey(record: SubnetKeyRecord): Promise<StateManagerResult> {
    if (this.#failure !== undefined) return { ok: false, failure: this.#failure };
    const r = await this.store.commit({ putMeta: [[META_SUBNET_KEY, encodeSubnetKey(record)]] });
    return r.ok ? { ok: true, value: undefined } : this.#fail({ kind: 'store', message: r.error.message });
  }

  /**
   * Writes `batch` to the log, durably; execute it only after this resolved
   * `ok`. `previousStateDigest`: the `stateHash` of the state it executes on
   * (kept in the record for replay; batch-codec.ts).
   */
  async logBatch(batch: Batch, previousStateDigest?: Uint8Array): Promise<StateManagerResult> {
    if (this.#failure !== undefined) return { ok: false, failure: this.#failure };
    const encoded = encodeBatch(batch, { randomness: this.#randomness, ...(previousStateDigest === undefined ? {} : { previousStateDigest }) });
    if (!encoded.ok) return this.#fail({ kind: 'encode', message: encoded.error });
    const r = await this.store.appendBatch(batch.height, encoded.bytes);
    return r.ok ? { ok: true, value: undefined } : this.#fail({ kind: 'store', message: r.error.message });
  }

  /** The logged batch at `height`. */
  loggedBatch(height: bigint, randomnessOf: (height: Height) => Uint8Array): BatchDecodeResult | undefined {
    const bytes = this.store.batch(height);
    return bytes === undefined ? undefined : decodeBatch(bytes, randomnessOf);
  }

  /**
   * Checkpoints `state` (the state after the batch at its height, with no
   * paused executions) and, in the same commit, removes the checkpoints
   * beyond the kept ones.
   */
  async checkpoint(state: ReplicatedState): Promise<StateManagerResult<CheckpointSummary>> {
    if (this.#failure !== undefined) return { ok: false, failure: this.#failure };
    const height: bigint = state.metadata.height;
    const report = this.#onProgress;
    const w = await writeCheckpoint(this.objects, this.codec, state, height, {
      keep: this.keepCheckpoints, pruneLog: this.#prune, repair: this.#repair,
      ...(report === undefined ? {} : { onProgress: (written: number, total: number) => report(height, written, total) }),
    });
    if (!w.ok) {
      const e = w.error;
      return this.#fail(e.kind === 'encode'
        ? { kind: 'encode', message: `the state at height ${height} cannot be checkpointed: ${e.message}` }
        : { kind: 'store', message: e.error.message });
    }
    this.#repair = false;
    let freedObjects = 0;
    if (sweepDue(this.store, this.#sweepFloor)) {
      const s = await this.collectGarbage();
      if (!s.ok && 'error' in s) return this.#fail({ kind: 'store', message: s.error.message });
      if (s.ok) freedObjects = s.deleted;
    }
    this.lastCheckpoint = { ...w.summary, freedObjects };
    return { ok: true, value: this.lastCheckpoint };
  }

  /** Deletes the objects no kept checkpoint references (sweep.ts); runs by itself when enough garbage has accumulated. */
  async collectGarbage(): Promise<SweepResult> {
    if (this.#failure !== undefined) return { ok: false, error: { kind: 'io', message: this.#failure.message } };
    const r = await sweep(this.store, this.codec);
    if (!r.ok && 'error' in r) this.#fail({ kind: 'store', message: r.error.message });
    return r;
  }

  /** The height of the newest checkpoint in the store. */
  newestCheckpointHeight(): bigint | undefined {
    const heights = this.store.checkpointHeights();
    return heights[heights.length - 1];
  }

  /**
   * Finds the newest checkpoint that verifies and the batches to replay
   * after it; removes the checkpoints that did not verify (they are
   * reported in `skipped`, and replay writes them again).
   */
  async recover(compile: ModuleCompiler): Promise<{ readonly ok: true; readonly recovery: Recovery } | { readonly ok: false; readonly error: string; readonly skipped: readonly SkippedCheckpoint[] }> {
    const r = planRecovery(this.store, this.codec, compile, { verify: this.#verify, source: this.objects });
    if (!r.ok) return r;
    for (const s of r.plan.skipped) {
      const removed = await removeCheckpoint(this.store, s.height);
      if (!removed.ok) {
        this.#fail({ kind: 'store', message: removed.error.message });
        return { ok: false, error: `removing the damaged checkpoint at height ${s.height} failed: ${removed.error.message}`, skipped: r.plan.skipped };
      }
    }
    this.#repair = r.plan.repair;
    const store = this.store;
    const recovery: Recovery = {
      ...r.plan,
      *batches(randomnessOf) {
        for (const h of r.plan.replay) {
          const bytes = store.batch(h);
          yield bytes === undefined ? { ok: false, error: `the logged batch at height ${h} is gone` } : decodeBatch(bytes, randomnessOf);
        }
      },
    };
    return { ok: true, recovery };
  }

  /** Closes the store. */
  close(): Promise<void> {
    return this.store.close();
  }
}
