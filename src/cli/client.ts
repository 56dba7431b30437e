/**
 * The client side of the commands that talk to a replica: an
 * `@icp-sdk/core` agent on `--url` as `--identity` (the local replica's
 * root key read from its status), a check that a replica answers there at all, and the
 * agent's errors turned into the sentences and IC codes the commands print.
 */
import type { HttpAgent, Identity } from '@icp-sdk/core/agent';
import type { GlobalOptions } from './command.ts';
import { DEFAULT_URL } from './globals.ts';
import { loadIdentity } from './identity.ts';
import type { CliError } from './output.ts';

export interface Client {
  readonly url: string;
  readonly agent: HttpAgent;
  readonly identity: Identity;
}

export type ClientResult = { ok: true; client: Client } | { ok: false; error: CliError };

/** The replica's `/api/v2/status` could not be fetched. */
export function noReplica(url: string, cause: unknown): CliError {
  const reason = errorText(cause);
  const port = url === DEFAULT_URL ? '' : ` --port ${new URL(url).port || 80}`;
  return { code: null, message: `no replica at ${url}${reason === '' ? '' : ` (${reason})`}: start one with \`ic-exec start${port}\`` };
}

/** GET `path` on the replica: the response, or the "no replica" error when nothing answers. */
export async function replicaFetch(url: string, path: string): Promise<{ ok: true; response: Response } | { ok: false; error: CliError }> {
  try {
    return { ok: true, response: await fetch(`${url}${path}`, { signal: AbortSignal.timeout(10_000) }) };
  } catch (e) {
    return { ok: false, error: noReplica(url, e) };
  }
}

/** Whether a replica answers at `url`: its root key (from `/api/v2/status`, as `fetchRootKey` reads it), else the error to print. */
export async function checkReplica(url: string): Promise<{ ok: true; rootKey: Uint8Array } | { ok: false; error: CliError }> {
  const status = await replicaFetch(url, '/api/v2/status');
  if (!status.ok) return status;
  const body = new Uint8Array(await status.response.arrayBuffer().catch(() => new ArrayBuffer(0)));
  const notReplica = (why: string): { ok: false; error: CliError } => ({ ok: false, error: { code: null, message: `${url} is not an IC replica: GET /api/v2/status ${why}` } });
  if (status.response.status !== 200) return notReplica(`answered HTTP ${status.response.status}`);
  const { decode } = await import('@dfinity/cbor');
  try {
    const rootKey = (decode(body) as { root_key?: unknown }).root_key;
    return rootKey instanceof Uint8Array ? { ok: true, rootKey } : notReplica('has no root key');
  } catch {
    return notReplica('is not CBOR');
  }
}

/** An agent on the replica at `globals.url`, as `globals.identity`, with its root key fetched. */
export async function connect(globals: GlobalOptions | undefined): Promise<ClientResult> {
  const url = globals?.url ?? DEFAULT_URL;
  let identity: Identity;
  if (globals?.identity === undefined) {
    const { AnonymousIdentity } = await import('@icp-sdk/core/agent');
    identity = new AnonymousIdentity();
  } else {
    const loaded = await loadIdentity(globals.identity);
    if (!loaded.ok) return loaded;
    identity = loaded.identity;
  }
  const reachable = await checkReplica(url);
  if (!reachable.ok) return reachable;
  const { HttpAgent } = await import('@icp-sdk/core/agent');
  try {
    // The local replica's root key, read with the check above (one request fewer than fetchRootKey).
    // Retries are safe: a repeated call has the same request id, answered from the ingress history.
    const agent = await HttpAgent.create({ host: url, identity, rootKey: reachable.rootKey, retryTimes: 2 });
    return { ok: true, client: { url, agent, identity } };
  } catch (e) {
    return { ok: false, error: describeError(e, url) };
  }
}

/** An agent like `client`'s that does not check query signatures. */
export async function uncheckedAgent(client: Client): Promise<HttpAgent> {
  const { HttpAgent } = await import('@icp-sdk/core/agent');
  return HttpAgent.create({ host: client.url, identity: client.identity, rootKey: client.agent.rootKey ?? undefined, retryTimes: 2, verifyQuerySignatures: false });
}

const REJECT_CODES: Readonly<Record<number, string>> = {
  1: 'SYS_FATAL', 2: 'SYS_TRANSIENT', 3: 'DESTINATION_INVALID', 4: 'CANISTER_REJECT', 5: 'CANISTER_ERROR', 6: 'SYS_UNKNOWN',
};

/** `reject code 4 (CANISTER_REJECT)`. */
export function rejectCodeText(code: number): string {
  return `reject code ${code}${REJECT_CODES[code] === undefined ? '' : ` (${REJECT_CODES[code]})`}`;
}

/** A reject the agent reported, if `e` is one. */
export function rejectOf(e: unknown): { rejectCode: number; rejectMessage: string; errorCode: string | null } | undefined {
  const code = (e as { cause?: { code?: { rejectCode?: unknown; rejectMessage?: unknown; rejectErrorCode?: unknown } } })?.cause?.code;
  if (code === undefined || typeof code.rejectCode !== 'number' && typeof code.rejectCode !== 'bigint') return undefined;
  return {
    rejectCode: Number(code.rejectCode),
    rejectMessage: String(code.rejectMessage ?? ''),
    errorCode: typeof code.rejectErrorCode === 'string' && code.rejectErrorCode !== '' ? code.rejectErrorCode : null,
  };
}

function errorText(e: unknown): string {
  const err = e as { message?: unknown; cause?: unknown; code?: unknown };
  const cause = err?.cause as { code?: unknown; message?: unknown } | undefined;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof err?.code === 'string') return err.code;
  if (typeof cause?.message === 'string') return cause.message;
  return typeof err?.message === 'string' ? err.message : '';
}

/** The agent's error `e` as a sentence and the IC's error code. */
export function describeError(e: unknown, url: string): CliError {
  const reject = rejectOf(e);
  if (reject !== undefined) {
    return { code: reject.errorCode, message: `${rejectCodeText(reject.rejectCode)}${reject.errorCode === null ? '' : `, ${reject.errorCode}`}: ${reject.rejectMessage}` };
  }
  const code = (e as { cause?: { code?: { constructor?: { name?: string }; status?: number; bodyText?: string; error?: unknown } } })?.cause?.code;
  const name = code?.constructor?.name;
  if (name === 'HttpFetchErrorCode') return noReplica(url, code?.error);
  if (name === 'HttpErrorCode') {
    const body = (code?.bodyText ?? '').trim();
    return { code: /\bIC\d{4}\b/.exec(body)?.[0] ?? null, message: `the replica answered HTTP ${code?.status}${body === '' ? '' : `: ${body}`}` };
  }
  const message = (e as Error)?.message ?? String(e);
  return { code: /\bIC\d{4}\b/.exec(message)?.[0] ?? null, message };
}
