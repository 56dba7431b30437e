// Helpers of the replica scenario tests: Candid in and out, and a replica
// with `Node` canisters installed.
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { Replica } from '../../src/index.ts';
import type { CanisterId, ReplicaOptions } from '../../src/index.ts';
import { nodeWasm } from './canisters.ts';

export { IDL };

/** Candid-encodes `values` as `types`. */
export function enc(types: IDL.Type[], values: unknown[]): Uint8Array {
  return new Uint8Array(IDL.encode(types, values));
}

/** Decodes a single Candid value of `type`. */
export function dec<T>(type: IDL.Type, bytes: Uint8Array): T {
  return IDL.decode([type], bytes)[0] as T;
}

/** The `Principal` of a canister id, for Candid. */
export const p = (id: CanisterId): Principal => Principal.fromUint8Array(Uint8Array.from(id.bytesView()));

export const NONE = enc([], []);

/** A replica with `n` Node canisters installed. */
export async function replicaWithNodes(n: number, opts: ReplicaOptions = {}): Promise<{ ic: Replica; ids: CanisterId[] }> {
  const ic = await Replica.create(opts);
  const wasm = await nodeWasm();
  const ids: CanisterId[] = [];
  for (let i = 0; i < n; i++) {
    const id = await ic.createCanister();
    await ic.installCode(id, wasm);
    ids.push(id);
  }
  return { ic, ids };
}

/** `get()` of a Node canister. */
export async function counterOf(ic: Replica, id: CanisterId): Promise<bigint> {
  return dec<bigint>(IDL.Nat, await ic.query(id, 'get', NONE));
}
