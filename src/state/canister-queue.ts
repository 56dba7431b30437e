/**
 * The building blocks of `CanisterQueues`, after the replica's
 * `rs/replicated_state/src/canister_state/queues/queue.rs` and
 * `queues/input_schedule.rs`:
 *
 * - `CanisterQueue`: a FIFO with equal but separate capacities for requests
 *   and responses. A response may only go into a slot reserved for it (the
 *   reservation is made when the request travels the other way), so
 *   responses never fail for lack of space; requests are bounded by the
 *   capacity on their own.
 *
 *       requestSlots  = requests in the queue                         ≤ capacity
 *       responseSlots = responses in the queue + reserved slots       ≤ capacity
 *
 * - `IngressQueue`: unbounded; one FIFO per effective canister id and a
 *   round-robin schedule over those ids (the subnet queue uses it to be fair
 *   between the canisters that management calls target).
 * (`InputSchedule`, the round-robin over input sources, is in
 * `input-schedule.ts`.)
 *
 * All of them are plain mutable objects with an explicit `clone()` (used when
 * a snapshot shares a canister with the live state).
 */
import type { Ingress } from './messages.ts';
import { ingressCountBytes } from './messages.ts';
import type { StateError } from './state-error.ts';
import { hexOf } from './text.ts';

/** One queue entry and whether it is a response. */
interface Slot<T> {
  readonly item: T;
  readonly response: boolean;
}

/** What a checkpoint keeps of a {@link CanisterQueue} (src/state/checkpoint). */
export interface CanisterQueueCheckpoint<T> {
  readonly capacity: number;
  /** The entries, front first. */
  readonly slots: readonly Slot<T>[];
  /** Response slots reserved and not used yet. */
  readonly reservedSlots: number;
}

/** What a checkpoint keeps of an {@link IngressQueue}: its queues in service order. */
export interface IngressQueueCheckpoint {
  readonly queues: readonly (readonly [string, readonly Ingress[]])[];
}

/** A FIFO with separate request and response capacities (see the module header). */
export class CanisterQueue<T> {
  readonly capacity: number;
  #queue: Slot<T>[] = [];
  #requestSlots = 0;
  #responseSlots = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  /** The queue as a checkpoint keeps it. */
  toCheckpoint(): CanisterQueueCheckpoint<T> {
    return { capacity: this.capacity, slots: this.#queue.slice(), reservedSlots: this.reservedSlots() };
  }

  /** The queue a checkpoint kept (slot counts follow from the entries and the reservations). */
  static fromCheckpoint<T>(c: CanisterQueueCheckpoint<T>): CanisterQueue<T> {
    const q = new CanisterQueue<T>(c.capacity);
    q.#queue = c.slots.map((s) => ({ item: s.item, response: s.response }));
    const responses = q.#queue.filter((s) => s.response).length;
    q.#requestSlots = q.#queue.length - responses;
    q.#responseSlots = responses + c.reservedSlots;
    return q;
  }

  /** A copy sharing the (immutable) items. */
  clone(): CanisterQueue<T> {
    const q = new CanisterQueue<T>(this.capacity);
    q.#queue = this.#queue.slice();
    q.#requestSlots = this.#requestSlots;
    q.#responseSlots = this.#responseSlots;
    return q;
  }

  /** Messages in the queue (not counting reserved slots). */
  get length(): number {
    return this.#queue.length;
  }

  /** Requests that may still be pushed. */
  availableRequestSlots(): number {
    return this.capacity - this.#requestSlots;
  }

  /** Response slots that may still be reserved. */
  availableResponseSlots(): number {
    return this.capacity - this.#responseSlots;
  }

  /** Slots reserved for responses and not yet used. */
  reservedSlots(): number {
    return this.#requestSlots + this.#responseSlots - this.#queue.length;
  }

  /** `QueueFull` if no request slot is free. */
  checkHasRequestSlot(): StateError | undefined {
    return this.#requestSlots >= this.capacity ? { kind: 'QueueFull', capacity: this.capacity } : undefined;
  }

  /** Reserves a response slot, or `QueueFull`. */
  tryReserveResponseSlot(): StateError | undefined {
    if (this.#responseSlots >= this.capacity) return { kind: 'QueueFull', capacity: this.capacity };
    this.#responseSlots++;
    return undefined;
  }

  /** Gives back a reserved slot whose request was dropped before it was answered. */
  releaseReservedResponseSlot(): void {
    if (this.#responseSlots > 0) this.#responseSlots--;
  }

  /** Whether a reserved response slot is free. */
  hasReservedResponseSlot(): boolean {
    return this.reservedSlots() > 0;
  }

  /** Appends a request. The caller checked {@link checkHasRequestSlot}. */
  pushRequest(item: T): void {
    this.#queue.push({ item, response: false });
    this.#requestSlots++;
  }

  /** Appends a response into a reserved slot. The caller checked {@link hasReservedResponseSlot}. */
  pushResponse(item: T): void {
    this.#queue.push({ item, response: true });
  }

  /** The front item. */
  peek(): T | undefined {
    return this.#queue[0]?.item;
  }

  /** Removes and returns the front item. */
  pop(): T | undefined {
    const slot = this.#queue.shift();
    if (slot === undefined) return undefined;
    if (slot.response) this.#responseSlots--;
    else this.#requestSlots--;
    return slot.item;
  }

  /** Removes every item for which `pred` holds (expiry); returns them in queue order. */
  removeWhere(pred: (item: T) => boolean): T[] {
    const removed: T[] = [];
    const kept: Slot<T>[] = [];
    for (const slot of this.#queue) {
      if (!pred(slot.item)) {
        kept.push(slot);
        continue;
      }
      removed.push(slot.item);
      if (slot.response) this.#responseSlots--;
      else this.#requestSlots--;
    }
    this.#queue = kept;
    return removed;
  }

  /** Whether anything is queued or reserved. */
  hasUsedSlots(): boolean {
    return this.#queue.length > 0 || this.#responseSlots > 0;
  }

  /** The items, front first. */
  items(): readonly T[] {
    return this.#queue.map((s) => s.item);
  }
}

/** The replica's struct sizes behind `IngressQueue::count_bytes`, bytes. */
const INGRESS_QUEUE_STRUCT_BYTES = 72;
const PER_CANISTER_INGRESS_QUEUE_OVERHEAD_BYTES = 63;
const ARC_BYTES = 8;

/** Unbounded ingress FIFOs, one per effective canister id, served round-robin. */
export class IngressQueue {
  /** Keys (effective canister id hex, `-` for none) of non-empty queues, in service order. */
  #schedule: string[] = [];
  #queues = new Map<string, Ingress[]>();
  #count = 0;
  #sizeBytes = INGRESS_QUEUE_STRUCT_BYTES;

  /** The queue as a checkpoint keeps it. */
  toCheckpoint(): IngressQueueCheckpoint {
    return { queues: this.#schedule.map((k) => [k, (this.#queues.get(k) as Ingress[]).slice()] as const) };
  }

  /** The queue a checkpoint kept (count and size follow from the messages). */
  static fromCheckpoint(c: IngressQueueCheckpoint): IngressQueue {
    const q = new IngressQueue();
    for (const [key, msgs] of c.queues) {
      q.#schedule.push(key);
      q.#queues.set(key, msgs.slice());
      q.#sizeBytes += PER_CANISTER_INGRESS_QUEUE_OVERHEAD_BYTES;
      for (const m of msgs) {
        q.#count++;
        q.#sizeBytes += ARC_BYTES + ingressCountBytes(m);
      }
    }
    return q;
  }

  clone(): IngressQueue {
    const q = new IngressQueue();
    q.#schedule = this.#schedule.slice();
    for (const [k, v] of this.#queues) q.#queues.set(k, v.slice());
    q.#count = this.#count;
    q.#sizeBytes = this.#sizeBytes;
    return q;
  }

  static #key(msg: Ingress): string {
    return msg.effectiveCanisterId === undefined ? '-' : hexOf(msg.effectiveCanisterId.bytesView());
  }

  push(msg: Ingress): void {
    const key = IngressQueue.#key(msg);
    let q = this.#queues.get(key);
    if (q === undefined) {
      this.#queues.set(key, (q = []));
      this.#schedule.push(key);
      this.#sizeBytes += PER_CANISTER_INGRESS_QUEUE_OVERHEAD_BYTES;
    }
    q.push(msg);
    this.#count++;
    this.#sizeBytes += ARC_BYTES + ingressCountBytes(msg);
  }

  peek(): Ingress | undefined {
    const key = this.#schedule[0];
    return key === undefined ? undefined : this.#queues.get(key)?.[0];
  }

  /** The front message of the first scheduled id; that id moves to the back if it has more. */
  pop(): Ingress | undefined {
    const key = this.#schedule.shift();
    if (key === undefined) return undefined;
    const q = this.#queues.get(key) as Ingress[];
    const msg = q.shift() as Ingress;
    if (q.length > 0) this.#schedule.push(key);
    else {
      this.#queues.delete(key);
      this.#sizeBytes -= PER_CANISTER_INGRESS_QUEUE_OVERHEAD_BYTES;
    }
    this.#count--;
    this.#sizeBytes -= ARC_BYTES + ingressCountBytes(msg);
    return msg;
  }

  /** Moves the first scheduled id to the back (`skip_ingress_input`). */
  skip(): void {
    const key = this.#schedule.shift();
    if (key !== undefined) this.#schedule.push(key);
  }

  /** Keeps the messages `keep` accepts (in order); returns the others. */
  filter(keep: (msg: Ingress) => boolean): Ingress[] {
    const dropped: Ingress[] = [];
    for (const key of [...this.#schedule]) {
      const q = this.#queues.get(key) as Ingress[];
      const kept: Ingress[] = [];
      for (const m of q) {
        if (keep(m)) kept.push(m);
        else {
          dropped.push(m);
          this.#count--;
          this.#sizeBytes -= ARC_BYTES + ingressCountBytes(m);
        }
      }
      if (kept.length === q.length) continue;
      if (kept.length > 0) this.#queues.set(key, kept);
      else {
        this.#queues.delete(key);
        this.#schedule = this.#schedule.filter((k) => k !== key);
        this.#sizeBytes -= PER_CANISTER_INGRESS_QUEUE_OVERHEAD_BYTES;
      }
    }
    return dropped;
  }

  get size(): number {
    return this.#count;
  }

  /** Estimated bytes (`IngressQueue::count_bytes`). */
  get sizeBytes(): number {
    return this.#sizeBytes;
  }

  /** The messages in service order of their queues: `[key, messages]` per scheduled id. */
  scheduled(): readonly (readonly [string, readonly Ingress[]])[] {
    return this.#schedule.map((k) => [k, this.#queues.get(k) as Ingress[]] as const);
  }
}
