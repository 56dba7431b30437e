/**
 * How XNet slices travel between subnets: the replica's XNet payload
 * builder (`rs/xnet/payload_builder`) on the receiving side, behind a
 * transport.
 *
 * A `XNetTransport` hands out slices of a remote subnet's stream to us,
 * from the certified (committed) state it last published. In one process
 * (`InProcessTransport`) a slice is the data itself: each subnet publishes
 * its committed state after every network round and the slice is cut from
 * it. A distributed transport (DESIGN.md "Scale-out") fetches the slice from
 * the remote subnet's XNet endpoint with its certification (a witness of
 * `/streams/<us>/…` in the remote state tree and the remote subnet's
 * signature over the root) and verifies it before handing it over; the
 * payload builder is the same.
 *
 * The payload builder of subnet S, for each other subnet R in id order:
 * asks for R's stream to S from the index S expects next (S's stream to R's
 * `signalsEnd`), and includes the slice if it brings messages, or signals
 * that let S garbage-collect its stream to R, or a `begin` past one of S's
 * reject signals. Limits: all slices together at most
 * `MAX_XNET_PAYLOAD_BYTES` (a slice's first message always fits); on a
 * system subnet at most `SYSTEM_SUBNET_STREAM_MSG_LIMIT` minus the length of
 * S's stream to R messages from R (`get_msg_limit`: a system subnet throttles
 * what it takes in by what it still has to send back).
 */
import { MAX_XNET_PAYLOAD_BYTES, SYSTEM_SUBNET_STREAM_MSG_LIMIT } from '../config/index.ts';
import type { XNetPayloadBuilder, XNetSlice } from '../consensus/index.ts';
import type { ReplicatedState, StreamSlice } from '../state/index.ts';
import { countBytes } from '../state/index.ts';
import type { SubnetId } from '../types/index.ts';

/** Where a subnet gets slices of other subnets' streams (see the module header). */
export interface XNetTransport {
  /** The subnets that may have a stream to `to`, in subnet-id byte order (`to` itself left out). */
  remotes(to: SubnetId): readonly SubnetId[];
  /**
   * The slice of `from`'s stream to `to` from index `begin`: at most
   * `maxMessages` messages and, after the first, `maxBytes` bytes of them;
   * `undefined` if `from` has no stream to `to` (or is unknown).
   */
  slice(from: SubnetId, to: SubnetId, begin: bigint, maxMessages: number, maxBytes: number): StreamSlice | undefined;
}

/** Subnets in one process handing each other their committed states (see the module header). */
export class InProcessTransport implements XNetTransport {
  readonly #published = new Map<string, { readonly subnetId: SubnetId; state: ReplicatedState }>();
  #order: string[] = [];

  /** Makes `state` (a committed snapshot of subnet `subnetId`) the one slices are cut from. */
  publish(subnetId: SubnetId, state: ReplicatedState): void {
    const key = Buffer.from(subnetId.bytesView()).toString('hex');
    const e = this.#published.get(key);
    if (e !== undefined) {
      e.state = state;
      return;
    }
    this.#published.set(key, { subnetId, state });
    this.#order = [...this.#published.keys()].sort();
  }

  remotes(to: SubnetId): readonly SubnetId[] {
    const out: SubnetId[] = [];
    for (const k of this.#order) {
      const e = this.#published.get(k);
      if (e !== undefined && !e.subnetId.equals(to)) out.push(e.subnetId);
    }
    return out;
  }

  slice(from: SubnetId, to: SubnetId, begin: bigint, maxMessages: number, maxBytes: number): StreamSlice | undefined {
    const state = this.#published.get(Buffer.from(from.bytesView()).toString('hex'))?.state;
    return state?.streams.get(to)?.slice(begin, maxMessages, maxBytes);
  }
}

/** The XNet payload builder of one subnet (see the module header). */
export class XNetPayloadBuilderImpl implements XNetPayloadBuilder {
  readonly #own: SubnetId;
  readonly #state: () => ReplicatedState;
  readonly #transport: XNetTransport;

  /** @param state the subnet's last committed state (where it expects the next messages). */
  constructor(own: SubnetId, state: () => ReplicatedState, transport: XNetTransport) {
    this.#own = own;
    this.#state = state;
    this.#transport = transport;
  }

  buildPayload(): readonly XNetSlice[] {
    const state = this.#state();
    const out: XNetSlice[] = [];
    let budget = MAX_XNET_PAYLOAD_BYTES;
    for (const remote of this.#transport.remotes(this.#own)) {
      const slice = budget > 0 ? this.#sliceFrom(state, remote, budget) : this.#sliceFrom(state, remote, 1, 0);
      if (slice === undefined) continue;
      out.push(Object.freeze({ subnetId: remote, slice }));
      for (const m of slice.messages) budget -= countBytes(m);
    }
    return Object.freeze(out);
  }

  hasPayload(): boolean {
    const state = this.#state();
    return this.#transport.remotes(this.#own).some((r) => this.#sliceFrom(state, r, 1, 1) !== undefined);
  }

  #sliceFrom(state: ReplicatedState, remote: SubnetId, maxBytes: number, maxMessages = Number.MAX_SAFE_INTEGER): StreamSlice | undefined {
    const ours = state.streams.get(remote);
    const limit = state.metadata.ownSubnetType === 'system' ? Math.max(0, SYSTEM_SUBNET_STREAM_MSG_LIMIT - (ours?.length ?? 0)) : maxMessages;
    const slice = this.#transport.slice(remote, this.#own, ours?.signalsEnd ?? 0n, Math.min(limit, maxMessages), maxBytes);
    if (slice === undefined) return undefined;
    const h = slice.header;
    const news = slice.messages.length > 0
      || (ours !== undefined && h.signalsEnd > ours.begin)
      || (ours !== undefined && ours.rejectSignals.length > 0 && ours.rejectSignals[0].index < h.begin);
    return news ? slice : undefined;
  }
}
