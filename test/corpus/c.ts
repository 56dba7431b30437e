// Build the C test canisters (test/corpus/c/*.c) with Debian clang for
// wasm32, cached by sha256 of (source, headers, flags, clang version) in
// `.cache/c/`. clang and wasm-ld come from scripts/setup.mjs (postinstall);
// without them compileC returns a skip reason instead of bytes.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { basename, join } from 'node:path';

/** The directory of the C canisters. */
export const C_DIR = fileURLToPath(new URL('./c/', import.meta.url));
/** Cache directory, `<repo>/.cache/c/` (git-ignored). */
export const C_CACHE_DIR = fileURLToPath(new URL('../../.cache/c/', import.meta.url));

/** clang flags: freestanding wasm32 with bulk memory (memset/memcpy become memory.fill/copy). */
export const CLANG_FLAGS = [
  '--target=wasm32', '-O2', '-nostdlib', '-mbulk-memory', '-Wall', '-Wextra', '-Werror',
  '-Wl,--no-entry', '-Wl,--allow-undefined', '-Wl,--export-dynamic',
];

let clangVersion: string | { skipped: string } | undefined;

function probeClang(): string | { skipped: string } {
  const r = spawnSync('clang', ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return { skipped: 'clang is not installed (scripts/setup.mjs installs clang and lld with apt-get)' };
  const ld = spawnSync('wasm-ld', ['--version'], { encoding: 'utf8' });
  if (ld.error || ld.status !== 0) return { skipped: 'wasm-ld is not installed (scripts/setup.mjs installs lld with apt-get)' };
  return r.stdout.split('\n')[0];
}

/**
 * Compiles a C canister to wasm32, or says why it cannot. `file` is a path
 * or the bare name of a canister in test/corpus/c/ (`counter`, `compute`).
 * Throws on a compile error.
 */
export function compileC(file: string): Uint8Array<ArrayBuffer> | { skipped: string } {
  clangVersion ??= probeClang();
  if (typeof clangVersion !== 'string') return clangVersion;
  const path = file.endsWith('.c') ? file : join(C_DIR, `${file}.c`);
  const dir = join(path, '..');
  const headers = readdirSync(dir).filter((f) => f.endsWith('.h')).sort()
    .map((f) => `${f}\n${readFileSync(join(dir, f), 'utf8')}`);
  const key = createHash('sha256')
    .update(JSON.stringify([readFileSync(path, 'utf8'), headers, CLANG_FLAGS, clangVersion]))
    .digest('hex');
  const out = join(C_CACHE_DIR, `${basename(path, '.c')}-${key.slice(0, 32)}.wasm`);
  if (!existsSync(out)) {
    mkdirSync(C_CACHE_DIR, { recursive: true });
    const tmp = `${out}.${process.pid}.tmp`;
    const r = spawnSync('clang', [...CLANG_FLAGS, '-o', tmp, path], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`clang failed on ${path}:\n${r.stderr}`);
    renameSync(tmp, out);
  }
  return new Uint8Array(readFileSync(out));
}
