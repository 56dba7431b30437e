/**
 * The network topology a subnet knows (the replica's `NetworkTopology` in
 * `SystemMetadata`, read from the registry): every subnet with its type and
 * size, and the routing table — which subnet hosts which canister id range
 * (`RoutingTable`, `rs/registry/routing_table`).
 *
 * Immutable and plain data (subnets in subnet-id byte order, each with its
 * ranges in id order), so a batch can carry it and the batch log can record
 * it: a subnet's state is a function of its batches, topology changes
 * included.
 *
 * `route(p)` (`RoutingTable::route`): the subnet whose range holds the
 * canister id `p`; else, if `p` is itself a known subnet id, that subnet
 * (requests to a subnet's management canister are addressed to the subnet
 * id); else none.
 */
import type { SubnetType } from '../config/index.ts';
import { InternalBug } from '../errors/index.ts';
import { compareIds } from '../types/index.ts';
import type { PrincipalId, SubnetId } from '../types/index.ts';
import type { CanisterIdRange } from './replicated-state.ts';
import { hexOf } from './text.ts';

/** One subnet of the network (`SubnetTopology` plus its routing-table ranges). */
export interface SubnetTopology {
  readonly subnetId: SubnetId;
  readonly subnetType: SubnetType;
  /** Nodes in the subnet (scales its fees). */
  readonly size: number;
  /** Its canister id ranges, in id order, disjoint from every other subnet's. */
  readonly ranges: readonly CanisterIdRange[];
}

interface RangeEntry { readonly start: bigint; readonly end: bigint; readonly subnet: SubnetTopology }

/** The u64 index of a canister id of the `CanisterId.fromU64` form (any principal's bytes), else `undefined`. */
function u64Of(p: PrincipalId): bigint | undefined {
  const b = p.bytesView();
  if (b.length !== 10 || b[8] !== 0x01 || b[9] !== 0x01) return undefined;
  return new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, false);
}

const u64 = (id: PrincipalId, what: string): bigint => {
  const n = u64Of(id);
  if (n === undefined) throw new InternalBug(`${what} ${id.toText()} is not a canister id of the u64 form`);
  return n;
};

/** The routing table and the subnets of the network (see the module header). */
export class NetworkTopology {
  /** Every subnet, in subnet-id byte order. */
  readonly subnets: readonly SubnetTopology[];
  readonly #ranges: readonly RangeEntry[];
  readonly #byId: ReadonlyMap<string, SubnetTopology>;

  /**
   * @throws {InternalBug} if a subnet id repeats, a range is empty or not of
   * the u64 form, or two ranges overlap (a registry that cannot be).
   */
  constructor(subnets: readonly SubnetTopology[]) {
    const sorted = [...subnets].sort((a, b) => compareIds(a.subnetId, b.subnetId));
    const byId = new Map<string, SubnetTopology>();
    const ranges: RangeEntry[] = [];
    for (const s of sorted) {
      const key = hexOf(s.subnetId.bytesView());
      if (byId.has(key)) throw new InternalBug(`subnet ${s.subnetId.toText()} appears twice in the topology`);
      const own = [...s.ranges].sort((x, y) => compareIds(x.start, y.start));
      const frozen: SubnetTopology = Object.freeze({ ...s, ranges: Object.freeze(own.map((r) => Object.freeze({ ...r }))) });
      byId.set(key, frozen);
      for (const r of own) {
        const [start, end] = [u64(r.start, 'range start'), u64(r.end, 'range end')];
        if (end < start) throw new InternalBug(`empty canister range ${r.start.toText()}..${r.end.toText()}`);
        ranges.push({ start, end, subnet: frozen });
      }
    }
    ranges.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
    for (let i = 1; i < ranges.length; i++) {
      if (ranges[i].start <= ranges[i - 1].end) throw new InternalBug('overlapping canister ranges in the routing table');
    }
    this.subnets = Object.freeze([...byId.values()]);
    this.#ranges = Object.freeze(ranges);
    this.#byId = byId;
  }

  /** A network of one subnet (a replica on its own). */
  static single(subnetId: SubnetId, subnetType: SubnetType, ranges: readonly CanisterIdRange[], size = 13): NetworkTopology {
    return new NetworkTopology([{ subnetId, subnetType, size, ranges }]);
  }

  /** The subnet `id`, if known. */
  subnet(id: SubnetId): SubnetTopology | undefined {
    return this.#byId.get(hexOf(id.bytesView()));
  }

  /** The subnet hosting `principal` (see the module header). */
  route(principal: PrincipalId): SubnetId | undefined {
    const n = u64Of(principal);
    if (n !== undefined) {
      const r = this.#ranges;
      let lo = 0;
      let hi = r.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (n < r[mid].start) hi = mid - 1;
        else if (n > r[mid].end) lo = mid + 1;
        else return r[mid].subnet.subnetId;
      }
    }
    return this.#byId.get(hexOf(principal.bytesView()))?.subnetId;
  }

  /** The ranges of subnet `id` (none if unknown). */
  rangesOf(id: SubnetId): readonly CanisterIdRange[] {
    return this.subnet(id)?.ranges ?? [];
  }

  /** This topology with `subnet` added (or replaced). */
  with(subnet: SubnetTopology): NetworkTopology {
    return new NetworkTopology([...this.subnets.filter((s) => !s.subnetId.equals(subnet.subnetId)), subnet]);
  }
}
