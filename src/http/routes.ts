/**
 * The endpoints of the IC HTTP interface (http_interface.md §1), as a
 * route parsed from the method and path:
 *
 *     GET  /api/v2/status
 *     POST /api/v2/canister/<ecid>/call          asynchronous (202)
 *     POST /api/v3/canister/<ecid>/call          synchronous (certificate, or 202 after the wait)
 *     POST /api/v4/canister/<ecid>/call          synchronous
 *     POST /api/v4/subnet/<esid>/call            synchronous, management calls aimed at a subnet
 *     POST /api/v2/canister/<ecid>/query         (v3 the same)
 *     POST /api/v3/subnet/<esid>/query           management queries aimed at a subnet
 *     POST /api/v2/canister/<ecid>/read_state    (v3 the same)
 *     POST /api/v2/subnet/<esid>/read_state      (v3 the same)
 *
 * Anything else is `404` (the clients read a 404 on `/api/v3|v4/.../call`
 * as "endpoint not supported" and fall back to v2, so a known endpoint
 * never answers 404 for a semantic error); a known path with another
 * method is `405`; an id in the path that is not a canonical principal is
 * `400`. `OPTIONS` is a CORS preflight.
 */
import { CanisterId, SubnetId } from '../types/index.ts';
import type { Answer } from './answer.ts';
import { textAnswer } from './answer.ts';

export type Endpoint = 'call' | 'query' | 'read_state';
export type ApiVersion = 2 | 3 | 4;

/** The effective canister or subnet of a request's URL. */
export type Target =
  | { readonly kind: 'canister'; readonly id: CanisterId }
  | { readonly kind: 'subnet'; readonly id: SubnetId };

export type Route =
  | { readonly kind: 'status' }
  | { readonly kind: 'preflight' }
  | { readonly kind: Endpoint; readonly version: ApiVersion; readonly target: Target };

export type RouteResult = { readonly ok: true; readonly route: Route } | { readonly ok: false; readonly answer: Answer };

/** The endpoint families each version serves, by target kind. */
const ENDPOINTS: Readonly<Record<string, readonly ApiVersion[]>> = {
  'canister/call': [2, 3, 4],
  'subnet/call': [4],
  'canister/query': [2, 3],
  'subnet/query': [3],
  'canister/read_state': [2, 3],
  'subnet/read_state': [2, 3],
};

const PATH = /^\/api\/v(\d+)\/(canister|subnet)\/([^/]*)\/(call|query|read_state)$/;

const notFound = (): RouteResult => ({ ok: false, answer: textAnswer(404, 'Not Found') });
const methodNotAllowed = (): RouteResult => ({ ok: false, answer: textAnswer(405, 'Method Not Allowed') });

function parseTarget(kind: 'canister' | 'subnet', text: string): Target | string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(text);
  } catch {
    decoded = text;
  }
  try {
    return kind === 'canister' ? { kind, id: CanisterId.fromText(decoded) } : { kind, id: SubnetId.fromText(decoded) };
  } catch (e) {
    const what = kind === 'canister' ? 'effective canister id' : 'effective subnet id';
    return `Invalid ${what} in URL: ${JSON.stringify(decoded.slice(0, 100))} (${(e as Error).message.slice(0, 200)})`;
  }
}

/** The route of `method` and `pathname` (the URL's path, no query string). */
export function parseRoute(method: string, pathname: string): RouteResult {
  if (pathname === '/api/v2/status') {
    if (method === 'GET' || method === 'HEAD') return { ok: true, route: { kind: 'status' } };
    if (method === 'OPTIONS') return { ok: true, route: { kind: 'preflight' } };
    return methodNotAllowed();
  }
  const m = PATH.exec(pathname);
  if (m === null) return notFound();
  const version = Number(m[1]);
  const kind = m[2] as 'canister' | 'subnet';
  const endpoint = m[4] as Endpoint;
  if (!(ENDPOINTS[`${kind}/${endpoint}`] ?? []).includes(version as ApiVersion)) return notFound();
  if (method === 'OPTIONS') return { ok: true, route: { kind: 'preflight' } };
  if (method !== 'POST') return methodNotAllowed();
  const target = parseTarget(kind, m[3]);
  if (typeof target === 'string') return { ok: false, answer: textAnswer(400, target) };
  return { ok: true, route: { kind: endpoint, version: version as ApiVersion, target } };
}
