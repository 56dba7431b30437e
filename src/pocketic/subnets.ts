/**
 * The subnets of one PocketIC instance behind one interface
 * (`SubnetNetwork`), so the instance does not care how they are wired:
 * routing by canister ranges, one round on every subnet per tick, close.
 *
 * `networkSubnets` builds it on src/network's `Network`: the subnets share
 * a clock and a hypervisor, know each other's ranges (the routing table),
 * and carry calls between canisters on different subnets as XNet streams,
 * one exchange per tick.
 */
import type { ManualClock } from '../env/index.ts';
import type { CanisterHttpAdapterRequest, MockHttpOutcallAnswer } from '../http-outcalls/index.ts';
import { NodeSigner } from '../http/index.ts';
import type { HttpReplica } from '../http/index.ts';
import { Network } from '../network/index.ts';
import type { IngressStatus, ReplicatedState } from '../state/index.ts';
import type { CanisterId, PrincipalId, SubnetId } from '../types/index.ts';
import { allRanges, allocationOrder, rangeContains } from './topology.ts';
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
  readonly replica: SubnetHandle & HttpReplica;
  /** Its node (one per subnet), whose key the state tree certifies: it signs query answers in live mode. */
  readonly node: NodeSigner;
}

/** The subnets of an instance (see the module header). */
export interface SubnetNetwork {
  /** In creation order (NNS first). */
  readonly subnets: readonly PocketSubnet[];
  /** The subnet whose ranges hold `id`. */
  route(id: PrincipalId): PocketSubnet | undefined;
  /** One round on every subnet (and, with streams, their exchange). */
  tick(): Promise<void>;
  close(): Promise<void>;
}

const keySeedOf = (plan: SubnetPlan): string => `pocket-ic subnet ${Buffer.from(plan.seed).toString('hex')}`;

/** The subnets as one XNet network (see the module header). */
export async function networkSubnets(plans: readonly SubnetPlan[], clock: ManualClock): Promise<SubnetNetwork> {
  const nodes = plans.map((p) => NodeSigner.fromSeed(`pocket-ic node ${Buffer.from(p.seed).toString('hex')}`));
  const network = await Network.create({
    clock,
    subnets: plans.map((p, i) => ({
      subnetType: p.subnetType, size: p.size, ranges: allocationOrder(p), keySeed: keySeedOf(p), nodes: [(nodes[i] as NodeSigner).nodeKey],
    })),
  });
  const subnets: PocketSubnet[] = network.subnets.map((s, i) => ({ plan: plans[i] as SubnetPlan, id: s.subnetId, replica: s, node: nodes[i] as NodeSigner }));
  return {
    subnets,
    route: (id) => subnets.find((x) => allRanges(x.plan).some((r) => rangeContains(r, id))),
    tick: () => network.tick(),
    close: () => network.close(),
  };
}
