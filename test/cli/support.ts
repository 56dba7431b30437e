// Support for the ic-exec command-line tests: the command run as a user
// runs it (bin/ic-exec, a child process with pipes — so stdout is not a
// TTY), its exit code and output captured; the replica is test/http's
// `npm start` child (startServed).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

export { startServed } from '../http/support.ts';
export type { Served } from '../http/support.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = fileURLToPath(new URL('../../bin/ic-exec', import.meta.url));

/** What a run printed and how it ended. */
export interface Ran {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The environment of a run: no test-runner variables, no NO_COLOR / IC_EXEC_URL of the caller unless given. */
export function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of ['NODE_TEST_CONTEXT', 'NODE_OPTIONS', 'NO_COLOR', 'IC_EXEC_URL', 'FORCE_COLOR']) delete env[k];
  return { ...env, ...extra };
}

/** Runs `cmd args` to its end. */
export function runProcess(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs `bin/ic-exec args`. */
export function icExec(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  return runProcess(BIN, args, env);
}

/** `ic-exec --url <url> args`, which must succeed; its stdout. */
export async function ok(url: string, ...args: string[]): Promise<string> {
  const r = await icExec(['--url', url, ...args]);
  assert.equal(r.code, 0, `ic-exec ${args.join(' ')} exited ${r.code}:\n${r.stderr}${r.stdout}`);
  assertPlain(r);
  return r.stdout;
}

/** `ic-exec --json --url <url> args`: exit code and the one JSON document on stdout. */
export async function json(url: string, ...args: string[]): Promise<{ code: number | null; doc: Record<string, unknown>; stderr: string }> {
  const r = await icExec(['--json', '--url', url, ...args]);
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(r.stdout) as Record<string, unknown>;
  } catch {
    assert.fail(`ic-exec --json ${args.join(' ')}: stdout is not one JSON document:\n${r.stdout}\nstderr:\n${r.stderr}`);
  }
  return { code: r.code, doc, stderr: r.stderr };
}

/** No ANSI escape anywhere: the output went to pipes, not a terminal. */
export function assertPlain(r: Ran): void {
  assert.ok(!(r.stdout + r.stderr).includes('\u001b['), 'ANSI escapes in output to a pipe');
}
