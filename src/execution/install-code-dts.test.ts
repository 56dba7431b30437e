// install_code under deterministic time slicing across rounds, and its
// finishing checks:
// - a long canister_init pauses between calls (rounds) when the call's
//   message is given; the canister is untouched meanwhile but for the
//   prepayment; messages inducted meanwhile survive the commit; the
//   instructions, cycles and state equal those of the same install in one
//   slice; an abort (checkpoint) leaves `abortedInstallCode` with the
//   prepaid cycles and the re-run is not charged twice;
// - compilation: charged in full to the message, 1/100 to the round for a
//   module compiled since the checkpoint; the compile cache's hit reported;
// - the Wasm memory limit (IC0539), the freezing threshold of the new
//   memory usage (IC0532), the subnet's memory (IC0101), the install-code
//   rate limit (IC0209), chunk assembly errors, the history origin, and
//   open call contexts untouched by a reinstall.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { APPLICATION_SUBNET_SCHEDULER_CONFIG } from '../config/index.ts';
import { CyclesAccountManager } from '../cycles/index.ts';
import { ErrorCode, docRef } from '../errors/index.ts';
import { CHUNK_SIZE, WasmChunkStore, pushIngress } from '../state/index.ts';
import type { CanisterState } from '../state/index.ts';
import { CanisterId, numInstructions, time } from '../types/index.ts';
import { sha256 } from '../crypto/index.ts';
import { watToWasm } from '../../test/corpus/wat.ts';
import { ExecutionEnvironment } from './index.ts';
import type { FinishedInstallCodeResult, InstallCodeArgs, InstallCodeResult } from './index.ts';
import { SUBNET, T, T0, USER, hypervisor, ingressTo, newCanister, newRound } from './test-support.ts';

const LONG_INIT = `(module
  (import "ic0" "msg_reply" (func $reply))
  (import "ic0" "msg_reply_data_append" (func $append (param i32 i32)))
  (import "ic0" "msg_arg_data_copy" (func $arg_copy (param i32 i32 i32)))
  (memory 1)
  (func (export "canister_init") (local $i i32) (local $n i32)
    (call $arg_copy (i32.const 0x100) (i32.const 0) (i32.const 4))
    (local.set $n (i32.load (i32.const 0x100)))
    (loop $l
      (i64.store (i32.const 0x200) (i64.add (i64.load (i32.const 0x200)) (i64.extend_i32_u (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (i32.store (i32.const 0x208) (i32.const 7)))
  (func (export "canister_query get") (call $append (i32.const 0x200) (i32.const 12)) (call $reply)))`;

const u32 = (n: number): Uint8Array => { const b = new Uint8Array(4); new DataView(b.buffer).setUint32(0, n, true); return b; };
const ITERATIONS = 1_000_000;

function env(installSlice: bigint, opts: { rateLimit?: boolean } = {}): ExecutionEnvironment {
  return new ExecutionEnvironment({
    hypervisor: hypervisor(), cycles: new CyclesAccountManager({ subnetSize: 13 }), subnetType: 'application', ownSubnetId: SUBNET, subnetSize: 13,
    schedulerConfig: { ...APPLICATION_SUBNET_SCHEDULER_CONFIG, maxInstructionsPerInstallCodeSlice: numInstructions(installSlice) },
    rateLimitInstallCode: opts.rateLimit ?? false,
  });
}

async function args(c: CanisterState, extra: Partial<InstallCodeArgs> = {}): Promise<InstallCodeArgs> {
  return { mode: 'install', wasmModule: await watToWasm(LONG_INIT), arg: u32(ITERATIONS), sender: USER, message: ingressTo(c, 'install_code'), ...extra };
}

function finished(r: InstallCodeResult): FinishedInstallCodeResult {
  assert.ok(r.paused !== true, 'finished');
  return r as FinishedInstallCodeResult;
}

async function query(e: ExecutionEnvironment, c: CanisterState): Promise<Uint8Array> {
  const r = await e.executeQuery(c, { sender: USER, method: 'get', arg: new Uint8Array(0) }, T0);
  if (!('reply' in r)) assert.fail(JSON.stringify(r));
  return r.reply;
}

const used = (round: ReturnType<typeof newRound>): bigint => 4_000_000_000n - round.roundInstructionsLeft.value;

/** Resumes `c`'s paused install round after round; returns the result, the rounds and the round instructions. */
async function runToEnd(e: ExecutionEnvironment, c: CanisterState, first: InstallCodeResult): Promise<{ r: FinishedInstallCodeResult; rounds: number; roundInstructions: bigint }> {
  let r = first;
  let rounds = 1;
  let roundInstructions = 0n;
  while (r.paused === true) {
    assert.equal(c.systemState.taskQueue.front()?.kind, 'pausedInstallCode');
    const round = newRound();
    r = (await e.resumeInstallCode(c, round)).result;
    roundInstructions += used(round);
    rounds++;
  }
  return { r: finished(r), rounds, roundInstructions };
}

describe('install_code across rounds', () => {
  test('pauses between rounds, keeps messages inducted meanwhile, and ends as the same install in one slice', async () => {
    const whole = env(300_000_000_000n);
    const a = newCanister(1n);
    const roundA = newRound();
    const ra = finished(await whole.installCode(a, await args(a), roundA));
    assert.ok(ra.ok);

    const sliced = env(1_000_000n);
    const b = newCanister(2n);
    const before = b.systemState.balance;
    const round1 = newRound();
    const first = await sliced.installCode(b, await args(b), round1);
    assert.equal(first.paused, true);
    assert.equal(b.executionState, undefined, 'the canister is untouched while paused');
    assert.equal(b.systemState.canisterVersion, 0n);
    assert.ok(sliced.hasPausedExecution(b));
    assert.ok(before - b.systemState.balance > 100_000_000_000n, 'the 300B-instruction prepayment is taken');
    const waiting = ingressTo(b, 'get');
    pushIngress(b.systemState, waiting);

    const { r, rounds, roundInstructions } = await runToEnd(sliced, b, first);
    assert.ok(r.ok, r.ok ? '' : r.error.description);
    assert.ok(rounds >= 5, `spanned ${rounds} rounds`);
    assert.equal(r.instructionsUsed, ra.instructionsUsed, 'the same instructions as in one slice');
    assert.equal(used(round1) + roundInstructions, used(roundA), 'the rounds together counted the same instructions');
    assert.equal(before - b.systemState.balance, 100n * T - a.systemState.balance, 'the same cycles');
    assert.deepEqual(await query(sliced, b), await query(whole, a), 'the same state');
    assert.equal(b.systemState.canisterVersion, 1n);
    assert.equal(b.systemState.queues.ingressQueue.size, 1, 'the message inducted while paused is still queued');
    assert.ok(!sliced.hasPausedExecution(b));
  });

  test('an abort leaves abortedInstallCode with the prepaid cycles; the re-run is not charged twice', async () => {
    const sliced = env(1_000_000n);
    const c = newCanister(3n);
    const a = await args(c);
    const first = await sliced.installCode(c, a, newRound());
    assert.equal(first.paused, true);
    const afterPrepay = c.systemState.balance;
    sliced.abortPausedExecution(c);
    const front = c.systemState.taskQueue.front();
    assert.equal(front?.kind, 'abortedInstallCode');
    assert.ok(front?.kind === 'abortedInstallCode' && front.message === a.message && front.prepaidExecutionCycles === 100n * T - afterPrepay);
    assert.equal(c.systemState.balance, afterPrepay);
    assert.ok(!sliced.hasPausedExecution(c));
    c.systemState.taskQueue.popFront();
    const rerun = await sliced.installCode(c, { ...a, prepaid: front.prepaidExecutionCycles }, newRound());
    const { r } = await runToEnd(sliced, c, rerun);
    assert.ok(r.ok);
    const whole = env(300_000_000_000n);
    const d = newCanister(4n);
    finished(await whole.installCode(d, await args(d), newRound()));
    assert.equal(c.systemState.balance, d.systemState.balance, 'charged once');
  });
});

describe('compilation cost', () => {
  test('the message pays it in full; the round 1/100 of it for a module compiled since the checkpoint; cache hits reported', async () => {
    const e = env(300_000_000_000n);
    const wasm = await watToWasm(`(module (memory 1) (func (export "canister_init")) (func (export "canister_query x") nop) (func $pad (drop (i32.const 424242))))`);
    const c1 = newCanister(5n);
    const r1Round = newRound();
    const r1 = finished(await e.installCode(c1, { mode: 'install', wasmModule: wasm, arg: new Uint8Array(0), sender: USER }, r1Round));
    assert.ok(r1.ok && r1.compilation !== undefined);
    const cost = c1.executionState?.compiled.output.compilationCost ?? 0n;
    assert.ok(cost > 0n);
    assert.deepEqual(r1.compilation, { instructions: cost, roundInstructions: cost, cacheHit: false });
    assert.ok(r1.instructionsUsed >= cost, 'the compilation is in the instructions charged');
    assert.equal(100n * T - c1.systemState.balance, e.cycles.executionCost(r1.instructionsUsed), 'and so in the cycles');
    const c2 = newCanister(6n);
    const r2Round = newRound();
    const r2 = finished(await e.installCode(c2, { mode: 'install', wasmModule: wasm, arg: new Uint8Array(0), sender: USER, compiledSinceCheckpoint: true }, r2Round));
    assert.ok(r2.ok);
    assert.deepEqual(r2.compilation, { instructions: cost, roundInstructions: cost / 100n, cacheHit: true });
    assert.equal(r2.instructionsUsed, r1.instructionsUsed, 'the canister pays the same');
    assert.equal(c2.systemState.balance, c1.systemState.balance);
    assert.equal(used(r1Round) - used(r2Round), cost - cost / 100n, 'the round pays less');
  });
});

describe('finishing checks', () => {
  test('a heap above the Wasm memory limit fails with IC0539 and leaves the canister empty', async () => {
    const e = env(300_000_000_000n);
    const c = newCanister(7n);
    c.systemState.wasmMemoryLimit = 1000n;
    const r = finished(await e.installCode(c, { mode: 'install', wasmModule: await watToWasm(LONG_INIT), arg: u32(1), sender: USER }, newRound()));
    assert.ok(!r.ok);
    assert.equal(r.error.code, ErrorCode.CanisterWasmMemoryLimitExceeded);
    assert.match(r.error.description, /^Error from Canister [a-z0-9-]+: Canister exceeded its current Wasm memory limit of 1000 bytes\. The peak Wasm memory usage was 65536 bytes\./);
    assert.equal(c.executionState, undefined);
  });

  test('a balance below the freezing threshold of the new memory usage fails with IC0532', async () => {
    const e = env(300_000_000_000n);
    const probe = newCanister(8n);
    const wasm = await watToWasm(LONG_INIT);
    finished(await e.installCode(probe, { mode: 'install', wasmModule: wasm, arg: u32(1), sender: USER }, newRound()));
    const usage = probe.memoryUsage();
    const c = newCanister(9n);
    c.systemState.freezeThreshold = 1_000_000_000_000n;
    const r = finished(await e.installCode(c, { mode: 'install', wasmModule: wasm, arg: u32(1), sender: USER }, newRound()));
    assert.ok(!r.ok);
    const threshold = e.cycles.freezeThreshold(c.systemState, { memoryUsage: usage, messageMemoryUsage: 0n });
    const missing = (threshold - c.systemState.balance).toString().replace(/\B(?=(\d{3})+(?!\d))/g, '_');
    assert.deepEqual(r.error, {
      code: ErrorCode.InsufficientCyclesInMemoryGrow,
      description: `Canister cannot grow memory by ${usage} bytes due to insufficient cycles. At least ${missing} additional cycles are required.\n`
        + `Top up the canister with more cycles. See documentation: ${docRef('insufficient-cycles-in-memory-grow-1')}`,
    });
    assert.equal(c.executionState, undefined);
  });

  test('memory the subnet does not have fails with IC0101', async () => {
    const e = env(300_000_000_000n);
    const c = newCanister(10n);
    const r = finished(await e.installCode(c, {
      mode: 'install', wasmModule: await watToWasm(LONG_INIT), arg: u32(1), sender: USER, subnetAvailableMemory: 10n * 1024n * 1024n,
    }, newRound()));
    assert.ok(r.ok, 'a small module fits');
    const d = newCanister(11n);
    const r2 = finished(await e.installCode(d, { mode: 'install', wasmModule: await watToWasm(LONG_INIT), arg: u32(1), sender: USER, subnetAvailableMemory: 1000n }, newRound()));
    assert.ok(!r2.ok);
    assert.equal(r2.error.code, ErrorCode.SubnetOversubscribed);
    assert.match(r2.error.description, /^Canister requested \d+\.\d\d KiB of memory but only 1000 B are available in the subnet\.\nTry moving to another subnet\. See documentation: /);
  });

  test('the install-code debit rate-limits the next install (IC0209) until paid off', async () => {
    const e = env(300_000_000_000n, { rateLimit: true });
    const c = newCanister(12n);
    const wasm = await watToWasm(LONG_INIT);
    const r = finished(await e.installCode(c, { mode: 'install', wasmModule: wasm, arg: u32(1), sender: USER }, newRound()));
    assert.ok(r.ok);
    assert.equal(c.schedulerState.installCodeDebit, r.instructionsUsed);
    const r2 = finished(await e.installCode(c, { mode: 'reinstall', wasmModule: wasm, arg: u32(1), sender: USER }, newRound()));
    assert.ok(!r2.ok);
    assert.deepEqual(r2.error, {
      code: ErrorCode.CanisterInstallCodeRateLimited,
      description: `Canister ${c.canisterId.toText()} is rate limited because it executed too many instructions in the previous install_code messages. `
        + 'Please retry installation after several minutes.\n'
        + `Retry the installation at a later time. See documentation: ${docRef('install-code-rate-limited')}`,
    });
    c.schedulerState.installCodeDebit = 0n;
    assert.ok(finished(await e.installCode(c, { mode: 'reinstall', wasmModule: wasm, arg: u32(1), sender: USER }, newRound())).ok);
  });
});

describe('chunks, origin, call contexts', () => {
  test('a chunked module is assembled, checked against its hash, and charged 1 MiB of instructions per chunk', async () => {
    const e = env(300_000_000_000n);
    const wasm = await watToWasm(LONG_INIT);
    const store = new WasmChunkStore();
    const half = Math.floor(wasm.length / 2);
    const parts = [wasm.slice(0, half), wasm.slice(half)];
    const hashes = parts.map((p) => { const v = store.canInsert(100n * CHUNK_SIZE, p); if (v.kind !== 'insert') assert.fail(); store.insert(v.hash, p); return v.hash; });
    const raw = newCanister(13n);
    const rr = finished(await e.installCode(raw, { mode: 'install', wasmModule: wasm, arg: u32(1), sender: USER }, newRound()));
    const c = newCanister(14n);
    const r = finished(await e.installCode(c, { mode: 'install', wasmModule: { kind: 'chunks', store, hashes, moduleHash: sha256(wasm) }, arg: u32(1), sender: USER }, newRound()));
    assert.ok(r.ok && rr.ok);
    assert.equal(r.instructionsUsed - rr.instructionsUsed, 2n * CHUNK_SIZE);
    assert.equal(r.moduleHash, Buffer.from(sha256(wasm)).toString('hex'));
    const fails = async (hs: Uint8Array[], hash: Uint8Array): Promise<string> => {
      const d = newCanister(15n);
      const x = finished(await e.installCode(d, { mode: 'install', wasmModule: { kind: 'chunks', store, hashes: hs, moduleHash: hash }, arg: u32(1), sender: USER }, newRound()));
      assert.ok(!x.ok && x.error.code === ErrorCode.CanisterContractViolation);
      assert.equal(d.executionState, undefined);
      return x.error.description;
    };
    const help = `\nUse the \`stored_chunks\` API to check which hashes are present or top up the canister if it is low on cycles. See documentation: ${docRef('wasm-chunk-store-error')}`;
    assert.equal(await fails([hashes[1], hashes[0]], sha256(wasm)),
      `Error from Wasm chunk store: Wasm module hash [${[...sha256(Uint8Array.from([...parts[1], ...parts[0]]))].join(', ')}] does not match given hash WasmHash([${[...sha256(wasm)].join(', ')}]).${help}`);
    assert.equal(await fails([new Uint8Array(32)], sha256(wasm)), `Error from Wasm chunk store: Chunk hash [${new Array(32).fill(0).join(', ')}] was not found.${help}`);
    assert.equal(await fails([Uint8Array.of(1)], sha256(wasm)), `Error from Wasm chunk store: Chunk hash is invalid. The length is not 32.${help}`);
  });

  test('the history records the origin given; a reinstall leaves open call contexts alone', async () => {
    const e = env(300_000_000_000n);
    const c = newCanister(16n);
    const caller = CanisterId.fromU64(99n);
    const wasm = await watToWasm(LONG_INIT);
    finished(await e.installCode(c, { mode: 'install', wasmModule: wasm, arg: u32(1), sender: USER, origin: { kind: 'fromCanister', canisterId: caller, canisterVersion: 7n } }, newRound()));
    assert.deepEqual(c.systemState.canisterHistory.changes.at(-1)?.origin, { kind: 'fromCanister', canisterId: caller, canisterVersion: 7n });
    const ctx = c.systemState.newCallContext({ kind: 'ingress', userId: USER, messageId: new Uint8Array(32) }, 0n, time(T0), { callTreeDepth: 0n, callTreeStartTime: time(T0) });
    assert.ok(finished(await e.installCode(c, { mode: 'reinstall', wasmModule: wasm, arg: u32(1), sender: USER }, newRound())).ok);
    assert.equal(c.systemState.callContextManager?.callContext(ctx as bigint)?.responded, false, 'the call context is still open');
  });
});
