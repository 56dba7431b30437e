// The HTTP interface end to end: a replica started as `npm start` starts it
// (its entry point, `node src/cli/main.ts --port 0 --ephemeral`, in its own
// process) and driven with @icp-sdk/core 6 (HttpAgent + Actor, the Motoko
// demo canister of test/http, root key fetched, certificates and query
// signatures verified as the agent does by default):
//
// - update calls per second: `inc` as synchronous v4 calls, 64 in flight
//   from one client process, and their latency (p50/p99) under that load;
//   the latency of one call at a time;
// - queries per second: `get`, 64 in flight, and p50/p99;
// - the same with the client's own checks off (`blsVerify: () => true` on
//   the actor, `verifyQuerySignatures: false`): the agent verifies a BLS
//   certificate per update in JavaScript (@noble/curves, several ms of CPU
//   each), so with them on one client process is the bottleneck, not the
//   replica; with them off the figures show what the replica serves;
// - time from start to healthy: process spawned → `GET /api/v2/status`
//   answers `healthy` (polled every 2 ms), with Node's compile cache warm
//   (as every start after the first: the median of 7) and cold (cache dir
//   emptied), and the same through `npm start` (npm's own start included);
//   the CPU time each start reports in its ready line beside it.
//
// Every latency is given as `{ p50Ms, p99Ms }`; the machine's 1-minute load
// average is recorded before and after each phase (2 cores shared with
// other work: the figures move with it).
//
// Baseline (same run): the in-process library (`Replica.updateCall`, the
// same canister and method, 64 submitted per round), so `ratio` is the
// share of the library's update rate the HTTP path delivers (headline: the
// agent with its default checks). The machine's load average is recorded:
// client and replica share its cores with whatever else runs.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Actor, HttpAgent } from '@icp-sdk/core/agent';
import { IDL } from '@icp-sdk/core/candid';
import { Principal } from '@icp-sdk/core/principal';
import { Replica } from '../src/index.ts';
import { demoCanister, demoIdl, managementIdl, startServed } from '../test/http/support.ts';
import type { BenchReport } from './lib.ts';
import { median } from './lib.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MAIN = join(ROOT, 'src/cli/main.ts');
const IN_FLIGHT = 64;

const percentile = (xs: readonly number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

/** Runs `n` calls of `fn`, `inFlight` at a time: rate (per s) and latencies (ms). */
async function load(n: number, inFlight: number, fn: () => Promise<unknown>): Promise<{ perSecond: number; p50: number; p99: number }> {
  const latencies: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (next < n) {
      next++;
      const t = performance.now();
      await fn();
      latencies.push(performance.now() - t);
    }
  }));
  const seconds = (performance.now() - t0) / 1000;
  return { perSecond: n / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

/** CPU times (ms) the replicas reported in their ready line ("… (N ms of CPU)"): contention-free evidence of the work a start does. */
const cpuAtReady: number[] = [];

/** Spawns `cmd args` and polls the status until healthy: milliseconds from spawn. */
async function timeToHealthy(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const t0 = performance.now();
  const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'], detached: true });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => { out += c.toString(); });
  try {
    for (;;) {
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      if (url !== undefined) {
        const res = await fetch(`${url}/api/v2/status`).catch(() => undefined);
        if (res?.status === 200) {
          const { decode } = await import('@dfinity/cbor');
          const body = decode(new Uint8Array(await res.arrayBuffer())) as { replica_health_status?: string };
          if (body.replica_health_status === 'healthy') {
            const elapsed = performance.now() - t0;
            const cpu = /\((\d+) ms of CPU\)/.exec(out)?.[1];
            if (cpu !== undefined && env === process.env && cmd === process.execPath) cpuAtReady.push(Number(cpu));
            return elapsed;
          }
        }
      }
      if (child.exitCode !== null) throw new Error(`exited early: ${out}`);
      await new Promise((r) => setTimeout(r, 2));
    }
  } finally {
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

async function startup(): Promise<Record<string, unknown>> {
  const node = process.execPath;
  const args = [MAIN, '--port', '0', '--ephemeral'];
  const cold: number[] = [];
  for (let i = 0; i < 3; i++) {
    const cache = mkdtempSync(join(tmpdir(), 'ncc-'));
    cold.push(await timeToHealthy(node, args, { ...process.env, NODE_COMPILE_CACHE: cache }));
    rmSync(cache, { recursive: true, force: true });
  }
  await timeToHealthy(node, args);
  const warm: number[] = [];
  for (let i = 0; i < 7; i++) warm.push(await timeToHealthy(node, args));
  const npm: number[] = [];
  for (let i = 0; i < 3; i++) npm.push(await timeToHealthy('npm', ['start', '--silent', '--', '--port', '0', '--ephemeral']));
  const round = (xs: number[]): number[] => xs.map((x) => Math.round(x));
  return {
    msStartToHealthyWarm: median(warm), msStartToHealthyCold: median(cold), msNpmStartToHealthyWarm: median(npm),
    msCpuAtReadyWarm: median(cpuAtReady),
    startToHealthyRunsMs: { warm: round(warm), cold: round(cold), npmStartWarm: round(npm), cpuAtReady: cpuAtReady.slice() },
  };
}

async function libraryBaseline(wasm: Uint8Array): Promise<number> {
  const r = await Replica.create();
  try {
    const id = await r.createCanister();
    await r.installCode(id, wasm);
    const arg = IDL.encode([], []);
    const round = async (): Promise<void> => {
      const ids = await Promise.all(Array.from({ length: IN_FLIGHT }, () => r.submitCall(id, 'inc', arg)));
      for (const m of ids) await r.awaitCall(m);
    };
    await round();
    const t0 = performance.now();
    const rounds = 30;
    for (let i = 0; i < rounds; i++) await round();
    return (rounds * IN_FLIGHT) / ((performance.now() - t0) / 1000);
  } finally {
    await r.close();
  }
}

/** Updates and queries through an actor on `agent` (see the module header). */
async function measure(demo: { inc(): Promise<unknown>; get(): Promise<unknown> }, prefix: string, updates: number, queries: number): Promise<Record<string, unknown>> {
  await load(Math.min(200, updates), IN_FLIGHT, () => demo.inc());
  const u = await load(updates, IN_FLIGHT, () => demo.inc());
  const single = await load(100, 1, () => demo.inc());
  await load(Math.min(500, queries), IN_FLIGHT, () => demo.get());
  const q = await load(queries, IN_FLIGHT, () => demo.get());
  const singleQuery = await load(200, 1, () => demo.get());
  const latency = (x: { p50: number; p99: number }): { p50Ms: number; p99Ms: number } => ({ p50Ms: x.p50, p99Ms: x.p99 });
  return {
    [`${prefix}updatesPerSecond`]: u.perSecond, [`${prefix}updateP50Ms`]: u.p50, [`${prefix}updateP99Ms`]: u.p99,
    [`${prefix}oneUpdateAtATimeP50Ms`]: single.p50, [`${prefix}oneUpdateAtATimeP99Ms`]: single.p99,
    [`${prefix}queriesPerSecond`]: q.perSecond, [`${prefix}queryP50Ms`]: q.p50, [`${prefix}queryP99Ms`]: q.p99,
    [`${prefix}oneQueryAtATimeP50Ms`]: singleQuery.p50,
    [`${prefix}latency`]: {
      [`updates${IN_FLIGHT}InFlight`]: latency(u), oneUpdateAtATime: latency(single),
      [`queries${IN_FLIGHT}InFlight`]: latency(q), oneQueryAtATime: latency(singleQuery),
    },
  };
}

export async function run(): Promise<BenchReport> {
  const { wasm } = await demoCanister();
  const loads: Record<string, number> = { before: loadavg()[0] };
  const served = await startServed();
  let http: Record<string, unknown>;
  try {
    const agent = await HttpAgent.create({ host: served.url, shouldFetchRootKey: true });
    const mgmt = Actor.createActor(managementIdl, {
      agent, canisterId: Principal.fromText('aaaaa-aa'), effectiveCanisterId: Principal.fromText('rwlgt-iiaaa-aaaaa-aaaaa-cai'),
    });
    const { canister_id: id } = await mgmt.provisional_create_canister_with_cycles({
      amount: [], settings: [], specified_id: [], sender_canister_version: [],
    }) as { canister_id: Principal };
    const install = Actor.createActor(managementIdl, { agent, canisterId: Principal.fromText('aaaaa-aa'), effectiveCanisterId: id });
    await install.install_code({ mode: { install: null }, canister_id: id, wasm_module: wasm, arg: IDL.encode([], []), sender_canister_version: [] });
    const checked = Actor.createActor(demoIdl, { agent, canisterId: id }) as unknown as Parameters<typeof measure>[0];
    const fast = await HttpAgent.create({ host: served.url, shouldFetchRootKey: true, verifyQuerySignatures: false });
    const unchecked = Actor.createActor(demoIdl, { agent: fast, canisterId: id, blsVerify: () => true } as Parameters<typeof Actor.createActor>[1]) as unknown as Parameters<typeof measure>[0];
    http = { ...await measure(checked, '', 1500, 3000) };
    loads.afterAgentWithChecks = loadavg()[0];
    http = { ...http, ...await measure(unchecked, 'clientChecksOff_', 3000, 6000) };
    loads.afterAgentChecksOff = loadavg()[0];
  } finally {
    await served.stop();
  }
  const baseline = await libraryBaseline(wasm);
  loads.afterLibraryBaseline = loadavg()[0];
  const start = await startup();
  loads.afterStarts = loadavg()[0];
  const updatesPerSecond = http.updatesPerSecond as number;
  return {
    name: 'http',
    unit: 'update calls/s',
    value: updatesPerSecond,
    baseline,
    ratio: updatesPerSecond / baseline,
    target: { description: 'time from start to healthy < 500 ms (warm compile cache, node src/cli/main.ts, median of 7)', met: (start.msStartToHealthyWarm as number) < 500 },
    details: {
      client: '@icp-sdk/core 6 HttpAgent + Actor, one process, root key fetched, certificates and query signatures verified',
      inFlight: IN_FLIGHT,
      canister: 'Motoko demo canister (test/http/support.ts): inc (update), get (query)',
      baselineIs: `the in-process library: Replica.updateCall of the same method, ${IN_FLIGHT} per round`,
      ...http,
      libraryUpdatesPerSecond: baseline,
      ...start,
      machine: { cores: availableParallelism(), loadAverage1m: loads, loadAverage1mBefore: loads.before, loadAverage1mAfter: loadavg()[0] },
    },
  };
}
