// Resident memory with a large stable memory (issue 6: a canister writing
// 8 GiB of stable memory runs with the replica under 2 GiB resident).
//
// The workload (bench/stable-memory-workload.ts) runs in a child process so
// that its peak resident memory (VmHWM, the kernel's figure: anonymous +
// file-backed + shared pages, at their highest) is its own: the stable
// writer canister (test/replica/stable-writer.ts) writes the memory through
// ic0.stable64_write in ordinary 256 MiB update messages on
// `Replica.create({ dataDir })` — the durable replica with its own
// checkpoints, which write the pages to disk and evict them —, then reads
// three pages back.
//
// value = VmHWM (MiB) writing STABLE_MEMORY_MIB (default 8192) of stable
// memory on the durable replica; baseline = VmHWM of the same workload with
// 1 GiB on an ephemeral replica (every page stays in RAM), same run. Details:
// the 1 GiB run on the durable replica, write throughput, checkpoints, the
// resident memory by kind in the round of the highest RSS and at the end
// (after a GC), the JS heap, the load average.
//
//   npm run bench -- stable-memory                       8 GiB (minutes)
//   STABLE_MEMORY_MIB=1024 npm run bench -- stable-memory a quick run
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { BenchReport } from './lib.ts';

const MESSAGE_MIB = 256;
/** Under 2 GiB resident (issue 6). */
const TARGET_MIB = 2048;

interface WorkloadResult {
  readonly mode: string;
  readonly totalMiB: number;
  readonly capacityMiB: number;
  readonly readsOk: boolean;
  readonly idleRssMiB: number;
  readonly maxSampledRssMiB: number;
  readonly atMaxSampledRss: Record<string, number>;
  readonly vmHwmMiB: number;
  readonly finalRssMiB: number;
  readonly finalRss: Record<string, number>;
  readonly finalJs: Record<string, number>;
  readonly maxInMemoryPages: number;
  readonly finalInMemoryPages: number;
  readonly checkpoints: number;
  readonly rounds: number;
  readonly writeSeconds: number;
  readonly writeMiBPerSecond: number;
}

/** Runs the workload in a child process; its one JSON line. */
function workload(totalMiB: number, mode: 'replica' | 'ephemeral'): WorkloadResult {
  const script = join(import.meta.dirname, 'stable-memory-workload.ts');
  const out = execFileSync(process.execPath, ['--expose-gc', script, String(totalMiB), String(MESSAGE_MIB), mode], {
    encoding: 'utf8', maxBuffer: 1 << 20, stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = out.trim().split('\n').at(-1) ?? '';
  const r = JSON.parse(line) as WorkloadResult;
  if (!r.readsOk) throw new Error(`the ${mode} run of ${totalMiB} MiB read back wrong bytes`);
  return r;
}

/** The figures of one run worth keeping. */
function row(r: WorkloadResult): Record<string, unknown> {
  const round = (x: number): number => Math.round(x * 10) / 10;
  const mib = (o: Record<string, number>): Record<string, number> => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, round(v)]));
  return {
    mode: r.mode, stableMiB: r.totalMiB, heapDeltaCapacityMiB: r.capacityMiB,
    vmHwmMiB: round(r.vmHwmMiB), idleRssMiB: round(r.idleRssMiB),
    atHighestSampledRss: mib(r.atMaxSampledRss),
    final: { rssMiB: round(r.finalRssMiB), ...mib(r.finalRss), jsHeapUsedMiB: round(r.finalJs.heapUsedMiB), arrayBuffersMiB: round(r.finalJs.arrayBuffersMiB) },
    maxPagesInRam: r.maxInMemoryPages, finalPagesInRam: r.finalInMemoryPages,
    checkpoints: r.checkpoints, rounds: r.rounds,
    writeSeconds: round(r.writeSeconds), writeMiBPerSecond: round(r.writeMiBPerSecond),
  };
}

export async function run(): Promise<BenchReport> {
  const totalMiB = Number(process.env.STABLE_MEMORY_MIB ?? 8192);
  if (!Number.isInteger(totalMiB) || totalMiB < MESSAGE_MIB || totalMiB % MESSAGE_MIB !== 0) {
    throw new Error(`STABLE_MEMORY_MIB must be a multiple of ${MESSAGE_MIB}, got ${process.env.STABLE_MEMORY_MIB}`);
  }
  const durable = workload(totalMiB, 'replica');
  const ephemeral = workload(1024, 'ephemeral');
  const durable1GiB = totalMiB === 1024 ? durable : workload(1024, 'replica');
  return Promise.resolve({
    name: 'stable-memory',
    unit: 'MiB VmHWM',
    value: durable.vmHwmMiB,
    baseline: ephemeral.vmHwmMiB,
    ratio: durable.vmHwmMiB / ephemeral.vmHwmMiB,
    target: { description: `${totalMiB} MiB of stable memory written with the replica's peak resident memory under ${TARGET_MIB} MiB`, met: durable.vmHwmMiB < TARGET_MIB },
    details: {
      workload: `the stable writer canister writes ${totalMiB} MiB of stable memory through ic0.stable64_write in ${MESSAGE_MIB} MiB update messages (every 4 KiB page distinct), then reads three pages back; one core; a child process per run (--expose-gc, used only for the figures at the end)`,
      valueIs: `VmHWM of Replica.create({ dataDir }) (LMDB + pages.bin in a temporary directory; its own checkpoints write and evict the pages)`,
      baselineIs: 'VmHWM of the same workload with 1 GiB on Replica.create() (ephemeral: every page stays in RAM), same run',
      vmHwmIs: 'the kernel\'s peak resident set (anonymous + file-backed pages, e.g. the LMDB map): /proc/self/status VmHWM',
      durable: row(durable),
      durable1GiB: row(durable1GiB),
      ephemeral1GiB: row(ephemeral),
      loadAverageAtEnd: loadavg().map((x) => Math.round(x * 100) / 100),
    },
  });
}
