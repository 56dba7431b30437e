// Shared pieces of the PocketIC suite: the server binary, a server
// started the way pic-js starts it but with a port file of its own (only
// one test file per `node --test` run may use `PocketIcServer.start`,
// whose port file is named after the runner's pid and so is shared by
// every file), and small helpers.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PocketIc } from '@dfinity/pic';
import { Principal } from '@icp-sdk/core/principal';

/** bin/pocket-ic. */
export const POCKET_IC_BIN = fileURLToPath(new URL('../../bin/pocket-ic', import.meta.url));

/** A running bin/pocket-ic. */
export interface Server {
  readonly url: string;
  readonly port: number;
  readonly portFile: string;
  readonly child: ChildProcess;
  /** SIGTERM, then waits for the exit; @returns the exit code. */
  stop(): Promise<number | null>;
}

/** Waits until `file` holds "<port>\n" (as pic-js polls it); @returns the port. */
export async function waitForPort(file: string, timeoutMs = 30_000): Promise<number> {
  const start = Date.now();
  for (;;) {
    let text = '';
    try { text = readFileSync(file, 'utf8'); } catch { /* not yet */ }
    const port = Number.parseInt(text, 10);
    if (!Number.isNaN(port)) return port;
    if (Date.now() - start > timeoutMs) throw new Error(`no port in ${file} after ${timeoutMs} ms`);
    await sleep(5);
  }
}

/** Starts bin/pocket-ic with a port file in a fresh directory (extra arguments after). */
export async function startServer(args: readonly string[] = []): Promise<Server> {
  const dir = mkdtempSync(join(tmpdir(), 'pocket-ic-test-'));
  const portFile = join(dir, 'pocket_ic.port');
  const child = spawn(POCKET_IC_BIN, ['--port-file', portFile, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const port = await waitForPort(portFile);
  return {
    url: `http://127.0.0.1:${port}`, port, portFile, child,
    async stop() {
      child.kill('SIGTERM');
      const code = await exited;
      rmSync(dir, { recursive: true, force: true });
      return code;
    },
  };
}

/** The rejection message of `p` (fails if it fulfils). */
export async function rejection(p: Promise<unknown>): Promise<string> {
  try { await p; } catch (e) { return (e as Error).message; }
  throw new Error('expected a rejection');
}

export const bytes = (v: Uint8Array | number[]): number[] => [...v];

// pic-js 0.23 is built on @icp-sdk/core 5 (its own copy), the project on 6:
// the same classes at run time, different types. Tests name pic's types.
/** The `Principal` type pic-js takes and returns. */
export type PicPrincipal = Awaited<ReturnType<PocketIc['getDefaultEffectiveCanisterId']>>;
/** The IDL factory type pic-js takes. */
export type PicIdlFactory = Parameters<PocketIc['createActor']>[0];
/** A principal from its text, typed for pic-js. */
export const principal = (text: string): PicPrincipal => Principal.fromText(text) as unknown as PicPrincipal;
