// Answering a management call: an ingress message gets its status in the
// ingress history; a canister's request gets a response in the subnet's
// output queue (a reject carries the bare description, without the `IC0xxx: `
// prefix, as the replica's `RejectContext::from(UserError)`: the caller sees
// the reject code only), with the attached cycles not used.
import { INGRESS_HISTORY_MEMORY_CAPACITY } from '../config/index.ts';
import { rejectCodeOf } from '../errors/index.ts';
import type { UserError } from '../errors/index.ts';
import type { RoundContext } from '../execution/index.ts';
import type { Ingress, ReplicatedState, Request } from '../state/index.ts';
import { newResponse, rejectContext } from '../state/index.ts';
import type { CanisterReject } from './types.ts';

/** The answer of a finished management call. */
export type ManagementAnswer =
  | { readonly kind: 'reply'; readonly reply: Uint8Array; readonly cyclesUsed?: bigint }
  | { readonly kind: 'reject'; readonly error: UserError; readonly cyclesUsed?: bigint; readonly canisterReject?: CanisterReject };

/** Answers `message` (see the module header); `payment − cyclesUsed` goes back to a calling canister. */
export function answerManagementCall(state: ReplicatedState, round: RoundContext, message: Ingress | Request, answer: ManagementAnswer): void {
  const now = state.time;
  if (message.kind === 'ingress') {
    round.ingressHistory.setStatus(message.messageId, {
      receiver: message.receiver, userId: message.source, time: now,
      state: answer.kind === 'reply'
        ? { kind: 'completed', result: { kind: 'reply', payload: answer.reply } }
        : { kind: 'failed', error: answer.error },
    }, now, INGRESS_HISTORY_MEMORY_CAPACITY);
    return;
  }
  const used = answer.cyclesUsed ?? 0n;
  state.subnetQueues.pushOutputResponse(newResponse({
    originator: message.sender, respondent: message.receiver, originatorReplyCallback: message.senderReplyCallback,
    refund: message.payment > used ? message.payment - used : 0n, deadline: message.deadline,
    payload: answer.kind === 'reply'
      ? { kind: 'data', data: answer.reply }
      : { kind: 'reject', reject: answer.canisterReject === undefined
        ? rejectContext(rejectCodeOf(answer.error.code), answer.error.description)
        : rejectContext(answer.canisterReject.code, answer.canisterReject.message) },
  }));
}
