/**
 * `fetch_canister_logs`: a canister's log records (`debug_print` lines and
 * `[TRAP]: …` lines from replicated executions, in a buffer of
 * `log_memory_limit` bytes that drops its oldest records), for whoever its
 * `log_visibility` admits. A query only, as in the replica's default
 * configuration (`replicated_inter_canister_log_fetch` disabled):
 *
 *     query
 *       argument does not decode                 IC0408 "Error decoding candid: …"
 *       no such canister                         IC0301 "Canister <id> not found"
 *       caller not admitted by `log_visibility`  IC0406 "Caller <p> is not allowed to access canister logs"
 *       otherwise                                `record { canister_log_records }`, filtered
 *     a canister's call (replicated)             IC0406 "fetch_canister_logs API is only accessible to end users in non-replicated mode"
 *     ingress                                    rejected by the ingress filter (IC0406 "fetch_canister_logs API is not
 *                                                accessible via ingress in replicated mode"); here, as the replica, the same
 *                                                answer as a canister's call
 *
 * The optional filter keeps the records whose `idx` (`by_idx`) or
 * `timestamp_nanos` (`by_timestamp_nanos`) is in `[start, end)`; an empty
 * range gives none. The buffer is at most 2 MiB (the largest
 * `log_memory_limit`), under the 3 MiB query reply limit, so no trimming
 * of the reply is needed.
 */
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';
import { ErrorCode, userError } from '../errors/index.ts';
import type { UserError } from '../errors/index.ts';
import type { CanisterState, ReplicatedState } from '../state/index.ts';
import type { CanisterLogRecord } from '../system-api/index.ts';
import type { CanisterId, PrincipalId } from '../types/index.ts';
import { encode, unopt } from './candid.ts';
import type { Opt } from './candid.ts';
import { reject } from './errors.ts';
import { logAccessError, namedCanister } from './read-access.ts';
import type { Handler, ManagementOutcome } from './types.ts';

const Range = IDL.Record({ start: IDL.Nat64, end: IDL.Nat64 });
export const FetchCanisterLogsArgs = IDL.Record({
  canister_id: IDL.Principal,
  filter: IDL.Opt(IDL.Variant({ by_idx: Range, by_timestamp_nanos: Range })),
});
export const CanisterLogRecordType = IDL.Record({ idx: IDL.Nat64, timestamp_nanos: IDL.Nat64, content: IDL.Vec(IDL.Nat8) });
export const FetchCanisterLogsResult = IDL.Record({ canister_log_records: IDL.Vec(CanisterLogRecordType) });

interface RangeValue { start: bigint; end: bigint }
/** Decoded `fetch_canister_logs_args`. */
export interface FetchCanisterLogsValue {
  canister_id: Principal;
  filter: Opt<{ by_idx: RangeValue } | { by_timestamp_nanos: RangeValue }>;
}

/** The records `filter` keeps, oldest first. */
export function filterLogRecords(records: readonly CanisterLogRecord[], filter: FetchCanisterLogsValue['filter']): CanisterLogRecord[] {
  const f = unopt(filter);
  if (f === undefined) return [...records];
  const byIdx = 'by_idx' in f;
  const { start, end } = byIdx ? f.by_idx : f.by_timestamp_nanos;
  if (start >= end) return [];
  return records.filter((r) => {
    const key = byIdx ? r.idx : r.timestampNanos;
    return start <= key && key < end;
  });
}

/** The `fetch_canister_logs` reply for `caller` on `canister`, or the access error. */
export function canisterLogsReply(canister: CanisterState, caller: PrincipalId, filter: FetchCanisterLogsValue['filter']): Uint8Array | UserError {
  const denied = logAccessError(canister, caller);
  if (denied !== undefined) return denied;
  const records = filterLogRecords(canister.systemState.canisterLog.records, filter);
  return encode([FetchCanisterLogsResult], [{
    canister_log_records: records.map((r) => ({ idx: r.idx, timestamp_nanos: r.timestampNanos, content: r.content })),
  }]);
}

/** `fetch_canister_logs` as a query (see the module header). */
export function readCanisterLogs(
  state: ReplicatedState, caller: PrincipalId, arg: Uint8Array, notFound: (id: CanisterId) => UserError,
): { readonly reply: Uint8Array } | { readonly error: UserError } {
  const a = namedCanister<FetchCanisterLogsValue>(state, arg, notFound, FetchCanisterLogsArgs);
  if (!a.ok) return { error: a.error };
  const r = canisterLogsReply(a.canister, caller, a.value.filter);
  return r instanceof Uint8Array ? { reply: r } : { error: r };
}

/** IC0406 for `fetch_canister_logs` in replicated mode. */
export const REPLICATED_FETCH_LOGS_ERROR: UserError = userError(
  ErrorCode.CanisterRejectedMessage, 'fetch_canister_logs API is only accessible to end users in non-replicated mode');

const fetchCanisterLogs: Handler = (): ManagementOutcome => reject(REPLICATED_FETCH_LOGS_ERROR);

export const handlers: Readonly<Record<string, Handler>> = {
  fetch_canister_logs: fetchCanisterLogs,
};
