/**
 * `CanisterOutputQueuesIterator` (the replica's name): pops a canister's
 * output one message at a time, round-robin over its non-empty output queues
 * (receivers in canister-id byte order at creation). Each queue stays FIFO,
 * so the messages from this canister to one receiver come out in the order
 * they were queued. What is not popped stays queued.
 */
import type { CanisterQueue } from './canister-queue.ts';
import type { RequestOrResponse } from './messages.ts';

/** What the iterator needs of an output-queue entry. */
interface Entry { readonly msg: RequestOrResponse }

/** Round-robin consumer of output queues (see the module header). */
export class CanisterOutputQueuesIterator implements Iterable<RequestOrResponse> {
  readonly #queues: CanisterQueue<Entry>[];
  #size: number;

  /** @param queues non-empty output queues, in the order to serve them. */
  constructor(queues: CanisterQueue<Entry>[]) {
    this.#queues = queues.slice();
    this.#size = this.#queues.reduce((n, q) => n + q.length, 0);
  }

  /** The message `pop` would return. */
  peek(): RequestOrResponse | undefined {
    return this.#queues[0]?.peek()?.msg;
  }

  /** Pops the front message of the next queue; that queue moves to the back if it has more. */
  pop(): RequestOrResponse | undefined {
    const q = this.#queues.shift();
    if (q === undefined) return undefined;
    const entry = q.pop() as Entry;
    this.#size--;
    if (q.length > 0) this.#queues.push(q);
    return entry.msg;
  }

  /** Leaves the rest of the next queue in place and stops iterating it; returns how many messages it kept. */
  excludeQueue(): number {
    const q = this.#queues.shift();
    const n = q?.length ?? 0;
    this.#size -= n;
    return n;
  }

  /** Messages left to iterate. */
  get size(): number {
    return this.#size;
  }

  isEmpty(): boolean {
    return this.#queues.length === 0;
  }

  *[Symbol.iterator](): Generator<RequestOrResponse> {
    for (let m = this.pop(); m !== undefined; m = this.pop()) yield m;
  }
}
