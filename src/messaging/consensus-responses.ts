/**
 * Induction of a batch's consensus responses (the replica's consensus queue,
 * drained at the start of the round by `execute_subnet_message` on a
 * `Response`): each names a subnet call context by its callback id.
 *
 *     context found        removed from the state; a response to the calling
 *                          canister goes into the subnet's output queue:
 *                          the payload as given (an `http_request_result`
 *                          reply, or the reject code and message), with the
 *                          cycles left in the context's request as refund
 *     no such context      dropped (already answered, or never made)
 *
 * In batch order. The response is routed to the canister at the end of the
 * round, like every answer of the management canister.
 */
import type { ConsensusResponse } from '../consensus/index.ts';
import type { RejectCode } from '../errors/index.ts';
import type { Payload, ReplicatedState } from '../state/index.ts';
import { newResponse, rejectContext } from '../state/index.ts';

/** What {@link inductConsensusResponses} did. */
export interface ConsensusResponseStats {
  /** Answers delivered to their context's caller. */
  answered: number;
  /** Answers with no open context. */
  dropped: number;
}

function payloadOf(r: ConsensusResponse): Payload {
  if (r.payload.kind === 'data') return { kind: 'data', data: r.payload.data };
  return { kind: 'reject', reject: rejectContext(r.payload.reject.code as RejectCode, r.payload.reject.message) };
}

/** Answers the contexts `responses` name (see the module header). */
export function inductConsensusResponses(state: ReplicatedState, responses: readonly ConsensusResponse[]): ConsensusResponseStats {
  const stats: ConsensusResponseStats = { answered: 0, dropped: 0 };
  const contexts = state.metadata.subnetCallContextManager;
  for (const r of responses) {
    const found = contexts.retrieveContext(r.callbackId);
    if (found === undefined) { stats.dropped++; continue; }
    const request = found.context.request;
    state.subnetQueues.pushOutputResponse(newResponse({
      originator: request.sender, respondent: request.receiver, originatorReplyCallback: request.senderReplyCallback,
      refund: request.payment, deadline: request.deadline, payload: payloadOf(r),
    }));
    stats.answered++;
  }
  return stats;
}
