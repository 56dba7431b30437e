/**
 * Candid types of the management-canister methods the in-process library
 * uses (interface spec `ic.did`, trimmed to the fields ic-exec reads), with
 * encoders for callers and decoders for the provisional management canister.
 * Decoding is tolerant as Candid is: absent optional fields read as none,
 * unknown fields are skipped.
 */
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { CanisterId, PrincipalId } from '../types/index.ts';
import { decodeCandid } from '../messaging/index.ts';

const CanisterSettings = IDL.Record({
  controllers: IDL.Opt(IDL.Vec(IDL.Principal)),
  compute_allocation: IDL.Opt(IDL.Nat),
  memory_allocation: IDL.Opt(IDL.Nat),
  freezing_threshold: IDL.Opt(IDL.Nat),
  wasm_memory_limit: IDL.Opt(IDL.Nat),
});
const ProvisionalCreateArgs = IDL.Record({
  amount: IDL.Opt(IDL.Nat), settings: IDL.Opt(CanisterSettings), specified_id: IDL.Opt(IDL.Principal), sender_canister_version: IDL.Opt(IDL.Nat64),
});
const CreateResult = IDL.Record({ canister_id: IDL.Principal });
const UpgradeOptions = IDL.Record({
  skip_pre_upgrade: IDL.Opt(IDL.Bool), wasm_memory_persistence: IDL.Opt(IDL.Variant({ keep: IDL.Null, replace: IDL.Null })),
});
const InstallMode = IDL.Variant({ install: IDL.Null, reinstall: IDL.Null, upgrade: IDL.Opt(UpgradeOptions) });
const InstallCodeArgs = IDL.Record({
  mode: InstallMode, canister_id: IDL.Principal, wasm_module: IDL.Vec(IDL.Nat8), arg: IDL.Vec(IDL.Nat8), sender_canister_version: IDL.Opt(IDL.Nat64),
});
const TopUpArgs = IDL.Record({ canister_id: IDL.Principal, amount: IDL.Nat });

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

const opt = <T>(x: T | undefined): [] | [T] => (x === undefined ? [] : [x]);
const unopt = <T>(x: readonly T[]): T | undefined => x[0];
const principal = (p: PrincipalId): Principal => Principal.fromUint8Array(Uint8Array.from(p.bytesView()));
const canisterId = (p: Principal): CanisterId => CanisterId.fromUint8Array(p.toUint8Array());

/** Encodes `provisional_create_canister_with_cycles`'s argument. */
export function encodeProvisionalCreateArgs(a: ProvisionalCreateCanisterArgs): Uint8Array {
  const s = a.settings;
  const settings = s === undefined ? [] : [{
    controllers: opt(s.controllers?.map(principal)), compute_allocation: opt(s.computeAllocation), memory_allocation: opt(s.memoryAllocation),
    freezing_threshold: opt(s.freezingThreshold), wasm_memory_limit: opt(s.wasmMemoryLimit),
  }];
  return new Uint8Array(IDL.encode([ProvisionalCreateArgs], [{
    amount: opt(a.amount), settings, specified_id: opt(a.specifiedId === undefined ? undefined : principal(a.specifiedId)), sender_canister_version: [],
  }]));
}

/** Decodes `provisional_create_canister_with_cycles`'s argument. @throws on bad Candid. */
export function decodeProvisionalCreateArgs(bytes: Uint8Array): ProvisionalCreateCanisterArgs {
  type Raw = { amount: bigint[]; settings: { controllers: Principal[][]; compute_allocation: bigint[]; memory_allocation: bigint[]; freezing_threshold: bigint[]; wasm_memory_limit: bigint[] }[]; specified_id: Principal[] };
  const [raw] = decodeCandid([ProvisionalCreateArgs], bytes) as unknown as [Raw];
  const s = unopt(raw.settings);
  const controllers = s === undefined ? undefined : unopt(s.controllers);
  const settings: CanisterSettingsArgs | undefined = s === undefined ? undefined : {
    ...(controllers === undefined ? {} : { controllers: controllers.map((p) => PrincipalId.fromUint8Array(p.toUint8Array())) }),
    ...(s.compute_allocation[0] === undefined ? {} : { computeAllocation: s.compute_allocation[0] }),
    ...(s.memory_allocation[0] === undefined ? {} : { memoryAllocation: s.memory_allocation[0] }),
    ...(s.freezing_threshold[0] === undefined ? {} : { freezingThreshold: s.freezing_threshold[0] }),
    ...(s.wasm_memory_limit[0] === undefined ? {} : { wasmMemoryLimit: s.wasm_memory_limit[0] }),
  };
  const id = unopt(raw.specified_id);
  return {
    ...(raw.amount[0] === undefined ? {} : { amount: raw.amount[0] }),
    ...(settings === undefined ? {} : { settings }),
    ...(id === undefined ? {} : { specifiedId: canisterId(id) }),
  };
}

/** Encodes `record { canister_id }`, the answer of the create methods. */
export function encodeCreateResult(id: CanisterId): Uint8Array {
  return new Uint8Array(IDL.encode([CreateResult], [{ canister_id: principal(id) }]));
}

/** Decodes `record { canister_id }`. @throws on bad Candid. */
export function decodeCreateResult(bytes: Uint8Array): CanisterId {
  const [r] = decodeCandid([CreateResult], bytes) as unknown as [{ canister_id: Principal }];
  return canisterId(r.canister_id);
}

/** Encodes `install_code`'s argument. */
export function encodeInstallCodeArgs(a: InstallCodeArgs): Uint8Array {
  const mode = a.mode === 'install' ? { install: null } : a.mode === 'reinstall' ? { reinstall: null } : {
    upgrade: [{
      skip_pre_upgrade: opt(a.mode.upgrade.skipPreUpgrade),
      wasm_memory_persistence: opt(a.mode.upgrade.wasmMemoryPersistence === undefined ? undefined : { [a.mode.upgrade.wasmMemoryPersistence]: null }),
    }],
  };
  return new Uint8Array(IDL.encode([InstallCodeArgs], [{ mode, canister_id: principal(a.canisterId), wasm_module: a.wasmModule, arg: a.arg, sender_canister_version: [] }]));
}

/** Decodes `install_code`'s argument. @throws on bad Candid. */
export function decodeInstallCodeArgs(bytes: Uint8Array): InstallCodeArgs {
  type Up = { skip_pre_upgrade: boolean[]; wasm_memory_persistence: Record<string, null>[] };
  type Raw = { mode: { install?: null; reinstall?: null; upgrade?: Up[] }; canister_id: Principal; wasm_module: Uint8Array | number[]; arg: Uint8Array | number[] };
  const [r] = decodeCandid([InstallCodeArgs], bytes) as unknown as [Raw];
  let mode: InstallMode;
  if ('install' in r.mode) mode = 'install';
  else if ('reinstall' in r.mode) mode = 'reinstall';
  else {
    const up = unopt(r.mode.upgrade ?? []);
    const persistence = up === undefined ? undefined : unopt(up.wasm_memory_persistence);
    const skip = up === undefined ? undefined : unopt(up.skip_pre_upgrade);
    mode = { upgrade: {
      ...(skip === undefined ? {} : { skipPreUpgrade: skip }),
      ...(persistence === undefined ? {} : { wasmMemoryPersistence: 'keep' in persistence ? 'keep' as const : 'replace' as const }),
    } };
  }
  return { mode, canisterId: canisterId(r.canister_id), wasmModule: Uint8Array.from(r.wasm_module), arg: Uint8Array.from(r.arg) };
}

/** Encodes `provisional_top_up_canister`'s argument. */
export function encodeTopUpArgs(id: CanisterId, amount: bigint): Uint8Array {
  return new Uint8Array(IDL.encode([TopUpArgs], [{ canister_id: principal(id), amount }]));
}

/** Decodes `provisional_top_up_canister`'s argument. @throws on bad Candid. */
export function decodeTopUpArgs(bytes: Uint8Array): { canisterId: CanisterId; amount: bigint } {
  const [r] = decodeCandid([TopUpArgs], bytes) as unknown as [{ canister_id: Principal; amount: bigint }];
  return { canisterId: canisterId(r.canister_id), amount: r.amount };
}

/** `()` in Candid: the answer of methods without a result. */
export const EMPTY_CANDID: Uint8Array = Uint8Array.of(0x44, 0x49, 0x44, 0x4c, 0, 0);
