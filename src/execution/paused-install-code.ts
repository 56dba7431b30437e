/**
 * install_code under deterministic time slicing across rounds: the
 * registry of paused installs (not replicated, like the replica's
 * `PausedExecutionRegistry.paused_install_code`).
 *
 * - `put`: the install's job and its paused Wasm execution are kept here by
 *   canister; the canister's task queue gets `pausedInstallCode{id}` at its
 *   front. The canister is not touched otherwise (but for the prepaid
 *   cycles): queries see its old state, its messages wait.
 * - `take`: pops the task and hands the entry back to continue it.
 * - `abort` (a checkpoint): the paused Wasm execution is dropped and the task
 *   becomes `abortedInstallCode{message, callId, prepaid}`; the install is
 *   later run again from scratch, already paid for. Postponed ingress
 *   charges are applied then.
 */
import { InternalBug } from '../errors/index.ts';
import type { PausedExecution } from '../hypervisor/index.ts';
import type { CanisterState } from '../state/index.ts';
import type { InstallJob } from './install-code-job.ts';

/** A paused install. */
export interface PausedInstall {
  readonly job: InstallJob;
  readonly paused: PausedExecution;
  /** Instructions of the current Wasm step already counted against rounds. */
  readonly counted: bigint;
}

interface Entry extends PausedInstall {
  readonly id: number;
}

/** The paused installs of one execution environment, by canister (see the module header). */
export class PausedInstallCodes {
  #nextId = 1;
  readonly #entries = new Map<string, Entry>();

  has(canister: CanisterState): boolean {
    return this.#entries.has(canister.canisterId.toText());
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Registers a paused install and queues its task. @throws {InternalBug} if the install has no message to answer. */
  put(canister: CanisterState, entry: PausedInstall): void {
    const key = canister.canisterId.toText();
    if (entry.job.args.message === undefined) throw new InternalBug('a paused install_code without its message');
    if (this.#entries.has(key)) throw new InternalBug(`canister ${key} already has a paused install_code`);
    const id = this.#nextId++;
    this.#entries.set(key, { ...entry, id });
    canister.systemState.taskQueue.enqueue({ kind: 'pausedInstallCode', id });
  }

  /** Pops the canister's paused install. @throws {InternalBug} if its task queue does not start with it. */
  take(canister: CanisterState): PausedInstall {
    const key = canister.canisterId.toText();
    const front = canister.systemState.taskQueue.front();
    const entry = this.#entries.get(key);
    if (front?.kind !== 'pausedInstallCode' || entry === undefined || entry.id !== front.id) {
      throw new InternalBug(`canister ${key} has no paused install_code to resume (front: ${front?.kind ?? 'none'})`);
    }
    canister.systemState.taskQueue.popFront();
    this.#entries.delete(key);
    return entry;
  }

  /** Aborts the canister's paused install (see the module header). @throws {InternalBug} if there is none. */
  abort(canister: CanisterState): void {
    const key = canister.canisterId.toText();
    const entry = this.#entries.get(key);
    if (entry === undefined) throw new InternalBug(`canister ${key} has no paused install_code to abort`);
    this.#entries.delete(key);
    entry.paused.abort();
    canister.systemState.taskQueue.replacePausedWithAborted({
      kind: 'abortedInstallCode', message: entry.job.args.message as NonNullable<InstallJob['args']['message']>,
      callId: 0n, prepaidExecutionCycles: entry.job.prepaid,
    });
    canister.systemState.applyIngressInductionCyclesDebit();
  }
}
