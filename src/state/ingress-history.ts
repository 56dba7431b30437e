/**
 * `IngressHistoryState` (the replica's name, `metadata_state.rs`, with the
 * states of `rs/types/types/src/ingress.rs` and the transition guard of
 * `rs/execution_environment/src/history.rs`): the status of every ingress
 * message the subnet knows, by message id.
 *
 *     (absent = Unknown) ──► Received ──► Processing ──► Completed(reply | reject)
 *                               │            ▲   │  └──► Failed(UserError)
 *                               └────────────┴───┴─────► Completed / Failed
 *     Completed / Failed ──► Done   (only when the history is over its memory cap)
 *
 * `setStatus` enforces these transitions: Unknown → anything; Received →
 * Processing | Completed | Failed; Processing → Processing | Completed |
 * Failed. Anything else is an `InternalBug` (the replica's `fatal!`). A
 * repeated message id is detected with `has` before induction.
 *
 * Pruning: a terminal status (Completed, Failed, Done) is enrolled for
 * removal at `time + MAX_INGRESS_TTL` (5 min); `prune(now)` removes every
 * entry enrolled at a time `< now`. Memory: Completed counts its reply or
 * reject message bytes, Failed its error description bytes, the rest 0
 * (`IngressStatus::payload_bytes`); when an insert takes the total over the
 * capacity, terminal statuses are turned into `Done` from the oldest
 * pruning time on until it fits (`forget_terminal_statuses`).
 *
 * Snapshots: `fork()` shares the maps; the first write to either side copies
 * them (O(entries) once per fork).
 */
import { InternalBug } from '../errors/index.ts';
import type { UserError } from '../errors/index.ts';
import { MAX_INGRESS_TTL_NANOS } from '../config/index.ts';
import type { PrincipalId, Time } from '../types/index.ts';
import type { WasmResponse } from '../system-api/index.ts';
import { hexOf } from './text.ts';

/** Where an ingress message is (`IngressState`). */
export type IngressState =
  | { readonly kind: 'received' }
  | { readonly kind: 'processing' }
  | { readonly kind: 'completed'; readonly result: WasmResponse }
  | { readonly kind: 'failed'; readonly error: UserError }
  | { readonly kind: 'done' };

/** A known ingress status (`IngressStatus::Known`); an absent entry is `Unknown`. */
export interface IngressStatus {
  readonly receiver: PrincipalId;
  readonly userId: PrincipalId;
  /** Batch time of the last change. */
  readonly time: Time;
  readonly state: IngressState;
}

const isTerminal = (s: IngressState): boolean => s.kind === 'completed' || s.kind === 'failed' || s.kind === 'done';
const hasPayload = (s: IngressState): boolean => s.kind === 'completed' || s.kind === 'failed';

/** Bytes a status counts against the memory cap (`payload_bytes`). */
export function ingressPayloadBytes(status: IngressStatus): number {
  const s = status.state;
  if (s.kind === 'completed') return s.result.kind === 'reply' ? s.result.payload.length : Buffer.byteLength(s.result.message, 'utf8');
  if (s.kind === 'failed') return Buffer.byteLength(s.error.description, 'utf8');
  return 0;
}

/** Whether `to` may follow `from` (`from` undefined = Unknown). */
export function isValidTransition(from: IngressState | undefined, to: IngressState): boolean {
  if (from === undefined) return true;
  if (from.kind !== 'received' && from.kind !== 'processing') return false;
  return to.kind === 'processing' || to.kind === 'completed' || to.kind === 'failed';
}

/** The status string of the certified tree (`IngressStatus::as_str`). */
export function statusString(status: IngressStatus | undefined): string {
  const s = status?.state;
  if (s === undefined) return 'unknown';
  if (s.kind === 'completed') return s.result.kind === 'reply' ? 'replied' : 'rejected';
  return s.kind === 'failed' ? 'rejected' : s.kind;
}

interface Entry { readonly messageId: Uint8Array; readonly status: IngressStatus }

/** What a checkpoint keeps of an {@link IngressHistoryState} (src/state/checkpoint), in the maps' orders. */
export interface IngressHistoryCheckpoint {
  readonly statuses: readonly (readonly [Uint8Array, IngressStatus])[];
  /** Pruning times with the message ids enrolled (an id may be enrolled at a time after its status was pruned). */
  readonly pruningTimes: readonly (readonly [bigint, readonly Uint8Array[]])[];
  readonly nextTerminalTime: bigint;
}

/** The ingress history (see the module header). */
export class IngressHistoryState {
  #statuses = new Map<string, Entry>();
  #pruningTimes = new Map<bigint, Set<string>>();
  #nextTerminalTime = 0n;
  #memoryUsage = 0;
  #shared = false;

  /** The history as a checkpoint keeps it. */
  toCheckpoint(): IngressHistoryCheckpoint {
    return {
      statuses: [...this.#statuses.values()].map((e) => [e.messageId, e.status] as const),
      pruningTimes: [...this.#pruningTimes].map(([t, ids]) => [t, [...ids].map((k) => Uint8Array.from(Buffer.from(k, 'hex')))] as const),
      nextTerminalTime: this.#nextTerminalTime,
    };
  }

  /** The history a checkpoint kept (memory use follows from the statuses). */
  static fromCheckpoint(c: IngressHistoryCheckpoint): IngressHistoryState {
    const h = new IngressHistoryState();
    for (const [messageId, status] of c.statuses) {
      h.#statuses.set(hexOf(messageId), { messageId, status });
      h.#memoryUsage += ingressPayloadBytes(status);
    }
    for (const [t, ids] of c.pruningTimes) h.#pruningTimes.set(t, new Set(ids.map((m) => hexOf(m))));
    h.#nextTerminalTime = c.nextTerminalTime;
    h.#shared = false;
    return h;
  }

  /** A copy for a snapshot; both copy their maps on their next write. */
  fork(): IngressHistoryState {
    const h = new IngressHistoryState();
    h.#statuses = this.#statuses;
    h.#pruningTimes = this.#pruningTimes;
    h.#nextTerminalTime = this.#nextTerminalTime;
    h.#memoryUsage = this.#memoryUsage;
    h.#shared = true;
    this.#shared = true;
    return h;
  }

  #own(): void {
    if (!this.#shared) return;
    this.#statuses = new Map(this.#statuses);
    this.#pruningTimes = new Map([...this.#pruningTimes].map(([t, ids]) => [t, new Set(ids)]));
    this.#shared = false;
  }

  /** The status of `messageId`, or `undefined` (Unknown). */
  get(messageId: Uint8Array): IngressStatus | undefined {
    return this.#statuses.get(hexOf(messageId))?.status;
  }

  /** Whether the id is known (a repeated request id is not inducted again). */
  has(messageId: Uint8Array): boolean {
    return this.#statuses.has(hexOf(messageId));
  }

  get size(): number { return this.#statuses.size; }
  /**
   * An opaque token of the statuses' contents, for memoizing what is derived
   * from them (the certified `/request_status` subtree). Every write of a
   * forked history first copies its maps, so two *snapshots* (forks that are
   * no longer written) with the same token hold the same statuses. Not
   * meaningful on a history that is still being written.
   */
  get contentToken(): object { return this.#statuses; }
  /** Bytes counted against the memory cap. */
  get memoryUsage(): number { return this.#memoryUsage; }
  /** The earliest pruning time that may still hold a Completed or Failed status. */
  get nextTerminalTime(): bigint { return this.#nextTerminalTime; }

  /**
   * Sets a status after checking the transition (the replica's
   * `IngressHistoryWriter::set_status`).
   * @param time the batch time (pruning is enrolled at `time + 5 min`).
   * @param capacity the memory cap, bytes.
   * @throws {InternalBug} for an illegal transition.
   */
  setStatus(messageId: Uint8Array, status: IngressStatus, time: bigint, capacity: bigint): void {
    const current = this.get(messageId)?.state;
    if (!isValidTransition(current, status.state)) {
      throw new InternalBug(`message (id='${hexOf(messageId)}', current_status='${current?.kind ?? 'unknown'}') cannot be transitioned to '${status.state.kind}'`);
    }
    this.insert(messageId, status, time, capacity);
  }

  /** Inserts or overwrites a status without the transition check (`IngressHistoryState::insert`). */
  insert(messageId: Uint8Array, status: IngressStatus, time: bigint, capacity: bigint): void {
    this.#own();
    const key = hexOf(messageId);
    if (isTerminal(status.state)) {
      const timeout = time + MAX_INGRESS_TTL_NANOS;
      if (this.#nextTerminalTime > timeout && hasPayload(status.state)) this.#nextTerminalTime = timeout;
      let ids = this.#pruningTimes.get(timeout);
      if (ids === undefined) this.#pruningTimes.set(timeout, (ids = new Set()));
      ids.add(key);
    }
    const frozen: IngressStatus = Object.freeze({ ...status });
    this.#memoryUsage += ingressPayloadBytes(frozen);
    const old = this.#statuses.get(key);
    if (old !== undefined) this.#memoryUsage -= ingressPayloadBytes(old.status);
    this.#statuses.set(key, { messageId: Uint8Array.from(messageId), status: frozen });
    if (BigInt(this.#memoryUsage) > capacity) this.#forgetTerminalStatuses(Number(capacity));
  }

  /** Removes the entries enrolled for pruning at a time before `now`. */
  prune(now: bigint): void {
    const due = [...this.#pruningTimes.keys()].filter((t) => t < now);
    if (due.length === 0) return;
    this.#own();
    for (const t of due) {
      for (const key of this.#pruningTimes.get(t) as Set<string>) {
        const e = this.#statuses.get(key);
        if (e === undefined) continue;
        this.#memoryUsage -= ingressPayloadBytes(e.status);
        this.#statuses.delete(key);
      }
      this.#pruningTimes.delete(t);
    }
  }

  #forgetTerminalStatuses(target: number): void {
    const times = [...this.#pruningTimes.keys()].filter((t) => t >= this.#nextTerminalTime).sort((a, b) => (a < b ? -1 : 1));
    for (const t of times) {
      this.#nextTerminalTime = t;
      if (this.#memoryUsage <= target) break;
      for (const key of this.#pruningTimes.get(t) as Set<string>) {
        const e = this.#statuses.get(key);
        if (e === undefined || !hasPayload(e.status.state)) continue;
        const done: IngressStatus = Object.freeze({ ...e.status, state: { kind: 'done' } as const });
        this.#memoryUsage -= ingressPayloadBytes(e.status);
        this.#statuses.set(key, { messageId: e.messageId, status: done });
      }
    }
  }

  /** All statuses, by message id in byte order. */
  statuses(): [Uint8Array, IngressStatus][] {
    return [...this.#statuses.keys()].sort().map((k) => {
      const e = this.#statuses.get(k) as Entry;
      return [e.messageId, e.status];
    });
  }

  /** Pruning times ascending, each with its message ids in byte order. */
  pruningTimes(): [bigint, Uint8Array[]][] {
    return [...this.#pruningTimes.keys()].sort((a, b) => (a < b ? -1 : 1)).map((t) => [
      t, [...(this.#pruningTimes.get(t) as Set<string>)].sort().map((k) => this.#statuses.get(k)?.messageId ?? Uint8Array.from(Buffer.from(k, 'hex'))),
    ]);
  }
}
