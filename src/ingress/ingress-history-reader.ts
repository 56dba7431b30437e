/**
 * Reading the ingress history for users (`IngressHistoryReader`): the status
 * of a message id in the latest committed state, and the string the
 * certified tree shows for it (`received`, `processing`, `replied`,
 * `rejected`, `done`, `unknown`). A `Completed(reject)` reads as rejected
 * with CANISTER_REJECT and IC0406, as the HTTP interface reports it.
 */
import { ErrorCode, userError } from '../errors/index.ts';
import type { UserError } from '../errors/index.ts';
import type { IngressStatus, ReplicatedState } from '../state/index.ts';
import { statusString } from '../state/index.ts';

/** A terminal answer of an update call. */
export type IngressResult =
  | { readonly kind: 'replied'; readonly reply: Uint8Array }
  | { readonly kind: 'rejected'; readonly error: UserError };

/** The history of the latest committed state (see the module header). */
export class IngressHistoryReader {
  readonly #latest: () => ReplicatedState;

  /** @param latest returns the latest committed state (never state in flight). */
  constructor(latest: () => ReplicatedState) {
    this.#latest = latest;
  }

  /** The status of `messageId`, or `undefined` (unknown). */
  status(messageId: Uint8Array): IngressStatus | undefined {
    return this.#latest().metadata.ingressHistory.get(messageId);
  }

  /** The certified tree's status string. */
  statusString(messageId: Uint8Array): string {
    return statusString(this.status(messageId));
  }

  /** The answer, once the message is terminal (`done` has forgotten it: `undefined`). */
  result(messageId: Uint8Array): IngressResult | undefined {
    return resultOf(this.status(messageId));
  }
}

/** The answer a status holds, if it is terminal with a payload. */
export function resultOf(status: IngressStatus | undefined): IngressResult | undefined {
  const s = status?.state;
  if (s === undefined) return undefined;
  if (s.kind === 'completed') {
    return s.result.kind === 'reply'
      ? { kind: 'replied', reply: s.result.payload }
      : { kind: 'rejected', error: userError(ErrorCode.CanisterRejectedMessage, s.result.message) };
  }
  if (s.kind === 'failed') return { kind: 'rejected', error: s.error };
  return undefined;
}
