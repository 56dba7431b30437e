// The cost of each System API call family, per call and per byte, through
// `Hypervisor.execute` (in-process): argument copy (`msg_arg_data_copy`),
// reply append (`msg_reply_data_append`), stable read and write
// (`stable64_read`/`stable64_write`), and making a call (`call_new` +
// `call_data_append` + `call_perform`). A WAT canister loops over the call
// n times with a given size; the time per call is
// (message with n calls − the same message with 0 calls) / n, for sizes
// 0 B … 16 KiB, and a least-squares line (relative errors, so the small
// sizes weigh as much as the large) gives fixed ns + ns per byte.
//
// Each family is also priced by the IC's cost model: the instructions the
// replica's schedule charges per call (measured here from
// `instructionsExecuted`, the same way) at 2 billion instructions per second
// per core. Headline: the fixed cost of a call (arg copy of 0 bytes) against
// that model; the ratio says how much slower (> 1) or faster the host is than
// the time the IC charges for it.
import { Hypervisor } from '../src/hypervisor/index.ts';
import { watToWasm } from '../test/corpus/wat.ts';
import { fitLine, timeAsync } from './lib.ts';
import type { BenchReport } from './lib.ts';
import { install, update } from './hv-support.ts';
import type { BenchCanister } from './hv-support.ts';

const IC_INSTRUCTIONS_PER_SECOND = 2e9;
const SIZES = [0, 64, 256, 1024, 4096, 16_384];
const FAMILIES = ['arg_copy', 'reply_append', 'stable_read', 'stable_write', 'call_perform'] as const;
type Family = (typeof FAMILIES)[number];

/** `n` (u32) and `size` (u32) come first in the argument; `$each` runs n times. */
const loop = (name: string, body: string, end = '(call $reply)'): string => `
  (func (export "canister_update ${name}") (local $i i32)
    (call $arg_copy (i32.const 0) (i32.const 0) (i32.const 8))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (i32.load (i32.const 0))))
      ${body}
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    ${end})`;

const WAT = `(module
  (import "ic0" "msg_arg_data_copy" (func $arg_copy (param i32 i32 i32)))
  (import "ic0" "msg_reply_data_append" (func $append (param i32 i32)))
  (import "ic0" "msg_reply" (func $reply))
  (import "ic0" "stable64_grow" (func $sgrow (param i64) (result i64)))
  (import "ic0" "stable64_read" (func $sread (param i64 i64 i64)))
  (import "ic0" "stable64_write" (func $swrite (param i64 i64 i64)))
  (import "ic0" "canister_self_size" (func $self_size (result i32)))
  (import "ic0" "canister_self_copy" (func $self_copy (param i32 i32 i32)))
  (import "ic0" "call_new" (func $call_new (param i32 i32 i32 i32 i32 i32 i32 i32)))
  (import "ic0" "call_data_append" (func $call_append (param i32 i32)))
  (import "ic0" "call_perform" (func $perform (result i32)))
  (memory 64)
  (table (export "table") 1 funcref)
  (elem (i32.const 0) $callback)
  (data (i32.const 0x200) "x")
  (func $callback (param i32))
  (func (export "canister_init") (drop (call $sgrow (i64.const 64))))
  ${loop('arg_copy', '(call $arg_copy (i32.const 0x10000) (i32.const 0) (i32.load (i32.const 4)))')}
  ${loop('reply_append', '(call $append (i32.const 0x10000) (i32.load (i32.const 4)))')}
  ${loop('stable_read', '(call $sread (i64.const 0x10000) (i64.const 0) (i64.extend_i32_u (i32.load (i32.const 4))))')}
  ${loop('stable_write', '(call $swrite (i64.const 0) (i64.const 0x10000) (i64.extend_i32_u (i32.load (i32.const 4))))')}
  ${loop('call_perform', `
      (call $self_copy (i32.const 0x100) (i32.const 0) (call $self_size))
      (call $call_new (i32.const 0x100) (call $self_size) (i32.const 0x200) (i32.const 1) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0))
      (call $call_append (i32.const 0x10000) (i32.load (i32.const 4)))
      (if (call $perform) (then unreachable))`)})`;

/** The argument: n, size, then enough bytes for `msg_arg_data_copy` of `size`. */
function argOf(n: number, size: number): Uint8Array {
  const arg = new Uint8Array(Math.max(8, size));
  new DataView(arg.buffer).setUint32(0, n, true);
  new DataView(arg.buffer).setUint32(4, size, true);
  return arg;
}

/** Calls per message: enough to dominate the message, within the reply (2 MiB) and queue (500 calls) limits. */
function callsFor(family: Family, size: number): number {
  if (family === 'call_perform') return 400;
  if (family === 'reply_append') return Math.min(2_000, Math.floor(1_500_000 / Math.max(size, 1)));
  return 2_000;
}

interface Point { family: Family; size: number; calls: number; nsPerCall: number; icInstructionsPerCall: number }

async function measure(hv: Hypervisor, c: BenchCanister, family: Family, size: number): Promise<Point> {
  const calls = callsFor(family, size);
  const full = argOf(calls, size);
  const empty = argOf(0, size);
  const withCalls = await update(hv, c, family, full);
  const without = await update(hv, c, family, empty);
  const perMessageUs = await timeAsync(() => update(hv, c, family, full), Math.max(3, Math.ceil(20_000 / calls)));
  const baseUs = await timeAsync(() => update(hv, c, family, empty), 200);
  return {
    family, size, calls,
    nsPerCall: ((perMessageUs - baseUs) * 1000) / calls,
    icInstructionsPerCall: Number(withCalls.instructionsExecuted - without.instructionsExecuted) / calls,
  };
}

export async function run(): Promise<BenchReport> {
  const hv = new Hypervisor();
  const c = await install(hv, await watToWasm(WAT), 11n);
  const points: Point[] = [];
  for (const family of FAMILIES) for (const size of SIZES) points.push(await measure(hv, c, family, size));
  const families = Object.fromEntries(FAMILIES.map((f) => {
    const mine = points.filter((p) => p.family === f);
    const time = fitLine(mine.map((p) => [p.size, p.nsPerCall]), true);
    const ic = fitLine(mine.map((p) => [p.size, p.icInstructionsPerCall]));
    const model = { fixedNs: (ic.fixed / IC_INSTRUCTIONS_PER_SECOND) * 1e9, nsPerByte: (ic.perUnit / IC_INSTRUCTIONS_PER_SECOND) * 1e9 };
    return [f, {
      fixedNs: time.fixed, nsPerByte: time.perUnit, icFixedInstructions: ic.fixed, icInstructionsPerByte: ic.perUnit,
      icModelFixedNs: model.fixedNs, icModelNsPerByte: model.nsPerByte,
      fixedRatioToModel: time.fixed / model.fixedNs, perByteRatioToModel: model.nsPerByte === 0 ? null : time.perUnit / model.nsPerByte,
    }];
  }));
  const headline = points.find((p) => p.family === 'arg_copy' && p.size === 0) as Point;
  const modelNs = (headline.icInstructionsPerCall / IC_INSTRUCTIONS_PER_SECOND) * 1e9;
  await hv.close();
  return {
    name: 'system-api',
    unit: 'ns/call',
    value: headline.nsPerCall,
    baseline: modelNs,
    ratio: headline.nsPerCall / modelNs,
    target: { description: 'an ic0 call costs no more host time than the IC charges for it (2 G instructions/s)', met: headline.nsPerCall <= modelNs },
    details: {
      baselineIs: 'the IC cost model: instructions charged per call (measured in this run) at 2e9 instructions per second per core',
      families, points,
    },
  };
}
