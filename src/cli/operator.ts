/**
 * The replica's operator JSON API (`/_/api/…`, src/dashboard) and its
 * `/api/v2/status`, as the `canisters`, `logs` and `status` commands read
 * them (the API's JSON shapes are src/dashboard's, as types only). Big
 * numbers arrive as decimal strings and stay strings.
 */
import { replicaFetch } from './client.ts';
import type { CliError } from './output.ts';

export type Fetched<T> = { ok: true; value: T } | { ok: false; error: CliError };

export type { CanisterList, CanisterSummary, LogRecordView, LogRecords, StatusView } from '../dashboard/index.ts';

/** GET an operator API path; its JSON error (`{ error, code? }`) becomes the CLI error. */
export async function operatorGet<T>(url: string, path: string): Promise<Fetched<T>> {
  const fetched = await replicaFetch(url, path);
  if (!fetched.ok) return fetched;
  const res = fetched.response;
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (res.status === 200 && body !== undefined) return { ok: true, value: body as T };
  const e = body as { error?: unknown; code?: unknown } | undefined;
  if (typeof e?.error === 'string') return { ok: false, error: { code: typeof e.code === 'string' ? e.code : null, message: e.error } };
  if (res.status === 404) return { ok: false, error: { code: null, message: `${url} has no operator API (GET ${path} answered 404): is it an ic-exec replica?` } };
  return { ok: false, error: { code: null, message: `GET ${path} answered HTTP ${res.status}${text === '' ? '' : `: ${text.slice(0, 200)}`}` } };
}

/** `GET /api/v2/status` (CBOR): the replica's health and root key. */
export interface ReplicaHealth {
  readonly status: string | null;
  readonly rootKey: string | null;
  readonly implVersion: string | null;
  readonly icApiVersion: string | null;
  readonly certifiedHeight: string | null;
}

export async function replicaHealth(url: string): Promise<Fetched<ReplicaHealth>> {
  const fetched = await replicaFetch(url, '/api/v2/status');
  if (!fetched.ok) return fetched;
  const bytes = new Uint8Array(await fetched.response.arrayBuffer());
  if (fetched.response.status !== 200) return { ok: false, error: { code: null, message: `${url} is not an IC replica: GET /api/v2/status answered HTTP ${fetched.response.status}` } };
  const { decode } = await import('@dfinity/cbor');
  let map: Record<string, unknown>;
  try {
    map = decode(bytes) as Record<string, unknown>;
  } catch (e) {
    return { ok: false, error: { code: null, message: `GET /api/v2/status is not CBOR: ${(e as Error).message}` } };
  }
  const str = (v: unknown): string | null => (typeof v === 'string' ? v : typeof v === 'bigint' || typeof v === 'number' ? String(v) : null);
  const key = map.root_key;
  return {
    ok: true,
    value: {
      status: str(map.replica_health_status),
      rootKey: key instanceof Uint8Array ? Buffer.from(key).toString('hex') : null,
      implVersion: str(map.impl_version),
      icApiVersion: str(map.ic_api_version),
      certifiedHeight: str(map.certified_height),
    },
  };
}
