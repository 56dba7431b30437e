/**
 * Public facts about any canister: `canister_info` (its history, module
 * hash and controllers; no access control; canisters only in replicated
 * mode, anyone as a query) and `canister_metadata` (its `icp:public <name>`
 * sections for anyone, `icp:private <name>` for its controllers; canisters
 * only, not a query). Errors, after IC0408 for an argument that does not
 * decode and IC0301 for a missing canister (read-access.ts):
 *
 *     canister_metadata, no module installed        IC0406 "The canister <id> has no Wasm module and hence no metadata is available."
 *     no such section, or private to a non-controller  IC0406 "The canister <id> has no metadata section with the name <name>."
 *
 * `canister_info` returns the last `num_requested_changes` changes (default
 * 0, at most what the history keeps), oldest first, as ic.did's `change`.
 */
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';
import { ErrorCode, userError } from '../errors/index.ts';
import type { UserError } from '../errors/index.ts';
import type { CanisterChange, CanisterState, ReplicatedState } from '../state/index.ts';
import type { CanisterId } from '../types/index.ts';
import { encode, opt, toPrincipal, unopt } from './candid.ts';
import type { Opt } from './candid.ts';
import { canisterNotFound, reject } from './errors.ts';
import { moduleHashOf, namedCanister, unexpectedIngress } from './read-access.ts';
import type { Handler, ManagementOutcome } from './types.ts';

export const ChangeOrigin = IDL.Variant({
  from_user: IDL.Record({ user_id: IDL.Principal }),
  from_canister: IDL.Record({ canister_id: IDL.Principal, canister_version: IDL.Opt(IDL.Nat64) }),
});
export const ChangeDetails = IDL.Variant({
  creation: IDL.Record({ controllers: IDL.Vec(IDL.Principal), environment_variables_hash: IDL.Opt(IDL.Vec(IDL.Nat8)) }),
  code_uninstall: IDL.Null,
  code_deployment: IDL.Record({
    mode: IDL.Variant({ install: IDL.Null, reinstall: IDL.Null, upgrade: IDL.Null }),
    module_hash: IDL.Vec(IDL.Nat8),
  }),
  load_snapshot: IDL.Record({
    from_canister_id: IDL.Opt(IDL.Principal),
    snapshot_id: IDL.Vec(IDL.Nat8),
    canister_version: IDL.Nat64,
    taken_at_timestamp: IDL.Nat64,
    source: IDL.Variant({ taken_from_canister: IDL.Reserved, metadata_upload: IDL.Reserved }),
  }),
  controllers_change: IDL.Record({ controllers: IDL.Vec(IDL.Principal) }),
  rename_canister: IDL.Record({
    canister_id: IDL.Principal,
    total_num_changes: IDL.Nat64,
    rename_to: IDL.Record({ canister_id: IDL.Principal, version: IDL.Nat64, total_num_changes: IDL.Nat64 }),
    requested_by: IDL.Principal,
  }),
});
/** `change` of ic.did. */
export const Change = IDL.Record({ timestamp_nanos: IDL.Nat64, canister_version: IDL.Nat64, origin: ChangeOrigin, details: ChangeDetails });
export const CanisterInfoArgs = IDL.Record({ canister_id: IDL.Principal, num_requested_changes: IDL.Opt(IDL.Nat64) });
export const CanisterInfoResult = IDL.Record({
  total_num_changes: IDL.Nat64, recent_changes: IDL.Vec(Change), module_hash: IDL.Opt(IDL.Vec(IDL.Nat8)), controllers: IDL.Vec(IDL.Principal),
});
export const CanisterMetadataArgs = IDL.Record({ canister_id: IDL.Principal, name: IDL.Text });
export const CanisterMetadataResult = IDL.Record({ value: IDL.Vec(IDL.Nat8) });

/** A history entry as Candid. */
export function changeValue(c: CanisterChange): Record<string, unknown> {
  const origin = c.origin.kind === 'fromUser'
    ? { from_user: { user_id: toPrincipal(c.origin.userId) } }
    : { from_canister: { canister_id: toPrincipal(c.origin.canisterId), canister_version: opt(c.origin.canisterVersion) } };
  const d = c.details;
  let details: Record<string, unknown>;
  switch (d.kind) {
    case 'creation': details = { creation: { controllers: d.controllers.map(toPrincipal), environment_variables_hash: [] } }; break;
    case 'codeUninstall': details = { code_uninstall: null }; break;
    case 'codeDeployment': details = { code_deployment: { mode: { [d.mode]: null }, module_hash: d.moduleHash } }; break;
    case 'controllersChange': details = { controllers_change: { controllers: d.controllers.map(toPrincipal) } }; break;
    case 'loadSnapshot': details = { load_snapshot: {
      from_canister_id: opt(d.fromCanisterId === undefined ? undefined : toPrincipal(d.fromCanisterId)),
      snapshot_id: d.snapshotId, canister_version: d.canisterVersion, taken_at_timestamp: d.takenAtTimestamp,
      source: d.source === 'metadataUpload' ? { metadata_upload: null } : { taken_from_canister: null },
    } }; break;
  }
  return { timestamp_nanos: c.timestampNanos, canister_version: c.canisterVersion, origin, details };
}

/** The `canister_info_result` of `canister` with its last `requested` changes. */
export function canisterInfoValue(canister: CanisterState, requested: bigint): Record<string, unknown> {
  const h = canister.systemState.canisterHistory;
  const all = h.changes;
  const n = requested < BigInt(all.length) ? Number(requested) : all.length;
  return {
    total_num_changes: h.totalNumChanges,
    recent_changes: all.slice(all.length - n).map(changeValue),
    module_hash: moduleHashOf(canister),
    controllers: canister.systemState.controllers.map(toPrincipal),
  };
}

/** `canister_info` of the canister named in `arg`: the encoded result or the error. */
export function readCanisterInfo(
  state: ReplicatedState, arg: Uint8Array, notFound: (id: CanisterId) => UserError,
): { readonly reply: Uint8Array } | { readonly error: UserError } {
  const a = namedCanister<{ canister_id: Principal; num_requested_changes: Opt<bigint> }>(state, arg, notFound, CanisterInfoArgs);
  if (!a.ok) return { error: a.error };
  return { reply: encode([CanisterInfoResult], [canisterInfoValue(a.canister, unopt(a.value.num_requested_changes) ?? 0n)]) };
}

const canisterInfo: Handler = (call, ctx): ManagementOutcome => {
  if (call.message.kind === 'ingress') return reject(unexpectedIngress('canister_info'));
  const r = readCanisterInfo(ctx.state, call.arg, canisterNotFound);
  return 'reply' in r ? { kind: 'reply', reply: r.reply } : reject(r.error);
};

/** The contents of `canister`'s metadata section `name` (a private one only for a controller), or the error. */
export function canisterMetadata(canister: CanisterState, name: string, isController: boolean): Uint8Array | UserError {
  const id = canister.canisterId.toText();
  const es = canister.executionState;
  if (es === undefined) {
    return userError(ErrorCode.CanisterRejectedMessage, `The canister ${id} has no Wasm module and hence no metadata is available.`);
  }
  const pub = WebAssembly.Module.customSections(es.compiled.module, `icp:public ${name}`);
  const priv = WebAssembly.Module.customSections(es.compiled.module, `icp:private ${name}`);
  if (pub.length > 0) return new Uint8Array(pub[0]);
  if (priv.length > 0 && isController) return new Uint8Array(priv[0]);
  return userError(ErrorCode.CanisterRejectedMessage, `The canister ${id} has no metadata section with the name ${name}.`);
}

const canisterMetadataHandler: Handler = (call, ctx): ManagementOutcome => {
  if (call.message.kind === 'ingress') return reject(unexpectedIngress('canister_metadata'));
  const a = namedCanister<{ canister_id: Principal; name: string }>(ctx.state, call.arg, canisterNotFound, CanisterMetadataArgs);
  if (!a.ok) return reject(a.error);
  const r = canisterMetadata(a.canister, a.value.name, a.canister.systemState.isController(call.sender));
  if (!(r instanceof Uint8Array)) return reject(r);
  return { kind: 'reply', reply: encode([CanisterMetadataResult], [{ value: r }]) };
};

export const handlers: Readonly<Record<string, Handler>> = {
  canister_info: canisterInfo,
  canister_metadata: canisterMetadataHandler,
};
