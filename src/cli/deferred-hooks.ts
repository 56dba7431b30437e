/**
 * The served replica's observer hooks before the observer exists. `npm
 * start` binds its port first and loads its observability after (prom-client
 * with @opentelemetry/api, pino and the dashboard: ~110 modules, a fifth of
 * a start's CPU), so the server takes these forwarders: rounds and requests
 * seen meanwhile are kept (the first {@link MAX_KEPT}) and handed over on
 * {@link DeferredHooks.attach}; a `/metrics` or dashboard request waits for it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** What the server's `onRound`, `onRequest` and `extension` options forward to (`Telemetry.serveOptions`). */
export interface ServeHooks {
  onRound(summary: unknown, durationMs: number): void;
  onRequest(method: string, pathname: string, status: number, durationMs: number): void;
  extension(req: IncomingMessage, res: ServerResponse, pathname: string): boolean | Promise<boolean>;
}

/** Events kept before the observer is attached, at most (of each kind). */
export const MAX_KEPT = 1_000;

export class DeferredHooks implements ServeHooks {
  #target: ServeHooks | undefined;
  #rounds: [unknown, number][] = [];
  #requests: [string, string, number, number][] = [];
  readonly #attached: Promise<ServeHooks | undefined>;
  #settle: (hooks: ServeHooks | undefined) => void = () => undefined;

  constructor() {
    this.#attached = new Promise((resolve) => { this.#settle = resolve; });
  }

  readonly onRound = (summary: unknown, durationMs: number): void => {
    if (this.#target !== undefined) this.#target.onRound(summary, durationMs);
    else if (this.#rounds.length < MAX_KEPT) this.#rounds.push([summary, durationMs]);
  };

  readonly onRequest = (method: string, pathname: string, status: number, durationMs: number): void => {
    if (this.#target !== undefined) this.#target.onRequest(method, pathname, status, durationMs);
    else if (this.#requests.length < MAX_KEPT) this.#requests.push([method, pathname, status, durationMs]);
  };

  readonly extension = async (req: IncomingMessage, res: ServerResponse, pathname: string): Promise<boolean> => {
    const target = this.#target ?? await this.#attached;
    return target === undefined ? false : target.extension(req, res, pathname);
  };

  /** Hands over what was kept, then forwards everything to `hooks`. */
  attach(hooks: ServeHooks): void {
    if (this.#target !== undefined) throw new Error('attached already');
    for (const [s, ms] of this.#rounds) hooks.onRound(s, ms);
    for (const [m, p, s, ms] of this.#requests) hooks.onRequest(m, p, s, ms);
    this.#rounds = [];
    this.#requests = [];
    this.#target = hooks;
    this.#settle(hooks);
  }

  /** No observer will come (it failed to load): waiting extension requests fall through to the IC routes (404). */
  abandon(): void {
    this.#rounds = [];
    this.#requests = [];
    this.#settle(undefined);
  }
}
