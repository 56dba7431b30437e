/**
 * `GET /_/api/events`: Server-Sent Events for the live pages.
 *
 *     event: round       a RoundSample (JSON) after a round, at most one per
 *                        `minRoundIntervalMs` (100 ms: ≤ 10/s); rounds in
 *                        between are skipped but the newest is always sent
 *     event: canisters   { height, canisters } as GET /_/api/canisters, when a
 *                        client connects and whenever the set of canisters or
 *                        one's status, module or controllers changed
 *
 * The hub watches the replica only while some client listens: it
 * subscribes to the telemetry's rounds and looks at the committed state
 * every `watchIntervalMs` (only when the height moved). A comment line
 * every 15 s keeps idle connections open; `retry: 1000` asks browsers to
 * reconnect after a second when the replica went away.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { moduleHashOf } from '../management/index.ts';
import type { DashboardReplica, DashboardTelemetry, RoundSample } from './types.ts';
import { canisterSummary, toJson } from './views.ts';

export interface EventHubOptions {
  readonly replica: DashboardReplica;
  readonly telemetry: DashboardTelemetry | undefined;
  readonly nowMs: () => number;
  /** Shortest time between two `round` events, ms. Default 100. */
  readonly minRoundIntervalMs?: number;
  /** How often the canisters are looked at for changes, ms. Default 250. */
  readonly watchIntervalMs?: number;
}

const KEEP_ALIVE_MS = 15_000;

/** What a `canisters` event reports a change of: the ids, statuses, modules and controllers (cheap: no memory figures). */
function canistersSignature(replica: DashboardReplica): string {
  return replica.committedState.canisters().map((c) => {
    const hash = moduleHashOf(c);
    const s = c.systemState;
    return `${c.canisterId.toText()} ${s.status.kind} ${hash.length === 0 ? '-' : Buffer.from(hash[0]).toString('hex')} ${s.controllers.map((p) => p.toText()).join(',')}`;
  }).join('\n');
}

/** The `canisters` event's data: GET /_/api/canisters's body. */
function canistersPayload(replica: DashboardReplica): string {
  return toJson({ height: replica.height.toString(), canisters: replica.committedState.canisters().map(canisterSummary) });
}

/** The clients of `/_/api/events` and what feeds them (see the module header). */
export class EventHub {
  readonly #opts: EventHubOptions;
  readonly #minRoundMs: number;
  readonly #clients = new Set<ServerResponse>();
  #unsubscribe: (() => void) | undefined;
  #watch: ReturnType<typeof setInterval> | undefined;
  #keepAlive: ReturnType<typeof setInterval> | undefined;
  #lastRoundAt = Number.NEGATIVE_INFINITY;
  #pendingRound: RoundSample | undefined;
  #roundTimer: ReturnType<typeof setTimeout> | undefined;
  #seenHeight = -1n;
  #signature = '';

  constructor(opts: EventHubOptions) {
    this.#opts = opts;
    this.#minRoundMs = opts.minRoundIntervalMs ?? 100;
  }

  /** Clients connected now. */
  get clients(): number { return this.#clients.size; }

  /** Answers `req` with an event stream and keeps it until the client leaves. */
  attach(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    res.on('error', () => undefined);
    res.write(`retry: 1000\n\nevent: canisters\ndata: ${canistersPayload(this.#opts.replica)}\n\n`);
    this.#clients.add(res);
    res.on('close', () => this.#detach(res));
    if (this.#clients.size === 1) this.#startWatching();
  }

  /** Ends every stream and stops watching. */
  close(): void {
    for (const res of [...this.#clients]) res.end();
    this.#clients.clear();
    this.#stopWatching();
  }

  #detach(res: ServerResponse): void {
    this.#clients.delete(res);
    if (this.#clients.size === 0) this.#stopWatching();
  }

  #broadcast(event: string, data: string): void {
    const text = `event: ${event}\ndata: ${data}\n\n`;
    for (const res of this.#clients) if (!res.destroyed) res.write(text);
  }

  #startWatching(): void {
    this.#signature = canistersSignature(this.#opts.replica);
    this.#seenHeight = this.#opts.replica.height;
    this.#unsubscribe = this.#opts.telemetry?.onRound((s) => this.#onRound(s));
    this.#watch = setInterval(() => this.#checkCanisters(), this.#opts.watchIntervalMs ?? 250);
    this.#keepAlive = setInterval(() => {
      for (const res of this.#clients) if (!res.destroyed) res.write(': keep-alive\n\n');
    }, KEEP_ALIVE_MS);
    this.#watch.unref();
    this.#keepAlive.unref();
  }

  #stopWatching(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    clearInterval(this.#watch);
    clearInterval(this.#keepAlive);
    clearTimeout(this.#roundTimer);
    this.#watch = this.#keepAlive = this.#roundTimer = undefined;
    this.#pendingRound = undefined;
  }

  #onRound(sample: RoundSample): void {
    this.#pendingRound = sample;
    if (this.#roundTimer !== undefined) return;
    const wait = this.#lastRoundAt + this.#minRoundMs - this.#opts.nowMs();
    if (wait <= 0) {
      this.#flushRound();
      return;
    }
    this.#roundTimer = setTimeout(() => {
      this.#roundTimer = undefined;
      this.#flushRound();
    }, wait);
    this.#roundTimer.unref();
  }

  #flushRound(): void {
    const sample = this.#pendingRound;
    if (sample === undefined) return;
    this.#pendingRound = undefined;
    this.#lastRoundAt = this.#opts.nowMs();
    this.#broadcast('round', toJson(sample));
  }

  #checkCanisters(): void {
    const replica = this.#opts.replica;
    if (replica.height === this.#seenHeight) return;
    this.#seenHeight = replica.height;
    const signature = canistersSignature(replica);
    if (signature === this.#signature) return;
    this.#signature = signature;
    this.#broadcast('canisters', canistersPayload(replica));
  }
}
