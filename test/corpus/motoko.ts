// Compile Motoko test canisters with the bundled `motoko` npm package (moc +
// mo:core), one child process per compile, cached on disk.
//
// Why a child process: moc takes 2–3 s per compile and is not byte-identical
// when it compiles twice in one process; a fresh process per compile gives
// reproducible bytes. Why a disk cache: keyed by sha256 of (source, options,
// motoko and mo:core versions) under `.cache/motoko/`, written atomically
// (the worker writes a tmp file and renames it) so that several test
// processes may compile at once. A lock file per key (holding the owner's
// pid) stops two processes from compiling the same module twice.
import { createHash } from 'node:crypto';
import { mkdirSync, openSync, closeSync, readFileSync, existsSync, unlinkSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { mocToolVersions, runMocWorker } from '../../src/system-canisters/index.ts';

/** Options of {@link compileMotoko}. */
export interface MotokoOptions {
  /** `enhanced` (moc's default: EOP, 64-bit memory and table) or `classic` (wasm32, `classicOP`). */
  persistence?: 'enhanced' | 'classic';
}

/** A compiled Motoko canister. */
export interface MotokoOutput {
  wasm: Uint8Array<ArrayBuffer>;
  /** The candid service description moc emitted. */
  candid: string;
}

const WORKER = fileURLToPath(new URL('./motoko-worker.ts', import.meta.url));
/** Cache directory, `<repo>/.cache/motoko/` (git-ignored). */
export const MOTOKO_CACHE_DIR = fileURLToPath(new URL('../../.cache/motoko/', import.meta.url));
const MAX_CHILDREN = 2;

let versions: string | undefined;

/** The cache key of a compile: hex sha256 of source, options and tool versions. */
export function motokoCacheKey(source: string, opts: MotokoOptions = {}): string {
  versions ??= mocToolVersions();
  const persistence = opts.persistence ?? 'enhanced';
  return createHash('sha256').update(JSON.stringify({ source, persistence, versions })).digest('hex');
}

// In-process limit on concurrent moc children.
let running = 0;
const waiting: Array<() => void> = [];
async function withSlot<T>(fn: () => Promise<T>): Promise<T> {
  if (running >= MAX_CHILDREN) await new Promise<void>((r) => waiting.push(r));
  running++;
  try { return await fn(); } finally { running--; waiting.shift()?.(); }
}

function pidAlive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}

/** Takes the per-key lock; false if a live process holds it. Stale locks are removed. */
function tryLock(lock: string): boolean {
  try {
    const fd = openSync(lock, 'wx');
    writeSync(fd, String(process.pid));
    closeSync(fd);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  let owner = NaN;
  try { owner = Number(readFileSync(lock, 'utf8')); } catch { /* just released */ }
  if (owner && !pidAlive(owner)) { try { unlinkSync(lock); } catch { /* raced */ } }
  return false;
}

const inFlight = new Map<string, Promise<MotokoOutput>>();

async function compileCached(source: string, persistence: 'enhanced' | 'classic', key: string): Promise<MotokoOutput> {
  mkdirSync(MOTOKO_CACHE_DIR, { recursive: true });
  const out = MOTOKO_CACHE_DIR + key;
  const lock = out + '.lock';
  for (;;) {
    if (existsSync(out + '.wasm')) {
      const [wasm, candid] = await Promise.all([readFile(out + '.wasm'), readFile(out + '.did', 'utf8')]);
      return { wasm: new Uint8Array(wasm), candid };
    }
    if (tryLock(lock)) {
      try {
        if (!existsSync(out + '.wasm')) await withSlot(() => runMocWorker(WORKER, { source, persistence, out }, 'Motoko compile failed'));
      } finally { unlinkSync(lock); }
    } else {
      await sleep(100);
    }
  }
}

/** Compiles a Motoko actor (cached) and returns the wasm and its candid interface. */
export function compileMotokoWithCandid(source: string, opts: MotokoOptions = {}): Promise<MotokoOutput> {
  const persistence = opts.persistence ?? 'enhanced';
  const key = motokoCacheKey(source, { persistence });
  let p = inFlight.get(key);
  if (!p) {
    p = compileCached(source, persistence, key);
    inFlight.set(key, p);
    p.catch(() => inFlight.delete(key));
  }
  return p.then((o) => ({ wasm: o.wasm.slice(), candid: o.candid }));
}

/**
 * Compiles a Motoko actor to canister wasm. `persistence: 'enhanced'` (the
 * default) is moc's EOP output (memory64 + table64); `'classic'` is wasm32.
 * Only `mo:core` imports resolve (the package bundles no `mo:base`).
 */
export async function compileMotoko(source: string, opts: MotokoOptions = {}): Promise<Uint8Array<ArrayBuffer>> {
  return (await compileMotokoWithCandid(source, opts)).wasm;
}
