/**
 * `InputSchedule` (the replica's name, `queues/input_schedule.rs`): the
 * round-robin of `pop_input` over the three input sources — local subnet →
 * ingress → remote subnet → …, starting with local — and, within each
 * canister source, over senders in the order their input queues became
 * non-empty (FIFO; a sender is scheduled at most once, in either list).
 */
import type { CanisterId } from '../types/index.ts';
import { hexOf } from './text.ts';

/** An input source of `pop_input` (`InputSource`). */
export type InputSource = 'localSubnet' | 'ingress' | 'remoteSubnet';
/** Whether a sender is on this subnet (`InputQueueType`). */
export type InputQueueType = 'localSubnet' | 'remoteSubnet';

const NEXT_SOURCE: Readonly<Record<InputSource, InputSource>> = {
  localSubnet: 'ingress', ingress: 'remoteSubnet', remoteSubnet: 'localSubnet',
};

/** What a checkpoint keeps of an {@link InputSchedule}. */
export interface InputScheduleCheckpoint {
  readonly nextInputSource: InputSource;
  readonly local: readonly CanisterId[];
  readonly remote: readonly CanisterId[];
}

/** Round-robin over input sources and, within each canister source, over senders. */
export class InputSchedule {
  nextInputSource: InputSource = 'localSubnet';
  local: CanisterId[] = [];
  remote: CanisterId[] = [];
  readonly #scheduled = new Set<string>();

  /** The schedule as a checkpoint keeps it. */
  toCheckpoint(): InputScheduleCheckpoint {
    return { nextInputSource: this.nextInputSource, local: this.local.slice(), remote: this.remote.slice() };
  }

  /** The schedule a checkpoint kept (the scheduled set is the senders listed). */
  static fromCheckpoint(c: InputScheduleCheckpoint): InputSchedule {
    const s = new InputSchedule();
    s.nextInputSource = c.nextInputSource;
    s.local = c.local.slice();
    s.remote = c.remote.slice();
    for (const id of [...s.local, ...s.remote]) s.#scheduled.add(hexOf(id.bytesView()));
    return s;
  }

  clone(): InputSchedule {
    const s = new InputSchedule();
    s.nextInputSource = this.nextInputSource;
    s.local = this.local.slice();
    s.remote = this.remote.slice();
    for (const k of this.#scheduled) s.#scheduled.add(k);
    return s;
  }

  /** Returns the current source and advances to the next. */
  advance(): InputSource {
    const s = this.nextInputSource;
    this.nextInputSource = NEXT_SOURCE[s];
    return s;
  }

  /** Appends `sender` to the schedule of `type` unless it is scheduled already (in either). */
  schedule(sender: CanisterId, type: InputQueueType): void {
    const key = hexOf(sender.bytesView());
    if (this.#scheduled.has(key)) return;
    this.#scheduled.add(key);
    (type === 'localSubnet' ? this.local : this.remote).push(sender);
  }

  peek(type: InputQueueType): CanisterId | undefined {
    return (type === 'localSubnet' ? this.local : this.remote)[0];
  }

  /** Moves the front sender of `type` to the back. */
  reschedule(type: InputQueueType): void {
    const list = type === 'localSubnet' ? this.local : this.remote;
    const s = list.shift();
    if (s !== undefined) list.push(s);
  }

  /** Removes and returns the front sender of `type`. */
  pop(type: InputQueueType): CanisterId | undefined {
    const s = (type === 'localSubnet' ? this.local : this.remote).shift();
    if (s !== undefined) this.#scheduled.delete(hexOf(s.bytesView()));
    return s;
  }
}
