/**
 * The dashboard of a served replica, mounted on the HTTP server's
 * `extension` hook (src/http `ServeOptions.extension`):
 *
 *     /_/dashboard                   the subnet at a glance (the page: assets/dashboard.html)
 *     /_/dashboard/canister/<id>     one canister (the same page; the script picks the view)
 *     /_/dashboard/assets/<file>     its style sheet and ES modules (assets.ts)
 *     /_/api/…                       the JSON API (api.ts) and /_/api/events (events.ts)
 *
 * Anything else is left to the next extension or the IC routes (`false`).
 * The dashboard only reads: the last committed state and the telemetry.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { apiAnswer } from './api.ts';
import type { ApiContext } from './api.ts';
import { asset } from './assets.ts';
import { EventHub } from './events.ts';
import type { DashboardReplica, DashboardTelemetry } from './types.ts';

/** Options of {@link Dashboard}. */
export interface DashboardOptions {
  readonly replica: DashboardReplica;
  /** Rounds, canister series and live round events; without it the API has none of them. */
  readonly telemetry?: DashboardTelemetry;
  /** Where the replica keeps its state (`null`: in memory). */
  readonly dataDir?: string | null;
  /** When the replica started (wall clock, ms since the epoch); default: now. */
  readonly startedAtMs?: number;
  /** The wall clock, ms since the epoch. Default `Date.now`. */
  readonly nowMs?: () => number;
}

/** The path of the dashboard's first page. */
export const DASHBOARD_PATH = '/_/dashboard';

/** A replica's dashboard (see the module header). */
export class Dashboard {
  readonly #ctx: ApiContext;
  readonly #events: EventHub;

  constructor(opts: DashboardOptions) {
    const nowMs = opts.nowMs ?? Date.now;
    this.#ctx = {
      replica: opts.replica, telemetry: opts.telemetry, dataDir: opts.dataDir ?? null,
      startedAtMs: opts.startedAtMs ?? nowMs(), nowMs,
    };
    this.#events = new EventHub({ replica: opts.replica, telemetry: opts.telemetry, nowMs });
  }

  /** The server's `extension` hook: answers the dashboard's paths, `false` for any other. */
  readonly extension = (req: IncomingMessage, res: ServerResponse, pathname: string): boolean => {
    if (pathname === '/_/api/events') {
      this.#events.attach(req, res);
      return true;
    }
    if (pathname.startsWith('/_/api/')) {
      const search = new URL(req.url ?? '/', 'http://localhost').searchParams;
      const a = apiAnswer(this.#ctx, pathname, search);
      send(req, res, a.status, 'application/json; charset=utf-8', Buffer.from(a.body), 'no-store');
      return true;
    }
    if (pathname === DASHBOARD_PATH || pathname === `${DASHBOARD_PATH}/` || pathname.startsWith(`${DASHBOARD_PATH}/canister/`)) {
      const page = asset('dashboard.html');
      if (page === undefined) return false;
      send(req, res, 200, page.contentType, page.body, 'no-cache');
      return true;
    }
    if (pathname.startsWith(`${DASHBOARD_PATH}/assets/`)) {
      const a = asset(pathname.slice(`${DASHBOARD_PATH}/assets/`.length));
      if (a === undefined) send(req, res, 404, 'text/plain; charset=utf-8', Buffer.from('Not found\n'), 'no-store');
      else send(req, res, 200, a.contentType, a.body, 'no-cache');
      return true;
    }
    return false;
  };

  /** Clients listening to `/_/api/events` now. */
  get eventClients(): number { return this.#events.clients; }

  /** Ends the event streams (before the server closes). */
  close(): void {
    this.#events.close();
  }
}

function send(req: IncomingMessage, res: ServerResponse, status: number, contentType: string, body: Buffer, cache: string): void {
  res.on('error', () => undefined);
  res.writeHead(status, { 'content-type': contentType, 'content-length': body.length, 'cache-control': cache });
  res.end(req.method === 'HEAD' ? undefined : body);
}
