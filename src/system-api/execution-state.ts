// The mutable state of one System API session that is not system state: the
// reply buffer and whether the call context has been answered (the replica's
// `response_data` and `ResponseStatus`), the call under construction, the
// cycles taken from the call context, `accept_message`, and memory usage as
// stable memory grows.
import type { ApiType } from './api-type.ts';
import type { RequestInPrep } from './request-in-prep.ts';

/** The answer an execution gave to its call context. */
export type WasmResponse =
  | { readonly kind: 'reply'; readonly payload: Uint8Array }
  | { readonly kind: 'reject'; readonly message: string };

/**
 * Whether the call context is answered: not yet, by an earlier execution
 * (a callback after the context was answered), or by this one.
 */
export type ResponseStatus = 'notReplied' | 'alreadyReplied' | 'justReplied';

/** Per-session mutable state; owned by `SystemApi`. */
export class ExecutionState {
  status: ResponseStatus;
  response: WasmResponse | undefined = undefined;
  /** Bytes appended with `msg_reply_data_append`, in order. */
  replyChunks: Uint8Array[] = [];
  replySize = 0;
  /** The call between `call_new` and `call_perform`. */
  outgoing: RequestInPrep | undefined = undefined;
  /** Cycles accepted from the call context so far. */
  cyclesAccepted = 0n;
  /** `accept_message` was called (inspect message). */
  messageAccepted = false;
  /** Canister memory usage in bytes, growing with stable memory. */
  memoryUsage: bigint;

  /** @param initialMemoryUsage bytes in use when the execution starts. */
  constructor(api: ApiType, initialMemoryUsage: bigint) {
    const replied = 'replied' in api && api.replied;
    this.status = replied ? 'alreadyReplied' : 'notReplied';
    this.memoryUsage = initialMemoryUsage;
  }

  /** The reply buffer as one array. */
  replyPayload(): Uint8Array {
    const out = new Uint8Array(this.replySize);
    let at = 0;
    for (const c of this.replyChunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}
