/**
 * An instance's subnets as PocketIC lays them out (`rs/pocket_ic_server/
 * src/pocket_ic.rs`): the `subnet_config_set` of `POST /instances` read
 * into a plan — one subnet per named kind (NNS, SNS, II, fiduciary,
 * bitcoin) and per entry of `system`, `application`,
 * `verified_application`, in that order, NNS first — with canister ranges:
 * - named kinds keep their mainnet ranges (user-specified ids) and get an
 *   allocation range for new ids;
 * - the others get one range of 2^20 ids each, handed out from the top of
 *   the u64 id space down (`RangeGen`), skipping assigned ones;
 * and the kind's size (13 nodes, fiduciary 34, SNS 34, II 34, NNS 40) and
 * replica subnet type (application: Application, Fiduciary, SNS;
 * system: NNS, II, Bitcoin, System).
 * The default effective canister id is the first id of the first
 * application subnet (else verified-application, else system, else the
 * first subnet): its allocation range if it has one, else its first range.
 */
import { createHash } from 'node:crypto';
import type { CanisterIdRange } from '../state/index.ts';
import { CanisterId, compareIds } from '../types/index.ts';
import type { PrincipalId } from '../types/index.ts';
import type { JsonValue } from './json.ts';
import { bad, isObject, ok } from './wire.ts';
import type { Read } from './wire.ts';

export type SubnetKind = 'Application' | 'Bitcoin' | 'Fiduciary' | 'II' | 'NNS' | 'SNS' | 'System' | 'VerifiedApplication';

/** One subnet of an instance, before it exists. */
export interface SubnetPlan {
  readonly kind: SubnetKind;
  /** Ranges for user-specified ids (named kinds: the mainnet ones; others: the one range). */
  readonly ranges: readonly CanisterIdRange[];
  /** Where new ids come from on named kinds. */
  readonly allocRange: CanisterIdRange | undefined;
  readonly size: number;
  readonly subnetType: 'application' | 'system';
  readonly instructionConfig: 'Production' | 'Benchmarking';
  readonly costSchedule: 'Normal' | 'Free';
  /** SHA-256 over the ranges (`subnet_seed`): also the seed of the subnet's key, hence of its id. */
  readonly seed: Uint8Array;
}

const IDS_PER_SUBNET = 1n << 20n;

const NAMED_RANGES: Readonly<Partial<Record<SubnetKind, readonly (readonly [string, string])[]>>> = {
  NNS: [['rwlgt-iiaaa-aaaaa-aaaaa-cai', 'renrk-eyaaa-aaaaa-aaada-cai'], ['qoctq-giaaa-aaaaa-aaaea-cai', 'n5n4y-3aaaa-aaaaa-p777q-cai']],
  II: [['rdmx6-jaaaa-aaaaa-aaadq-cai', 'rdmx6-jaaaa-aaaaa-aaadq-cai'], ['uc7f6-kaaaa-aaaaq-qaaaa-cai', 'ijz7v-ziaaa-aaaaq-7777q-cai']],
  Bitcoin: [['g3wsl-eqaaa-aaaan-aaaaa-cai', '2qqia-xyaaa-aaaan-p777q-cai']],
  Fiduciary: [['mf7xa-laaaa-aaaar-qaaaa-cai', 'qoznl-yiaaa-aaaar-7777q-cai']],
  SNS: [['ybpmr-kqaaa-aaaaq-aaaaa-cai', 'ekjw2-zyaaa-aaaaq-p777q-cai']],
};

const SIZE: Readonly<Record<SubnetKind, number>> = {
  Application: 13, VerifiedApplication: 13, Fiduciary: 34, SNS: 34, Bitcoin: 13, II: 34, NNS: 40, System: 13,
};

const SUBNET_TYPE: Readonly<Record<SubnetKind, 'application' | 'system'>> = {
  // VerifiedApplication is an application subnet here: the replica models no verified-application subnet type.
  Application: 'application', Fiduciary: 'application', SNS: 'application', VerifiedApplication: 'application',
  NNS: 'system', II: 'system', Bitcoin: 'system', System: 'system',
};

const range = (start: CanisterId, end: CanisterId): CanisterIdRange => ({ start, end });
const u64 = (id: CanisterId): bigint => id.toU64() ?? 0n;
const overlaps = (a: CanisterIdRange, b: CanisterIdRange): boolean => u64(a.start) <= u64(b.end) && u64(b.start) <= u64(a.end);

/** Whether `id` lies in `r` (principal byte order, as the routing table compares). */
export function rangeContains(r: CanisterIdRange, id: PrincipalId): boolean {
  return compareIds(r.start, id) <= 0 && compareIds(id, r.end) <= 0;
}

/** Hands out free ranges of 2^20 ids from the top of the id space (`RangeGen`). */
class RangeGen {
  readonly #assigned: CanisterIdRange[] = [];
  #offset = 0n;

  assign(ranges: readonly CanisterIdRange[]): void { this.#assigned.push(...ranges); }

  next(): CanisterIdRange {
    for (;;) {
      const slot = ((1n << 64n) - 1n) / IDS_PER_SUBNET - 1n - this.#offset++;
      const r = range(CanisterId.fromU64(slot * IDS_PER_SUBNET), CanisterId.fromU64((slot + 1n) * IDS_PER_SUBNET - 1n));
      if (!this.#assigned.some((a) => overlaps(a, r))) { this.#assigned.push(r); return r; }
    }
  }
}

function seedOf(ranges: readonly CanisterIdRange[]): Uint8Array {
  const text = [...ranges].sort((a, b) => (u64(a.start) < u64(b.start) ? -1 : 1)).map((r) => `${r.start.toText()}..${r.end.toText()}`).join(',');
  return new Uint8Array(createHash('sha256').update(text).digest());
}

interface SpecFlags { instructionConfig: 'Production' | 'Benchmarking'; costSchedule: 'Normal' | 'Free' }

function readSpec(v: JsonValue | undefined, what: string): Read<SpecFlags | undefined> {
  if (v === undefined || v === null) return ok(undefined);
  if (!isObject(v)) return bad(`${what}: expected a subnet spec object`);
  const state = v['state_config'];
  if (state !== undefined && state !== 'New') {
    return bad(`${what}: state_config ${JSON.stringify(state)} is not supported by ic-exec (only "New": subnets start empty)`);
  }
  const ic = v['instruction_config'] ?? 'Production';
  if (ic !== 'Production' && ic !== 'Benchmarking') return bad(`${what}: unknown instruction_config ${JSON.stringify(ic)}`);
  const cs = v['cost_schedule'] ?? 'Normal';
  if (cs !== 'Normal' && cs !== 'Free') return bad(`${what}: unknown cost_schedule ${JSON.stringify(cs)}`);
  return ok({ instructionConfig: ic, costSchedule: cs });
}

/**
 * Plans the subnets of `subnet_config_set` (see the module header).
 * @returns the plans in creation order (NNS first), or the error `POST /instances` answers.
 */
export function planSubnets(set: JsonValue | undefined): Read<SubnetPlan[]> {
  if (!isObject(set)) return bad('subnet_config_set: expected an object');
  const wanted: Array<{ kind: SubnetKind; flags: SpecFlags }> = [];
  for (const [key, kind] of [['nns', 'NNS'], ['sns', 'SNS'], ['ii', 'II'], ['fiduciary', 'Fiduciary'], ['bitcoin', 'Bitcoin']] as const) {
    const s = readSpec(set[key], key);
    if (!s.ok) return s;
    if (s.value !== undefined) wanted.push({ kind, flags: s.value });
  }
  for (const [key, kind] of [['system', 'System'], ['application', 'Application'], ['verified_application', 'VerifiedApplication']] as const) {
    const list = set[key] ?? [];
    if (!Array.isArray(list)) return bad(`${key}: expected an array of subnet specs`);
    for (const [i, item] of list.entries()) {
      const s = readSpec(item, `${key}[${i}]`);
      if (!s.ok) return s;
      wanted.push({ kind, flags: s.value ?? { instructionConfig: 'Production', costSchedule: 'Normal' } });
    }
  }
  if (wanted.length === 0) return bad('ExtendedSubnetConfigSet must contain at least one subnet');
  const gen = new RangeGen();
  for (const w of wanted) gen.assign((NAMED_RANGES[w.kind] ?? []).map(([s, e]) => range(CanisterId.fromText(s), CanisterId.fromText(e))));
  const plans = wanted.map(({ kind, flags }): SubnetPlan => {
    const named = NAMED_RANGES[kind];
    const ranges = named === undefined ? [gen.next()] : named.map(([s, e]) => range(CanisterId.fromText(s), CanisterId.fromText(e)));
    const allocRange = named === undefined ? undefined : gen.next();
    return {
      kind, ranges, allocRange, size: SIZE[kind], subnetType: SUBNET_TYPE[kind], ...flags,
      seed: seedOf(allocRange === undefined ? ranges : [...ranges, allocRange]),
    };
  });
  return ok([...plans.filter((p) => p.kind === 'NNS'), ...plans.filter((p) => p.kind !== 'NNS')]);
}

/** Every range of a subnet (its own, then the allocation range), as the topology lists them. */
export const allRanges = (p: SubnetPlan): CanisterIdRange[] => (p.allocRange === undefined ? [...p.ranges] : [...p.ranges, p.allocRange]);

/** The ranges a replica allocates from, in order: the allocation range first on named kinds. */
export const allocationOrder = (p: SubnetPlan): CanisterIdRange[] => (p.allocRange === undefined ? [...p.ranges] : [p.allocRange, ...p.ranges]);

/** The plan whose first id is the instance's default effective canister id (see the module header). */
export function defaultSubnet<T extends { readonly plan: SubnetPlan }>(subnets: readonly T[]): T | undefined {
  for (const kind of ['Application', 'VerifiedApplication', 'System'] as const) {
    const s = subnets.find((x) => x.plan.kind === kind);
    if (s !== undefined) return s;
  }
  return subnets[0];
}

/** The first id of a subnet: the start of its allocation range, else of its first range. */
export const firstId = (p: SubnetPlan): CanisterId => (p.allocRange ?? (p.ranges[0] as CanisterIdRange)).start;
