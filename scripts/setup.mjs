// Runs after `npm ci` (postinstall). Installs the Debian packages the test
// suite needs when they are missing and this is a root shell with apt-get:
// clang and lld build the C test canisters. Set IC_EXEC_NO_APT=1 to skip;
// the C canister tests then say why they did not run.
import { spawnSync } from 'node:child_process';

const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

if (process.env.IC_EXEC_NO_APT === '1') {
  console.log('setup: IC_EXEC_NO_APT=1, not installing Debian packages');
} else if (has('clang') && has('wasm-ld')) {
  console.log('setup: clang and wasm-ld present');
} else if (!isRoot || !has('apt-get')) {
  console.log('setup: clang missing and apt-get unavailable; C canister tests will be skipped with that reason');
} else {
  console.log('setup: installing clang and lld from Debian (C test canisters)');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  const install = update.status === 0
    ? spawnSync('apt-get', ['install', '-y', '-qq', 'clang', 'lld'], { stdio: 'inherit', env })
    : update;
  if (install.status !== 0) console.log('setup: apt-get failed; C canister tests will be skipped with that reason');
}
