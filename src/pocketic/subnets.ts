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
import { Hypervisor } from '../hypervisor/index.ts';
import { Replica } from '../replica/index.ts';
import type { PrincipalId, SubnetId } from '../types/index.ts';
import { allocationOrder, rangeContains } from './topology.ts';
import type { SubnetPlan } from './topology.ts';

/** One subnet of an instance. */
export interface PocketSubnet {
  readonly plan: SubnetPlan;
  readonly id: SubnetId;
  readonly replica: Replica;
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
  for (const plan of plans) {
    const replica = await Replica.create({
      subnetType: plan.subnetType, clock, hypervisor, canisterRanges: allocationOrder(plan), subnetSize: plan.size,
      subnetKeySeed: `pocket-ic subnet ${Buffer.from(plan.seed).toString('hex')}`,
    });
    subnets.push({ plan, id: replica.subnetId, replica });
  }
  return {
    subnets,
    crossSubnetCalls: false,
    route: (id) => subnets.find((s) => [...s.plan.ranges, ...(s.plan.allocRange === undefined ? [] : [s.plan.allocRange])].some((r) => rangeContains(r, id))),
    async tick() { for (const s of subnets) await s.replica.tick(); },
    async close() {
      for (const s of subnets) await s.replica.close();
      await hypervisor.close();
    },
  };
}
