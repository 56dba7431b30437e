/**
 * The port-file handshake of `pocket-ic-server`: the file is created
 * exclusively (O_EXCL) before the server listens, and the port is written
 * into it in one write once it does ("<port>\n"). A client (pic-js polls
 * the file every 100 ms) never reads a partial number.
 *
 * If the file exists, another server owns it and this one exits quietly,
 * so test processes that share a parent share one server — unless the
 * file is stale (a killed run of the same parent pid): a port nobody
 * answers on, or a file left empty for longer than a starting server
 * needs. Then it is replaced. The real server exits on any existing file,
 * and pic-js then waits on a dead port.
 */
import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';

/** A file left empty this long was not written by a server that is still starting. */
const STALE_EMPTY_MS = 10_000;
const PROBE_TIMEOUT_MS = 1_000;

export type PortFileClaim =
  | { readonly kind: 'claimed'; readonly fd: number }
  | { readonly kind: 'taken'; readonly port: number | undefined }
  | { readonly kind: 'error'; readonly message: string };

/** Whether a PocketIC server answers `GET /status` on `port` of 127.0.0.1. */
export function probeServer(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = process.getBuiltinModule('node:http').request({ host: '127.0.0.1', port, path: '/status', method: 'GET', timeout: PROBE_TIMEOUT_MS }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => { req.destroy(); resolve(false); });
    req.on('error', () => resolve(false));
    req.end();
  });
}

const errnoOf = (e: unknown): string | undefined => (e as NodeJS.ErrnoException).code;

/**
 * Creates `path` exclusively (see the module header).
 * @returns `claimed` with the open file, `taken` if a live server owns it, or an error.
 */
export async function claimPortFile(path: string, nowMs: () => number = Date.now): Promise<PortFileClaim> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      return { kind: 'claimed', fd: openSync(path, 'wx', 0o600) };
    } catch (e) {
      if (errnoOf(e) !== 'EEXIST') return { kind: 'error', message: `cannot create the port file ${path}: ${(e as Error).message}` };
    }
    let text: string, mtimeMs: number;
    try {
      text = readFileSync(path, 'utf8');
      mtimeMs = statSync(path).mtimeMs;
    } catch {
      continue; // removed meanwhile: try again
    }
    const port = Number.parseInt(text, 10);
    if (Number.isNaN(port)) {
      if (nowMs() - mtimeMs < STALE_EMPTY_MS) return { kind: 'taken', port: undefined };
    } else if (await probeServer(port)) {
      return { kind: 'taken', port };
    }
    try { unlinkSync(path); } catch { /* another server replaced it first */ }
  }
  return { kind: 'taken', port: undefined };
}

/** Writes "<port>\n" in one write and closes the file. */
export function writePort(fd: number, port: number): void {
  const bytes = Buffer.from(`${port}\n`);
  const n = writeSync(fd, bytes, 0, bytes.length, 0);
  closeSync(fd);
  if (n !== bytes.length) throw new Error(`short write to the port file (${n} of ${bytes.length} bytes)`);
}

/** Removes the port file if it still holds `port` (a successor may have replaced it). */
export function releasePortFile(path: string, port: number | undefined): void {
  try {
    const text = readFileSync(path, 'utf8');
    if (port === undefined || Number.parseInt(text, 10) === port || text === '') unlinkSync(path);
  } catch { /* gone already */ }
}
