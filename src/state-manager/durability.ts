/**
 * `Durability`: what a subnet's round loop calls to be durable — the store
 * chosen by the options (`{ dataDir }`: LMDB in that directory; `{ store }`:
 * one the caller gives, e.g. a `MemoryStore` a test restarts on; default
 * `{ ephemeral: true }`: a fresh `MemoryStore`), the subnet key kept in it,
 * and the round hooks:
 *
 *     open         store, subnet key (created on the first start), the execution settings (recorded
 *                  on the first start and used from then on: execution-settings.ts), last logged position
 *     load         the newest checkpoint that verifies (the subnet is built on it)
 *     replay       every logged batch after it, through the subnet's `executeBatch`
 *     hooks()      the subnet's round hooks:
 *                    beforeExecute(batch)  the batch is logged durably before it runs, with the
 *                                          state hash of the height before it (state-digest.ts)
 *                    afterCommit(batch, committed)  after a `requiresFullStateHash` batch: checkpoint,
 *                    then (on disk) evict the checkpointed pages from RAM
 *     close
 *
 * After the store fails (disk full, I/O error) or a state cannot be
 * encoded, every hook throws {@link ReplicaStoppedError}: the replica stops,
 * and what is on disk is what the last successful write left — creating the
 * replica again on it recovers.
 */
import { RandomTape } from '../consensus/index.ts';
import type { Batch, BatchPosition } from '../consensus/index.ts';
import type { BlsKeyPair } from '../crypto/index.ts';
import { evictPages } from '../state/index.ts';
import type { ExecutionState, PageStore, ReplicatedState } from '../state/index.ts';
import { height as toHeight, time as toTime } from '../types/index.ts';
import type { CheckpointCodec, ModuleCompiler } from './checkpoint-codec.ts';
import type { CheckpointSummary } from './checkpoint-writer.ts';
import { LmdbStore } from './lmdb-store.ts';
import { MemoryStore } from './memory-store.ts';
import type { SkippedCheckpoint, VerifyMode } from './recovery.ts';
import { StateManager } from './state-manager.ts';
import type { Recovery, StateManagerFailure } from './state-manager.ts';
import { StateDigests } from './state-digest.ts';
import type { Store } from './store.ts';
import { META_EXECUTION_SETTINGS, decodeExecutionSettings, encodeExecutionSettings, settingsDifferences } from './execution-settings.ts';
import type { ExecutionSettings } from './execution-settings.ts';

/** Where and how a replica keeps its state (part of the replica's options). */
export interface DurabilityOptions {
  /** Keep the state in an LMDB store in this directory (created if needed); a replica created again on it recovers. */
  readonly dataDir?: string;
  /** Keep everything in memory (the default when neither `dataDir` nor `store` is given). */
  readonly ephemeral?: boolean;
  /** A store to use (e.g. a `MemoryStore` successive replicas of a test share, or a `FailingStore`); the caller closes it. */
  readonly store?: Store;
  /** Checkpoints kept (default 2: the newest and its fallback). */
  readonly keepCheckpoints?: number;
  /** Prune the batch log below the oldest kept checkpoint (default true; crash tests keep it to drive a reference run). */
  readonly pruneBatchLog?: boolean;
  /** How much recovery verifies of a checkpoint: `'full'` (default, every page hashed) or `'presence'`. */
  readonly verifyCheckpoint?: VerifyMode;
  /**
   * Observes the checkpoints written after batches (metrics, logs): `now`
   * is a wall clock in ms that the host gives (src/env's; the core reads
   * none), `written` gets each checkpoint's summary and the time it took
   * (writing and, on disk, evicting its pages).
   */
  readonly onCheckpoint?: { now(): number; written(summary: CheckpointSummary, durationMs: number): void };
  /**
   * Progress of each checkpoint (at shutdown too): its height, new objects
   * written, new objects in all — `(h, 0, n)` once encoded, `(h, n, n)` once durable.
   */
  readonly onCheckpointProgress?: (height: bigint, written: number, total: number) => void;
}

/** Thrown by a replica's rounds after its store failed (disk full, I/O error) or its state could not be encoded. */
export class ReplicaStoppedError extends Error {
  override readonly name = 'ReplicaStoppedError';
  readonly failure: StateManagerFailure;

  constructor(failure: StateManagerFailure) {
    super(`the replica stopped: ${failure.message}. Nothing after the last successful write was stored; `
      + 'create the replica again on the same data to recover.');
    this.failure = failure;
  }
}

/** What a subnet calls around each batch (src/network's `SubnetHooks`). */
export interface RoundHooks {
  /** Before the batch executes: log it. A throw stops the round before anything changes. */
  beforeExecute(batch: Batch): Promise<void>;
  /** After it executed and `committed` is its state. */
  afterCommit(batch: Batch, committed: ReplicatedState): Promise<void>;
}

/** What recovery did at start. */
export interface RecoveryReport {
  /** The checkpoint the state came from (0: the empty state). */
  readonly checkpointHeight: bigint;
  /** Logged batches executed again after it. */
  readonly replayedBatches: number;
  /** Checkpoints that did not verify and were removed, newest first, with the reason. */
  readonly skippedCheckpoints: readonly SkippedCheckpoint[];
}

/** Arguments of {@link Durability.open} beyond the options. */
export interface DurabilityContext {
  readonly codec: CheckpointCodec;
  /** The subnet key to create on the first start (from the replica's seed). */
  readonly createKey: () => BlsKeyPair;
  /** The replica's `seed` option (threshold keys derive from it); checked against the stored one. */
  readonly seed: string | undefined;
  /**
   * The execution settings of this start (`wanted`) and those to assume for
   * a store written before they were recorded (`legacy`): the store's record
   * (execution-settings.ts) is written on the first start and wins after.
   */
  readonly settings?: { readonly wanted: ExecutionSettings; readonly legacy: ExecutionSettings };
  /** Sandbox workers drop their copies of evicted pages. */
  readonly pagesEvicted?: (states: readonly ExecutionState[], store: PageStore) => void;
}

function openStore(opts: DurabilityOptions): { store: Store; where: string; owned: boolean } {
  if (opts.store !== undefined) return { store: opts.store, where: `the given ${opts.store.kind} store`, owned: false };
  if (opts.dataDir !== undefined) {
    if (opts.ephemeral === true) throw new TypeError('a replica is either ephemeral or has a dataDir, not both');
    const s = LmdbStore.open(opts.dataDir);
    if (!(s instanceof LmdbStore)) throw new Error(s.message);
    return { store: s, where: opts.dataDir, owned: true };
  }
  return { store: new MemoryStore(), where: 'memory', owned: true };
}

export class Durability {
  readonly manager: StateManager;
  readonly key: BlsKeyPair;
  /** The seed the threshold keys derive from (as given on the first start). */
  readonly seed: string | undefined;
  /** The last logged batch (the block maker resumes after it). */
  readonly resumeAfter: BatchPosition | undefined;
  /** Where the state is kept, for messages. */
  readonly where: string;
  /** The recorded execution settings the subnet must be built with (given `settings` in the context). */
  settings: ExecutionSettings | undefined;
  /** What this start asked for and the record overrode, one sentence each. */
  settingsNotices: readonly string[] = [];
  /** `close()` should write a checkpoint first (the store outlives the replica). */
  readonly checkpointOnClose: boolean;
  readonly #owned: boolean;
  readonly #evict: boolean;
  readonly #pagesEvicted: ((states: readonly ExecutionState[], store: PageStore) => void) | undefined;
  #onCheckpoint: DurabilityOptions['onCheckpoint'];
  #stopped: ReplicaStoppedError | undefined;
  #loaded: Recovery | undefined;
  #replaying = false;
  /** The state the next batch executes on (its digest goes into that batch's record). */
  #previous: ReplicatedState | undefined;
  /** Digests of the previous height for the batch log, or none: an ephemeral replica's own in-memory log is never replayed. */
  readonly #digests: StateDigests | undefined;
  /** What recovery did (after {@link recover}). */
  recovery: RecoveryReport | undefined;

  private constructor(manager: StateManager, init: {
    key: BlsKeyPair; seed: string | undefined; resumeAfter: BatchPosition | undefined; where: string; owned: boolean;
    pagesEvicted: DurabilityContext['pagesEvicted'];
  }) {
    this.manager = manager;
    this.key = init.key;
    this.seed = init.seed;
    this.resumeAfter = init.resumeAfter;
    this.where = init.where;
    this.#owned = init.owned;
    this.#evict = manager.store.kind === 'lmdb';
    this.checkpointOnClose = this.#evict || !init.owned;
    this.#digests = init.owned && manager.store.kind === 'memory' ? undefined : new StateDigests();
    this.#pagesEvicted = init.pagesEvicted;
  }

  /**
   * Opens the store, its subnet key (created with `createKey` on the first
   * start) and the last logged position.
   * @throws {Error} if the store cannot be opened, its key is damaged, or `seed` differs from the one it was created with.
   */
  static async open(opts: DurabilityOptions, ctx: DurabilityContext): Promise<Durability> {
    const { store, where, owned } = openStore(opts);
    const manager = new StateManager({
      store, codec: ctx.codec,
      ...(opts.keepCheckpoints === undefined ? {} : { keepCheckpoints: opts.keepCheckpoints }),
      ...(opts.pruneBatchLog === undefined ? {} : { pruneBatchLog: opts.pruneBatchLog }),
      ...(opts.verifyCheckpoint === undefined ? {} : { verify: opts.verifyCheckpoint }),
      ...(opts.onCheckpointProgress === undefined ? {} : { onCheckpointProgress: opts.onCheckpointProgress }),
    });
    const fail = async (message: string): Promise<never> => {
      if (owned) await store.close();
      throw new Error(`${message} (${where})`);
    };
    const loaded = manager.loadSubnetKey();
    if (!loaded.ok) return fail(loaded.error);
    let record = loaded.record;
    if (record === undefined) {
      record = { key: ctx.createKey(), seed: ctx.seed };
      const saved = await manager.saveSubnetKey(record);
      if (!saved.ok) return fail(`the subnet key cannot be stored: ${saved.failure.message}`);
    } else if (ctx.seed !== undefined && ctx.seed !== record.seed) {
      return fail(`the store was created with ${record.seed === undefined ? 'the default seed' : `seed '${record.seed}'`}, not '${ctx.seed}'`);
    }
    let settings: ExecutionSettings | undefined;
    let notices: readonly string[] = [];
    if (ctx.settings !== undefined) {
      const bytes = store.meta(META_EXECUTION_SETTINGS);
      if (bytes !== undefined) {
        const d = decodeExecutionSettings(bytes);
        if (!d.ok) return fail(d.error);
        settings = d.settings;
      } else {
        settings = loaded.record === undefined ? ctx.settings.wanted : ctx.settings.legacy;
        const r = await store.commit({ putMeta: [[META_EXECUTION_SETTINGS, encodeExecutionSettings(settings)]] });
        if (!r.ok) return fail(`the execution settings cannot be stored: ${r.error.message}`);
      }
      notices = settingsDifferences(settings, ctx.settings.wanted).map((n) => `${where}: ${n}`);
    }
    const last = store.lastBatchHeight();
    let resumeAfter: BatchPosition | undefined;
    if (last !== undefined) {
      const b = manager.loggedBatch(last, () => new Uint8Array(32));
      if (b === undefined || !b.ok) return fail(`the last logged batch (height ${last}) is damaged${b?.ok === false ? `: ${b.error}` : ''}`);
      resumeAfter = { height: toHeight(b.batch.height), time: toTime(b.batch.time) };
    }
    const durability = new Durability(manager, { key: record.key, seed: record.seed, resumeAfter, where, owned, pagesEvicted: ctx.pagesEvicted });
    durability.#onCheckpoint = opts.onCheckpoint;
    durability.settings = settings;
    durability.settingsNotices = notices;
    return durability;
  }

  /** The error every hook throws once stopped. */
  get stopped(): ReplicaStoppedError | undefined { return this.#stopped; }

  #stop(failure: StateManagerFailure): ReplicaStoppedError {
    this.#stopped ??= new ReplicaStoppedError(failure);
    return this.#stopped;
  }

  /** Throws if stopped. */
  check(): void {
    if (this.#stopped !== undefined) throw this.#stopped;
  }

  /**
   * Recovery, first part: the newest checkpoint that verifies (`undefined`:
   * start from the empty state); damaged checkpoints are removed and reported.
   * Build the subnet on this state, then {@link replay}.
   * @throws {Error} if no state can be recovered (nothing is changed then).
   */
  async load(compile: ModuleCompiler): Promise<ReplicatedState | undefined> {
    const r = await this.manager.recover(compile);
    if (!r.ok) {
      const skipped = r.skipped.map((s) => `\n  checkpoint ${s.height}: ${s.reason}`).join('');
      throw new Error(`cannot recover the state (${this.where}): ${r.error}${skipped}`);
    }
    this.#loaded = r.recovery;
    this.#previous = r.recovery.state;
    return r.recovery.state;
  }

  /**
   * Recovery, second part: every logged batch after the loaded checkpoint,
   * executed through `execute` (the subnet's `executeBatch`, whose hooks come
   * back here: a replayed batch is not logged again, and is checkpointed only
   * where no checkpoint is stored).
   * @throws {Error} if a logged batch is damaged.
   */
  async replay(execute: (batch: Batch) => Promise<unknown>): Promise<RecoveryReport> {
    const loaded = this.#loaded;
    if (loaded === undefined) throw new Error('replay() before load()');
    const tape = new RandomTape(this.key);
    let replayed = 0;
    this.#replaying = true;
    try {
      for (const b of loaded.batches((h) => tape.randomnessOf(h))) {
        if (!b.ok) throw new Error(`cannot replay the batch log (${this.where}): ${b.error}`);
        await execute(b.batch);
        replayed++;
      }
    } finally {
      this.#replaying = false;
    }
    this.recovery = { checkpointHeight: loaded.baseHeight, replayedBatches: replayed, skippedCheckpoints: loaded.skipped };
    return this.recovery;
  }

  /**
   * Starts from `state` (a replica continued from a decoded checkpoint)
   * instead of the store's: the store must hold no state yet. When the store
   * outlives the replica, `state` is checkpointed at once, so the batches
   * logged after it can be replayed on the next start.
   * @throws {Error} if the store already holds a state, or `state` cannot be checkpointed (e.g. paused executions).
   */
  async adopt(state: ReplicatedState): Promise<void> {
    const store = this.manager.store;
    const held = store.lastBatchHeight() ?? this.manager.newestCheckpointHeight();
    if (held !== undefined) throw new Error(`initialState needs an empty store, but ${this.where} holds a state up to height ${held}`);
    this.#previous = state;
    if (!this.checkpointOnClose) return;
    const r = await this.manager.checkpoint(state);
    if (!r.ok) throw new Error(`initialState cannot be kept in ${this.where}: ${r.failure.message}`);
  }

  /** The round hooks of a durable subnet (`SubnetHooks`); `onCommit` is called after each committed batch. */
  hooks(onCommit?: (batch: Batch, state: ReplicatedState) => void): RoundHooks {
    return {
      beforeExecute: (batch) => this.beforeExecute(batch),
      afterCommit: async (batch, committed) => {
        await this.afterCommit(batch, committed);
        onCommit?.(batch, committed);
      },
    };
  }

  /** Logs `batch` durably (not when replaying it); run it only after this resolved. @throws {ReplicaStoppedError} */
  async beforeExecute(batch: Batch): Promise<void> {
    this.check();
    if (this.#replaying) return;
    const previous = this.#previous;
    const digest = previous !== undefined && previous.metadata.height + 1n === batch.height ? this.#digests?.digest(previous) : undefined;
    const r = await this.manager.logBatch(batch, digest);
    if (!r.ok) throw this.#stop(r.failure);
  }

  /**
   * After `batch` was executed and `committed` is its state: a checkpoint if
   * the batch asks for one (during replay only where none is stored yet).
   * @throws {ReplicaStoppedError}
   */
  async afterCommit(batch: Batch, committed: ReplicatedState): Promise<CheckpointSummary | undefined> {
    this.check();
    this.#previous = committed;
    if (!batch.requiresFullStateHash) return undefined;
    if (this.#replaying && this.manager.store.checkpoint(batch.height) !== undefined) return undefined;
    const observer = this.#onCheckpoint;
    const t0 = observer?.now();
    const r = await this.manager.checkpoint(committed);
    if (!r.ok) throw this.#stop(r.failure);
    if (this.#evict) {
      const e = evictPages(committed, this.manager.objects);
      this.#pagesEvicted?.(e.storedStates, this.manager.objects);
    }
    if (observer !== undefined && t0 !== undefined) observer.written(r.value, observer.now() - t0);
    return r.value;
  }

  /** Whether `close()` should first make a checkpoint batch (the state at `height` is not checkpointed yet). */
  needsCloseCheckpoint(height: bigint): boolean {
    return this.#stopped === undefined && this.checkpointOnClose && height > (this.manager.newestCheckpointHeight() ?? 0n);
  }

  /** Closes the store if it was opened here. */
  async close(): Promise<void> {
    if (this.#owned) await this.manager.close();
  }
}
