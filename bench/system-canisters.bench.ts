/**
 * The cycles ledger and CMC that `npm start` hosts (src/system-canisters):
 * - headline: what installing them adds to `Replica.create` with their
 *   modules built and instrumented already (`.cache/`), median of 5;
 *   baseline: `Replica.create` without them.
 * - `npm start --ephemeral`: spawn to the ready line, and spawn to the first
 *   answered `icrc1_balance_of` query through an agent (calls wait for the
 *   installation, which runs in the first rounds after the port is bound);
 *   the same spawn to ready with `--no-system-canisters`. Median of 3.
 * - restart on a data directory that holds them, to listening (in process,
 *   `startReplica`), against one without them. Median of 3.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Actor, HttpAgent } from '@icp-sdk/core/agent';
import { IDL } from '@icp-sdk/core/candid';
import { Principal } from '@icp-sdk/core/principal';
import { Replica } from '../src/index.ts';
import { parseStartArgs } from '../src/cli/args.ts';
import { startReplica } from '../src/cli/start.ts';
import { median } from './lib.ts';
import type { BenchReport } from './lib.ts';

const MAIN = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const CACHE = fileURLToPath(new URL('../.cache/compiled-modules', import.meta.url));
const Account = IDL.Record({ owner: IDL.Principal, subaccount: IDL.Opt(IDL.Vec(IDL.Nat8)) });
const ledgerIdl: Parameters<typeof Actor.createActor>[0] = ({ IDL: I }) => I.Service({ icrc1_balance_of: I.Func([Account], [I.Nat], ['query']) });

async function spawnTimes(args: string[], query: boolean): Promise<{ readyMs: number; firstQueryMs?: number }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [MAIN, '--port', '0', '--ephemeral', ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  const url = await new Promise<string>((resolve) => child.stdout.on('data', (c: Buffer) => {
    out += c.toString();
    const m = /listening on (http:\/\/\S+)/.exec(out);
    if (m !== null && out.includes('root key:')) resolve(m[1]);
  }));
  const readyMs = performance.now() - t0;
  let firstQueryMs: number | undefined;
  if (query) {
    const agent = await HttpAgent.create({ host: url, shouldFetchRootKey: true });
    const ledger = Actor.createActor(ledgerIdl, { agent, canisterId: 'um5iw-rqaaa-aaaaq-qaaba-cai' });
    await ledger.icrc1_balance_of({ owner: Principal.anonymous(), subaccount: [] });
    firstQueryMs = performance.now() - t0;
  }
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
  return { readyMs, ...(firstQueryMs === undefined ? {} : { firstQueryMs }) };
}

async function restartMs(withSystem: boolean): Promise<number[]> {
  const dir = mkdtempSync(join(tmpdir(), 'syscan-bench-'));
  const opts = parseStartArgs(['--data-dir', dir, '--port', '0', ...(withSystem ? [] : ['--no-system-canisters'])]);
  if (!opts.ok) throw new Error(opts.error);
  const samples: number[] = [];
  for (let i = 0; i < 4; i++) {
    const t0 = performance.now();
    const r = await startReplica(opts.options);
    if (!r.ok) throw new Error(r.error);
    await r.started.replica.systemCanistersReady;
    if (i > 0) samples.push(performance.now() - t0);
    await r.started.stop();
  }
  rmSync(dir, { recursive: true, force: true });
  return samples;
}

export async function run(): Promise<BenchReport> {
  // Warm: build and instrument the modules once.
  await (await Replica.create({ systemCanisters: true, compileCacheDir: CACHE })).close();
  const plain: number[] = [];
  const withSystem: number[] = [];
  for (let i = 0; i < 5; i++) {
    let t = performance.now();
    await (await Replica.create({ compileCacheDir: CACHE })).close();
    plain.push(performance.now() - t);
    t = performance.now();
    await (await Replica.create({ systemCanisters: true, compileCacheDir: CACHE })).close();
    withSystem.push(performance.now() - t);
  }
  const started = [];
  const bare = [];
  for (let i = 0; i < 3; i++) {
    started.push(await spawnTimes([], true));
    bare.push(await spawnTimes(['--no-system-canisters'], false));
  }
  const [restartWith, restartWithout] = [await restartMs(true), await restartMs(false)];
  const installMs = median(withSystem) - median(plain);
  return {
    name: 'system-canisters', unit: 'ms to install', value: installMs, baseline: median(plain), ratio: median(withSystem) / median(plain),
    details: {
      headline: 'what installing the cycles ledger and the CMC adds to Replica.create, modules built and instrumented already (median of 5); baseline Replica.create without them',
      replicaCreateMs: { withSystemCanisters: withSystem, without: plain },
      npmStart: {
        readyMedianMs: median(started.map((s) => s.readyMs)), firstLedgerQueryMedianMs: median(started.map((s) => s.firstQueryMs ?? NaN)),
        readyWithoutSystemCanistersMedianMs: median(bare.map((s) => s.readyMs)), samples: { started, bare },
      },
      restartToListeningMs: { withSystemCanisters: median(restartWith), without: median(restartWithout), samples: { restartWith, restartWithout } },
    },
  };
}
