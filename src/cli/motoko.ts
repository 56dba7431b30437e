/**
 * `deploy file.mo`: the Motoko source compiled in this process with the
 * `motoko` package (moc and `mo:core`; one compile per process — moc's output
 * is not byte-identical when it compiles twice in one process). The `.mo`
 * files under the file's folder are given to moc, so relative imports
 * resolve. `candid:service` and `candid:args` are made public metadata, as
 * icp-cli and dfx do, so anyone can read the interface (`ic-exec call`).
 */
import { createRequire } from 'node:module';
import { readdir, readFile } from 'node:fs/promises';
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

/** Compiles the actor in `path`. A compile error is returned with moc's diagnostics (`file:line:col: message`). */
export async function compileMotokoFile(path: string): Promise<MotokoResult> {
  if (compiled) throw new Error('compileMotokoFile: one compile per process');
  compiled = true;
  const root = dirname(path);
  const require = createRequire(import.meta.url);
  const mo = require('motoko') as Moc;
  mo.loadPackage(require('motoko/packages/latest/core.json'));
  mo.setPublicMetadata(['candid:service', 'candid:args']);
  const mocPath = (file: string): string => relative(root, file).split(sep).join('/');
  for (const file of await motokoFiles(root).catch(() => [path])) mo.write(mocPath(file), await readFile(file, 'utf8'));
  mo.write(mocPath(path), await readFile(path, 'utf8'));
  try {
    const { wasm, candid } = mo.wasm(mocPath(path), 'ic');
    return { ok: true, wasm, candid };
  } catch (e) {
    const diagnostics = mo.check(mocPath(path)).filter((d) => d.severity === 1);
    const text = diagnostics.length === 0
      ? (e instanceof Error ? e.message : JSON.stringify(e))
      : diagnostics.map((d) => `${d.source === undefined ? path : join(root, d.source)}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.message}`).join('\n');
    return { ok: false, error: { code: null, message: `${path} does not compile:\n${text}` } };
  }
}
