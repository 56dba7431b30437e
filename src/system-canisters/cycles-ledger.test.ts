// The local cycles ledger on an in-process replica: ICRC-1 metadata and
// balances, transfers with the real errors (BadFee, InsufficientFunds,
// Duplicate, TooOld, CreatedInFuture, the management canister denied),
// deposit (the amount less the fee), withdraw (InvalidReceiver, a failed
// deposit_cycles refunded less the fee), create_canister (the caller as
// controller or the given ones, the amount on the new canister less the
// creation fee, InsufficientFunds, FailedToCreate with fee and refund
// blocks, Duplicate with the canister id) and the unsupported methods.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import type { Replica } from '../replica/index.ts';
import { CanisterId, PrincipalId } from '../types/index.ts';
import { UserErrorException } from '../errors/index.ts';
import {
  ALICE, ANONYMOUS, Account, BOB, CAROL, CreateCanisterArgs, CreateCanisterResponse, FEE, T, TransferArgs, TransferError, WithdrawArgs, WithdrawError,
  balanceOf, enc, ledgerCall, ledgerId, principal, systemReplica,
} from './test-support.ts';
import { ANONYMOUS_CYCLES, FUNDED_CYCLES } from './index.ts';

type Variant = Record<string, unknown>;
const TransferResult = IDL.Variant({ Ok: IDL.Nat, Err: TransferError });
const WithdrawResult = IDL.Variant({ Ok: IDL.Nat, Err: WithdrawError });

describe('the local cycles ledger', { timeout: 120_000 }, () => {
  let ic: Replica;
  let helper: CanisterId;
  before(async () => { ({ ic, helper } = await systemReplica()); });
  after(async () => { await ic?.close(); });

  const transfer = (from: PrincipalId, to: PrincipalId, amount: bigint, extra: Partial<{ fee: bigint; created_at_time: bigint }> = {}): Promise<Variant> =>
    ledgerCall(ic, from, 'icrc1_transfer', enc([TransferArgs], [{
      from_subaccount: [], to: { owner: principal(to), subaccount: [] }, amount, memo: [],
      fee: extra.fee === undefined ? [] : [extra.fee], created_at_time: extra.created_at_time === undefined ? [] : [extra.created_at_time],
    }]), TransferResult);
  const create = (from: PrincipalId, amount: bigint, extra: Partial<{ controllers: PrincipalId[]; created_at_time: bigint; subnet: Principal }> = {}): Promise<Variant> =>
    ledgerCall(ic, from, 'create_canister', enc([CreateCanisterArgs], [{
      from_subaccount: [], amount, created_at_time: extra.created_at_time === undefined ? [] : [extra.created_at_time],
      creation_args: [{
        settings: extra.controllers === undefined ? [] : [{ controllers: [extra.controllers.map(principal)], compute_allocation: [], memory_allocation: [], freezing_threshold: [], reserved_cycles_limit: [] }],
        subnet_selection: extra.subnet === undefined ? [] : [{ Subnet: { subnet: extra.subnet } }],
      }],
    }]), CreateCanisterResponse);

  it('ICRC-1 metadata and the starting balances', async () => {
    const q = async (m: string, t: IDL.Type): Promise<unknown> => IDL.decode([t], await ic.query(ledgerId, m, enc([], [])))[0];
    assert.equal(await q('icrc1_symbol', IDL.Text), 'TCYCLES');
    assert.equal(await q('icrc1_name', IDL.Text), 'Trillion Cycles');
    assert.equal(await q('icrc1_decimals', IDL.Nat8), 12);
    assert.equal(await q('icrc1_fee', IDL.Nat), FEE);
    assert.deepEqual(await q('icrc1_minting_account', IDL.Opt(Account)), []);
    const meta = await q('icrc1_metadata', IDL.Vec(IDL.Tuple(IDL.Text, IDL.Variant({ Nat: IDL.Nat, Int: IDL.Int, Text: IDL.Text, Blob: IDL.Vec(IDL.Nat8) })))) as [string, Variant][];
    assert.deepEqual(Object.fromEntries(meta.map(([k, v]) => [k, Object.values(v)[0]])), {
      'icrc1:decimals': 12n, 'icrc1:name': 'Trillion Cycles', 'icrc1:symbol': 'TCYCLES', 'icrc1:fee': FEE, 'icrc1:max_memo_length': 32n,
      'dfn:max_blocks_per_request': 100n,
    });
    assert.deepEqual([await balanceOf(ic, ANONYMOUS), await balanceOf(ic, ALICE), await balanceOf(ic, BOB), await balanceOf(ic, CAROL)],
      [ANONYMOUS_CYCLES, FUNDED_CYCLES, FUNDED_CYCLES, 0n]);
    assert.equal(await q('icrc1_total_supply', IDL.Nat), ANONYMOUS_CYCLES + 2n * FUNDED_CYCLES);
    // The ledger canister's own balance backs the supply.
    assert.ok(ic.cycleBalance(ledgerId) >= ANONYMOUS_CYCLES + 2n * FUNDED_CYCLES);
  });

  it('icrc1_transfer: amount to the receiver, amount + fee from the sender; the real errors', async () => {
    const [a0, c0] = [await balanceOf(ic, ALICE), await balanceOf(ic, CAROL)];
    assert.ok('Ok' in await transfer(ALICE, CAROL, 5n * T));
    assert.deepEqual([await balanceOf(ic, ALICE), await balanceOf(ic, CAROL)], [a0 - 5n * T - FEE, c0 + 5n * T]);
    assert.deepEqual(await transfer(ALICE, CAROL, 1n, { fee: 1n }), { Err: { BadFee: { expected_fee: FEE } } });
    assert.deepEqual(await transfer(CAROL, ALICE, 5n * T), { Err: { InsufficientFunds: { balance: 5n * T } } });
    const now = ic.time;
    const first = await transfer(CAROL, ALICE, T, { created_at_time: now });
    assert.ok('Ok' in first);
    assert.deepEqual(await transfer(CAROL, ALICE, T, { created_at_time: now }), { Err: { Duplicate: { duplicate_of: first.Ok } } });
    assert.deepEqual(await transfer(CAROL, ALICE, T, { created_at_time: now - 25n * 3600n * 1_000_000_000n }), { Err: { TooOld: null } });
    const future = await transfer(CAROL, ALICE, T, { created_at_time: now + 3600n * 1_000_000_000n }) as { Err: { CreatedInFuture: { ledger_time: bigint } } };
    assert.ok(future.Err.CreatedInFuture.ledger_time >= now);
    const denied = await transfer(CAROL, PrincipalId.fromText('aaaaa-aa'), 1n) as { Err: { GenericError: { error_code: bigint; message: string } } };
    assert.deepEqual(denied, { Err: { GenericError: { error_code: 100_001n, message: 'Owner of the account aaaaa-aa cannot be part of transactions' } } });
  });

  it('deposit: the attached cycles less the fee; withdraw: to a canister, refunded less the fee when it fails', async () => {
    const before = await balanceOf(ic, CAROL);
    const helperBefore = ic.cycleBalance(helper);
    const Deposit = IDL.Record({ balance: IDL.Nat, block_index: IDL.Nat });
    const d = IDL.decode([Deposit], await ic.updateCall(helper, 'deposit', enc([IDL.Principal, IDL.Nat], [principal(CAROL), 3n * T])))[0] as { balance: bigint };
    assert.equal(d.balance, before + 3n * T - FEE);
    assert.ok(helperBefore - ic.cycleBalance(helper) >= 3n * T);
    const withdraw = (to: Principal, amount: bigint): Promise<Variant> =>
      ledgerCall(ic, CAROL, 'withdraw', enc([WithdrawArgs], [{ amount, from_subaccount: [], to, created_at_time: [] }]), WithdrawResult);
    const target = ic.cycleBalance(helper);
    assert.ok('Ok' in await withdraw(principal(helper), 2n * T));
    assert.equal(ic.cycleBalance(helper), target + 2n * T);
    assert.equal(await balanceOf(ic, CAROL), d.balance - 2n * T - FEE);
    assert.deepEqual(await withdraw(principal(BOB), T), { Err: { InvalidReceiver: { receiver: principal(BOB) } } });
    const missing = await withdraw(principal(CanisterId.fromU64(0x5000n)), T) as { Err: { FailedToWithdraw: { rejection_code: Variant; rejection_reason: string; fee_block: bigint[] } } };
    assert.deepEqual(missing.Err.FailedToWithdraw.rejection_code, { DestinationInvalid: null });
    assert.match(missing.Err.FailedToWithdraw.rejection_reason, /not found/);
    // Charged the fee twice: the withdrawal's and the refund's.
    assert.equal(await balanceOf(ic, CAROL), d.balance - 2n * T - FEE - 2n * FEE);
  });

  it('create_canister: through the CMC, the caller or the given controllers, the cycles on the new canister; the real errors', async () => {
    const a0 = await balanceOf(ic, ALICE);
    const ok = await create(ALICE, 3n * T) as { Ok: { block_id: bigint; canister_id: Principal } };
    const id = CanisterId.fromPrincipalId(PrincipalId.fromPrincipal(ok.Ok.canister_id));
    assert.equal(await balanceOf(ic, ALICE), a0 - 3n * T - FEE);
    const canister = ic.committedState.canister(id);
    assert.deepEqual(canister?.systemState.controllers.map((c) => c.toText()), [ALICE.toText()]);
    // 3 T less the creation fee the management canister keeps (500 B on a 13-node subnet).
    assert.equal(ic.cycleBalance(id), 3n * T - 500_000_000_000n);
    const withBob = await create(ALICE, T, { controllers: [BOB] }) as { Ok: { canister_id: Principal } };
    const bobs = ic.committedState.canister(CanisterId.fromPrincipalId(PrincipalId.fromPrincipal(withBob.Ok.canister_id)));
    assert.deepEqual(bobs?.systemState.controllers.map((c) => c.toText()), [BOB.toText()]);

    assert.deepEqual(await create(CAROL, 1000n * T), { Err: { InsufficientFunds: { balance: await balanceOf(ic, CAROL) } } });
    const now = ic.time;
    const once = await create(ALICE, T, { created_at_time: now }) as { Ok: { block_id: bigint; canister_id: Principal } };
    assert.deepEqual(await create(ALICE, T, { created_at_time: now }), { Err: { Duplicate: { duplicate_of: once.Ok.block_id, canister_id: [once.Ok.canister_id] } } });

    // Below the creation fee: the management canister refuses, the CMC refunds, the ledger mints it back less its fee.
    const a1 = await balanceOf(ic, ALICE);
    const low = await create(ALICE, 100_000_000_000n) as { Err: { FailedToCreate: { fee_block: bigint[]; refund_block: bigint[]; error: string } } };
    assert.match(low.Err.FailedToCreate.error, /Creating a canister requires a fee of 500_000_000_000/);
    assert.equal(low.Err.FailedToCreate.fee_block.length, 1);
    assert.equal(low.Err.FailedToCreate.refund_block.length, 1);
    assert.equal(await balanceOf(ic, ALICE), a1 - 2n * FEE);
    // Another subnet: the CMC refuses it.
    const other = await create(ALICE, T, { subnet: Principal.fromText('aaaaa-aa') }) as { Err: { FailedToCreate: { error: string } } };
    assert.match(other.Err.FailedToCreate.error, /Subnet aaaaa-aa does not exist or .* is not authorized to deploy to that subnet\./);
  });

  it('unsupported methods answer with a reject that says so', async () => {
    await assert.rejects(ic.updateCall(ledgerId, 'icrc2_approve', enc([], []), { sender: ALICE }), (e: unknown) => {
      assert.ok(e instanceof UserErrorException);
      assert.match(e.message, /icrc2_approve is not supported by ic-exec's local cycles ledger/);
      return true;
    });
    await assert.rejects(ic.query(ledgerId, 'icrc3_get_blocks', enc([], [])), /icrc3_get_blocks is not supported by ic-exec's local cycles ledger/);
  });
});
