/**
 * Induction of messages between canisters of this subnet between the
 * iterations of a round (`induct_messages_on_same_subnet`): for every
 * canister with output, in id order, its messages to itself go into its
 * own input queue first, then its messages to other canisters here go
 * straight into their input queues (`localSubnet`), each output queue in
 * FIFO order until a message does not fit. What does not fit, and messages
 * to the management canister, stay in the output queues for message
 * routing at the end of the round. So a call and its answer between local
 * canisters can complete within one round.
 */
import type { CanisterState, ReplicatedState } from '../state/index.ts';
import { inductMessagesToSelf, pushInput } from '../state/index.ts';
import { isSubnetAddress, subnetAvailableGuaranteedResponseMemory } from './subnet-memory.ts';

/** Moves same-subnet messages (see the module header); returns how many moved. */
export function inductMessagesOnSameSubnet(state: ReplicatedState): number {
  const memory = subnetAvailableGuaranteedResponseMemory(state);
  const subnetType = state.metadata.ownSubnetType;
  let moved = 0;
  for (const c of state.canisters()) {
    if (!c.systemState.queues.hasOutput()) continue;
    const source = (state.canisterMut(c.canisterId) as CanisterState).systemState;
    const before = countOutput(source.queues.sortedPairs());
    inductMessagesToSelf(source, memory, subnetType);
    source.queues.outputQueuesForEach((receiver, msg) => {
      if (receiver.equals(source.canisterId) || isSubnetAddress(state, receiver)) return false;
      const dest = state.canisterMut(receiver);
      if (dest === undefined) return false;
      return pushInput(dest.systemState, msg, { subnetMemory: memory, subnetType, inputQueueType: 'localSubnet' }).ok;
    });
    moved += before - countOutput(source.queues.sortedPairs());
  }
  return moved;
}

function countOutput(pairs: readonly { readonly output: { readonly length: number } }[]): number {
  let n = 0;
  for (const p of pairs) n += p.output.length;
  return n;
}
