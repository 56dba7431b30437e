/**
 * The telemetry's side of the HTTP server: `/metrics` as a server
 * extension (`ServeOptions.extension`), several extensions tried in turn,
 * and the endpoint label of a request (its route template, so the label's
 * values stay few whatever ids clients use).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** A server extension (`ServeOptions.extension`): `true` when it answered. */
export type HttpExtension = (req: IncomingMessage, res: ServerResponse, pathname: string) => boolean | Promise<boolean>;

/** Tries `extensions` in order; the first that answers wins. */
export function composeExtensions(...extensions: readonly (HttpExtension | undefined)[]): HttpExtension {
  const list = extensions.filter((e): e is HttpExtension => e !== undefined);
  return async (req, res, pathname) => {
    for (const e of list) if (await e(req, res, pathname)) return true;
    return false;
  };
}

/** The content type of Prometheus' text format 0.0.4. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** An extension answering `GET /metrics` with `metricsText()`. */
export function metricsExtension(source: { metricsText(): Promise<string> }): HttpExtension {
  return async (req, res, pathname) => {
    if (pathname !== '/metrics') return false;
    const body = Buffer.from(await source.metricsText());
    res.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE, 'content-length': body.length, 'cache-control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  };
}

const ROUTES: readonly (readonly [RegExp, string])[] = [
  [/^\/api\/v2\/status$/, '/api/v2/status'],
  [/^\/api\/(v[234])\/canister\/[^/]+\/call$/, '/api/$1/canister/:id/call'],
  [/^\/api\/(v[234])\/subnet\/[^/]+\/call$/, '/api/$1/subnet/:id/call'],
  [/^\/api\/(v[23])\/canister\/[^/]+\/query$/, '/api/$1/canister/:id/query'],
  [/^\/api\/(v[23])\/subnet\/[^/]+\/query$/, '/api/$1/subnet/:id/query'],
  [/^\/api\/(v[23])\/canister\/[^/]+\/read_state$/, '/api/$1/canister/:id/read_state'],
  [/^\/api\/(v[23])\/subnet\/[^/]+\/read_state$/, '/api/$1/subnet/:id/read_state'],
  [/^\/metrics$/, '/metrics'],
  [/^\/_\/dashboard(\/.*)?$/, '/_/dashboard'],
  [/^\/_\/.*$/, '/_/*'],
];

/** The route template of `pathname` (`/api/v3/canister/:id/call`), `other` for anything else. */
export function endpointOf(pathname: string): string {
  for (const [re, template] of ROUTES) {
    const m = re.exec(pathname);
    if (m !== null) return template.replace('$1', m[1] ?? '');
  }
  return 'other';
}
