// IC instructions executed per second per core on the compute suite: every
// compute workload of the test corpus (`loadCorpus()`: Motoko EOP and
// classic, WAT, C when clang is there) run through `Hypervisor.execute`
// in-process, on one thread, repeatedly on the committed state, counting
// the instructions each execution reports (the IC's metering, instrumented
// in the module). Replies are checked against the corpus's references.
//
// The IC's cost model assumes 2 billion instructions per second per core
// (the figure behind its instruction limits and DTS slice sizes): the
// ratio says what fraction of that speed canisters get here.
import { Hypervisor } from '../src/hypervisor/index.ts';
import { loadCorpus } from '../test/corpus/index.ts';
import type { Workload } from '../test/corpus/index.ts';
import type { BenchReport } from './lib.ts';
import { apiTypeOf, install, run as runMessage } from './hv-support.ts';
import type { BenchCanister } from './hv-support.ts';

const IC_INSTRUCTIONS_PER_SECOND = 2e9;
/** Workloads below this many instructions per message measure fixed costs, not compute (left out of the geometric mean). */
const MIN_COMPUTE_INSTRUCTIONS = 1_000_000;
/** Time spent per workload, ms (at least 3 runs). */
const BUDGET_MS = 300;

async function once(hv: Hypervisor, c: BenchCanister, w: Workload): Promise<bigint> {
  const entryPoint = w.isQuery ? { kind: 'query' as const, method: w.method } : { kind: 'update' as const, method: w.method };
  const before = c.state;
  const r = await runMessage(hv, c, entryPoint, apiTypeOf(w.isQuery ? 'query' : 'update', w.arg));
  if (w.isQuery) c.state = before;
  const reply = r.response?.kind === 'reply' ? r.response.payload : undefined;
  if (reply === undefined || Buffer.compare(reply, w.reply as Uint8Array) !== 0) throw new Error(`${w.method}: unexpected reply`);
  return r.instructionsExecuted;
}

export async function run(): Promise<BenchReport> {
  const hv = new Hypervisor();
  const rows: Array<{ workload: string; instructions: number; ms: number; instructionsPerSecond: number }> = [];
  let index = 100n;
  for (const entry of (await loadCorpus()).filter((e) => e.compute)) {
    const c = await install(hv, entry.bytes, index++);
    for (const w of entry.workloads.filter((x) => x.reply !== undefined)) {
      await once(hv, c, w); // warm-up: instance, tier-up
      let instructions = 0n;
      let runs = 0;
      const t0 = performance.now();
      while (runs < 3 || performance.now() - t0 < BUDGET_MS) {
        instructions += await once(hv, c, w);
        runs++;
      }
      const ms = performance.now() - t0;
      rows.push({ workload: `${entry.name} ${w.method}`, instructions: Number(instructions) / runs, ms: ms / runs, instructionsPerSecond: Number(instructions) / (ms / 1000) });
    }
  }
  await hv.close();
  const totalInstructions = rows.reduce((a, r) => a + r.instructions, 0);
  const totalSeconds = rows.reduce((a, r) => a + r.ms / 1000, 0);
  const perSecond = totalInstructions / totalSeconds;
  const compute = rows.filter((r) => r.instructions >= MIN_COMPUTE_INSTRUCTIONS);
  const logMean = Math.exp(compute.reduce((a, r) => a + Math.log(r.instructionsPerSecond), 0) / compute.length);
  return {
    name: 'compute',
    unit: 'IC instructions/s/core',
    value: perSecond,
    baseline: IC_INSTRUCTIONS_PER_SECOND,
    ratio: perSecond / IC_INSTRUCTIONS_PER_SECOND,
    target: { description: 'the IC cost model\'s 2e9 instructions per second per core', met: perSecond >= IC_INSTRUCTIONS_PER_SECOND },
    details: {
      baselineIs: 'the IC cost model constant (2e9 instructions per second per core), not a measurement',
      value: 'total instructions / total time over the workloads (one run of each, weighted by its instructions)',
      geometricMean: `over the ${compute.length} workloads of at least ${MIN_COMPUTE_INSTRUCTIONS} instructions (the others measure the fixed cost of a message)`,
      geometricMeanInstructionsPerSecond: logMean,
      geometricMeanRatio: logMean / IC_INSTRUCTIONS_PER_SECOND,
      workloads: rows,
    },
  };
}
