// Helpers of the install-code and chunk-store scenario tests: the Candid of
// the methods, their users, and the replica's help lines and texts (the
// proxy canister is mgmt-proxy.ts; rejects and `MGMT` are in support.ts).
import { createHash } from 'node:crypto';
import { IDL } from '@dfinity/candid';
import { PrincipalId } from '../../src/index.ts';
import type { CanisterId, Replica } from '../../src/index.ts';
import { enc, p } from './support.ts';

export { MGMT } from './support.ts';

export const USER = PrincipalId.fromUint8Array(Uint8Array.of(0x0a, 0x0b, 0x05));
export const STRANGER = PrincipalId.fromUint8Array(Uint8Array.of(0x0a, 0x0b, 0x06));
export const sha256 = (b: Uint8Array): Uint8Array => Uint8Array.from(createHash('sha256').update(b).digest());

// ---- Candid -----------------------------------------------------------

const Mode = IDL.Variant({
  install: IDL.Null, reinstall: IDL.Null,
  upgrade: IDL.Opt(IDL.Record({ skip_pre_upgrade: IDL.Opt(IDL.Bool), wasm_memory_persistence: IDL.Opt(IDL.Variant({ keep: IDL.Null, replace: IDL.Null })) })),
});
const ChunkHash = IDL.Record({ hash: IDL.Vec(IDL.Nat8) });
export const UploadChunkResult = ChunkHash;
export const StoredChunksResult = IDL.Vec(ChunkHash);

export type Mode = { install: null } | { reinstall: null } | { upgrade: [] | [{ skip_pre_upgrade: [] | [boolean]; wasm_memory_persistence: [] | [{ keep: null }] }] };
export const INSTALL: Mode = { install: null };
export const REINSTALL: Mode = { reinstall: null };
export const UPGRADE_KEEP: Mode = { upgrade: [{ skip_pre_upgrade: [], wasm_memory_persistence: [{ keep: null }] }] };

export function installCodeArg(mode: Mode, id: CanisterId, wasm: Uint8Array, arg: Uint8Array = new Uint8Array(0), senderVersion?: bigint): Uint8Array {
  return enc([IDL.Record({ mode: Mode, canister_id: IDL.Principal, wasm_module: IDL.Vec(IDL.Nat8), arg: IDL.Vec(IDL.Nat8), sender_canister_version: IDL.Opt(IDL.Nat64) })],
    [{ mode, canister_id: p(id), wasm_module: wasm, arg, sender_canister_version: senderVersion === undefined ? [] : [senderVersion] }]);
}

export function installChunkedArg(
  mode: Mode, target: CanisterId, store: CanisterId | undefined, hashes: readonly Uint8Array[], moduleHash: Uint8Array, arg: Uint8Array = new Uint8Array(0),
): Uint8Array {
  return enc([IDL.Record({
    mode: Mode, target_canister: IDL.Principal, store_canister: IDL.Opt(IDL.Principal), chunk_hashes_list: IDL.Vec(ChunkHash),
    wasm_module_hash: IDL.Vec(IDL.Nat8), arg: IDL.Vec(IDL.Nat8), sender_canister_version: IDL.Opt(IDL.Nat64),
  })], [{
    mode, target_canister: p(target), store_canister: store === undefined ? [] : [p(store)], chunk_hashes_list: hashes.map((hash) => ({ hash })),
    wasm_module_hash: moduleHash, arg, sender_canister_version: [],
  }]);
}

export const uninstallArg = (id: CanisterId, senderVersion?: bigint): Uint8Array =>
  enc([IDL.Record({ canister_id: IDL.Principal, sender_canister_version: IDL.Opt(IDL.Nat64) })],
    [{ canister_id: p(id), sender_canister_version: senderVersion === undefined ? [] : [senderVersion] }]);
export const uploadArg = (id: CanisterId, chunk: Uint8Array): Uint8Array =>
  enc([IDL.Record({ canister_id: IDL.Principal, chunk: IDL.Vec(IDL.Nat8) })], [{ canister_id: p(id), chunk }]);
/** Candid that is not a record with `canister_id`. */
export const MALFORMED = enc([IDL.Text], ['not a record']);

export const decodeHash = (bytes: Uint8Array): Uint8Array => Uint8Array.from((IDL.decode([ChunkHash], bytes)[0] as { hash: number[] }).hash);
export const decodeHashes = (bytes: Uint8Array): Uint8Array[] =>
  (IDL.decode([StoredChunksResult], bytes)[0] as { hash: number[] }[]).map((h) => Uint8Array.from(h.hash));

/** The replica's help line: `\n<suggestion> See documentation: <link>`. */
export const help = (suggestion: string, anchor: string): string =>
  `\n${suggestion} See documentation: https://docs.internetcomputer.org/references/execution-errors#${anchor}`;
export const CONTROLLER_HELP = help('Execute this call from a controller of the target canister or add the current caller as a controller.', 'invalid-controller');
export const NOT_FOUND_HELP = help('Check the ICP dashboard to ensure the canister exists.', 'canister-not-found');
export const CHUNK_HELP = help('Use the `stored_chunks` API to check which hashes are present or top up the canister if it is low on cycles.', 'wasm-chunk-store-error');

/** IC0512's text for `canister` and `sender`. */
export function notControllerText(ic: Replica, canister: CanisterId, sender: PrincipalId): string {
  const controllers = ic.committedState.canister(canister)?.systemState.controllers.map((c) => c.toText()).join(' ');
  return `Only the controllers of the canister ${canister.toText()} can control it.\nCanister's controllers: ${controllers}\nSender's ID: ${sender.toText()}${CONTROLLER_HELP}`;
}
