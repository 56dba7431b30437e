// The local block maker: consensus for a single-replica subnet. It is the
// boundary where the wall clock and the arrival order of requests enter the
// replicated state machine; everything it emits is data.
//
// - Ingress waits in a bounded pool, in submission order (first in, first
//   out). A duplicate message id already in the pool is refused; a full pool
//   refuses new messages (the HTTP layer answers 503/429).
// - A batch takes messages from the head of the pool while they fit: at most
//   1,000 messages and 4 MiB of payload per batch (the IC's block maker,
//   `ingress_selector.rs`: 1,000 messages per block, block payload ≤ 4 MiB;
//   execution_internals.md §6.1). Order is never changed to fill a batch:
//   a message that does not fit waits for the next batch. The IC's selector
//   interleaves canisters round-robin; a single local replica keeps
//   submission order instead, which is also a valid block.
// - Messages whose expiry is already before the batch time are dropped, not
//   included (the IC's validator requires expiry ≥ block time); `onExpired`
//   reports them. Duplicates of messages already executed are left to
//   induction, which skips them (ingress history), as on the IC.
// - Time: `max(clock.nowNanos(), previous + 1 ns)` — strictly increasing even
//   when the clock stalls or steps back, and the clock itself when it moves
//   normally. PocketIC does the same: a round without a time change is 1 ns
//   after the previous one.
// - Randomness: the random tape of the subnet key at the batch's height
//   (`random-tape.ts`, which also says how `raw_rand` is answered).
// - Checkpoints: `requiresFullStateHash` at every `checkpointInterval`-th
//   height (default 500, the IC's DKG interval) and whenever asked
//   (shutdown), and early when `checkpointEarly` says so: the replica asks
//   for one as soon as the state's heap delta since the last checkpoint
//   reaches the scheduler's limit for the height. On the IC rounds are
//   skipped until the regular checkpoint (up to a whole interval); a local
//   replica checkpoints at once instead (one skipped round: the checkpoint
//   round's own, whose limit check comes before it resets the estimate), so
//   the pages changed since the last checkpoint — which stay in RAM until
//   a checkpoint writes them — are bounded by the heap-delta capacity. Each
//   batch carries its `batchSummary` (the next regular checkpoint height and
//   the interval length) for the scheduler's limit.
// - Consensus responses: the answers to HTTPS outcalls (and their timeouts)
//   come from a `CanisterHttpPayloadBuilder` (the host's outcall pool), asked
//   once per batch with the batch's time — the boundary where the network's
//   answers enter, as data, like ingress.
// - XNet slices: other subnets' streams to this subnet come from an
//   `XNetPayloadBuilder` (src/network), and topology changes from the
//   `networkTopology` source, each asked once per batch — data, like
//   ingress, so a subnet's batches are all its inputs.
//
// It makes a batch when there is work (`nextBatch`, the `BatchSource` side)
// or whenever asked (`makeBatch`: PocketIC's `tick`, periodic empty rounds
// that let time advance and timers fire). It keeps no history: after a
// restart, pass the last logged batch's position as `resumeAfter`.
import type { BlsKeyPair } from '../crypto/index.ts';
import type { Clock } from '../env/index.ts';
import type { Height, Time } from '../types/index.ts';
import { height as toHeight, time as toTime } from '../types/index.ts';
import type { NetworkTopology } from '../state/index.ts';
import type { Batch, BatchPosition, BatchSummary, ConsensusResponse, SignedIngress, XNetSlice } from './batch.ts';
import { MESSAGE_ID_BYTES } from './batch.ts';
import type { BatchSource } from './batch-source.ts';
import { RandomTape } from './random-tape.ts';

/** Messages per batch (IC block maker: 1,000 ingress messages per block). */
export const MAX_INGRESS_MESSAGES_PER_BATCH = 1_000;
/** Ingress payload bytes per batch (IC block maker: block payload ≤ 4 MiB). */
export const MAX_INGRESS_BYTES_PER_BATCH = 4 * 1024 * 1024;
/** Default pool capacity in messages (ic-exec's choice: 100 full batches). */
export const DEFAULT_MAX_POOL_MESSAGES = 100_000;
/** Default pool capacity in payload bytes (ic-exec's choice). */
export const DEFAULT_MAX_POOL_BYTES = 256 * 1024 * 1024;
/** Default checkpoint interval in heights (the IC checkpoints every DKG interval, ≈500 rounds; execution_internals.md §9). */
export const DEFAULT_CHECKPOINT_INTERVAL = 500n;

/**
 * Where a batch's answers to HTTPS outcalls come from (the replica's canister
 * HTTP payload builder): responses the host has ready (transformed) and
 * timeouts of contexts older than the timeout at `time`; each callback id at
 * most once over all batches.
 */
export interface CanisterHttpPayloadBuilder {
  /** The answers for the batch at `time`, in the order to induct them. */
  buildPayload(time: Time): readonly ConsensusResponse[];
  /** Whether an answer is ready (so {@link LocalBlockMaker.nextBatch} makes a batch). */
  hasPayload(): boolean;
}

/**
 * Where a batch's XNet payload comes from (the replica's XNet payload
 * builder): slices of other subnets' certified streams to this subnet,
 * starting where this subnet's state expects them.
 */
export interface XNetPayloadBuilder {
  /** The slices for the batch at `height`, one per remote subnet with something new, in subnet-id byte order. */
  buildPayload(height: Height): readonly XNetSlice[];
  /** Whether a slice has messages or signals this subnet has not inducted (so {@link LocalBlockMaker.nextBatch} makes a batch). */
  hasPayload(): boolean;
}

/** Options of {@link LocalBlockMaker}. */
export interface LocalBlockMakerOptions {
  /** The subnet key; its signatures make the random tape. */
  readonly key: BlsKeyPair;
  /** The wall clock (a `SystemClock`, or a `ManualClock` in tests and PocketIC). */
  readonly clock: Clock;
  /** The last batch already made (after a restart: the last logged batch). The next batch follows it. Default: none, the first batch has height 1. */
  readonly resumeAfter?: BatchPosition;
  /** Messages per batch. Default {@link MAX_INGRESS_MESSAGES_PER_BATCH}. */
  readonly maxMessagesPerBatch?: number;
  /** Payload bytes per batch. Default {@link MAX_INGRESS_BYTES_PER_BATCH}. */
  readonly maxBytesPerBatch?: number;
  /** Pool capacity in messages. Default {@link DEFAULT_MAX_POOL_MESSAGES}. */
  readonly maxPoolMessages?: number;
  /** Pool capacity in payload bytes. Default {@link DEFAULT_MAX_POOL_BYTES}. */
  readonly maxPoolBytes?: number;
  /** Every `checkpointInterval`-th height requires a full state hash; `0n` turns this off. Default {@link DEFAULT_CHECKPOINT_INTERVAL}. */
  readonly checkpointInterval?: bigint;
  /**
   * Asked for each batch: make it a checkpoint now (ahead of the interval).
   * The replica's rule: the heap delta since the last checkpoint reached the
   * scheduler's limit at this height. Default: never.
   */
  readonly checkpointEarly?: (height: Height, summary: BatchSummary | undefined) => boolean;
  /** Called, in pool order, for each message dropped because it expired before the batch time. */
  readonly onExpired?: (message: SignedIngress, batchTime: Time) => void;
  /** The source of HTTPS-outcall answers. Default: none (batches carry no consensus responses). */
  readonly canisterHttp?: CanisterHttpPayloadBuilder;
  /** The source of XNet slices. Default: none (a subnet alone). */
  readonly xnet?: XNetPayloadBuilder;
  /**
   * Asked for each batch: a network topology to carry (the registry's
   * changes), which the source hands out once. Default: none.
   */
  readonly networkTopology?: () => NetworkTopology | undefined;
}

/** Why {@link LocalBlockMaker.submit} refused a message. */
export type SubmitRefusal =
  /** A message with this id is already in the pool. */
  | 'duplicate'
  /** The pool is at its message or byte capacity. */
  | 'pool-full'
  /** The payload alone exceeds the batch byte limit, so it could never be included. */
  | 'too-large';

/** The outcome of {@link LocalBlockMaker.submit}. */
export type SubmitResult = { readonly ok: true } | { readonly ok: false; readonly reason: SubmitRefusal };

/** Options of {@link LocalBlockMaker.makeBatch}. */
export interface MakeBatchOptions {
  /** Make this batch a checkpoint (e.g. at shutdown) regardless of the interval. */
  readonly requiresFullStateHash?: boolean;
}

function checkPositiveInteger(name: string, n: number): number {
  if (!Number.isSafeInteger(n) || n <= 0) throw new RangeError(`${name} must be a positive integer, got ${String(n)}`);
  return n;
}

function idKey(messageId: Uint8Array): string {
  return Buffer.from(messageId.buffer, messageId.byteOffset, messageId.byteLength).toString('hex');
}

/**
 * Orders ingress into batches for a single-replica subnet and stamps each
 * with a strictly increasing time and the round's randomness.
 * @example
 * const maker = new LocalBlockMaker({ key, clock: new SystemClock() });
 * maker.submit(message);
 * const batch = maker.nextBatch(); // height 1, with the message
 */
export class LocalBlockMaker implements BatchSource {
  readonly #clock: Clock;
  readonly #tape: RandomTape;
  readonly #maxMessagesPerBatch: number;
  readonly #maxBytesPerBatch: number;
  readonly #maxPoolMessages: number;
  readonly #maxPoolBytes: number;
  readonly #checkpointInterval: bigint;
  readonly #onExpired: ((message: SignedIngress, batchTime: Time) => void) | undefined;
  readonly #checkpointEarly: ((height: Height, summary: BatchSummary | undefined) => boolean) | undefined;
  readonly #canisterHttp: CanisterHttpPayloadBuilder | undefined;
  readonly #xnet: XNetPayloadBuilder | undefined;
  readonly #topology: (() => NetworkTopology | undefined) | undefined;

  #last: BatchPosition | undefined;
  // The pool: a FIFO as an array with a moving head, plus the ids it holds.
  #pool: SignedIngress[] = [];
  #head = 0;
  #poolBytes = 0;
  readonly #poolIds = new Set<string>();
  #waiters: (() => void)[] = [];

  constructor(options: LocalBlockMakerOptions) {
    this.#clock = options.clock;
    this.#tape = new RandomTape(options.key);
    this.#maxMessagesPerBatch = checkPositiveInteger('maxMessagesPerBatch', options.maxMessagesPerBatch ?? MAX_INGRESS_MESSAGES_PER_BATCH);
    this.#maxBytesPerBatch = checkPositiveInteger('maxBytesPerBatch', options.maxBytesPerBatch ?? MAX_INGRESS_BYTES_PER_BATCH);
    this.#maxPoolMessages = checkPositiveInteger('maxPoolMessages', options.maxPoolMessages ?? DEFAULT_MAX_POOL_MESSAGES);
    this.#maxPoolBytes = checkPositiveInteger('maxPoolBytes', options.maxPoolBytes ?? DEFAULT_MAX_POOL_BYTES);
    const interval = options.checkpointInterval ?? DEFAULT_CHECKPOINT_INTERVAL;
    if (interval < 0n) throw new RangeError(`checkpointInterval must be non-negative, got ${interval}`);
    this.#checkpointInterval = interval;
    this.#onExpired = options.onExpired;
    this.#checkpointEarly = options.checkpointEarly;
    this.#canisterHttp = options.canisterHttp;
    this.#xnet = options.xnet;
    this.#topology = options.networkTopology;
    this.#last = options.resumeAfter === undefined
      ? undefined
      : { height: toHeight(options.resumeAfter.height), time: toTime(options.resumeAfter.time) };
  }

  /** The position of the last batch made, or `undefined` before the first. */
  get last(): BatchPosition | undefined {
    return this.#last;
  }

  /** Messages waiting in the pool. */
  get poolSize(): number {
    return this.#pool.length - this.#head;
  }

  /** Payload bytes waiting in the pool. */
  get poolBytes(): number {
    return this.#poolBytes;
  }

  /** Whether the pool holds messages, an outcall answer or an XNet slice is ready (so {@link nextBatch} would make a batch). */
  hasWork(): boolean {
    return this.poolSize > 0 || (this.#canisterHttp?.hasPayload() ?? false) || (this.#xnet?.hasPayload() ?? false);
  }

  /**
   * Adds a message to the end of the pool.
   * @returns `{ ok: true }`, or why it was refused (nothing changes then).
   * @throws {RangeError} if the message id is not 32 bytes (a bug in the caller).
   */
  submit(message: SignedIngress): SubmitResult {
    if (message.messageId.length !== MESSAGE_ID_BYTES) {
      throw new RangeError(`message id must be ${MESSAGE_ID_BYTES} bytes, got ${message.messageId.length}`);
    }
    const size = message.payload.length;
    if (size > this.#maxBytesPerBatch) return { ok: false, reason: 'too-large' };
    const key = idKey(message.messageId);
    if (this.#poolIds.has(key)) return { ok: false, reason: 'duplicate' };
    if (this.poolSize >= this.#maxPoolMessages || this.#poolBytes + size > this.#maxPoolBytes) {
      return { ok: false, reason: 'pool-full' };
    }
    this.#pool.push(message);
    this.#poolIds.add(key);
    this.#poolBytes += size;
    this.wake();
    return { ok: true };
  }

  /** Resolves the pending {@link ready} waits (called on submit, and by the outcall pool when an answer is ready). */
  wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }

  /** {@link BatchSource.nextBatch}: a batch if the pool holds messages, else `undefined`. */
  nextBatch(): Batch | undefined {
    return this.hasWork() ? this.makeBatch() : undefined;
  }

  /** {@link BatchSource.ready}: resolves when the pool holds messages (or {@link wake} is called). */
  ready(signal?: AbortSignal): Promise<void> {
    if (this.hasWork()) return Promise.resolve();
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        this.#waiters = this.#waiters.filter((w) => w !== wake);
        reject(signal?.reason);
      };
      const wake = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      this.#waiters.push(wake);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /**
   * Makes the batch at the next height now, with as many pooled messages as
   * fit (possibly none).
   * @throws {RangeError} if the height or time would pass u64.
   */
  makeBatch(options: MakeBatchOptions = {}): Batch {
    const last = this.#last;
    const height = toHeight(last === undefined ? 1n : last.height + 1n);
    const now: bigint = this.#clock.nowNanos();
    const time = toTime(last === undefined || now > last.time ? now : last.time + 1n);
    const ingress = this.#take(time);
    const consensusResponses = Object.freeze([...(this.#canisterHttp?.buildPayload(time) ?? [])]);
    const xnetSlices = Object.freeze([...(this.#xnet?.buildPayload(height) ?? [])]);
    const networkTopology = this.#topology?.();
    const interval = this.#checkpointInterval;
    const atInterval = interval > 0n && height % interval === 0n;
    const batchSummary: BatchSummary | undefined = interval === 0n ? undefined : Object.freeze({
      nextCheckpointHeight: toHeight(((height + interval - 1n) / interval) * interval), currentIntervalLength: interval - 1n,
    });
    const early = !atInterval && options.requiresFullStateHash !== true && this.#checkpointEarly?.(height, batchSummary) === true;
    // The randomness (a BLS signature, ~5 ms in JavaScript) is computed when
    // first read, once: most rounds never read it (only `raw_rand` needs
    // randomness), and its value does not depend on when it is computed.
    const tape = this.#tape;
    let randomness: Uint8Array | undefined;
    const batch: Batch = Object.freeze(Object.defineProperty({
      height,
      time,
      ingress: Object.freeze(ingress),
      requiresFullStateHash: atInterval || early || options.requiresFullStateHash === true,
      consensusResponses,
      ...(batchSummary === undefined ? {} : { batchSummary }),
      ...(xnetSlices.length === 0 ? {} : { xnetSlices }),
      ...(networkTopology === undefined ? {} : { networkTopology }),
    }, 'randomness', { enumerable: true, get: () => (randomness ??= tape.randomnessOf(height)) }) as Batch);
    this.#last = { height, time };
    return batch;
  }

  /**
   * The randomness of the batch at `height` (SHA-256 of the subnet key's
   * signature over it). Execution reads `Batch.randomness` instead; this is
   * for replay checks and tests.
   */
  randomnessOf(height: Height): Uint8Array {
    return this.#tape.randomnessOf(height);
  }

  // Removes from the head of the pool the messages of the next batch, in
  // order, dropping those that expired before `time`.
  #take(time: Time): SignedIngress[] {
    const taken: SignedIngress[] = [];
    let bytes = 0;
    while (this.#head < this.#pool.length && taken.length < this.#maxMessagesPerBatch) {
      const message = this.#pool[this.#head];
      const expired = message.expiry < time;
      if (!expired && bytes + message.payload.length > this.#maxBytesPerBatch) break;
      this.#head += 1;
      this.#poolIds.delete(idKey(message.messageId));
      this.#poolBytes -= message.payload.length;
      if (expired) {
        this.#onExpired?.(message, time);
        continue;
      }
      taken.push(message);
      bytes += message.payload.length;
    }
    if (this.#head > 1024 && this.#head * 2 > this.#pool.length) {
      this.#pool = this.#pool.slice(this.#head);
      this.#head = 0;
    }
    return taken;
  }
}
