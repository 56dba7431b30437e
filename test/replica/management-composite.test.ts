// Composite queries calling the management canister's query methods (the
// replica's `subnet_query.rs`, shared by user queries and composite calls):
// the call runs on the same snapshot with the calling canister as the
// caller; an error comes back as a reject with its reject code and bare
// description.
//
// Test steps:
// 1. The proxy reads its own status (a canister may always) and the
//    committed balance matches; canister_info of another canister.
// 2. Another canister's status: reject 5 "Caller <proxy> is not allowed to
//    read the canister status"; its logs: reject 4 "Caller <proxy> is not
//    allowed to access canister logs".
// 3. A missing canister: reject 3 "Canister <id> not found"; a method that
//    is not a query method: reject 5 "Query method raw_rand not found.".
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CanisterId, PrincipalId, Replica } from '../../src/index.ts';
import { IDL, canisterIdArg, dec, enc, p } from './support.ts';
import { proxyAnswer, proxyArg, proxyCanister } from './mgmt-proxy.ts';
import type { ProxyAnswer } from './mgmt-proxy.ts';

const CONTROLLER = PrincipalId.fromUint8Array(Uint8Array.of(0xc0, 0x01));

describe('management canister: calls from composite queries', () => {
  let ic: Replica;
  let proxy: CanisterId;
  let other: CanisterId;
  const ccall = async (method: string, arg: Uint8Array): Promise<ProxyAnswer> =>
    proxyAnswer(await ic.query(proxy, 'ccall', proxyArg(method, arg), { sender: CONTROLLER }));

  before(async () => {
    ic = await Replica.create();
    proxy = await proxyCanister(ic, { controllers: [CONTROLLER], sender: CONTROLLER });
    other = await proxyCanister(ic, { controllers: [CONTROLLER], sender: CONTROLLER });
  });
  after(async () => { await ic.close(); });

  it('reads its own status and another canister\'s info on the committed state', async () => {
    const own = await ccall('canister_status', canisterIdArg(proxy));
    assert.equal(own.kind, 'reply');
    const status = dec<{ cycles: bigint; status: Record<string, null> }>(
      IDL.Record({ cycles: IDL.Nat, status: IDL.Variant({ running: IDL.Null, stopping: IDL.Null, stopped: IDL.Null }) }),
      (own as { bytes: Uint8Array }).bytes);
    assert.deepEqual(status.status, { running: null });
    assert.equal(status.cycles, ic.committedState.canister(proxy)?.systemState.balance);
    const info = await ccall('canister_info', enc([IDL.Record({ canister_id: IDL.Principal, num_requested_changes: IDL.Opt(IDL.Nat64) })],
      [{ canister_id: p(other), num_requested_changes: [] }]));
    assert.equal(info.kind, 'reply');
    assert.equal(dec<{ total_num_changes: bigint }>(IDL.Record({ total_num_changes: IDL.Nat64 }), (info as { bytes: Uint8Array }).bytes).total_num_changes, 2n);
  });

  it('access errors, a missing canister and a non-query method come back as rejects with the bare description', async () => {
    assert.deepEqual(await ccall('canister_status', canisterIdArg(other)),
      { kind: 'reject', code: 5, message: `Caller ${proxy.toText()} is not allowed to read the canister status`, refunded: 0n });
    const logs = enc([IDL.Record({ canister_id: IDL.Principal, filter: IDL.Opt(IDL.Null) })], [{ canister_id: p(other), filter: [] }]);
    assert.deepEqual(await ccall('fetch_canister_logs', logs),
      { kind: 'reject', code: 4, message: `Caller ${proxy.toText()} is not allowed to access canister logs`, refunded: 0n });
    const missing = CanisterId.fromU64(0xabcdn);
    assert.deepEqual(await ccall('canister_status', canisterIdArg(missing)), { kind: 'reject', code: 3, message: `Canister ${missing.toText()} not found`, refunded: 0n });
    assert.deepEqual(await ccall('raw_rand', enc([], [])), { kind: 'reject', code: 5, message: 'Query method raw_rand not found.', refunded: 0n });
  });
});
