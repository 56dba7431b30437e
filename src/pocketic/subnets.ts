/**
 * The subnets of one PocketIC instance behind one interface
 * (`SubnetNetwork`), so the instance does not care how they are wired:
 * routing by canister ranges, one round on every subnet per tick, close.
 *
 * `isolatedSubnets` is the wiring without cross-subnet streams: each
 * subnet is a `Replica` with its own canister ranges (shared clock and
 * compile cache). A call from a canister on one subnet to a canister on
 * another is refused by the caller's subnet with the replica's reject
 * (DESTINATION_INVALID "No route to canister <id>"). The network with
 * XNet streams (issue 8, src/messaging) implements the same interface.
 */
import type { ManualClock } from '../env/index.ts';
import type { CanisterHttpAdapterRequest, MockHttpOutcallAnswer } from '../http-outcalls/index.ts';
import { Hypervisor } from '../hypervisor/index.ts';
import { Replica } from '../replica/index.ts';
import type { IngressStatus, ReplicatedState } from '../state/index.ts';
import type { CanisterId, PrincipalId, SubnetId } from '../types/index.ts';
import { allocationOrder, rangeContains } from './topology.ts';
import type { SubnetPlan } from './topology.ts';

/** What the instance asks of one subnet (a `Replica`, or a `Subnet` of src/network). */
export interface SubnetHandle {
  readonly subnetId: SubnetId;
  /** The subnet's public key, DER. */
  readonly rootKey: Uint8Array;
  /** Time of the last committed round. */
  readonly time: bigint;
  readonly committedState: ReplicatedState;
  submitCall(canisterId: CanisterId, method: string, arg: Uint8Array, opts?: { sender?: PrincipalId }): Promise<Uint8Array>;
  ingressStatus(messageId: Uint8Array): IngressStatus | undefined;
  query(canisterId: CanisterId, method: string, arg: Uint8Array, opts?: { sender?: PrincipalId; effectiveCanisterId?: CanisterId }): Promise<Uint8Array>;
  editState(edit: (state: ReplicatedState) => void): Promise<void>;
  pendingHttpOutcalls(): CanisterHttpAdapterRequest[];
  mockHttpOutcall(requestId: bigint, answer: MockHttpOutcallAnswer): void;
}

/** One subnet of an instance. */
export interface PocketSubnet {
  readonly plan: SubnetPlan;
  readonly id: SubnetId;
  readonly replica: SubnetHandle;
}

/** The subnets of an instance (see the module header). */
export interface SubnetNetwork {
  /** In creation order (NNS first). */
  readonly subnets: readonly PocketSubnet[];
  /** Whether calls between canisters on different subnets are delivered. */
  readonly crossSubnetCalls: boolean;
  /** The subnet whose ranges hold `id`. */
  route(id: PrincipalId): PocketSubnet | undefined;
  /** One round on every subnet (and, with streams, their exchange). */
  tick(): Promise<void>;
  close(): Promise<void>;
}

/** Subnets without streams between them (see the module header). */
export async function isolatedSubnets(plans: readonly SubnetPlan[], clock: ManualClock): Promise<SubnetNetwork> {
  const hypervisor = new Hypervisor({});
  const subnets: PocketSubnet[] = [];
  const replicas: Replica[] = [];
  for (const plan of plans) {
    const replica = await Replica.create({
      subnetType: plan.subnetType, clock, hypervisor, canisterRanges: allocationOrder(plan), subnetSize: plan.size,
      subnetKeySeed: `pocket-ic subnet ${Buffer.from(plan.seed).toString('hex')}`,
    });
    replicas.push(replica);
    subnets.push({ plan, id: replica.subnetId, replica });
  }
  return {
    subnets,
    crossSubnetCalls: false,
    route: (id) => subnets.find((s) => [...s.plan.ranges, ...(s.plan.allocRange === undefined ? [] : [s.plan.allocRange])].some((r) => rangeContains(r, id))),
    async tick() { for (const r of replicas) await r.tick(); },
    async close() {
      for (const r of replicas) await r.close();
      await hypervisor.close();
    },
  };
}
