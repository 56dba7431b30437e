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
 */
import { resolve } from 'node:path';
import { SystemClock } from '../env/index.ts';
import { IcHttpServer, NodeSigner } from '../http/index.ts';
import { Replica } from '../replica/index.ts';
import type { StartOptions } from './args.ts';
import { fileKeyCache } from './key-cache.ts';

/** The default subnet seed of the library (`Replica.create`), for the node key when none is given. */
const DEFAULT_SEED = 'ic-exec-replica';

export interface Started {
  readonly server: IcHttpServer;
  readonly replica: Replica;
  /** Closes the server, then the replica. */
  stop(): Promise<void>;
}

/** Options of {@link startReplica} beyond the command line. */
export interface StartHooks {
  /** A round failed; `stopped` when the replica can run no more (its store failed). Default: reported on stderr. */
  readonly onRoundError?: (error: unknown, stopped: boolean) => void;
}

/** Starts a served replica. @returns it, or the text to print when it cannot start. */
export async function startReplica(opts: StartOptions, hooks: StartHooks = {}): Promise<{ ok: true; started: Started; mode: string } | { ok: false; error: string }> {
  const clock = new SystemClock();
  const node = NodeSigner.fromSeed(opts.seed ?? DEFAULT_SEED);
  const dataDir = resolve(opts.dataDir);
  let replica: Replica;
  try {
    replica = await Replica.create({
      clock, cores: opts.cores, nodes: [node.nodeKey], ...(opts.seed === undefined ? {} : { seed: opts.seed }), keyCache: fileKeyCache(),
      ...(opts.ephemeral ? { ephemeral: true } : { dataDir }),
    });
  } catch (e) {
    return { ok: false, error: `cannot start the replica${opts.ephemeral ? '' : ` on ${dataDir}`}: ${(e as Error).message}` };
  }
  const onError = (e: unknown): void => {
    const stopped = (e as Error)?.name === 'ReplicaStoppedError';
    if (hooks.onRoundError !== undefined) hooks.onRoundError(e, stopped);
    else process.stderr.write(`ic-exec: a round failed: ${String((e as Error)?.stack ?? e)}\n`);
  };
  let server: IcHttpServer;
  try {
    server = await IcHttpServer.start({ replica, node, clock, port: opts.port, host: opts.host, idleRoundIntervalMs: opts.roundIntervalMs, onError });
  } catch (e) {
    await replica.close();
    return { ok: false, error: `cannot listen on ${opts.host}:${opts.port}: ${(e as Error).message}` };
  }
  const stop = async (): Promise<void> => {
    await server.close();
    await replica.close();
  };
  const recovery = replica.recovery;
  const mode = opts.ephemeral ? 'ephemeral: state in memory only'
    : `state in ${dataDir}${recovery === undefined || (recovery.checkpointHeight === 0n && recovery.replayedBatches === 0) ? ''
      : `, recovered at height ${replica.height} (checkpoint ${recovery.checkpointHeight}, ${recovery.replayedBatches} batches replayed)`}`;
  return { ok: true, started: { server, replica, stop }, mode };
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
  const r = await startReplica(opts, {
    onRoundError: (e, stopped) => {
      process.stderr.write(`ic-exec: ${stopped ? '' : 'a round failed: '}${String(stopped ? (e as Error).message : (e as Error)?.stack ?? e)}\n`);
      if (stopped) onStopped.run?.();
    },
  });
  if (!r.ok) {
    if (output.json) process.stdout.write(`${JSON.stringify({ error: { code: null, message: r.error } })}\n`);
    else process.stderr.write(`ic-exec: ${r.error}\n`);
    return 2;
  }
  const { server, replica, stop } = r.started;
  const rootKeyHex = Buffer.from(replica.rootKey).toString('hex');
  const say = (text: string): boolean => (output.json ? process.stderr : process.stdout).write(text);
  if (output.json) {
    process.stdout.write(`${JSON.stringify({
      url: server.url, rootKey: rootKeyHex, subnetId: replica.subnetId.toText(), state: r.mode, readyMs: Math.round(performance.now() - t0),
    })}\n`);
  } else process.stdout.write(
    `ic-exec replica listening on ${server.url} (${r.mode})\n`
    + `root key: ${rootKeyHex}\n`
    + `subnet: ${replica.subnetId.toText()}\n`
    + `ready in ${Math.round(performance.now() - t0)} ms (${cpuMs()} ms of CPU) — agents: host ${server.url} and fetchRootKey(); `
    + `icp: --network ${server.url} --root-key ${rootKeyHex}\n`,
  );
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      process.stderr.write(`ic-exec: ${signal} again, exiting now\n`);
      process.exit(130);
    }
    stopping = true;
    say(`ic-exec: ${signal}, stopping at height ${replica.height}\n`);
    stop().then(
      () => {
        say('ic-exec: stopped\n');
        process.exit(0);
      },
      (e: unknown) => {
        process.stderr.write(`ic-exec: stopping failed: ${String((e as Error)?.stack ?? e)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  onStopped.run = () => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`ic-exec: the replica stopped at height ${replica.height}; start it again on the same data to recover\n`);
    server.close().then(() => replica.close()).catch(() => undefined).finally(() => process.exit(1));
  };
  return 0;
}
