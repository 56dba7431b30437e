// Test helpers of the checkpoint codec: an in-memory object store, a
// compiler over a compile cache, and a state with every kind of field set
// (every message kind in queues, call contexts with callbacks, stopping and
// stopped canisters, every ingress status, raw_rand and HTTP contexts, XNet streams and topology,
// timers, logs, history, env vars, snapshots, chunks, aborted tasks).
import { ErrorCode, RejectCode, userError } from '../../errors/index.ts';
import { CanisterId, PrincipalId, SubnetId, height, time } from '../../types/index.ts';
import { CompileCache } from '../../wasm/index.ts';
import type { CompiledModule } from '../../wasm/index.ts';
import { CanisterSnapshots, snapshotFromCanister, snapshotId, writePageBytes } from '../canister-snapshots.ts';
import type { CanisterSnapshot, SnapshotGlobal } from '../canister-snapshots.ts';
import { CanisterState } from '../canister-state.ts';
import { newExecutionState } from '../execution-state.ts';
import { newResponse, rejectContext } from '../messages.ts';
import { PAGE_BYTES, PageMap } from '../page-map.ts';
import { ReplicatedState } from '../replicated-state.ts';
import { newSchedulerState } from '../scheduler-state.ts';
import { SystemState } from '../system-state.ts';
import { sha256 } from '../../crypto/index.ts';
import { A, B, C, T0, SEC, USER, ingress, outgoing, reply, request } from '../test-support.ts';
import { compilerOf } from './objects.ts';
import type { ModuleCompiler, PageSink, PageSource } from './objects.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** A content-addressed store in a `Map` (both sides of the codec), counting what is written. */
export class MapStore implements PageSink, PageSource {
  readonly objects = new Map<string, Uint8Array>();
  puts = 0;
  putBytes = 0;
  has(key: Uint8Array): boolean { return this.objects.has(hex(key)); }
  put(key: Uint8Array, bytes: Uint8Array): void {
    this.objects.set(hex(key), Uint8Array.from(bytes));
    this.puts++;
    this.putBytes += bytes.length;
  }
  get(key: Uint8Array): Uint8Array | undefined { return this.objects.get(hex(key)); }
}

const cache = new CompileCache();
/** A compiler over one process-wide compile cache. */
export const compiler: ModuleCompiler = compilerOf((w) => cache.get(w));

/** A module with one memory page and a custom section (`n` varies its bytes, hence its hash). */
export function moduleBytes(n = 0): Uint8Array {
  const name = [...Buffer.from(`x${n}`)];
  return Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 5, 3, 1, 0, 1, 0, name.length + 2, name.length, ...name, n & 0x7f]);
}

export function compiled(n = 0): CompiledModule {
  const r = cache.get(moduleBytes(n));
  if (!r.ok) throw new Error(r.error.description);
  return r.compiled;
}

export const page = (fill: number): Uint8Array => new Uint8Array(PAGE_BYTES).fill(fill);

let distinctSeed = 1;
/** A page unlike every other this process made (one counter word every 256 bytes): benchmarks of memories of distinct pages. */
export function distinctPage(): Uint8Array {
  const p = new Uint8Array(PAGE_BYTES);
  const v = new Uint32Array(p.buffer);
  for (let i = 0; i < v.length; i += 64) v[i] = distinctSeed++;
  return p;
}

/** An empty application subnet with ids 0 to 2^20 (benchmarks). */
export const emptySubnet = (): ReplicatedState =>
  ReplicatedState.empty(SubnetId.fromUint8Array(Uint8Array.of(1)), 'application', [{ start: CanisterId.fromU64(0n), end: CanisterId.fromU64(1n << 20n) }]);
const md = { callTreeDepth: 1n, callTreeStartTime: time(T0) };
const SUBNET = SubnetId.fromUint8Array(Uint8Array.of(9, 9, 9));
const OTHER = PrincipalId.fromUint8Array(Uint8Array.of(7, 7));
const CAP = 1n << 40n;

function canisterA(): CanisterState {
  const sys = new SystemState({ canisterId: A, controllers: [USER, OTHER, A], cycles: 5_000_000_000n });
  Object.assign(sys, {
    certifiedData: Uint8Array.of(1, 2, 3), reservedBalanceLimit: 77n, memoryAllocation: 1n << 30n, computeAllocation: 3n,
    wasmMemoryLimit: 1n << 31n, wasmMemoryThreshold: 4096n, logVisibility: { kind: 'public' },
    snapshotVisibility: { kind: 'allowedViewers', principals: [USER, OTHER] }, statusVisibility: { kind: 'allowedViewers', principals: [] },
    minimumIncomingCanisterCallCycles: 12n, globalTimer: T0 + 9n * SEC, canisterVersion: 4n, nextSnapshotId: 2n,
  });
  sys.reserveCycles(1n);
  sys.addPostponedCharge(13n);
  for (const [k, v] of [['zeta', '1'], ['alpha', 'é']]) sys.environmentVariables.set(k, v);
  // Incoming: ingress (two effective ids), a request from B, a best-effort request from C.
  sys.queues.pushIngress(ingress(A, 1));
  sys.queues.pushIngress(ingress(A, 2, { effectiveCanisterId: B, methodName: 'two' }));
  sys.queues.pushInput(request(B, A, 5n, { metadata: md, payment: 10n }), 'localSubnet');
  sys.queues.pushInput(request(C, A, 6n, { deadline: T0 + 100n * SEC }), 'remoteSubnet');
  // Outgoing calls with callbacks (guaranteed, best-effort with cleanup), one answered, one timed out.
  const ctx = sys.newCallContext({ kind: 'ingress', userId: USER, messageId: new Uint8Array(32).fill(3) }, 50n, time(T0), md) as bigint;
  sys.newCallContext({ kind: 'canisterUpdate', caller: B, callbackId: 5n, deadline: 0n }, 10n, time(T0), md);
  sys.newCallContext({ kind: 'systemTask' }, 0n, time(T0), md);
  sys.newCallContext({ kind: 'canisterQuery', caller: C, callbackId: 1n }, 0n, time(T0), md);
  sys.newCallContext({ kind: 'query', userId: USER }, 0n, time(T0), md);
  sys.applyModifications({
    balanceChange: 0n, cyclesAccepted: 7n, cyclesBurned: 0n, cyclesMinted: 0n, requestFees: 0n, canisterLog: [],
    requests: [
      outgoing(B, 1n, ctx),
      outgoing(C, 2n, ctx, { deadline: T0 + 50n * SEC, onCleanup: { fun: 9, env: 10n }, cycles: 3n }),
      outgoing(B, 3n, ctx, { methodName: 'late' }),
    ],
  }, { time: time(T0), callContextId: ctx });
  sys.queues.pushInput(reply(request(A, B, 1n)), 'localSubnet');
  sys.queues.pushDeadlineExpired(2n, C, 'remoteSubnet');
  sys.queues.pushOutputResponse(newResponse({
    originator: B, respondent: A, originatorReplyCallback: 5n, refund: 4n,
    payload: { kind: 'reject', reject: rejectContext(RejectCode.CanisterReject, 'no') },
  }));
  sys.queues.popInput();
  sys.taskQueue.enqueue({ kind: 'abortedExecution', input: { kind: 'message', message: ingress(A, 9) }, prepaidExecutionCycles: 1234n });
  sys.taskQueue.enqueue({ kind: 'heartbeat' });
  sys.taskQueue.enqueue({ kind: 'globalTimer' });
  sys.taskQueue.updateHookCondition(true);
  sys.canisterLog.append([{ idx: 4n, timestampNanos: T0, content: Uint8Array.of(104, 105) }, { idx: 5n, timestampNanos: T0 + 1n, content: new Uint8Array(0) }]);
  sys.addCanisterChange(T0, { kind: 'fromUser', userId: USER }, { kind: 'creation', controllers: [USER] });
  sys.addCanisterChange(T0 + 1n, { kind: 'fromCanister', canisterId: B, canisterVersion: 3n }, { kind: 'codeDeployment', mode: 'upgrade', moduleHash: new Uint8Array(32).fill(1) });
  sys.addCanisterChange(T0 + 2n, { kind: 'fromCanister', canisterId: B }, { kind: 'controllersChange', controllers: [USER, OTHER] });
  sys.addCanisterChange(T0 + 3n, { kind: 'fromUser', userId: OTHER }, { kind: 'codeUninstall' });
  sys.addCanisterChange(T0 + 4n, { kind: 'fromUser', userId: USER }, {
    kind: 'loadSnapshot', canisterVersion: 2n, snapshotId: snapshotId(A, 0n).bytes, takenAtTimestamp: T0, source: 'metadataUpload', fromCanisterId: B,
  });
  for (const chunk of [Uint8Array.of(1, 2, 3), new Uint8Array(5000).fill(8)]) sys.wasmChunkStore.insert(sha256(chunk), chunk);
  const es = {
    ...newExecutionState(compiled(0), { initialHeapPages: 3, initialGlobals: [7, 5n, -0.5, Number.NaN] }),
    heap: PageMap.fromPages([{ index: 0, bytes: page(1) }, { index: 2, bytes: page(2) }, { index: 300_000, bytes: page(3) }]),
    stable: { sizePages: 2, pages: PageMap.fromPages([{ index: 5, bytes: page(5) }]) },
  };
  const c = new CanisterState(sys, Object.freeze(es), { ...newSchedulerState(T0), accumulatedPriority: -7n, priorityCredit: 3n, longExecutionMode: 'prioritized', nextScheduledMethod: 'heartbeat', heapDeltaDebit: 9n, installCodeDebit: 8n, lastFullExecutionRound: 11n });
  const taken = snapshotFromCanister(c, snapshotId(A, 0n), T0) as CanisterSnapshot;
  const globals: SnapshotGlobal[] = [
    { kind: 'i32', value: 1 }, { kind: 'i64', value: -2n }, { kind: 'f32', value: 0.5 }, { kind: 'f64', value: -0 }, { kind: 'v128', value: 1n << 100n },
  ];
  const uploaded: CanisterSnapshot = Object.freeze({
    ...taken, id: snapshotId(A, 1n), source: 'metadataUpload', globalTimer: undefined, onLowWasmMemoryHookStatus: undefined,
    module: Object.freeze({ kind: 'uploaded', size: 5000, pages: writePageBytes(PageMap.empty(), 10, moduleBytes(3)) }),
    globals,
  });
  c.snapshots = CanisterSnapshots.EMPTY.with(taken).with(uploaded);
  c.executionState = { ...es, heap: es.heap.withPages([{ index: 2, bytes: page(9) }]) };
  return c;
}

function canisterB(): CanisterState {
  const sys = new SystemState({ canisterId: B, controllers: [USER], cycles: 1000n });
  sys.queues.pushInput(request(A, B, 1n), 'localSubnet');
  sys.queues.pushOutputRequest(request(B, C, 4n, { deadline: T0 + 10n * SEC }), T0);
  sys.beginStopping({ kind: 'ingress', sender: USER, messageId: new Uint8Array(32).fill(4), time: time(T0) });
  sys.beginStopping({ kind: 'canister', sender: C, replyCallback: 8n, cycles: 5n, deadline: T0 + 3n * SEC, time: time(T0 + 1n) });
  sys.taskQueue.enqueue({ kind: 'abortedInstallCode', message: request(C, B, 2n, { methodName: 'install_code' }), callId: 3n, prepaidExecutionCycles: 99n });
  return new CanisterState(sys, newExecutionState(compiled(0), { initialHeapPages: 1, initialGlobals: [] }), newSchedulerState(T0));
}

function canisterC(): CanisterState {
  const sys = new SystemState({ canisterId: C, controllers: [], cycles: 0n });
  sys.beginStopping({ kind: 'ingress', sender: USER, messageId: new Uint8Array(32).fill(5), time: time(T0) });
  sys.tryStopCanister(() => false);
  return new CanisterState(sys, undefined, newSchedulerState(T0 - 5n));
}

/** A state with every kind of field set (see the file header). */
export function richState(): ReplicatedState {
  const s = ReplicatedState.empty(SUBNET, 'application', [{ start: CanisterId.fromU64(0n), end: CanisterId.fromU64(100n) }]);
  for (const c of [canisterC(), canisterA(), canisterB()]) s.putCanister(c);
  const m = s.metadata;
  Object.assign(m, { batchTime: time(T0 + 7n), height: height(42n), heapDeltaEstimate: 4096n });
  m.generateNewCanisterId();
  m.expectedCompiledWasms.add('ff'.repeat(32)).add('00'.repeat(32));
  const status = (n: number, state: Parameters<typeof m.ingressHistory.insert>[1]['state'], t = T0): void =>
    m.ingressHistory.insert(new Uint8Array(32).fill(n), { receiver: A, userId: USER, time: time(t), state }, t, CAP);
  status(1, { kind: 'received' });
  status(2, { kind: 'processing' });
  status(3, { kind: 'completed', result: { kind: 'reply', payload: Uint8Array.of(1) } });
  status(4, { kind: 'completed', result: { kind: 'reject', message: 'nope' } }, T0 + SEC);
  status(5, { kind: 'failed', error: userError(ErrorCode.CanisterCalledTrap, 'trap') });
  status(6, { kind: 'done' });
  m.rawRandContexts.push({ request: request(A, CanisterId.fromU64(0n), 7n, { methodName: 'raw_rand' }), executionRound: height(41n), time: time(T0) });
  m.subnetCallContextManager.pushCanisterHttpRequest({
    request: request(A, CanisterId.fromU64(0n), 8n, { methodName: 'http_request' }), url: 'https://example.com', maxResponseBytes: 100n,
    headers: [{ name: 'a', value: 'b' }], body: Uint8Array.of(1), method: 'POST', transform: { methodName: 't', context: Uint8Array.of(2) },
    time: time(T0), replicated: false, pricingVersion: 2,
  });
  m.subnetCallContextManager.pushCanisterHttpRequest({
    request: request(B, CanisterId.fromU64(0n), 9n), url: 'https://x', maxResponseBytes: undefined, headers: [], body: undefined,
    method: 'GET', transform: undefined, time: time(T0), replicated: true, pricingVersion: 1,
  });
  const remote = SubnetId.fromUint8Array(Uint8Array.of(8, 8));
  m.networkTopology = m.networkTopology.with({ subnetId: remote, subnetType: 'system', size: 4, ranges: [{ start: CanisterId.fromU64(200n), end: CanisterId.fromU64(300n) }] });
  const out = s.streams.getOrCreate(remote);
  out.push(request(A, CanisterId.fromU64(200n), 11n));
  out.push(reply(request(CanisterId.fromU64(201n), B, 3n)));
  out.pushAcceptSignal();
  out.pushRejectSignal('CanisterNotFound');
  out.discardMessagesBefore(1n, []);
  s.streams.getOrCreate(SubnetId.fromUint8Array(Uint8Array.of(8, 1)));
  s.subnetQueues.pushIngress(ingress(CanisterId.fromU64(0n), 7, { effectiveCanisterId: A }));
  s.subnetQueues.pushIngress(ingress(CanisterId.fromU64(0n), 8, { effectiveCanisterId: B }));
  s.subnetQueues.pushInput(request(A, CanisterId.fromU64(0n), 10n, { methodName: 'canister_status' }), 'localSubnet');
  return s;
}
