/**
 * Message routing for one batch — the replica's `StateMachine::execute_round`
 * (`rs/messaging/src/state_machine.rs`) on a single subnet:
 *
 *     1. induct    the batch time becomes the state's time and a network
 *                  topology it carries the state's topology; its XNet
 *                  slices are inducted (stream-handler.ts), then its
 *                  ingress (induction.ts), then its consensus responses
 *                  answer their subnet call contexts
 *                  (consensus-responses.ts); expired messages and
 *                  best-effort callbacks past their deadline are timed out
 *     2. execute   the scheduler runs one round (`executeRound`); at heights
 *                  that are multiples of 10 the subnet metrics' canister
 *                  state bytes are refreshed (the canisters' memory usage)
 *     3. route     output left in the output queues goes to its receivers
 *                  (routing.ts): on this subnet at once (the loopback
 *                  stream), to other subnets into their streams
 *
 * The state after step 3 is the state at the batch's height.
 */
import type { Batch } from '../consensus/index.ts';
import type { CanisterState, ReplicatedState } from '../state/index.ts';
import { timeOutCallbacks, timeOutMessages } from '../state/index.ts';
import type { CanisterId } from '../types/index.ts';
import { executeRound, isSubnetAddress } from '../scheduler/index.ts';
import type { RoundEnvironment, RoundSummary } from '../scheduler/index.ts';
import { inductConsensusResponses } from './consensus-responses.ts';
import type { ConsensusResponseStats } from './consensus-responses.ts';
import { inductIngress } from './induction.ts';
import type { InductionContext, InductionStats } from './induction.ts';
import { routeOutputs } from './routing.ts';
import type { RoutingStats } from './routing.ts';
import { inductXNetSlices } from './stream-handler.ts';
import type { XNetInductionStats } from './stream-handler.ts';

/** Heights between refreshes of the subnet metrics' `canister_state_bytes` (message_routing.rs). */
const CANISTER_STATE_BYTES_INTERVAL = 10n;

/** The canisters' memory usage, bytes (`observe_canisters_memory_usage`). */
function canisterStateBytes(state: ReplicatedState): bigint {
  let sum = 0n;
  for (const c of state.canisters()) sum += c.memoryUsage();
  return sum;
}

/** What expiring messages did. */
export interface TimeOutStats {
  /** Messages dropped from queues. */
  messages: number;
  /** Best-effort callbacks that got a "deadline expired" reject queued. */
  callbacks: number;
}

/**
 * Drops expired messages (synthetic rejects queued for expired requests,
 * cycles of dropped messages credited to local recipients) and expires
 * best-effort callbacks past their deadline, canisters in id order, then the
 * subnet queues (`time_out_messages`, `time_out_callbacks`).
 */
export function timeOutExpired(state: ReplicatedState, now: bigint): TimeOutStats {
  const stats: TimeOutStats = { messages: 0, callbacks: 0 };
  const isLocal = (id: CanisterId): boolean => state.hasCanister(id) || isSubnetAddress(state, id);
  const refund = (r: { recipient: CanisterId; amount: bigint }): void => state.canisterMut(r.recipient)?.systemState.addCycles(r.amount);
  for (const c of state.canisters()) {
    const s = c.systemState;
    const queued = s.queues.hasOutput() || s.queues.hasInput();
    const callbacks = s.callContextManager?.hasExpiredCallbacks(now) ?? false;
    if (!queued && !callbacks) continue;
    const own = (state.canisterMut(c.canisterId) as CanisterState).systemState;
    if (queued) {
      const r = timeOutMessages(own, now, isLocal);
      stats.messages += r.timedOut;
      r.refunds.forEach(refund);
    }
    if (callbacks) stats.callbacks += timeOutCallbacks(own, now, isLocal);
  }
  const r = state.subnetQueues.timeOutMessages(now, isLocal);
  stats.messages += r.timedOut;
  r.refunds.forEach(refund);
  return stats;
}

/** Step 1 of a batch (see the module header). */
export function induct(
  batch: Batch, state: ReplicatedState, ctx: InductionContext = {},
): { xnet: XNetInductionStats; ingress: InductionStats; consensusResponses: ConsensusResponseStats; timeOuts: TimeOutStats } {
  state.metadata.batchTime = batch.time;
  if (batch.networkTopology !== undefined) state.metadata.networkTopology = batch.networkTopology;
  const xnet = inductXNetSlices(state, batch.xnetSlices ?? []);
  const ingress = inductIngress(state, batch.ingress, ctx);
  const consensusResponses = inductConsensusResponses(state, batch.consensusResponses ?? []);
  const timeOuts = timeOutExpired(state, batch.time);
  return { xnet, ingress, consensusResponses, timeOuts };
}

/** What one batch did. */
export interface BatchSummary {
  readonly induction: {
    readonly xnet: XNetInductionStats; readonly ingress: InductionStats; readonly consensusResponses: ConsensusResponseStats; readonly timeOuts: TimeOutStats;
  };
  readonly round: RoundSummary;
  readonly routing: RoutingStats;
}

/**
 * Executes one batch on `state` (see the module header); `state` is
 * changed in place and is the state at `batch.height` afterwards.
 */
export async function processBatch(state: ReplicatedState, batch: Batch, env: RoundEnvironment & { readonly induction?: InductionContext }): Promise<BatchSummary> {
  const induction = induct(batch, state, env.induction);
  const round = await executeRound(state, batch, env);
  if (batch.height % CANISTER_STATE_BYTES_INTERVAL === 0n) state.metadata.subnetMetrics.canisterStateBytes = canisterStateBytes(state);
  const routing = routeOutputs(state);
  state.metadata.height = batch.height;
  return { induction, round, routing };
}
