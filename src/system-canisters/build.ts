// Builds the system canisters' Wasm into the cache (compile.ts) ahead of
// the first `npm start`: run by `npm ci`'s postinstall (scripts/setup.mjs).
// `node src/system-canisters/build.ts`; exit 1 with the reason if a compile fails.
import { SYSTEM_CANISTER_NAMES, cachePath, systemCanisterWasm } from './compile.ts';

for (const name of SYSTEM_CANISTER_NAMES) {
  try {
    const wasm = await systemCanisterWasm(name);
    process.stdout.write(`setup: ${name}: ${wasm.length} bytes (gzipped) in ${cachePath(name)}\n`);
  } catch (e) {
    process.stderr.write(`setup: ${name}: ${(e as Error).message}\n`);
    process.exitCode = 1;
  }
}
