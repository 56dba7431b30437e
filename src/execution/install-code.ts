/**
 * `install_code`'s execution in modes install, reinstall and upgrade (the
 * replica's `execution/install_code.rs`, `install.rs`, `upgrade.rs`; the
 * management canister's Candid and access checks are src/management's):
 *
 *   prepay execution_cost(300B) for the new module's pointer width
 *                                   → IC0207 "Canister installation failed with `…`."
 *   the phases of the mode (install-code-phases.ts), on a working copy
 *   finish: refund what was not used, apply postponed ingress charges; then
 *     the Wasm memory limit (IC0539); memory growth: the freezing threshold
 *     of the new usage (IC0532) and the subnet's memory (IC0101); commit
 *   the instructions used are added to the canister's install-code debit
 *   (IC0209 for the next install while it is not paid off)
 *
 * Atomic: a failure anywhere leaves the canister as it was, but for the
 * prepayment's per-message fee, the instructions used, and the log (the
 * working copy's log, with the failed step's records).
 *
 * Deterministic time slicing: each Wasm step runs in slices of the install
 * slice limit. Given the call's `message`, a slice that ends pauses the
 * install between rounds (paused-install-code.ts): `resumeInstallCode`
 * continues it in a later round, replaying its steps on the canister as it
 * is then (install-code-job.ts). Without a message every slice runs within
 * the call. Either way each slice counts against the round it runs in, and
 * the instructions and the result are those of the same install in one
 * slice.
 */
import type { HypervisorError, UserError } from '../errors/index.ts';
import { toUserError } from '../errors/index.ts';
import type { ExecuteOutcome } from '../hypervisor/index.ts';
import type { CanisterChangeOrigin, CanisterState } from '../state/index.ts';
import { sha256 } from '../crypto/index.ts';
import { CanisterId, numBytes } from '../types/index.ts';
import type { PrincipalId } from '../types/index.ts';
import { chargeRound, heapDeltaBytes, instructions, runEntry, systemStateInit, usageOf } from './common.ts';
import type { Env } from './common.ts';
import {
  debugBytes, insufficientCyclesInMemoryGrow, installNotEnoughCycles, subnetMemoryOversubscribed, wasmChunkStoreError,
} from './install-code-errors.ts';
import { addStep, reduceLeft, replay } from './install-code-job.ts';
import type { InstallJob } from './install-code-job.ts';
import { installPhases, upgradePhases } from './install-code-phases.ts';
import type { Phase } from './install-code-phases.ts';
import type { PausedInstallCodes } from './paused-install-code.ts';
import type { CanisterCall } from '../state/index.ts';
import type { ChunkedWasm, FinishedInstallCodeResult, InstallCodeArgs, InstallCodeResult, RoundContext } from './types.ts';

export { ENHANCED_ORTHOGONAL_PERSISTENCE_SECTION, usesEnhancedOrthogonalPersistence } from './install-code-phases.ts';

/** Who made the change, when the caller does not say: a canister (opaque 10-byte id ending in 0x01) or a user. */
function originOf(sender: PrincipalId): CanisterChangeOrigin {
  const b = sender.bytesView();
  return b.length === 10 && b[9] === 0x01
    ? { kind: 'fromCanister', canisterId: CanisterId.fromPrincipalId(sender) }
    : { kind: 'fromUser', userId: sender };
}

/** Concatenates the chunks and checks their hash (`WasmSource::into_canister_module`). */
export function assembleChunks(src: ChunkedWasm): Uint8Array | { readonly error: UserError } {
  const parts: Uint8Array[] = [];
  for (const hash of src.hashes) {
    if (hash.length !== 32) return { error: wasmChunkStoreError('Chunk hash is invalid. The length is not 32') };
    const chunk = src.store.get(hash);
    if (chunk === undefined) return { error: wasmChunkStoreError(`Chunk hash ${debugBytes(hash)} was not found`) };
    parts.push(chunk);
  }
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.length;
  }
  const got = sha256(bytes);
  if (Buffer.compare(got, src.moduleHash) !== 0) {
    return { error: wasmChunkStoreError(`Wasm module hash ${debugBytes(got)} does not match given hash WasmHash(${debugBytes(src.moduleHash)})`) };
  }
  return bytes;
}

function phasesOf(job: InstallJob): Phase[] {
  const mode = job.args.mode;
  return typeof mode === 'string' ? installPhases(mode) : upgradePhases(mode.upgrade);
}

/** Executes install_code (see the module header). */
export async function executeInstallCode(
  env: Env, registry: PausedInstallCodes, canister: CanisterState, args: InstallCodeArgs, round: RoundContext,
): Promise<InstallCodeResult> {
  const limit = env.config.maxInstructionsPerInstallCode;
  const src = args.wasmModule;
  const module = src instanceof Uint8Array ? src : assembleChunks(src);
  const firstCompile = module instanceof Uint8Array ? env.hypervisor.compile(module, canister.canisterId) : undefined;
  const wasm64 = firstCompile?.ok === true && firstCompile.compiled.output.isWasm64;
  let prepaid = args.prepaid;
  if (prepaid === undefined) {
    const sys = canister.systemState;
    const p = env.cycles.prepayExecutionCycles(sys, usageOf(canister), limit, { revealTopUp: sys.isController(args.sender), wasm64 });
    if (!p.ok) return { ok: false, error: installNotEnoughCycles(p.error), canister, instructionsUsed: instructions(0n) };
    prepaid = p.prepaid;
  }
  const job: InstallJob = {
    args, time: round.time, origin: args.origin ?? originOf(args.sender), limit, slice: env.config.maxInstructionsPerInstallCodeSlice,
    prepaid, wasm64, module, steps: [], next: 0, left: limit, heapDelta: 0n,
    ...(firstCompile === undefined ? {} : { firstCompile }),
    ...(args.subnetAvailableMemory === undefined ? {} : { subnetAvailableMemory: args.subnetAvailableMemory }),
  };
  return advance(env, registry, canister, job, round, undefined);
}

/**
 * Continues the canister's paused install with its next slice (in a later
 * round); `message` is the call it answers when it finishes.
 */
export async function resumeInstallCode(
  env: Env, registry: PausedInstallCodes, canister: CanisterState, round: RoundContext, opts: { readonly subnetAvailableMemory?: bigint } = {},
): Promise<{ readonly result: InstallCodeResult; readonly message: CanisterCall }> {
  const entry = registry.take(canister);
  const job = entry.job;
  if (opts.subnetAvailableMemory !== undefined) job.subnetAvailableMemory = opts.subnetAvailableMemory;
  const out = await entry.paused.resume();
  const result = await advance(env, registry, canister, job, round, { out, counted: entry.counted });
  return { result, message: job.args.message as CanisterCall };
}

/** Runs the job's phases from `job.next` until it finishes, fails or pauses. */
async function advance(
  env: Env, registry: PausedInstallCodes, canister: CanisterState, job: InstallJob, round: RoundContext,
  pending: { out: ExecuteOutcome; counted: bigint } | undefined,
): Promise<InstallCodeResult> {
  const helper = replay(canister, job);
  const phases = phasesOf(job);
  let out = pending?.out;
  let counted = pending?.counted ?? 0n;
  for (;;) {
    if (out === undefined) {
      const phase = phases[job.next];
      if (phase === undefined) return finish(env, canister, job, helper);
      if (phase.kind === 'sync') {
        const error = phase.run(job, helper, { env, round });
        job.next++;
        if (error !== undefined) return fail(env, canister, job, helper, error);
        continue;
      }
      const state = helper.executionState;
      if (state === undefined) return fail(env, canister, job, helper, { kind: 'WasmModuleNotFound' });
      out = await runEntry(env, helper, state, phase.entryPoint, phase.apiType(job), systemStateInit(env, helper),
        { message: job.left, slice: job.slice < job.left ? job.slice : job.left, reported: job.limit });
      counted = 0n;
    }
    if (out.kind === 'paused') {
      const slice = out.paused.sliceInstructions;
      chargeRound(round, slice);
      counted += slice;
      if (job.args.message === undefined) {
        out = await out.paused.resume();
        continue;
      }
      registry.put(canister, { job, paused: out.paused, counted });
      return { ok: false, paused: true, canister, instructionsUsed: instructions(slice) };
    }
    const r = out.result;
    out = undefined;
    chargeRound(round, r.instructionsExecuted - counted);
    reduceLeft(job, r.instructionsExecuted);
    if (r.error !== undefined) return fail(env, canister, job, helper, r.error, r.modifications.canisterLog);
    job.heapDelta += heapDeltaBytes(r);
    addStep(job, helper, { kind: 'wasm', result: r, time: job.time });
    job.next++;
  }
}

/**
 * Ends the install with an error (`finish_err`): the canister keeps its
 * state; its log becomes the working copy's plus the failed step's records;
 * postponed ingress charges are applied; unused cycles refunded; the
 * instructions used added to the install-code debit.
 */
function fail(
  env: Env, canister: CanisterState, job: InstallJob, helper: CanisterState, error: UserError | HypervisorError,
  failedLog: Parameters<CanisterState['systemState']['canisterLog']['append']>[0] = [],
): FinishedInstallCodeResult {
  const err = 'kind' in error ? toUserError(error, canister.canisterId) : error;
  const log = canister.systemState.canisterLog;
  log.clear();
  log.append(helper.systemState.canisterLog.records);
  log.append(failedLog);
  canister.systemState.applyIngressInductionCyclesDebit();
  env.cycles.refundUnusedExecutionCycles(canister.systemState, job.left, job.limit, job.prepaid, job.wasm64);
  const used = job.limit - job.left;
  canister.schedulerState.installCodeDebit += used;
  return { ok: false, error: err, canister, instructionsUsed: instructions(used), ...(job.compilation === undefined ? {} : { compilation: job.compilation }) };
}

/** Ends a successful install (`InstallCodeHelper::finish`; see the module header). */
function finish(env: Env, canister: CanisterState, job: InstallJob, helper: CanisterState): FinishedInstallCodeResult {
  const sys = helper.systemState;
  env.cycles.refundUnusedExecutionCycles(sys, job.left, job.limit, job.prepaid, job.wasm64);
  sys.applyIngressInductionCyclesDebit();
  const limit = sys.wasmMemoryLimit;
  const heap = helper.wasmMemoryUsage();
  if (limit !== undefined && limit !== 0n && heap > limit) {
    return fail(env, canister, job, helper, { kind: 'WasmMemoryLimitExceeded', bytes: numBytes(heap), limit: numBytes(limit) });
  }
  const allocation = sys.memoryAllocation;
  const before = canister.memoryUsage();
  const after = helper.memoryUsage();
  const oldAllocated = allocation > before ? allocation : before;
  const newAllocated = allocation > after ? allocation : after;
  if (newAllocated > oldAllocated) {
    const bytes = newAllocated - oldAllocated;
    const threshold = env.cycles.freezeThreshold(sys, usageOf(helper));
    if (sys.balance < threshold) return fail(env, canister, job, helper, insufficientCyclesInMemoryGrow(bytes, sys.balance, threshold));
    const available = job.subnetAvailableMemory;
    if (available !== undefined && bytes > available) {
      return fail(env, canister, job, helper, subnetMemoryOversubscribed(bytes, available > 0n ? available : 0n));
    }
  }
  // ---- commit point: every step succeeded and every check passed; nothing below can fail ----
  canister.systemState = helper.systemState;
  canister.executionState = helper.executionState;
  const used = job.limit - job.left;
  canister.schedulerState.installCodeDebit += used;
  return {
    ok: true, canister, instructionsUsed: instructions(used), moduleHash: job.compiled?.hash ?? '', heapDeltaBytes: job.heapDelta,
    ...(job.compilation === undefined ? {} : { compilation: job.compilation }),
  };
}
