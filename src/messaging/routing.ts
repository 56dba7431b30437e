/**
 * Routing of canister output at the end of a round: the replica's stream
 * builder (`rs/messaging/src/routing/stream_builder.rs`), with the loopback
 * stream's handler folded in — a message to a canister of this subnet is
 * inducted at once instead of through the loopback stream.
 *
 * Every message left in an output queue (calls the scheduler could not
 * induct within the round, calls to and answers from the management
 * canister, everything for other subnets) goes where the network topology
 * routes its receiver:
 *
 *     receiver                          where it goes
 *     aaaaa-aa, about a canister of     the stream to that subnet, whose management
 *       another subnet                    canister answers (the replica's
 *                                         `resolve_destination`: methods naming a
 *                                         canister go where it lives; creation,
 *                                         randomness, outcalls, keys stay here)
 *     aaaaa-aa or this subnet's id      the subnet queues (management messages)
 *     a canister on this subnet         its input queue from the sender
 *     an id in this subnet's ranges     reject: DESTINATION_INVALID "Canister <id> not found"
 *     another subnet (a canister in     the stream to that subnet (XNet); the
 *       its ranges, or its id)            stream handler there inducts it
 *     any other id                      reject: DESTINATION_INVALID "No route to canister <id>"
 *
 * A stream at its limit (10,000 messages or 10 MiB; a stream to a system
 * subnet at 200 messages) takes nothing more: the rest of that output queue
 * waits for a later round. A request over 2 MiB for another subnet is
 * rejected (CANISTER_ERROR "Canister <sender> violated contract: …"); a
 * response over it becomes such a reject.
 *
 * A request that cannot be inducted here gets a synthetic reject response
 * in the sender's input queue (its slot was reserved when the call was
 * made), with the attached cycles refunded and the replica's reason
 * (`generate_reject_response_for`, {@link rejectReasonText}). A response
 * that cannot be delivered is dropped (a late best-effort response is
 * dropped silently by the receiver anyway).
 *
 * Order: senders in canister-id order (the subnet queues last), each
 * sender's output queues in receiver-id order, each queue FIFO — so the
 * requests from A to B reach B, or B's stream, in the order A made them.
 */
import {
  MAX_INTER_CANISTER_PAYLOAD_IN_BYTES, MAX_STREAM_MESSAGES, SYSTEM_SUBNET_STREAM_MSG_LIMIT, TARGET_STREAM_SIZE_BYTES,
} from '../config/index.ts';
import { RejectCode } from '../errors/index.ts';
import type { RejectCode as RejectCodeT } from '../errors/index.ts';
import type {
  CanisterQueues, CanisterState, InputQueueType, RejectReason, ReplicatedState, Request, RequestOrResponse, Response, StateError, Stream,
  SubnetMessageMemory,
} from '../state/index.ts';
import {
  MAX_REJECT_MESSAGE_LEN_BYTES, MAX_RESPONSE_COUNT_BYTES, MR_SYNTHETIC_REJECT_MESSAGE_MAX_LEN, countBytes, newResponse, payloadSizeBytes, pushInput,
  rejectContext,
} from '../state/index.ts';
import type { CanisterId, SubnetId } from '../types/index.ts';
import { isSubnetAddress, subnetAvailableGuaranteedResponseMemory } from '../scheduler/index.ts';
import { targetCanisterOf } from './ic00.ts';

/** Management methods the caller's own subnet answers, whatever their argument names (`resolve_destination`). */
const ON_OWN_SUBNET: ReadonlySet<string> = new Set([
  'create_canister', 'provisional_create_canister_with_cycles', 'raw_rand', 'http_request', 'ecdsa_public_key', 'sign_with_ecdsa',
  'schnorr_public_key', 'sign_with_schnorr', 'vetkd_public_key', 'vetkd_derive_key', 'subnet_info', 'node_metrics_history',
  'setup_initial_dkg', 'reshare_chain_key', 'compute_initial_i_dkg_dealings', 'list_canisters',
]);

/**
 * The subnet whose management canister answers a canister's request to
 * `aaaaa-aa`: the one hosting the canister its argument names, else this one
 * (which then answers as for any canister it does not have).
 */
export function managementDestination(state: ReplicatedState, request: Request): SubnetId {
  const own = state.metadata.ownSubnetId;
  if (ON_OWN_SUBNET.has(request.methodName) || request.methodName.startsWith('bitcoin_')) return own;
  let target: CanisterId | undefined;
  try {
    target = targetCanisterOf(request.methodName, request.methodPayload);
  } catch {
    return own;
  }
  return (target === undefined ? undefined : state.metadata.networkTopology.route(target)) ?? own;
}

/** What {@link routeOutputs} did. */
export interface RoutingStats {
  /** Messages inducted into an input queue. */
  delivered: number;
  /** Requests answered with a synthetic reject. */
  rejected: number;
  /** Responses that could not be delivered. */
  dropped: number;
  /** Messages put into streams to other subnets. */
  streamed: number;
}

/** The synthetic reject response for `request` (`generate_reject_response`). */
export function rejectResponseFor(request: Request, code: RejectCodeT, message: string): Response {
  return newResponse({
    originator: request.sender,
    respondent: request.receiver,
    originatorReplyCallback: request.senderReplyCallback,
    refund: request.payment,
    payload: { kind: 'reject', reject: rejectContext(code, message, MR_SYNTHETIC_REJECT_MESSAGE_MAX_LEN) },
    deadline: request.deadline,
  });
}

/** Why a request failed induction, from the state's error (`RejectReason`). */
export function rejectReasonFromError(error: StateError): RejectReason {
  switch (error.kind) {
    case 'CanisterNotFound': return 'CanisterNotFound';
    case 'CanisterStopped': return 'CanisterStopped';
    case 'CanisterStopping': return 'CanisterStopping';
    case 'QueueFull': return 'QueueFull';
    case 'OutOfMemory': return 'OutOfMemory';
    default: return 'Unknown';
  }
}

/** The reject code and message the replica answers a request with that was not inducted for `reason` (`generate_reject_response_for`). */
export function rejectReasonText(reason: RejectReason, request: Request): { code: RejectCodeT; message: string } {
  const to = request.receiver.toText();
  switch (reason) {
    case 'CanisterMigrating': return { code: RejectCode.SysTransient, message: `Canister ${to} is migrating` };
    case 'CanisterNotFound': return { code: RejectCode.DestinationInvalid, message: `Canister ${to} not found` };
    case 'CanisterStopped': return { code: RejectCode.CanisterError, message: `Canister ${to} is stopped` };
    case 'CanisterStopping': return { code: RejectCode.CanisterError, message: `Canister ${to} is stopping` };
    case 'QueueFull': return { code: RejectCode.SysTransient, message: `Canister ${to} input queue is full` };
    case 'OutOfMemory': {
      const n = Math.max(countBytes(request), MAX_RESPONSE_COUNT_BYTES);
      return { code: RejectCode.CanisterError, message: `Cannot induct request. Out of memory: requested ${n}` };
    }
    case 'Unknown': return { code: RejectCode.SysFatal, message: 'Inducting request failed due to an unknown error' };
  }
}

/** The reject code and message for a request that failed induction with `error`. */
export function rejectReasonOf(error: StateError, request: Request): { code: RejectCodeT; message: string } {
  return rejectReasonText(rejectReasonFromError(error), request);
}

/** The deliverer shared by the end-of-round routing and the induction of rejects. */
export class LocalRouter {
  readonly #state: ReplicatedState;
  readonly #memory: SubnetMessageMemory;
  readonly stats: RoutingStats = { delivered: 0, rejected: 0, dropped: 0, streamed: 0 };

  constructor(state: ReplicatedState, memory: SubnetMessageMemory = subnetAvailableGuaranteedResponseMemory(state)) {
    this.#state = state;
    this.#memory = memory;
  }

  /** Pushes `msg` into its receiver's input queue; a request that fails comes back to its sender as a reject. */
  deliver(msg: RequestOrResponse): void {
    const error = this.#push(msg);
    if (error === undefined) {
      this.stats.delivered++;
      return;
    }
    if (msg.kind === 'response') {
      this.stats.dropped++;
      return;
    }
    const { code, message } = rejectReasonOf(error, msg);
    this.rejectRequest(msg, code, message);
  }

  /** Answers `request` with a synthetic reject in its sender's input queue. */
  rejectRequest(request: Request, code: RejectCodeT, message: string): void {
    this.stats.rejected++;
    if (this.#push(rejectResponseFor(request, code, message)) !== undefined) this.stats.dropped++;
  }

  /** Pushes `msg` into its receiver's input queue of `type` (no reject, no stats). */
  push(msg: RequestOrResponse, type: InputQueueType): StateError | undefined {
    return this.#push(msg, type);
  }

  #push(msg: RequestOrResponse, type: InputQueueType = 'localSubnet'): StateError | undefined {
    const state = this.#state;
    const receiver = msg.kind === 'request' ? msg.receiver : msg.originator;
    if (isSubnetAddress(state, receiver)) {
      const r = state.subnetQueues.pushInput(msg, type);
      return r.ok ? undefined : r.error;
    }
    const canister = state.canisterMut(receiver);
    if (canister === undefined) return { kind: 'CanisterNotFound', canisterId: receiver };
    const r = pushInput(canister.systemState, msg, { subnetMemory: this.#memory, subnetType: state.metadata.ownSubnetType, inputQueueType: type });
    return r.ok ? undefined : r.error;
  }
}

/** Whether `stream` takes no more messages (`is_at_limit`). */
function atLimit(stream: Stream | undefined, toSystemSubnet: boolean): boolean {
  if (stream === undefined) return false;
  return stream.length >= MAX_STREAM_MESSAGES || stream.sizeBytes >= TARGET_STREAM_SIZE_BYTES
    || (toSystemSubnet && stream.length >= 2 * SYSTEM_SUBNET_STREAM_MSG_LIMIT);
}

const LIMIT = Number(MAX_INTER_CANISTER_PAYLOAD_IN_BYTES);
const contractViolation = (sender: CanisterId, size: number): string =>
  `Canister ${sender.toText()} violated contract: attempted to send a message of size ${size} exceeding the limit ${LIMIT}`;

/** A response too large for a stream, made a reject (data) or cut (a reject's message). */
function boundedResponse(r: Response): Response {
  if (payloadSizeBytes(r) <= LIMIT) return r;
  const reject = r.payload.kind === 'data'
    ? rejectContext(RejectCode.CanisterError, contractViolation(r.respondent, payloadSizeBytes(r)))
    : rejectContext(r.payload.reject.code, r.payload.reject.message, MAX_REJECT_MESSAGE_LEN_BYTES);
  return { ...r, payload: { kind: 'reject', reject } };
}

/**
 * Moves every output message of the subnet to its receiver or into the
 * stream to its subnet (see the module header). Call it once per round,
 * after execution.
 */
export function routeOutputs(state: ReplicatedState): RoutingStats {
  const router = new LocalRouter(state);
  const own = state.metadata.ownSubnetId;
  const topology = state.metadata.networkTopology;
  const destination = (receiver: CanisterId, msg: RequestOrResponse): SubnetId | undefined => {
    if (msg.kind === 'request' && receiver.isManagementCanister()) return managementDestination(state, msg);
    return isSubnetAddress(state, receiver) || state.hasCanister(receiver) ? own : topology.route(receiver);
  };
  // Routes the head of a queue; false: the stream is full, leave the rest of the queue.
  const route = (queues: CanisterQueues, receiver: CanisterId, msg: RequestOrResponse): boolean => {
    const dest = destination(receiver, msg);
    if (dest !== undefined && !dest.equals(own)) {
      const stream = state.streams.get(dest);
      if (atLimit(stream, topology.subnet(dest)?.subnetType === 'system')) return false;
      queues.popOutput(receiver);
      if (msg.kind === 'request' && payloadSizeBytes(msg) > LIMIT) {
        router.rejectRequest(msg, RejectCode.CanisterError, contractViolation(msg.sender, payloadSizeBytes(msg)));
        return true;
      }
      (stream ?? state.streams.getOrCreate(dest)).push(msg.kind === 'response' ? boundedResponse(msg) : msg);
      router.stats.streamed++;
      return true;
    }
    queues.popOutput(receiver);
    if (dest === undefined) {
      if (msg.kind === 'request') router.rejectRequest(msg, RejectCode.DestinationInvalid, `No route to canister ${receiver.toText()}`);
      else router.stats.dropped++;
      return true;
    }
    router.deliver(msg);
    return true;
  };
  const drain = (queues: CanisterQueues): void => {
    for (const pair of queues.sortedPairs()) {
      for (let msg = queues.peekOutput(pair.peer); msg !== undefined; msg = queues.peekOutput(pair.peer)) {
        if (!route(queues, pair.peer, msg)) break;
      }
    }
  };
  for (const c of state.canisters()) {
    if (!c.systemState.queues.hasOutput()) continue;
    drain((state.canisterMut(c.canisterId) as CanisterState).systemState.queues);
  }
  if (state.subnetQueues.hasOutput()) drain(state.subnetQueues);
  return router.stats;
}
