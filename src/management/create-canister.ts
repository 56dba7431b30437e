/**
 * Creating canisters (`CanisterManager::create_canister`,
 * `create_canister_with_cycles`, `create_canister_helper`):
 *
 *     create_canister                canisters only (ingress: IC0504 "create_canister cannot be called by a user.");
 *                                    an argument that does not decode: IC0408 "Payload deserialization error." (`()` alone
 *                                    means no settings); settings ranges; attached cycles ≥ the creation fee (scaled by
 *                                    subnet size) else IC0403; defaults: reserved cycles limit 5T, Wasm memory limit 3 GiB;
 *                                    settings validated against a balance of cycles − fee; the fee is taken, the rest is
 *                                    the balance, nothing is refunded
 *     provisional_create_canister_   test networks: any caller (else IC0536 "Sender not authorized to use method.");
 *       with_cycles                  `amount` default 100T; `specified_id` in the subnet's ranges and free
 *     provisional_top_up_canister    adds `amount` to any canister
 *
 * The new canister: controllers the settings' or the caller, status
 * running, version 0, a `creation` entry in its history (from the user, or
 * from the canister with its `sender_canister_version`). Its id comes from
 * the subnet's ranges in order and is never handed out again.
 */
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';
import { DEFAULT_FREEZE_THRESHOLD_SECONDS, DEFAULT_PROVISIONAL_CYCLES_BALANCE, DEFAULT_WASM_MEMORY_LIMIT } from '../config/index.ts';
import { ErrorCode, displayCycles, userError } from '../errors/index.ts';
import { decodeCandid } from '../messaging/index.ts';
import { isInOwnRanges } from '../scheduler/index.ts';
import { CanisterState, SystemState, newSchedulerState } from '../state/index.ts';
import type { CanisterChangeOrigin } from '../state/index.ts';
import type { CanisterId } from '../types/index.ts';
import { CanisterIdRecord, CanisterSettings, REPLY_EMPTY, decodeArg, replyWith, toCanisterId, toPrincipal, unopt } from './candid.ts';
import type { CanisterSettingsValue, Opt } from './candid.ts';
import { INTERNAL_ERROR_HELP, canisterNotFound, managerHelp, reject, rejectWith } from './errors.ts';
import { applySettings, boundedVecError, settingsFromCandid, validateSettings } from './settings.ts';
import type { Settings, ValidatedSettings } from './settings.ts';
import type { Handler, ManagementCall, ManagementContext, ManagementOutcome } from './types.ts';

export const CreateCanisterArgs = IDL.Record({ settings: IDL.Opt(CanisterSettings), sender_canister_version: IDL.Opt(IDL.Nat64) });
export const ProvisionalCreateCanisterArgs = IDL.Record({
  amount: IDL.Opt(IDL.Nat), settings: IDL.Opt(CanisterSettings), specified_id: IDL.Opt(IDL.Principal), sender_canister_version: IDL.Opt(IDL.Nat64),
});
export const ProvisionalTopUpArgs = IDL.Record({ canister_id: IDL.Principal, amount: IDL.Nat });
export const CreateCanisterResult = CanisterIdRecord;

interface CreateValue {
  settings: Opt<CanisterSettingsValue>;
  sender_canister_version: Opt<bigint>;
}
interface ProvisionalCreateValue extends CreateValue {
  amount: Opt<bigint>;
  specified_id: Opt<Principal>;
}

type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly outcome: ManagementOutcome };

/** Who made the change: the user of an ingress message, or the calling canister with the version it gave. */
export function changeOrigin(call: ManagementCall, senderCanisterVersion: bigint | undefined): CanisterChangeOrigin {
  const m = call.message;
  if (m.kind === 'ingress') return { kind: 'fromUser', userId: m.source };
  return { kind: 'fromCanister', canisterId: m.sender, ...(senderCanisterVersion === undefined ? {} : { canisterVersion: senderCanisterVersion }) };
}

/** `CreateCanisterArgs::decode`: the record, or `()` (no settings), else "Payload deserialization error.". */
function decodeCreateArgs(arg: Uint8Array): Result<CreateValue> {
  let value: CreateValue;
  try {
    [value] = decodeCandid([CreateCanisterArgs], arg) as [CreateValue];
  } catch {
    try {
      decodeCandid([], arg);
      return { ok: true, value: { settings: [], sender_canister_version: [] } };
    } catch {
      return { ok: false, outcome: rejectWith(ErrorCode.InvalidManagementPayload, 'Payload deserialization error.') };
    }
  }
  const bound = boundedVecError(unopt(value.settings));
  if (bound !== undefined) return { ok: false, outcome: rejectWith(ErrorCode.InvalidManagementPayload, `Payload deserialization error: ${bound}`) };
  return { ok: true, value };
}

/** The canister id for a new canister: `specified` if free and ours, else the next one of the subnet's ranges. */
function newCanisterId(ctx: ManagementContext, specified: CanisterId | undefined): Result<CanisterId> {
  const state = ctx.state;
  if (specified !== undefined) {
    if (state.hasCanister(specified)) {
      return { ok: false, outcome: rejectWith(ErrorCode.CanisterAlreadyInstalled, `Canister ${specified.toText()} is already installed.${INTERNAL_ERROR_HELP}`) };
    }
    if (!isInOwnRanges(state, specified)) {
      return {
        ok: false,
        outcome: rejectWith(ErrorCode.CanisterNotHostedBySubnet,
          `Unsuccessful validation of specified ID: Specified CanisterId ${specified.toText()} is not hosted by subnet ${state.metadata.ownSubnetId.toText()}.${INTERNAL_ERROR_HELP}`),
      };
    }
    return { ok: true, value: specified };
  }
  const id = state.metadata.generateNewCanisterId();
  if (id === undefined) {
    // The replica's text, `{additional_help}` included: it is not a format string there.
    return { ok: false, outcome: rejectWith(ErrorCode.SubnetOversubscribed, 'Could not create canister. Subnet has surpassed its canister ID allocation.{additional_help}') };
  }
  if (state.hasCanister(id)) {
    return { ok: false, outcome: rejectWith(ErrorCode.CanisterIdAlreadyExists, `Unsuccessful canister creation: canister id ${id.toText()} already exists.${INTERNAL_ERROR_HELP}`) };
  }
  return { ok: true, value: id };
}

/** `create_canister_helper`: the id, then the canister with `cycles − fee` and the settings; its `creation` change. */
function createHelper(
  ctx: ManagementContext, origin: CanisterChangeOrigin, creator: ManagementCall['sender'], cycles: bigint, fee: bigint,
  v: ValidatedSettings, specified: CanisterId | undefined,
): Result<CanisterId> {
  const id = newCanisterId(ctx, specified);
  if (!id.ok) return id;
  const state = ctx.state;
  const system = new SystemState({ canisterId: id.value, controllers: [creator], cycles, freezeThreshold: DEFAULT_FREEZE_THRESHOLD_SECONDS });
  system.removeCycles(fee, 'canisterCreation');
  applySettings(system, v);
  system.addCanisterChange(state.time, origin, { kind: 'creation', controllers: system.controllers });
  state.putCanister(new CanisterState(system, undefined, newSchedulerState(state.time)));
  return id;
}

/** Validates settings for a new canister holding `balance` (no memory, no allocations, the default freezing threshold). */
function validateForCreation(ctx: ManagementContext, s: Settings, balance: bigint): Result<ValidatedSettings> {
  const v = validateSettings(s, {
    memoryUsage: 0n, messageMemoryUsage: 0n, memoryAllocation: 0n, computeAllocation: 0n, freezeThreshold: DEFAULT_FREEZE_THRESHOLD_SECONDS,
    balance, reservedBalance: 0n, reservedBalanceLimit: undefined,
  }, { state: ctx.state, cycles: ctx.env.cycles, schedulerCores: ctx.env.schedulerCores });
  return v.ok ? v : { ok: false, outcome: reject(v.error) };
}

const createCanister: Handler = (call, ctx) => {
  if (call.message.kind === 'ingress') return rejectWith(ErrorCode.CanisterContractViolation, 'create_canister cannot be called by a user.');
  const a = decodeCreateArgs(call.arg);
  if (!a.ok) return a.outcome;
  const s = settingsFromCandid(unopt(a.value.settings));
  if (!s.ok) return reject(s.error);
  const fee = ctx.env.cycles.canisterCreationFee();
  if (call.payment < fee) {
    return reject(userError(ErrorCode.InsufficientCyclesForCreateCanister,
      `Creating a canister requires a fee of ${displayCycles(fee)} that is deducted from the canister's initial balance but only ${displayCycles(call.payment)} cycles were received with the create_canister request.`
      + managerHelp('Try sending more cycles with the request.', 'create-canister-not-enough-cycles')));
  }
  const settings: Settings = {
    ...s.value,
    reservedCyclesLimit: s.value.reservedCyclesLimit ?? ctx.env.cycles.fees.defaultReservedBalanceLimit,
    wasmMemoryLimit: s.value.wasmMemoryLimit ?? DEFAULT_WASM_MEMORY_LIMIT,
  };
  const v = validateForCreation(ctx, settings, call.payment - fee);
  if (!v.ok) return v.outcome;
  const id = createHelper(ctx, changeOrigin(call, unopt(a.value.sender_canister_version)), call.sender, call.payment, fee, v.value, undefined);
  if (!id.ok) return id.outcome;
  return { ...replyWith([CreateCanisterResult], [{ canister_id: toPrincipal(id.value) }]), cyclesUsed: call.payment };
};

/** IC0536 for a caller not allowed to use the provisional methods (`SenderNotInWhitelist`). */
const notWhitelisted = (): ManagementOutcome => rejectWith(ErrorCode.CanisterMethodNotFound, 'Sender not authorized to use method.');

const provisionalCreate: Handler = (call, ctx) => {
  const a = decodeArg<ProvisionalCreateValue>(ProvisionalCreateCanisterArgs, call.arg);
  if (!a.ok) return a.outcome;
  const bound = boundedVecError(unopt(a.value.settings));
  if (bound !== undefined) return rejectWith(ErrorCode.InvalidManagementPayload, `Error decoding candid: ${bound}`);
  const s = settingsFromCandid(unopt(a.value.settings));
  if (!s.ok) return reject(s.error);
  if (ctx.env.provisional === false) return notWhitelisted();
  const cycles = unopt(a.value.amount) ?? DEFAULT_PROVISIONAL_CYCLES_BALANCE;
  const settings: Settings = { ...s.value, reservedCyclesLimit: s.value.reservedCyclesLimit ?? ctx.env.cycles.fees.defaultReservedBalanceLimit };
  const v = validateForCreation(ctx, settings, cycles);
  if (!v.ok) return v.outcome;
  const specified = unopt(a.value.specified_id);
  const id = createHelper(ctx, changeOrigin(call, unopt(a.value.sender_canister_version)), call.sender, cycles, 0n, v.value,
    specified === undefined ? undefined : toCanisterId(specified));
  if (!id.ok) return id.outcome;
  return replyWith([CreateCanisterResult], [{ canister_id: toPrincipal(id.value) }]);
};

const provisionalTopUp: Handler = (call, ctx) => {
  const a = decodeArg<{ canister_id: Principal; amount: bigint }>(ProvisionalTopUpArgs, call.arg);
  if (!a.ok) return a.outcome;
  const id = toCanisterId(a.value.canister_id);
  if (!ctx.state.hasCanister(id)) return reject(canisterNotFound(id));
  if (ctx.env.provisional === false) return notWhitelisted();
  ctx.state.canisterMut(id)?.systemState.addCycles(a.value.amount);
  return REPLY_EMPTY;
};

export const handlers: Readonly<Record<string, Handler>> = {
  create_canister: createCanister,
  provisional_create_canister_with_cycles: provisionalCreate,
  provisional_top_up_canister: provisionalTopUp,
};
