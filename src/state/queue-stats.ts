/**
 * Counts and memory figures of `CanisterQueues`, computed from its queues
 * (the replica keeps them as running stats; the values are the same):
 *
 *     guaranteed-response memory = reservations × MAX_RESPONSE_COUNT_BYTES
 *                                + bytes of queued guaranteed responses
 *                                + bytes above MAX_RESPONSE_COUNT_BYTES of queued guaranteed requests
 *     best-effort memory         = bytes of queued best-effort messages
 */
import type { CanisterQueues, InputItem, QueuePair } from './canister-queues.ts';
import type { RequestOrResponse } from './messages.ts';
import { MAX_RESPONSE_COUNT_BYTES, countBytes, isBestEffort } from './messages.ts';

/** Sum of `f` over the queue pairs. */
export function sumPairs(q: CanisterQueues, f: (p: QueuePair) => number): number {
  let n = 0;
  for (const p of q.sortedPairs()) n += f(p);
  return n;
}

/** Input items for which `pred` holds. */
export function countInput(q: CanisterQueues, pred: (i: InputItem) => boolean): number {
  return sumPairs(q, (p) => p.input.items().filter(pred).length);
}

function* messages(q: CanisterQueues): Generator<RequestOrResponse> {
  for (const p of q.sortedPairs()) {
    for (const i of p.input.items()) if (i.kind === 'message') yield i.msg;
    for (const o of p.output.items()) yield o.msg;
  }
}

/** Memory used by or reserved for guaranteed-response messages, bytes. */
export function guaranteedResponseMemoryUsage(q: CanisterQueues): number {
  let bytes = q.guaranteedResponseMemoryReservations * MAX_RESPONSE_COUNT_BYTES;
  for (const msg of messages(q)) {
    if (isBestEffort(msg)) continue;
    const n = countBytes(msg);
    bytes += msg.kind === 'response' ? n : Math.max(0, n - MAX_RESPONSE_COUNT_BYTES);
  }
  return bytes;
}

/** Memory used by best-effort messages, bytes. */
export function bestEffortMemoryUsage(q: CanisterQueues): number {
  let bytes = 0;
  for (const msg of messages(q)) if (isBestEffort(msg)) bytes += countBytes(msg);
  return bytes;
}
