/**
 * The subnet's memory and compute as the canister manager sees them when it
 * validates settings, computed from the state:
 *
 *     memory taken        Σ max(memory allocation, memory usage) over canisters
 *     available memory    (capacity − reservation − taken) / scheduler cores     (`scaled_subnet_available_memory`)
 *     saturation          usage = capacity / cores − available, threshold / cores, capacity / cores
 *     compute capacity    compute capacity of the cores × 50 %                    (`CanisterMgrConfig::compute_capacity`)
 *     compute free        capacity − Σ compute allocations − 1 + the canister's own, ≥ 0
 */
import { ALLOCATABLE_COMPUTE_CAPACITY_PERCENT, SUBNET_MEMORY_CAPACITY, SUBNET_MEMORY_RESERVATION, SUBNET_MEMORY_THRESHOLD } from '../config/index.ts';
import type { CyclesAccountManager, ResourceSaturation } from '../cycles/index.ts';
import { computeCapacityPercent } from '../scheduler/index.ts';
import type { ReplicatedState } from '../state/index.ts';

/** What the settings validation reads of the subnet. */
export interface SubnetView {
  readonly state: ReplicatedState;
  readonly cycles: CyclesAccountManager;
  readonly schedulerCores: number;
}

/** Σ max(memory allocation, memory usage) of all canisters, bytes. */
export function subnetMemoryTaken(state: ReplicatedState): bigint {
  let taken = 0n;
  for (const c of state.canisters()) {
    const usage = c.memoryUsage();
    taken += c.systemState.memoryAllocation > usage ? c.systemState.memoryAllocation : usage;
  }
  return taken;
}

/** Execution memory the subnet has left per scheduler core, bytes (negative when over). */
export function subnetAvailableMemory(v: SubnetView): bigint {
  return (SUBNET_MEMORY_CAPACITY - SUBNET_MEMORY_RESERVATION - subnetMemoryTaken(v.state)) / BigInt(v.schedulerCores);
}

/** The storage-reservation saturation, scaled per core as the available memory (`subnet_memory_saturation`). */
export function subnetMemorySaturation(v: SubnetView): ResourceSaturation {
  const cores = BigInt(v.schedulerCores);
  const capacity = SUBNET_MEMORY_CAPACITY / cores;
  const available = subnetAvailableMemory(v);
  const usage = capacity - (available > 0n ? available : 0n);
  return { usage: usage > 0n ? usage : 0n, threshold: SUBNET_MEMORY_THRESHOLD / cores, capacity };
}

/** Compute allocation the subnet hands out, percent. */
export function subnetComputeCapacity(schedulerCores: number): bigint {
  return (computeCapacityPercent(schedulerCores) * BigInt(ALLOCATABLE_COMPUTE_CAPACITY_PERCENT)) / 100n;
}

/** The compute allocation a canister holding `current` percent may have, percent (1 % stays free). */
export function subnetComputeAvailable(v: SubnetView, current: bigint): bigint {
  let used = 0n;
  for (const c of v.state.canisters()) used += c.systemState.computeAllocation;
  const capacity = subnetComputeCapacity(v.schedulerCores);
  const free = capacity > used ? capacity - used : 0n;
  return (free > 1n ? free - 1n : 0n) + current;
}
