/**
 * The system canisters' Wasm: their Motoko sources (beside this file)
 * compiled with the `motoko` package (moc + `mo:core`) in a child process,
 * once, and cached by hash of (source, motoko and mo:core versions) under
 * `<package>/.cache/system-canisters/` (git-ignored). `npm ci`'s
 * postinstall builds them (scripts/setup.mjs runs build.ts); otherwise the
 * first use does (2–3 s per canister). A cached module costs a file read.
 * Modules are kept gzipped (the management canister takes gzipped Wasm):
 * install_code's Candid argument is then a third of the size, and decoding
 * it (several times on the way in) is most of what installing costs.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { mocToolVersions, runMocWorker } from './moc-process.ts';

/** The system canisters built from Motoko here. */
export type SystemCanisterName = 'cycles-ledger' | 'cmc';
export const SYSTEM_CANISTER_NAMES: readonly SystemCanisterName[] = ['cycles-ledger', 'cmc'];

const WORKER = fileURLToPath(new URL('./moc-worker.ts', import.meta.url));
/** `<package>/.cache/system-canisters/`. */
export const SYSTEM_CANISTER_CACHE_DIR = fileURLToPath(new URL('../../.cache/system-canisters/', import.meta.url));

/** Bump when moc-worker.ts changes what it writes for the same source. */
const BUILD_VERSION = 3;

const sourceOf = (name: SystemCanisterName): string => readFileSync(new URL(`./${name}.mo`, import.meta.url), 'utf8');

/** Where the canister's gzipped Wasm is cached: `<name>-<hex sha256 of source and tool versions>.wasm.gz`. */
export function cachePath(name: SystemCanisterName): string {
  const hash = createHash('sha256').update(JSON.stringify({ source: sourceOf(name), versions: mocToolVersions(), build: BUILD_VERSION })).digest('hex');
  return `${SYSTEM_CANISTER_CACHE_DIR}${name}-${hash}.wasm.gz`;
}

const inFlight = new Map<string, Promise<Uint8Array>>();

/** The canister's Wasm (gzipped), compiled on first use and cached. @throws if the `motoko` package is missing or the compile fails. */
export function systemCanisterWasm(name: SystemCanisterName): Promise<Uint8Array> {
  const out = cachePath(name);
  let p = inFlight.get(out);
  if (p === undefined) {
    p = (async () => {
      if (!existsSync(out)) {
        mkdirSync(SYSTEM_CANISTER_CACHE_DIR, { recursive: true });
        const raw = `${out}.${process.pid}.wasm`;
        await runMocWorker(WORKER, { source: sourceOf(name), out: raw }, `compiling the ${name === 'cmc' ? 'cycles minting canister' : 'cycles ledger'} failed`);
        const tmp = `${out}.${process.pid}.tmp`;
        writeFileSync(tmp, gzipSync(readFileSync(raw), { level: 9 }));
        renameSync(tmp, out);
        unlinkSync(raw);
      }
      return new Uint8Array(await readFile(out));
    })();
    inFlight.set(out, p);
    p.catch(() => inFlight.delete(out));
  }
  return p;
}
