// A batch: what consensus hands to the replicated state machine for one
// round. It is plain data — bigints, byte arrays, ids, a boolean — so that it
// can be logged, replayed and sent between processes, and so that every
// replica that executes the same batches reaches the same state. Everything
// nondeterministic (the wall clock, entropy, the order in which users'
// requests arrived) has already been decided and written into it.
//
// The IC's counterpart is `ic_types::batch::Batch` (batch number, time,
// randomness, ingress payload, requires_full_state_hash, consensus
// responses — the answers to subnet call contexts such as HTTPS outcalls —
// and the XNet payload: slices of other subnets' streams to this one; the
// registry version the replica reads the network topology at becomes the
// topology itself, carried when it changes).
import type { NetworkTopology, StreamSlice } from '../state/index.ts';
import type { CanisterId, Height, SubnetId, Time } from '../types/index.ts';
import { compareIds } from '../types/index.ts';

/** Bytes of a message id (the request id, a SHA-256). */
export const MESSAGE_ID_BYTES = 32;
/** Bytes of a batch's randomness. */
export const RANDOMNESS_BYTES = 32;

/**
 * An ingress message as consensus orders it: the request id, where it goes,
 * when it expires, and the signed request itself. The HTTP and ingress layers
 * fill it after checking the envelope and signature; consensus treats
 * `payload` as opaque and only counts its bytes against the block limits;
 * message routing decodes it when it inducts the message.
 */
export interface SignedIngress {
  /** The request id (32 bytes): the representation-independent hash of the request content (interface spec, "Request ids"). */
  readonly messageId: Uint8Array;
  /** The canister the call is addressed to (`canister_id` of the content; `aaaaa-aa` for the management canister). */
  readonly receiver: CanisterId;
  /** `ingress_expiry`: after this time the message must not be inducted. Nanoseconds since the epoch. */
  readonly expiry: Time;
  /** The signed request as received (the CBOR envelope). Its length is what counts against the 4 MiB block limit. */
  readonly payload: Uint8Array;
}

/**
 * An answer consensus agreed on for a subnet call context (the replica's
 * `ConsensusResponse`): names the context by its callback id; the payload
 * is the reply data or a reject (code and message). Message routing turns
 * it into the response to the canister that made the call.
 */
export interface ConsensusResponse {
  readonly callbackId: bigint;
  readonly payload:
    | { readonly kind: 'data'; readonly data: Uint8Array }
    | { readonly kind: 'reject'; readonly reject: { readonly code: number; readonly message: string } };
}

/** A slice of subnet `subnetId`'s stream to this subnet, as the XNet payload carries it. */
export interface XNetSlice {
  readonly subnetId: SubnetId;
  readonly slice: StreamSlice;
}

/**
 * Where a batch stands in the checkpoint interval (the replica's
 * `BatchSummary`, from the DKG summary block): the scheduler spreads the
 * subnet's heap-delta capacity over the interval with it.
 */
export interface BatchSummary {
  /** The height of the next regular checkpoint (this batch's height if it is one). */
  readonly nextCheckpointHeight: Height;
  /** The interval's length as the IC counts it: heights per interval − 1. */
  readonly currentIntervalLength: bigint;
}

/** The input of one round. */
export interface Batch {
  /** The batch number: 1 for the first batch, then +1 each batch. Executing it yields the state at this height. */
  readonly height: Height;
  /** The round's time (what `ic0.time` returns), nanoseconds since the epoch; strictly increasing from batch to batch. */
  readonly time: Time;
  /**
   * 32 bytes of randomness for this round: SHA-256 of the subnet key's BLS
   * signature over the height (the random tape, see `random-tape.ts`). The
   * scheduler seeds its CSPRNG from it; `raw_rand` calls made in the previous
   * round are answered from it.
   */
  readonly randomness: Uint8Array;
  /** Ingress messages in block order; message routing inducts them in this order. */
  readonly ingress: readonly SignedIngress[];
  /** Whether the state after this batch is a checkpoint: written to disk with a full state hash (memory included). */
  readonly requiresFullStateHash: boolean;
  /** Answers to subnet call contexts (HTTPS outcalls: responses and timeouts), inducted in this order; absent = none. */
  readonly consensusResponses?: readonly ConsensusResponse[];
  /** The checkpoint interval this batch is in; absent without regular checkpoints (the heap-delta limit is then the capacity). */
  readonly batchSummary?: BatchSummary;
  /**
   * The XNet payload: slices of other subnets' streams to this subnet, one
   * per remote subnet, in subnet-id byte order; inducted before the ingress.
   * Absent = none.
   */
  readonly xnetSlices?: readonly XNetSlice[];
  /** The network topology (subnets, routing table) from this batch on; absent = unchanged. */
  readonly networkTopology?: NetworkTopology;
}

/** The height and time of the last batch, from which the next one follows. */
export interface BatchPosition {
  readonly height: Height;
  readonly time: Time;
}

/** Sum of the ingress payload bytes of `messages`. */
export function ingressPayloadBytes(messages: readonly SignedIngress[]): number {
  let total = 0;
  for (const m of messages) total += m.payload.length;
  return total;
}

/**
 * Checks the invariants every {@link BatchSource} must keep: heights from 1
 * without gaps, strictly increasing time, 32 bytes of randomness, 32-byte
 * message ids, no message id twice in one batch, no callback id answered
 * twice in one batch. A consumer may call it on
 * each batch it receives from a source it does not trust to be correct.
 * @param previous the position of the batch before (omit for the first batch).
 * @returns a description of the first violation, or `undefined` if there is none.
 */
export function batchProblem(batch: Batch, previous?: BatchPosition): string | undefined {
  const expectedHeight = previous === undefined ? 1n : previous.height + 1n;
  if (batch.height !== expectedHeight) return `batch height ${batch.height}, expected ${expectedHeight}`;
  if (previous !== undefined && batch.time <= previous.time) {
    return `batch time ${batch.time} is not after the previous batch time ${previous.time}`;
  }
  if (batch.randomness.length !== RANDOMNESS_BYTES) {
    return `batch randomness has ${batch.randomness.length} bytes, expected ${RANDOMNESS_BYTES}`;
  }
  const seen = new Set<string>();
  for (const [i, m] of batch.ingress.entries()) {
    if (m.messageId.length !== MESSAGE_ID_BYTES) {
      return `ingress ${i}: message id has ${m.messageId.length} bytes, expected ${MESSAGE_ID_BYTES}`;
    }
    const key = Buffer.from(m.messageId).toString('hex');
    if (seen.has(key)) return `ingress ${i}: message id ${key} appears twice in the batch`;
    seen.add(key);
  }
  const callbacks = new Set<bigint>();
  for (const [i, r] of (batch.consensusResponses ?? []).entries()) {
    if (callbacks.has(r.callbackId)) return `consensus response ${i}: callback id ${r.callbackId} appears twice in the batch`;
    callbacks.add(r.callbackId);
  }
  const slices = batch.xnetSlices ?? [];
  for (let i = 1; i < slices.length; i++) {
    if (compareIds(slices[i - 1].subnetId, slices[i].subnetId) >= 0) return `xnet slice ${i}: subnets not in strictly increasing id order`;
  }
  return undefined;
}
