// Who may act on a canister: the target must exist (IC0301) and the sender
// must be one of its controllers (IC0512) — or, for the methods that allow
// it, the canister itself.
import type { CanisterState } from '../state/index.ts';
import type { CanisterId, PrincipalId } from '../types/index.ts';
import { canisterNotFound, notController } from './errors.ts';
import type { ManagementContext, ManagementOutcome } from './types.ts';

/** Who may call a method on a canister. */
export type Access = 'anyone' | 'controllers' | 'controllersOrSelf';

/**
 * The canister `id` if it exists and `sender` has `access`; otherwise the
 * reject to answer. The canister returned is the state's shared copy: a
 * method that changes it takes `ctx.state.canisterMut(id)` at its commit point.
 */
export function targetCanister(
  ctx: ManagementContext, id: CanisterId, sender: PrincipalId, access: Access,
): { readonly ok: true; readonly canister: CanisterState } | { readonly ok: false; readonly outcome: ManagementOutcome } {
  const found = ctx.state.canister(id);
  if (found === undefined) return { ok: false, outcome: { kind: 'reject', error: canisterNotFound(id) } };
  const allowed = access === 'anyone' || found.systemState.isController(sender)
    || (access === 'controllersOrSelf' && found.canisterId.equals(sender));
  if (!allowed) return { ok: false, outcome: { kind: 'reject', error: notController(found, sender) } };
  return { ok: true, canister: found };
}
