// Hypervisor overheads: the fixed cost of an empty update through
// `Hypervisor.execute` (instance reused, result committed) against calling
// the same export directly in V8; the JSPI (sliced) path against the plain
// one; one DTS pause + resume; a cheap `ic0` call (`msg_arg_data_size`:
// imports bound once per instance to a getter of the current session);
// instance reuse against re-instantiation (WAT and a Motoko EOP canister).
// Per-family System API costs: system-api.bench.ts; the worker pool:
// sandbox-pool.bench.ts; instructions per second: compute.bench.ts.
import { Hypervisor } from '../src/hypervisor/index.ts';
import type { ExecutionLimits } from '../src/hypervisor/index.ts';
import type { ExecutionState } from '../src/state/index.ts';
import { CanisterId, PrincipalId, SubnetId, cycles, time } from '../src/types/index.ts';
import type { ApiType } from '../src/system-api/index.ts';
import { watToWasm } from '../test/corpus/wat.ts';
import { compileMotoko } from '../test/corpus/motoko.ts';
import { candidUnit } from '../test/corpus/candid.ts';
import { timeAsync } from './lib.ts';
import type { BenchReport } from './lib.ts';

const WAT = `(module
  (import "ic0" "msg_reply" (func $reply))
  (import "ic0" "msg_arg_data_size" (func $size (result i32)))
  (memory 1)
  (func (export "canister_update empty") (call $reply))
  (func (export "canister_update calls") (local $i i32)
    (loop $l (drop (call $size)) (local.set $i (i32.add (local.get $i) (i32.const 1))) (br_if $l (i32.lt_u (local.get $i) (i32.const 10000))))
    (call $reply))
  (func (export "canister_update noop_loop") (local $i i32)
    (loop $l (local.set $i (i32.add (local.get $i) (i32.const 1))) (br_if $l (i32.lt_u (local.get $i) (i32.const 10000))))
    (call $reply))
  (func (export "canister_update spin") (local $i i32)
    (loop $l (local.set $i (i32.add (local.get $i) (i32.const 1))) (br_if $l (i32.lt_u (local.get $i) (i32.const 2000000))))
    (call $reply)))`;

const canisterId = CanisterId.fromU64(7n);
const caller = PrincipalId.fromUint8Array(Uint8Array.of(4));
const systemState = { canisterId, balance: 10n ** 15n, subnetId: SubnetId.fromUint8Array(Uint8Array.of(1)) };
const update = (): ApiType => ({ kind: 'update', time: time(1n), caller, arg: candidUnit, incomingCycles: cycles(0n), callContextId: 1n });

/** A runner that executes `method` on a committed state again and again. */
function runner(hv: Hypervisor, start: ExecutionState, method: string, limits: ExecutionLimits, fresh = false) {
  let state = start;
  let slices = 0;
  return {
    async run(): Promise<void> {
      if (fresh) hv.dropInstances(canisterId);
      let out = await hv.execute({ canisterId, state, entryPoint: { kind: 'update', method }, apiType: update(), systemState, limits });
      while (out.kind === 'paused') out = await out.paused.resume();
      if (out.result.error !== undefined) throw new Error(JSON.stringify(out.result.error));
      state = out.result.state;
      slices = out.result.slices;
    },
    get slices() { return slices; },
  };
}

async function install(hv: Hypervisor, wasm: Uint8Array): Promise<ExecutionState> {
  const c = hv.compile(wasm, canisterId);
  if (!c.ok) throw new Error(c.error.description);
  const state = hv.createExecutionState(canisterId, c.compiled);
  const out = await hv.execute({ canisterId, state, entryPoint: { kind: 'start' }, apiType: { kind: 'start' }, systemState, limits: { message: 10n ** 10n } });
  if (out.kind !== 'finished') throw new Error('start paused');
  const init = await hv.execute({
    canisterId, state: out.result.state, entryPoint: { kind: 'init' }, apiType: { kind: 'init', time: time(1n), caller, arg: candidUnit },
    systemState, limits: { message: 10n ** 10n },
  });
  if (init.kind !== 'finished' || init.result.error !== undefined) throw new Error('init failed');
  return init.result.state;
}

/** The raw export called directly in V8 (uninstrumented module, stub imports). */
async function directCall(): Promise<number> {
  const inst = new WebAssembly.Instance(new WebAssembly.Module(await watToWasm(WAT)), { ic0: { msg_reply: () => undefined, msg_arg_data_size: () => 0 } });
  const f = inst.exports['canister_update empty'] as () => void;
  return timeAsync(async () => f(), 20_000);
}

export async function run(): Promise<BenchReport> {
  const wasm = await watToWasm(WAT);
  const hv = new Hypervisor();
  const state = await install(hv, wasm);
  const big = { message: 10n ** 10n };
  const sliced = { message: 10n ** 10n, slice: 10n ** 9n }; // the JSPI path, no pause for short messages
  const direct = await directCall();
  const plain = await timeAsync(runner(hv, state, 'empty', big).run, 20_000);
  const promising = await timeAsync(runner(hv, state, 'empty', sliced).run, 20_000);
  const fresh = await timeAsync(runner(hv, state, 'empty', big, true).run, 2_000);
  const calls = await timeAsync(runner(hv, state, 'calls', big).run, 200);
  const noCalls = await timeAsync(runner(hv, state, 'noop_loop', big).run, 200);
  const spin = runner(hv, state, 'spin', { message: 10n ** 10n, slice: 100_000n });
  const spinPlain = await timeAsync(runner(hv, state, 'spin', big).run, 50);
  const spinSliced = await timeAsync(spin.run, 50);
  const pause = (spinSliced - spinPlain) / (spin.slices - 1);

  const mo = new Hypervisor();
  const moState = await install(mo, await compileMotoko('persistent actor { var n : Nat = 0; public func inc() : async Nat { n += 1; n } }'));
  const moReuse = await timeAsync(runner(mo, moState, 'inc', big).run, 2_000);
  const moFresh = await timeAsync(runner(mo, moState, 'inc', big, true).run, 200);

  return {
    name: 'hypervisor',
    unit: 'µs/message',
    value: plain,
    baseline: direct,
    ratio: plain / direct,
    target: { description: 'fixed cost of an empty update < 20 µs', met: plain - direct < 20 },
    details: {
      emptyUpdatePlainUs: plain,
      emptyUpdatePromisingUs: promising,
      promisingMinusPlainUs: promising - plain,
      directExportCallUs: direct,
      emptyUpdateFreshInstanceUs: fresh,
      ic0CallNs: ((calls - noCalls) * 1000) / 10_000,
      pauseResumeUs: pause,
      slicesPerSpin: spin.slices,
      motokoIncReusedUs: moReuse,
      motokoIncFreshInstanceUs: moFresh,
      motokoHeapPages: moState.heapSizePages,
    },
  };
}
