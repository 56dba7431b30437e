/**
 * `CanisterQueues` (the replica's name): a canister's ingress queue, one
 * (input, output) queue pair per peer canister, the input schedule and the
 * guaranteed-response memory reservations. After
 * `rs/replicated_state/src/canister_state/queues.rs` (message-pool version).
 *
 * Rules kept from the replica:
 * - Backpressure: pushing a request into one queue of a pair reserves a
 *   response slot in the other (`DEFAULT_QUEUE_CAPACITY` = 500 each way);
 *   a response without a reserved slot is a `NonMatchingResponse`.
 * - `popInput` rotates local subnet → ingress → remote subnet, skipping empty
 *   sources; within a canister source, senders are served round-robin in the
 *   order their queues became non-empty.
 * - Output leaves in FIFO order per receiver, so requests from A to B reach
 *   B in the order A sent them; the output iterator takes one message per
 *   receiver in turn, receivers in canister-id byte order.
 * - Expiry (`timeOutMessages`, deadline `< floor(now)` to the second):
 *   outbound guaranteed-response requests 300 s after they were queued
 *   (`REQUEST_LIFETIME`); best-effort requests and outbound best-effort
 *   responses at their deadline; inbound responses never. An expired
 *   outbound request becomes a `SYS_TRANSIENT` "Request timed out." reject
 *   in the reverse input queue. Expired messages are handled in (deadline,
 *   insertion) order, the replica's pool order.
 * - Memory: every outstanding guaranteed-response call holds
 *   `MAX_RESPONSE_COUNT_BYTES`; queued guaranteed responses and the excess of
 *   oversized guaranteed requests count their bytes; best-effort messages
 *   count separately.
 *
 * Deviation: the replica keeps messages in a pool and leaves stale
 * references in the queues; here expired messages are removed at once, which
 * is the same state once the replica pops its stale references.
 */
import { InternalBug } from '../errors/index.ts';
import type { CanisterId } from '../types/index.ts';
import { CanisterQueue, IngressQueue } from './canister-queue.ts';
import { InputSchedule } from './input-schedule.ts';
import type { InputQueueType } from './input-schedule.ts';
import type { CallbackId, Ingress, Request, RequestOrResponse, Response } from './messages.ts';
import type { CanisterInput, InputItem, PushInputResult, QueuePair, Refund, TimeOutResult } from './queue-types.ts';
import {
  NO_DEADLINE, coarseFloor, cyclesOf, isBestEffort, receiverOf, senderOf, timeoutResponse,
} from './messages.ts';
import type { StateError } from './state-error.ts';
import { hexOf } from './text.ts';
import { CanisterOutputQueuesIterator } from './output-iterator.ts';
import * as stats from './queue-stats.ts';

/** Messages a queue holds each way (`DEFAULT_QUEUE_CAPACITY`). */
export const DEFAULT_QUEUE_CAPACITY = 500;
/** Lifetime of a guaranteed-response request in an output queue (`REQUEST_LIFETIME`), nanoseconds. */
export const REQUEST_LIFETIME_NANOS = 300n * 1_000_000_000n;

export type { CanisterInput, InputItem, OutputItem, PushInputResult, QueuePair, Refund, TimeOutResult } from './queue-types.ts';

const keyOf = (id: CanisterId): string => hexOf(id.bytesView());

/** What a checkpoint keeps of {@link CanisterQueues} (src/state/checkpoint). */
export interface CanisterQueuesCheckpoint {
  readonly ingress: IngressQueue;
  /** Every queue pair (empty ones too), in the map's order. */
  readonly pairs: readonly QueuePair[];
  readonly schedule: InputSchedule;
  readonly reservations: number;
  readonly callbacksWithEnqueuedResponse: readonly bigint[];
  /** The next entry's sequence number (expiry breaks ties by it). */
  readonly seq: bigint;
}

/** A canister's message queues (see the module header). */
export class CanisterQueues {
  #ingress = new IngressQueue();
  #pairs = new Map<string, QueuePair>();
  #schedule = new InputSchedule();
  /** Outstanding guaranteed-response calls, each holding `MAX_RESPONSE_COUNT_BYTES`. */
  #reservations = 0;
  /** Callbacks whose response (real or compact) is queued, to catch duplicates. */
  #callbacksWithEnqueuedResponse = new Set<bigint>();
  #seq = 0n;

  /** The queues as a checkpoint keeps them (the parts are live: encode them at once). */
  toCheckpoint(): CanisterQueuesCheckpoint {
    return {
      ingress: this.#ingress, pairs: [...this.#pairs.values()], schedule: this.#schedule, reservations: this.#reservations,
      callbacksWithEnqueuedResponse: [...this.#callbacksWithEnqueuedResponse], seq: this.#seq,
    };
  }

  /** The queues a checkpoint kept (taking over its parts). */
  static fromCheckpoint(c: CanisterQueuesCheckpoint): CanisterQueues {
    const q = new CanisterQueues();
    q.#ingress = c.ingress;
    for (const p of c.pairs) q.#pairs.set(keyOf(p.peer), p);
    q.#schedule = c.schedule;
    q.#reservations = c.reservations;
    q.#callbacksWithEnqueuedResponse = new Set(c.callbacksWithEnqueuedResponse);
    q.#seq = c.seq;
    return q;
  }

  /** A copy sharing the immutable messages. */
  clone(): CanisterQueues {
    const q = new CanisterQueues();
    q.#ingress = this.#ingress.clone();
    for (const [k, p] of this.#pairs) q.#pairs.set(k, { peer: p.peer, input: p.input.clone(), output: p.output.clone() });
    q.#schedule = this.#schedule.clone();
    q.#reservations = this.#reservations;
    q.#callbacksWithEnqueuedResponse = new Set(this.#callbacksWithEnqueuedResponse);
    q.#seq = this.#seq;
    return q;
  }

  #pair(peer: CanisterId): QueuePair {
    const key = keyOf(peer);
    let p = this.#pairs.get(key);
    if (p === undefined) {
      p = { peer, input: new CanisterQueue(DEFAULT_QUEUE_CAPACITY), output: new CanisterQueue(DEFAULT_QUEUE_CAPACITY) };
      this.#pairs.set(key, p);
    }
    return p;
  }

  pushIngress(msg: Ingress): void {
    this.#ingress.push(msg);
  }

  /** Drops queued ingress `keep` rejects (expired ingress); returns the dropped messages. */
  filterIngress(keep: (msg: Ingress) => boolean): Ingress[] {
    return this.#ingress.filter(keep);
  }

  /**
   * Inducts a message from `senderOf(msg)`: a request needs a request slot and
   * reserves a response slot in the output queue; a response needs a reserved
   * slot. A second response for the same callback is dropped if best-effort
   * and refused if guaranteed.
   */
  pushInput(msg: RequestOrResponse, type: InputQueueType): PushInputResult {
    const sender = senderOf(msg);
    let pair: QueuePair;
    if (msg.kind === 'request') {
      pair = this.#pair(sender);
      const err = pair.input.checkHasRequestSlot() ?? pair.output.tryReserveResponseSlot();
      if (err !== undefined) return { ok: false, error: err };
      if (!isBestEffort(msg)) this.#reservations++;
      pair.input.pushRequest({ kind: 'message', msg, seq: this.#seq++ });
    } else {
      const existing = this.#pairs.get(keyOf(sender));
      const nonMatching = (errStr: string): PushInputResult => ({
        ok: false,
        error: { kind: 'NonMatchingResponse', errStr, originator: msg.originator, callbackId: msg.originatorReplyCallback, respondent: msg.respondent, deadline: msg.deadline },
      });
      if (this.#callbacksWithEnqueuedResponse.has(msg.originatorReplyCallback)) {
        return isBestEffort(msg) ? { ok: true, dropped: true } : nonMatching('Duplicate response');
      }
      if (existing === undefined || !existing.input.hasReservedResponseSlot()) return nonMatching('No reserved response slot');
      pair = existing;
      if (!isBestEffort(msg)) this.#reservations--;
      this.#callbacksWithEnqueuedResponse.add(msg.originatorReplyCallback);
      pair.input.pushResponse({ kind: 'message', msg, seq: this.#seq++ });
    }
    if (pair.input.length === 1) this.#schedule.schedule(sender, type);
    return { ok: true, dropped: false };
  }

  /**
   * Enqueues a compact "deadline expired" response for a best-effort callback
   * into the input queue from `respondent` (`try_push_deadline_expired_input`).
   * @returns `false` if a response for the callback is already queued.
   */
  pushDeadlineExpired(callbackId: CallbackId, respondent: CanisterId, type: InputQueueType): boolean {
    if (this.#callbacksWithEnqueuedResponse.has(callbackId)) return false;
    const pair = this.#pairs.get(keyOf(respondent));
    if (pair === undefined || !pair.input.hasReservedResponseSlot()) {
      throw new InternalBug(`no reserved slot for the expired callback ${callbackId} from ${respondent.toText()}`);
    }
    this.#callbacksWithEnqueuedResponse.add(callbackId);
    pair.input.pushResponse({ kind: 'deadlineExpired', callbackId, seq: this.#seq++ });
    if (pair.input.length === 1) this.#schedule.schedule(respondent, type);
    return true;
  }

  #popCanisterInput(type: InputQueueType, consume: boolean): CanisterInput | undefined {
    for (let sender = this.#schedule.peek(type); sender !== undefined; sender = this.#schedule.peek(type)) {
      const input = this.#pairs.get(keyOf(sender))?.input;
      if (input === undefined || input.length === 0) {
        this.#schedule.pop(type); // emptied by expiry or garbage collected
        continue;
      }
      const item = (consume ? input.pop() : input.peek()) as InputItem;
      if (consume) {
        if (input.length > 0) this.#schedule.reschedule(type);
        else this.#schedule.pop(type);
        const cb = item.kind === 'message' ? (item.msg.kind === 'response' ? item.msg.originatorReplyCallback : undefined) : item.callbackId;
        if (cb !== undefined) this.#callbacksWithEnqueuedResponse.delete(cb);
      }
      return item.kind === 'message' ? item.msg : { kind: item.kind, callbackId: item.callbackId };
    }
    return undefined;
  }

  /** The next input, round-robin over sources and senders (see the module header). */
  popInput(): CanisterInput | undefined {
    for (let i = 0; i < 3; i++) {
      const source = this.#schedule.advance();
      const popped = source === 'ingress' ? this.#ingress.pop() : this.#popCanisterInput(source, true);
      if (popped !== undefined) return popped;
    }
    return undefined;
  }

  /** What `popInput` would return; advances past empty sources as the replica's `peek_input` does. */
  peekInput(): CanisterInput | undefined {
    for (let i = 0; i < 3; i++) {
      const source = this.#schedule.nextInputSource;
      const peeked = source === 'ingress' ? this.#ingress.peek() : this.#popCanisterInput(source, false);
      if (peeked !== undefined) return peeked;
      this.#schedule.advance();
    }
    return undefined;
  }

  /** Skips the next input: moves the current sender (or ingress target) to the back and advances the source. */
  skipInput(): void {
    const source = this.#schedule.advance();
    if (source === 'ingress') this.#ingress.skip();
    else if (this.#schedule.peek(source) !== undefined) this.#schedule.reschedule(source);
  }

  hasInput(): boolean {
    if (this.#ingress.size > 0) return true;
    for (const p of this.#pairs.values()) if (p.input.length > 0) return true;
    return false;
  }

  hasOutput(): boolean {
    for (const p of this.#pairs.values()) if (p.output.length > 0) return true;
    return false;
  }

  /**
   * Queues an outgoing request (needs a request slot in the output queue and
   * reserves a response slot in the input queue).
   * @param time the batch time: a guaranteed-response request expires 300 s later.
   */
  pushOutputRequest(request: Request, time: bigint): StateError | undefined {
    const pair = this.#pair(request.receiver);
    const err = pair.output.checkHasRequestSlot() ?? pair.input.tryReserveResponseSlot();
    if (err !== undefined) return err;
    if (!isBestEffort(request)) this.#reservations++;
    const expiresAt = isBestEffort(request) ? request.deadline : coarseFloor(time + REQUEST_LIFETIME_NANOS);
    pair.output.pushRequest({ msg: request, expiresAt, seq: this.#seq++ });
    return undefined;
  }

  /** Queues a response into the slot its request reserved. @throws {InternalBug} if there is none. */
  pushOutputResponse(response: Response): void {
    const pair = this.#pairs.get(keyOf(response.originator));
    if (pair === undefined || !pair.output.hasReservedResponseSlot()) {
      throw new InternalBug(`no reserved output slot for a response to ${response.originator.toText()}`);
    }
    if (!isBestEffort(response)) this.#reservations--;
    pair.output.pushResponse({ msg: response, expiresAt: response.deadline, seq: this.#seq++ });
  }

  /** Output request slots left per peer: `min(output request slots, input response slots)`, peers in id order. */
  availableOutputRequestSlots(): Map<string, number> {
    const out = new Map<string, number>();
    for (const p of this.sortedPairs()) out.set(p.peer.toText(), Math.min(p.output.availableRequestSlots(), p.input.availableResponseSlots()));
    return out;
  }

  /** An iterator that pops output round-robin over receivers (in id order); unpopped messages stay. */
  outputIntoIter(): CanisterOutputQueuesIterator {
    return new CanisterOutputQueuesIterator(this.sortedPairs().filter((p) => p.output.length > 0).map((p) => p.output));
  }

  /** For each receiver in id order, pops messages while `f` accepts them. */
  outputQueuesForEach(f: (receiver: CanisterId, msg: RequestOrResponse) => boolean): void {
    for (const p of this.sortedPairs()) {
      for (let item = p.output.peek(); item !== undefined && f(p.peer, item.msg); item = p.output.peek()) p.output.pop();
    }
  }

  /** Removes and returns the front message of the output queue to `receiver`. */
  popOutput(receiver: CanisterId): RequestOrResponse | undefined {
    return this.#pairs.get(keyOf(receiver))?.output.pop()?.msg;
  }

  /** The message at the front of the output queue to `receiver`. */
  peekOutput(receiver: CanisterId): RequestOrResponse | undefined {
    return this.#pairs.get(keyOf(receiver))?.output.peek()?.msg;
  }

  /** Moves the front message of the output queue to `self` into the input queue from `self`; `false` if none or full. */
  inductMessageToSelf(self: CanisterId): boolean {
    const pair = this.#pairs.get(keyOf(self));
    const item = pair?.output.peek();
    if (pair === undefined || item === undefined) return false;
    if (!this.pushInput(item.msg, 'localSubnet').ok) return false;
    pair.output.pop();
    return true;
  }

  /** Drops expired messages (see the module header); reject responses for own requests go into the input queues. */
  timeOutMessages(now: bigint, isLocal: (id: CanisterId) => boolean): TimeOutResult {
    const cutoff = coarseFloor(now);
    type Expired = { pair: QueuePair; inbound: boolean; msg: RequestOrResponse; at: bigint; seq: bigint };
    const expired: Expired[] = [];
    for (const pair of this.sortedPairs()) {
      for (const it of pair.output.removeWhere((o) => o.expiresAt !== NO_DEADLINE && o.expiresAt < cutoff)) {
        expired.push({ pair, inbound: false, msg: it.msg, at: it.expiresAt, seq: it.seq });
      }
      const dead = (i: InputItem): boolean => i.kind === 'message' && i.msg.kind === 'request' && isBestEffort(i.msg) && i.msg.deadline < cutoff;
      for (const it of pair.input.removeWhere(dead)) {
        if (it.kind === 'message') expired.push({ pair, inbound: true, msg: it.msg, at: it.msg.deadline, seq: it.seq });
      }
    }
    expired.sort((a, b) => (a.at !== b.at ? (a.at < b.at ? -1 : 1) : a.seq < b.seq ? -1 : 1));
    const rejectResponses: Response[] = [];
    const refunds: Refund[] = [];
    for (const e of expired) {
      if (e.inbound) {
        e.pair.output.releaseReservedResponseSlot();
        if (cyclesOf(e.msg) > 0n) refunds.push({ recipient: senderOf(e.msg), amount: cyclesOf(e.msg) });
      } else if (e.msg.kind === 'request') {
        const reject = timeoutResponse(e.msg);
        if (!isBestEffort(reject)) this.#reservations--;
        this.#callbacksWithEnqueuedResponse.add(reject.originatorReplyCallback);
        e.pair.input.pushResponse({ kind: 'message', msg: reject, seq: this.#seq++ });
        if (e.pair.input.length === 1) this.#schedule.schedule(e.pair.peer, isLocal(e.pair.peer) ? 'localSubnet' : 'remoteSubnet');
        rejectResponses.push(reject);
      } else if (cyclesOf(e.msg) > 0n) {
        refunds.push({ recipient: receiverOf(e.msg), amount: cyclesOf(e.msg) });
      }
    }
    return { timedOut: expired.length, rejectResponses, refunds };
  }

  /** Removes queue pairs with nothing queued or reserved (do it at a deterministic point, e.g. end of round). */
  garbageCollect(): void {
    for (const [k, p] of [...this.#pairs]) if (!p.input.hasUsedSlots() && !p.output.hasUsedSlots()) this.#pairs.delete(k);
  }

  /** The queue pairs in peer-id byte order. */
  sortedPairs(): QueuePair[] {
    return [...this.#pairs.keys()].sort().map((k) => this.#pairs.get(k) as QueuePair);
  }

  get ingressQueue(): IngressQueue { return this.#ingress; }
  get inputSchedule(): InputSchedule { return this.#schedule; }
  /** Outstanding guaranteed-response calls (inbound and outbound). */
  get guaranteedResponseMemoryReservations(): number { return this.#reservations; }

  /** Slots reserved in input queues (one per outstanding outgoing call). */
  inputQueuesReservedSlots(): number { return stats.sumPairs(this, (p) => p.input.reservedSlots()); }
  /** Slots reserved in output queues (one per incoming request not yet answered). */
  outputQueuesReservedSlots(): number { return stats.sumPairs(this, (p) => p.output.reservedSlots()); }
  /** Input items that are responses (compact ones included). */
  inputQueuesResponseCount(): number { return stats.countInput(this, (i) => i.kind !== 'message' || i.msg.kind === 'response'); }
  inputQueuesRequestCount(): number { return stats.countInput(this, (i) => i.kind === 'message' && i.msg.kind === 'request'); }
  /** Memory used by or reserved for guaranteed-response messages, bytes. */
  guaranteedResponseMemoryUsage(): number { return stats.guaranteedResponseMemoryUsage(this); }
  /** Memory used by best-effort messages, bytes. */
  bestEffortMemoryUsage(): number { return stats.bestEffortMemoryUsage(this); }
}
