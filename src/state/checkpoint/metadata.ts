/**
 * Codecs of the subnet-wide state: the ingress history, the subnet call
 * contexts, the postponed `raw_rand` calls and `SystemMetadata`.
 */
import type { SubnetType } from '../../config/index.ts';
import type { IngressHistoryCheckpoint, IngressState, IngressStatus } from '../ingress-history.ts';
import { IngressHistoryState } from '../ingress-history.ts';
import type { CanisterIdRange, RawRandContext } from '../replicated-state.ts';
import { SystemMetadata } from '../replicated-state.ts';
import type { CanisterHttpHeader, CanisterHttpMethod, CanisterHttpRequestContext } from '../subnet-call-context-manager.ts';
import { SubnetCallContextManager } from '../subnet-call-context-manager.ts';
import { NetworkTopology } from '../network-topology.ts';
import { Stream, Streams } from '../streams.ts';
import type { RejectReason, RejectSignal, StreamCheckpoint } from '../streams.ts';
import type { SubnetTopology } from '../network-topology.ts';
import { bool, bytes, list, literal, mapped, nat, natAs, opt, pair, small, str, struct, variant } from './codec.ts';
import type { Codec } from './codec.ts';
import { subnetMetrics } from './cycles-metrics.ts';
import { canisterId, principal, request, requestOrResponse, subnetId, userError, wasmResponse } from './messages.ts';

const ingressState: Codec<IngressState> = variant<IngressState>({
  received: {}, processing: {}, completed: { result: wasmResponse }, failed: { error: userError }, done: {},
});
const ingressStatus: Codec<IngressStatus> = struct<IngressStatus>({ receiver: principal, userId: principal, time: natAs(), state: ingressState }, { freeze: true });

/** The ingress history: statuses and pruning times in the maps' orders. */
export const ingressHistory: Codec<IngressHistoryState> = mapped(
  struct<IngressHistoryCheckpoint>({
    statuses: list(pair(bytes, ingressStatus)), pruningTimes: list(pair(nat, list(bytes))), nextTerminalTime: nat,
  }),
  (h: IngressHistoryState) => h.toCheckpoint(), (c) => IngressHistoryState.fromCheckpoint(c),
);

const METHODS: Record<CanisterHttpMethod, true> = { GET: true, HEAD: true, POST: true, PUT: true, DELETE: true, PATCH: true };
const httpContext: Codec<CanisterHttpRequestContext> = struct<CanisterHttpRequestContext>({
  request, url: str, maxResponseBytes: opt(nat), headers: list(struct<CanisterHttpHeader>({ name: str, value: str })), body: opt(bytes),
  method: literal(METHODS), transform: opt(struct({ methodName: str, context: bytes })), time: natAs(), replicated: bool,
  pricingVersion: small,
}, { freeze: true });

const subnetCallContexts: Codec<SubnetCallContextManager> = mapped(
  struct<ReturnType<SubnetCallContextManager['toCheckpoint']>>({ nextCallbackId: nat, http: list(pair(nat, httpContext)) }),
  (m: SubnetCallContextManager) => m.toCheckpoint(), (c) => SubnetCallContextManager.fromCheckpoint(c),
);

const rawRandContext: Codec<RawRandContext> = struct<RawRandContext>({ request, executionRound: natAs(), time: natAs() });
const range: Codec<CanisterIdRange> = struct<CanisterIdRange>({ start: canisterId, end: canisterId }, { freeze: true });

const SUBNET_TYPES: Record<SubnetType, true> = { application: true, system: true, verified_application: true };

const subnetTopology: Codec<SubnetTopology> = struct<SubnetTopology>({ subnetId, subnetType: literal(SUBNET_TYPES), size: small, ranges: list(range) });
/** The network topology: its subnets (the constructor rebuilds the routing table). */
const networkTopology: Codec<NetworkTopology> = mapped(list(subnetTopology), (t: NetworkTopology) => t.subnets, (subnets) => new NetworkTopology(subnets));

/** Every field of `SystemMetadata` (public ones: no friend methods needed). */
type MetadataFields = Pick<SystemMetadata, {
  [K in keyof SystemMetadata]: SystemMetadata[K] extends (...args: never[]) => unknown ? never : K
}[keyof SystemMetadata]>;

const metadataFields = struct<MetadataFields>({
  ownSubnetId: subnetId, ownSubnetType: literal(SUBNET_TYPES), batchTime: natAs(), height: natAs(), ingressHistory,
  generatedIdCounter: nat, canisterAllocationRanges: list(range), lastGeneratedCanisterId: opt(canisterId), heapDeltaEstimate: nat,
  expectedCompiledWasms: mapped(list(str), (s: Set<string>) => [...s], (xs) => new Set(xs)),
  rawRandContexts: mapped(list(rawRandContext), (xs: RawRandContext[]) => xs, (xs) => [...xs]),
  subnetCallContextManager: subnetCallContexts, networkTopology, subnetMetrics,
});

/** The subnet's metadata. */
export const systemMetadata: Codec<SystemMetadata> = mapped(metadataFields, (m: SystemMetadata) => m, (f) => {
  const m = new SystemMetadata(f.ownSubnetId, f.ownSubnetType, f.canisterAllocationRanges, f.networkTopology);
  m.batchTime = f.batchTime;
  m.height = f.height;
  m.ingressHistory = f.ingressHistory;
  m.generatedIdCounter = f.generatedIdCounter;
  m.lastGeneratedCanisterId = f.lastGeneratedCanisterId;
  m.heapDeltaEstimate = f.heapDeltaEstimate;
  m.expectedCompiledWasms = f.expectedCompiledWasms;
  m.rawRandContexts = f.rawRandContexts;
  m.subnetCallContextManager = f.subnetCallContextManager;
  m.subnetMetrics = f.subnetMetrics;
  return m;
});

const REJECT_REASONS: Record<RejectReason, true> = {
  CanisterMigrating: true, CanisterNotFound: true, CanisterStopped: true, CanisterStopping: true, QueueFull: true, OutOfMemory: true, Unknown: true,
};
const stream: Codec<Stream> = mapped(
  struct<StreamCheckpoint>({
    begin: nat, messages: list(requestOrResponse), signalsEnd: nat,
    rejectSignals: list(struct<RejectSignal>({ reason: literal(REJECT_REASONS), index: nat }, { freeze: true })),
  }),
  (x: Stream) => x.toCheckpoint(), (c) => Stream.fromCheckpoint(c),
);

/** The outgoing XNet streams, by remote subnet. */
export const streams: Codec<Streams> = mapped(
  struct<ReturnType<Streams['toCheckpoint']>>({ streams: list(pair(subnetId, stream)) }),
  (s: Streams) => s.toCheckpoint(), (c) => Streams.fromCheckpoint(c),
);
