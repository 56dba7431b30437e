/**
 * Codecs of a canister's system state: queues, call contexts, task queue,
 * log, history, chunk store, and the `SystemState` itself — each class
 * through its `toCheckpoint()` / `fromCheckpoint()` pair, so private fields
 * and internal counters (sequence numbers, reservations, id counters)
 * come back exactly.
 */
import type { CanisterHistoryCheckpoint, CanisterChange, CanisterLogCheckpoint } from '../canister-history.ts';
import { CanisterHistory, CanisterLog } from '../canister-history.ts';
import type { CanisterQueueCheckpoint, IngressQueueCheckpoint } from '../canister-queue.ts';
import { CanisterQueue, IngressQueue } from '../canister-queue.ts';
import type { CanisterQueuesCheckpoint } from '../canister-queues.ts';
import { CanisterQueues } from '../canister-queues.ts';
import type { CallContext, CallContextManagerCheckpoint, CallOrigin, Callback } from '../call-context-manager.ts';
import { CallContextManager } from '../call-context-manager.ts';
import type { InputScheduleCheckpoint, InputSource } from '../input-schedule.ts';
import { InputSchedule } from '../input-schedule.ts';
import type { InputItem, OutputItem, QueuePair } from '../queue-types.ts';
import type { CanisterStatus, LogVisibility, StopCanisterContext, SystemStateCheckpoint } from '../system-state.ts';
import { SystemState } from '../system-state.ts';
import type { CanisterMessageOrTask, CanisterTask, ExecutionTask, OnLowWasmMemoryHookStatus, TaskQueueCheckpoint } from '../task-queue.ts';
import { TaskQueue } from '../task-queue.ts';
import { WasmChunkStore } from '../wasm-chunk-store.ts';
import type { CanisterLogRecord } from '../../system-api/index.ts';
import {
  bool, bytes, formatError, list, literal, mapped, nat, natAs, opt, optional, pair, small, str, struct, variant,
} from './codec.ts';
import type { Codec } from './codec.ts';
import { consumedCycles } from './cycles-metrics.ts';
import { canisterCall, canisterId, canisterMessage, closure, ingress, principal, requestMetadata, requestOrResponse } from './messages.ts';
import type { DecodeReader, EncodeWriter } from './objects.ts';

type C<T> = Codec<T, EncodeWriter, DecodeReader>;

/** A value the checkpoint cannot hold (encoding refuses the state; see `encodeState`). */
export class CheckpointRefusal extends Error {
  override readonly name = 'CheckpointRefusal';
}

function refused<T>(why: string): Codec<T> {
  return { enc: () => { throw new CheckpointRefusal(why); }, dec: () => formatError(why) };
}

// ---- queues -------------------------------------------------------------

const inputItem: Codec<InputItem> = variant<InputItem>({
  message: { msg: requestOrResponse, seq: nat },
  deadlineExpired: { callbackId: nat, seq: nat },
  responseDropped: { callbackId: nat, seq: nat },
});
const outputItem: Codec<OutputItem> = struct<OutputItem>({ msg: requestOrResponse, expiresAt: nat, seq: nat });

function canisterQueue<T>(item: Codec<T>): Codec<CanisterQueue<T>> {
  const data = struct<CanisterQueueCheckpoint<T>>({
    capacity: small, slots: list(struct<{ item: T; response: boolean }>({ item, response: bool })), reservedSlots: small,
  });
  return mapped(data, (q: CanisterQueue<T>) => q.toCheckpoint(), (c) => CanisterQueue.fromCheckpoint(c));
}

const ingressQueue: Codec<IngressQueue> = mapped(
  struct<IngressQueueCheckpoint>({ queues: list(pair(str, list(ingress))) }),
  (q: IngressQueue) => q.toCheckpoint(), (c) => IngressQueue.fromCheckpoint(c),
);

const INPUT_SOURCES: Record<InputSource, true> = { localSubnet: true, ingress: true, remoteSubnet: true };
const inputSchedule: Codec<InputSchedule> = mapped(
  struct<InputScheduleCheckpoint>({ nextInputSource: literal(INPUT_SOURCES), local: list(canisterId), remote: list(canisterId) }),
  (s: InputSchedule) => s.toCheckpoint(), (c) => InputSchedule.fromCheckpoint(c),
);

const queuePair: Codec<QueuePair> = struct<QueuePair>({ peer: canisterId, input: canisterQueue(inputItem), output: canisterQueue(outputItem) });

/** A canister's queues, or the subnet's. */
export const canisterQueues: Codec<CanisterQueues> = mapped(
  struct<CanisterQueuesCheckpoint>({
    ingress: ingressQueue, pairs: list(queuePair), schedule: inputSchedule, reservations: small,
    callbacksWithEnqueuedResponse: list(nat), seq: nat,
  }),
  (q: CanisterQueues) => q.toCheckpoint(), (c) => CanisterQueues.fromCheckpoint(c),
);

// ---- call contexts ----------------------------------------------------------

const callOrigin: Codec<CallOrigin> = variant<CallOrigin>({
  ingress: { userId: principal, messageId: bytes },
  canisterUpdate: { caller: canisterId, callbackId: nat, deadline: nat },
  query: { userId: principal },
  canisterQuery: { caller: canisterId, callbackId: nat },
  systemTask: {},
});
const callContext: Codec<CallContext> = struct<CallContext>({
  callOrigin, responded: bool, deleted: bool, availableCycles: nat, time: natAs(), metadata: requestMetadata, instructionsExecuted: nat,
}, { freeze: true });
const callback: Codec<Callback> = struct<Callback>({
  callContextId: nat, originator: canisterId, respondent: canisterId, cyclesSent: nat, prepaymentForResponseExecution: nat,
  prepaymentForResponseTransmission: nat, onReply: closure, onReject: closure, onCleanup: optional(closure), deadline: nat,
}, { freeze: true });
const callContextManager: Codec<CallContextManager> = mapped(
  struct<CallContextManagerCheckpoint>({
    nextCallContextId: nat, nextCallbackId: nat, callContexts: list(pair(nat, callContext)), callbacks: list(pair(nat, callback)),
    unexpiredCallbacks: list(nat),
  }),
  (m: CallContextManager) => m.toCheckpoint(), (c) => CallContextManager.fromCheckpoint(c),
);

// ---- task queue, log, history -------------------------------------------

const TASKS: Record<CanisterTask, true> = { heartbeat: true, globalTimer: true, onLowWasmMemory: true };
export const HOOK_STATUSES: Record<OnLowWasmMemoryHookStatus, true> = { conditionNotSatisfied: true, ready: true, executed: true };
const messageOrTask: Codec<CanisterMessageOrTask> = variant<CanisterMessageOrTask>({ message: { message: canisterMessage }, task: { task: literal(TASKS) } });
const PAUSED = 'a paused execution (its id names a live Wasm execution, not state): checkpoint the state of a requiresFullStateHash batch';
const executionTask: Codec<ExecutionTask> = variant<ExecutionTask>({
  heartbeat: {}, globalTimer: {}, onLowWasmMemory: {},
  pausedExecution: { id: refused(PAUSED), input: messageOrTask },
  pausedInstallCode: { id: refused(PAUSED) },
  abortedExecution: { input: messageOrTask, prepaidExecutionCycles: nat },
  abortedInstallCode: { message: canisterCall, callId: nat, prepaidExecutionCycles: nat },
});
const taskQueue: Codec<TaskQueue> = mapped(
  struct<TaskQueueCheckpoint>({ pausedOrAborted: opt(executionTask), hookStatus: literal(HOOK_STATUSES), queue: list(executionTask) }),
  (t: TaskQueue) => t.toCheckpoint(), (c) => TaskQueue.fromCheckpoint(c),
);

const logRecord: Codec<CanisterLogRecord> = struct<CanisterLogRecord>({ idx: nat, timestampNanos: nat, content: bytes });
const canisterLog: Codec<CanisterLog> = mapped(
  struct<CanisterLogCheckpoint>({ capacity: small, records: list(logRecord), nextIdx: nat }),
  (l: CanisterLog) => l.toCheckpoint(), (c) => CanisterLog.fromCheckpoint(c),
);

const change: Codec<CanisterChange> = struct<CanisterChange>({
  timestampNanos: nat, canisterVersion: nat,
  origin: variant<CanisterChange['origin']>({
    fromUser: { userId: principal }, fromCanister: { canisterId, canisterVersion: optional(nat) },
  }),
  details: variant<CanisterChange['details']>({
    creation: { controllers: list(principal) },
    codeUninstall: {},
    codeDeployment: { mode: literal({ install: true, reinstall: true, upgrade: true }), moduleHash: bytes },
    controllersChange: { controllers: list(principal) },
    loadSnapshot: {
      canisterVersion: nat, snapshotId: bytes, takenAtTimestamp: nat, source: literal({ takenFromCanister: true, metadataUpload: true }),
      fromCanisterId: optional(canisterId),
    },
  }),
});
const canisterHistory: Codec<CanisterHistory> = mapped(
  struct<CanisterHistoryCheckpoint>({ changes: list(change), totalNumChanges: nat }),
  (h: CanisterHistory) => h.toCheckpoint(), (c) => CanisterHistory.fromCheckpoint(c),
);

/** A chunk store: the chunks' hashes; the chunks go to the object store as blobs. */
export const wasmChunkStore: C<WasmChunkStore> = {
  enc: (w, s) => {
    const chunks = s.toCheckpoint().chunks;
    w.nat(chunks.length);
    for (const [hash, chunk] of chunks) w.blob(hash, chunk);
  },
  dec: (r) => {
    const n = r.small(r.remaining);
    const chunks: [Uint8Array, Uint8Array][] = [];
    for (let i = 0; i < n; i++) {
      const { hash, bytes: chunk } = r.blob('chunk');
      chunks.push([hash, chunk]);
    }
    return WasmChunkStore.fromCheckpoint({ chunks });
  },
};

// ---- the system state -----------------------------------------------------

const stopContext: Codec<StopCanisterContext> = variant<StopCanisterContext>({
  ingress: { sender: principal, messageId: bytes, time: natAs() },
  canister: { sender: canisterId, replyCallback: nat, cycles: nat, deadline: nat, time: natAs() },
});
const status: Codec<CanisterStatus> = variant<CanisterStatus>({ running: {}, stopping: { stopContexts: list(stopContext) }, stopped: {} });
const visibility: Codec<LogVisibility> = variant<LogVisibility>({ controllers: {}, public: {}, allowedViewers: { principals: list(principal) } });

/** A canister's system state, every field. */
export const systemState: C<SystemState> = mapped(
  struct<SystemStateCheckpoint, EncodeWriter, DecodeReader>({
    canisterId, controllers: list(principal), status, certifiedData: bytes, cyclesBalance: nat, ingressInductionCyclesDebit: nat,
    reservedBalance: nat, reservedBalanceLimit: opt(nat), freezeThreshold: nat, memoryAllocation: nat, computeAllocation: nat,
    wasmMemoryLimit: opt(nat), wasmMemoryThreshold: nat, logVisibility: visibility, snapshotVisibility: visibility,
    statusVisibility: visibility, minimumIncomingCanisterCallCycles: nat, globalTimer: nat, canisterVersion: nat, nextSnapshotId: nat,
    environmentVariables: list(pair(str, str)), queues: canisterQueues, callContextManager, taskQueue, log: canisterLog,
    history: canisterHistory, wasmChunkStore, consumedCycles,
  }),
  (s: SystemState) => s.toCheckpoint(), (c) => SystemState.fromCheckpoint(c),
);
