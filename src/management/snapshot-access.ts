// Shared steps of the snapshot methods: the target canister (IC0301 with the
// execution environment's `Canister <id> not found.`), who may act on it
// (controllers; `snapshot_visibility` widens the read-only methods), the
// snapshot id (IC0408 if it is not one), the snapshot (IC0305), the snapshot a
// new one replaces or room for one (IC0406), the heap-delta
// rate limit (IC0210) and the canister-history origin of a call.
import type { Principal } from '@dfinity/principal';
import { MAX_NUMBER_OF_SNAPSHOTS_PER_CANISTER } from '../config/index.ts';
import type { CanisterChangeOrigin, CanisterSnapshot, CanisterState, SnapshotId } from '../state/index.ts';
import { parseSnapshotId } from '../state/index.ts';
import type { UserError } from '../errors/index.ts';
import { CanisterId } from '../types/index.ts';
import type { PrincipalId } from '../types/index.ts';
import { toCanisterId } from './candid.ts';
import type { BlobValue } from './snapshot-candid.ts';
import { bytesOf } from './snapshot-candid.ts';
import { canisterNotFound, notController } from './errors.ts';
import { heapDeltaRateLimited, invalidSnapshotId, snapshotLimitExceeded, snapshotNotFound } from './snapshot-errors.ts';
import type { ManagementCall, ManagementContext } from './types.ts';

/** A step's result: the value, or the error to reject with. */
export type Step<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: UserError };

const ok = <T>(value: T): Step<T> => ({ ok: true, value });
const fail = <T>(error: UserError): Step<T> => ({ ok: false, error });

/** Who may use a method: controllers, or (read-only methods) whoever `snapshot_visibility` admits. */
export type SnapshotAccess = 'controllers' | 'viewers';

/** Whether `sender` may read `canister`'s snapshots (`snapshot_visibility`; controllers always may). */
export function maySeeSnapshots(canister: CanisterState, sender: PrincipalId): boolean {
  const sys = canister.systemState;
  if (sys.isController(sender)) return true;
  const v = sys.snapshotVisibility;
  if (v.kind === 'public') return true;
  return v.kind === 'allowedViewers' && v.principals.some((p) => p.equals(sender));
}

/** The target canister if it exists and `call.sender` has `access` to it. */
export function snapshotTarget(ctx: ManagementContext, call: ManagementCall, canisterId: Principal, access: SnapshotAccess): Step<CanisterState> {
  const id = toCanisterId(canisterId);
  const canister = ctx.state.canister(id);
  if (canister === undefined) return fail(canisterNotFound(id));
  const allowed = access === 'viewers' ? maySeeSnapshots(canister, call.sender) : canister.systemState.isController(call.sender);
  return allowed ? ok(canister) : fail(notController(canister, call.sender));
}

/** The snapshot id in `bytes`. */
export function snapshotIdOf(bytes: BlobValue): Step<SnapshotId> {
  const id = parseSnapshotId(bytesOf(bytes));
  return typeof id === 'string' ? fail(invalidSnapshotId(id)) : ok(id);
}

/** The snapshot `id` of `canister` (IC0305 if it has none with that id, whoever's id it is). */
export function snapshotOf(canister: CanisterState, id: SnapshotId): Step<CanisterSnapshot> {
  const s = canister.snapshots.get(id.bytes);
  return s === undefined ? fail(snapshotNotFound(canister.canisterId, id)) : ok(s);
}

/** The target canister (as {@link snapshotTarget}) and its snapshot named by `snapshotIdBytes` (IC0408, IC0305). */
export function targetSnapshot(
  ctx: ManagementContext, call: ManagementCall, canisterId: Principal, snapshotIdBytes: BlobValue, access: SnapshotAccess,
): Step<{ readonly canister: CanisterState; readonly snapshot: CanisterSnapshot }> {
  const t = snapshotTarget(ctx, call, canisterId, access);
  if (!t.ok) return t;
  const id = snapshotIdOf(snapshotIdBytes);
  if (!id.ok) return fail(id.error);
  const s = snapshotOf(t.value, id.value);
  return s.ok ? ok({ canister: t.value, snapshot: s.value }) : fail(s.error);
}

/**
 * The snapshot a new one replaces (`replace_snapshot`: one of the canister's,
 * IC0305), or none; without one the canister must have room for another
 * (IC0406 at {@link MAX_NUMBER_OF_SNAPSHOTS_PER_CANISTER}).
 */
export function snapshotToReplace(canister: CanisterState, replaceBytes: BlobValue | undefined): Step<CanisterSnapshot | undefined> {
  if (replaceBytes !== undefined) {
    const id = snapshotIdOf(replaceBytes);
    return id.ok ? snapshotOf(canister, id.value) : fail(id.error);
  }
  if (canister.snapshots.count >= MAX_NUMBER_OF_SNAPSHOTS_PER_CANISTER) {
    return fail(snapshotLimitExceeded(canister.canisterId, MAX_NUMBER_OF_SNAPSHOTS_PER_CANISTER));
  }
  return ok(undefined);
}

/** IC0210 when the canister is heap-delta rate limited (`heap_delta_debit ≥ heap_delta_rate_limit`). */
export function heapDeltaLimit(ctx: ManagementContext, canister: CanisterState): UserError | undefined {
  const debit = canister.schedulerState.heapDeltaDebit;
  const limit = ctx.env.execution.config.heapDeltaRateLimit;
  return debit >= limit ? heapDeltaRateLimited(canister.canisterId, debit, limit) : undefined;
}

/** The canister-history origin of a call (`canister_change_origin`): the calling canister, or the user. */
export function changeOrigin(call: ManagementCall, senderCanisterVersion: bigint | undefined): CanisterChangeOrigin {
  if (call.message.kind === 'request') {
    return { kind: 'fromCanister', canisterId: CanisterId.fromPrincipalId(call.sender), ...(senderCanisterVersion === undefined ? {} : { canisterVersion: senderCanisterVersion }) };
  }
  return { kind: 'fromUser', userId: call.sender };
}
