/**
 * One install_code in progress (the replica's `InstallCodeHelper` with its
 * `InstallCodeStep`s and `OriginalContext`): what it has done so far as a
 * list of steps, replayed on the canister as it is *now* whenever the
 * install needs its working copy.
 *
 * An install may pause between rounds (DTS). Meanwhile the canister keeps
 * receiving messages (they wait in its queues) and postponed ingress
 * charges, so the copy taken when the install started is stale by the time
 * it finishes. As the replica does, the install therefore never keeps a
 * copy across rounds: each time it continues it clones the current canister
 * and replays its steps — a new execution state, the deployment's
 * bookkeeping, each finished Wasm step's state and system-state changes —
 * and it commits that replayed copy. Replaying is pure (no Wasm runs).
 */
import type { UserError } from '../errors/index.ts';
import type { ExecutionResult } from '../hypervisor/index.ts';
import type { CanisterChangeOrigin, CanisterState, ExecutionState } from '../state/index.ts';
import type { Time } from '../types/index.ts';
import type { CompiledModule } from '../wasm/index.ts';
import type { CompilationInfo, InstallCodeArgs } from './types.ts';

/** One change to the working copy (`InstallCodeStep`). */
export type InstallStep =
  | { readonly kind: 'replaceExecutionState'; readonly state: ExecutionState }
  /** The deployment's bookkeeping: (install/reinstall) certified data and log cleared; timer off; version bumped; change recorded. */
  | {
    readonly kind: 'deploy'; readonly mode: 'install' | 'reinstall' | 'upgrade'; readonly moduleHash: Uint8Array;
    readonly origin: CanisterChangeOrigin; readonly time: Time;
  }
  /** A finished Wasm step: its state and what it asked of the system state. */
  | { readonly kind: 'wasm'; readonly result: ExecutionResult; readonly time: Time };

/** An install_code from its start to its end (see the module header). */
export interface InstallJob {
  readonly args: InstallCodeArgs;
  /** The time of the round it started in (`original.time`): every step's API sees it. */
  readonly time: Time;
  readonly origin: CanisterChangeOrigin;
  /** The install's instruction limit. */
  readonly limit: bigint;
  readonly slice: bigint;
  readonly prepaid: bigint;
  /** Whether the new module is Wasm64 (the cycles rate of the prepayment and refund). */
  readonly wasm64: boolean;
  /** The module bytes, or the error assembling them from chunks gave. */
  readonly module: Uint8Array | { readonly error: UserError };
  readonly steps: InstallStep[];
  /** Index of the next phase to run. */
  next: number;
  /** Instructions left of the limit. */
  left: bigint;
  /** Bytes the Wasm steps dirtied. */
  heapDelta: bigint;
  compilation?: CompilationInfo;
  /** The compile of the new module, once done. */
  compiled?: CompiledModule;
  /** The first compile lookup of the module (to learn its pointer width before prepaying); the compile phase reuses it. */
  readonly firstCompile?: CompileOutcome;
  /** Memory the subnet can still give out, bytes (updated each time the install continues). */
  subnetAvailableMemory?: bigint;
}

/** `Hypervisor.compile`'s answer. */
export type CompileOutcome =
  | { readonly ok: true; readonly compiled: CompiledModule; readonly cacheHit: boolean }
  | { readonly ok: false; readonly error: UserError; readonly cacheHit: boolean };

/** Applies one step to `c` (in place). */
export function applyStep(c: CanisterState, step: InstallStep): void {
  const sys = c.systemState;
  switch (step.kind) {
    case 'replaceExecutionState':
      c.executionState = step.state;
      return;
    case 'deploy':
      if (step.mode !== 'upgrade') {
        sys.certifiedData = new Uint8Array(0);
        sys.canisterLog.clear();
      }
      sys.globalTimer = 0n;
      sys.canisterVersion += 1n;
      sys.addCanisterChange(step.time, step.origin, { kind: 'codeDeployment', mode: step.mode, moduleHash: step.moduleHash });
      return;
    case 'wasm':
      c.executionState = step.result.state;
      sys.applyModifications(step.result.modifications, { time: step.time, bumpCanisterVersion: false });
      return;
  }
}

/** The working copy: the current canister with the job's steps replayed (`InstallCodeHelper::resume`). */
export function replay(canister: CanisterState, job: InstallJob): CanisterState {
  const helper = canister.clone();
  for (const step of job.steps) applyStep(helper, step);
  return helper;
}

/** Records a step and applies it to the working copy. */
export function addStep(job: InstallJob, helper: CanisterState, step: InstallStep): void {
  job.steps.push(step);
  applyStep(helper, step);
}

/** Takes `n` instructions from what the job has left (saturating). */
export function reduceLeft(job: InstallJob, n: bigint): void {
  job.left = job.left > n ? job.left - n : 0n;
}
