/**
 * The fixed-point chores of a round, outside the inner loop:
 *
 * - start: `purgeExpiredIngress` — ingress still queued after its expiry
 *   fails with IC0202 "Ingress message <id> timed out waiting to start
 *   executing." (`purge_expired_ingress_messages`);
 * - end: `processStoppingCanisters` (stopping → stopped once no call
 *   context is open; the stop calls are answered; a stop call older than
 *   5 min is rejected with IC0206), `chargeForResources` (storage and
 *   compute allocation, every 10 s of batch time, postponed while a long
 *   execution is paused), `initializeWasmMemoryLimit`, and
 *   `garbageCollectQueues` (drops queue pairs with nothing queued or
 *   reserved, so the state hash does not depend on queues that were once
 *   used).
 */
import { INGRESS_HISTORY_MEMORY_CAPACITY, MAX_WASM_MEMORY_IN_BYTES, DEFAULT_WASM_MEMORY_LIMIT, STOP_CANISTER_TIMEOUT_NANOS } from '../config/index.ts';
import type { CyclesAccountManager } from '../cycles/index.ts';
import { ErrorCode, RejectCode, userError } from '../errors/index.ts';
import type { UserError } from '../errors/index.ts';
import type { CanisterState, Ingress, IngressHistoryState, IngressStatus, ReplicatedState, StopCanisterContext } from '../state/index.ts';
import { newResponse, rejectContext } from '../state/index.ts';
import { MANAGEMENT_CANISTER_ID } from '../types/index.ts';
import type { CanisterId } from '../types/index.ts';

const EMPTY_CANDID = Uint8Array.of(0x44, 0x49, 0x44, 0x4c, 0, 0);
const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

/** Fails every queued ingress message whose expiry is before the batch time; returns how many. */
export function purgeExpiredIngress(state: ReplicatedState, capacity: bigint = INGRESS_HISTORY_MEMORY_CAPACITY): number {
  const now = state.time;
  const keep = (m: Ingress): boolean => m.expiryTime >= now;
  const expired: Ingress[] = [...state.subnetQueues.filterIngress(keep)];
  for (const c of state.canisters()) {
    const queue = c.systemState.queues.ingressQueue;
    if (queue.size === 0 || queue.scheduled().every(([, ms]) => ms.every(keep))) continue;
    expired.push(...(state.canisterMut(c.canisterId) as CanisterState).systemState.queues.filterIngress(keep));
  }
  for (const m of expired) {
    const error = userError(ErrorCode.IngressMessageTimeout, `Ingress message ${hex(m.messageId)} timed out waiting to start executing.`);
    state.metadata.ingressHistory.setStatus(m.messageId, { receiver: m.receiver, userId: m.source, time: now, state: { kind: 'failed', error } }, now, capacity);
  }
  return expired.length;
}

function answerStop(state: ReplicatedState, history: IngressHistoryState, ctx: StopCanisterContext, error: UserError | undefined, capacity: bigint): void {
  const now = state.time;
  if (ctx.kind === 'ingress') {
    const status: IngressStatus = {
      receiver: MANAGEMENT_CANISTER_ID, userId: ctx.sender, time: now,
      state: error === undefined ? { kind: 'completed', result: { kind: 'reply', payload: EMPTY_CANDID } } : { kind: 'failed', error },
    };
    history.setStatus(ctx.messageId, status, now, capacity);
    return;
  }
  // The cycles attached to the stop call go back with either answer (`reply_to_stop_context`).
  state.subnetQueues.pushOutputResponse(newResponse({
    originator: ctx.sender, respondent: MANAGEMENT_CANISTER_ID, originatorReplyCallback: ctx.replyCallback,
    refund: ctx.cycles, deadline: ctx.deadline,
    payload: error === undefined
      ? { kind: 'data', data: EMPTY_CANDID }
      : { kind: 'reject', reject: rejectContext(RejectCode.SysTransient, error.description) },
  }));
}

/**
 * Moves stopping canisters without open call contexts to stopped (the
 * canister version goes up by one) and answers the stop calls; rejects stop
 * calls older than 5 minutes (`process_stopping_canisters`).
 */
export function processStoppingCanisters(state: ReplicatedState, capacity: bigint = INGRESS_HISTORY_MEMORY_CAPACITY): void {
  const now = state.time;
  const expired = (ctx: StopCanisterContext): boolean => ctx.time + STOP_CANISTER_TIMEOUT_NANOS <= now;
  for (const c of state.canisters()) {
    if (c.systemState.status.kind !== 'stopping') continue;
    const own = state.canisterMut(c.canisterId) as CanisterState;
    const { stopped, contexts } = own.systemState.tryStopCanister(expired);
    if (stopped) own.systemState.canisterVersion += 1n;
    const error = stopped ? undefined : userError(ErrorCode.StopCanisterRequestTimeout, 'Stop canister request timed out');
    for (const ctx of contexts) answerStop(state, state.metadata.ingressHistory, ctx, error, capacity);
  }
}

/**
 * Charges storage, message memory, compute allocation and the base fee for
 * the time since the last charge, every `durationBetweenAllocationChargesSeconds`
 * of batch time (`charge_canisters_for_resource_allocation_and_usage`).
 * @returns the canisters that could not pay, in id order (the scheduler uninstalls them).
 */
export function chargeForResources(state: ReplicatedState, cycles: CyclesAccountManager): CanisterId[] {
  const now = state.time;
  const interval = cycles.fees.durationBetweenAllocationChargesSeconds * 1_000_000_000n;
  const unpaid: CanisterId[] = [];
  for (const c of state.canisters()) {
    if (c.systemState.taskQueue.hasPausedExecution()) continue;
    if (now < c.schedulerState.timeOfLastAllocationCharge + interval) continue;
    const own = state.canisterMut(c.canisterId) as CanisterState;
    const seconds = (now - own.schedulerState.timeOfLastAllocationCharge) / 1_000_000_000n;
    own.schedulerState.timeOfLastAllocationCharge = now;
    const usage = { memoryUsage: own.memoryUsage(), messageMemoryUsage: own.messageMemoryUsage() };
    if (cycles.chargeForResources(own.systemState, usage, seconds) !== undefined) unpaid.push(own.canisterId);
  }
  return unpaid;
}

/** Sets the default Wasm memory limit of canisters without one: max(3 GiB, (4 GiB + heap) / 2). */
export function initializeWasmMemoryLimit(state: ReplicatedState): void {
  for (const c of state.canisters()) {
    if (c.systemState.wasmMemoryLimit !== undefined) continue;
    const half = (MAX_WASM_MEMORY_IN_BYTES + c.wasmMemoryUsage()) / 2n;
    (state.canisterMut(c.canisterId) as CanisterState).systemState.wasmMemoryLimit = half > DEFAULT_WASM_MEMORY_LIMIT ? half : DEFAULT_WASM_MEMORY_LIMIT;
  }
}

/** Drops empty queue pairs of every canister and of the subnet. */
export function garbageCollectQueues(state: ReplicatedState): void {
  for (const c of state.canisters()) {
    const pairs = c.systemState.queues.sortedPairs();
    if (pairs.every((p) => p.input.hasUsedSlots() || p.output.hasUsedSlots())) continue;
    (state.canisterMut(c.canisterId) as CanisterState).systemState.queues.garbageCollect();
  }
  state.subnetQueues.garbageCollect();
}
