/**
 * The PocketIC REST server on `node:http` (plain HTTP/1.1 JSON, what
 * pic-js's fetch client speaks). Server-level endpoints here:
 * `GET /status`, `GET|POST /instances`, `DELETE /instances/<id>`,
 * `POST /blobstore`, `GET /blobstore/<id>`, `GET /read_graph/<label>/<op>`,
 * `POST|GET /http_gateway`, `POST /http_gateway/<id>/stop`, and the live
 * mode switches `GET|POST /instances/<id>/auto_progress`,
 * `POST /instances/<id>/stop_progress`; the other instance endpoints are
 * in routes.ts. The instance code is imported on the first request that
 * needs it (`warm()` starts that early), so the server listens within
 * tens of milliseconds of starting.
 *
 * Lifetime: `--ttl` seconds after the last request finished, with none in
 * flight, the server stops (instances closed, gateways stopped) and
 * `stopped` resolves; so does `stop()` (SIGTERM).
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BlobStore } from './blob-store.ts';
import type * as Engine from './engine.ts';
import { HttpGateways } from './gateway.ts';
import { apiError, json, readBody, writeReply } from './http-io.ts';
import type { Reply } from './http-io.ts';
import { parseJson } from './json.ts';
import type { JsonValue } from './json.ts';
import { DEFAULT_SYNC_WAIT_MS, LongOps } from './long-ops.ts';

export interface ServerOptions {
  readonly ipAddr: string;
  readonly port: number;
  readonly ttlSeconds: number;
  readonly hardTtlSeconds?: number | undefined;
  /** How long a request waits for its operation before a 202 (default 10 s). */
  readonly syncWaitMs?: number;
  readonly log?: (line: string) => void;
}

type Instance = Engine.PocketIcInstance;

/** Why an `InstanceConfig` asks for something ic-exec cannot give (ICP features, a state directory), if it does. */
function unsupportedConfig(config: { readonly [key: string]: JsonValue }): string | undefined {
  const features = config['icp_features'];
  if (typeof features === 'object' && features !== null && !Array.isArray(features)) {
    const on = Object.entries(features).filter(([, v]) => v !== null && v !== undefined).map(([k]) => k);
    if (on.length > 0) return `icp_features (${on.join(', ')}) are not supported by ic-exec: it deploys no system canisters`;
  }
  const stateDir = config['state_dir'];
  if (stateDir !== null && stateDir !== undefined) return 'state_dir is not supported by ic-exec: instances live in memory';
  return undefined;
}

export class PocketIcRestServer {
  readonly #opts: ServerOptions;
  readonly #http: Server;
  readonly #instances: Array<Instance | undefined> = [];
  readonly #blobs = new BlobStore();
  readonly #longOps = new LongOps();
  readonly #gateways: HttpGateways;
  #engine: Promise<typeof Engine> | undefined;
  #inflight = 0;
  #lastActivityMs = Date.now();
  #lastCheckMs = Date.now();
  #engineLoading = 0;
  #ttlTimer: NodeJS.Timeout | undefined;
  #stopping: Promise<void> | undefined;
  #resolveStopped!: () => void;
  /** Resolves once the server has stopped (TTL, `stop()`). */
  readonly stopped: Promise<void> = new Promise((r) => { this.#resolveStopped = r; });

  constructor(opts: ServerOptions) {
    this.#opts = opts;
    // node:http through getBuiltinModule: its ESM facade would load undici (~60 ms at start-up).
    this.#http = process.getBuiltinModule('node:http').createServer({ keepAliveTimeout: 5_000, requestTimeout: 0 }, (req, res) => { void this.#serve(req, res); });
    this.#gateways = new HttpGateways((id) => this.#instances[id]);
  }

  /** Listens; @returns the port. */
  async listen(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.#http.once('error', reject);
      this.#http.listen(this.#opts.port, this.#opts.ipAddr, () => resolve());
    });
    this.#ttlTimer = setInterval(() => this.#checkTtl(), 250);
    if (this.#opts.hardTtlSeconds !== undefined) setTimeout(() => void this.stop(), this.#opts.hardTtlSeconds * 1000).unref();
    return (this.#http.address() as AddressInfo).port;
  }

  /** Starts importing the instance code (no-op if already). */
  warm(): void { void this.#loadEngine(); }

  #loadEngine(): Promise<typeof Engine> {
    if (this.#engine === undefined) {
      this.#engineLoading++;
      this.#engine = import('./engine.ts').finally(() => { this.#engineLoading--; this.#lastActivityMs = Date.now(); });
    }
    return this.#engine;
  }

  #checkTtl(): void {
    const now = Date.now();
    // A check that comes late means the process was busy (loading the instance code, a long round): not idle.
    if (now - this.#lastCheckMs > 1_000) this.#lastActivityMs = now;
    this.#lastCheckMs = now;
    if (this.#inflight === 0 && this.#engineLoading === 0 && now - this.#lastActivityMs > this.#opts.ttlSeconds * 1000) {
      this.#opts.log?.(`no request for ${this.#opts.ttlSeconds} s: stopping`);
      void this.stop();
    }
  }

  /** Stops listening, stops gateways and closes every instance. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      clearInterval(this.#ttlTimer);
      this.#http.close();
      this.#http.closeAllConnections();
      await this.#gateways.stopAll();
      await Promise.allSettled(this.#instances.map((i) => i?.close()));
      this.#resolveStopped();
    })();
    return this.#stopping;
  }

  async #serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.#inflight++;
    try {
      writeReply(res, await this.#handle(req));
    } catch (e) {
      this.#opts.log?.(`internal error on ${req.method} ${req.url}: ${(e as Error).stack ?? String(e)}`);
      if (!res.headersSent) writeReply(res, apiError(500, `internal error: ${(e as Error).message}`));
    } finally {
      this.#inflight--;
      this.#lastActivityMs = Date.now();
    }
  }

  async #handle(req: IncomingMessage): Promise<Reply> {
    const method = req.method ?? 'GET';
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const seg = path.split('/').filter((s) => s !== '');
    const raw = await readBody(req);
    if (raw === undefined) return apiError(413, 'request body too large');
    const at = (...names: string[]): boolean => seg.length === names.length && names.every((n, i) => n === '*' || n === seg[i]);
    if (at('status') && method === 'GET') return { status: 200, empty: true };
    if (at('instances')) {
      if (method === 'GET') return json(200, this.#instances.map((i) => (i === undefined ? 'Deleted' : 'Available')));
      if (method === 'POST') return this.#createInstance(raw);
    }
    if (seg[0] === 'instances' && seg.length >= 2) return this.#instanceRequest(req, method, seg, raw);
    if (at('blobstore') && method === 'POST') {
      const gzip = (req.headers['content-encoding'] ?? '').toLowerCase() === 'gzip';
      return { status: 200, text: this.#blobs.put(new Uint8Array(raw), gzip) };
    }
    if (at('blobstore', '*') && method === 'GET') {
      const blob = this.#blobs.get(seg[1] as string);
      if (blob === undefined) return apiError(404, `blob not found: ${seg[1]}`);
      return { status: 200, bytes: blob.data, ...(blob.gzip ? { headers: { 'content-encoding': 'gzip' } } : {}) };
    }
    if (at('read_graph', '*', '*') && method === 'GET') return this.#longOps.read(seg[1] as string, seg[2] as string);
    if (seg[0] === 'prune_graph' && method === 'DELETE') return json(200, null);
    if (at('http_gateway') && method === 'POST') return this.#gateways.create(this.#json(raw));
    if (at('http_gateway') && method === 'GET') return json(200, this.#gateways.list());
    if (at('http_gateway', '*', 'stop') && method === 'POST') return this.#gateways.stop(Number(seg[1]));
    return apiError(404, `no endpoint ${method} ${path}`);
  }

  #json(raw: Buffer): JsonValue | undefined {
    if (raw.length === 0) return undefined;
    const parsed = parseJson(raw.toString('utf8'));
    return parsed.ok ? parsed.value : undefined;
  }

  async #createInstance(raw: Buffer): Promise<Reply> {
    const engine = await this.#loadEngine();
    const parsed = raw.length === 0 ? { ok: true as const, value: null } : parseJson(raw.toString('utf8'));
    const error = (message: string): Reply => json(400, { Error: { message } });
    if (!parsed.ok) return error(`Failed to parse the request body as JSON: ${parsed.message}`);
    const body = engine.object(parsed.value, 'InstanceConfig');
    if (!body.ok) return error(body.message);
    const unsupported = unsupportedConfig(body.value);
    if (unsupported !== undefined) return error(unsupported);
    const plans = engine.planSubnets(body.value['subnet_config_set']);
    if (!plans.ok) return error(plans.message);
    const initial = body.value['initial_time'];
    let start = engine.POCKET_IC_START_TIME;
    let autoProgressMs: number | undefined;
    if (engine.isObject(initial) && 'Timestamp' in initial) {
      const ts = engine.object(initial['Timestamp'], 'initial_time.Timestamp');
      const t = ts.ok ? engine.unsigned(ts.value['nanos_since_epoch'], 'nanos_since_epoch', engine.U64_MAX) : ts;
      if (!t.ok) return error(t.message);
      if (t.value < start) return error(`The initial timestamp (unix timestamp in nanoseconds) must be no earlier than ${start} (provided ${t.value}).`);
      start = t.value;
    } else if (engine.isObject(initial) && 'AutoProgress' in initial) {
      const ap = initial['AutoProgress'];
      const delay = engine.isObject(ap) ? ap['artificial_delay_ms'] : undefined;
      autoProgressMs = typeof delay === 'number' ? delay : 0;
      const wall = BigInt(Date.now()) * 1_000_000n;
      if (wall > start) start = wall;
    }
    const id = this.#instances.length;
    this.#instances.push(undefined);
    const instance = await engine.PocketIcInstance.create(id, plans.value, start);
    this.#instances[id] = instance;
    let gatewayInfo: unknown = null;
    if (autoProgressMs !== undefined) instance.startAutoProgress(autoProgressMs);
    const gwConfig = body.value['http_gateway_config'];
    if (engine.isObject(gwConfig)) {
      const gw = await this.#gateways.create({ ...gwConfig, forward_to: { PocketIcInstance: id } });
      const created = 'json' in gw && engine.isObject(gw.json as JsonValue) ? (gw.json as { Created?: unknown }).Created : undefined;
      if (created === undefined) return gw;
      gatewayInfo = created;
    }
    this.#opts.log?.(`instance ${id}: ${plans.value.map((p) => p.kind).join(', ')}`);
    return json(201, { Created: { instance_id: id, topology: instance.topology(), http_gateway_info: gatewayInfo } });
  }

  async #instanceRequest(req: IncomingMessage, method: string, seg: string[], raw: Buffer): Promise<Reply> {
    const id = /^\d+$/.test(seg[1] as string) ? Number(seg[1]) : -1;
    if (id < 0 || id >= this.#instances.length) return apiError(404, `Instance not found: ${seg[1]}`);
    const instance = this.#instances[id];
    if (instance === undefined) return apiError(400, `Instance ${id} was deleted`);
    const op = seg.slice(2).join('/');
    if (op === '' && method === 'DELETE') {
      this.#instances[id] = undefined;
      await this.#gateways.stopFor(id);
      await instance.close();
      return { status: 200, empty: true };
    }
    if (op === 'auto_progress' && method === 'GET') return json(200, instance.autoProgressEnabled);
    const parsed = raw.length === 0 ? { ok: true as const, value: undefined } : parseJson(raw.toString('utf8'));
    if (!parsed.ok) return apiError(400, `Failed to parse the request body as JSON: ${parsed.message}`);
    if (op === 'auto_progress' && method === 'POST') {
      const delay = typeof parsed.value === 'object' && parsed.value !== null && !Array.isArray(parsed.value) ? parsed.value['artificial_delay_ms'] : undefined;
      const r = instance.startAutoProgress(typeof delay === 'number' ? delay : undefined);
      return r.ok ? json(200, null) : apiError(r.status, r.message);
    }
    if (op === 'stop_progress' && method === 'POST') { instance.stopAutoProgress(); return json(200, null); }
    const engine = await this.#loadEngine();
    const route = engine.INSTANCE_ROUTES[`${method} ${op}`];
    if (route === undefined) return apiError(404, `no endpoint ${method} /instances/${id}/${op}`);
    const run = instance.exclusive(() => route.run(instance, parsed.value, { blobs: this.#blobs }))
      .then((r): Reply => (r.ok ? json(200, r.value) : apiError(r.status, r.message)));
    // GETs are re-sent by clients on a 202 (no result to poll), unit results poll forever in pic-js: both are awaited.
    if (route.unit || method === 'GET') return run;
    const header = Number(req.headers['processing-timeout-ms']);
    const wait = Number.isFinite(header) && header > 0 ? header : this.#opts.syncWaitMs ?? DEFAULT_SYNC_WAIT_MS;
    return this.#longOps.answer(run, wait, op.replace(/\//g, '_'));
  }
}
