/**
 * A bounded FIFO: `push` drops the oldest item once `capacity` items are
 * held. What the telemetry keeps of recent rounds and of each canister's
 * series, so memory stays flat however long a replica runs.
 */
export class Ring<T> {
  readonly capacity: number;
  readonly #items: (T | undefined)[];
  /** Index of the oldest item. */
  #start = 0;
  #size = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`a ring holds at least 1 item, got ${capacity}`);
    this.capacity = capacity;
    this.#items = new Array<T | undefined>(capacity);
  }

  get size(): number { return this.#size; }

  push(item: T): void {
    if (this.#size < this.capacity) {
      this.#items[(this.#start + this.#size) % this.capacity] = item;
      this.#size++;
      return;
    }
    this.#items[this.#start] = item;
    this.#start = (this.#start + 1) % this.capacity;
  }

  /** The newest item, if any. */
  last(): T | undefined {
    return this.#size === 0 ? undefined : this.#items[(this.#start + this.#size - 1) % this.capacity];
  }

  /** The newest `limit` items (all by default), oldest first. */
  toArray(limit = this.#size): T[] {
    const n = Math.max(0, Math.min(Math.floor(limit), this.#size));
    const out = new Array<T>(n);
    for (let i = 0; i < n; i++) out[i] = this.#items[(this.#start + this.#size - n + i) % this.capacity] as T;
    return out;
  }
}
