// Benchmark `instrumentation` (issue: Foundation and the Wasm layer):
// - runtime slowdown of instrumented over uninstrumented code, per compute
//   workload of the test corpus, both run in this process on the same test
//   host, interleaved so machine noise hits both alike, after 12 warm-up
//   calls each so that both run V8's optimized (TurboFan) code — the steady
//   state a canister's code runs in, as it is compiled once and called many
//   times (with 3 warm-ups the figure partly measures tier-up: ~0.03× more);
//   the headline is the
//   median over the suite the issue names (fib, sieve, hash loop, memory
//   copy, a Motoko workload), target ≤ 1.3×;
// - instrumentation throughput (MB of Wasm per second, decode + validate +
//   instrument) over the corpus;
// - the compile cache: cold prepare + compile vs a memory hit vs a disk hit.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCorpus, runWorkload } from '../test/corpus/index.ts';
import type { CorpusEntry, Workload } from '../test/corpus/index.ts';
import { instantiateCanister } from '../test/corpus/host.ts';
import type { CallResult, TestCanister } from '../test/corpus/host.ts';
import { CompileCache, configureEngine, ENGINE_FLAGS, INSTRUMENTED_EXPORTS, prepareModule } from '../src/wasm/index.ts';
import { stackBudget } from '../src/hypervisor/index.ts';
import { median, timeInterleaved, timeIt } from './lib.ts';
import type { BenchReport } from './lib.ts';

/** The suite named by the issue: workload → its corpus module and method. */
const SUITE: Array<[label: string, module: string, method: string]> = [
  ['fib', 'wat/fib', 'fib'],
  ['sieve', 'wat/sieve', 'sieve'],
  ['hash loop', 'wat/hash', 'hash'],
  ['memory copy', 'wat/memcopy', 'memcopy'],
  ['motoko mapInsert', 'motoko-eop/bench', 'mapInsert'],
];

const hostImports: WebAssembly.Imports = {
  __: {
    out_of_instructions: () => { throw new Error('out of instructions'); },
    try_grow_wasm_memory: () => 0,
    internal_trap: (code: number) => { throw new Error(`internal trap ${code}`); },
  },
};

const BUDGET = 1n << 60n;

function refill(instance: WebAssembly.Instance, headroom: number): void {
  const ex = instance.exports;
  (ex[INSTRUMENTED_EXPORTS.instructionCounter] as WebAssembly.Global).value = BUDGET;
  (ex[INSTRUMENTED_EXPORTS.stackBudget] as WebAssembly.Global).value = stackBudget(headroom); // as the hypervisor sets it
}

/** The instrumented module on the test host, set up as the hypervisor does: counter, stack budget, data segments. */
function instrumented(entry: CorpusEntry): { canister: TestCanister; headroom: number } {
  const prepared = prepareModule(entry.bytes);
  if (!prepared.ok) throw new Error(`${entry.name}: ${prepared.error.description}`);
  const out = prepared.output;
  const canister = instantiateCanister(out.binary, {
    ...entry.hostOptions,
    extraImports: hostImports,
    onInstance(instance) {
      refill(instance, out.stackHeadroomBytes);
      const heap = new Uint8Array((instance.exports[INSTRUMENTED_EXPORTS.memory] as WebAssembly.Memory).buffer);
      for (const s of out.dataSegments) heap.set(s.bytes, Number(s.offset));
    },
  });
  return { canister, headroom: out.stackHeadroomBytes };
}

/** What a workload must give (the corpus's reference reply, trap or reject). */
function runWorkloadExpected(w: Workload): CallResult {
  return { reply: w.reply, reject: w.reject, trap: w.trap };
}

interface Row { workload: string; plainMs: number; instrumentedMs: number; ratio: number; instructions: string }

function measure(entry: CorpusEntry, w: Workload): Row {
  const plain = instantiateCanister(entry.bytes, entry.hostOptions);
  const { canister: inst, headroom } = instrumented(entry);
  let used = 0n;
  const same = (a: CallResult, b: CallResult) => JSON.stringify([a.reply, a.reject, a.trap !== undefined]) === JSON.stringify([b.reply, b.reject, b.trap !== undefined]);
  const times = timeInterleaved({
    plain: () => { runWorkload(plain, w); },
    instrumented: () => {
      refill(inst.instance, headroom);
      const r = runWorkload(inst, w);
      if (!same(r, runWorkloadExpected(w))) throw new Error(`${entry.name} ${w.method}: instrumented result differs`);
      used = BUDGET - ((inst.instance.exports[INSTRUMENTED_EXPORTS.instructionCounter] as WebAssembly.Global).value as bigint);
    },
  }, { samples: 15, warmup: 12 });
  return {
    workload: `${entry.name} ${w.method}`,
    plainMs: times.plain,
    instrumentedMs: times.instrumented,
    ratio: times.instrumented / times.plain,
    instructions: used.toString(),
  };
}

export async function run(): Promise<BenchReport> {
  configureEngine(); // the product's V8 flags, before the first compile (plain and instrumented alike)
  const corpus = await loadCorpus();
  const byName = new Map(corpus.map((e) => [e.name, e]));
  const rows: Row[] = [];
  for (const entry of corpus.filter((e) => e.compute)) {
    for (const w of entry.workloads) rows.push(measure(entry, w));
  }
  const suite = SUITE.map(([label, module, method]) => {
    const row = rows.find((r) => r.workload === `${module} ${method}`);
    if (row === undefined) throw new Error(`suite workload ${module} ${method} missing from the corpus`);
    return { label, ...row };
  });
  const suiteMedian = median(suite.map((r) => r.ratio));

  // Instrumentation throughput: decode + validate + instrument, all corpus modules.
  const totalBytes = corpus.reduce((n, e) => n + e.bytes.length, 0);
  const prepareMs = timeIt(() => { for (const e of corpus) prepareModule(e.bytes); }, { samples: 5, warmup: 1 });
  const motoko = byName.get('motoko-eop/bench');
  const motokoPrepareMs = motoko ? timeIt(() => { prepareModule(motoko.bytes); }, { samples: 7 }) : NaN;

  // Compile cache: cold (prepare + compile), memory hit, disk hit.
  const sample = motoko ?? corpus[0];
  const dir = mkdtempSync(join(tmpdir(), 'ic-exec-bench-cache-'));
  let cacheRow;
  try {
    const coldMs = timeIt(() => { new CompileCache().get(sample.bytes); }, { samples: 7 });
    const warm = new CompileCache({ dir });
    warm.get(sample.bytes);
    const memoryHitMs = timeIt(() => { warm.get(sample.bytes); }, { iterations: 100, samples: 7 });
    const diskHitMs = timeIt(() => { new CompileCache({ dir }).get(sample.bytes); }, { samples: 7 });
    cacheRow = { module: sample.name, coldMs, memoryHitMs, diskHitMs, memoryHitSpeedup: coldMs / memoryHitMs, diskHitSpeedup: coldMs / diskHitMs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const allMedian = median(rows.map((r) => r.ratio));
  for (const r of rows) console.log(`  ${r.workload.padEnd(36)} plain ${r.plainMs.toFixed(2).padStart(8)} ms  instrumented ${r.instrumentedMs.toFixed(2).padStart(8)} ms  ×${r.ratio.toFixed(2)}`);
  console.log(`  suite median ×${suiteMedian.toFixed(3)}; all-workload median ×${allMedian.toFixed(3)}`);
  console.log(`  instrumentation ${(totalBytes / 1e6 / (prepareMs / 1000)).toFixed(1)} MB/s; motoko-eop/bench prepare ${motokoPrepareMs.toFixed(1)} ms`);
  console.log(`  compile cache: cold ${cacheRow.coldMs.toFixed(2)} ms, memory hit ${cacheRow.memoryHitMs.toFixed(4)} ms (×${cacheRow.memoryHitSpeedup.toFixed(0)}), disk hit ${cacheRow.diskHitMs.toFixed(2)} ms (×${cacheRow.diskHitSpeedup.toFixed(1)})`);
  return {
    name: 'instrumentation',
    unit: '× slowdown',
    value: suiteMedian,
    baseline: 1,
    ratio: suiteMedian,
    target: { description: 'median slowdown over fib, sieve, hash loop, memory copy, Motoko ≤ 1.3×', met: suiteMedian <= 1.3 },
    details: {
      suite,
      allWorkloadsMedian: allMedian,
      workloads: rows,
      instrumentationThroughputMBps: totalBytes / 1e6 / (prepareMs / 1000),
      corpusBytes: totalBytes,
      corpusPrepareMs: prepareMs,
      motokoPrepareMs,
      compileCache: cacheRow,
      engineFlags: ENGINE_FLAGS,
    },
  };
}
