/**
 * Which part of two states differs, in words — for `replay`'s divergence
 * report: canisters only on one side, canisters whose `canisterStateHash`
 * differs (with the parts that tell cheaply: cycles, module, heap, stable
 * memory, certified data), else the subnet's own parts.
 */
import { canisterStateHash } from '../state/index.ts';
import type { CanisterState, ReplicatedState } from '../state/index.ts';

/** Canisters named in a description before "and n more". */
const LISTED = 5;

const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.compare(a, b) === 0;

function listed(ids: readonly string[]): string {
  const shown = ids.slice(0, LISTED).join(', ');
  return ids.length > LISTED ? `${shown} and ${ids.length - LISTED} more` : shown;
}

/** The cheap parts of a canister that differ between `a` (expected) and `b` (got). */
function canisterParts(a: CanisterState, b: CanisterState): string[] {
  const parts: string[] = [];
  const x = a.executionState;
  const y = b.executionState;
  if (a.systemState.balance !== b.systemState.balance) parts.push(`cycles ${a.systemState.balance} expected, ${b.systemState.balance} got`);
  if ((x === undefined) !== (y === undefined) || (x !== undefined && y !== undefined && x.compiled.hash !== y.compiled.hash)) parts.push('module');
  if (x !== undefined && y !== undefined) {
    if (!same(x.heap.contentHash(), y.heap.contentHash()) || x.heapSizePages !== y.heapSizePages) parts.push('heap memory');
    if (!same(x.stable.pages.contentHash(), y.stable.pages.contentHash()) || x.stable.sizePages !== y.stable.sizePages) parts.push('stable memory');
  }
  if (!same(a.systemState.certifiedData, b.systemState.certifiedData)) parts.push('certified data');
  return parts;
}

/** What differs between `expected` and `actual` (see the module header). */
export function describeDifference(expected: ReplicatedState, actual: ReplicatedState): string {
  const out: string[] = [];
  if (expected.metadata.height !== actual.metadata.height) out.push(`height ${expected.metadata.height} expected, ${actual.metadata.height} got`);
  if (expected.time !== actual.time) out.push(`batch time ${expected.time} expected, ${actual.time} got`);
  const theirs = new Map(expected.canisters().map((c) => [c.canisterId.toText(), c] as const));
  const ours = new Map(actual.canisters().map((c) => [c.canisterId.toText(), c] as const));
  const missing = [...theirs.keys()].filter((id) => !ours.has(id));
  const extra = [...ours.keys()].filter((id) => !theirs.has(id));
  if (missing.length > 0) out.push(`canisters missing: ${listed(missing)}`);
  if (extra.length > 0) out.push(`canisters not expected: ${listed(extra)}`);
  const differing: string[] = [];
  for (const [id, c] of theirs) {
    const o = ours.get(id);
    if (o === undefined || same(canisterStateHash(c), canisterStateHash(o))) continue;
    const parts = canisterParts(c, o);
    differing.push(`${id} (${parts.length === 0 ? 'queues, call contexts or other system state' : parts.join('; ')})`);
  }
  if (differing.length === 1) out.push(`canister ${differing[0].replace(' (', ' differs (')}`);
  else if (differing.length > 1) out.push(`${differing.length} canisters differ: ${listed(differing)}`);
  if (out.length === 0) out.push('every canister is the same: the subnet\'s own state differs (ingress history, id allocation, metrics, subnet queues or streams)');
  return out.join('; ');
}
