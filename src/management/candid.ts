// Candid of the management canister shared by several methods (interface
// spec `ic.did`): settings, install modes, chunk hashes, the
// `record { canister_id }` argument, and the conversions between Candid
// values (`Principal`, `opt` as `[] | [x]`) and ic-exec's types. Each
// method's own argument and result types live beside its handler.
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { decodeCandid } from '../messaging/index.ts';
import { CanisterId, PrincipalId } from '../types/index.ts';
import { invalidPayload } from './errors.ts';
import type { ManagementOutcome } from './types.ts';

/** `variant { controllers; public; allowed_viewers : vec principal }` (log, snapshot and status visibility). */
export const Visibility = IDL.Variant({ controllers: IDL.Null, public: IDL.Null, allowed_viewers: IDL.Vec(IDL.Principal) });
export const EnvironmentVariable = IDL.Record({ name: IDL.Text, value: IDL.Text });

/** `canister_settings`: every field optional (absent = default, or unchanged in `update_settings`). */
export const CanisterSettings = IDL.Record({
  controllers: IDL.Opt(IDL.Vec(IDL.Principal)),
  compute_allocation: IDL.Opt(IDL.Nat),
  memory_allocation: IDL.Opt(IDL.Nat),
  freezing_threshold: IDL.Opt(IDL.Nat),
  reserved_cycles_limit: IDL.Opt(IDL.Nat),
  minimum_incoming_canister_call_cycles: IDL.Opt(IDL.Nat),
  log_visibility: IDL.Opt(Visibility),
  log_memory_limit: IDL.Opt(IDL.Nat),
  snapshot_visibility: IDL.Opt(Visibility),
  status_visibility: IDL.Opt(Visibility),
  wasm_memory_limit: IDL.Opt(IDL.Nat),
  wasm_memory_threshold: IDL.Opt(IDL.Nat),
  environment_variables: IDL.Opt(IDL.Vec(EnvironmentVariable)),
});

/** `definite_canister_settings`: the settings as `canister_status` reports them. */
export const DefiniteCanisterSettings = IDL.Record({
  controllers: IDL.Vec(IDL.Principal),
  compute_allocation: IDL.Nat,
  memory_allocation: IDL.Nat,
  freezing_threshold: IDL.Nat,
  reserved_cycles_limit: IDL.Nat,
  minimum_incoming_canister_call_cycles: IDL.Nat,
  log_visibility: Visibility,
  log_memory_limit: IDL.Nat,
  snapshot_visibility: Visibility,
  status_visibility: Visibility,
  wasm_memory_limit: IDL.Nat,
  wasm_memory_threshold: IDL.Nat,
  environment_variables: IDL.Vec(EnvironmentVariable),
});

/** `canister_install_mode`. */
export const CanisterInstallMode = IDL.Variant({
  install: IDL.Null,
  reinstall: IDL.Null,
  upgrade: IDL.Opt(IDL.Record({
    skip_pre_upgrade: IDL.Opt(IDL.Bool),
    wasm_memory_persistence: IDL.Opt(IDL.Variant({ keep: IDL.Null, replace: IDL.Null })),
  })),
});

export const ChunkHash = IDL.Record({ hash: IDL.Vec(IDL.Nat8) });
/** `record { canister_id : canister_id }`, the argument of many methods. */
export const CanisterIdRecord = IDL.Record({ canister_id: IDL.Principal });

/** A Candid `opt T` as decoded by `@dfinity/candid`. */
export type Opt<T> = [] | [T];

/** Decoded `canister_settings`. */
export interface CanisterSettingsValue {
  controllers: Opt<Principal[]>;
  compute_allocation: Opt<bigint>;
  memory_allocation: Opt<bigint>;
  freezing_threshold: Opt<bigint>;
  reserved_cycles_limit: Opt<bigint>;
  minimum_incoming_canister_call_cycles: Opt<bigint>;
  log_visibility: Opt<VisibilityValue>;
  log_memory_limit: Opt<bigint>;
  snapshot_visibility: Opt<VisibilityValue>;
  status_visibility: Opt<VisibilityValue>;
  wasm_memory_limit: Opt<bigint>;
  wasm_memory_threshold: Opt<bigint>;
  environment_variables: Opt<{ name: string; value: string }[]>;
}
export type VisibilityValue = { controllers: null } | { public: null } | { allowed_viewers: Principal[] };
export type CanisterInstallModeValue =
  | { install: null }
  | { reinstall: null }
  | { upgrade: Opt<{ skip_pre_upgrade: Opt<boolean>; wasm_memory_persistence: Opt<{ keep: null } | { replace: null }> }> };

/** The value of an `opt`, or `undefined`. */
export function unopt<T>(x: Opt<T>): T | undefined {
  return x.length === 0 ? undefined : x[0];
}

/** `opt x`, none for `undefined`. */
export function opt<T>(x: T | undefined): Opt<T> {
  return x === undefined ? [] : [x];
}

export function toPrincipal(p: PrincipalId): Principal {
  return Principal.fromUint8Array(Uint8Array.from(p.bytesView()));
}

export function toPrincipalId(p: Principal): PrincipalId {
  return PrincipalId.fromUint8Array(p.toUint8Array());
}

export function toCanisterId(p: Principal): CanisterId {
  return CanisterId.fromUint8Array(p.toUint8Array());
}

/** Candid bytes of `values` typed `types`. */
export function encode(types: IDL.Type[], values: unknown[]): Uint8Array {
  return new Uint8Array(IDL.encode(types, values));
}

/** `()`: the answer of methods without a result. */
export const EMPTY_CANDID: Uint8Array = Uint8Array.of(0x44, 0x49, 0x44, 0x4c, 0, 0);

/**
 * Decodes a method's single argument of type `type`; the IC0408 reject
 * (`Error decoding candid: …`) if it does not decode.
 */
export function decodeArg<T>(type: IDL.Type, arg: Uint8Array): { readonly ok: true; readonly value: T } | { readonly ok: false; readonly outcome: ManagementOutcome } {
  try {
    const [value] = decodeCandid([type], arg) as [T];
    return { ok: true, value };
  } catch (e) {
    return { ok: false, outcome: { kind: 'reject', error: invalidPayload(e) } };
  }
}

/** A reply outcome carrying `values` typed `types`. */
export function replyWith(types: IDL.Type[], values: unknown[]): ManagementOutcome {
  return { kind: 'reply', reply: encode(types, values) };
}

/** The empty reply `()`. */
export const REPLY_EMPTY: ManagementOutcome = Object.freeze({ kind: 'reply', reply: EMPTY_CANDID });
