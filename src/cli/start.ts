/**
 * `npm start`: a local replica served over the IC HTTP interface
 * (DESIGN.md contract 2). Prints the URL and the root key once the port is
 * bound (the replica is healthy from then on); SIGINT/SIGTERM stop taking
 * requests, let the round in progress finish, close the replica and exit 0
 * (a second signal exits at once with 130).
 *
 * State: the durable store (issue 6) is not in `Replica.create` yet, so
 * the replica runs in memory; `--data-dir` given explicitly is refused with
 * a message rather than ignored.
 */
import { SystemClock } from '../env/index.ts';
import { IcHttpServer, NodeSigner } from '../http/index.ts';
import { Replica } from '../replica/index.ts';
import type { StartOptions } from './args.ts';

/** The default subnet seed of the library (`Replica.create`), for the node key when none is given. */
const DEFAULT_SEED = 'ic-exec-replica';

/** Whether `Replica.create` can keep state in a directory (issue 6). */
const DURABLE_STORE_AVAILABLE = false;

export interface Started {
  readonly server: IcHttpServer;
  readonly replica: Replica;
  /** Closes the server, then the replica. */
  stop(): Promise<void>;
}

/** Starts a served replica. @returns it, or the text to print when it cannot start. */
export async function startReplica(opts: StartOptions): Promise<{ ok: true; started: Started; mode: string } | { ok: false; error: string }> {
  if (opts.dataDirGiven && !DURABLE_STORE_AVAILABLE) {
    return {
      ok: false,
      error: `--data-dir ${opts.dataDir}: this build cannot keep state on disk yet (the durable store, issue 6, is not wired into Replica.create). `
        + 'Run with --ephemeral (or without --data-dir) for an in-memory replica.',
    };
  }
  const clock = new SystemClock();
  const node = NodeSigner.fromSeed(opts.seed ?? DEFAULT_SEED);
  const replica = await Replica.create({
    clock, cores: opts.cores, nodes: [node.nodeKey], ...(opts.seed === undefined ? {} : { seed: opts.seed }),
  });
  let server: IcHttpServer;
  try {
    server = await IcHttpServer.start({ replica, node, clock, port: opts.port, host: opts.host, idleRoundIntervalMs: opts.roundIntervalMs });
  } catch (e) {
    await replica.close();
    return { ok: false, error: `cannot listen on ${opts.host}:${opts.port}: ${(e as Error).message}` };
  }
  const stop = async (): Promise<void> => {
    await server.close();
    await replica.close();
  };
  const mode = opts.ephemeral ? 'ephemeral' : 'ephemeral: the durable store is not available yet';
  return { ok: true, started: { server, replica, stop }, mode };
}

/** CPU time this process has used so far, ms (user + system, all threads). */
function cpuMs(): number {
  const u = process.cpuUsage();
  return Math.round((u.user + u.system) / 1000);
}

/** Runs `npm start` until a signal. */
export async function main(opts: StartOptions, t0: number): Promise<void> {
  const r = await startReplica(opts);
  if (!r.ok) {
    process.stderr.write(`ic-exec: ${r.error}\n`);
    process.exitCode = 2;
    return;
  }
  const { server, replica, stop } = r.started;
  const rootKeyHex = Buffer.from(replica.rootKey).toString('hex');
  process.stdout.write(
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
    process.stdout.write(`ic-exec: ${signal}, stopping at height ${replica.height}\n`);
    stop().then(
      () => {
        process.stdout.write('ic-exec: stopped\n');
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
}
