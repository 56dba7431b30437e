/**
 * Induction of XNet slices at the start of a batch: the replica's stream
 * handler (`rs/messaging/src/routing/stream_handler.rs`,
 * `process_stream_slices`). The slices come in the batch, one per remote
 * subnet in subnet-id order; the stream handler runs before the ingress is
 * inducted, in two passes over them:
 *
 * 1. Garbage collection, from each slice's header (the remote subnet's
 *    signals about our stream to it): our messages below its `signalsEnd`
 *    are dropped from our stream; each request among them a reject signal
 *    names is answered here with the replica's synthetic reject (reason →
 *    code and text: `rejectReasonText`), the attached cycles refunded, in
 *    the sender's input queue; a rejected response is rerouted by the
 *    routing table. Our reject signals below the slice's `begin` are
 *    dropped (the remote subnet has seen them).
 * 2. Induction of each slice's messages, in index order, each exactly once
 *    (the index must be our stream's `signalsEnd`; earlier indices were
 *    inducted already and are skipped): a message whose sender the routing
 *    table does not place on the sending subnet, or whose receiver is not
 *    ours, is dropped (the replica's critical errors) with an accept
 *    signal; otherwise it goes into its receiver's input queue from the
 *    sender (`remoteSubnet`), or the subnet queues for this subnet's
 *    management canister (addressed as `aaaaa-aa` — the routing of the
 *    sending subnet chose this one — or by this subnet's id). A request that does not fit (canister missing,
 *    stopped or stopping, queue full, subnet out of message memory) gets a
 *    reject signal with its reason — the sending subnet makes the reject
 *    response when it sees it; a response that does not fit is dropped.
 *
 * Every index gets exactly one signal, so every request gets exactly one
 * response: the callee's, or the synthetic reject.
 */
import type { XNetSlice } from '../consensus/index.ts';
import { InternalBug } from '../errors/index.ts';
import type { RejectReason, ReplicatedState, RequestOrResponse, Stream } from '../state/index.ts';
import type { SubnetId } from '../types/index.ts';
import { subnetAvailableGuaranteedResponseMemory } from '../scheduler/index.ts';
import { LocalRouter, rejectReasonFromError, rejectReasonText, rejectResponseFor } from './routing.ts';

/** What {@link inductXNetSlices} did. */
export interface XNetInductionStats {
  /** Messages inducted into input queues. */
  inducted: number;
  /** Requests answered with a reject signal. */
  rejectSignals: number;
  /** Messages dropped (misrouted, or responses that found no callback). */
  dropped: number;
  /** Our messages acknowledged and garbage-collected. */
  garbageCollected: number;
  /** Reject responses made from the remote subnets' reject signals. */
  rejectedRequests: number;
}

const receiverOf = (m: RequestOrResponse) => (m.kind === 'request' ? m.receiver : m.originator);
const senderOf = (m: RequestOrResponse) => (m.kind === 'request' ? m.sender : m.respondent);

/** Inducts the batch's XNet slices into `state` (see the module header). */
export function inductXNetSlices(state: ReplicatedState, slices: readonly XNetSlice[]): XNetInductionStats {
  const stats: XNetInductionStats = { inducted: 0, rejectSignals: 0, dropped: 0, garbageCollected: 0, rejectedRequests: 0 };
  if (slices.length === 0) return stats;
  const router = new LocalRouter(state, subnetAvailableGuaranteedResponseMemory(state));
  for (const { subnetId, slice } of slices) {
    const stream = state.streams.get(subnetId);
    if (stream === undefined) continue;
    const h = slice.header;
    if (h.signalsEnd > stream.end) throw new InternalBug(`signals from subnet ${subnetId.toText()} end at ${h.signalsEnd}, past our stream's end ${stream.end}`);
    if (h.signalsEnd > stream.begin) {
      stats.garbageCollected += Number(h.signalsEnd - stream.begin);
      for (const { reason, msg } of stream.discardMessagesBefore(h.signalsEnd, h.rejectSignals)) handleRejected(state, router, reason, msg, stats);
    }
    stream.discardSignalsBefore(h.begin);
  }
  for (const { subnetId, slice } of slices) {
    if (slice.messages.length === 0) continue;
    const stream = state.streams.getOrCreate(subnetId);
    for (let i = 0; i < slice.messages.length; i++) {
      const index = slice.messagesBegin + BigInt(i);
      if (index < stream.signalsEnd) continue;
      if (index > stream.signalsEnd) throw new InternalBug(`message ${index} from subnet ${subnetId.toText()}: expected ${stream.signalsEnd}`);
      inductMessage(state, router, subnetId, stream, slice.messages[i], stats);
    }
  }
  return stats;
}

/** Answers a request the remote subnet rejected; reroutes a rejected response (`handle_rejected_messages`). */
function handleRejected(state: ReplicatedState, router: LocalRouter, reason: RejectReason, msg: RequestOrResponse, stats: XNetInductionStats): void {
  if (msg.kind === 'request') {
    const { code, message } = rejectReasonText(reason, msg);
    stats.rejectedRequests++;
    if (router.push(rejectResponseFor(msg, code, message), 'remoteSubnet') !== undefined) stats.dropped++;
    return;
  }
  const dest = state.metadata.networkTopology.route(msg.originator);
  if (dest !== undefined && !dest.equals(state.metadata.ownSubnetId)) state.streams.getOrCreate(dest).push(msg);
  else if (router.push(msg, 'remoteSubnet') !== undefined) stats.dropped++;
}

/** Inducts one message from `remote`, with its signal on our reverse `stream` (`induct_message`). */
function inductMessage(state: ReplicatedState, router: LocalRouter, remote: SubnetId, stream: Stream, msg: RequestOrResponse, stats: XNetInductionStats): void {
  const topology = state.metadata.networkTopology;
  const own = state.metadata.ownSubnetId;
  // `aaaaa-aa` is on every subnet: a request to it from another subnet is for ours, an answer from it may come from any.
  const fromRemote = senderOf(msg).isManagementCanister() || (topology.route(senderOf(msg))?.equals(remote) ?? false);
  const receiverHost = receiverOf(msg).isManagementCanister() ? own : topology.route(receiverOf(msg));
  if (!fromRemote || receiverHost === undefined || !receiverHost.equals(own)) {
    // A sender the routing table does not place on `remote`, a receiver not
    // ours, or a best-effort response to a canister gone elsewhere: dropped.
    stats.dropped++;
    stream.pushAcceptSignal();
    return;
  }
  const error = router.push(msg, 'remoteSubnet');
  if (error === undefined) {
    stats.inducted++;
    stream.pushAcceptSignal();
  } else if (msg.kind === 'request') {
    stats.rejectSignals++;
    stream.pushRejectSignal(rejectReasonFromError(error));
  } else {
    stats.dropped++;
    stream.pushAcceptSignal();
  }
}
