/**
 * The in-process library's client side of the management canister: its
 * calls encoded and answers decoded with the management canister's own
 * Candid types (src/management).
 */
import type { Principal } from '@dfinity/principal';
import { candid, CreateCanisterResult, InstallCodeArgs as InstallCodeArgsType, ProvisionalCreateCanisterArgs, ProvisionalTopUpArgs } from '../management/index.ts';
import { decodeCandid } from '../messaging/index.ts';
import type { CanisterId, PrincipalId } from '../types/index.ts';

/** Settings of a new canister (the fields ic-exec applies). */
export interface CanisterSettingsArgs {
  readonly controllers?: readonly PrincipalId[];
  /** Percent. */
  readonly computeAllocation?: bigint;
  /** Bytes. */
  readonly memoryAllocation?: bigint;
  /** Seconds. */
  readonly freezingThreshold?: bigint;
  /** Bytes. */
  readonly wasmMemoryLimit?: bigint;
}

/** `provisional_create_canister_with_cycles`'s argument. */
export interface ProvisionalCreateCanisterArgs {
  readonly amount?: bigint;
  readonly settings?: CanisterSettingsArgs;
  readonly specifiedId?: CanisterId;
}

/** `install_code`'s mode. */
export type InstallMode = 'install' | 'reinstall' | { readonly upgrade: { readonly skipPreUpgrade?: boolean; readonly wasmMemoryPersistence?: 'keep' | 'replace' } };

/** `install_code`'s argument. */
export interface InstallCodeArgs {
  readonly mode: InstallMode;
  readonly canisterId: CanisterId;
  readonly wasmModule: Uint8Array;
  readonly arg: Uint8Array;
}

const { opt, toPrincipal, toCanisterId } = candid;

/** `canister_settings` with the given fields set and every other field none. */
function encodeSettings(s: CanisterSettingsArgs): Record<string, unknown> {
  return {
    controllers: opt(s.controllers?.map(toPrincipal)), compute_allocation: opt(s.computeAllocation), memory_allocation: opt(s.memoryAllocation),
    freezing_threshold: opt(s.freezingThreshold), reserved_cycles_limit: [], minimum_incoming_canister_call_cycles: [], log_visibility: [],
    log_memory_limit: [], snapshot_visibility: [], status_visibility: [], wasm_memory_limit: opt(s.wasmMemoryLimit), wasm_memory_threshold: [],
    environment_variables: [],
  };
}

/** Encodes `provisional_create_canister_with_cycles`'s argument. */
export function encodeProvisionalCreateArgs(a: ProvisionalCreateCanisterArgs): Uint8Array {
  return candid.encode([ProvisionalCreateCanisterArgs], [{
    amount: opt(a.amount), settings: a.settings === undefined ? [] : [encodeSettings(a.settings)],
    specified_id: opt(a.specifiedId === undefined ? undefined : toPrincipal(a.specifiedId)), sender_canister_version: [],
  }]);
}

/** Decodes `record { canister_id }`, the answer of the create methods. @throws on bad Candid. */
export function decodeCreateResult(bytes: Uint8Array): CanisterId {
  const [r] = decodeCandid([CreateCanisterResult], bytes) as unknown as [{ canister_id: Principal }];
  return toCanisterId(r.canister_id);
}

/** Encodes `install_code`'s argument. */
export function encodeInstallCodeArgs(a: InstallCodeArgs): Uint8Array {
  const mode = a.mode === 'install' ? { install: null } : a.mode === 'reinstall' ? { reinstall: null } : {
    upgrade: [{
      skip_pre_upgrade: opt(a.mode.upgrade.skipPreUpgrade),
      wasm_memory_persistence: opt(a.mode.upgrade.wasmMemoryPersistence === undefined ? undefined : { [a.mode.upgrade.wasmMemoryPersistence]: null }),
    }],
  };
  return candid.encode([InstallCodeArgsType], [{ mode, canister_id: toPrincipal(a.canisterId), wasm_module: a.wasmModule, arg: a.arg, sender_canister_version: [] }]);
}

/** Encodes `provisional_top_up_canister`'s argument. */
export function encodeTopUpArgs(id: CanisterId, amount: bigint): Uint8Array {
  return candid.encode([ProvisionalTopUpArgs], [{ canister_id: toPrincipal(id), amount }]);
}

/** `()` in Candid: the answer of methods without a result. */
export const EMPTY_CANDID: Uint8Array = candid.EMPTY_CANDID;
