// The outcome of a message for the harness: the last execution's result and
// what the call context's caller sees (a reply, a reject, an error, or
// nothing yet because the context waits for responses).
import type { ExecutionResult } from '../../src/hypervisor/index.ts';
import { ErrorCode, toUserError, userError } from '../../src/errors/index.ts';
import type { UserError } from '../../src/errors/index.ts';
import type { CallContext, TestCanister } from './test-canister.ts';

/** A message's outcome once an execution finished. */
export interface MessageOutcome {
  readonly kind: 'finished';
  /** The last execution's result. */
  readonly result: ExecutionResult;
  readonly reply?: Uint8Array;
  readonly reject?: { readonly code: number; readonly message: string };
  readonly error?: UserError;
  /** No answer yet: the call context waits for responses. */
  readonly pending: boolean;
}

/** A step of a sliced message. */
export type SliceOutcome = MessageOutcome | { readonly kind: 'paused'; readonly sliceInstructions: bigint };

/** The outcome of a finished execution for its call context. */
export function outcome(c: TestCanister, result: ExecutionResult, ctx: CallContext | undefined): MessageOutcome {
  const base = { kind: 'finished' as const, result };
  if (result.error !== undefined) {
    const error = toUserError(result.error, c.id);
    if (ctx !== undefined && ctx.outstanding === 0 && !ctx.replied) {
      ctx.replied = true;
      ctx.answer = { reject: { code: 5, message: error.description }, error };
    }
    return { ...base, error, pending: ctx !== undefined && !ctx.replied };
  }
  const r = result.response;
  if (r?.kind === 'reply') return { ...base, reply: r.payload, pending: false };
  if (r?.kind === 'reject') return { ...base, reject: { code: 4, message: r.message }, pending: false };
  if (ctx !== undefined && !ctx.replied && ctx.outstanding === 0 && ctx.origin.kind !== 'system') {
    const error = userError(ErrorCode.CanisterDidNotReply, `Canister ${c.id.toText()} did not reply to the call`);
    ctx.replied = true;
    ctx.answer = { reject: { code: 5, message: error.description }, error };
    return { ...base, error, pending: false };
  }
  return { ...base, pending: ctx !== undefined && !ctx.replied && ctx.origin.kind !== 'system' };
}
