/**
 * `SystemState` (the replica's name, `canister_state/system_state.rs`): the
 * part of a canister's state the system owns — identity and controllers,
 * status, balances, settings, queues, call contexts, timer, version, task
 * queue, log, history, environment variables.
 *
 * Invariants kept as the replica keeps them:
 * - Queues and call contexts change together: messages go in and out
 *   through `system-state-messages.ts` (status checks, callbacks, reject
 *   responses for expired calls), never by touching `queues` directly.
 * - A `stopped` canister has no call contexts; the replica drops its
 *   `CallContextManager` on stop, so ids start again from 1 after a restart.
 * - Controllers are a set in principal byte order (`BTreeSet`).
 * - Resource charges (memory, compute allocation, uninstall) drain the
 *   reserved balance first (`remove_cycles`).
 * - Every charge is counted under its use case as it leaves the balance, and
 *   a refund of a prepaid fee counts back (`consumedCycles`, cycles-metrics.ts).
 */
import { InternalBug } from '../errors/index.ts';
import type { CanisterId, CyclesUseCase, PrincipalId, Time } from '../types/index.ts';
import { compareIds, drainsReservedBalance } from '../types/index.ts';
import { DEFAULT_FREEZE_THRESHOLD_SECONDS } from '../config/index.ts';
import type { SystemStateInit, SystemStateModifications } from '../system-api/index.ts';
import { CallContextManager } from './call-context-manager.ts';
import type { CallOrigin } from './call-context-manager.ts';
import { CanisterQueues } from './canister-queues.ts';
import { CanisterHistory, CanisterLog } from './canister-history.ts';
import type { CanisterChangeDetails, CanisterChangeOrigin } from './canister-history.ts';
import type { CallbackId, CallContextId, RequestMetadata } from './messages.ts';
import type { StateError } from './state-error.ts';
import { TaskQueue, isLowWasmMemoryHookConditionSatisfied } from './task-queue.ts';
import { WasmChunkStore } from './wasm-chunk-store.ts';
import { ConsumedCycles } from './cycles-metrics.ts';
import { applyModifications, toSystemStateInit } from './system-state-changes.ts';
import type { AppliedModifications, ApplyOptions, ExecutionEnvironmentInfo } from './system-state-changes.ts';

/** A `stop_canister` call waiting for the canister to stop (`StopCanisterContext`). */
export type StopCanisterContext =
  | { readonly kind: 'ingress'; readonly sender: PrincipalId; readonly messageId: Uint8Array; readonly time: Time }
  | {
    readonly kind: 'canister'; readonly sender: CanisterId; readonly replyCallback: CallbackId;
    readonly cycles: bigint; readonly deadline: bigint; readonly time: Time;
  };

/** Running, stopping (with the stop calls to answer), or stopped. */
export type CanisterStatus =
  | { readonly kind: 'running' }
  | { readonly kind: 'stopping'; readonly stopContexts: readonly StopCanisterContext[] }
  | { readonly kind: 'stopped' };

/** Who may read the canister log (`LogVisibilityV2`). */
export type LogVisibility =
  | { readonly kind: 'controllers' }
  | { readonly kind: 'public' }
  | { readonly kind: 'allowedViewers'; readonly principals: readonly PrincipalId[] };

/** Why cycles are taken (src/types; the resource use cases drain the reserved balance first). */
export type { CyclesUseCase };

/** What a new canister starts with. */
export interface NewSystemStateOptions {
  readonly canisterId: CanisterId;
  readonly controllers: readonly PrincipalId[];
  readonly cycles: bigint;
  /** Seconds; default 30 days. */
  readonly freezeThreshold?: bigint;
}

/** Sorted, duplicate-free copy of `ids` (a `BTreeSet`). */
export function principalSet(ids: readonly PrincipalId[]): PrincipalId[] {
  const sorted = [...ids].sort(compareIds);
  return sorted.filter((p, i) => i === 0 || compareIds(sorted[i - 1], p) !== 0);
}

/** What a checkpoint keeps of a {@link SystemState}: every field (src/state/checkpoint). */
export interface SystemStateCheckpoint {
  readonly canisterId: CanisterId;
  readonly controllers: readonly PrincipalId[];
  readonly status: CanisterStatus;
  readonly certifiedData: Uint8Array;
  readonly cyclesBalance: bigint;
  readonly ingressInductionCyclesDebit: bigint;
  readonly reservedBalance: bigint;
  readonly reservedBalanceLimit: bigint | undefined;
  readonly freezeThreshold: bigint;
  readonly memoryAllocation: bigint;
  readonly computeAllocation: bigint;
  readonly wasmMemoryLimit: bigint | undefined;
  readonly wasmMemoryThreshold: bigint;
  readonly logVisibility: LogVisibility;
  readonly snapshotVisibility: LogVisibility;
  readonly statusVisibility: LogVisibility;
  readonly minimumIncomingCanisterCallCycles: bigint;
  readonly globalTimer: bigint;
  readonly canisterVersion: bigint;
  readonly nextSnapshotId: bigint;
  /** In the map's order. */
  readonly environmentVariables: readonly (readonly [string, string])[];
  readonly queues: CanisterQueues;
  /** Kept while stopped too (empty then). */
  readonly callContextManager: CallContextManager;
  readonly taskQueue: TaskQueue;
  readonly log: CanisterLog;
  readonly history: CanisterHistory;
  readonly wasmChunkStore: WasmChunkStore;
  readonly consumedCycles: ConsumedCycles;
}

/** A canister's system state (see the module header). */
export class SystemState {
  readonly canisterId: CanisterId;
  #controllers: PrincipalId[];
  #status: CanisterStatus = { kind: 'running' };
  certifiedData: Uint8Array = new Uint8Array(0);
  #cyclesBalance: bigint;
  #ingressInductionCyclesDebit = 0n;
  #reservedBalance = 0n;
  /** Cycles consumed by use case (`canister_metrics`). */
  #consumedCycles = new ConsumedCycles();
  reservedBalanceLimit: bigint | undefined = undefined;
  /** Seconds. */
  freezeThreshold: bigint;
  /** Bytes; 0 = best effort. */
  memoryAllocation = 0n;
  /** Percent. */
  computeAllocation = 0n;
  /** Bytes; `undefined` = not set (the scheduler sets the default after a round). */
  wasmMemoryLimit: bigint | undefined = undefined;
  /** Bytes. */
  wasmMemoryThreshold = 0n;
  logVisibility: LogVisibility = { kind: 'controllers' };
  /** Who may list and read snapshots besides the controllers (`snapshot_visibility`). */
  snapshotVisibility: LogVisibility = { kind: 'controllers' };
  /** Who may call `canister_status` besides the controllers (`status_visibility`). */
  statusVisibility: LogVisibility = { kind: 'controllers' };
  /** Cycles a canister's call must attach to be accepted (`minimum_incoming_canister_call_cycles`). */
  minimumIncomingCanisterCallCycles = 0n;
  /** Nanoseconds; 0 = inactive. */
  globalTimer = 0n;
  canisterVersion = 0n;
  nextSnapshotId = 0n;
  environmentVariables = new Map<string, string>();
  #queues = new CanisterQueues();
  #ccm = new CallContextManager();
  #taskQueue = new TaskQueue();
  #log = new CanisterLog();
  #history = new CanisterHistory();
  /** Chunks uploaded for `install_chunked_code` (wasm-chunk-store.ts). */
  wasmChunkStore = new WasmChunkStore();

  constructor(opts: NewSystemStateOptions) {
    this.canisterId = opts.canisterId;
    this.#controllers = principalSet(opts.controllers);
    this.#cyclesBalance = opts.cycles;
    this.freezeThreshold = opts.freezeThreshold ?? DEFAULT_FREEZE_THRESHOLD_SECONDS;
  }

  /** Every field, as a checkpoint keeps them (the parts are live: encode them at once). */
  toCheckpoint(): SystemStateCheckpoint {
    return {
      canisterId: this.canisterId, controllers: this.#controllers, status: this.#status, certifiedData: this.certifiedData,
      cyclesBalance: this.#cyclesBalance, ingressInductionCyclesDebit: this.#ingressInductionCyclesDebit, reservedBalance: this.#reservedBalance,
      reservedBalanceLimit: this.reservedBalanceLimit, freezeThreshold: this.freezeThreshold, memoryAllocation: this.memoryAllocation,
      computeAllocation: this.computeAllocation, wasmMemoryLimit: this.wasmMemoryLimit, wasmMemoryThreshold: this.wasmMemoryThreshold,
      logVisibility: this.logVisibility, snapshotVisibility: this.snapshotVisibility, statusVisibility: this.statusVisibility,
      minimumIncomingCanisterCallCycles: this.minimumIncomingCanisterCallCycles, globalTimer: this.globalTimer,
      canisterVersion: this.canisterVersion, nextSnapshotId: this.nextSnapshotId, environmentVariables: [...this.environmentVariables],
      queues: this.#queues, callContextManager: this.#ccm, taskQueue: this.#taskQueue, log: this.#log, history: this.#history,
      wasmChunkStore: this.wasmChunkStore, consumedCycles: this.#consumedCycles,
    };
  }

  /** The system state a checkpoint kept (taking over its parts). */
  static fromCheckpoint(c: SystemStateCheckpoint): SystemState {
    const s = new SystemState({ canisterId: c.canisterId, controllers: c.controllers, cycles: c.cyclesBalance, freezeThreshold: c.freezeThreshold });
    s.#controllers = [...c.controllers];
    s.#status = c.status;
    s.certifiedData = c.certifiedData;
    s.#cyclesBalance = c.cyclesBalance;
    s.#ingressInductionCyclesDebit = c.ingressInductionCyclesDebit;
    s.#reservedBalance = c.reservedBalance;
    s.reservedBalanceLimit = c.reservedBalanceLimit;
    s.freezeThreshold = c.freezeThreshold;
    s.memoryAllocation = c.memoryAllocation;
    s.computeAllocation = c.computeAllocation;
    s.wasmMemoryLimit = c.wasmMemoryLimit;
    s.wasmMemoryThreshold = c.wasmMemoryThreshold;
    s.logVisibility = c.logVisibility;
    s.snapshotVisibility = c.snapshotVisibility;
    s.statusVisibility = c.statusVisibility;
    s.minimumIncomingCanisterCallCycles = c.minimumIncomingCanisterCallCycles;
    s.globalTimer = c.globalTimer;
    s.canisterVersion = c.canisterVersion;
    s.nextSnapshotId = c.nextSnapshotId;
    s.environmentVariables = new Map(c.environmentVariables);
    s.#queues = c.queues;
    s.#ccm = c.callContextManager;
    s.#taskQueue = c.taskQueue;
    s.#log = c.log;
    s.#history = c.history;
    s.wasmChunkStore = c.wasmChunkStore;
    s.#consumedCycles = c.consumedCycles;
    return s;
  }

  /** A deep copy sharing only immutable parts (messages, records, pages). */
  clone(): SystemState {
    const s = new SystemState({ canisterId: this.canisterId, controllers: this.#controllers, cycles: this.#cyclesBalance, freezeThreshold: this.freezeThreshold });
    s.#status = this.#status;
    s.certifiedData = this.certifiedData;
    s.#ingressInductionCyclesDebit = this.#ingressInductionCyclesDebit;
    s.#reservedBalance = this.#reservedBalance;
    s.reservedBalanceLimit = this.reservedBalanceLimit;
    s.memoryAllocation = this.memoryAllocation;
    s.computeAllocation = this.computeAllocation;
    s.wasmMemoryLimit = this.wasmMemoryLimit;
    s.wasmMemoryThreshold = this.wasmMemoryThreshold;
    s.logVisibility = this.logVisibility;
    s.snapshotVisibility = this.snapshotVisibility;
    s.statusVisibility = this.statusVisibility;
    s.minimumIncomingCanisterCallCycles = this.minimumIncomingCanisterCallCycles;
    s.globalTimer = this.globalTimer;
    s.canisterVersion = this.canisterVersion;
    s.nextSnapshotId = this.nextSnapshotId;
    s.environmentVariables = new Map(this.environmentVariables);
    s.#queues = this.#queues.clone();
    s.#ccm = this.#ccm.clone();
    s.#taskQueue = this.#taskQueue.clone();
    s.#log = this.#log.clone();
    s.#history = this.#history.clone();
    s.wasmChunkStore = this.wasmChunkStore.clone();
    s.#consumedCycles = this.#consumedCycles.clone();
    return s;
  }

  // ---- controllers and status ----

  get controllers(): readonly PrincipalId[] { return this.#controllers; }
  set controllers(ids: readonly PrincipalId[]) { this.#controllers = principalSet(ids); }
  isController(p: PrincipalId): boolean { return this.#controllers.some((c) => compareIds(c, p) === 0); }

  get status(): CanisterStatus { return this.#status; }

  /** Back to running; returns the stop calls to reject (`CanisterStoppingCancelled`) if it was stopping. */
  startCanister(): StopCanisterContext[] {
    const pending = this.#status.kind === 'stopping' ? [...this.#status.stopContexts] : [];
    if (this.#status.kind === 'stopped') this.#ccm = new CallContextManager();
    this.#status = { kind: 'running' };
    return pending;
  }

  /** Starts stopping (or adds a stop call); returns the context back if already stopped (answer it at once). */
  beginStopping(ctx: StopCanisterContext): StopCanisterContext | undefined {
    if (this.#status.kind === 'stopped') return ctx;
    const contexts = this.#status.kind === 'stopping' ? this.#status.stopContexts : [];
    this.#status = { kind: 'stopping', stopContexts: [...contexts, ctx] };
    return undefined;
  }

  /** Whether a stopping canister has nothing outstanding (`ready_to_stop`). */
  readyToStop(): boolean {
    return this.#status.kind === 'stopped' || (this.#status.kind === 'stopping' && this.#ccm.isEmpty());
  }

  /**
   * Stops a stopping canister that is ready (returning all stop calls to
   * answer), or returns the stop calls `isExpired` picks (to reject).
   */
  tryStopCanister(isExpired: (ctx: StopCanisterContext) => boolean): { stopped: boolean; contexts: StopCanisterContext[] } {
    if (this.#status.kind !== 'stopping') return { stopped: false, contexts: [] };
    if (this.#ccm.isEmpty()) {
      const contexts = [...this.#status.stopContexts];
      this.#status = { kind: 'stopped' };
      this.#ccm = new CallContextManager();
      return { stopped: true, contexts };
    }
    const expired = this.#status.stopContexts.filter(isExpired);
    this.#status = { kind: 'stopping', stopContexts: this.#status.stopContexts.filter((c) => !isExpired(c)) };
    return { stopped: false, contexts: expired };
  }

  // ---- cycles ----

  /** The balance, cycles. */
  get balance(): bigint { return this.#cyclesBalance; }
  /** The balance less postponed ingress charges (`debited_balance`), at least 0. */
  get debitedBalance(): bigint {
    const b = this.#cyclesBalance - this.#ingressInductionCyclesDebit;
    return b > 0n ? b : 0n;
  }
  get ingressInductionCyclesDebit(): bigint { return this.#ingressInductionCyclesDebit; }
  get reservedBalance(): bigint { return this.#reservedBalance; }

  /** Cycles consumed by use case (see the module header). */
  get consumedCycles(): ConsumedCycles { return this.#consumedCycles; }

  /** Adds cycles; `refundOf` is the use case of a prepaid fee they give back (counted back). */
  addCycles(amount: bigint, refundOf: CyclesUseCase = 'nonConsumed'): void {
    this.#cyclesBalance += amount;
    this.#consumedCycles.refund(refundOf, amount);
  }

  /**
   * Takes cycles and counts them under `useCase` (`nonConsumed`, a transfer, is
   * not counted); resource use cases take from the reserved balance first.
   * Saturates at 0 as `Cycles` does.
   */
  removeCycles(amount: bigint, useCase: CyclesUseCase = 'nonConsumed'): void {
    this.#consumedCycles.observe(useCase, amount);
    let rest = amount;
    if (drainsReservedBalance(useCase)) {
      const covered = rest < this.#reservedBalance ? rest : this.#reservedBalance;
      this.#reservedBalance -= covered;
      rest -= covered;
    }
    this.#cyclesBalance = this.#cyclesBalance > rest ? this.#cyclesBalance - rest : 0n;
  }

  /** Moves cycles to the reserved balance; an error text if over the limit or the balance. */
  reserveCycles(amount: bigint): string | undefined {
    if (amount === 0n) return undefined;
    if (this.reservedBalanceLimit !== undefined && this.#reservedBalance + amount > this.reservedBalanceLimit) return 'reserved cycles limit exceeded';
    if (amount > this.#cyclesBalance) return 'insufficient cycles';
    this.#cyclesBalance -= amount;
    this.#reservedBalance += amount;
    return undefined;
  }

  /** Records an ingress induction charge for later (a long execution is in progress). */
  addPostponedCharge(charge: bigint): void {
    if (charge > this.debitedBalance) throw new InternalBug(`Insufficient cycles for a postponed charge: ${charge} vs ${this.debitedBalance}`);
    this.#ingressInductionCyclesDebit += charge;
  }

  /** Applies the postponed ingress charges. */
  applyIngressInductionCyclesDebit(): void {
    this.removeCycles(this.#ingressInductionCyclesDebit, 'ingressInduction');
    this.#ingressInductionCyclesDebit = 0n;
  }

  // ---- call contexts (none while stopped) ----

  /** The call context manager; `undefined` while stopped. */
  get callContextManager(): CallContextManager | undefined {
    return this.#status.kind === 'stopped' ? undefined : this.#ccm;
  }

  /** Opens a call context, or `CanisterStopped`. */
  newCallContext(origin: CallOrigin, cycles: bigint, time: Time, metadata: RequestMetadata): CallContextId | StateError {
    if (this.#status.kind === 'stopped') return { kind: 'CanisterStopped', canisterId: this.canisterId };
    return this.#ccm.newCallContext(origin, cycles, time, metadata);
  }

  // ---- queues, tasks, log, history ----

  /** The queues. Read them freely; change them only through `system-state-messages.ts`. */
  get queues(): CanisterQueues { return this.#queues; }
  get taskQueue(): TaskQueue { return this.#taskQueue; }
  get canisterLog(): CanisterLog { return this.#log; }
  /** Bytes of canister log kept (`log_memory_limit`): the log buffer's size, which follows it. */
  get logMemoryLimit(): bigint { return BigInt(this.#log.capacity); }
  set logMemoryLimit(bytes: bigint) { this.#log.resize(Number(bytes)); }
  get canisterHistory(): CanisterHistory { return this.#history; }

  /** Records a change in the canister history at the current version. */
  addCanisterChange(time: bigint, origin: CanisterChangeOrigin, details: CanisterChangeDetails): void {
    this.#history.add({ timestampNanos: time, canisterVersion: this.canisterVersion, origin, details });
  }

  /** Queues or clears the on-low-Wasm-memory hook for the given Wasm memory usage. */
  updateOnLowWasmMemoryHookStatus(wasmMemoryUsage: bigint): void {
    this.#taskQueue.updateHookCondition(isLowWasmMemoryHookConditionSatisfied(wasmMemoryUsage, this.wasmMemoryLimit, this.wasmMemoryThreshold));
  }

  /** Memory used by or reserved for guaranteed-response messages, bytes. */
  guaranteedResponseMessageMemoryUsage(): bigint { return BigInt(this.#queues.guaranteedResponseMemoryUsage()); }
  /** Memory of best-effort messages, bytes. */
  bestEffortMessageMemoryUsage(): bigint { return BigInt(this.#queues.bestEffortMemoryUsage()); }

  // ---- executions ----

  /** What an execution on this canister sees (see `system-state-changes.ts`). */
  toSystemStateInit(env: ExecutionEnvironmentInfo): SystemStateInit {
    return toSystemStateInit(this, env);
  }

  /** Applies what a successful execution asked for (see `system-state-changes.ts`). */
  applyModifications(mods: SystemStateModifications, opts: ApplyOptions): AppliedModifications {
    return applyModifications(this, mods, opts);
  }

  /**
   * Invariants at the end of a round (`check_invariants`): callbacks =
   * reserved input slots + queued responses; queued input requests +
   * unanswered canister-update contexts = reserved output slots.
   * @returns a description of the first broken one.
   */
  checkInvariants(): string | undefined {
    const ccm = this.callContextManager;
    const callbacks = ccm?.callbacks().length ?? 0;
    const q = this.#queues;
    const responses = q.inputQueuesReservedSlots() + q.inputQueuesResponseCount();
    if (callbacks !== responses) return `Canister ${this.canisterId.toText()}: ${callbacks} callbacks, ${responses} reserved slots and responses`;
    const contexts = (ccm?.unrespondedCanisterUpdateCallContexts() ?? 0) + q.inputQueuesRequestCount();
    const slots = q.outputQueuesReservedSlots();
    if (contexts !== slots) return `Canister ${this.canisterId.toText()}: ${slots} output reserved slots, ${contexts} input requests and unanswered contexts`;
    return undefined;
  }
}
