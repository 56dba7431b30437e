// Who may read what of a canister through the management canister, and
// the errors of the reading methods (`canister_status`, `canister_info`,
// `canister_metadata`, `fetch_canister_logs`, the subnet methods), with
// the replica's wording:
//
//     no such canister, replicated call      IC0301 "Canister <id> not found."   (errors.ts `canisterNotFound`)
//     no such canister, query                IC0301 "Canister <id> not found"    (subnet_query.rs `get_canister`)
//     status denied by `status_visibility`   IC0542 "Caller <p> is not allowed to read the canister status"
//     logs denied by `log_visibility`        IC0406 "Caller <p> is not allowed to access canister logs"
//     a canister-only method by ingress      IC0504 "<method> cannot be called by a user."  (`reject_unexpected_ingress`;
//                                                   the ingress filter normally rejects it first)
//
// A visibility (`log_visibility`, `status_visibility`): `controllers` lets
// the controllers read; `public` anyone; `allowed_viewers` the listed
// principals and the controllers (`VisibilitySettings::has_access`).
// `canister_status` is always open to the canister itself (and to subnet
// admins, which ic-exec's subnets do not have).
import type { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';
import { ErrorCode, userError } from '../errors/index.ts';
import type { UserError } from '../errors/index.ts';
import { decodeCandid } from '../messaging/index.ts';
import type { CanisterState, LogVisibility, ReplicatedState } from '../state/index.ts';
import type { CanisterId, PrincipalId } from '../types/index.ts';
import { CanisterIdRecord, toCanisterId, toPrincipal } from './candid.ts';
import type { VisibilityValue } from './candid.ts';
import { invalidPayload } from './errors.ts';

/** A method's single Candid argument, or the IC0408 error (`Error decoding candid: …`). */
export function decodeValue<T>(type: IDL.Type, arg: Uint8Array): { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: UserError } {
  try {
    return { ok: true, value: decodeCandid([type], arg)[0] as T };
  } catch (e) {
    return { ok: false, error: invalidPayload(e) };
  }
}

/**
 * The decoded argument of a method about one canister (`type` has its
 * `canister_id`) and that canister: IC0408 if the argument does not decode,
 * `notFound` (the replicated or the query wording) if there is no such
 * canister. `type` defaults to `record { canister_id }`.
 */
export function namedCanister<T extends { readonly canister_id: Principal } = { readonly canister_id: Principal }>(
  state: ReplicatedState, arg: Uint8Array, notFound: (id: CanisterId) => UserError, type: IDL.Type = CanisterIdRecord,
): { readonly ok: true; readonly canister: CanisterState; readonly value: T } | { readonly ok: false; readonly error: UserError } {
  const a = decodeValue<T>(type, arg);
  if (!a.ok) return a;
  const id = toCanisterId(a.value.canister_id);
  const canister = state.canister(id);
  return canister === undefined ? { ok: false, error: notFound(id) } : { ok: true, canister, value: a.value };
}

/** IC0301 of a query (`Canister <id> not found`). */
export function canisterNotFoundQuery(id: CanisterId): UserError {
  return userError(ErrorCode.CanisterNotFound, `Canister ${id.toText()} not found`);
}

/** IC0504 for a canister-only method that reached execution as ingress (`reject_unexpected_ingress`). */
export function unexpectedIngress(method: string): UserError {
  return userError(ErrorCode.CanisterContractViolation, `${method} cannot be called by a user.`);
}

/** Whether `visibility` lets `caller` read `canister`'s data (`VisibilitySettings::has_access`). */
export function hasAccess(visibility: LogVisibility, canister: CanisterState, caller: PrincipalId): boolean {
  switch (visibility.kind) {
    case 'public': return true;
    case 'controllers': return canister.systemState.isController(caller);
    case 'allowedViewers':
      return visibility.principals.some((p) => p.equals(caller)) || canister.systemState.isController(caller);
  }
}

/** IC0542 unless `caller` may read `canister`'s status: itself, or by its `status_visibility`. */
export function statusAccessError(canister: CanisterState, caller: PrincipalId): UserError | undefined {
  if (caller.equals(canister.canisterId) || hasAccess(canister.systemState.statusVisibility, canister, caller)) return undefined;
  return userError(ErrorCode.CanisterStatusAccessDenied, `Caller ${caller.toText()} is not allowed to read the canister status`);
}

/** IC0406 unless `caller` may fetch `canister`'s logs by its `log_visibility` (`check_log_visibility_permission`). */
export function logAccessError(canister: CanisterState, caller: PrincipalId): UserError | undefined {
  if (hasAccess(canister.systemState.logVisibility, canister, caller)) return undefined;
  return userError(ErrorCode.CanisterRejectedMessage, `Caller ${caller.toText()} is not allowed to access canister logs`);
}

/** A visibility as Candid (`log_visibility`, `snapshot_visibility`, `status_visibility`). */
export function visibilityValue(v: LogVisibility): VisibilityValue {
  switch (v.kind) {
    case 'controllers': return { controllers: null };
    case 'public': return { public: null };
    case 'allowedViewers': return { allowed_viewers: v.principals.map(toPrincipal) };
  }
}

/** The SHA-256 of `canister`'s installed module (`opt blob`). */
export function moduleHashOf(canister: CanisterState): [] | [Uint8Array] {
  const es = canister.executionState;
  return es === undefined ? [] : [Uint8Array.from(Buffer.from(es.compiled.hash, 'hex'))];
}
