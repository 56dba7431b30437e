// The entries and results of `CanisterQueues` (see `canister-queues.ts`).
import type { CanisterId } from '../types/index.ts';
import type { CanisterQueue } from './canister-queue.ts';
import type { CallbackId, Ingress, Request, RequestOrResponse, Response } from './messages.ts';
import type { StateError } from './state-error.ts';

/** An input-queue entry: a message, or a compact reject for a callback (`CanisterInput`). */
export type InputItem =
  | { readonly kind: 'message'; readonly msg: RequestOrResponse; readonly seq: bigint }
  | { readonly kind: 'deadlineExpired' | 'responseDropped'; readonly callbackId: CallbackId; readonly seq: bigint };
/** An output-queue entry with the deadline at which it expires (0: never). */
export interface OutputItem { readonly msg: RequestOrResponse; readonly expiresAt: bigint; readonly seq: bigint }
/** The queue pair shared with one peer canister. */
export interface QueuePair { readonly peer: CanisterId; readonly input: CanisterQueue<InputItem>; readonly output: CanisterQueue<OutputItem> }

/** What `popInput` yields. */
export type CanisterInput = Ingress | Request | Response
  | { readonly kind: 'deadlineExpired' | 'responseDropped'; readonly callbackId: CallbackId };

/** Outcome of `pushInput`: queued, silently dropped (late best-effort response), or refused. */
export type PushInputResult = { readonly ok: true; readonly dropped: boolean } | { readonly ok: false; readonly error: StateError };

/** Cycles carried by a dropped message, owed to `recipient`. */
export interface Refund { readonly recipient: CanisterId; readonly amount: bigint }

/** What `timeOutMessages` did. */
export interface TimeOutResult { readonly timedOut: number; readonly rejectResponses: readonly Response[]; readonly refunds: readonly Refund[] }

