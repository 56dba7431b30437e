/**
 * What the dashboard reads: the served replica (its last committed state)
 * and the telemetry of its rounds (src/telemetry's `Telemetry` fits
 * {@link DashboardTelemetry}; the dashboard works without it, with no round
 * history, series or live round events).
 */
import type { ReplicatedState } from '../state/index.ts';
import type { CanisterSample, RoundSample } from '../telemetry/index.ts';
import type { CanisterId, SubnetId } from '../types/index.ts';

export type { CanisterSample, RoundSample };

/** What the dashboard needs of a replica (src/replica's `Replica` has it). */
export interface DashboardReplica {
  readonly subnetId: SubnetId;
  /** The root (= subnet) key, DER. */
  readonly rootKey: Uint8Array;
  /** Height of the last committed round. */
  readonly height: bigint;
  /** The last committed state (read only). */
  readonly committedState: ReplicatedState;
  /** Ingress messages waiting in the block maker's pool. */
  readonly pooledIngress: number;
}

/** The part of src/telemetry's `Telemetry` the dashboard uses. */
export interface DashboardTelemetry {
  /** The last `limit` rounds (all kept when omitted), oldest first. */
  recentRounds(limit?: number): readonly RoundSample[];
  /** A canister's samples, oldest first. */
  canisterSeries(id: CanisterId): readonly CanisterSample[];
  /** Calls `listener` after every round; returns the unsubscribe function. */
  onRound(listener: (sample: RoundSample) => void): () => void;
}
