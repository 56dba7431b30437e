/**
 * The dashboard's JSON API (all `GET`, answers `application/json`):
 *
 *     /_/api/status                       the subnet at a glance (views.ts `StatusView`)
 *     /_/api/canisters                    { height, canisters: [CanisterSummary] } in canister-id order
 *     /_/api/canisters/<id>               CanisterSummary + settings + series
 *     /_/api/canisters/<id>/logs?limit=N  { records: [{ idx, timestampNanos, content }] } (newest N, oldest first)
 *     /_/api/rounds?limit=N               { rounds: [RoundSample] } (newest N, oldest first)
 *
 * Errors are JSON too, `{ "error": "<sentence>" }` (and `"code": "IC0301"`
 * for a canister that does not exist): 404 for an unknown path, an unknown
 * or malformed canister id, 400 for a bad `limit`. Server-Sent Events
 * (`/_/api/events`) are events.ts.
 */
import type { CanisterState } from '../state/index.ts';
import { CanisterId } from '../types/index.ts';
import type { DashboardReplica, DashboardTelemetry } from './types.ts';
import { canisterDetail, canisterSummary, logRecords, statusView, toJson } from './views.ts';

/** What the API reads. */
export interface ApiContext {
  readonly replica: DashboardReplica;
  readonly telemetry: DashboardTelemetry | undefined;
  readonly startedAtMs: number;
  readonly dataDir: string | null;
  nowMs(): number;
}

/** An answer: status and JSON text. */
export interface JsonAnswer {
  readonly status: number;
  readonly body: string;
}

export const DEFAULT_LOG_LIMIT = 100;
export const MAX_LOG_LIMIT = 10_000;
export const DEFAULT_ROUND_LIMIT = 300;
export const MAX_ROUND_LIMIT = 10_000;

function ok(value: unknown): JsonAnswer {
  return { status: 200, body: toJson(value) };
}

function error(status: number, message: string, code?: string): JsonAnswer {
  return { status, body: toJson(code === undefined ? { error: message } : { error: message, code }) };
}

/** `limit` of a query string: the default when absent, an error text when not an integer in [1, max]. */
export function parseLimit(search: URLSearchParams, fallback: number, max: number): number | string {
  const text = search.get('limit');
  if (text === null) return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > max) return `limit must be an integer from 1 to ${max}, got ${JSON.stringify(text)}`;
  return n;
}

/** The canister named in a path, or the 404 answer. */
function namedCanister(ctx: ApiContext, raw: string): { canister: CanisterState } | JsonAnswer {
  let id: CanisterId;
  let text = raw;
  try {
    text = decodeURIComponent(raw);
    id = CanisterId.fromText(text);
  } catch (e) {
    return error(404, `${JSON.stringify(text)} is not a canister id: ${(e as Error).message}`);
  }
  const canister = ctx.replica.committedState.canister(id);
  if (canister === undefined) return error(404, `Canister ${id.toText()} not found`, 'IC0301');
  return { canister };
}

/** The answer to an API path (under `/_/api/`, but `/_/api/events`). */
export function apiAnswer(ctx: ApiContext, pathname: string, search: URLSearchParams): JsonAnswer {
  const parts = pathname.slice('/_/api/'.length).split('/');
  if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  const [head, id, sub] = parts;
  if (head === 'status' && parts.length === 1) {
    return ok(statusView(ctx.replica, ctx.telemetry, ctx.nowMs(), ctx.startedAtMs, ctx.dataDir));
  }
  if (head === 'rounds' && parts.length === 1) {
    const limit = parseLimit(search, DEFAULT_ROUND_LIMIT, MAX_ROUND_LIMIT);
    if (typeof limit === 'string') return error(400, limit);
    return ok({ rounds: ctx.telemetry?.recentRounds(limit) ?? [] });
  }
  if (head === 'canisters') {
    if (parts.length === 1) {
      const state = ctx.replica.committedState;
      return ok({ height: ctx.replica.height.toString(), canisters: state.canisters().map(canisterSummary) });
    }
    const named = namedCanister(ctx, id);
    if (!('canister' in named)) return named;
    if (parts.length === 2) return ok(canisterDetail(named.canister, ctx.telemetry));
    if (parts.length === 3 && sub === 'logs') {
      const limit = parseLimit(search, DEFAULT_LOG_LIMIT, MAX_LOG_LIMIT);
      if (typeof limit === 'string') return error(400, limit);
      return ok(logRecords(named.canister, limit));
    }
  }
  return error(404, `No such API endpoint: ${pathname}`);
}
