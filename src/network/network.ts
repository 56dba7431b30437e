/**
 * `Network`: several subnets in one process, exchanging XNet streams — the
 * multi-subnet IC a PocketIC instance is.
 *
 * ```ts
 * const net = await Network.create({ subnets: [{ subnetType: 'application', ranges: [a] }, { subnetType: 'application', ranges: [b] }] });
 * const { subnet, messageId } = await net.submitCall(canister, 'work', arg);   // routed by the canister's range
 * const result = await net.awaitCall(subnet, messageId);                      // ticks every subnet until answered
 * await net.tick();                                                           // one round on each, then the exchange
 * ```
 *
 * Each subnet is a `Subnet` with its own replicated state, block maker,
 * execution environment and management canister; they share the clock (so
 * their rounds have the same times), the hypervisor (its compile cache) and
 * the network topology: the routing table of every subnet's canister ranges,
 * which each subnet's first batch carries (and the next batch of every
 * subnet when one joins).
 *
 * A network round (`tick`) runs one batch on every subnet, in creation
 * order, then publishes every committed state to the transport: the next
 * round's batches carry the slices of those states' streams (xnet.ts). A
 * subnet's batch therefore never depends on another subnet's batch of the
 * same round, and the order subnets run in does not matter; each subnet's
 * state is a function of its own batches (XNet slices and topology
 * included), which its batch log records. A call from a canister on one
 * subnet to one on another takes three rounds to be answered (request
 * streamed; executed there, reply streamed; callback).
 */
import type { SchedulerConfig, SubnetType } from '../config/index.ts';
import { ManualClock } from '../env/index.ts';
import type { Clock } from '../env/index.ts';
import { UserErrorException } from '../errors/index.ts';
import { Hypervisor } from '../hypervisor/index.ts';
import type { CanisterHttpAdapter } from '../http-outcalls/index.ts';
import type { IngressResult } from '../ingress/index.ts';
import { thresholdKeysForSeed } from '../management/index.ts';
import type { ThresholdKeys } from '../management/index.ts';
import { targetCanisterOf } from '../messaging/index.ts';
import type { NodeKey } from '../state-manager/index.ts';
import { NetworkTopology } from '../state/index.ts';
import type { CanisterIdRange } from '../state/index.ts';
import { time } from '../types/index.ts';
import type { CanisterId, PrincipalId, SubnetId } from '../types/index.ts';
import { Subnet } from './subnet.ts';
import type { SubnetHooks } from './subnet-options.ts';
import { InProcessTransport, XNetPayloadBuilderImpl } from './xnet.ts';

/** 2025-01-01T00:00:00Z, the default start of a network's `ManualClock` (as a `Replica`'s), nanoseconds. */
export const NETWORK_START_TIME = 1_735_689_600_000_000_000n;
/** Network rounds `awaitCall` runs before it gives up. */
const DEFAULT_MAX_ROUNDS = 100_000;

/** One subnet of a network. */
export interface NetworkSubnetConfig {
  readonly subnetType: Exclude<SubnetType, 'verified_application'>;
  /** Nodes (scales its fees). Default 13. */
  readonly size?: number;
  /** Its canister id ranges, in allocation order (new ids come from the first); disjoint from every other subnet's. */
  readonly ranges: readonly CanisterIdRange[];
  /** Seed of the subnet key, hence of its id. Default: from the network seed and the ranges. */
  readonly keySeed?: string;
  readonly schedulerConfig?: Partial<SchedulerConfig>;
  /** Its nodes' keys, certified under `/subnet/<sid>/node`. */
  readonly nodes?: readonly NodeKey[];
  /** The HTTPS-outcall adapter. Default `'manual'`. */
  readonly httpOutcalls?: 'manual' | CanisterHttpAdapter;
  /** Round hooks (its batch log, checkpoints). */
  readonly hooks?: SubnetHooks;
}

/** Options of {@link Network.create}. */
export interface NetworkOptions {
  readonly subnets: readonly NetworkSubnetConfig[];
  /** The clock every subnet stamps its batches from. Default a `ManualClock` at {@link NETWORK_START_TIME}. */
  readonly clock?: Clock;
  /** Runs every subnet's canisters (the network does not close one it was given). Default: a new in-process one. */
  readonly hypervisor?: Hypervisor;
  /** Scheduler partitions per subnet. Default 1. */
  readonly cores?: number;
  /** Seed of the subnet keys (unless a subnet gives its own) and of the threshold keys. Default: PocketIC's threshold keys. */
  readonly seed?: string;
  /** Checkpoint every n batches; 0 for never. Default 500. */
  readonly checkpointInterval?: bigint;
}

/** The subnets of a network (see the module header). */
export class Network {
  readonly clock: Clock;
  readonly #hypervisor: Hypervisor;
  readonly #ownsHypervisor: boolean;
  readonly #transport = new InProcessTransport();
  readonly #subnets: Subnet[] = [];
  readonly #opts: NetworkOptions;
  readonly #thresholdKeys: ThresholdKeys;
  #topology = new NetworkTopology([]);

  private constructor(opts: NetworkOptions) {
    this.#opts = opts;
    this.clock = opts.clock ?? new ManualClock(time(NETWORK_START_TIME));
    this.#ownsHypervisor = opts.hypervisor === undefined;
    this.#hypervisor = opts.hypervisor ?? new Hypervisor({});
    this.#thresholdKeys = thresholdKeysForSeed(opts.seed);
  }

  /** A network of empty subnets (see {@link NetworkOptions}). @throws {Error} if two subnets' ranges overlap. */
  static async create(opts: NetworkOptions): Promise<Network> {
    const net = new Network(opts);
    for (const config of opts.subnets) net.#add(config);
    net.#announce();
    return net;
  }

  /** Every subnet, in creation order. */
  get subnets(): readonly Subnet[] { return this.#subnets; }
  /** The routing table and the subnets. */
  get topology(): NetworkTopology { return this.#topology; }

  /** The subnet `id`. */
  subnet(id: SubnetId): Subnet | undefined {
    return this.#subnets.find((s) => s.subnetId.equals(id));
  }

  /** The subnet hosting `principal` (a canister id in its ranges, or its subnet id). */
  route(principal: PrincipalId): Subnet | undefined {
    const id = this.#topology.route(principal);
    return id === undefined ? undefined : this.subnet(id);
  }

  /**
   * Adds an empty subnet (PocketIC makes one for a mainnet canister id no
   * subnet hosts); every subnet's next batch carries the new topology.
   * @throws {Error} if its ranges overlap another subnet's.
   */
  addSubnet(config: NetworkSubnetConfig): Subnet {
    const s = this.#add(config);
    this.#announce();
    return s;
  }

  #add(config: NetworkSubnetConfig): Subnet {
    const o = this.#opts;
    const keySeed = config.keySeed ?? `${o.seed ?? 'ic-exec-network'} subnet ${config.ranges.map((r) => `${r.start.toText()}..${r.end.toText()}`).join(',')}`;
    const transport = this.#transport;
    const subnet = new Subnet({
      subnetType: config.subnetType, ranges: config.ranges, clock: this.clock, hypervisor: this.#hypervisor, keySeed,
      thresholdKeys: this.#thresholdKeys,
      ...(config.size === undefined ? {} : { size: config.size }),
      ...(o.cores === undefined ? {} : { cores: o.cores }),
      ...(config.schedulerConfig === undefined ? {} : { schedulerConfig: config.schedulerConfig }),
      ...(config.nodes === undefined ? {} : { nodes: config.nodes }),
      ...(config.httpOutcalls === undefined ? {} : { httpOutcalls: config.httpOutcalls }),
      ...(config.hooks === undefined ? {} : { hooks: config.hooks }),
      ...(o.checkpointInterval === undefined ? {} : { checkpointInterval: o.checkpointInterval }),
      xnet: (s) => new XNetPayloadBuilderImpl(s.subnetId, () => s.committedState, transport),
    });
    let topology: NetworkTopology;
    try {
      topology = this.#topology.with({ subnetId: subnet.subnetId, subnetType: subnet.subnetType, size: subnet.size, ranges: config.ranges });
    } catch (e) {
      void subnet.close();
      throw new Error(`subnet ranges overlap: ${(e as Error).message}`);
    }
    this.#topology = topology;
    this.#subnets.push(subnet);
    transport.publish(subnet.subnetId, subnet.committedState);
    return subnet;
  }

  #announce(): void {
    for (const s of this.#subnets) s.announceTopology(this.#topology);
  }

  /** One round on every subnet, then the exchange of their streams (see the module header). */
  async tick(): Promise<void> {
    for (const s of this.#subnets) await s.tick();
    for (const s of this.#subnets) this.#transport.publish(s.subnetId, s.committedState);
  }

  /** Moves the shared clock forward (a `ManualClock` only); the next round carries the new time. */
  advanceTime(nanos: bigint): void {
    if (!(this.clock instanceof ManualClock)) throw new TypeError('advanceTime needs a ManualClock');
    this.clock.advance(nanos);
  }

  /** The first application subnet, else the first system subnet, else the first (where canisters without a specified id go). */
  get defaultSubnet(): Subnet {
    const s = this.#subnets.find((x) => x.subnetType === 'application') ?? this.#subnets.find((x) => x.subnetType === 'system') ?? this.#subnets[0];
    if (s === undefined) throw new Error('the network has no subnet');
    return s;
  }

  /**
   * The subnet a call goes to: the one hosting `effectiveCanisterId`, else
   * the receiver, or for `aaaaa-aa` the canister its argument names
   * (`provisional_create_canister_with_cycles` without `specified_id`: the
   * default subnet).
   * @throws {Error} if no subnet hosts it or a management argument does not decode.
   */
  subnetForCall(canisterId: CanisterId, method: string, arg: Uint8Array, effectiveCanisterId?: PrincipalId): Subnet {
    let target: PrincipalId | undefined = effectiveCanisterId;
    if (target === undefined && !canisterId.isManagementCanister()) target = canisterId;
    if (target === undefined) {
      target = targetCanisterOf(method, arg);
      if (target === undefined) {
        if (method === 'provisional_create_canister_with_cycles') return this.defaultSubnet;
        throw new Error(`Effective canister id needed for management method ${method}`);
      }
    }
    const subnet = this.route(target);
    if (subnet === undefined) throw new Error(`Canister ${target.toText()} does not belong to any subnet.`);
    return subnet;
  }

  /**
   * Submits an update call to the subnet that hosts it ({@link subnetForCall}).
   * @throws {UserErrorException} if the ingress filter rejects it; {@link Error} if it cannot be routed.
   */
  async submitCall(
    canisterId: CanisterId, method: string, arg: Uint8Array, opts: { sender?: PrincipalId; effectiveCanisterId?: PrincipalId } = {},
  ): Promise<{ subnet: Subnet; messageId: Uint8Array }> {
    const subnet = this.subnetForCall(canisterId, method, arg, opts.effectiveCanisterId);
    const messageId = await subnet.submitCall(canisterId, method, arg, opts.sender === undefined ? {} : { sender: opts.sender });
    return { subnet, messageId };
  }

  /**
   * Runs network rounds until the message has an answer on `subnet`.
   * @throws {Error} if it expired before induction or `maxRounds` passed.
   */
  async awaitCall(subnet: Subnet, messageId: Uint8Array, opts: { maxRounds?: number } = {}): Promise<IngressResult> {
    const max = opts.maxRounds ?? DEFAULT_MAX_ROUNDS;
    for (let rounds = 0; ; rounds++) {
      const poll = subnet.pollCall(messageId);
      if (poll.kind === 'done') return poll.result;
      if (rounds >= max) throw new Error(`message ${Buffer.from(messageId).toString('hex')} has no answer after ${max} rounds`);
      await this.tick();
    }
  }

  /**
   * Submit, then run rounds until answered.
   * @throws {UserErrorException} with the reject.
   */
  async updateCall(canisterId: CanisterId, method: string, arg: Uint8Array, opts: { sender?: PrincipalId; effectiveCanisterId?: PrincipalId } = {}): Promise<Uint8Array> {
    const { subnet, messageId } = await this.submitCall(canisterId, method, arg, opts);
    const r = await this.awaitCall(subnet, messageId);
    if (r.kind === 'rejected') throw new UserErrorException(r.error);
    return r.reply;
  }

  /**
   * A query on the hosting subnet's last committed round.
   * @throws {UserErrorException} with the error or reject; {@link Error} if it cannot be routed.
   */
  query(canisterId: CanisterId, method: string, arg: Uint8Array, opts: { sender?: PrincipalId; effectiveCanisterId?: CanisterId } = {}): Promise<Uint8Array> {
    return this.subnetForCall(canisterId, method, arg, opts.effectiveCanisterId).query(canisterId, method, arg, opts);
  }

  /** Each subnet's full state hash, in creation order. */
  stateHashes(): Uint8Array[] {
    return this.#subnets.map((s) => s.stateHash());
  }

  /** Closes every subnet (and the hypervisor if the network made it). */
  async close(): Promise<void> {
    for (const s of this.#subnets) await s.close();
    if (this.#ownsHypervisor) await this.#hypervisor.close();
  }
}
