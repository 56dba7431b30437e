// Every reject path a user or a canister meets, with the IC's codes and wording.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CanisterId, ErrorCode, PrincipalId } from '../../src/index.ts';
import type { Replica } from '../../src/index.ts';
import { IDL, MGMT, NONE, dec, enc, p, rejectsWith, replicaWithNodes } from './support.ts';


describe('reject paths', () => {
  let ic: Replica;
  let a: CanisterId;
  let b: CanisterId;
  before(async () => {
    const r = await replicaWithNodes(2);
    ic = r.ic;
    [a, b] = r.ids;
  });
  after(async () => { await ic.close(); });

  const callRaw = async (target: CanisterId, method: string): Promise<string> =>
    dec<string>(IDL.Text, await ic.updateCall(a, 'callRaw', enc([IDL.Principal, IDL.Text], [p(target), method])));

  it('a canister calling a missing canister gets DESTINATION_INVALID (3)', async () => {
    const missing = CanisterId.fromU64(0xabcdn);
    assert.equal(await callRaw(missing, 'x'), `3 Canister ${missing.toText()} not found`);
    const outside = CanisterId.fromU64(1n << 40n);
    assert.equal(await callRaw(outside, 'x'), `3 No route to canister ${outside.toText()}`);
  });

  it('a canister reject is CANISTER_REJECT (4), a trap and a missing method CANISTER_ERROR (5)', async () => {
    assert.equal(await callRaw(b, 'rejectMe'), '4 rejected by request');
    assert.match(await callRaw(b, 'trapMe'), /^5 IC0503: .*trapped by request/);
    assert.match(await callRaw(b, 'nope'), /^5 IC0536: /);
  });

  it('a canister calling an unknown management method gets IC0536\'s reject code and its bare description', async () => {
    assert.equal(await callRaw(MGMT, 'nope'), "5 Management canister has no method 'nope'");
  });

  it('ingress: missing canister IC0301, canister reject IC0406, trap IC0503, missing method IC0536', async () => {
    const missing = CanisterId.fromU64(0xabcdn);
    await rejectsWith(ic.updateCall(missing, 'x', NONE), ErrorCode.CanisterNotFound, `IC0301: Canister ${missing.toText()} not found`);
    await rejectsWith(ic.updateCall(b, 'rejectMe', NONE), ErrorCode.CanisterRejectedMessage, 'IC0406: rejected by request');
    await rejectsWith(ic.updateCall(b, 'trapMe', NONE), ErrorCode.CanisterCalledTrap, /trapped by request/);
    await rejectsWith(ic.updateCall(b, 'nope', NONE), ErrorCode.CanisterMethodNotFound, /IC0536: /);
    await rejectsWith(ic.query(b, 'nope', NONE), ErrorCode.CanisterMethodNotFound, /IC0536: /);
    await rejectsWith(ic.query(missing, 'get', NONE), ErrorCode.CanisterNotFound, `IC0301: Canister ${missing.toText()} not found`);
  });

  it('ingress to the management canister: unknown, canister-only, status denied by status_visibility', async () => {
    await rejectsWith(ic.updateCall(MGMT, 'nope', NONE), ErrorCode.CanisterMethodNotFound, 'IC0536: ic00 interface does not expose method nope');
    await rejectsWith(ic.updateCall(MGMT, 'raw_rand', NONE), ErrorCode.CanisterRejectedMessage, 'IC0406: ic00 method raw_rand can not be called via ingress messages');
    const status = enc([IDL.Record({ canister_id: IDL.Principal })], [{ canister_id: p(b) }]);
    const stranger = PrincipalId.fromUint8Array(Uint8Array.of(9, 9));
    await rejectsWith(ic.updateCall(MGMT, 'canister_status', status, { sender: stranger }),
      ErrorCode.CanisterStatusAccessDenied, `IC0542: Caller ${stranger.toText()} is not allowed to read the canister status`);
  });
});
