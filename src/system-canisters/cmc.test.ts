// The local cycles minting canister on an in-process replica: the default
// subnet is this subnet; create_canister with the attached cycles makes a
// canister controlled by the caller (the cycles less the creation fee on
// it); another subnet or an unknown subnet type is Refunded with the
// cycles sent back; the ICP paths answer with a reject that says so.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import type { Replica } from '../replica/index.ts';
import { CanisterId, PrincipalId } from '../types/index.ts';
import { CmcCreateCanisterResult, SubnetSelection, T, cmcId, enc, principal, systemReplica } from './test-support.ts';

describe('the local cycles minting canister', { timeout: 120_000 }, () => {
  let ic: Replica;
  let helper: CanisterId;
  before(async () => { ({ ic, helper } = await systemReplica()); });
  after(async () => { await ic?.close(); });

  const create = async (amount: bigint, selection?: unknown): Promise<Record<string, unknown>> =>
    IDL.decode([CmcCreateCanisterResult], await ic.updateCall(helper, 'create', enc([IDL.Nat, IDL.Opt(SubnetSelection)], [amount, selection === undefined ? [] : [selection]])))[0] as Record<string, unknown>;

  it('get_default_subnets names this subnet', async () => {
    const subnets = IDL.decode([IDL.Vec(IDL.Principal)], await ic.query(cmcId, 'get_default_subnets', enc([], [])))[0] as unknown as Principal[];
    assert.deepEqual(subnets.map((p) => p.toText()), [ic.subnetId.toText()]);
  });

  it('create_canister: a canister controlled by the caller with the attached cycles less the creation fee', async () => {
    const before = ic.cycleBalance(helper);
    const r = await create(2n * T, { Subnet: { subnet: principal(ic.subnetId) } }) as { Ok: Principal };
    const id = CanisterId.fromPrincipalId(PrincipalId.fromPrincipal(r.Ok));
    assert.deepEqual(ic.committedState.canister(id)?.systemState.controllers.map((c) => c.toText()), [helper.toText()]);
    assert.equal(ic.cycleBalance(id), 2n * T - 500_000_000_000n);
    assert.ok(before - ic.cycleBalance(helper) >= 2n * T);
    assert.ok('Ok' in await create(T, { Filter: { subnet_type: ['application'] } }));
  });

  it('another subnet or subnet type: Refunded, the cycles back with the caller', async () => {
    const before = ic.cycleBalance(helper);
    const r = await create(2n * T, { Subnet: { subnet: Principal.fromText('aaaaa-aa') } }) as { Err: { Refunded: { refund_amount: bigint; create_error: string } } };
    assert.equal(r.Err.Refunded.refund_amount, 2n * T);
    assert.match(r.Err.Refunded.create_error, /^Subnet aaaaa-aa does not exist or \S+ is not authorized to deploy to that subnet\.$/);
    // Only what executing the calls cost is gone.
    assert.ok(before - ic.cycleBalance(helper) < 100_000_000_000n, `${before - ic.cycleBalance(helper)}`);
    const t = await create(T, { Filter: { subnet_type: ['fiduciary'] } }) as { Err: { Refunded: { create_error: string } } };
    assert.equal(t.Err.Refunded.create_error, 'Provided subnet type fiduciary does not exist');
  });

  it('without enough cycles for the creation fee: Refunded with the management canister\'s reason', async () => {
    const r = await create(1_000_000n) as { Err: { Refunded: { refund_amount: bigint; create_error: string } } };
    assert.equal(r.Err.Refunded.refund_amount, 1_000_000n);
    assert.match(r.Err.Refunded.create_error, /Creating a canister requires a fee of 500_000_000_000 that is deducted from the canister's initial balance but only 1_000_000 cycles were received/);
  });

  it('the ICP paths (no ICP ledger here) answer with a reject that says so', async () => {
    for (const m of ['notify_create_canister', 'notify_mint_cycles', 'notify_top_up']) {
      await assert.rejects(ic.updateCall(cmcId, m, enc([], [])), new RegExp(`${m} is not supported by ic-exec's local cycles minting canister \\(there is no ICP ledger on this replica\\)`));
    }
    await assert.rejects(ic.query(cmcId, 'get_icp_xdr_conversion_rate', enc([], [])), /get_icp_xdr_conversion_rate is not supported/);
  });
});
