/**
 * Routing of canister output on a single subnet: the replica's stream
 * builder and the loopback stream's handler in one step
 * (`rs/messaging/src/routing/stream_builder.rs`, `stream_handler.rs`).
 *
 * At the end of a round every message left in an output queue (calls the
 * scheduler could not induct within the round, calls to and answers from
 * the management canister) is moved to its receiver's input queue
 * (`localSubnet`):
 *
 *     receiver                          where it goes
 *     aaaaa-aa or the subnet id         the subnet queues (management messages)
 *     a canister on this subnet         its input queue from the sender
 *     an id in the subnet's ranges      reject: DESTINATION_INVALID "Canister <id> not found"
 *     any other id                      reject: DESTINATION_INVALID "No route to canister <id>"
 *
 * A request that cannot be inducted gets a synthetic reject response in the
 * sender's input queue (its slot was reserved when the call was made), with
 * the attached cycles refunded and the replica's reason
 * (`generate_reject_response_for`): stopped / stopping receiver →
 * CANISTER_ERROR "Canister <id> is stopped|stopping"; full queue →
 * SYS_TRANSIENT "Canister <id> input queue is full"; no subnet memory →
 * CANISTER_ERROR "Cannot induct request. Out of memory: requested <n>". A
 * response that cannot be inducted is dropped (a late best-effort response
 * is dropped silently by the receiver anyway).
 *
 * Order: senders in canister-id order (the subnet queues last), each
 * sender's output queues in receiver-id order, each queue FIFO — so the
 * requests from A to B reach B in the order A made them.
 */
import { RejectCode } from '../errors/index.ts';
import type { RejectCode as RejectCodeT } from '../errors/index.ts';
import type { CanisterQueues, CanisterState, ReplicatedState, Request, RequestOrResponse, Response, StateError, SubnetMessageMemory } from '../state/index.ts';
import {
  MAX_RESPONSE_COUNT_BYTES, MR_SYNTHETIC_REJECT_MESSAGE_MAX_LEN, countBytes, newResponse, pushInput, rejectContext,
} from '../state/index.ts';
import type { CanisterId } from '../types/index.ts';
import { isInOwnRanges, isSubnetAddress, subnetAvailableGuaranteedResponseMemory } from '../scheduler/index.ts';

/** What {@link routeOutputs} did. */
export interface RoutingStats {
  /** Messages inducted into an input queue. */
  delivered: number;
  /** Requests answered with a synthetic reject. */
  rejected: number;
  /** Responses that could not be delivered. */
  dropped: number;
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

/** The reject code and message for a request that failed induction (`RejectReason`). */
export function rejectReasonOf(error: StateError, request: Request): { code: RejectCodeT; message: string } {
  const to = request.receiver.toText();
  switch (error.kind) {
    case 'CanisterNotFound': return { code: RejectCode.DestinationInvalid, message: `Canister ${to} not found` };
    case 'CanisterStopped': return { code: RejectCode.CanisterError, message: `Canister ${to} is stopped` };
    case 'CanisterStopping': return { code: RejectCode.CanisterError, message: `Canister ${to} is stopping` };
    case 'QueueFull': return { code: RejectCode.SysTransient, message: `Canister ${to} input queue is full` };
    case 'OutOfMemory': {
      const n = Math.max(countBytes(request), MAX_RESPONSE_COUNT_BYTES);
      return { code: RejectCode.CanisterError, message: `Cannot induct request. Out of memory: requested ${n}` };
    }
    case 'NonMatchingResponse': return { code: RejectCode.SysFatal, message: 'Inducting request failed due to an unknown error' };
  }
}

/** The deliverer shared by the end-of-round routing and the induction of rejects. */
export class LocalRouter {
  readonly #state: ReplicatedState;
  readonly #memory: SubnetMessageMemory;
  readonly stats: RoutingStats = { delivered: 0, rejected: 0, dropped: 0 };

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

  #push(msg: RequestOrResponse): StateError | undefined {
    const state = this.#state;
    const receiver = msg.kind === 'request' ? msg.receiver : msg.originator;
    if (isSubnetAddress(state, receiver)) {
      const r = state.subnetQueues.pushInput(msg, 'localSubnet');
      return r.ok ? undefined : r.error;
    }
    const canister = state.canisterMut(receiver);
    if (canister === undefined) return { kind: 'CanisterNotFound', canisterId: receiver };
    const r = pushInput(canister.systemState, msg, { subnetMemory: this.#memory, subnetType: state.metadata.ownSubnetType, inputQueueType: 'localSubnet' });
    return r.ok ? undefined : r.error;
  }
}

function drain(queues: CanisterQueues, route: (receiver: CanisterId, msg: RequestOrResponse) => void): void {
  for (const pair of queues.sortedPairs()) {
    for (let msg = queues.popOutput(pair.peer); msg !== undefined; msg = queues.popOutput(pair.peer)) route(pair.peer, msg);
  }
}

/**
 * Moves every output message of the subnet to its receiver (see the module
 * header). Call it once per round, after execution.
 */
export function routeOutputs(state: ReplicatedState): RoutingStats {
  const router = new LocalRouter(state);
  const route = (receiver: CanisterId, msg: RequestOrResponse): void => {
    if (msg.kind === 'request' && !isSubnetAddress(state, receiver) && !state.hasCanister(receiver) && !isInOwnRanges(state, receiver)) {
      router.rejectRequest(msg, RejectCode.DestinationInvalid, `No route to canister ${receiver.toText()}`);
      return;
    }
    router.deliver(msg);
  };
  for (const c of state.canisters()) {
    if (!c.systemState.queues.hasOutput()) continue;
    drain((state.canisterMut(c.canisterId) as CanisterState).systemState.queues, route);
  }
  if (state.subnetQueues.hasOutput()) drain(state.subnetQueues, route);
  return router.stats;
}
