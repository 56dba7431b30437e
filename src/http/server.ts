/**
 * The HTTP server of a replica (`node:http`): routes (routes.ts), bodies
 * read up to a cap (413 above), the CORS headers of the replica on every
 * answer and `OPTIONS` preflights, and the round loop that drives the
 * subnet. Every request gets an answer: a handler that throws is a `500`
 * with the error's text and is reported, never a crash.
 *
 * Only CBOR bodies are taken (`Content-Type: application/cbor`, as the
 * replica requires; 400 otherwise).
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MAX_INGRESS_BYTES_PER_MESSAGE } from '../config/index.ts';
import type { Clock } from '../env/index.ts';
import type { HttpReplica } from './context.ts';
import { DEFAULT_ADMISSION_LIMITS, IngressAdmission } from './admission.ts';
import type { AdmissionLimits } from './admission.ts';
import type { Answer } from './answer.ts';
import { textAnswer } from './answer.ts';
import { handleCall } from './call.ts';
import type { ServerContext } from './context.ts';
import type { NodeSigner } from './node-key.ts';
import { handleQuery } from './query.ts';
import { handleReadState } from './read-state.ts';
import { RoundLoop } from './round-loop.ts';
import { parseRoute } from './routes.ts';
import { handleStatus } from './status.ts';

// Not an ESM import: importing node:http builds its ESM facade, which loads
// undici (tens of ms at every start).
const { createServer } = process.getBuiltinModule('node:http');

/** Options of {@link IcHttpServer.start}. */
export interface ServeOptions {
  /** The replica to serve: made with `nodes: [node.nodeKey]` and `clock` (a `SystemClock`). */
  readonly replica: HttpReplica;
  readonly node: NodeSigner;
  readonly clock: Clock;
  /** Default 4943; 0 picks a free port. */
  readonly port?: number;
  /** Default `127.0.0.1`. */
  readonly host?: string;
  /** Longest time between rounds while idle, ms. Default 100. */
  readonly idleRoundIntervalMs?: number;
  /** How long a v3/v4 call waits for its answer before `202`, ms. Default 10,000 (the replica's). */
  readonly syncCallTimeoutMs?: number;
  readonly admission?: Partial<AdmissionLimits>;
  /** Largest call envelope, bytes. Default 2 MiB (the subnet's). */
  readonly maxIngressBytes?: bigint;
  /** Where failures are reported. Default stderr. */
  readonly onError?: (error: unknown) => void;
  /** Called after every completed round: its `BatchSummary` (src/messaging) and wall time, ms (metrics, dashboard). */
  readonly onRound?: (summary: unknown, durationMs: number) => void;
  /**
   * Requests outside the IC interface (`/metrics`, `/_/…`): tried first for
   * every `GET`/`HEAD` whose path is not under `/api/`; returns `true` when
   * it answered (it writes `res` itself, streams included), `false` to let
   * the IC routes answer (404).
   */
  readonly extension?: (req: IncomingMessage, res: ServerResponse, pathname: string) => boolean | Promise<boolean>;
  /** Called once a request's answer is written (or its connection closed): method, path, status and wall time, ms (metrics, logs). */
  readonly onRequest?: (method: string, pathname: string, status: number, durationMs: number) => void;
  /**
   * Calls, queries and read_state requests (every `POST`) wait for it
   * before they are handled; status answers at once. `npm start` passes
   * the system canisters' installation (`Replica.systemCanistersReady`).
   */
  readonly ready?: Promise<unknown>;
}

/** Bodies above this are refused before they are read whole (413). */
const BODY_SLACK_BYTES = 64 * 1024;

const CORS: Readonly<Record<string, string>> = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'POST, GET',
  'access-control-allow-headers': 'Accept, Authorization, Content-Type',
};

/** Reads a body of at most `cap` bytes; `undefined` when it is larger. */
function readBody(req: IncomingMessage, cap: number): Promise<Uint8Array | undefined> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > cap) {
      resolve(undefined);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > cap) {
        req.removeAllListeners('data');
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks, size))));
    req.on('error', reject);
  });
}

function isCbor(contentType: string | undefined): boolean {
  return contentType !== undefined && contentType.split(';')[0].trim().toLowerCase() === 'application/cbor';
}

/** A request as the handlers see it: method, path, content type and the body (read lazily, `undefined` when too large). */
export interface RequestParts {
  readonly method: string;
  readonly pathname: string;
  readonly contentType: string | undefined;
  body(): Promise<Uint8Array | undefined>;
}

/** The answer to a request (every endpoint; what the server writes, and what tests call directly). */
export async function dispatch(ctx: ServerContext, req: RequestParts): Promise<Answer> {
  const routed = parseRoute(req.method, req.pathname);
  if (!routed.ok) return routed.answer;
  const route = routed.route;
  if (route.kind === 'status') return handleStatus(ctx);
  if (route.kind === 'preflight') return { status: 204, body: new Uint8Array(0) };
  if (!isCbor(req.contentType)) return textAnswer(400, 'Unexpected content-type, expected application/cbor.');
  const body = await req.body();
  if (body === undefined) return textAnswer(413, `Request body is larger than ${Number(ctx.maxIngressBytes) + BODY_SLACK_BYTES} bytes.`);
  switch (route.kind) {
    case 'call': return handleCall(ctx, route.version, route.target, body);
    case 'query': return handleQuery(ctx, route.target, body);
    case 'read_state': return handleReadState(ctx, route.target, body);
  }
}

/** A served replica (see the module header). */
export class IcHttpServer {
  readonly #server: Server;
  readonly #ctx: ServerContext;
  readonly #loop: RoundLoop;
  readonly #bodyCap: number;
  readonly #onError: (error: unknown) => void;
  readonly #extension: ServeOptions['extension'];
  #onRequest: ServeOptions['onRequest'];
  #closed: Promise<void> | undefined;
  #ready: Promise<unknown> | undefined;

  private constructor(server: Server, ctx: ServerContext, loop: RoundLoop, onError: (error: unknown) => void, extension: ServeOptions['extension']) {
    this.#server = server;
    this.#extension = extension;
    this.#ctx = ctx;
    this.#loop = loop;
    this.#bodyCap = Number(ctx.maxIngressBytes) + BODY_SLACK_BYTES;
    this.#onError = onError;
  }

  /** Starts the round loop and listens; resolves once the port is bound. */
  static async start(opts: ServeOptions): Promise<IcHttpServer> {
    const onError = opts.onError ?? ((e: unknown) => process.stderr.write(`ic-exec: ${String((e as Error)?.stack ?? e)}\n`));
    const replica = opts.replica;
    const admission = new IngressAdmission({ ...DEFAULT_ADMISSION_LIMITS, ...opts.admission }, () => performance.now());
    const loop = new RoundLoop(replica, {
      idleIntervalMs: opts.idleRoundIntervalMs ?? 100, onError, afterRound: () => admission.settle(replica.pooledIngress),
      ...(opts.onRound === undefined ? {} : { onRound: opts.onRound }),
    });
    const clock = opts.clock;
    const ctx: ServerContext = {
      replica, node: opts.node, loop, admission, rootKeyDer: replica.rootKey,
      syncCallTimeoutMs: opts.syncCallTimeoutMs ?? 10_000,
      maxIngressBytes: opts.maxIngressBytes ?? MAX_INGRESS_BYTES_PER_MESSAGE,
      nowNanos: () => {
        const now: bigint = clock.nowNanos();
        return now > replica.time ? now : replica.time;
      },
    };
    const server = createServer({ keepAlive: true, requestTimeout: 60_000 });
    const served = new IcHttpServer(server, ctx, loop, onError, opts.extension);
    served.#onRequest = opts.onRequest;
    served.#ready = opts.ready?.catch(() => undefined);
    server.on('request', (req, res) => { void served.#serve(req, res); });
    server.on('clientError', (_err, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      else socket.destroy();
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 4943, opts.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    loop.start();
    return served;
  }

  /** The bound port. */
  get port(): number { return (this.#server.address() as AddressInfo).port; }
  /** `http://<host>:<port>`. */
  get url(): string {
    const a = this.#server.address() as AddressInfo;
    return `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`;
  }
  /** The round loop's counters. */
  get rounds(): RoundLoop['stats'] { return this.#loop.stats; }
  /** What the handlers share (for tests that call {@link dispatch} without sockets). */
  get context(): ServerContext { return this.#ctx; }

  /** Stops taking requests and rounds (the replica stays open; close it after). */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      const closing = new Promise<void>((resolve) => this.#server.close(() => resolve()));
      this.#server.closeIdleConnections();
      await this.#loop.stop();
      this.#server.closeAllConnections();
      await closing;
    })();
    return this.#closed;
  }

  async #serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let answer: Answer;
    const pathname = (req.url ?? '/').split('?')[0];
    const onRequest = this.#onRequest;
    if (onRequest !== undefined) {
      const t0 = performance.now();
      res.once('close', () => onRequest(req.method ?? 'GET', pathname, res.statusCode, performance.now() - t0));
    }
    try {
      if (this.#extension !== undefined && (req.method === 'GET' || req.method === 'HEAD') && !pathname.startsWith('/api/')
        && await this.#extension(req, res, pathname)) return;
      if (this.#ready !== undefined && req.method === 'POST') await this.#ready;
      answer = await this.#answer(req);
    } catch (e) {
      this.#onError(e);
      answer = textAnswer(500, `Internal error: ${(e as Error)?.message ?? String(e)}`);
    }
    if (res.destroyed) return;
    const headers: Record<string, string | number> = { ...CORS, 'content-length': answer.body.length };
    if (answer.contentType !== undefined) headers['content-type'] = answer.contentType;
    if (!req.complete) headers.connection = 'close';
    res.on('error', () => undefined);
    res.writeHead(answer.status, headers);
    res.end(req.method === 'HEAD' ? undefined : answer.body);
    if (!req.complete) req.destroy();
  }

  #answer(req: IncomingMessage): Promise<Answer> {
    return dispatch(this.#ctx, {
      method: req.method ?? 'GET', pathname: (req.url ?? '/').split('?')[0], contentType: req.headers['content-type'],
      body: () => readBody(req, this.#bodyCap),
    });
  }
}
