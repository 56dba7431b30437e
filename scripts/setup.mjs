// Runs after `npm ci` (postinstall). Installs the Debian packages the test
// suite needs when they are missing and this is a root shell with apt-get:
// clang and lld build the C test canisters; chromium runs the dashboard's
// browser test (test/dashboard, through playwright-core). Set
// IC_EXEC_NO_APT=1 to skip; the tests that need them then say why they did
// not run.
import { spawnSync } from 'node:child_process';

const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** Debian package → the command that shows it is installed, and what needs it. */
const NEEDED = [
  { pkg: 'clang', cmd: 'clang', for: 'C test canisters' },
  { pkg: 'lld', cmd: 'wasm-ld', for: 'C test canisters' },
  { pkg: 'chromium', cmd: 'chromium', for: 'the dashboard browser test' },
];
const missing = NEEDED.filter((n) => !has(n.cmd));

if (process.env.IC_EXEC_NO_APT === '1') {
  console.log('setup: IC_EXEC_NO_APT=1, not installing Debian packages');
} else if (missing.length === 0) {
  console.log(`setup: ${NEEDED.map((n) => n.cmd).join(', ')} present`);
} else if (!isRoot || !has('apt-get')) {
  console.log(`setup: ${missing.map((n) => n.pkg).join(', ')} missing and apt-get unavailable; `
    + `the tests that need them (${[...new Set(missing.map((n) => n.for))].join(', ')}) will be skipped with that reason`);
} else {
  const pkgs = missing.map((n) => n.pkg);
  console.log(`setup: installing ${pkgs.join(', ')} from Debian (${[...new Set(missing.map((n) => n.for))].join(', ')})`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  const install = update.status === 0
    ? spawnSync('apt-get', ['install', '-y', '-qq', ...pkgs], { stdio: 'inherit', env })
    : update;
  if (install.status !== 0) console.log('setup: apt-get failed; the tests that need these packages will be skipped with that reason');
}

// The local cycles ledger and cycles minting canister (src/system-canisters)
// are Motoko compiled with the `motoko` package: build them now so the first
// `npm start` does not (it would, 2–3 s per canister). Run on the project's
// Node 24 (node_modules/.bin is on the PATH of npm scripts); a failure only
// means the first start compiles them.
const build = spawnSync('node', ['src/system-canisters/build.ts'], { stdio: 'inherit' });
if (build.status !== 0) console.log('setup: the system canisters were not built now; the first npm start builds them');
