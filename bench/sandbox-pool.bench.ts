// The sandbox pool: messages per second on independent canisters with 0
// (in-process), 1 and 2 workers — empty updates (the pool's fixed cost) and
// updates doing ~22 M instructions of work (what parallelism buys) — sent
// concurrently, one per canister per round; the latency of one message
// in-process and through a worker; what it costs to start a worker, and to
// send a module to a worker that does not have it yet.
//
// Headline: compute messages per second with 2 workers, against in-process
// (the baseline, measured in the same run). On a machine with fewer free
// cores than workers the ratio shows the round-trip cost only.
import { availableParallelism } from 'node:os';
import { Hypervisor } from '../src/hypervisor/index.ts';
import { CompileCache } from '../src/wasm/index.ts';
import { watToWasm } from '../test/corpus/wat.ts';
import { compileMotoko } from '../test/corpus/motoko.ts';
import { median, timeAsync } from './lib.ts';
import type { BenchReport } from './lib.ts';
import { install, update } from './hv-support.ts';
import type { BenchCanister } from './hv-support.ts';

const WAT = `(module
  (import "ic0" "msg_reply" (func $reply))
  (memory 1)
  (global $n (mut i64) (i64.const 0))
  (func (export "canister_update empty") (call $reply))
  (func (export "canister_update work") (local $i i32) (local $h i64)
    (loop $l
      (local.set $h (i64.add (i64.mul (local.get $h) (i64.const 31)) (i64.extend_i32_u (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 2000000))))
    (global.set $n (i64.add (global.get $n) (local.get $h)))
    (call $reply)))`;
const CANISTERS = 8;

/** Messages per second: `rounds` rounds of one `method` message per canister, sent together. */
async function throughput(hv: Hypervisor, cs: BenchCanister[], method: string, rounds: number): Promise<number> {
  const round = () => Promise.all(cs.map((c) => update(hv, c, method)));
  await round();
  const xs: number[] = [];
  for (let s = 0; s < 5; s++) {
    const t0 = performance.now();
    for (let r = 0; r < rounds; r++) await round();
    xs.push((rounds * cs.length) / ((performance.now() - t0) / 1000));
  }
  return median(xs);
}

/** ms of one call of `f`. */
async function ms(f: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
}

const motokoVariant = (k: number): string =>
  `persistent actor { var n : Nat = ${k}; public func inc() : async Nat { n += ${k}; n } }`;

/**
 * What starting a worker and sending it a module cost (ms), on a fresh pool
 * of one worker. Install states are built in-process beforehand, so only
 * the pool's side is timed. Module transfer: the first message of a
 * canister whose module the (warm) worker does not have yet, minus the
 * first message of a second canister with that module (state and instance
 * only), median over three Motoko modules.
 */
async function startup(wasm: Uint8Array): Promise<Record<string, number>> {
  const local = new Hypervisor();
  const modules = await Promise.all([1, 2, 3, 4].map((k) => compileMotoko(motokoVariant(k))));
  const pairs: BenchCanister[][] = [];
  for (const [i, m] of modules.entries()) pairs.push([await install(local, m, BigInt(100 + 2 * i)), await install(local, m, BigInt(101 + 2 * i))]);
  const tiny = await install(local, wasm, 1n);
  const hv = new Hypervisor({ workers: 1 });
  const firstMs = await ms(() => update(hv, tiny, 'empty')); // worker boot + module + state + instance
  const heldUs = await timeAsync(() => update(hv, tiny, 'empty'), 2000);
  const [warm, ...measured] = pairs;
  for (const c of warm) await timeAsync(() => update(hv, c, 'inc'), 200); // the worker's Motoko paths, warm
  const sent: number[] = [];
  const held: number[] = [];
  for (const [a, b] of measured) {
    sent.push(await ms(() => update(hv, a, 'inc')));
    held.push(await ms(() => update(hv, b, 'inc')));
  }
  await Promise.all([hv.close(), local.close()]);
  return {
    firstExecutionOnNewWorkerMs: firstMs, heldStateExecutionUs: heldUs, workerStartMs: firstMs - heldUs / 1000,
    motokoFirstMessageModuleSentMs: median(sent), motokoFirstMessageModuleHeldMs: median(held),
    moduleTransferMs: median(sent.map((x, i) => x - held[i])), motokoModuleBytes: modules[0].length,
  };
}

export async function run(): Promise<BenchReport> {
  const wasm = await watToWasm(WAT);
  const compileCache = new CompileCache(); // one compiled module for all: its code is tiered up once, for every backend
  const warm = new Hypervisor({ compileCache });
  const w = await install(warm, wasm, 9n);
  for (let i = 0; i < 30; i++) await update(warm, w, 'work');
  const rows: Record<string, { emptyPerSecond: number; workPerSecond: number; emptyLatencyUs: number; workLatencyUs: number }> = {};
  for (const workers of [0, 1, 2]) {
    const hv = new Hypervisor({ workers, compileCache });
    const cs: BenchCanister[] = [];
    for (let i = 0; i < CANISTERS; i++) cs.push(await install(hv, wasm, BigInt(10 + i)));
    rows[workers] = {
      emptyPerSecond: await throughput(hv, cs, 'empty', 300),
      workPerSecond: await throughput(hv, cs, 'work', 3),
      emptyLatencyUs: await timeAsync(() => update(hv, cs[0], 'empty'), 2000),
      workLatencyUs: await timeAsync(() => update(hv, cs[0], 'work'), 10),
    };
    await hv.close();
  }
  const start = await startup(wasm);
  return {
    name: 'sandbox-pool',
    unit: 'messages/s',
    value: rows[2].workPerSecond,
    baseline: rows[0].workPerSecond,
    ratio: rows[2].workPerSecond / rows[0].workPerSecond,
    target: { description: '2 workers run independent compute messages faster than one thread', met: rows[2].workPerSecond > rows[0].workPerSecond },
    details: {
      cores: availableParallelism(), canisters: CANISTERS, workMessageInstructions: '~22 M',
      byWorkers: rows,
      poolOverheadPerMessageUs: rows[1].emptyLatencyUs - rows[0].emptyLatencyUs,
      ...start,
    },
  };
}
