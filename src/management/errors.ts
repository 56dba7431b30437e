// The management canister's user-visible errors (the replica's
// `CanisterManagerError` → `UserError` conversions) shared by several methods.
import { ErrorCode, userError } from '../errors/index.ts';
import type { UserError } from '../errors/index.ts';
import type { CanisterState } from '../state/index.ts';
import type { CanisterId, PrincipalId } from '../types/index.ts';
import type { ManagementOutcome } from './types.ts';

/** `Canister <id> not found` (IC0301). */
export function canisterNotFound(id: CanisterId): UserError {
  return userError(ErrorCode.CanisterNotFound, `Canister ${id.toText()} not found`);
}

/** IC0512: `Only the controllers of the canister <id> can control it. …`. */
export function notController(canister: CanisterState, sender: PrincipalId): UserError {
  const id = canister.canisterId.toText();
  const controllers = canister.systemState.controllers.map((c) => c.toText()).join(' ');
  return userError(ErrorCode.CanisterInvalidController,
    `Only the controllers of the canister ${id} can control it.\nCanister's controllers: ${controllers}\nSender's ID: ${sender.toText()}`);
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
