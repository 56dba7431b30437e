// Public face of src/state: the replicated state. `PageMap` is the canonical
// representation of canister memory (heap and stable, 4 KiB pages, versioned
// and shared between versions); `ExecutionState` is the Wasm side of a
// canister's state; `SystemState` the system's side (queues, call contexts,
// balances, settings, task queue); `ReplicatedState` holds every canister and
// the `SystemMetadata` (ingress history, id allocation); `stateHash` is the
// full canonical hash used for determinism checks.
export { PageMap, PAGE_BYTES, isZeroPage } from './page-map.ts';
export type { PageDelta } from './page-map.ts';
export {
  StoredPage, PageStoreError, PAGE_KEY_KIND, DEFAULT_PAGE_CACHE_PAGES, pageHash, pageKey, setPageCacheCapacity, pageCacheStats, clearPageCache,
} from './page-store.ts';
export type { PageStore } from './page-store.ts';
export { evictPages, inMemoryPageCount, pageMapsOf } from './page-eviction.ts';
export type { EvictionSummary } from './page-eviction.ts';
export {
  EMPTY_STABLE, exportedMethods, exportsFunction, dataSegmentsHeap, newExecutionState, applyExecutionDelta,
} from './execution-state.ts';
export type { ExecutionState, GlobalValue, StableState, NewStateOptions } from './execution-state.ts';

export {
  NO_DEADLINE, MAX_RESPONSE_COUNT_BYTES, MAX_REJECT_MESSAGE_LEN_BYTES, MR_SYNTHETIC_REJECT_MESSAGE_MAX_LEN,
  coarseFloor, rejectContext, newRequest, newResponse, newIngress, senderOf, receiverOf, cyclesOf, isBestEffort,
  payloadSizeBytes, countBytes, ingressCountBytes, memoryRequiredToPushRequest, timeoutResponse,
} from './messages.ts';
export type {
  CallbackId, CallContextId, RejectContext, Payload, RequestMetadata, Request, Response, RequestOrResponse, Ingress, CanisterMessage,
} from './messages.ts';
export { formatStateError } from './state-error.ts';
export type { StateError } from './state-error.ts';

export { CanisterQueues, DEFAULT_QUEUE_CAPACITY, REQUEST_LIFETIME_NANOS } from './canister-queues.ts';
export type { CanisterInput, PushInputResult, Refund, TimeOutResult } from './canister-queues.ts';
export type { CanisterOutputQueuesIterator } from './output-iterator.ts';
export type { InputQueueType, InputSource } from './input-schedule.ts';

export { CallContextManager, canisterDidNotReplyError } from './call-context-manager.ts';
export type { CallContext, CallOrigin, Callback, CallContextAction, CanisterResult } from './call-context-manager.ts';

export { TaskQueue, isLowWasmMemoryHookConditionSatisfied } from './task-queue.ts';
export type { CanisterTask, CanisterMessageOrTask, CanisterCall, ExecutionTask, OnLowWasmMemoryHookStatus } from './task-queue.ts';
export { CanisterLog, CanisterHistory, MAX_CANISTER_HISTORY_CHANGES } from './canister-history.ts';
export type { CanisterChange, CanisterChangeOrigin, CanisterChangeDetails } from './canister-history.ts';

export { SystemState, principalSet } from './system-state.ts';
export type { CanisterStatus, StopCanisterContext, LogVisibility, CyclesUseCase, NewSystemStateOptions } from './system-state.ts';
export { ConsumedCycles, SubnetMetrics, consumedCyclesTotal } from './cycles-metrics.ts';
export type { ExecutionEnvironmentInfo, ApplyOptions, AppliedModifications } from './system-state-changes.ts';
export {
  pushInput, pushIngress, popInput, inductMessagesToSelf, timeOutMessages, timeOutCallbacks, pushOutputResponse,
} from './system-state-messages.ts';
export type { SubnetMessageMemory, PushInputOptions } from './system-state-messages.ts';
export { newSchedulerState } from './scheduler-state.ts';
export type { SchedulerState, LongExecutionMode, NextScheduledMethod } from './scheduler-state.ts';
export { CanisterState } from './canister-state.ts';
export {
  CanisterSnapshots, snapshotId, parseSnapshotId, snapshotIdText, snapshotModuleBytes, snapshotModuleSize, snapshotSize, memoryBytes,
  snapshotFromCanister, snapshotSizeOfCanister, readPageBytes, writePageBytes, SNAPSHOT_GLOBAL_BYTES,
} from './canister-snapshots.ts';
export type { CanisterSnapshot, SnapshotGlobal, SnapshotId, SnapshotMemory, SnapshotModule, SnapshotSource } from './canister-snapshots.ts';
export { WasmChunkStore, CHUNK_SIZE } from './wasm-chunk-store.ts';
export type { ChunkValidation } from './wasm-chunk-store.ts';

export { IngressHistoryState, isValidTransition, statusString, ingressPayloadBytes } from './ingress-history.ts';
export type { IngressState, IngressStatus } from './ingress-history.ts';
export { ReplicatedState, SystemMetadata } from './replicated-state.ts';
export { NetworkTopology } from './network-topology.ts';
export type { SubnetTopology } from './network-topology.ts';
export { Stream, Streams } from './streams.ts';
export type { RejectReason, RejectSignal, StreamHeader, StreamSlice } from './streams.ts';
export type { CanisterIdRange, RawRandContext } from './replicated-state.ts';
export { SubnetCallContextManager } from './subnet-call-context-manager.ts';
export type {
  CanisterHttpHeader, CanisterHttpMethod, CanisterHttpRequestContext, CanisterHttpTransform,
} from './subnet-call-context-manager.ts';
export { stateHash, canisterStateHash } from './state-hash.ts';
export {
  encodeState, decodeState, CHECKPOINT_VERSION, OBJECT_KIND, OBJECT_KEY_BYTES, objectKey, objectReferences, objectMatchesKey, compilerOf,
} from './checkpoint/index.ts';
export type { EncodeStateResult, DecodeStateResult, PageSink, PageSource, ModuleCompiler } from './checkpoint/index.ts';
