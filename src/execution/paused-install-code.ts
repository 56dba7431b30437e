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
import { PausedRegistry } from './paused-registry.ts';

/** A paused install. */
export interface PausedInstall {
  readonly job: InstallJob;
  readonly paused: PausedExecution;
  /** Instructions of the current Wasm step already counted against rounds. */
  readonly counted: bigint;
}

/** The paused installs of one execution environment, by canister (see the module header). */
export class PausedInstallCodes {
  readonly #registry = new PausedRegistry<PausedInstall>('pausedInstallCode', 'paused install_code');

  has(canister: CanisterState): boolean {
    return this.#registry.has(canister);
  }

  get size(): number {
    return this.#registry.size;
  }

  /** Registers a paused install and queues its task. @throws {InternalBug} if the install has no message to answer. */
  put(canister: CanisterState, entry: PausedInstall): void {
    if (entry.job.args.message === undefined) throw new InternalBug('a paused install_code without its message');
    this.#registry.add(canister, entry, (id) => ({ kind: 'pausedInstallCode', id }));
  }

  /** Pops the canister's paused install. @throws {InternalBug} if its task queue does not start with it. */
  take(canister: CanisterState): PausedInstall {
    return this.#registry.take(canister);
  }

  /** Aborts the canister's paused install (see the module header). @throws {InternalBug} if there is none. */
  abort(canister: CanisterState): void {
    this.#registry.abort(canister, (entry) => ({
      kind: 'abortedInstallCode', message: entry.job.args.message as NonNullable<InstallJob['args']['message']>,
      callId: 0n, prepaidExecutionCycles: entry.job.prepaid,
    }));
  }
}
