// Helpers of the replica scenario tests: Candid in and out, the management
// canister's id, rejects, and a replica with `Node` canisters installed.
import assert from 'node:assert/strict';
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { CanisterId, Replica, UserErrorException } from '../../src/index.ts';
import type { PrincipalId, ReplicaOptions } from '../../src/index.ts';
import { nodeWasm } from './canisters.ts';

export { IDL };

/** The management canister. */
export const MGMT = CanisterId.fromText('aaaaa-aa');

export const hex = (b: Uint8Array | readonly number[]): string => Buffer.from(Uint8Array.from(b)).toString('hex');

/**
 * Asserts that `promise` rejects with a `UserErrorException` of `code` and
 * `text`: the description, or the whole message `IC0xxx: description`
 * (a string: exactly; a RegExp: matching either).
 */
export async function rejectsWith(promise: Promise<unknown>, code: number, text: string | RegExp): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof UserErrorException, String(e));
    assert.equal(e.userError.code, code, e.message);
    const description = e.userError.description;
    if (typeof text === 'string') assert.equal(/^IC\d{4}: /.test(text) ? e.message : description, text);
    else assert.ok(text.test(description) || text.test(e.message), `${e.message} does not match ${String(text)}`);
    return true;
  });
}

/** Candid-encodes `values` as `types`. */
export function enc(types: IDL.Type[], values: unknown[]): Uint8Array {
  return new Uint8Array(IDL.encode(types, values));
}

/** Decodes a single Candid value of `type`. */
export function dec<T>(type: IDL.Type, bytes: Uint8Array): T {
  return IDL.decode([type], bytes)[0] as T;
}

/** The `Principal` of a canister id or any principal, for Candid. */
export const p = (id: PrincipalId): Principal => Principal.fromUint8Array(Uint8Array.from(id.bytesView()));

/** `record { canister_id }`, the argument of many management methods. */
export const canisterIdArg = (id: CanisterId): Uint8Array => enc([IDL.Record({ canister_id: IDL.Principal })], [{ canister_id: p(id) }]);

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
