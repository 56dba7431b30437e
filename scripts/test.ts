// `npm test`: type check, lint, then every test file with Node's runner.
// Unit tests live beside the code (src/**/*.test.ts); integration and
// end-to-end tests under test/. Runs on the Node 24 that npm puts first
// on PATH (the `node` devDependency).
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

function run(label: string, cmd: string, args: string[]): void {
  process.stdout.write(`\n== ${label}\n`);
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) {
    process.stdout.write(`\n${label} failed (exit ${r.status ?? r.signal})\n`);
    process.exit(r.status ?? 1);
  }
}

const only = process.argv.slice(2);
if (only.length === 0) {
  run('type check', 'tsc', ['--noEmit', '-p', '.']);
  run('lint', 'eslint', ['.']);
}
const files = only.length > 0 ? only : ['src/**/*.test.ts', 'test/**/*.test.ts'];
run('tests', process.execPath, [
  '--test',
  `--test-concurrency=${Math.max(2, availableParallelism())}`,
  '--test-reporter=spec',
  ...files,
]);
