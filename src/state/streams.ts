/**
 * Cross-subnet (XNet) streams (the replica's `Stream`, `StreamIndexedQueue`,
 * `RejectSignal`, `StreamSlice`; `rs/replicated_state/src/metadata_state/streams.rs`,
 * `rs/types/types/src/xnet.rs`).
 *
 * Subnet A holds one outgoing stream per remote subnet B. It carries
 *
 *     messages     A → B, each at an index; [begin, end) are still held:
 *                  begin moves when B's signals acknowledge them
 *     signals      for B's stream to A: signalsEnd is the index of the next
 *                  message from B that A will induct (all before it were
 *                  inducted or rejected); rejectSignals name the indices A
 *                  could not induct and why (only requests are rejected,
 *                  except `CanisterMigrating`)
 *
 * A slice of A's stream to B (header + messages from some index) is what B
 * inducts: B garbage-collects its own stream to A up to the slice's
 * signalsEnd — generating, for each request A rejected, the reject response
 * for its sender — and drops its reject signals below the slice's begin
 * (A has seen them). Indices never go back: exactly-once, in order.
 */
import type { SubnetId } from '../types/index.ts';
import type { RequestOrResponse } from './messages.ts';
import { countBytes, isBestEffort } from './messages.ts';
import { InternalBug } from '../errors/index.ts';
import { hexOf } from './text.ts';

/** Why a message was not inducted (`RejectReason`). */
export type RejectReason =
  | 'CanisterMigrating' | 'CanisterNotFound' | 'CanisterStopped' | 'CanisterStopping' | 'QueueFull' | 'OutOfMemory' | 'Unknown';

/** A message the receiving subnet did not induct, by index (`RejectSignal`). */
export interface RejectSignal {
  readonly reason: RejectReason;
  readonly index: bigint;
}

/** A stream's indices and signals (`StreamHeader`). */
export interface StreamHeader {
  /** Index of the first message still held. */
  readonly begin: bigint;
  /** Index the next message pushed gets. */
  readonly end: bigint;
  /** Index of the next message expected from the reverse stream. */
  readonly signalsEnd: bigint;
  /** Strictly increasing indices, all below `signalsEnd`. */
  readonly rejectSignals: readonly RejectSignal[];
}

/** What a subnet hands another: a stream's header and its messages from `messagesBegin` (`StreamSlice`). */
export interface StreamSlice {
  readonly header: StreamHeader;
  /** Index of `messages[0]` (when there are messages). */
  readonly messagesBegin: bigint;
  readonly messages: readonly RequestOrResponse[];
}

/** Bytes of a guaranteed response held in a stream (counted as the subnet's message memory), else 0. */
const guaranteedResponseBytes = (m: RequestOrResponse): number => (m.kind === 'response' && !isBestEffort(m) ? countBytes(m) : 0);

/** What a checkpoint keeps of a {@link Stream} (src/state/checkpoint); the byte counts follow from the messages. */
export interface StreamCheckpoint {
  readonly begin: bigint;
  readonly messages: readonly RequestOrResponse[];
  readonly signalsEnd: bigint;
  readonly rejectSignals: readonly RejectSignal[];
}

/** One outgoing stream (see the module header). */
export class Stream {
  #begin: bigint;
  #messages: RequestOrResponse[];
  #signalsEnd: bigint;
  #rejectSignals: RejectSignal[];
  #sizeBytes: number;
  #responsesBytes: number;

  constructor(init: { begin?: bigint; messages?: readonly RequestOrResponse[]; signalsEnd?: bigint; rejectSignals?: readonly RejectSignal[] } = {}) {
    this.#begin = init.begin ?? 0n;
    this.#messages = [...(init.messages ?? [])];
    this.#signalsEnd = init.signalsEnd ?? 0n;
    this.#rejectSignals = [...(init.rejectSignals ?? [])];
    this.#sizeBytes = this.#messages.reduce((n, m) => n + countBytes(m), 0);
    this.#responsesBytes = this.#messages.reduce((n, m) => n + guaranteedResponseBytes(m), 0);
  }

  get begin(): bigint { return this.#begin; }
  get end(): bigint { return this.#begin + BigInt(this.#messages.length); }
  get signalsEnd(): bigint { return this.#signalsEnd; }
  get rejectSignals(): readonly RejectSignal[] { return this.#rejectSignals; }
  /** The messages held, from `begin`. */
  get messages(): readonly RequestOrResponse[] { return this.#messages; }
  get length(): number { return this.#messages.length; }
  /** Bytes of the messages held (`count_bytes`). */
  get sizeBytes(): number { return this.#sizeBytes; }
  /** Bytes of the guaranteed responses held. */
  get guaranteedResponsesBytes(): number { return this.#responsesBytes; }

  header(): StreamHeader {
    return Object.freeze({ begin: this.#begin, end: this.end, signalsEnd: this.#signalsEnd, rejectSignals: Object.freeze([...this.#rejectSignals]) });
  }

  /** Appends a message at index `end`. */
  push(msg: RequestOrResponse): void {
    this.#messages.push(msg);
    this.#sizeBytes += countBytes(msg);
    this.#responsesBytes += guaranteedResponseBytes(msg);
  }

  /** The reverse stream's message at `signalsEnd` was inducted. */
  pushAcceptSignal(): void {
    this.#signalsEnd++;
  }

  /** The reverse stream's message at `signalsEnd` was not inducted. */
  pushRejectSignal(reason: RejectReason): void {
    this.#rejectSignals.push(Object.freeze({ reason, index: this.#signalsEnd }));
    this.#signalsEnd++;
  }

  /**
   * Drops the messages before `newBegin` (acknowledged by the remote
   * subnet's `signalsEnd`) and returns those of them a reject signal names
   * (`discard_messages_before`).
   * @throws {InternalBug} if `newBegin` is outside `[begin, end]`.
   */
  discardMessagesBefore(newBegin: bigint, rejectSignals: readonly RejectSignal[]): { reason: RejectReason; msg: RequestOrResponse }[] {
    if (newBegin < this.#begin || newBegin > this.end) {
      throw new InternalBug(`signals end ${newBegin} outside the stream's messages [${this.#begin}, ${this.end})`);
    }
    const rejected: { reason: RejectReason; msg: RequestOrResponse }[] = [];
    for (const s of rejectSignals) {
      if (s.index >= this.#begin && s.index < newBegin) rejected.push({ reason: s.reason, msg: this.#messages[Number(s.index - this.#begin)] });
    }
    const dropped = this.#messages.splice(0, Number(newBegin - this.#begin));
    for (const m of dropped) {
      this.#sizeBytes -= countBytes(m);
      this.#responsesBytes -= guaranteedResponseBytes(m);
    }
    this.#begin = newBegin;
    return rejected;
  }

  /** Drops the reject signals below `begin` (the remote stream's begin: it has seen them). */
  discardSignalsBefore(begin: bigint): void {
    let i = 0;
    while (i < this.#rejectSignals.length && this.#rejectSignals[i].index < begin) i++;
    if (i > 0) this.#rejectSignals.splice(0, i);
  }

  /**
   * The slice from index `from` (clamped to `[begin, end]`): at most
   * `maxMessages` messages, and no more once `maxBytes` is reached (the
   * first message always fits).
   */
  slice(from: bigint, maxMessages = Number.MAX_SAFE_INTEGER, maxBytes = Number.MAX_SAFE_INTEGER): StreamSlice {
    const start = from < this.#begin ? this.#begin : from > this.end ? this.end : from;
    const messages: RequestOrResponse[] = [];
    let bytes = 0;
    for (let i = Number(start - this.#begin); i < this.#messages.length && messages.length < maxMessages; i++) {
      const m = this.#messages[i];
      const n = countBytes(m);
      if (messages.length > 0 && bytes + n > maxBytes) break;
      messages.push(m);
      bytes += n;
    }
    return Object.freeze({ header: this.header(), messagesBegin: start, messages: Object.freeze(messages) });
  }

  /** The stream as a checkpoint keeps it. */
  toCheckpoint(): StreamCheckpoint {
    return { begin: this.#begin, messages: this.#messages.slice(), signalsEnd: this.#signalsEnd, rejectSignals: this.#rejectSignals.slice() };
  }

  /** The stream a checkpoint kept. */
  static fromCheckpoint(c: StreamCheckpoint): Stream {
    return new Stream(c);
  }

  clone(): Stream {
    return new Stream({ begin: this.#begin, messages: this.#messages, signalsEnd: this.#signalsEnd, rejectSignals: this.#rejectSignals });
  }
}

/** The outgoing streams of a subnet, by remote subnet (`Streams`). */
export class Streams {
  readonly #streams = new Map<string, { readonly subnetId: SubnetId; readonly stream: Stream }>();
  #sorted: string[] | undefined;

  /** The streams as a checkpoint keeps them, in the map's order. */
  toCheckpoint(): { readonly streams: readonly (readonly [SubnetId, Stream])[] } {
    return { streams: [...this.#streams.values()].map((e) => [e.subnetId, e.stream] as const) };
  }

  /** The streams a checkpoint kept. */
  static fromCheckpoint(c: { readonly streams: readonly (readonly [SubnetId, Stream])[] }): Streams {
    const s = new Streams();
    for (const [subnetId, stream] of c.streams) s.#streams.set(hexOf(subnetId.bytesView()), { subnetId, stream });
    s.#sorted = undefined;
    return s;
  }

  /** The stream to `subnet`, if any. */
  get(subnet: SubnetId): Stream | undefined {
    return this.#streams.get(hexOf(subnet.bytesView()))?.stream;
  }

  /** The stream to `subnet`, created empty if there is none. */
  getOrCreate(subnet: SubnetId): Stream {
    const key = hexOf(subnet.bytesView());
    let e = this.#streams.get(key);
    if (e === undefined) {
      e = { subnetId: subnet, stream: new Stream() };
      this.#streams.set(key, e);
      this.#sorted = undefined;
    }
    return e.stream;
  }

  /** Every stream, in remote-subnet-id byte order. */
  entries(): { readonly subnetId: SubnetId; readonly stream: Stream }[] {
    this.#sorted ??= [...this.#streams.keys()].sort();
    return this.#sorted.map((k) => this.#streams.get(k) as { subnetId: SubnetId; stream: Stream });
  }

  get size(): number { return this.#streams.size; }

  /** Bytes of guaranteed responses in all streams (part of the subnet's message memory). */
  guaranteedResponsesBytes(): number {
    let n = 0;
    for (const e of this.#streams.values()) n += e.stream.guaranteedResponsesBytes;
    return n;
  }

  /** A deep copy (streams are mutable). */
  clone(): Streams {
    const c = new Streams();
    for (const [k, e] of this.#streams) c.#streams.set(k, { subnetId: e.subnetId, stream: e.stream.clone() });
    c.#sorted = this.#sorted;
    return c;
  }
}
