/**
 * The telemetry of one served replica: Prometheus metrics, the recent
 * rounds and each canister's cycles and memory over time (the dashboard's
 * data), and the canister log stream. It only reads: it is fed the
 * server's `onRound(summary, durationMs)` with the committed state, HTTP
 * answers and checkpoint times, and never changes the replica.
 *
 * Cost per round: the summary's figures and the ingress pool are O(1). A
 * round that executed something also looks at each canister, but reads
 * only those that changed (new objects in the copy-on-write committed
 * state: state-figures.ts) — new log records, consumed cycles. Queues,
 * cycles by use case and the canister series are sampled at most once per
 * `sampleIntervalMs` (default 1 s), again reading only what changed.
 * bench/telemetry.bench.ts measures both.
 */
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { monotonicMs, wallClockMs } from '../env/index.ts';
import type { ReplicatedState } from '../state/index.ts';
import type { CanisterId } from '../types/index.ts';
import { CanisterLogFollower } from './canister-logs.ts';
import { composeExtensions, endpointOf, metricsExtension } from './http.ts';
import type { HttpExtension } from './http.ts';
import { ReplicaMetrics } from './metrics.ts';
import { Ring } from './ring.ts';
import type { CanisterSample, RoundSample } from './samples.ts';
import { readSummary } from './samples.ts';
import { CanisterWatch, addSubnetConsumed, inputMessages } from './state-figures.ts';

export interface TelemetryOptions {
  /** Rounds kept for {@link Telemetry.recentRounds}. Default 600. */
  readonly historyRounds?: number;
  /** Replica events (checkpoints written). Default none. */
  readonly logger?: Logger;
  /** Where canister log records go (a stream apart from the replica's). Default none: not followed. */
  readonly canisterLogger?: Logger;
  /** Samples kept per canister. Default 600 (10 minutes at one a second). */
  readonly seriesLength?: number;
  /** Least time between walks over the canisters, ms. Default 1,000. */
  readonly sampleIntervalMs?: number;
  /** Messages in the block maker's pool (the replica's `pooledIngress`). Default: not counted. */
  readonly pooledIngress?: () => number;
  /** The wall clock, ms since the epoch. Default src/env's `wallClockMs`. */
  readonly now?: () => number;
  /** Register prom-client's process and Node.js metrics. Default true. */
  readonly defaultMetrics?: boolean;
}

const keyOf = (id: CanisterId): string => Buffer.from(id.bytesView()).toString('hex');

/** See the module header. */
export class Telemetry {
  readonly registry: Registry;
  readonly metrics: ReplicaMetrics;
  /** The server extension answering `GET /metrics` (compose it with others: `composeExtensions`). */
  readonly extension: HttpExtension;
  readonly #rounds: Ring<RoundSample>;
  readonly #series = new Map<string, Ring<CanisterSample>>();
  readonly #listeners = new Set<(s: RoundSample) => void>();
  readonly #seriesLength: number;
  readonly #intervalMs: number;
  readonly #now: () => number;
  #pooled: () => number;
  readonly #logger: Logger | undefined;
  readonly #logs: CanisterLogFollower | undefined;
  readonly #watch = new CanisterWatch();
  #lastSampleMs = Number.NEGATIVE_INFINITY;
  #queued = 0;
  #consumed: bigint | undefined;

  constructor(opts: TelemetryOptions = {}) {
    this.metrics = new ReplicaMetrics({ defaultMetrics: opts.defaultMetrics ?? true });
    this.registry = this.metrics.registry;
    this.extension = metricsExtension(this);
    this.#rounds = new Ring(opts.historyRounds ?? 600);
    this.#seriesLength = opts.seriesLength ?? 600;
    this.#intervalMs = opts.sampleIntervalMs ?? 1_000;
    this.#now = opts.now ?? wallClockMs;
    this.#pooled = opts.pooledIngress ?? (() => 0);
    this.#logger = opts.logger;
    this.#logs = opts.canisterLogger === undefined ? undefined : new CanisterLogFollower(opts.canisterLogger);
  }

  /**
   * Takes `state` (the replica's committed state when it starts) as the
   * baseline: its canister log records are not written again, its consumed
   * cycles are not counted as burned now, and a first sample is taken.
   */
  start(state: ReplicatedState): void {
    const logs = this.#logs;
    this.#watch.refresh(state, logs === undefined ? undefined : (c, key) => logs.skip(c, key));
    this.#consumed = this.#consumedTotal(state);
    this.metrics.height.set(Number(state.metadata.height));
    this.#sample(state, this.#now());
  }

  /** A completed round: `summary` is `tick()`'s `BatchSummary`, `state` the committed state after it. */
  recordRound(summary: unknown, durationMs: number, state: ReplicatedState): void {
    const now = this.#now();
    const f = readSummary(summary);
    const m = this.metrics;
    m.rounds.inc();
    m.roundDuration.observe(durationMs / 1000);
    m.roundInstructions.observe(Number(f.instructions));
    if (f.instructions > 0n) m.instructions.inc(Number(f.instructions));
    if (f.executions > 0) m.executions.inc(f.executions);
    let ran = 0;
    for (const [kind, n] of Object.entries(f.messagesByKind)) {
      m.messagesExecuted.inc({ kind }, n);
      ran += n;
    }
    if (f.ingressInducted > 0) m.ingressInducted.inc(f.ingressInducted);
    const paused = f.pausedExecutions ?? 0;
    m.pausedExecutions.set(paused);
    const pooled = this.#pooled();
    m.ingressPool.set(pooled);
    m.height.set(Number(state.metadata.height));
    m.canisters.set(state.canisterCount);
    const busy = ran > 0 || f.executions > 0;
    let burned = 0n;
    const sampling = now - this.#lastSampleMs >= this.#intervalMs;
    if (busy || sampling) {
      this.#refresh(state);
      burned = this.#burned(state);
    }
    if (sampling) this.#sample(state, now);
    const sample: RoundSample = {
      height: state.metadata.height, endedAtMs: now, durationMs, instructions: f.instructions, executions: f.executions,
      messagesByKind: f.messagesByKind, ingressInducted: f.ingressInducted, queuedMessages: pooled + this.#queued,
      pausedExecutions: paused, cyclesBurned: burned,
    };
    this.#rounds.push(sample);
    for (const l of this.#listeners) {
      try {
        l(sample);
      } catch (e) {
        this.#logger?.error({ err: e }, 'a round listener failed');
      }
    }
  }

  /** An HTTP request answered: `endpoint` a route template (see `endpointOf`), `status` the HTTP status. */
  recordHttp(endpoint: string, status: number): void {
    this.metrics.httpRequests.inc({ endpoint, status: String(status) });
  }

  /** A checkpoint written in `durationMs` (at `height`, when known). */
  recordCheckpoint(durationMs: number, height?: bigint): void {
    this.metrics.checkpointDuration.observe(durationMs / 1000);
    this.#logger?.info({ ...(height === undefined ? {} : { height: Number(height) }), durationMs: Math.round(durationMs * 10) / 10 }, 'checkpoint written');
  }

  /** The newest `limit` rounds (all kept by default), oldest first. */
  recentRounds(limit?: number): readonly RoundSample[] {
    return this.#rounds.toArray(limit);
  }

  /** The canister's samples, oldest first (empty for a canister never sampled). */
  canisterSeries(id: CanisterId): readonly CanisterSample[] {
    return this.#series.get(keyOf(id))?.toArray() ?? [];
  }

  /** Calls `listener` after every recorded round; returns the unsubscribe function. */
  onRound(listener: (s: RoundSample) => void): () => void {
    const l = (s: RoundSample): void => listener(s);
    this.#listeners.add(l);
    return () => { this.#listeners.delete(l); };
  }

  /**
   * The `onCheckpoint` option of `Replica.create` (a `DurabilityOptions`
   * field): checkpoint durations measured on the process's monotonic clock.
   */
  readonly checkpointObserver = {
    now: monotonicMs,
    written: (summary: { readonly height: bigint }, durationMs: number): void => this.recordCheckpoint(durationMs, summary.height),
  };

  /**
   * The server options (`ServeOptions` of src/http) that feed this
   * telemetry from a served `replica`: `onRound`, `onRequest` (counted, and
   * logged at debug level) and `extension` — `/metrics` first, then
   * `extensions` in order (the dashboard's, say).
   */
  serveOptions(replica: { readonly committedState: ReplicatedState; readonly pooledIngress: number }, extensions: readonly (HttpExtension | undefined)[] = []): {
    onRound(summary: unknown, durationMs: number): void;
    onRequest(method: string, pathname: string, status: number, durationMs: number): void;
    extension: HttpExtension;
  } {
    this.#pooled = () => replica.pooledIngress;
    const logger = this.#logger;
    return {
      onRound: (summary, durationMs) => this.recordRound(summary, durationMs, replica.committedState),
      onRequest: (method, pathname, status, durationMs) => {
        this.recordHttp(endpointOf(pathname), status);
        logger?.debug({ method, path: pathname, status, ms: Math.round(durationMs * 10) / 10 }, 'http request');
      },
      extension: composeExtensions(this.extension, ...extensions),
    };
  }

  /** The metrics in Prometheus' text format. */
  metricsText(): Promise<string> {
    return this.registry.metrics();
  }

  /** Reads the canisters that changed: new log records written, consumed cycles updated, series of deleted canisters dropped. */
  #refresh(state: ReplicatedState): void {
    const logs = this.#logs;
    this.#watch.refresh(state, logs === undefined ? undefined : (c, key) => logs.follow(c, key), (key) => {
      logs?.forget(key);
      this.#series.delete(key);
    });
  }

  /** `consumed_cycles_total` of the subnet (after {@link #refresh}). */
  #consumedTotal(state: ReplicatedState): bigint {
    return state.metadata.subnetMetrics.ownConsumedCyclesTotal + this.#watch.consumedSum;
  }

  /** Cycles consumed since the last figure (0 the first time, and when refunds made the total go down). */
  #burned(state: ReplicatedState): bigint {
    const total = this.#consumedTotal(state);
    const before = this.#consumed;
    this.#consumed = total;
    if (before === undefined || total <= before) return 0n;
    this.metrics.cyclesBurned.inc(Number(total - before));
    return total - before;
  }

  /** The sample (at most once per interval, after {@link #refresh}): queues, cycles by use case, series. */
  #sample(state: ReplicatedState, now: number): void {
    this.#lastSampleMs = now;
    const m = this.metrics;
    const height = state.metadata.height;
    let input = 0;
    const byUseCase = new Map<string, bigint>();
    for (const c of state.canisters()) {
      const f = this.#watch.sampled(c);
      input += f.input;
      for (const [useCase, amount] of f.byUseCase) byUseCase.set(useCase, (byUseCase.get(useCase) ?? 0n) + amount);
      let series = this.#series.get(f.key);
      if (series === undefined) this.#series.set(f.key, series = new Ring(this.#seriesLength));
      series.push({ atMs: now, height, cycles: c.systemState.balance, memoryBytes: f.memoryBytes });
    }
    addSubnetConsumed(byUseCase, state.metadata.subnetMetrics);
    const subnet = inputMessages(state.subnetQueues);
    m.canisterInputQueues.set(input);
    m.subnetQueue.set(subnet);
    this.#queued = input + subnet;
    for (const [useCase, amount] of byUseCase) m.cyclesConsumed.set({ use_case: useCase }, Number(amount));
  }
}
