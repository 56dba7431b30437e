/**
 * bin/pocket-ic through the unmodified `@dfinity/pic` (issue 8):
 * - launch → ready: spawn to the port written in the port file (polled
 *   every 2 ms), median of 10 launches after one that warms Node's compile
 *   cache; baseline: a bare Node process that listens and writes its port
 *   the same way (the floor of any Node server). Headline; target < 200 ms.
 * - time per tick: `pic.tick()` on an instance with one Motoko canister;
 *   baseline `Replica.tick()` in process on the same canister.
 * - update latency: `actor.inc()` through pic-js (submit + await over
 *   HTTP); baseline `Replica.updateCall` in process.
 * - wall time of the pic suite (test/pocketic/pic.test.ts and
 *   pic-time.test.ts as `node --test` runs them; Motoko compiles cached).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PocketIc, PocketIcServer } from '@dfinity/pic';
import { IDL } from '@icp-sdk/core/candid';
import { Replica } from '../src/index.ts';
import type { CanisterId } from '../src/index.ts';
import { compileDemo, demoIdl } from '../test/pocketic/canisters.ts';
import type { DemoService } from '../test/pocketic/canisters.ts';
import { median } from './lib.ts';
import type { BenchReport } from './lib.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin/pocket-ic');
const LAUNCHES = 10;

async function launchMs(cmd: string, args: (portFile: string) => string[]): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'pocket-ic-bench-'));
  const portFile = join(dir, 'port');
  const t0 = performance.now();
  const child = spawn(cmd, args(portFile), { stdio: 'ignore' });
  for (;;) {
    let text = '';
    try { text = readFileSync(portFile, 'utf8'); } catch { /* not yet */ }
    if (text.endsWith('\n')) break;
    await new Promise((r) => setTimeout(r, 2));
  }
  const ms = performance.now() - t0;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
  rmSync(dir, { recursive: true, force: true });
  return ms;
}

const BARE_NODE = "require('http').createServer().listen(0, '127.0.0.1', function () { require('fs').writeFileSync(process.argv[1], this.address().port + '\\n'); });"
  + " process.on('SIGTERM', () => process.exit(0));";

async function timeEach(n: number, fn: () => Promise<unknown>): Promise<number> {
  const xs: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    xs.push(performance.now() - t0);
  }
  return median(xs);
}

export async function run(): Promise<BenchReport> {
  const coldMs = await launchMs(BIN, (f) => ['--port-file', f, '--ttl', '30']);
  const ours: number[] = [], bare: number[] = [];
  for (let i = 0; i < LAUNCHES; i++) {
    ours.push(await launchMs(BIN, (f) => ['--port-file', f, '--ttl', '30']));
    bare.push(await launchMs(process.execPath, (f) => ['-e', BARE_NODE, f]));
  }
  const readyMs = median(ours), bareMs = median(bare);

  const wasm = await compileDemo('v1');
  const arg = new Uint8Array(IDL.encode([IDL.Nat], [0n]));
  const server = await PocketIcServer.start({ binPath: BIN });
  const pic = await PocketIc.create(server.getUrl());
  const { actor } = await pic.setupCanister<DemoService>({ idlFactory: demoIdl, wasm, arg });
  await timeEach(20, () => pic.tick());
  const picTickMs = await timeEach(300, () => pic.tick());
  await timeEach(20, () => actor.inc());
  const picUpdateMs = await timeEach(200, () => actor.inc());
  const picQueryMs = await timeEach(200, () => actor.get());
  await pic.tearDown();
  await server.stop();

  const replica = await Replica.create();
  const id: CanisterId = await replica.createCanister();
  await replica.installCode(id, wasm, arg);
  const empty = new Uint8Array(IDL.encode([], []));
  await timeEach(20, () => replica.tick());
  const tickMs = await timeEach(300, () => replica.tick());
  await timeEach(20, () => replica.updateCall(id, 'inc', empty));
  const updateMs = await timeEach(200, () => replica.updateCall(id, 'inc', empty));
  await replica.close();

  const t0 = performance.now();
  const suite = spawnSync(process.execPath, ['--test', 'test/pocketic/pic.test.ts', 'test/pocketic/pic-time.test.ts'], { cwd: ROOT, encoding: 'utf8' });
  const suiteS = (performance.now() - t0) / 1000;
  const counts = Object.fromEntries([...suite.stdout.matchAll(/^ℹ (tests|pass|fail|skipped) (\d+)$/gm)].map((m) => [m[1], Number(m[2])]));

  return {
    name: 'pocketic',
    unit: 'ms to ready',
    value: readyMs,
    baseline: bareMs,
    ratio: readyMs / bareMs,
    target: { description: 'launch to ready < 200 ms', met: readyMs < 200 },
    details: {
      headline: 'bin/pocket-ic from spawn to its port in the port file (median of 10, Node compile cache warm) against a bare Node HTTP server doing the same',
      launch: { medianMs: readyMs, firstLaunchMs: coldMs, bareNodeMedianMs: bareMs, samplesMs: ours },
      tick: { picJsMs: picTickMs, inProcessReplicaMs: tickMs, httpOverheadMs: picTickMs - tickMs },
      update: { picJsActorIncMs: picUpdateMs, inProcessReplicaUpdateCallMs: updateMs, picJsActorQueryMs: picQueryMs },
      suite: { wallSeconds: suiteS, ...counts, exitCode: suite.status },
      canister: 'test/pocketic/canisters.ts Demo (Motoko, EOP), one per instance',
    },
  };
}
