// `ApiType`: the execution context of one System API session — which entry
// point runs and the data the system hands it — after the replica's
// `ApiType` (`rs/embedders/src/wasmtime_embedder/system_api.rs`).
//
// Differences from the replica, on purpose:
// - Mutable per-execution state (reply buffer, call under construction,
//   `accept_message` flag) lives in `SystemApi`, not in the context.
// - The call context's remaining cycles (`call_context_balance`) and deadline,
//   which the replica reads from the canister's call context, are carried
//   here as `incomingCycles`/`availableCycles` and `deadline`.
// - There is no transform-query (`TQ`) context: the replica runs HTTP-outcall
//   transforms as non-replicated queries, and so do we.
import type { Cycles, PrincipalId, Time } from '../types/index.ts';
import { MANAGEMENT_CANISTER_ID } from '../types/index.ts';

/** The reject codes a canister can observe (interface spec, "Reject codes"). */
export type RejectCode = 1 | 2 | 3 | 4 | 5 | 6;

/** The system task a `systemTask` context runs. */
export type SystemTask = 'heartbeat' | 'globalTimer' | 'onLowWasmMemory';

interface WithTime { readonly time: Time }
interface WithCaller { readonly caller: PrincipalId }
interface WithArg { readonly arg: Uint8Array }
/** A context with a call context that may be answered and may make calls. */
interface WithCallContext {
  readonly callContextId: bigint;
  /** The call context's bounded-wait deadline, nanoseconds since the epoch; 0 for guaranteed-response calls. */
  readonly deadline?: Time;
}
interface Callback extends WithTime, WithCaller, WithCallContext {
  /** Cycles refunded with the response (already credited to the balance). */
  readonly refundedCycles: Cycles;
  /** Cycles still available in the original call context (0 once it was answered). */
  readonly availableCycles: Cycles;
  /** Whether an earlier execution already answered the call context. */
  readonly replied: boolean;
  /** Instructions executed so far in this call context (for `performance_counter` type 1). */
  readonly callContextInstructionsExecuted: bigint;
}
interface ReplyCallback extends Callback { readonly reply: Uint8Array }
interface RejectCallback extends Callback { readonly rejectCode: RejectCode; readonly rejectMessage: string }
interface Cleanup extends WithTime, WithCaller { readonly callContextInstructionsExecuted: bigint }

/**
 * The execution context of a System API session. `time` is on every variant
 * but `start` (where `ic0.time` traps; its optional time only stamps log records).
 */
export type ApiType =
  | { readonly kind: 'start'; readonly time?: Time }
  /** `canister_init` and `canister_post_upgrade` (one replica mode: `init`). */
  | ({ readonly kind: 'init' } & WithTime & WithCaller & WithArg)
  | ({ readonly kind: 'preUpgrade' } & WithTime & WithCaller)
  | ({ readonly kind: 'update'; readonly incomingCycles: Cycles } & WithTime & WithCaller & WithArg & WithCallContext)
  | ({ readonly kind: 'replicatedQuery'; readonly incomingCycles?: Cycles } & WithTime & WithCaller & WithArg & WithCallContext)
  | ({ readonly kind: 'nonReplicatedQuery'; readonly dataCertificate?: Uint8Array; readonly deadline?: Time } & WithTime & WithCaller & WithArg)
  | ({ readonly kind: 'compositeQuery'; readonly dataCertificate?: Uint8Array } & WithTime & WithCaller & WithArg & WithCallContext)
  | ({ readonly kind: 'replyCallback' } & ReplyCallback)
  | ({ readonly kind: 'rejectCallback' } & RejectCallback)
  | ({ readonly kind: 'compositeReplyCallback' } & ReplyCallback)
  | ({ readonly kind: 'compositeRejectCallback' } & RejectCallback)
  | ({ readonly kind: 'cleanup' } & Cleanup)
  | ({ readonly kind: 'compositeCleanup' } & Cleanup)
  | ({ readonly kind: 'inspectMessage'; readonly methodName: string } & WithTime & WithCaller & WithArg)
  | ({ readonly kind: 'systemTask'; readonly task: SystemTask; readonly callContextId: bigint } & WithTime);

/** The kind tag of an {@link ApiType}. */
export type ApiTypeKind = ApiType['kind'];

/** Every context kind, in the order of the replica's `ApiType`. */
export const API_TYPE_KINDS: readonly ApiTypeKind[] = Object.freeze([
  'start', 'init', 'preUpgrade', 'update', 'replicatedQuery', 'nonReplicatedQuery', 'compositeQuery',
  'replyCallback', 'compositeReplyCallback', 'rejectCallback', 'compositeRejectCallback',
  'cleanup', 'compositeCleanup', 'inspectMessage', 'systemTask',
]);

const MODE_NAMES: Readonly<Record<Exclude<ApiTypeKind, 'systemTask'>, string>> = {
  start: 'start',
  init: 'init',
  preUpgrade: 'pre upgrade',
  update: 'update',
  replicatedQuery: 'replicated query',
  nonReplicatedQuery: 'non replicated query',
  compositeQuery: 'composite query',
  replyCallback: 'reply callback',
  compositeReplyCallback: 'composite reply callback',
  rejectCallback: 'reject callback',
  compositeRejectCallback: 'composite reject callback',
  cleanup: 'cleanup',
  compositeCleanup: 'composite cleanup',
  inspectMessage: 'inspect message',
};

const TASK_MODE_NAMES: Readonly<Record<SystemTask, string>> = {
  heartbeat: 'heartbeat',
  globalTimer: 'global timer',
  onLowWasmMemory: 'on low Wasm memory',
};

/**
 * The replica's name for the context (`ApiType::as_str`), as it appears in
 * `"ic0_<fn>" cannot be executed in <mode> mode`.
 * @example modeName({ kind: 'nonReplicatedQuery', … }) === 'non replicated query'
 */
export function modeName(api: ApiType): string {
  return api.kind === 'systemTask' ? TASK_MODE_NAMES[api.task] : MODE_NAMES[api.kind];
}

/**
 * Whether the context runs in replicated mode (`ApiType::execution_mode`):
 * everything but non-replicated and composite queries, their callbacks and
 * cleanups, and `inspect_message`.
 */
export function isReplicated(api: ApiType): boolean {
  switch (api.kind) {
    case 'nonReplicatedQuery':
    case 'compositeQuery':
    case 'compositeReplyCallback':
    case 'compositeRejectCallback':
    case 'compositeCleanup':
    case 'inspectMessage':
      return false;
    default:
      return true;
  }
}

/** The caller the context exposes (`msg_caller_*`); `undefined` in `start`. System tasks see the management canister. */
export function callerOf(api: ApiType): PrincipalId | undefined {
  switch (api.kind) {
    case 'start':
      return undefined;
    case 'systemTask':
      return MANAGEMENT_CANISTER_ID;
    default:
      return api.caller;
  }
}

/** The time the context exposes (`ic0.time`); 0 in `start`. */
export function timeOf(api: ApiType): bigint {
  return api.time ?? 0n;
}

/** Which stable-memory page limit applies (`SystemApiImpl::get_page_limit`). */
export function pageLimitClass(api: ApiType): 'message' | 'upgrade' | 'query' {
  switch (api.kind) {
    case 'init':
    case 'preUpgrade':
      return 'upgrade';
    case 'nonReplicatedQuery':
    case 'replicatedQuery':
    case 'compositeQuery':
    case 'inspectMessage':
    case 'compositeReplyCallback':
    case 'compositeRejectCallback':
    case 'compositeCleanup':
      return 'query';
    default:
      return 'message';
  }
}
