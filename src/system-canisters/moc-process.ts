/**
 * Running moc (the `motoko` package) in a child process: one compile per
 * process, as moc's output is not byte-identical when it compiles twice in
 * one. The system canisters' build (compile.ts) and test/corpus's Motoko
 * canisters both compile this way, each with its own worker script.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** `motoko@<version> core@<version>`: the versions of moc and `mo:core` that a cached module depends on. */
export function mocToolVersions(): string {
  const pkg = JSON.parse(readFileSync(require.resolve('motoko/package.json'), 'utf8')) as { version: string };
  const core = JSON.parse(readFileSync(require.resolve('motoko/packages/latest/core.json'), 'utf8')) as { version: string };
  return `motoko@${pkg.version} core@${core.version}`;
}

/**
 * Runs `worker` (a TypeScript file) in a fresh Node process with `job` as
 * JSON on its stdin (without the parent's test-runner context or
 * NODE_OPTIONS). Rejects with `<failure> (moc exit N):` and the worker's
 * stderr when it exits with another code than 0.
 */
export function runMocWorker(worker: string, job: unknown, failure: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    delete env.NODE_TEST_CONTEXT;
    delete env.NODE_OPTIONS;
    const child = spawn(process.execPath, [worker], { stdio: ['pipe', 'ignore', 'pipe'], env });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${failure} (moc exit ${code}):\n${stderr}`));
    });
    child.stdin.end(JSON.stringify(job));
  });
}
