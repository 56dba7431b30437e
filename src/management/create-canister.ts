/**
 * Creating canisters: `provisional_create_canister_with_cycles` (test
 * networks: any caller, `amount` default 100 T, `specified_id`) and
 * `provisional_top_up_canister`.
 * TODO(helper): `create_canister` (canisters only, cycles attached minus the creation fee),
 * full settings validation (settings.ts).
 */
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';
import { ALLOCATABLE_COMPUTE_CAPACITY_PERCENT, DEFAULT_PROVISIONAL_CYCLES_BALANCE } from '../config/index.ts';
import { ErrorCode } from '../errors/index.ts';
import { computeCapacityPercent } from '../scheduler/index.ts';
import { CanisterState, SystemState, newSchedulerState } from '../state/index.ts';
import type { CanisterId, PrincipalId } from '../types/index.ts';
import { targetCanister } from './access.ts';
import { CanisterIdRecord, CanisterSettings, REPLY_EMPTY, decodeArg, replyWith, toCanisterId, toPrincipal, toPrincipalId, unopt } from './candid.ts';
import type { CanisterSettingsValue, Opt } from './candid.ts';
import { rejectWith } from './errors.ts';
import type { Handler, ManagementCall, ManagementContext, ManagementOutcome } from './types.ts';

export const ProvisionalCreateCanisterArgs = IDL.Record({
  amount: IDL.Opt(IDL.Nat), settings: IDL.Opt(CanisterSettings), specified_id: IDL.Opt(IDL.Principal), sender_canister_version: IDL.Opt(IDL.Nat64),
});
export const ProvisionalTopUpArgs = IDL.Record({ canister_id: IDL.Principal, amount: IDL.Nat });
export const CreateCanisterResult = CanisterIdRecord;

interface ProvisionalCreateValue {
  amount: Opt<bigint>;
  settings: Opt<CanisterSettingsValue>;
  specified_id: Opt<Principal>;
}

/** Creates a canister with `cycles` and `settings` (see the module header). */
function create(ctx: ManagementContext, call: ManagementCall, cycles: bigint, s: CanisterSettingsValue | undefined, specifiedId: CanisterId | undefined): ManagementOutcome {
  const state = ctx.state;
  const ca = s === undefined ? 0n : unopt(s.compute_allocation) ?? 0n;
  if (ca > 100n) return rejectWith(ErrorCode.CanisterContractViolation, `ComputeAllocation expected to be in the range [0..100], got ${ca}`);
  const used = state.canisters().reduce((n, c) => n + c.systemState.computeAllocation, 0n);
  const capacity = (computeCapacityPercent(ctx.env.schedulerCores) * BigInt(ALLOCATABLE_COMPUTE_CAPACITY_PERCENT)) / 100n;
  if (ca > 0n && used + ca > capacity) {
    return rejectWith(ErrorCode.SubnetOversubscribed,
      `Canister requested a compute allocation of ${ca}% which cannot be satisfied because the Subnet's remaining compute capacity is ${capacity - used}%.`);
  }
  if (specifiedId !== undefined && state.hasCanister(specifiedId)) {
    return rejectWith(ErrorCode.CanisterIdAlreadyExists, `Canister ${specifiedId.toText()} is already installed.`);
  }
  const id = specifiedId ?? state.metadata.generateNewCanisterId();
  if (id === undefined) return rejectWith(ErrorCode.SubnetOversubscribed, 'Could not allocate a canister id: the subnet\'s ranges are used up');
  const controllers: PrincipalId[] = (s === undefined ? undefined : unopt(s.controllers))?.map(toPrincipalId) ?? [call.sender];
  const freezeThreshold = s === undefined ? undefined : unopt(s.freezing_threshold);
  const system = new SystemState({ canisterId: id, controllers, cycles, ...(freezeThreshold === undefined ? {} : { freezeThreshold }) });
  system.computeAllocation = ca;
  const memoryAllocation = s === undefined ? undefined : unopt(s.memory_allocation);
  if (memoryAllocation !== undefined) system.memoryAllocation = memoryAllocation;
  const wasmMemoryLimit = s === undefined ? undefined : unopt(s.wasm_memory_limit);
  if (wasmMemoryLimit !== undefined) system.wasmMemoryLimit = wasmMemoryLimit;
  system.addCanisterChange(state.time, { kind: 'fromUser', userId: call.sender }, { kind: 'creation', controllers: system.controllers });
  state.putCanister(new CanisterState(system, undefined, newSchedulerState(state.time)));
  return replyWith([CreateCanisterResult], [{ canister_id: toPrincipal(id) }]);
}

const provisionalCreate: Handler = (call, ctx) => {
  const a = decodeArg<ProvisionalCreateValue>(ProvisionalCreateCanisterArgs, call.arg);
  if (!a.ok) return a.outcome;
  const specified = unopt(a.value.specified_id);
  return create(ctx, call, unopt(a.value.amount) ?? DEFAULT_PROVISIONAL_CYCLES_BALANCE, unopt(a.value.settings),
    specified === undefined ? undefined : toCanisterId(specified));
};

const provisionalTopUp: Handler = (call, ctx) => {
  const a = decodeArg<{ canister_id: Principal; amount: bigint }>(ProvisionalTopUpArgs, call.arg);
  if (!a.ok) return a.outcome;
  const id = toCanisterId(a.value.canister_id);
  const t = targetCanister(ctx, id, call.sender, 'anyone');
  if (!t.ok) return t.outcome;
  ctx.state.canisterMut(id)?.systemState.addCycles(a.value.amount);
  return REPLY_EMPTY;
};

export const handlers: Readonly<Record<string, Handler>> = {
  provisional_create_canister_with_cycles: provisionalCreate,
  provisional_top_up_canister: provisionalTopUp,
};
