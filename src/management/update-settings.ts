/**
 * `update_settings` (`CanisterManager::update_settings`), in the replica's order:
 *
 *     argument does not decode (or > 10 controllers / allowed viewers)   IC0408 "Error decoding candid: …"
 *     a setting out of its range                                        IC0504 / IC0408 (settings.ts)
 *     no such canister                                                  IC0301 "Canister <id> not found."
 *     caller not a controller                                           IC0512
 *     settings invalid for the canister or the subnet                   settings.ts `validateSettings`
 *
 * Then every field given is applied (absent fields stay), the canister
 * version goes up by one, and a new controller list is recorded in the
 * canister history (`controllers_change`, from the user or from the
 * calling canister with its `sender_canister_version`). Environment
 * variables are not recorded there (the replica keeps history backward
 * compatible).
 */
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';
import { ErrorCode } from '../errors/index.ts';
import type { CanisterState } from '../state/index.ts';
import { CanisterSettings, REPLY_EMPTY, decodeArg, toCanisterId, unopt } from './candid.ts';
import type { CanisterSettingsValue, Opt } from './candid.ts';
import { changeOrigin } from './create-canister.ts';
import { canisterNotFound, notController, reject, rejectWith } from './errors.ts';
import { applySettings, boundedVecError, canisterView, settingsFromCandid, validateSettings } from './settings.ts';
import type { Handler } from './types.ts';

export const UpdateSettingsArgs = IDL.Record({
  canister_id: IDL.Principal, settings: CanisterSettings, sender_canister_version: IDL.Opt(IDL.Nat64),
});

interface UpdateSettingsValue {
  canister_id: Principal;
  settings: CanisterSettingsValue;
  sender_canister_version: Opt<bigint>;
}

const updateSettings: Handler = (call, ctx) => {
  const a = decodeArg<UpdateSettingsValue>(UpdateSettingsArgs, call.arg);
  if (!a.ok) return a.outcome;
  const bound = boundedVecError(a.value.settings);
  if (bound !== undefined) return rejectWith(ErrorCode.InvalidManagementPayload, `Error decoding candid: ${bound}`);
  const s = settingsFromCandid(a.value.settings);
  if (!s.ok) return reject(s.error);
  const id = toCanisterId(a.value.canister_id);
  const found = ctx.state.canister(id);
  if (found === undefined) return reject(canisterNotFound(id));
  if (!found.systemState.isController(call.sender)) return reject(notController(found, call.sender));
  const v = validateSettings(s.value, canisterView(found.systemState, found.memoryUsage(), found.messageMemoryUsage()),
    { state: ctx.state, cycles: ctx.env.cycles, schedulerCores: ctx.env.schedulerCores });
  if (!v.ok) return reject(v.error);

  // Commit point.
  const canister = ctx.state.canisterMut(id) as CanisterState;
  const system = canister.systemState;
  applySettings(system, v.value);
  system.canisterVersion += 1n;
  if (s.value.controllers !== undefined) {
    system.addCanisterChange(ctx.state.time, changeOrigin(call, unopt(a.value.sender_canister_version)),
      { kind: 'controllersChange', controllers: system.controllers });
  }
  return REPLY_EMPTY;
};

export const handlers: Readonly<Record<string, Handler>> = {
  update_settings: updateSettings,
};
