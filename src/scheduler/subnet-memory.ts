/**
 * The subnet-wide budgets a round hands out, computed from the state
 * (`subnet_available_guaranteed_response_message_memory` and friends).
 * Computed at fixed points (start of an iteration, start of induction), so
 * they are the same on every replica.
 */
import { SUBNET_GUARANTEED_RESPONSE_MESSAGE_MEMORY_CAPACITY } from '../config/index.ts';
import type { ReplicatedState, SubnetMessageMemory } from '../state/index.ts';
import type { CanisterId } from '../types/index.ts';

/** Guaranteed-response message memory the subnet has left, bytes (may be negative when over). */
export function subnetAvailableGuaranteedResponseMemory(state: ReplicatedState): SubnetMessageMemory {
  let used = BigInt(state.subnetQueues.guaranteedResponseMemoryUsage() + state.streams.guaranteedResponsesBytes());
  for (const c of state.canisters()) used += c.systemState.guaranteedResponseMessageMemoryUsage();
  return { value: SUBNET_GUARANTEED_RESPONSE_MESSAGE_MEMORY_CAPACITY - used };
}

/** Whether `id` is addressed to the subnet itself: the management canister `aaaaa-aa` or the subnet id. */
export function isSubnetAddress(state: ReplicatedState, id: CanisterId): boolean {
  return id.isManagementCanister() || id.equals(state.metadata.ownSubnetId);
}

/** Whether `id` falls in one of the subnet's canister id ranges (its part of the routing table). */
export function isInOwnRanges(state: ReplicatedState, id: CanisterId): boolean {
  if (id.toU64() === undefined) return false;
  return state.metadata.networkTopology.route(id)?.equals(state.metadata.ownSubnetId) ?? false;
}
