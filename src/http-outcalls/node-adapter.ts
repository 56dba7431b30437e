/**
 * The real adapter: HTTPS outcalls through `node:https` (the replica's
 * `ic-https-outcalls-adapter`, rs/https_outcalls/adapter/src/rpc_server.rs
 * and config.rs). The one place of ic-exec's core where the network is
 * reached; it lives beside the deterministic pool because it is the pool's
 * boundary, and eslint allows it timers (its timeouts) and the event-loop
 * yield of `poll()`: what it answers enters the state only through a batch.
 *
 *     URL does not parse                 SYS_FATAL     "Failed to parse URL: <error>"
 *     not https (unless `allowHttp`)     SYS_FATAL     "Url need to specify https scheme"
 *     a header Node refuses              SYS_FATAL     "Failed to parse header name|value <error>"
 *     connection fails / 2 s connect     SYS_TRANSIENT "Connecting to <host> failed: Failed to directly connect: <error>"
 *     whole request over 30 s            SYS_FATAL     "Timeout expired"
 *     a response header not visible      SYS_TRANSIENT "Failed to parse headers: failed to convert header to a str"
 *       ASCII
 *     response over the limit            SYS_FATAL     adapter.ts's size texts (the download stops there)
 *
 * Sent: the canister's method, headers (plus `user-agent: ic/1.0` when it
 * gave none, case-insensitively) and body; redirects are not followed and
 * bodies are not decompressed (as hyper). Response header names come back
 * in lower case, in the order received. `allowHttp` (the replica adapter's
 * `http` build feature) lets tests use a plain `node:http` server.
 */
import type http from 'node:http';
import { CANISTER_HTTP_CONNECT_TIMEOUT_MS, CANISTER_HTTP_REQUEST_TIMEOUT_MS, CANISTER_HTTP_USER_AGENT } from '../config/index.ts';
import { RejectCode } from '../errors/index.ts';
import type { CanisterHttpHeader } from '../state/index.ts';
import type { CanisterHttpAdapter, CanisterHttpAdapterRequest, CanisterHttpAdapterResult } from './adapter.ts';
import { headerBytes, responseSizeProblem, sysFatal } from './adapter.ts';

// Through `process.getBuiltinModule`: an ESM import of node:http builds its
// ESM facade, which loads undici — tens of ms at every start of a replica,
// which loads this module whether or not it makes outcalls.
const nodeHttp = process.getBuiltinModule('node:http');
const nodeHttps = process.getBuiltinModule('node:https');

/** Options of {@link NodeHttpAdapter}. */
export interface NodeHttpAdapterOptions {
  /** Allow plain `http://` URLs (local test servers). Default false: https only, as on the IC. */
  readonly allowHttp?: boolean;
  /** Whole-request timeout, ms. Default 30,000 (the replica adapter's). */
  readonly requestTimeoutMs?: number;
  /** Connect timeout, ms. Default 2,000 (the replica adapter's). */
  readonly connectTimeoutMs?: number;
}

const VISIBLE_ASCII = /^[\t\x20-\x7e]*$/;

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * Request headers for Node, grouped by name as hyper's `HeaderMap` groups
 * them, with the fallback user agent; Node adds `host` and `content-length`.
 */
function nodeHeaders(headers: readonly CanisterHttpHeader[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const h of headers) (out[h.name] ??= []).push(h.value);
  if (!headers.some((h) => h.name.toLowerCase() === 'user-agent')) out['user-agent'] = [CANISTER_HTTP_USER_AGENT];
  return out;
}

/** Real outcalls (see the module header). */
export class NodeHttpAdapter implements CanisterHttpAdapter {
  readonly #allowHttp: boolean;
  readonly #requestTimeoutMs: number;
  readonly #connectTimeoutMs: number;
  readonly #inFlight = new Map<bigint, AbortController>();
  /** `poll()` calls waiting for a request to settle. */
  readonly #pollers = new Set<() => void>();

  constructor(opts: NodeHttpAdapterOptions = {}) {
    this.#allowHttp = opts.allowHttp ?? false;
    this.#requestTimeoutMs = opts.requestTimeoutMs ?? CANISTER_HTTP_REQUEST_TIMEOUT_MS;
    this.#connectTimeoutMs = opts.connectTimeoutMs ?? CANISTER_HTTP_CONNECT_TIMEOUT_MS;
  }

  send(request: CanisterHttpAdapterRequest): Promise<CanisterHttpAdapterResult> {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch (e) {
      return Promise.resolve(sysFatal(`Failed to parse URL: ${errorText(e)}`));
    }
    const secure = url.protocol === 'https:';
    if (!secure && !(this.#allowHttp && url.protocol === 'http:')) return Promise.resolve(sysFatal('Url need to specify https scheme'));
    const abort = new AbortController();
    this.#inFlight.set(request.id, abort);
    return this.#fetch(url, secure, request, abort).finally(() => {
      this.#inFlight.delete(request.id);
      for (const wake of [...this.#pollers]) wake();
    });
  }

  #fetch(url: URL, secure: boolean, request: CanisterHttpAdapterRequest, abort: AbortController): Promise<CanisterHttpAdapterResult> {
    return new Promise((resolve) => {
      let done = false;
      const finish = (r: CanisterHttpAdapterResult): void => {
        if (done) return;
        done = true;
        clearTimeout(overall);
        clearTimeout(connect);
        resolve(r);
      };
      const overall = setTimeout(() => { finish(sysFatal('Timeout expired')); abort.abort(); }, this.#requestTimeoutMs);
      let connect: ReturnType<typeof setTimeout> | undefined;
      const connectFailed = (e: unknown): void => finish({
        kind: 'reject', code: RejectCode.SysTransient,
        message: `Connecting to ${url.hostname.slice(0, 50)} failed: Failed to directly connect: ${errorText(e)}`,
      });
      let req: http.ClientRequest;
      try {
        req = (secure ? nodeHttps : nodeHttp).request(url, { method: request.method, headers: nodeHeaders(request.headers), signal: abort.signal });
      } catch (e) {
        const which = /value/i.test(errorText(e)) ? 'value' : 'name';
        finish(sysFatal(`Failed to parse header ${which} ${errorText(e)}`));
        return;
      }
      req.on('socket', (socket) => {
        if (!socket.connecting) return;
        connect = setTimeout(() => req.destroy(new Error('connect timed out')), this.#connectTimeoutMs);
        socket.once('connect', () => clearTimeout(connect));
      });
      let responded = false;
      req.on('error', (e) => { if (!responded) connectFailed(e); });
      req.on('response', (res) => {
        responded = true;
        this.#read(res, request.responseLimit).then(finish, (e: unknown) => finish({ kind: 'reject', code: RejectCode.SysTransient, message: errorText(e) }));
      });
      req.end(request.body.length > 0 ? request.body : undefined);
    });
  }

  async #read(res: http.IncomingMessage, limit: bigint): Promise<CanisterHttpAdapterResult> {
    const headers: CanisterHttpHeader[] = [];
    for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
      const value = res.rawHeaders[i + 1];
      if (!VISIBLE_ASCII.test(value)) {
        res.destroy();
        return { kind: 'reject', code: RejectCode.SysTransient, message: 'Failed to parse headers: failed to convert header to a str' };
      }
      headers.push({ name: res.rawHeaders[i].toLowerCase(), value });
    }
    const tooLarge = responseSizeProblem(headers, 0, limit);
    if (tooLarge !== undefined) { res.destroy(); return tooLarge; }
    const bodyLimit = Number(limit) - headerBytes(headers);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > bodyLimit) { res.destroy(); return sysFatal(`Http body exceeds size limit of ${limit} bytes.`); }
      chunks.push(chunk);
    }
    return { kind: 'response', status: res.statusCode ?? 0, headers, body: new Uint8Array(Buffer.concat(chunks)) };
  }

  cancel(id: bigint): void {
    this.#inFlight.get(id)?.abort();
  }

  /**
   * Lets sockets make progress between rounds: resolves when a request
   * settles, or after 1 ms — so a caller ticking until an answer arrives
   * makes about one round per millisecond, not thousands of empty ones.
   */
  poll(): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.#pollers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, 1);
      this.#pollers.add(wake);
    });
  }

  close(): void {
    for (const abort of this.#inFlight.values()) abort.abort();
  }
}
