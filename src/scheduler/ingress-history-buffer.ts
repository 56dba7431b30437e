/**
 * `IngressHistoryBuffer`: the ingress history one execution thread writes
 * to. Reads see the round's history plus the thread's own writes; writes
 * are checked (legal transitions) and recorded, and the scheduler applies
 * each thread's records to the real history after the iteration, threads in
 * core order — the replica collects `ingress_results` per thread and sets
 * them after the inner round. So the history (and its memory cap, which
 * depends on the order of inserts) ends up the same however the threads
 * interleaved.
 */
import { InternalBug } from '../errors/index.ts';
import { IngressHistoryState, isValidTransition } from '../state/index.ts';
import type { IngressStatus } from '../state/index.ts';

interface Write { readonly messageId: Uint8Array; readonly status: IngressStatus; readonly time: bigint; readonly capacity: bigint; readonly checked: boolean }

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

/** A thread's view of the ingress history (see the module header). */
export class IngressHistoryBuffer extends IngressHistoryState {
  readonly #base: IngressHistoryState;
  readonly #writes: Write[] = [];
  readonly #latest = new Map<string, IngressStatus>();

  constructor(base: IngressHistoryState) {
    super();
    this.#base = base;
  }

  override get(messageId: Uint8Array): IngressStatus | undefined {
    return this.#latest.get(hex(messageId)) ?? this.#base.get(messageId);
  }

  override has(messageId: Uint8Array): boolean {
    return this.#latest.has(hex(messageId)) || this.#base.has(messageId);
  }

  override get size(): number {
    let n = this.#base.size;
    for (const k of this.#latest.keys()) if (!this.#base.has(Buffer.from(k, 'hex'))) n++;
    return n;
  }

  override setStatus(messageId: Uint8Array, status: IngressStatus, time: bigint, capacity: bigint): void {
    const current = this.get(messageId)?.state;
    if (!isValidTransition(current, status.state)) {
      throw new InternalBug(`message (id='${hex(messageId)}', current_status='${current?.kind ?? 'unknown'}') cannot be transitioned to '${status.state.kind}'`);
    }
    this.#record({ messageId: Uint8Array.from(messageId), status, time, capacity, checked: true });
  }

  override insert(messageId: Uint8Array, status: IngressStatus, time: bigint, capacity: bigint): void {
    this.#record({ messageId: Uint8Array.from(messageId), status, time, capacity, checked: false });
  }

  override prune(): void {
    throw new InternalBug('an execution thread does not prune the ingress history');
  }

  #record(w: Write): void {
    this.#writes.push(w);
    this.#latest.set(hex(w.messageId), w.status);
  }

  /** Writes recorded so far. */
  get pendingWrites(): number {
    return this.#writes.length;
  }

  /** Applies the recorded writes to the real history, in the order they were made, and forgets them. */
  flush(): void {
    for (const w of this.#writes) {
      if (w.checked) this.#base.setStatus(w.messageId, w.status, w.time, w.capacity);
      else this.#base.insert(w.messageId, w.status, w.time, w.capacity);
    }
    this.#writes.length = 0;
    this.#latest.clear();
  }
}
