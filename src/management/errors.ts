// The management canister's user-visible errors (the replica's
// `CanisterManagerError` → `UserError` conversions) shared by several methods.
import { ErrorCode, docRef, userError } from '../errors/index.ts';
import type { UserError } from '../errors/index.ts';
import type { CanisterState } from '../state/index.ts';
import type { CanisterId, PrincipalId } from '../types/index.ts';
import type { ManagementOutcome } from './types.ts';

/**
 * The help line the replica appends to a canister manager error
 * (`\n<suggestion> See documentation: <link>`); `anchor` is a section of the
 * execution-errors documentation, or `{ raw }` for the few errors whose link
 * is a bare anchor in the replica.
 */
export function managerHelp(suggestion: string, anchor: string | { readonly raw: string }): string {
  return `\n${suggestion} See documentation: ${typeof anchor === 'string' ? docRef(anchor) : anchor.raw}`;
}

/** The help line of errors the replica blames on itself (`ErrorHelp::InternalError`). */
export const INTERNAL_ERROR_HELP = '\nThis is an internal error on the IC. Please report it to IC devs on the forum: https://forum.dfinity.org';

/**
 * `Canister <id> not found.` (IC0301): the execution environment's text
 * (`get_canister`, `deposit_cycles`), used by most methods.
 */
export function canisterNotFound(id: CanisterId): UserError {
  return userError(ErrorCode.CanisterNotFound, `Canister ${id.toText()} not found.`);
}

/** IC0301 as the canister manager words it (`stop_canister`, `delete_canister`, `uninstall_code`): with its help line. */
export function canisterNotFoundWithHelp(id: CanisterId): UserError {
  return userError(ErrorCode.CanisterNotFound,
    `Canister ${id.toText()} not found.${managerHelp('Check the ICP dashboard to ensure the canister exists.', 'canister-not-found')}`);
}

/** IC0512: `Only the controllers of the canister <id> can control it. …` with the replica's help line. */
export function notController(canister: CanisterState, sender: PrincipalId): UserError {
  const id = canister.canisterId.toText();
  const controllers = canister.systemState.controllers.map((c) => c.toText()).join(' ');
  return userError(ErrorCode.CanisterInvalidController,
    `Only the controllers of the canister ${id} can control it.\nCanister's controllers: ${controllers}\nSender's ID: ${sender.toText()}`
    + managerHelp('Execute this call from a controller of the target canister or add the current caller as a controller.', 'invalid-controller'));
}

/** IC0408 for an argument that does not decode as the method's Candid type. */
export function invalidPayload(e: unknown): UserError {
  return userError(ErrorCode.InvalidManagementPayload, `Error decoding candid: ${e instanceof Error ? e.message : String(e)}`);
}

/** A `reject` outcome. */
export function reject(error: UserError): ManagementOutcome {
  return { kind: 'reject', error };
}

/** A `reject` outcome built from a code and text. */
export function rejectWith(code: ErrorCode, description: string): ManagementOutcome {
  return { kind: 'reject', error: userError(code, description) };
}
