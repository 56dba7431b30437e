/**
 * What the endpoint handlers share: the replica (as `HttpReplica`: what the
 * HTTP interface asks of it), its node key, the round loop, the admission
 * of calls, the wall clock and the limits.
 */
import type { SignedIngress, SubmitResult } from '../consensus/index.ts';
import type { IngressFilterResult } from '../ingress/index.ts';
import type { HttpCallContent } from '../messaging/index.ts';
import type { QueryResult, UserQuery } from '../query/index.ts';
import type { StateCertifier } from '../state-manager/index.ts';
import type { IngressStatus, ReplicatedState } from '../state/index.ts';
import type { SubnetId } from '../types/index.ts';
import type { IngressAdmission } from './admission.ts';
import type { NodeSigner } from './node-key.ts';
import type { RoundLoop } from './round-loop.ts';

/** What the HTTP interface needs of a replica (`Replica` of src/replica). */
export interface HttpReplica {
  readonly subnetId: SubnetId;
  /** The root (= subnet) key, DER. */
  readonly rootKey: Uint8Array;
  readonly certifier: StateCertifier;
  /** The last committed (and certified) state. */
  readonly committedState: ReplicatedState;
  /** Time and height of the last committed round. */
  readonly time: bigint;
  readonly height: bigint;
  ingressStatus(messageId: Uint8Array): IngressStatus | undefined;
  filterIngress(content: HttpCallContent, envelopeBytes: number, messageId: Uint8Array, now: bigint): Promise<IngressFilterResult>;
  poolIngress(message: SignedIngress): SubmitResult;
  readonly pooledIngress: number;
  /** Whether the next batch would carry something (ingress, an outcall answer). */
  hasWork(): boolean;
  workArrived(signal?: AbortSignal): Promise<void>;
  runQuery(query: UserQuery): Promise<QueryResult>;
  /** One round; a `BatchSummary` (src/messaging) lets the round loop see whether it did anything. */
  tick(): Promise<unknown>;
}

export interface ServerContext {
  readonly replica: HttpReplica;
  readonly node: NodeSigner;
  readonly loop: RoundLoop;
  readonly admission: IngressAdmission;
  /** The replica's root key, DER (133 bytes). */
  readonly rootKeyDer: Uint8Array;
  /** How long a v3/v4 call waits for its answer before `202`, ms. */
  readonly syncCallTimeoutMs: number;
  /** The largest call envelope, bytes (413 above). */
  readonly maxIngressBytes: bigint;
  /** The wall clock, nanoseconds; never before the last committed round. */
  nowNanos(): bigint;
}
