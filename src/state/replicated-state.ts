/**
 * `ReplicatedState` and `SystemMetadata` (the replica's names,
 * `replicated_state.rs`, `metadata_state.rs`): every canister, the subnet's
 * own queues (messages to and from the management canister) and the
 * metadata — subnet id and type, batch time and height, ingress history,
 * canister id allocation, heap-delta estimate, expected compiled Wasms,
 * the postponed `raw_rand` calls (`RawRandContext`), the subnet metrics
 * (cycles-metrics.ts), the subnet call
 * contexts waiting for consensus (`SubnetCallContextManager`: HTTPS outcalls),
 * the network topology (`network-topology.ts`) — and the outgoing XNet
 * streams (`streams.ts`).
 *
 * Order: canisters are always visited in canister-id byte order (the
 * replica's `BTreeMap<CanisterId, CanisterState>`), never in insertion order.
 *
 * Snapshots (for queries and certification) are copy-on-write at canister
 * granularity: `snapshot()` copies the id → canister map and forks the
 * metadata (O(canisters) pointer copies; execution states are immutable and
 * `PageMap`s persistent), and marks every canister shared. The live state
 * then copies a canister's system and scheduler state on its first
 * `canisterMut` after the snapshot. Rule: change a canister only through
 * `canisterMut` (or `putCanister`); `canister` is for reading.
 */
import type { SubnetType } from '../config/index.ts';
import { InternalBug } from '../errors/index.ts';
import type { CanisterId, Height, SubnetId, Time } from '../types/index.ts';
import { CanisterId as CanisterIdClass, height, time } from '../types/index.ts';
import { CanisterQueues } from './canister-queues.ts';
import type { CanisterState } from './canister-state.ts';
import type { Request } from './messages.ts';
import { IngressHistoryState } from './ingress-history.ts';
import { SubnetCallContextManager } from './subnet-call-context-manager.ts';
import { NetworkTopology } from './network-topology.ts';
import { Streams } from './streams.ts';
import { hexOf } from './text.ts';
import { SubnetMetrics } from './cycles-metrics.ts';

/** An inclusive range of u64-form canister ids (`CanisterIdRange`). */
export interface CanisterIdRange { readonly start: CanisterId; readonly end: CanisterId }

const u64Of = (id: CanisterId): bigint => {
  const n = id.toU64();
  if (n === undefined) throw new InternalBug(`canister id ${id.toText()} is not of the u64 form`);
  return n;
};

/**
 * A `raw_rand` call taken from the subnet queue and waiting for the next
 * round's randomness (the replica's `RawRandContext`): answered, in the
 * order postponed, at the start of the first round after `executionRound`.
 */
export interface RawRandContext {
  readonly request: Request;
  /** Height of the round that took the request from the subnet queue. */
  readonly executionRound: Height;
  /** Batch time of that round. */
  readonly time: Time;
}

/** Subnet-wide replicated data (see the module header). */
export class SystemMetadata {
  readonly ownSubnetId: SubnetId;
  readonly ownSubnetType: SubnetType;
  /** Time of the last batch, nanoseconds (what `ic0.time` returns in the next round). */
  batchTime: Time = time(0n);
  /** Height of the last batch executed. */
  height: Height = height(0n);
  ingressHistory = new IngressHistoryState();
  /** Canister ids handed out so far (`generated_id_counter`). */
  generatedIdCounter = 0n;
  /** Ranges new canister ids come from, in order (`canister_allocation_ranges`). */
  canisterAllocationRanges: readonly CanisterIdRange[];
  /** The last id handed out (`last_generated_canister_id`). */
  lastGeneratedCanisterId: CanisterId | undefined = undefined;
  /** Deterministic estimate of the heap delta since the last checkpoint, bytes. */
  heapDeltaEstimate = 0n;
  /** Hex module hashes expected in the compile cache (cleared at checkpoints). */
  expectedCompiledWasms = new Set<string>();
  /** Postponed `raw_rand` calls, oldest first (`subnet_call_context_manager.raw_rand_contexts`). */
  rawRandContexts: RawRandContext[] = [];
  /** Calls waiting for an answer from consensus (`subnet_call_context_manager`): HTTPS outcalls. */
  subnetCallContextManager = new SubnetCallContextManager();
  /** Cycles consumed on the subnet, canisters, state bytes, update transactions (`subnet_metrics`, cycles-metrics.ts). */
  subnetMetrics = new SubnetMetrics();
  /**
   * The subnets of the network and the routing table (immutable; replaced
   * when a batch brings a new one). Default: this subnet alone, hosting
   * its allocation ranges.
   */
  networkTopology: NetworkTopology;

  constructor(ownSubnetId: SubnetId, ownSubnetType: SubnetType, ranges: readonly CanisterIdRange[], networkTopology?: NetworkTopology) {
    this.ownSubnetId = ownSubnetId;
    this.ownSubnetType = ownSubnetType;
    this.canisterAllocationRanges = Object.freeze([...ranges]);
    this.networkTopology = networkTopology ?? NetworkTopology.single(ownSubnetId, ownSubnetType, ranges);
  }

  /** A copy for a snapshot (the ingress history is shared copy-on-write). */
  fork(): SystemMetadata {
    const m = new SystemMetadata(this.ownSubnetId, this.ownSubnetType, this.canisterAllocationRanges, this.networkTopology);
    m.batchTime = this.batchTime;
    m.height = this.height;
    m.ingressHistory = this.ingressHistory.fork();
    m.generatedIdCounter = this.generatedIdCounter;
    m.lastGeneratedCanisterId = this.lastGeneratedCanisterId;
    m.heapDeltaEstimate = this.heapDeltaEstimate;
    m.expectedCompiledWasms = new Set(this.expectedCompiledWasms);
    m.rawRandContexts = [...this.rawRandContexts];
    m.subnetCallContextManager = this.subnetCallContextManager.clone();
    m.subnetMetrics = this.subnetMetrics.clone();
    return m;
  }

  /**
   * Hands out the next canister id: the one after the last, moving on to the
   * next range when a range is used up (`generate_new_canister_id`).
   * @returns `undefined` when all ranges are used up.
   */
  generateNewCanisterId(): CanisterId | undefined {
    const ranges = this.canisterAllocationRanges;
    let next: bigint | undefined;
    if (this.lastGeneratedCanisterId === undefined) next = ranges[0] === undefined ? undefined : u64Of(ranges[0].start);
    else {
      const last = u64Of(this.lastGeneratedCanisterId);
      for (const r of ranges) {
        const [s, e] = [u64Of(r.start), u64Of(r.end)];
        if (last < s) { next = s; break; }
        if (last < e) { next = last + 1n; break; }
      }
    }
    if (next === undefined) return undefined;
    const id = CanisterIdClass.fromU64(next);
    this.lastGeneratedCanisterId = id;
    this.generatedIdCounter++;
    return id;
  }
}

/** The state of the whole subnet (see the module header). */
export class ReplicatedState {
  readonly metadata: SystemMetadata;
  /** Messages to and from the management canister (`subnet_queues`). */
  readonly subnetQueues: CanisterQueues;
  /** Outgoing XNet streams, by remote subnet (`streams`). */
  readonly streams: Streams;
  readonly #canisters: Map<string, CanisterState>;
  /** Canisters this instance may change in place (not shared with a snapshot). */
  #owned = new Set<CanisterState>();
  #sortedKeys: string[] | undefined = undefined;

  constructor(metadata: SystemMetadata, subnetQueues = new CanisterQueues(), canisters = new Map<string, CanisterState>(), streams = new Streams()) {
    this.metadata = metadata;
    this.subnetQueues = subnetQueues;
    this.#canisters = canisters;
    this.streams = streams;
  }

  /** An empty subnet (alone in its network unless `networkTopology` is given). */
  static empty(ownSubnetId: SubnetId, ownSubnetType: SubnetType, ranges: readonly CanisterIdRange[], networkTopology?: NetworkTopology): ReplicatedState {
    return new ReplicatedState(new SystemMetadata(ownSubnetId, ownSubnetType, ranges, networkTopology));
  }

  get time(): Time { return this.metadata.batchTime; }

  /** The canister with `id`, for reading. */
  canister(id: CanisterId): CanisterState | undefined {
    return this.#canisters.get(hexOf(id.bytesView()));
  }

  /** The canister with `id`, copied first if a snapshot shares it; change canisters only through this. */
  canisterMut(id: CanisterId): CanisterState | undefined {
    const key = hexOf(id.bytesView());
    const c = this.#canisters.get(key);
    if (c === undefined || this.#owned.has(c)) return c;
    const own = c.clone();
    this.#canisters.set(key, own);
    this.#owned.add(own);
    return own;
  }

  /** Adds or replaces a canister (this state owns it from now on). */
  putCanister(canister: CanisterState): void {
    const key = hexOf(canister.canisterId.bytesView());
    if (!this.#canisters.has(key)) this.#sortedKeys = undefined;
    this.#canisters.set(key, canister);
    this.#owned.add(canister);
  }

  /** Removes and returns a canister. */
  removeCanister(id: CanisterId): CanisterState | undefined {
    const key = hexOf(id.bytesView());
    const c = this.#canisters.get(key);
    if (c === undefined) return undefined;
    this.#canisters.delete(key);
    this.#owned.delete(c);
    this.#sortedKeys = undefined;
    return c;
  }

  hasCanister(id: CanisterId): boolean {
    return this.#canisters.has(hexOf(id.bytesView()));
  }

  get canisterCount(): number { return this.#canisters.size; }

  #keys(): string[] {
    // Hex keys sort as their bytes do (same-length digits; a prefix sorts first).
    this.#sortedKeys ??= [...this.#canisters.keys()].sort();
    return this.#sortedKeys;
  }

  /** All canisters in canister-id byte order, for reading. */
  canisters(): CanisterState[] {
    return this.#keys().map((k) => this.#canisters.get(k) as CanisterState);
  }

  /** All canister ids in byte order. */
  canisterIds(): CanisterId[] {
    return this.canisters().map((c) => c.canisterId);
  }

  /**
   * A copy that later changes to this state do not affect (and vice versa):
   * shares every canister until one side asks for it with `canisterMut`.
   */
  snapshot(): ReplicatedState {
    const copy = new ReplicatedState(this.metadata.fork(), this.subnetQueues.clone(), new Map(this.#canisters), this.streams.clone());
    copy.#sortedKeys = this.#sortedKeys;
    this.#owned = new Set();
    return copy;
  }
}
