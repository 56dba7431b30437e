/**
 * Installing code: `install_code` (install, reinstall, upgrade; controllers
 * only) through the execution environment's `installCode`.
 * TODO(helper): install_chunked_code, uninstall_code, install under DTS across rounds.
 */
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';
import type { InstallCodeMode } from '../execution/index.ts';
import type { CanisterState } from '../state/index.ts';
import { targetCanister } from './access.ts';
import { CanisterInstallMode, REPLY_EMPTY, decodeArg, toCanisterId, unopt } from './candid.ts';
import type { CanisterInstallModeValue } from './candid.ts';
import type { Handler } from './types.ts';

export const InstallCodeArgs = IDL.Record({
  mode: CanisterInstallMode, canister_id: IDL.Principal, wasm_module: IDL.Vec(IDL.Nat8), arg: IDL.Vec(IDL.Nat8),
  sender_canister_version: IDL.Opt(IDL.Nat64),
});

interface InstallCodeValue {
  mode: CanisterInstallModeValue;
  canister_id: Principal;
  wasm_module: Uint8Array | number[];
  arg: Uint8Array | number[];
}

/** The execution environment's mode for a Candid `canister_install_mode`. */
export function installModeOf(m: CanisterInstallModeValue): InstallCodeMode {
  if ('install' in m) return 'install';
  if ('reinstall' in m) return 'reinstall';
  const up = unopt(m.upgrade);
  const skip = up === undefined ? undefined : unopt(up.skip_pre_upgrade);
  const persistence = up === undefined ? undefined : unopt(up.wasm_memory_persistence);
  return { upgrade: {
    ...(skip === undefined ? {} : { skipPreUpgrade: skip }),
    ...(persistence === undefined ? {} : { wasmMemoryPersistence: 'keep' in persistence ? 'keep' as const : 'replace' as const }),
  } };
}

const installCode: Handler = async (call, ctx) => {
  const a = decodeArg<InstallCodeValue>(InstallCodeArgs, call.arg);
  if (!a.ok) return a.outcome;
  const id = toCanisterId(a.value.canister_id);
  const t = targetCanister(ctx, id, call.sender, 'controllers');
  if (!t.ok) return t.outcome;
  const canister = ctx.state.canisterMut(id) as CanisterState;
  const r = await ctx.env.execution.installCode(canister, {
    mode: installModeOf(a.value.mode), wasmModule: Uint8Array.from(a.value.wasm_module), arg: Uint8Array.from(a.value.arg), sender: call.sender,
  }, ctx.round);
  if (r.canister !== canister) ctx.state.putCanister(r.canister);
  return r.ok ? REPLY_EMPTY : { kind: 'reject', error: r.error };
};

export const handlers: Readonly<Record<string, Handler>> = {
  install_code: installCode,
};
