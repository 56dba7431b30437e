/**
 * The bookkeeping shared by the registries of paused DTS work (the replica's
 * `PausedExecutionRegistry`, not replicated): paused executions of messages
 * ({@link PausedExecutions}) and paused installs ({@link PausedInstallCodes}).
 *
 * - One entry per canister, named by an id that the canister's task queue
 *   holds in its paused task (`pausedExecution{id}`, `pausedInstallCode{id}`).
 * - `take` pops that task and hands the entry back; the id must match the
 *   front of the task queue.
 * - `abort` drops the hypervisor's paused execution, puts the aborted task
 *   in its place and applies the postponed ingress charges.
 */
import { InternalBug } from '../errors/index.ts';
import type { PausedExecution } from '../hypervisor/index.ts';
import type { CanisterState, ExecutionTask } from '../state/index.ts';

type PausedKind = 'pausedExecution' | 'pausedInstallCode';
type PausedTask = Extract<ExecutionTask, { readonly kind: PausedKind }>;
type AbortedTask = Extract<ExecutionTask, { readonly kind: 'abortedExecution' | 'abortedInstallCode' }>;

/** A registry entry with the id its paused task carries. */
export type Registered<E> = E & { readonly id: number };

/** Paused work of one execution environment, by canister (see the module header). */
export class PausedRegistry<E extends { readonly paused: PausedExecution }> {
  #nextId = 1;
  readonly #entries = new Map<string, Registered<E>>();
  readonly #kind: PausedKind;
  readonly #what: string;

  /** @param what names the work in errors ("paused execution", "paused install_code"). */
  constructor(kind: PausedKind, what: string) {
    this.#kind = kind;
    this.#what = what;
  }

  /** Whether `canister` has paused work here. */
  has(canister: CanisterState): boolean {
    return this.#entries.has(canister.canisterId.toText());
  }

  /** Number of entries. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * Registers `entry` under `id` (a new one if not given) and queues the
   * paused task that `task` makes from the id.
   * @throws {InternalBug} if the canister already has paused work here.
   */
  add(canister: CanisterState, entry: E, task: (id: number) => PausedTask, id?: number): number {
    const key = canister.canisterId.toText();
    if (this.#entries.has(key)) throw new InternalBug(`canister ${key} already has a ${this.#what}`);
    const entryId = id ?? this.#nextId++;
    this.#entries.set(key, { ...entry, id: entryId });
    canister.systemState.taskQueue.enqueue(task(entryId));
    return entryId;
  }

  /**
   * Pops the canister's paused task and its entry.
   * @throws {InternalBug} if the task queue does not start with this registry's entry.
   */
  take(canister: CanisterState): Registered<E> {
    const key = canister.canisterId.toText();
    const front = canister.systemState.taskQueue.front();
    const entry = this.#entries.get(key);
    if (front?.kind !== this.#kind || entry === undefined || entry.id !== front.id) {
      throw new InternalBug(`canister ${key} has no ${this.#what} to resume (front: ${front?.kind ?? 'none'})`);
    }
    canister.systemState.taskQueue.popFront();
    this.#entries.delete(key);
    return entry;
  }

  /**
   * Drops the canister's paused work; `aborted` makes the task left in its place.
   * @throws {InternalBug} if there is none.
   */
  abort(canister: CanisterState, aborted: (entry: E) => AbortedTask): void {
    const key = canister.canisterId.toText();
    const entry = this.#entries.get(key);
    if (entry === undefined) throw new InternalBug(`canister ${key} has no ${this.#what} to abort`);
    this.#entries.delete(key);
    entry.paused.abort();
    canister.systemState.taskQueue.replacePausedWithAborted(aborted(entry));
    canister.systemState.applyIngressInductionCyclesDebit();
  }
}
