/**
 * The full state hash: SHA-256 over a canonical encoding
 * (`canonical-encoder.ts`) of every field of the replicated state — each
 * canister's system, execution and scheduler state and its snapshots (memory
 * pages by their cached Merkle hash, `PageMap.contentHash`), its queues and call contexts,
 * the subnet queues, the XNet streams and the metadata with the ingress
 * history and the network topology.
 *
 *     stateHash = SHA-256(ds("ic-exec-state") ‖ metadata ‖ subnet queues ‖ streams ‖ (canister id ‖ canisterHash)* in id order)
 *
 * Order is canonical wherever the IC's semantics do not depend on it:
 * canisters, controllers, call contexts, callbacks, queue pairs, ingress
 * statuses and pruning times by id/key order; environment variables by
 * UTF-8 name. Where order is semantic it is kept: queue contents (FIFO),
 * the input schedules, stop contexts, log records, history, postponed
 * `raw_rand` calls. Left out, as
 * the replica's manifest leaves them out or they are identities: ids of
 * paused executions (a registry key), internal sequence numbers, empty queue
 * pairs (garbage collected at the end of a round), derived counters.
 *
 * This is ic-exec's hash for determinism checks (DESIGN.md "Proof, not
 * belief"), not the IC's per-round certified tree (that covers only time,
 * metadata, streams, certified data, module hashes, controllers and request
 * statuses; `execution_internals.md` §9).
 */
import { domainSeparated } from '../crypto/index.ts';
import type { PrincipalId } from '../types/index.ts';
import type { UserError } from '../errors/index.ts';
import type { WasmClosure, WasmResponse } from '../system-api/index.ts';
import { CanonicalEncoder } from './canonical-encoder.ts';
import type { CallContextManager, CallOrigin } from './call-context-manager.ts';
import type { CanisterQueues } from './canister-queues.ts';
import type { CanisterSnapshot } from './canister-snapshots.ts';
import type { ConsumedCycles, SubnetMetrics } from './cycles-metrics.ts';
import type { CanisterState } from './canister-state.ts';
import type { IngressHistoryState, IngressState, IngressStatus } from './ingress-history.ts';
import type { CanisterMessage, Payload } from './messages.ts';
import type { NetworkTopology } from './network-topology.ts';
import type { ReplicatedState, SystemMetadata } from './replicated-state.ts';
import type { Streams } from './streams.ts';
import type { SubnetCallContextManager } from './subnet-call-context-manager.ts';
import type { SystemState } from './system-state.ts';
import type { CanisterMessageOrTask, ExecutionTask } from './task-queue.ts';
import { compareUtf8 } from './text.ts';

type E = CanonicalEncoder;

const id = (e: E, p: PrincipalId): E => e.bytes(p.bytesView());
const closure = (e: E, c: WasmClosure): E => e.nat(c.fun).nat(c.env);
const userErr = (e: E, u: UserError): E => e.nat(u.code).str(u.description);
const wasmResult = (e: E, r: WasmResponse): E => (r.kind === 'reply' ? e.tag('reply').bytes(r.payload) : e.tag('reject').str(r.message));

function payload(e: E, p: Payload): void {
  if (p.kind === 'data') e.tag('data').bytes(p.data);
  else e.tag('reject').nat(p.reject.code).str(p.reject.message);
}

/** Encodes any message. */
export function encodeMessage(e: E, m: CanisterMessage): void {
  switch (m.kind) {
    case 'request':
      e.tag('request'); id(e, m.receiver); id(e, m.sender);
      e.nat(m.senderReplyCallback).nat(m.payment).str(m.methodName).bytes(m.methodPayload)
        .opt(m.metadata, (md) => e.nat(md.callTreeDepth).nat(md.callTreeStartTime)).nat(m.deadline);
      return;
    case 'response':
      e.tag('response'); id(e, m.originator); id(e, m.respondent);
      e.nat(m.originatorReplyCallback).nat(m.refund); payload(e, m.payload); e.nat(m.deadline);
      return;
    case 'ingress':
      e.tag('ingress'); id(e, m.source); id(e, m.receiver);
      e.opt(m.effectiveCanisterId, (c) => id(e, c)).str(m.methodName).bytes(m.methodPayload).bytes(m.messageId).nat(m.expiryTime);
  }
}

function messageOrTask(e: E, x: CanisterMessageOrTask): void {
  if (x.kind === 'task') e.tag('task').tag(x.task);
  else { e.tag('message'); encodeMessage(e, x.message); }
}

function executionTask(e: E, t: ExecutionTask): void {
  e.tag(t.kind);
  switch (t.kind) {
    case 'pausedExecution': messageOrTask(e, t.input); return;
    case 'abortedExecution': messageOrTask(e, t.input); e.nat(t.prepaidExecutionCycles); return;
    case 'abortedInstallCode': encodeMessage(e, t.message); e.nat(t.callId).nat(t.prepaidExecutionCycles); return;
    default:
  }
}

function callOrigin(e: E, o: CallOrigin): void {
  e.tag(o.kind);
  switch (o.kind) {
    case 'ingress': id(e, o.userId).bytes(o.messageId); return;
    case 'canisterUpdate': id(e, o.caller).nat(o.callbackId).nat(o.deadline); return;
    case 'query': id(e, o.userId); return;
    case 'canisterQuery': id(e, o.caller).nat(o.callbackId); return;
    case 'systemTask':
  }
}

function callContextManager(e: E, m: CallContextManager | undefined): void {
  e.opt(m, (ccm) => {
    e.nat(ccm.nextCallContextId).nat(ccm.nextCallbackId);
    e.list(ccm.callContexts(), ([cid, c]) => {
      e.nat(cid); callOrigin(e, c.callOrigin);
      e.bool(c.responded).bool(c.deleted).nat(c.availableCycles).nat(c.time)
        .nat(c.metadata.callTreeDepth).nat(c.metadata.callTreeStartTime).nat(c.instructionsExecuted);
    });
    e.list(ccm.callbacks(), ([cb, c]) => {
      e.nat(cb).nat(c.callContextId); id(e, c.originator); id(e, c.respondent);
      e.nat(c.cyclesSent).nat(c.prepaymentForResponseExecution).nat(c.prepaymentForResponseTransmission);
      closure(e, c.onReply); closure(e, c.onReject); e.opt(c.onCleanup, (x) => closure(e, x)).nat(c.deadline);
    });
    e.list(ccm.unexpiredCallbacks(), (cb) => e.nat(cb));
  });
}

/** Encodes a canister's (or the subnet's) queues. */
export function encodeQueues(e: E, q: CanisterQueues): void {
  e.list(q.ingressQueue.scheduled(), ([key, msgs]) => e.str(key).list(msgs, (m) => encodeMessage(e, m)));
  const pairs = q.sortedPairs().filter((p) => p.input.hasUsedSlots() || p.output.hasUsedSlots());
  e.list(pairs, (p) => {
    id(e, p.peer);
    e.nat(p.input.capacity).nat(p.input.reservedSlots()).list(p.input.items(), (i) => {
      if (i.kind === 'message') { e.tag('message'); encodeMessage(e, i.msg); } else e.tag(i.kind).nat(i.callbackId);
    });
    e.nat(p.output.capacity).nat(p.output.reservedSlots()).list(p.output.items(), (o) => { encodeMessage(e, o.msg); e.nat(o.expiresAt); });
  });
  const s = q.inputSchedule;
  e.tag(s.nextInputSource).list(s.local, (c) => id(e, c)).list(s.remote, (c) => id(e, c));
  e.nat(q.guaranteedResponseMemoryReservations);
}

function systemState(e: E, s: SystemState): void {
  e.tag('system_state'); id(e, s.canisterId);
  e.list(s.controllers, (c) => id(e, c));
  e.tag(s.status.kind);
  if (s.status.kind === 'stopping') {
    e.list(s.status.stopContexts, (c) => {
      e.tag(c.kind); id(e, c.sender).nat(c.time);
      if (c.kind === 'ingress') e.bytes(c.messageId);
      else e.nat(c.replyCallback).nat(c.cycles).nat(c.deadline);
    });
  }
  e.bytes(s.certifiedData).nat(s.balance).nat(s.ingressInductionCyclesDebit).nat(s.reservedBalance)
    .opt(s.reservedBalanceLimit, (x) => e.nat(x)).nat(s.freezeThreshold).nat(s.memoryAllocation).nat(s.computeAllocation)
    .opt(s.wasmMemoryLimit, (x) => e.nat(x)).nat(s.wasmMemoryThreshold);
  for (const v of [s.logVisibility, s.snapshotVisibility, s.statusVisibility]) {
    e.tag(v.kind);
    if (v.kind === 'allowedViewers') e.list(v.principals, (p) => id(e, p));
  }
  e.nat(s.minimumIncomingCanisterCallCycles).nat(s.logMemoryLimit);
  e.nat(s.globalTimer).nat(s.canisterVersion).nat(s.nextSnapshotId);
  e.list([...s.environmentVariables].sort((a, b) => compareUtf8(a[0], b[0])), ([k, v]) => e.str(k).str(v));
  encodeQueues(e, s.queues);
  callContextManager(e, s.callContextManager);
  const t = s.taskQueue;
  e.opt(t.pausedOrAborted, (x) => executionTask(e, x)).tag(t.hookStatus).list(t.roundTasks, (x) => executionTask(e, x));
  const log = s.canisterLog;
  e.nat(log.capacity).nat(log.nextIdx).list(log.records, (r) => e.nat(r.idx).nat(r.timestampNanos).bytes(r.content));
  e.list(s.wasmChunkStore.entries(), ([hash, chunk]) => e.bytes(hash).nat(BigInt(chunk.length)));
  consumedCycles(e, s.consumedCycles);
  const h = s.canisterHistory;
  e.nat(h.totalNumChanges).list(h.changes, (c) => {
    e.nat(c.timestampNanos).nat(c.canisterVersion).tag(c.origin.kind);
    if (c.origin.kind === 'fromUser') id(e, c.origin.userId);
    else { id(e, c.origin.canisterId); e.opt(c.origin.canisterVersion, (v) => e.nat(v)); }
    const d = c.details;
    e.tag(d.kind);
    if (d.kind === 'creation' || d.kind === 'controllersChange') e.list(d.controllers, (p) => id(e, p));
    else if (d.kind === 'codeDeployment') e.tag(d.mode).bytes(d.moduleHash);
    else if (d.kind === 'loadSnapshot') {
      e.nat(d.canisterVersion).bytes(d.snapshotId).nat(d.takenAtTimestamp).tag(d.source).opt(d.fromCanisterId, (c) => id(e, c));
    }
  });
}

/** Encodes a canister snapshot: memories by their page hashes, an installed module by its hash. */
function snapshot(e: E, x: CanisterSnapshot): void {
  e.bytes(x.id.bytes).tag(x.source).nat(x.takenAtTimestamp).nat(x.canisterVersion).nat(x.size);
  const m = x.module;
  if (m.kind === 'installed') e.tag('installed').str(m.compiled.hash);
  else e.tag('uploaded').nat(m.size).raw(m.pages.contentHash());
  e.list(x.globals, (g) => (typeof g.value === 'bigint' ? e.tag(g.kind).int(g.value) : e.tag(g.kind).f64(g.value)));
  e.nat(x.heap.sizePages).raw(x.heap.pages.contentHash()).nat(x.stable.sizePages).raw(x.stable.pages.contentHash());
  e.bytes(x.certifiedData).list(x.chunkStore.entries(), ([hash, chunk]) => e.bytes(hash).nat(BigInt(chunk.length)));
  e.opt(x.globalTimer, (t) => e.nat(t)).opt(x.onLowWasmMemoryHookStatus, (h) => e.tag(h));
}

/** The hash of one canister's whole state. */
export function canisterStateHash(c: CanisterState): Uint8Array {
  const e = new CanonicalEncoder();
  systemState(e, c.systemState);
  e.opt(c.executionState, (x) => {
    e.tag('execution_state').str(x.compiled.hash).raw(x.heap.contentHash()).nat(x.heapSizePages)
      .nat(x.stable.sizePages).raw(x.stable.pages.contentHash());
    e.list(x.globals, (g) => (typeof g === 'bigint' ? e.tag('i64').int(g) : e.tag('num').f64(g)));
  });
  const s = c.schedulerState;
  e.tag('scheduler_state').nat(s.lastFullExecutionRound).int(s.accumulatedPriority).int(s.priorityCredit)
    .tag(s.longExecutionMode).nat(s.heapDeltaDebit).nat(s.installCodeDebit).nat(s.timeOfLastAllocationCharge)
    .tag(s.nextScheduledMethod);
  e.tag('snapshots').list(c.snapshots.list(), (x) => snapshot(e, x));
  return domainSeparated('ic-exec-canister', e.bytesView());
}

function ingressState(e: E, s: IngressState): void {
  e.tag(s.kind);
  if (s.kind === 'completed') wasmResult(e, s.result);
  else if (s.kind === 'failed') userErr(e, s.error);
}

/**
 * Each status's encoding (`bytes(message id) ‖ receiver ‖ user ‖ time ‖
 * state`), kept per status object: statuses are immutable and replaced,
 * never changed, and the whole history is hashed again every round (the
 * batch log's state digest) while most of it stays the same — encoding
 * thousands of statuses anew each round was most of a busy round's time.
 */
const statusEncodings = new WeakMap<IngressStatus, { readonly mid: Uint8Array; readonly bytes: Uint8Array }>();

function statusEncoding(mid: Uint8Array, st: IngressStatus): Uint8Array {
  const cached = statusEncodings.get(st);
  if (cached !== undefined && cached.mid === mid) return cached.bytes;
  const e = new CanonicalEncoder(256);
  e.bytes(mid); id(e, st.receiver); id(e, st.userId); e.nat(st.time); ingressState(e, st.state);
  const bytes = e.bytesView().slice();
  statusEncodings.set(st, { mid, bytes });
  return bytes;
}

/** Encodes the ingress history. */
export function encodeIngressHistory(e: E, h: IngressHistoryState): void {
  e.list(h.statuses(), ([mid, st]) => e.raw(statusEncoding(mid, st)));
  e.list(h.pruningTimes(), ([t, ids]) => e.nat(t).list(ids, (m) => e.bytes(m)));
  e.nat(h.nextTerminalTime);
}

function metadata(e: E, m: SystemMetadata): void {
  e.tag('metadata'); id(e, m.ownSubnetId); e.tag(m.ownSubnetType).nat(m.batchTime).nat(m.height);
  encodeIngressHistory(e, m.ingressHistory);
  e.nat(m.generatedIdCounter).list(m.canisterAllocationRanges, (r) => { id(e, r.start); id(e, r.end); });
  e.opt(m.lastGeneratedCanisterId, (c) => id(e, c)).nat(m.heapDeltaEstimate);
  e.list([...m.expectedCompiledWasms].sort(), (h) => e.str(h));
  e.list(m.rawRandContexts, (c) => { encodeMessage(e, c.request); e.nat(c.executionRound).nat(c.time); });
  subnetCallContexts(e, m.subnetCallContextManager);
  subnetMetrics(e, m.subnetMetrics);
  topology(e, m.networkTopology);
}

function topology(e: E, t: NetworkTopology): void {
  e.tag('network_topology').list(t.subnets, (s) => {
    id(e, s.subnetId); e.tag(s.subnetType).nat(BigInt(s.size));
    e.list(s.ranges, (r) => { id(e, r.start); id(e, r.end); });
  });
}

/** Encodes the outgoing streams (remote subnet order; messages, signals in index order). */
function streams(e: E, s: Streams): void {
  e.tag('streams').list(s.entries(), ({ subnetId, stream }) => {
    id(e, subnetId); e.nat(stream.begin).nat(stream.signalsEnd);
    e.list(stream.rejectSignals, (r) => e.nat(r.index).tag(r.reason));
    e.list(stream.messages, (m) => encodeMessage(e, m));
  });
}

function subnetCallContexts(e: E, m: SubnetCallContextManager): void {
  e.tag('subnet_call_contexts').nat(m.nextCallbackId);
  e.list(m.canisterHttpRequestContexts, ([cb, c]) => {
    e.nat(cb); encodeMessage(e, c.request); e.str(c.url).opt(c.maxResponseBytes, (n) => e.nat(n));
    e.list(c.headers, (h) => e.str(h.name).str(h.value)).opt(c.body, (b) => e.bytes(b)).tag(c.method);
    e.opt(c.transform, (t) => e.str(t.methodName).bytes(t.context)).nat(c.time).bool(c.replicated).nat(c.pricingVersion);
  });
}

function consumedCycles(e: E, c: ConsumedCycles): void {
  e.list(c.entries(), ([useCase, amount]) => e.tag(useCase).nat(amount));
}

function subnetMetrics(e: E, m: SubnetMetrics): void {
  e.tag('subnet_metrics').nat(m.consumedCyclesByDeletedCanisters).nat(m.consumedCyclesHttpOutcalls).nat(m.consumedCyclesEcdsaOutcalls);
  consumedCycles(e, m.byUseCase);
  e.nat(m.numCanisters).nat(m.canisterStateBytes).nat(m.updateTransactionsTotal);
}

/**
 * The full state hash (see the module header). `canisterHash` gives each
 * canister's {@link canisterStateHash} (a caller may cache them per
 * `CanisterState` of a committed snapshot, which is never changed).
 */
export function stateHash(state: ReplicatedState, canisterHash: (c: CanisterState) => Uint8Array = canisterStateHash): Uint8Array {
  const e = new CanonicalEncoder();
  metadata(e, state.metadata);
  encodeQueues(e, state.subnetQueues);
  streams(e, state.streams);
  e.list(state.canisters(), (c) => { id(e, c.canisterId); e.raw(canisterHash(c)); });
  return domainSeparated('ic-exec-state', e.bytesView());
}
