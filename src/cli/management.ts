/**
 * The management canister calls `deploy` makes, through the agent:
 * provisional create, install_code, and the chunk store (upload_chunk with a
 * progress display, install_chunked_code, clear_chunk_store) for modules
 * that do not fit one ingress message.
 */
import { createHash } from 'node:crypto';
import type { Client } from './client.ts';
import type { Progress } from './command.ts';
import type { IDL as IdlTypes } from '@icp-sdk/core/candid';

/** The IC's ingress message limit (2 MiB); a module that leaves less than {@link ENVELOPE_ROOM} of it goes through the chunk store. */
export const MAX_INGRESS_BYTES = 2 * 1024 * 1024;
/** Room kept for the envelope and the install arguments. */
export const ENVELOPE_ROOM = 64 * 1024;
/** The chunk size of the Wasm chunk store (interface spec, `upload_chunk`). */
export const CHUNK_BYTES = 1024 * 1024;
/** The effective canister id of a provisional create: the local subnet's first canister id. */
export const CREATE_EFFECTIVE_ID = 'rwlgt-iiaaa-aaaaa-aaaaa-cai';

export type InstallMode = 'install' | 'reinstall' | 'upgrade';

/** Whether a module of `size` bytes with an argument of `argSize` bytes needs the chunk store. */
export function needsChunks(size: number, argSize: number): boolean {
  return size + argSize + ENVELOPE_ROOM > MAX_INGRESS_BYTES;
}

async function management(client: Client, effective: string) {
  const { IDL } = await import('@icp-sdk/core/candid');
  const { Principal } = await import('@icp-sdk/core/principal');
  const mgmt = Principal.fromText('aaaaa-aa');
  const target = Principal.fromText(effective);
  const call = async (method: string, types: IdlTypes.Type[], args: unknown[], ret: IdlTypes.Type[]): Promise<unknown[]> => {
    const { reply } = await client.agent.update(mgmt, { methodName: method, arg: IDL.encode(types, args), effectiveCanisterId: target });
    return IDL.decode(ret, reply);
  };
  return { IDL, Principal, call, target };
}

/** `provisional_create_canister_with_cycles` with `cycles` (default: the replica's), controlled by the caller. @returns the canister id. */
export async function provisionalCreate(client: Client, cycles: bigint | undefined): Promise<string> {
  const { IDL, call } = await management(client, CREATE_EFFECTIVE_ID);
  const settings = IDL.Record({ controllers: IDL.Opt(IDL.Vec(IDL.Principal)) });
  const arg = IDL.Record({ amount: IDL.Opt(IDL.Nat), settings: IDL.Opt(settings), specified_id: IDL.Opt(IDL.Principal), sender_canister_version: IDL.Opt(IDL.Nat64) });
  const controllers = [client.identity.getPrincipal()];
  const [result] = await call('provisional_create_canister_with_cycles', [arg], [{
    amount: cycles === undefined ? [] : [cycles], settings: [{ controllers: [controllers] }], specified_id: [], sender_canister_version: [],
  }], [IDL.Record({ canister_id: IDL.Principal })]);
  return (result as { canister_id: { toText(): string } }).canister_id.toText();
}

/** What install_code and install_chunked_code share. */
export interface InstallRequest {
  readonly canisterId: string;
  readonly mode: InstallMode;
  /** The module as it is sent (gzip or not). */
  readonly module: Uint8Array;
  readonly arg: Uint8Array;
  /** Upgrade with `wasm_memory_persistence = opt keep` (a Motoko module with enhanced orthogonal persistence). */
  readonly keepMemory: boolean;
}

async function modeType(req: InstallRequest) {
  const { IDL } = await import('@icp-sdk/core/candid');
  const upgradeOptions = IDL.Record({
    skip_pre_upgrade: IDL.Opt(IDL.Bool), wasm_memory_persistence: IDL.Opt(IDL.Variant({ keep: IDL.Null, replace: IDL.Null })),
  });
  const type = IDL.Variant({ install: IDL.Null, reinstall: IDL.Null, upgrade: IDL.Opt(upgradeOptions) });
  const value = req.mode === 'upgrade'
    ? { upgrade: req.keepMemory ? [{ skip_pre_upgrade: [], wasm_memory_persistence: [{ keep: null }] }] : [] }
    : { [req.mode]: null };
  return { type, value };
}

/** install_code in one message. */
export async function installCode(client: Client, req: InstallRequest): Promise<void> {
  const { IDL, Principal, call } = await management(client, req.canisterId);
  const mode = await modeType(req);
  const arg = IDL.Record({ mode: mode.type, canister_id: IDL.Principal, wasm_module: IDL.Vec(IDL.Nat8), arg: IDL.Vec(IDL.Nat8), sender_canister_version: IDL.Opt(IDL.Nat64) });
  await call('install_code', [arg], [{ mode: mode.value, canister_id: Principal.fromText(req.canisterId), wasm_module: req.module, arg: req.arg, sender_canister_version: [] }], []);
}

/**
 * The module through the canister's own chunk store: the store cleared,
 * 1 MiB chunks uploaded (`progress` counts bytes), install_chunked_code,
 * the store cleared again. @returns the number of chunks.
 */
export async function installChunked(client: Client, req: InstallRequest, progress: Progress): Promise<number> {
  const { IDL, Principal, call } = await management(client, req.canisterId);
  const canister = Principal.fromText(req.canisterId);
  const clear = () => call('clear_chunk_store', [IDL.Record({ canister_id: IDL.Principal })], [{ canister_id: canister }], []);
  await clear();
  const hashes: Uint8Array[] = [];
  try {
    for (let at = 0; at < req.module.length; at += CHUNK_BYTES) {
      const chunk = req.module.subarray(at, at + CHUNK_BYTES);
      const [r] = await call('upload_chunk', [IDL.Record({ canister_id: IDL.Principal, chunk: IDL.Vec(IDL.Nat8) })], [{ canister_id: canister, chunk }],
        [IDL.Record({ hash: IDL.Vec(IDL.Nat8) })]);
      hashes.push((r as { hash: Uint8Array }).hash);
      progress.update(Math.min(at + CHUNK_BYTES, req.module.length));
    }
  } finally {
    progress.done();
  }
  const mode = await modeType(req);
  const arg = IDL.Record({
    mode: mode.type, target_canister: IDL.Principal, store_canister: IDL.Opt(IDL.Principal), chunk_hashes_list: IDL.Vec(IDL.Record({ hash: IDL.Vec(IDL.Nat8) })),
    wasm_module_hash: IDL.Vec(IDL.Nat8), arg: IDL.Vec(IDL.Nat8), sender_canister_version: IDL.Opt(IDL.Nat64),
  });
  await call('install_chunked_code', [arg], [{
    mode: mode.value, target_canister: canister, store_canister: [], chunk_hashes_list: hashes.map((hash) => ({ hash })),
    wasm_module_hash: createHash('sha256').update(req.module).digest(), arg: req.arg, sender_canister_version: [],
  }], []);
  await clear();
  return hashes.length;
}
