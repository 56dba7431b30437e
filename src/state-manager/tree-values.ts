/**
 * The values of the state tree (interface spec, "The system state tree";
 * http_interface.md §6.6) and the per-object subtrees, memoized:
 *
 *     nat     LEB128                        text   UTF-8
 *     controllers, canister_ranges          55799([bytes…]), 55799([[start, end]…])
 *     metrics  { num_canisters, canister_state_bytes,
 *                consumed_cycles_total: { 0: low u64, 1: high u64 | null },
 *                update_transactions_total }           (a CBOR map, in this order)
 *
 *     /request_status/<id>/status           received | processing | replied | rejected | done
 *                         /reply            replied only
 *                         /reject_code      rejected only: a canister's reject is 4 (IC0406);
 *                         /reject_message     a failure's code is its error code's first digit
 *                         /error_code         (IC0xxx)
 *
 * A request status subtree is built once per `IngressStatus` object (the
 * history stores frozen statuses and replaces them on change), so a height
 * rebuilds only the statuses that changed since the last.
 */
import { encode, encodeWithSelfDescribedTag } from '@dfinity/cbor';
import { concatBytes } from '../crypto/index.ts';
import { ErrorCode, formatErrorCode, rejectCodeOf } from '../errors/index.ts';
import type { CanisterIdRange, IngressStatus } from '../state/index.ts';
import type { PrincipalId } from '../types/index.ts';
import { compareLabels, labelBytes } from './hash-tree.ts';
import { LabeledNode, internLeaf } from './labeled-tree.ts';
import type { LabeledTree } from './labeled-tree.ts';

const utf8 = new TextEncoder();

/** LEB128 of a natural number. */
export function natLeaf(n: bigint): Uint8Array {
  if (n < 0n) throw new RangeError(`not a natural number: ${n}`);
  const out: number[] = [];
  do {
    let b = Number(n & 0x7fn);
    n >>= 7n;
    if (n !== 0n) b |= 0x80;
    out.push(b);
  } while (n !== 0n);
  return Uint8Array.from(out);
}

/** UTF-8 of a text. */
export function textLeaf(s: string): Uint8Array {
  return utf8.encode(s);
}

const principalBytes = (p: PrincipalId): Uint8Array => Uint8Array.from(p.bytesView());

/** `/canister/<id>/controllers`: `55799([principal bytes…])`. */
export function controllersLeaf(controllers: readonly PrincipalId[]): Uint8Array {
  return encodeWithSelfDescribedTag(controllers.map(principalBytes));
}

/** `canister_ranges` (flat, or one shard): `55799([[start, end]…])`. */
export function canisterRangesLeaf(ranges: readonly CanisterIdRange[]): Uint8Array {
  return encodeWithSelfDescribedTag(ranges.map((r) => [principalBytes(r.start), principalBytes(r.end)]));
}

/** What `/subnet/<id>/metrics` reports. */
export interface SubnetMetrics {
  readonly numCanisters: bigint;
  readonly canisterStateBytes: bigint;
  readonly consumedCyclesTotal: bigint;
  readonly updateTransactionsTotal: bigint;
}

const U64_MASK = (1n << 64n) - 1n;

/** `/subnet/<id>/metrics` (see the module header; the map is written by hand to keep its integer keys). */
export function metricsLeaf(m: SubnetMetrics): Uint8Array {
  const high = m.consumedCyclesTotal >> 64n;
  const parts = [
    Uint8Array.of(0xa4),
    encode('num_canisters'), encode(m.numCanisters),
    encode('canister_state_bytes'), encode(m.canisterStateBytes),
    encode('consumed_cycles_total'), Uint8Array.of(0xa2), encode(0), encode(m.consumedCyclesTotal & U64_MASK), encode(1), encode(high === 0n ? null : high),
    encode('update_transactions_total'), encode(m.updateTransactionsTotal),
  ];
  return concatBytes(...parts);
}

// Shared leaves (digests computed once) and the subtrees' labels, in label order.
const STATUS = {
  received: internLeaf(textLeaf('received')), processing: internLeaf(textLeaf('processing')), replied: internLeaf(textLeaf('replied')),
  rejected: internLeaf(textLeaf('rejected')), done: internLeaf(textLeaf('done')),
} as const;
const CANISTER_REJECT = {
  code: internLeaf(natLeaf(BigInt(rejectCodeOf(ErrorCode.CanisterRejectedMessage)))),
  errorCode: internLeaf(textLeaf(formatErrorCode(ErrorCode.CanisterRejectedMessage))),
};
const L = {
  errorCode: labelBytes('error_code'), rejectCode: labelBytes('reject_code'), rejectMessage: labelBytes('reject_message'),
  reply: labelBytes('reply'), status: labelBytes('status'),
};

function rejected(rejectCode: Uint8Array, message: string, errorCode: Uint8Array): LabeledNode {
  return LabeledNode.fromSorted([[L.errorCode, errorCode], [L.rejectCode, rejectCode], [L.rejectMessage, textLeaf(message)], [L.status, STATUS.rejected]]);
}

function buildStatusSubtree(status: IngressStatus): LabeledNode {
  const s = status.state;
  switch (s.kind) {
    case 'received': case 'processing': case 'done':
      return LabeledNode.fromSorted([[L.status, STATUS[s.kind]]]);
    case 'completed':
      return s.result.kind === 'reply'
        ? LabeledNode.fromSorted([[L.reply, s.result.payload], [L.status, STATUS.replied]])
        : rejected(CANISTER_REJECT.code, s.result.message, CANISTER_REJECT.errorCode);
    case 'failed':
      return rejected(natLeaf(BigInt(rejectCodeOf(s.error.code))), s.error.description, textLeaf(formatErrorCode(s.error.code)));
  }
}

const statusSubtrees = new WeakMap<IngressStatus, LabeledNode>();

/** `/request_status/<id>` for one status (memoized per status object). */
export function requestStatusSubtree(status: IngressStatus): LabeledNode {
  let t = statusSubtrees.get(status);
  if (t === undefined) statusSubtrees.set(status, (t = buildStatusSubtree(status)));
  return t;
}

/** The statuses of an ingress history in message id order (`IngressHistoryState.statuses()`). */
export type SortedStatuses = readonly (readonly [Uint8Array, IngressStatus])[];

/**
 * The `/request_status` node of `statuses`. Given the node of an earlier
 * history, it is patched with the differences (a merge of the two sorted
 * lists comparing status objects: O(n) pointer comparisons, then the changed
 * paths only); many differences rebuild it instead.
 */
export function requestStatusNode(statuses: SortedStatuses, previous?: { readonly statuses: SortedStatuses; readonly node: LabeledNode }): LabeledNode {
  if (previous === undefined) return LabeledNode.fromSorted(statuses.map(([id, s]) => [id, requestStatusSubtree(s)] as const));
  const set: (readonly [Uint8Array, LabeledNode])[] = [];
  const remove: Uint8Array[] = [];
  const old = previous.statuses;
  let i = 0;
  let j = 0;
  while (i < old.length || j < statuses.length) {
    const c = i === old.length ? 1 : j === statuses.length ? -1 : old[i][0] === statuses[j][0] ? 0 : compareLabels(old[i][0], statuses[j][0]);
    if (c < 0) remove.push(old[i++][0]);
    else if (c > 0) { set.push([statuses[j][0], requestStatusSubtree(statuses[j][1])]); j++; }
    else {
      if (old[i][1] !== statuses[j][1]) set.push([statuses[j][0], requestStatusSubtree(statuses[j][1])]);
      i++;
      j++;
    }
    if ((set.length + remove.length) * 16 > statuses.length + 64) return requestStatusNode(statuses);
  }
  return previous.node.with({ set, remove });
}

/** A subtree from optional children (absent ones left out). */
export function nodeOf(children: Readonly<Record<string, LabeledTree | undefined>>): LabeledNode {
  return LabeledNode.from(Object.entries(children).filter((e): e is [string, LabeledTree] => e[1] !== undefined));
}
