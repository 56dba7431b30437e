/**
 * `npm start`: a local replica served over the IC HTTP interface
 * (DESIGN.md contract 2). Prints the URL and the root key once the port is
 * bound (the replica is healthy from then on); SIGINT/SIGTERM stop taking
 * requests, let the round in progress finish, close the replica (which
 * writes a checkpoint) and exit 0 (a second signal exits at once with 130).
 *
 * State: in `--data-dir` (default `./.ic-exec`; `Replica.create({ dataDir })`
 * recovers what is there: checkpoint, then the logged batches), or in
 * memory with `--ephemeral`. When the store fails (disk full, I/O error)
 * the replica stops: the process says so and exits 1; starting it again on
 * the directory recovers everything acknowledged.
 *
 * Observability (src/telemetry): `/metrics` (Prometheus), structured logs
 * of the replica's events on stderr (`--log-level`, `--log-format`; HTTP
 * requests at debug level) and the canisters' logs apart (`--log-canisters`,
 * stdout by default). The ready lines stay plain text.
 *
 * The port is bound first: the observability (prom-client with
 * @opentelemetry/api, pino: ~110 modules) loads once it is, so the replica
 * is healthy sooner (`deferred-hooks.ts` keeps what the server sees
 * meanwhile); `startReplica` resolves once it and the dashboard are attached.
 */
import { closeSync, openSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Dashboard, DASHBOARD_PATH } from '../dashboard/index.ts';
import { SystemClock } from '../env/index.ts';
import { IcHttpServer, NodeSigner } from '../http/index.ts';
import { Replica } from '../replica/index.ts';
import { PrincipalId } from '../types/index.ts';
import { checkpointProgress } from './checkpoint-progress.ts';
import type { StartOptions } from './args.ts';
import type { HttpExtension, Logger, Telemetry } from '../telemetry/index.ts';
import { DeferredHooks } from './deferred-hooks.ts';
import { icpIdentityPrincipals } from './icp-identities.ts';
import { fileKeyCache } from './key-cache.ts';

/** Instrumented canister modules kept between starts (src/wasm's compile cache on disk), in the project's `.cache/`. */
const COMPILE_CACHE_DIR = fileURLToPath(new URL('../../.cache/compiled-modules', import.meta.url));

/** The default subnet seed of the library (`Replica.create`), for the node key when none is given. */
const DEFAULT_SEED = 'ic-exec-replica';

export interface Started {
  readonly server: IcHttpServer;
  readonly replica: Replica;
  /** Its metrics, recent rounds and canister series (`/metrics`; the dashboard reads it). */
  readonly telemetry: Telemetry;
  /** Closes the server, then the replica. */
  stop(): Promise<void>;
}

/** Options of {@link startReplica} beyond the command line. */
export interface StartHooks {
  /** A round failed; `stopped` when the replica can run no more (its store failed). Default: reported on stderr. */
  readonly onRoundError?: (error: unknown, stopped: boolean) => void;
  /** The replica's events (default: warnings and errors as JSON on stderr); a function is called once the port is bound. */
  readonly logger?: Logger | (() => Logger | Promise<Logger>);
  /** Where canister log records go (default: not followed); a function is called once the port is bound. */
  readonly canisterLogger?: Logger | (() => Logger | Promise<Logger>);
  /** Called as soon as the port is bound (the replica is healthy), before the observability loads: `npm start` prints its ready lines. */
  readonly onListening?: (server: IcHttpServer, replica: Replica, mode: string) => void;
  /** More server extensions (the dashboard), tried after `/metrics`; a function gets the replica and its telemetry first. */
  readonly extensions?: readonly HttpExtension[] | ((served: { readonly replica: Replica; readonly telemetry: Telemetry }) => readonly HttpExtension[]);
  /** Progress of each checkpoint (the one at shutdown included): height, new objects written, new objects in all. */
  readonly onCheckpointProgress?: (height: bigint, written: number, total: number) => void;
}

/** Starts a served replica. @returns it, or the text to print when it cannot start. */
export async function startReplica(opts: StartOptions, hooks: StartHooks = {}): Promise<{ ok: true; started: Started; mode: string } | { ok: false; error: string }> {
  const clock = new SystemClock();
  const node = NodeSigner.fromSeed(opts.seed ?? DEFAULT_SEED);
  const dataDir = resolve(opts.dataDir);
  const checkpoints: { written?: (summary: { readonly height: bigint }, durationMs: number) => void } = {};
  let fund: PrincipalId[];
  try {
    fund = [...opts.fund, ...(opts.systemCanisters ? icpIdentityPrincipals() : [])].map((p) => PrincipalId.fromText(p));
  } catch (e) {
    return { ok: false, error: `--fund: ${(e as Error).message}` };
  }
  let replica: Replica;
  try {
    replica = await Replica.create({
      // The cycles ledger and the CMC install in the first rounds; calls wait for them (`ready` below).
      ...(opts.systemCanisters ? { systemCanisters: { deferred: true, fund } } : {}),
      compileCacheDir: COMPILE_CACHE_DIR, // instrumented modules: a restart does not instrument its canisters again
      clock, cores: opts.cores, nodes: [node.nodeKey], ...(opts.seed === undefined ? {} : { seed: opts.seed }), keyCache: fileKeyCache(),
      ...(opts.ephemeral ? { ephemeral: true } : { dataDir }), onCheckpoint: { now: () => performance.now(), written: (s, ms) => checkpoints.written?.(s, ms) },
      ...(hooks.onCheckpointProgress === undefined ? {} : { onCheckpointProgress: hooks.onCheckpointProgress }),
    });
  } catch (e) {
    return { ok: false, error: `cannot start the replica${opts.ephemeral ? '' : ` on ${dataDir}`}: ${(e as Error).message}` };
  }
  let logger: Logger | undefined;
  const onError = (e: unknown): void => {
    const stopped = (e as Error)?.name === 'ReplicaStoppedError';
    if (hooks.onRoundError !== undefined) hooks.onRoundError(e, stopped);
    else if (logger === undefined) process.stderr.write(`ic-exec: ${stopped ? 'the store failed: the replica stopped: ' : 'a round failed: '}${String((e as Error)?.stack ?? e)}\n`);
    else if (stopped) logger.fatal({ err: e }, 'the store failed: the replica stopped');
    else logger.error({ err: e }, 'round failed');
  };
  const observers = new DeferredHooks();
  let server: IcHttpServer;
  try {
    server = await IcHttpServer.start({
      replica, node, clock, port: opts.port, host: opts.host, idleRoundIntervalMs: opts.roundIntervalMs, ready: replica.systemCanistersReady, onError,
      onRound: observers.onRound, onRequest: observers.onRequest, extension: observers.extension,
    });
  } catch (e) {
    await replica.close();
    return { ok: false, error: `cannot listen on ${opts.host}:${opts.port}: ${(e as Error).message}` };
  }
  const stop = async (): Promise<void> => {
    await server.close();
    await replica.close();
  };
  replica.systemCanistersReady.catch((e: unknown) => onError(new Error(`installing the cycles ledger and the cycles minting canister failed: ${(e as Error)?.message ?? String(e)}`)));
  const recovery = replica.recovery;
  const mode = opts.ephemeral ? 'ephemeral: state in memory only'
    : `state in ${dataDir}${recovery === undefined || (recovery.checkpointHeight === 0n && recovery.replayedBatches === 0) ? ''
      : `, recovered at height ${replica.height} (checkpoint ${recovery.checkpointHeight}, ${recovery.replayedBatches} batches replayed)`}`;
  hooks.onListening?.(server, replica, mode);
  let telemetry: Telemetry;
  try {
    // The observability, now that the replica is healthy (see the module header).
    const { Telemetry: TelemetryClass, createLogger } = await import('../telemetry/index.ts');
    const given = typeof hooks.logger === 'function' ? await hooks.logger() : hooks.logger;
    const canisterLogger = typeof hooks.canisterLogger === 'function' ? await hooks.canisterLogger() : hooks.canisterLogger;
    const log = given ?? createLogger({ level: 'warn' });
    telemetry = new TelemetryClass({ logger: log, ...(canisterLogger === undefined ? {} : { canisterLogger }) });
    telemetry.start(replica.committedState);
    checkpoints.written = telemetry.checkpointObserver.written;
    logger = log;
    for (const notice of replica.settingsNotices) log.warn(notice);
    if (recovery !== undefined && (recovery.checkpointHeight > 0n || recovery.replayedBatches > 0 || recovery.skippedCheckpoints.length > 0)) {
      log.info({
        height: Number(replica.height), checkpoint: Number(recovery.checkpointHeight), replayedBatches: recovery.replayedBatches,
        skippedCheckpoints: recovery.skippedCheckpoints.map((s) => ({ height: Number(s.height), reason: s.reason })),
      }, 'recovered');
    }
    const extra = typeof hooks.extensions === 'function' ? hooks.extensions({ replica, telemetry }) : hooks.extensions;
    // The dashboard at /_/dashboard and its API under /_/api/ (src/dashboard).
    const dashboard = new Dashboard({ replica, telemetry, dataDir: opts.ephemeral ? null : dataDir });
    observers.attach(telemetry.serveOptions(replica, [dashboard.extension, ...(extra ?? [])]));
  } catch (e) {
    observers.abandon();
    await stop();
    return { ok: false, error: (e as Error).message };
  }
  return { ok: true, started: { server, replica, telemetry, stop }, mode };
}

/** CPU time this process has used so far, ms (user + system, all threads). */
function cpuMs(): number {
  const u = process.cpuUsage();
  return Math.round((u.user + u.system) / 1000);
}

/**
 * Runs `npm start` (and `ic-exec start`) until a signal. With `json`, the
 * ready lines are one JSON document instead (`{ url, rootKey, subnetId,
 * state, readyMs }`) and later messages go to stderr.
 * @returns 0 once serving (the process runs on), 2 when it could not start.
 */
export async function main(opts: StartOptions, t0: number, output: { readonly json?: boolean } = {}): Promise<number> {
  const onStopped: { run?: () => void } = {};
  const canisters = opts.logCanisters ?? (output.json ? 'stderr' : 'stdout');
  if (canisters !== 'stdout' && canisters !== 'stderr' && canisters !== 'off') {
    try {
      closeSync(openSync(canisters, 'a')); // a log file that cannot be opened stops the start before the port is bound
    } catch (e) {
      process.stderr.write(`ic-exec: cannot open the canister log: ${(e as Error).message}\n`);
      return 2;
    }
  }
  // pino loads with the rest of the observability, once the port is bound (startReplica); until then failures go to stderr as text.
  let logger: Logger | undefined;
  let readyMs = 0;
  const r = await startReplica(opts, {
    logger: async () => {
      const { createLogger, isTty } = await import('../telemetry/index.ts');
      logger = createLogger({ level: opts.logLevel ?? 'info', format: opts.logFormat ?? (isTty('stderr') ? 'pretty' : 'json'), destination: 'stderr' });
      return logger;
    },
    canisterLogger: async () => {
      const { createLogger, isTty } = await import('../telemetry/index.ts');
      try {
        return createLogger({ format: opts.logFormat ?? (isTty(canisters) ? 'pretty' : 'json'), destination: canisters });
      } catch (e) {
        throw new Error(`cannot open the canister log: ${(e as Error).message}`);
      }
    },
    onListening: (server, replica, mode) => {
      const rootKeyHex = Buffer.from(replica.rootKey).toString('hex');
      readyMs = Math.round(performance.now() - t0);
      if (output.json) {
        process.stdout.write(`${JSON.stringify({
          url: server.url, rootKey: rootKeyHex, subnetId: replica.subnetId.toText(), dashboard: `${server.url}${DASHBOARD_PATH}`, state: mode, readyMs,
        })}\n`);
      } else process.stdout.write(
        `ic-exec replica listening on ${server.url} (${mode})\n`
        + `root key: ${rootKeyHex}\n`
        + `subnet: ${replica.subnetId.toText()}\n`
        + `dashboard: ${server.url}${DASHBOARD_PATH}\n`
        + `ready in ${readyMs} ms (${cpuMs()} ms of CPU) — agents: host ${server.url} and fetchRootKey(); `
        + `icp: --network ${server.url} --root-key ${rootKeyHex}\n`,
      );
    },
    // a long checkpoint (at shutdown, or a large one) shows a bar on a terminal
    onCheckpointProgress: checkpointProgress({ show: !output.json && process.stderr.isTTY === true }),
    onRoundError: (e, stopped) => {
      if (logger === undefined) process.stderr.write(`ic-exec: ${stopped ? 'the store failed: the replica stopped: ' : 'a round failed: '}${String((e as Error)?.stack ?? e)}\n`);
      else if (stopped) logger.fatal({ err: (e as Error).message }, 'the store failed: the replica stopped');
      else logger.error({ err: e }, 'round failed');
      if (stopped) onStopped.run?.();
    },
  });
  if (!r.ok) {
    if (output.json) process.stdout.write(`${JSON.stringify({ error: { code: null, message: r.error } })}\n`);
    else process.stderr.write(`ic-exec: ${r.error}\n`);
    return 2;
  }
  const { server, replica, stop } = r.started;
  if (logger === undefined) throw new Error('startReplica resolved without the logger');
  const log: Logger = logger;
  log.info({ url: server.url, subnet: replica.subnetId.toText(), height: Number(replica.height), state: r.mode, readyMs }, 'listening');
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      log.warn({ signal }, 'signal again: exiting now');
      process.exit(130);
    }
    stopping = true;
    log.info({ signal, height: Number(replica.height) }, 'stopping');
    stop().then(
      () => {
        log.info({ height: Number(replica.height) }, 'stopped');
        process.exit(0);
      },
      (e: unknown) => {
        log.error({ err: e }, 'stopping failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  onStopped.run = () => {
    if (stopping) return;
    stopping = true;
    log.fatal({ height: Number(replica.height) }, 'the replica stopped; start it again on the same data to recover');
    server.close().then(() => replica.close()).catch(() => undefined).finally(() => process.exit(1));
  };
  return 0;
}
