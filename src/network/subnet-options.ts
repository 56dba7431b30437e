// The options of a `Subnet` and the hooks it calls around each batch.
import type { SchedulerConfig, SubnetType } from '../config/index.ts';
import type { Batch, BatchPosition, XNetPayloadBuilder } from '../consensus/index.ts';
import type { BlsKeyPair } from '../crypto/index.ts';
import type { Clock } from '../env/index.ts';
import type { Hypervisor } from '../hypervisor/index.ts';
import type { CanisterHttpAdapter } from '../http-outcalls/index.ts';
import type { IngressResult } from '../ingress/index.ts';
import type { ThresholdKeys } from '../management/index.ts';
import type { NodeKey } from '../state-manager/index.ts';
import type { CanisterIdRange, NetworkTopology, ReplicatedState } from '../state/index.ts';
import type { Subnet } from './subnet.ts';

/** Options of a {@link Subnet}. */
export interface SubnetOptions {
  readonly subnetType: Exclude<SubnetType, 'verified_application'>;
  /** Nodes (scales fees). Default 13. */
  readonly size?: number;
  /** The subnet's canister id ranges; new canister ids come from them, in order. */
  readonly ranges: readonly CanisterIdRange[];
  /** Where new canister ids come from, in order, when not all of `ranges` (ids kept for canisters installed at known ids). Default `ranges`. */
  readonly allocationRanges?: readonly CanisterIdRange[];
  /** The network it is part of (must hold it with `ranges`). Default: the subnet alone. */
  readonly topology?: NetworkTopology;
  /** The wall clock batches are stamped from. */
  readonly clock: Clock;
  /** Runs the canisters (shared between subnets; the subnet never closes it). */
  readonly hypervisor: Hypervisor;
  /** Scheduler partitions run at the same time. Default 1. */
  readonly cores?: number;
  /** Overrides of the subnet type's scheduler configuration. */
  readonly schedulerConfig?: Partial<SchedulerConfig>;
  /** Seed of the subnet key (its id and random tape). Default `ic-exec-replica`. */
  readonly seed?: string;
  /** Seed of the subnet key alone, overriding `seed` for it (the threshold keys still follow `seed`). */
  readonly keySeed?: string;
  /** The threshold master keys the management canister holds. Default: those of `seed` (PocketIC's without one). */
  readonly thresholdKeys?: ThresholdKeys;
  /** The subnet's nodes and their Ed25519 keys, certified under `/subnet/<sid>/node`. Default none. */
  readonly nodes?: readonly NodeKey[];
  /** Checkpoint every n batches; 0 for never. Default 500. */
  readonly checkpointInterval?: bigint;
  /** The HTTPS-outcall adapter: `'manual'` (default) or one to use. */
  readonly httpOutcalls?: 'manual' | CanisterHttpAdapter;
  /** Where the XNet slices of its batches come from (a network). Default: none. */
  readonly xnet?: (subnet: Subnet) => XNetPayloadBuilder;
  /** The subnet key (e.g. loaded from a store); overrides `keySeed` and `seed` for it. */
  readonly key?: BlsKeyPair;
  /** Start from this state (recovered from a checkpoint) instead of an empty one; the block maker resumes after `resumeAfter`. */
  readonly initialState?: ReplicatedState;
  /** The last batch already executed (or logged): the next batch follows it. */
  readonly resumeAfter?: BatchPosition;
  /**
   * The nonce of the next call `submitCall` makes (part of its message id).
   * A subnet continued from another's state takes that one's `nonce`, so it
   * makes the same message ids as a subnet that never stopped. Default 0.
   */
  readonly initialNonce?: bigint;
  /** Round hooks (the batch log, checkpoints). */
  readonly hooks?: SubnetHooks;
}

/** What a subnet calls around each batch it makes (durability: src/state-manager). */
export interface SubnetHooks {
  /** The batch is about to execute (log it first). A throw stops the tick before anything changes. */
  beforeExecute?(batch: Batch): void | Promise<void>;
  /** The batch executed and `committed` is the state at its height. */
  afterCommit?(batch: Batch, committed: ReplicatedState): void | Promise<void>;
}

/** Where a submitted call stands. */
export type CallPoll = { readonly kind: 'done'; readonly result: IngressResult } | { readonly kind: 'pending' };

