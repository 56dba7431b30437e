/**
 * The compile cache, keyed by the module's hash (SHA-256 of the bytes as
 * installed, the IC's module hash) and the instrumentation version:
 *
 * - in memory, an LRU of compiled `WebAssembly.Module`s with their
 *   instrumentation output (bounded by entries and by instrumented bytes);
 *   rejected modules are remembered too, as the replica caches compilation
 *   errors;
 * - on disk (optional `dir`), the instrumented artifact, so a restart or a
 *   second replica skips decoding, validation and instrumentation and only
 *   compiles (V8 compiles lazily, so that is fast).
 *
 * The cache changes speed only, never results: a hit returns exactly what a
 * cold compile would. Disk entries that fail to decode are ignored and
 * rewritten.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CanisterId } from '../types/index.ts';
import type { UserError } from '../errors/index.ts';
import { decodeArtifact, encodeArtifact } from './artifact-codec.ts';
import type { InstrumentationOutput, InstrumentOptions } from './instrument.ts';
import { configureEngine } from './engine.ts';
import { prepareModule } from './prepare.ts';

/** Bump whenever instrumentation output changes for the same input. */
export const INSTRUMENTATION_VERSION = 4;

/** A module ready to instantiate. */
export interface CompiledModule {
  /** Hex SHA-256 of the installed bytes. */
  readonly hash: string;
  readonly module: WebAssembly.Module;
  readonly output: InstrumentationOutput;
  /**
   * The module as installed (`hash` is its SHA-256), for canister snapshots.
   * Set by the cache on the main thread; absent where only the compiled form
   * travels (sandbox workers). Never mutated.
   */
  readonly wasm?: Uint8Array;
}

export type CacheLookup =
  | { ok: true; compiled: CompiledModule; source: 'memory' | 'disk' | 'compiled' }
  | { ok: false; error: UserError; source: 'memory' | 'compiled' };

export interface CompileCacheOptions {
  /** Directory for instrumented artifacts; omit for a memory-only cache. */
  dir?: string;
  /** Most compiled modules kept in memory (default 256). */
  maxEntries?: number;
  /** Most instrumented bytes kept in memory (default 1 GiB). */
  maxBytes?: number;
  instrumentOptions?: InstrumentOptions;
}

type Entry = { ok: true; compiled: CompiledModule; bytes: number } | { ok: false; error: UserError; bytes: number };

/** Hex SHA-256 of `bytes`. */
export function moduleHash(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export class CompileCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  private readonly dir: string | undefined;
  private readonly maxEntries: number;
  private readonly maxBytes: number;
  private readonly instrumentOptions: InstrumentOptions;
  /** Counters for metrics and tests. */
  readonly stats = { memoryHits: 0, diskHits: 0, compiles: 0 };

  constructor(options: CompileCacheOptions = {}) {
    configureEngine(); // before the first compile: the engine flags govern every module it compiles
    this.dir = options.dir;
    this.maxEntries = options.maxEntries ?? 256;
    this.maxBytes = options.maxBytes ?? 2 ** 30;
    this.instrumentOptions = options.instrumentOptions ?? {};
    if (this.dir !== undefined) mkdirSync(this.dir, { recursive: true });
  }

  /** Returns the compiled module for `bytes`, or the IC0505 error it gets. */
  get(bytes: Uint8Array, canisterId?: CanisterId): CacheLookup {
    const hash = moduleHash(bytes);
    const key = `${hash}-v${INSTRUMENTATION_VERSION}`;
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      this.entries.delete(key); // refresh LRU position
      this.entries.set(key, hit);
      this.stats.memoryHits++;
      return hit.ok ? { ok: true, compiled: hit.compiled, source: 'memory' } : { ok: false, error: hit.error, source: 'memory' };
    }
    const fromDisk = this.readDisk(key);
    if (fromDisk !== undefined) {
      const compiled = { hash, module: new WebAssembly.Module(fromDisk.binary as Uint8Array<ArrayBuffer>), output: fromDisk, wasm: Uint8Array.from(bytes) };
      this.remember(key, { ok: true, compiled, bytes: fromDisk.binary.length + bytes.length });
      this.stats.diskHits++;
      return { ok: true, compiled, source: 'disk' };
    }
    this.stats.compiles++;
    const prepared = prepareModule(bytes, this.instrumentOptions, canisterId);
    if (!prepared.ok) {
      this.remember(key, { ok: false, error: prepared.error, bytes: 0 });
      return { ok: false, error: prepared.error, source: 'compiled' };
    }
    const output = prepared.output;
    const compiled = { hash, module: new WebAssembly.Module(output.binary as Uint8Array<ArrayBuffer>), output, wasm: Uint8Array.from(bytes) };
    this.remember(key, { ok: true, compiled, bytes: output.binary.length + bytes.length });
    this.writeDisk(key, output);
    return { ok: true, compiled, source: 'compiled' };
  }

  /** Number of modules held in memory. */
  get size(): number {
    return this.entries.size;
  }

  private remember(key: string, entry: Entry): void {
    this.entries.set(key, entry);
    this.bytes += entry.bytes;
    for (const [k, e] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.bytes <= this.maxBytes) break;
      if (k === key) continue;
      this.entries.delete(k);
      this.bytes -= e.bytes;
    }
  }

  private readDisk(key: string): InstrumentationOutput | undefined {
    if (this.dir === undefined) return undefined;
    let data: Uint8Array;
    try {
      data = readFileSync(join(this.dir, `${key}.bin`));
    } catch {
      return undefined;
    }
    try {
      const output = decodeArtifact<InstrumentationOutput>(data);
      return output.binary instanceof Uint8Array ? output : undefined;
    } catch {
      return undefined;
    }
  }

  private writeDisk(key: string, output: InstrumentationOutput): void {
    if (this.dir === undefined) return;
    const file = join(this.dir, `${key}.bin`);
    const tmp = `${file}.${process.pid}.tmp`;
    try {
      writeFileSync(tmp, encodeArtifact(output));
      renameSync(tmp, file);
    } catch {
      // A cache that cannot write is still a correct (slower) cache.
    }
  }
}
