/**
 * `deploy file.mo`: the Motoko source compiled in this process with the
 * `motoko` package (moc and `mo:core`; one compile per process — moc's output
 * is not byte-identical when it compiles twice in one process). The `.mo`
 * files under the file's folder are given to moc, so relative imports
 * resolve. `candid:service` and `candid:args` are made public metadata, as
 * icp-cli and dfx do, so anyone can read the interface (`ic-exec call`).
 * Compiled modules are cached by their sources (see compileMotokoFile).
 */
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { dirname, join, relative, sep } from 'node:path';
import type { CliError } from './output.ts';

export type MotokoResult = { ok: true; wasm: Uint8Array; candid: string } | { ok: false; error: CliError };

/** At most this many `.mo` files are read from the source's folder. */
const MAX_FILES = 500;

interface Moc {
  loadPackage(pkg: unknown): void;
  setPublicMetadata(names: string[]): void;
  write(path: string, content: string): void;
  wasm(path: string, mode: 'ic'): { wasm: Uint8Array; candid: string };
  check(path: string): Array<{ source?: string; range: { start: { line: number; character: number } }; message: string; severity: number }>;
}

async function motokoFiles(dir: string, out: string[] = []): Promise<string[]> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (out.length >= MAX_FILES) break;
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await motokoFiles(path, out);
    else if (entry.name.endsWith('.mo')) out.push(path);
  }
  return out;
}

let compiled = false;

/** Where compiled modules are kept: `$IC_EXEC_CACHE_DIR/moc`, else `<project>/.cache/ic-exec-moc` (files `<key>.{wasm,did}`). */
export function mocCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.IC_EXEC_CACHE_DIR;
  return dir !== undefined && dir !== '' ? join(dir, 'moc') : fileURLToPath(new URL('../../.cache/ic-exec-moc', import.meta.url));
}
const PUBLIC_METADATA = ['candid:service', 'candid:args'];

/**
 * Compiles the actor in `path` (`onCompile` is called when moc actually
 * runs). The module is kept in {@link mocCacheDir} under a hash of the
 * sources given to moc, moc's and mo:core's versions and the options, so
 * deploying unchanged sources again does not compile (moc is deterministic
 * across processes). A compile error is returned with moc's diagnostics
 * (`file:line:col: message`).
 */
export async function compileMotokoFile(path: string, onCompile: () => void = () => undefined, cacheDir: string = mocCacheDir()): Promise<MotokoResult> {
  const root = dirname(path);
  const require = createRequire(import.meta.url);
  const mocPath = (file: string): string => relative(root, file).split(sep).join('/');
  const sources = new Map<string, string>();
  for (const file of await motokoFiles(root).catch(() => [path])) sources.set(mocPath(file), await readFile(file, 'utf8'));
  sources.set(mocPath(path), await readFile(path, 'utf8'));
  const versions = ['motoko/package.json', 'motoko/packages/latest/core.json'].map((f) => (JSON.parse(readFileSync(require.resolve(f), 'utf8')) as { version: string }).version);
  const key = createHash('sha256').update(JSON.stringify({ main: mocPath(path), sources: [...sources].sort(), versions, metadata: PUBLIC_METADATA })).digest('hex');
  const cached = join(cacheDir, key);
  try {
    const [wasm, candid] = await Promise.all([readFile(`${cached}.wasm`), readFile(`${cached}.did`, 'utf8')]);
    return { ok: true, wasm: new Uint8Array(wasm), candid };
  } catch {
    // Not compiled yet.
  }
  if (compiled) throw new Error('compileMotokoFile: one compile per process');
  compiled = true;
  onCompile();
  const mo = require('motoko') as Moc;
  mo.loadPackage(require('motoko/packages/latest/core.json'));
  mo.setPublicMetadata(PUBLIC_METADATA);
  for (const [file, text] of sources) mo.write(file, text);
  try {
    const { wasm, candid } = mo.wasm(mocPath(path), 'ic');
    keep(cached, wasm, candid);
    return { ok: true, wasm, candid };
  } catch (e) {
    const diagnostics = mo.check(mocPath(path)).filter((d) => d.severity === 1);
    const text = diagnostics.length === 0
      ? (e instanceof Error ? e.message : JSON.stringify(e))
      : diagnostics.map((d) => `${d.source === undefined ? path : join(root, d.source)}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.message}`).join('\n');
    return { ok: false, error: { code: null, message: `${path} does not compile:\n${text}` } };
  }
}

/** Writes a compiled module to the cache (best effort; the .did first, the .wasm renamed in last). */
function keep(cached: string, wasm: Uint8Array, candid: string): void {
  try {
    mkdirSync(dirname(cached), { recursive: true });
    const tmp = `.${process.pid}.tmp`;
    writeFileSync(`${cached}.did${tmp}`, candid);
    renameSync(`${cached}.did${tmp}`, `${cached}.did`);
    writeFileSync(`${cached}.wasm${tmp}`, wasm);
    renameSync(`${cached}.wasm${tmp}`, `${cached}.wasm`);
  } catch {
    // A cache that cannot be written only costs a compile next time.
  }
}
