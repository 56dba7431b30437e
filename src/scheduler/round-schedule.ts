/**
 * `RoundSchedule` (the replica's name, `scheduler/round_schedule.rs` at
 * 002d5530): which canisters run in a round, in which order, on which core,
 * and how their accumulated priorities move. All arithmetic is in integers:
 * priorities are percent × `m`, with `m = cores × canisters` (the
 * multiplier), so every share divides exactly.
 *
 * Ordering (`applySchedulingStrategy`):
 *
 *     capacity = (cores − 1) × 100 %          one core is kept for long executions
 *     free     = (capacity − ΣCA) × cores     per canister, multiplied units
 *     long cores = ceil(Σ_long (CA·m + free) / (100·m))
 *     sort by (prioritized long mode, has a paused/aborted execution, AP) descending,
 *     ties by canister id ascending
 *
 * The first `long cores` long executions become `prioritized`. Every
 * `accumulatedPriorityResetInterval` rounds, AP := CA·m and credit := 0.
 *
 * Partitioning over cores (`partition`): prioritized long executions one
 * per core from core 0; new executions round-robin over the remaining
 * cores in priority order; the other long executions round-robin over all
 * cores after the last new one.
 *
 * End of round (`finishRound`): every fully executed canister (ran out of
 * work, finished a DTS slice, or was first on a core in the first
 * iteration) earns a credit of 100·m; then every canister gains
 * `CA·m + max(0, total charged − ΣCA·m) / N`, and canisters without a long
 * execution pay their credit. ΣAP − Σcredit stays 0.
 */
import type { CanisterState, ReplicatedState } from '../state/index.ts';
import type { CanisterId } from '../types/index.ts';

/** What a canister has to do next (`NextExecution`). */
export type NextExecution = 'none' | 'startNew' | 'continueLong' | 'continueInstallCode';

/** The replica's `CanisterState::next_execution`: tasks first, then input messages. */
export function nextExecution(canister: CanisterState): NextExecution {
  const front = canister.systemState.taskQueue.front();
  switch (front?.kind) {
    case undefined: return canister.systemState.queues.hasInput() ? 'startNew' : 'none';
    case 'heartbeat':
    case 'globalTimer':
    case 'onLowWasmMemory': return 'startNew';
    case 'pausedExecution':
    case 'abortedExecution': return 'continueLong';
    case 'pausedInstallCode':
    case 'abortedInstallCode': return 'continueInstallCode';
  }
}

/** Whether the canister has a paused or aborted update-type execution (install code excluded). */
export function hasAbortedOrPausedExecution(canister: CanisterState): boolean {
  const k = canister.systemState.taskQueue.pausedOrAborted?.kind;
  return k === 'pausedExecution' || k === 'abortedExecution';
}

/** The scheduling data of one canister in one round (`CanisterRoundState`). */
export interface CanisterRoundState {
  readonly canisterId: CanisterId;
  readonly key: string;
  readonly accumulatedPriority: bigint;
  readonly computeAllocation: bigint;
  readonly prioritized: boolean;
  readonly hasAbortedOrPausedExecution: boolean;
}

/** Compute capacity of the DTS scheduler, percent: (cores − 1) × 100, 0 below 2 cores. */
export function computeCapacityPercent(cores: number): bigint {
  return cores >= 2 ? BigInt(cores - 1) * 100n : 0n;
}

/** Sorts round states by the scheduling order (see the module header). */
export function orderCanisterRoundStates(states: CanisterRoundState[]): void {
  states.sort((a, b) => {
    if (a.prioritized !== b.prioritized) return a.prioritized ? -1 : 1;
    if (a.hasAbortedOrPausedExecution !== b.hasAbortedOrPausedExecution) return a.hasAbortedOrPausedExecution ? -1 : 1;
    if (a.accumulatedPriority !== b.accumulatedPriority) return a.accumulatedPriority > b.accumulatedPriority ? -1 : 1;
    return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
  });
}

const keyOf = (id: CanisterId): string => Buffer.from(id.bytesView()).toString('hex');

/** The round state of a canister as the scheduler sees it now. */
export function roundStateOf(canister: CanisterState): CanisterRoundState {
  return {
    canisterId: canister.canisterId,
    key: keyOf(canister.canisterId),
    accumulatedPriority: canister.schedulerState.accumulatedPriority,
    computeAllocation: canister.systemState.computeAllocation,
    prioritized: canister.schedulerState.longExecutionMode === 'prioritized',
    hasAbortedOrPausedExecution: hasAbortedOrPausedExecution(canister),
  };
}

/** The order of a round (see the module header). */
export class RoundSchedule {
  readonly schedulerCores: number;
  readonly longExecutionCores: number;
  readonly totalComputeAllocationPercent: bigint;
  readonly orderedNewExecutionCanisterIds: readonly CanisterId[];
  readonly orderedLongExecutionCanisterIds: readonly CanisterId[];

  constructor(cores: number, longCores: number, totalCa: bigint, orderedNew: readonly CanisterId[], orderedLong: readonly CanisterId[]) {
    this.schedulerCores = cores;
    this.longExecutionCores = Math.min(longCores, orderedLong.length);
    this.totalComputeAllocationPercent = totalCa;
    this.orderedNewExecutionCanisterIds = orderedNew;
    this.orderedLongExecutionCanisterIds = orderedLong;
  }

  /**
   * Orders the canisters of `state` for round `currentRound`, resetting
   * priorities on reset rounds and marking the prioritized long executions
   * (`apply_scheduling_strategy`).
   */
  static apply(state: ReplicatedState, cores: number, currentRound: bigint, resetInterval: bigint): RoundSchedule {
    const canisters = state.canisters();
    const multiplier = BigInt(Math.max(1, cores * canisters.length));
    const isResetRound = resetInterval > 0n && currentRound % resetInterval === 0n;
    const states: CanisterRoundState[] = [];
    let totalCa = 0n;
    for (const c of canisters) {
      if (isResetRound) {
        const own = state.canisterMut(c.canisterId) as CanisterState;
        own.schedulerState.accumulatedPriority = own.systemState.computeAllocation * multiplier;
        own.schedulerState.priorityCredit = 0n;
        states.push(roundStateOf(own));
      } else states.push(roundStateOf(c));
      totalCa += c.systemState.computeAllocation;
    }
    const capacity = computeCapacityPercent(cores);
    const free = (capacity > totalCa ? capacity - totalCa : 0n) * BigInt(cores);
    let longAlloc = 0n;
    let longCount = 0;
    for (const rs of states) {
      if (!rs.hasAbortedOrPausedExecution) continue;
      longAlloc += rs.computeAllocation * multiplier + free;
      longCount++;
    }
    const unit = 100n * multiplier;
    let longCores = Number((longAlloc + unit - 1n) / unit);
    // The replica's invariants (0 < long cores < cores when there are long executions), enforced.
    if (longCount > 0) longCores = Math.max(1, Math.min(longCores, cores - 1));
    orderCanisterRoundStates(states);
    const schedule = new RoundSchedule(
      cores, longCores, totalCa,
      states.slice(longCount).map((s) => s.canisterId),
      states.slice(0, longCount).map((s) => s.canisterId),
    );
    for (const id of schedule.orderedLongExecutionCanisterIds.slice(0, schedule.longExecutionCores)) {
      (state.canisterMut(id) as CanisterState).schedulerState.longExecutionMode = 'prioritized';
    }
    return schedule;
  }

  /** Marks the idle canisters at the head of the new-execution order as fully executed (`charge_idle_canisters`). */
  chargeIdleCanisters(state: ReplicatedState, fullyExecuted: Set<string>, round: bigint, isFirstIteration: boolean): void {
    for (const id of this.orderedNewExecutionCanisterIds) {
      const c = state.canister(id);
      if (c === undefined) continue;
      const next = nextExecution(c);
      if (next === 'none') {
        RoundSchedule.finishCanisterExecution(state.canisterMut(id) as CanisterState, fullyExecuted, round, isFirstIteration, 0);
      } else if (next !== 'continueInstallCode') break;
    }
  }

  /**
   * The schedule restricted to canisters with work (`filter_canisters`):
   * canisters over the heap-delta rate limit are left out and reported;
   * long executions that finished earlier in the round are dropped.
   */
  filterCanisters(state: ReplicatedState, heapDeltaRateLimit: bigint | undefined): { schedule: RoundSchedule; rateLimited: CanisterId[] } {
    const rateLimited: CanisterId[] = [];
    const next = new Map<string, NextExecution>();
    for (const c of state.canisters()) {
      if (heapDeltaRateLimit !== undefined && c.schedulerState.heapDeltaDebit >= heapDeltaRateLimit) {
        rateLimited.push(c.canisterId);
        continue;
      }
      const n = nextExecution(c);
      if (n === 'startNew' || n === 'continueLong') next.set(keyOf(c.canisterId), n);
    }
    const orderedNew = this.orderedNewExecutionCanisterIds.filter((id) => next.has(keyOf(id)));
    const orderedLong = this.orderedLongExecutionCanisterIds.filter((id) => next.get(keyOf(id)) === 'continueLong');
    return {
      schedule: new RoundSchedule(this.schedulerCores, this.longExecutionCores, this.totalComputeAllocationPercent, orderedNew, orderedLong),
      rateLimited,
    };
  }

  /** Canister ids per core, each core's list in execution order (`partition_canisters_to_cores`). */
  partition(): CanisterId[][] {
    const cores: CanisterId[][] = Array.from({ length: this.schedulerCores }, () => []);
    const long = this.orderedLongExecutionCanisterIds;
    let idx = 0;
    for (const id of long.slice(0, this.longExecutionCores)) cores[idx++].push(id);
    const lastPrioritized = idx;
    const newCores = Math.max(1, this.schedulerCores - lastPrioritized);
    for (const id of this.orderedNewExecutionCanisterIds) {
      cores[idx].push(id);
      idx = lastPrioritized + ((idx - lastPrioritized + 1) % newCores);
    }
    for (const id of long.slice(this.longExecutionCores)) {
      cores[idx].push(id);
      idx = (idx + 1) % this.schedulerCores;
    }
    return cores;
  }

  /**
   * Records that a canister had its turn (`finish_canister_execution`): it
   * counts as fully executed if it has nothing left, just finished a full
   * DTS slice, or was first on its core in the first iteration.
   */
  static finishCanisterExecution(canister: CanisterState, fullyExecuted: Set<string>, round: bigint, isFirstIteration: boolean, rank: number): void {
    const next = nextExecution(canister);
    const full = next === 'none' || next === 'continueLong';
    if (full || (isFirstIteration && rank === 0)) {
      canister.schedulerState.lastFullExecutionRound = round;
      fullyExecuted.add(keyOf(canister.canisterId));
    }
  }

  /** Updates the accumulated priorities at the end of the round (see the module header). */
  finishRound(state: ReplicatedState, fullyExecuted: ReadonlySet<string>): void {
    const canisters = state.canisters();
    const multiplier = BigInt(Math.max(1, this.schedulerCores * canisters.length));
    let totalCharged = 0n;
    for (const c of canisters) {
      if (!fullyExecuted.has(keyOf(c.canisterId))) continue;
      totalCharged += 100n * multiplier;
      (state.canisterMut(c.canisterId) as CanisterState).schedulerState.priorityCredit += 100n * multiplier;
    }
    const totalAllocated = this.totalComputeAllocationPercent * multiplier;
    const surplus = totalCharged > totalAllocated ? totalCharged - totalAllocated : 0n;
    const freePerCanister = surplus / BigInt(Math.max(1, canisters.length));
    for (const c of canisters) {
      const own = state.canisterMut(c.canisterId) as CanisterState;
      own.schedulerState.accumulatedPriority += own.systemState.computeAllocation * multiplier + freePerCanister;
      if (!hasAbortedOrPausedExecution(own)) applyPriorityCredit(own);
    }
  }
}

/** Pays the priority credit and returns to the opportunistic mode (`apply_priority_credit`). */
export function applyPriorityCredit(canister: CanisterState): void {
  canister.schedulerState.accumulatedPriority -= canister.schedulerState.priorityCredit;
  canister.schedulerState.priorityCredit = 0n;
  canister.schedulerState.longExecutionMode = 'opportunistic';
}
