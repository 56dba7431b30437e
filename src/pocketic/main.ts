/**
 * `bin/pocket-ic`: a PocketIC-compatible server backed by ic-exec
 * (DESIGN.md contract 3). `@dfinity/pic` launches it unchanged
 * (`PocketIcServer.start({ binPath })` or `POCKET_IC_BIN`):
 *
 *   pocket-ic --port-file /tmp/pocket_ic_<ppid>.port [--ttl 60]
 *
 * The port file is created exclusively before listening and gets the port
 * in one write once the server listens (port-file.ts); if a live server
 * owns it, this process exits at once and the client shares that server.
 * SIGTERM/SIGINT and the idle TTL stop the server, close its instances
 * and remove the port file. Logs go to stdout (pic-js shows them with
 * `showRuntimeLogs`).
 */
import { POCKET_IC_SERVER_VERSION, USAGE, parseArgs } from './args.ts';
import { claimPortFile, releasePortFile, writePort } from './port-file.ts';

const log = (line: string): void => { process.stdout.write(`pocket-ic (ic-exec): ${line}\n`); };

async function main(): Promise<number> {
  // A parent that stops reading our output (closed pipe) must not crash the server: EPIPE is ignored.
  process.stdout.on('error', () => undefined);
  process.stderr.on('error', () => undefined);
  const parsed = parseArgs(process.argv.slice(2));
  if (!parsed.ok) {
    process.stderr.write(`pocket-ic: ${parsed.message}\n${USAGE}`);
    return 2;
  }
  const args = parsed.args;
  if (args.version) { process.stdout.write(`pocket-ic-server ${POCKET_IC_SERVER_VERSION}\n`); return 0; }
  if (args.help) { process.stdout.write(USAGE); return 0; }
  if (args.ignored.length > 0) log(`ignoring ${args.ignored.join(' ')}`);

  let fd: number | undefined;
  if (args.portFile !== undefined) {
    const claim = await claimPortFile(args.portFile);
    if (claim.kind === 'error') { process.stderr.write(`pocket-ic: ${claim.message}\n`); return 1; }
    if (claim.kind === 'taken') {
      log(`the port file ${args.portFile} belongs to a running server${claim.port === undefined ? '' : ` (port ${claim.port})`}: exiting`);
      return 0;
    }
    fd = claim.fd;
  }
  const { PocketIcRestServer } = await import('./server.ts');
  const server = new PocketIcRestServer({ ipAddr: args.ipAddr, port: args.port, ttlSeconds: args.ttlSeconds, hardTtlSeconds: args.hardTtlSeconds, log });
  let port: number;
  try {
    port = await server.listen();
  } catch (e) {
    process.stderr.write(`pocket-ic: cannot listen on ${args.ipAddr}:${args.port}: ${(e as Error).message}\n`);
    if (args.portFile !== undefined) releasePortFile(args.portFile, undefined);
    return 1;
  }
  if (fd !== undefined) writePort(fd, port);
  const release = (): void => { if (args.portFile !== undefined) releasePortFile(args.portFile, port); };
  process.on('exit', release);
  log(`listening on http://${args.ipAddr}:${port} (ready ${Math.round(performance.now())} ms after the process started)`);
  server.warm();
  const stop = (signal: string): void => { log(`${signal}: stopping`); void server.stop(); };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  await server.stopped;
  release();
  return 0;
}

process.exitCode = await main();
process.exit();
