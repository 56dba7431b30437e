// The test canister corpus: every module built from test/corpus (Motoko in
// both persistence modes, hand-written WAT, C), with workloads whose replies
// are computed independently (reference.ts) so that decode/re-encode,
// validation and instrumentation tests and the benchmarks can check them.
import { readFileSync } from 'node:fs';
import { compileMotokoWithCandid } from './motoko.ts';
import { watFile } from './wat.ts';
import { compileC } from './c.ts';
import type { CallResult, HostOptions, TestCanister } from './host.ts';
import { candidNat, candidNat64, candidPrincipal, candidText, candidUnit } from './candid.ts';
import * as ref from './reference.ts';

/** How a module was built. */
export type CorpusKind = 'motoko-eop' | 'motoko-classic' | 'wat' | 'c';

/** One message to run and what it must give. No expected field set: the method returns without answering. */
export interface Workload {
  /** Method name without the `canister_update`/`canister_query` prefix. */
  method: string;
  arg: Uint8Array;
  isQuery: boolean;
  reply?: Uint8Array;
  /** A substring of the expected trap message. */
  trap?: string;
  reject?: string;
}

/** A corpus module. */
export interface CorpusEntry {
  /** `<kind>/<file>`, e.g. `wat/fib`, `motoko-eop/bench`. */
  name: string;
  kind: CorpusKind;
  bytes: Uint8Array<ArrayBuffer>;
  /** True for compute workloads (benchmark material); false for API and feature coverage. */
  compute: boolean;
  /**
   * Run in order on a fresh instance; every list gives the same replies when
   * repeated on the same instance. Each runs in < 50 ms uninstrumented.
   */
  workloads: Workload[];
  /** Options the workloads need from the test host (e.g. heap rollback on trap). */
  hostOptions: HostOptions;
  /** Candid service description (Motoko only). */
  candid?: string;
}

/** A module the corpus could not build here, and why. */
export interface Skipped { name: string; reason: string }

const u32 = (n: number): Uint8Array => new Uint8Array(new Uint32Array([n]).buffer);
const u64 = (...ns: Array<bigint | number>): Uint8Array =>
  new Uint8Array(new BigUint64Array(ns.map((n) => BigInt.asUintN(64, BigInt(n)))).buffer);
const u32s = (...ns: number[]): Uint8Array => new Uint8Array(new Uint32Array(ns).buffer);
const f64 = (x: number): Uint8Array => new Uint8Array(new Float64Array([x]).buffer);
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const update = (method: string, arg: Uint8Array, expect: Partial<Workload>): Workload => ({ method, arg, isQuery: false, ...expect });
const query = (method: string, arg: Uint8Array, expect: Partial<Workload>): Workload => ({ method, arg, isQuery: true, ...expect });

/** Runs a workload on a test-host instance (`query` for queries, `call` otherwise). */
export function runWorkload(canister: TestCanister, w: Workload): CallResult {
  return w.isQuery ? canister.query(w.method, w.arg) : canister.call(w.method, w.arg);
}

const motokoWorkloads: Record<string, { compute: boolean; rollback?: boolean; workloads: () => Workload[] }> = {
  counter: {
    compute: false,
    workloads: () => [
      update('set', candidNat(41), { reply: candidUnit }),
      update('inc', candidUnit, { reply: candidNat(42) }),
      query('get', candidUnit, { reply: candidNat(42) }),
    ],
  },
  bench: {
    compute: true,
    workloads: () => [
      update('fib', candidNat64(25), { reply: candidNat64(ref.fib(25)) }),
      update('sieve', candidNat(200_000), { reply: candidNat(ref.primesBelow(200_000)) }),
      update('hash', candidNat64(500_000), { reply: candidNat64(ref.fnvMix(500_000)) }),
      update('mapInsert', candidNat(5000), { reply: candidNat(ref.mapInsertSum(5000)) }),
      update('textBuild', candidNat(2000), { reply: candidNat(ref.digitsBelow(2000)) }),
      update('blobSum', candidNat(100_000), { reply: candidNat(ref.blobSum(100_000)) }),
    ],
  },
  calls: {
    compute: false,
    rollback: true,
    workloads: () => [
      update('ping', candidNat(5), { reply: candidNat(6) }),
      update('whoami', candidUnit, { reply: candidPrincipal(Uint8Array.of(4)) }),
      update('fail', candidText('bang'), { trap: 'bang' }),
      query('getTicks', candidUnit, { reply: candidNat(0) }),
      update('selfCall', candidNat(1), {}),
    ],
  },
};

const watWorkloads: Record<string, { compute: boolean; workloads: () => Workload[] }> = {
  fib: { compute: true, workloads: () => [
    update('fib', u32(25), { reply: u64(ref.fib(25)) }),
    query('fib_iter', u32(90), { reply: u64(ref.fib(90)) }),
  ] },
  sieve: { compute: true, workloads: () => [update('sieve', u32(1_000_000), { reply: u64(ref.primesBelow(1_000_000)) })] },
  hash: { compute: true, workloads: () => [update('hash', u32(200_000), { reply: u64(ref.splitmixDigest(200_000)) })] },
  memcopy: { compute: true, workloads: () => [update('memcopy', u32(2000), { reply: u64(ref.memcopyChecksum(2000)) })] },
  multivalue: { compute: true, workloads: () => [
    update('divmod', u32(2000), { reply: u64(...ref.divmodStats(2000)) }),
    update('fib', u32(90), { reply: u64(ref.fib(90)) }),
  ] },
  simd: { compute: true, workloads: () => [
    update('simd_dot', u32(16384), { reply: u32s(...ref.simdDot(16384)) }),
    query('simd_ops', utf8('0123456789abcdef'), { reply: Uint8Array.from([...utf8('0123456789abcdef'), ...u32(0x7ffff)]) }),
  ] },
  reftypes: { compute: true, workloads: () => [
    update('apply', u32(100_000), { reply: u64(ref.reftypesApply(100_000)) }),
    query('refs', new Uint8Array(0), { reply: u32s(8, 1, 0, 1, 6 << 7, 1) }),
    update('call_null', new Uint8Array(0), { trap: '' }),
  ] },
  memory64: { compute: true, workloads: () => [
    query('layout', new Uint8Array(0), { reply: u64(1, 1) }),
    update('sum', u32(200_000), { reply: u64(ref.memory64Sum(200_000)) }),
    query('stable', new Uint8Array(0), { reply: utf8('memory64 ready') }),
    query('oob', new Uint8Array(0), { trap: '' }),
  ] },
  bulk: { compute: true, workloads: () => [
    update('init_sum', u32(5000), { reply: u64(8032) }),
    query('greet', new Uint8Array(0), { reply: utf8('Hello from a passive segment') }),
    query('drop_then_init', new Uint8Array(0), { trap: '' }),
  ] },
  floats: { compute: true, workloads: () => [
    update('integrate', u32(100_000), { reply: ref.floatsIntegrate(100_000) }),
    ...[3.75, -5.5, 1e30, -129.5, 2 ** 40 + 0.5].map((x) => query('convert', f64(x), { reply: ref.floatsConvert(x) })),
    query('trunc', f64(-7.9), { reply: u32(-7 >>> 0) }),
    query('trunc', f64(1e30), { trap: '' }),
  ] },
  globals: { compute: false, workloads: () => [
    update('reset', new Uint8Array(0), { reply: new Uint8Array(0) }),
    update('bump', u32(5), { reply: u64(15) }),
    update('bump', u32(2), { reply: u64(21) }),
    query('mix', new Uint8Array(0), { reply: Uint8Array.from([...f64(3.75), ...u32s(10, 1024)]) }),
    update('scale', new Uint8Array(0), { reply: f64(1.5) }),
  ] },
  start: { compute: false, workloads: () => [
    query('started', new Uint8Array(0), { reply: utf8('hello from the start function') }),
    query('init_arg', new Uint8Array(0), { reply: candidUnit }),
    query('start_count', new Uint8Array(0), { reply: u32(1) }),
  ] },
  counter: { compute: false, workloads: () => [
    update('boom', new Uint8Array(0), { trap: 'counter: boom' }),
    update('set', u64(41), { reply: new Uint8Array(0) }),
    update('inc', new Uint8Array(0), { reply: u64(42) }),
    query('get', new Uint8Array(0), { reply: u64(42) }),
    update('reject', new Uint8Array(0), { reject: 'counter: rejected' }),
  ] },
};

const cWorkloads: Record<string, { compute: boolean; workloads: () => Workload[] }> = {
  counter: motokoWorkloads.counter,
  compute: { compute: true, workloads: () => [
    update('fib', u32(25), { reply: u64(ref.fib(25)) }),
    update('sieve', u32(1_000_000), { reply: u64(ref.primesBelow(1_000_000)) }),
    update('hash', u32(200_000), { reply: u64(ref.splitmixDigest(200_000)) }),
    update('matmul', u32(64), { reply: u64(ref.matmulChecksum(64)) }),
    update('sort', u32(20_000), { reply: u64(ref.sortChecksum(20_000)) }),
    update('crc32', u32(100_000), { reply: u64(ref.crc32Of(100_000)) }),
  ] },
};

/** The Motoko canisters under test/corpus/canisters/. */
export const MOTOKO_CANISTERS: readonly string[] = Object.keys(motokoWorkloads);
/** The WAT canisters under test/corpus/wat/. */
export const WAT_CANISTERS: readonly string[] = Object.keys(watWorkloads);
/** The C canisters under test/corpus/c/. */
export const C_CANISTERS: readonly string[] = Object.keys(cWorkloads);

/** An entry whose workloads (and their reference replies) are computed on first use. */
function entry(base: Omit<CorpusEntry, 'workloads'>, make: () => Workload[]): CorpusEntry {
  let workloads: Workload[] | undefined;
  return { ...base, get workloads() { return (workloads ??= make()); } };
}

let loaded: Promise<{ entries: CorpusEntry[]; skipped: Skipped[] }> | undefined;

async function build(): Promise<{ entries: CorpusEntry[]; skipped: Skipped[] }> {
  // Start the Motoko child processes first; assemble WAT and C meanwhile.
  const motoko = MOTOKO_CANISTERS.flatMap((name) => (['enhanced', 'classic'] as const).map(async (persistence): Promise<CorpusEntry> => {
    const source = readFileSync(new URL(`./canisters/${name}.mo`, import.meta.url), 'utf8');
    const { wasm, candid } = await compileMotokoWithCandid(source, { persistence });
    const spec = motokoWorkloads[name];
    const kind = persistence === 'enhanced' ? 'motoko-eop' : 'motoko-classic';
    const hostOptions = { rollbackOnTrap: spec.rollback ?? false };
    return entry({ name: `${kind}/${name}`, kind, bytes: wasm, compute: spec.compute, hostOptions, candid }, spec.workloads);
  }));
  const wat = WAT_CANISTERS.map(async (name): Promise<CorpusEntry> => {
    const spec = watWorkloads[name];
    return entry({ name: `wat/${name}`, kind: 'wat', bytes: await watFile(name), compute: spec.compute, hostOptions: {} }, spec.workloads);
  });
  const entries = [...await Promise.all(wat)];
  const skipped: Skipped[] = [];
  for (const name of C_CANISTERS) {
    const bytes = compileC(name);
    const spec = cWorkloads[name];
    if (bytes instanceof Uint8Array) entries.push(entry({ name: `c/${name}`, kind: 'c', bytes, compute: spec.compute, hostOptions: {} }, spec.workloads));
    else skipped.push({ name: `c/${name}`, reason: bytes.skipped });
  }
  return { entries: [...await Promise.all(motoko), ...entries], skipped };
}

/** Builds (or loads from the caches) the corpus and says which modules could not be built here. Memoized per process; do not mutate the bytes. */
export function loadCorpusWithSkips(): Promise<{ entries: CorpusEntry[]; skipped: Skipped[] }> {
  loaded ??= build();
  loaded.catch(() => { loaded = undefined; });
  return loaded;
}

/** Every corpus module that could be built on this machine (C modules need clang). */
export async function loadCorpus(): Promise<CorpusEntry[]> {
  return (await loadCorpusWithSkips()).entries;
}
