/**
 * `CallContextManager` (the replica's name, after
 * `rs/replicated_state/src/canister_state/system_state/call_context_manager.rs`
 * and `Callback` in `rs/types/types/src/methods.rs`): the call contexts of a
 * canister's incoming calls and the callbacks of its outgoing calls.
 *
 * Ids count up from 1 (`next_call_context_id += 1; id = next`), and so do
 * callback ids; `nextCallbackId` is the last id given, which is what an
 * execution's `SandboxSafeSystemState` counts on from (`lastCallbackId`).
 * Maps iterate in id order (the replica's `MutableIntMap`), i.e. in order of
 * creation.
 *
 * `onCanisterResult` decides what an execution's outcome means for its call
 * context — the replica's table, keyed by (result, responded before,
 * outstanding calls after unregistering the callback just executed):
 *
 *     result          responded  outstanding  action              context
 *     none / error    no         yes          NotYetResponded     kept
 *     none / error    yes        yes          AlreadyResponded    kept
 *     none / error    yes        no           AlreadyResponded    closed
 *     none            no         no           NoResponse{refund}  closed   (→ IC0506 "did not reply")
 *     reply / reject  no         no           Reply/Reject        closed
 *     reply / reject  no         yes          Reply/Reject        kept, marked responded
 *     error           no         no           Fail{error,refund}  closed
 *     reply / reject  yes        any          InternalBug (the System API traps a second answer)
 *
 * The refund is the context's unaccepted cycles; answering takes them all.
 */
import type { HypervisorError, UserError } from '../errors/index.ts';
import { ErrorCode, InternalBug, userError } from '../errors/index.ts';
import type { CanisterId, PrincipalId, Time } from '../types/index.ts';
import type { WasmClosure, WasmResponse } from '../system-api/index.ts';
import type { CallbackId, CallContextId, RequestMetadata } from './messages.ts';
import { NO_DEADLINE, coarseFloor } from './messages.ts';

/** Who made the call a context answers (`CallOrigin`). */
export type CallOrigin =
  | { readonly kind: 'ingress'; readonly userId: PrincipalId; readonly messageId: Uint8Array }
  | { readonly kind: 'canisterUpdate'; readonly caller: CanisterId; readonly callbackId: CallbackId; readonly deadline: bigint }
  | { readonly kind: 'query'; readonly userId: PrincipalId }
  | { readonly kind: 'canisterQuery'; readonly caller: CanisterId; readonly callbackId: CallbackId }
  /** Heartbeat, global timer, on-low-Wasm-memory: the caller is the management canister, no answer expected. */
  | { readonly kind: 'systemTask' };

/** An incoming call's context (immutable; the manager replaces it on change). */
export interface CallContext {
  readonly callOrigin: CallOrigin;
  /** Answered already (it may stay open for outstanding calls). */
  readonly responded: boolean;
  /** Deleted by uninstall: its callbacks will not run. */
  readonly deleted: boolean;
  /** Cycles the caller attached that the canister has not accepted. */
  readonly availableCycles: bigint;
  /** Batch time when it was created. */
  readonly time: Time;
  readonly metadata: RequestMetadata;
  /** Instructions executed in this context so far (`performance_counter` type 1). */
  readonly instructionsExecuted: bigint;
}

/** An outgoing call waiting for its response (`Callback`). */
export interface Callback {
  readonly callContextId: CallContextId;
  readonly originator: CanisterId;
  readonly respondent: CanisterId;
  readonly cyclesSent: bigint;
  readonly prepaymentForResponseExecution: bigint;
  readonly prepaymentForResponseTransmission: bigint;
  readonly onReply: WasmClosure;
  readonly onReject: WasmClosure;
  readonly onCleanup?: WasmClosure;
  /** {@link NO_DEADLINE} for guaranteed-response calls. */
  readonly deadline: bigint;
}

/** What the caller of `onCanisterResult` must do (`CallContextAction`). */
export type CallContextAction =
  | { readonly kind: 'reply'; readonly payload: Uint8Array; readonly refund: bigint }
  | { readonly kind: 'reject'; readonly payload: string; readonly refund: bigint }
  | { readonly kind: 'noResponse'; readonly refund: bigint }
  | { readonly kind: 'fail'; readonly error: HypervisorError; readonly refund: bigint }
  | { readonly kind: 'notYetResponded' }
  | { readonly kind: 'alreadyResponded' };

/** An execution's outcome as `onCanisterResult` needs it: an error, or success with or without an answer. */
export interface CanisterResult {
  readonly error?: HypervisorError;
  readonly response?: WasmResponse;
}

/** The error of a call context closed without an answer (IC0506). */
export function canisterDidNotReplyError(canisterId: CanisterId): UserError {
  return userError(ErrorCode.CanisterDidNotReply, `Canister ${canisterId.toText()} did not reply to the call`);
}

/** What a checkpoint keeps of a {@link CallContextManager} (src/state/checkpoint). */
export interface CallContextManagerCheckpoint {
  readonly nextCallContextId: bigint;
  readonly nextCallbackId: bigint;
  /** In the map's order (id order). */
  readonly callContexts: readonly (readonly [CallContextId, CallContext])[];
  readonly callbacks: readonly (readonly [CallbackId, Callback])[];
  readonly unexpiredCallbacks: readonly CallbackId[];
}

const byId = <T>(m: Map<bigint, T>): [bigint, T][] => [...m].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));

/** The call contexts and callbacks of one canister (see the module header). */
export class CallContextManager {
  #nextCallContextId = 0n;
  #nextCallbackId = 0n;
  #callContexts = new Map<CallContextId, CallContext>();
  #callbacks = new Map<CallbackId, Callback>();
  /** Best-effort callbacks not yet expired. */
  #unexpired = new Set<CallbackId>();
  /** Callbacks per call context (derived from `#callbacks`). */
  #outstanding = new Map<CallContextId, number>();

  /** The manager as a checkpoint keeps it. */
  toCheckpoint(): CallContextManagerCheckpoint {
    return {
      nextCallContextId: this.#nextCallContextId, nextCallbackId: this.#nextCallbackId,
      callContexts: [...this.#callContexts], callbacks: [...this.#callbacks], unexpiredCallbacks: [...this.#unexpired],
    };
  }

  /** The manager a checkpoint kept (outstanding calls per context follow from the callbacks). */
  static fromCheckpoint(c: CallContextManagerCheckpoint): CallContextManager {
    const m = new CallContextManager();
    m.#nextCallContextId = c.nextCallContextId;
    m.#nextCallbackId = c.nextCallbackId;
    m.#callContexts = new Map(c.callContexts);
    m.#callbacks = new Map(c.callbacks);
    m.#unexpired = new Set(c.unexpiredCallbacks);
    for (const cb of m.#callbacks.values()) m.#outstanding.set(cb.callContextId, m.outstandingCalls(cb.callContextId) + 1);
    return m;
  }

  clone(): CallContextManager {
    const m = new CallContextManager();
    m.#nextCallContextId = this.#nextCallContextId;
    m.#nextCallbackId = this.#nextCallbackId;
    m.#callContexts = new Map(this.#callContexts);
    m.#callbacks = new Map(this.#callbacks);
    m.#unexpired = new Set(this.#unexpired);
    m.#outstanding = new Map(this.#outstanding);
    return m;
  }

  /** The last call context id given (0: none yet). */
  get nextCallContextId(): bigint { return this.#nextCallContextId; }
  /** The last callback id given (0: none yet); new ones count up from it. */
  get nextCallbackId(): bigint { return this.#nextCallbackId; }

  /** Opens a call context for a new incoming call or task; returns its id. */
  newCallContext(callOrigin: CallOrigin, cycles: bigint, time: Time, metadata: RequestMetadata): CallContextId {
    const id = ++this.#nextCallContextId;
    this.#callContexts.set(id, Object.freeze({ callOrigin, responded: false, deleted: false, availableCycles: cycles, time, metadata, instructionsExecuted: 0n }));
    return id;
  }

  callContext(id: CallContextId): CallContext | undefined { return this.#callContexts.get(id); }
  callback(id: CallbackId): Callback | undefined { return this.#callbacks.get(id); }
  /** Call contexts in id order. */
  callContexts(): [CallContextId, CallContext][] { return byId(this.#callContexts); }
  /** Callbacks in id order. */
  callbacks(): [CallbackId, Callback][] { return byId(this.#callbacks); }
  /** The callbacks of one call context, in id order. */
  callbacksOf(callContextId: CallContextId): [CallbackId, Callback][] {
    return this.callbacks().filter(([, cb]) => cb.callContextId === callContextId);
  }
  /** Outstanding calls of a call context. */
  outstandingCalls(callContextId: CallContextId): number { return this.#outstanding.get(callContextId) ?? 0; }
  /** Best-effort callback ids not yet expired, ascending. */
  unexpiredCallbacks(): CallbackId[] { return [...this.#unexpired].sort((a, b) => (a < b ? -1 : 1)); }

  /**
   * Takes `cycles` the canister accepted out of the context.
   * @returns an error text if there is no such context or not that many cycles.
   */
  withdrawCycles(id: CallContextId, cycles: bigint): string | undefined {
    const ctx = this.#callContexts.get(id);
    if (ctx === undefined) return 'Canister accepted cycles from invalid call context';
    if (ctx.availableCycles < cycles) return 'Canister accepted more cycles than available from call context';
    this.#callContexts.set(id, Object.freeze({ ...ctx, availableCycles: ctx.availableCycles - cycles }));
    return undefined;
  }

  /** Registers a callback for an outgoing call; returns its id (the last id + 1). */
  registerCallback(callback: Callback): CallbackId {
    const id = ++this.#nextCallbackId;
    this.#callbacks.set(id, Object.freeze({ ...callback }));
    if (callback.deadline !== NO_DEADLINE) this.#unexpired.add(id);
    this.#outstanding.set(callback.callContextId, this.outstandingCalls(callback.callContextId) + 1);
    return id;
  }

  /** Removes and returns a callback (its response arrived). */
  unregisterCallback(id: CallbackId): Callback | undefined {
    const cb = this.#callbacks.get(id);
    if (cb === undefined) return undefined;
    this.#callbacks.delete(id);
    this.#unexpired.delete(id);
    const n = this.outstandingCalls(cb.callContextId) - 1;
    if (n > 0) this.#outstanding.set(cb.callContextId, n);
    else this.#outstanding.delete(cb.callContextId);
    return cb;
  }

  /**
   * Applies an execution's outcome to its call context (the table in the
   * module header), unregistering `callbackId` first if given.
   * @returns the action to take, and the context if it is now closed.
   * @throws {InternalBug} for an unknown context or a second answer.
   */
  onCanisterResult(
    callContextId: CallContextId, callbackId: CallbackId | undefined, result: CanisterResult, instructionsUsed = 0n,
  ): { action: CallContextAction; closed?: CallContext } {
    if (callbackId !== undefined) this.unregisterCallback(callbackId);
    const outstanding = this.outstandingCalls(callContextId) > 0;
    const old = this.#callContexts.get(callContextId);
    if (old === undefined) throw new InternalBug(`no call context with ID=${callContextId}`);
    const ctx: CallContext = Object.freeze({ ...old, instructionsExecuted: old.instructionsExecuted + instructionsUsed });
    const keep = (c: CallContext): void => { this.#callContexts.set(callContextId, c); };
    const close = (): CallContext => { this.#callContexts.delete(callContextId); return ctx; };
    const refund = ctx.availableCycles;
    const answered = Object.freeze({ ...ctx, responded: true, availableCycles: 0n });
    const response = result.error === undefined ? result.response : undefined;
    if (response === undefined) {
      if (outstanding) {
        keep(ctx);
        return { action: ctx.responded ? { kind: 'alreadyResponded' } : { kind: 'notYetResponded' } };
      }
      if (ctx.responded) return { action: { kind: 'alreadyResponded' }, closed: close() };
      const closed = close();
      return result.error === undefined
        ? { action: { kind: 'noResponse', refund }, closed }
        : { action: { kind: 'fail', error: result.error, refund }, closed };
    }
    if (ctx.responded) throw new InternalBug(`Canister replied twice on the same request, call_context_id = ${callContextId}`);
    const action: CallContextAction = response.kind === 'reply'
      ? { kind: 'reply', payload: response.payload, refund }
      : { kind: 'reject', payload: response.message, refund };
    if (outstanding) {
      keep(answered);
      return { action };
    }
    return { action, closed: close() };
  }

  /** Adds instructions to a context without other changes (a DTS slice of a paused execution). */
  addInstructions(callContextId: CallContextId, instructions: bigint): void {
    const ctx = this.#callContexts.get(callContextId);
    if (ctx !== undefined) this.#callContexts.set(callContextId, Object.freeze({ ...ctx, instructionsExecuted: ctx.instructionsExecuted + instructions }));
  }

  /**
   * Marks every context deleted and answered, calling `reject` for those not
   * yet answered (uninstall); their callbacks stay until the responses arrive.
   */
  deleteAllCallContexts<R>(reject: (ctx: CallContext) => R | undefined): R[] {
    const out: R[] = [];
    for (const [id, ctx] of this.callContexts()) {
      if (!ctx.responded) {
        const r = reject(ctx);
        if (r !== undefined) out.push(r);
      }
      this.#callContexts.set(id, Object.freeze({ ...ctx, responded: true, availableCycles: ctx.responded ? ctx.availableCycles : 0n, deleted: true }));
    }
    return out;
  }

  /** Whether a best-effort callback not yet expired has a deadline before `now` (rounded down to the second). */
  hasExpiredCallbacks(now: bigint): boolean {
    const cutoff = coarseFloor(now);
    for (const id of this.#unexpired) if ((this.#callbacks.get(id) as Callback).deadline < cutoff) return true;
    return false;
  }

  /** Expires (once) and returns the best-effort callbacks with deadline before `now`, in (deadline, id) order. */
  expireCallbacks(now: bigint): CallbackId[] {
    const cutoff = coarseFloor(now);
    const expired = [...this.#unexpired]
      .map((id) => [(this.#callbacks.get(id) as Callback).deadline, id] as const)
      .filter(([d]) => d < cutoff)
      .sort((a, b) => (a[0] !== b[0] ? (a[0] < b[0] ? -1 : 1) : a[1] < b[1] ? -1 : 1))
      .map(([, id]) => id);
    for (const id of expired) this.#unexpired.delete(id);
    return expired;
  }

  /** Contexts at least `age` old at `now`, not deleted, oldest first (`call_contexts_older_than`). */
  callContextsOlderThan(now: bigint, age: bigint): CallContext[] {
    return this.callContexts().map(([, c]) => c).filter((c) => c.time + age <= now && !c.deleted);
  }

  /** Unanswered contexts of canister update calls (each holds an output-queue slot). */
  unrespondedCanisterUpdateCallContexts(): number {
    return this.callContexts().filter(([, c]) => !c.responded && c.callOrigin.kind === 'canisterUpdate').length;
  }

  /** Whether nothing is outstanding (a stopping canister may stop). */
  isEmpty(): boolean {
    return this.#callContexts.size === 0 && this.#callbacks.size === 0;
  }
}
