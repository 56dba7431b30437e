// Test helpers for the system canisters: their Candid types (as
// dfinity/cycles-ledger and the CMC declare them) and a replica hosting
// them, with a Motoko helper canister that attaches cycles to calls.
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { compileMotoko } from '../../test/corpus/motoko.ts';
import { Replica } from '../replica/index.ts';
import type { CanisterId } from '../types/index.ts';
import { PrincipalId } from '../types/index.ts';
import { CYCLES_LEDGER_ID, CYCLES_MINTING_CANISTER_ID } from './index.ts';

export const Account = IDL.Record({ owner: IDL.Principal, subaccount: IDL.Opt(IDL.Vec(IDL.Nat8)) });
export const TransferArgs = IDL.Record({
  from_subaccount: IDL.Opt(IDL.Vec(IDL.Nat8)), to: Account, amount: IDL.Nat, fee: IDL.Opt(IDL.Nat), memo: IDL.Opt(IDL.Vec(IDL.Nat8)),
  created_at_time: IDL.Opt(IDL.Nat64),
});
export const TransferError = IDL.Variant({
  BadFee: IDL.Record({ expected_fee: IDL.Nat }), BadBurn: IDL.Record({ min_burn_amount: IDL.Nat }), InsufficientFunds: IDL.Record({ balance: IDL.Nat }),
  TooOld: IDL.Null, CreatedInFuture: IDL.Record({ ledger_time: IDL.Nat64 }), Duplicate: IDL.Record({ duplicate_of: IDL.Nat }),
  TemporarilyUnavailable: IDL.Null, GenericError: IDL.Record({ message: IDL.Text, error_code: IDL.Nat }),
});
const RejectionCode = IDL.Variant({
  NoError: IDL.Null, CanisterError: IDL.Null, SysTransient: IDL.Null, DestinationInvalid: IDL.Null, Unknown: IDL.Null, SysFatal: IDL.Null, CanisterReject: IDL.Null,
});
export const WithdrawArgs = IDL.Record({ amount: IDL.Nat, from_subaccount: IDL.Opt(IDL.Vec(IDL.Nat8)), to: IDL.Principal, created_at_time: IDL.Opt(IDL.Nat64) });
export const WithdrawError = IDL.Variant({
  GenericError: IDL.Record({ message: IDL.Text, error_code: IDL.Nat }), TemporarilyUnavailable: IDL.Null,
  FailedToWithdraw: IDL.Record({ fee_block: IDL.Opt(IDL.Nat), rejection_code: RejectionCode, rejection_reason: IDL.Text }),
  Duplicate: IDL.Record({ duplicate_of: IDL.Nat }), BadFee: IDL.Record({ expected_fee: IDL.Nat }), InvalidReceiver: IDL.Record({ receiver: IDL.Principal }),
  CreatedInFuture: IDL.Record({ ledger_time: IDL.Nat64 }), TooOld: IDL.Null, InsufficientFunds: IDL.Record({ balance: IDL.Nat }),
});
export const CanisterSettings = IDL.Record({
  controllers: IDL.Opt(IDL.Vec(IDL.Principal)), compute_allocation: IDL.Opt(IDL.Nat), memory_allocation: IDL.Opt(IDL.Nat),
  freezing_threshold: IDL.Opt(IDL.Nat), reserved_cycles_limit: IDL.Opt(IDL.Nat),
});
export const SubnetSelection = IDL.Variant({ Subnet: IDL.Record({ subnet: IDL.Principal }), Filter: IDL.Record({ subnet_type: IDL.Opt(IDL.Text) }) });
export const CreateCanisterArgs = IDL.Record({
  from_subaccount: IDL.Opt(IDL.Vec(IDL.Nat8)), created_at_time: IDL.Opt(IDL.Nat64), amount: IDL.Nat,
  creation_args: IDL.Opt(IDL.Record({ settings: IDL.Opt(CanisterSettings), subnet_selection: IDL.Opt(SubnetSelection) })),
});
export const CreateCanisterError = IDL.Variant({
  InsufficientFunds: IDL.Record({ balance: IDL.Nat }), TooOld: IDL.Null, CreatedInFuture: IDL.Record({ ledger_time: IDL.Nat64 }),
  TemporarilyUnavailable: IDL.Null, Duplicate: IDL.Record({ duplicate_of: IDL.Nat, canister_id: IDL.Opt(IDL.Principal) }),
  FailedToCreate: IDL.Record({ fee_block: IDL.Opt(IDL.Nat), refund_block: IDL.Opt(IDL.Nat), error: IDL.Text }),
  GenericError: IDL.Record({ message: IDL.Text, error_code: IDL.Nat }),
});
export const CreateCanisterResponse = IDL.Variant({ Ok: IDL.Record({ block_id: IDL.Nat, canister_id: IDL.Principal }), Err: CreateCanisterError });
export const CmcCreateCanisterResult = IDL.Variant({
  Ok: IDL.Principal, Err: IDL.Variant({ Refunded: IDL.Record({ refund_amount: IDL.Nat, create_error: IDL.Text }) }),
});

export const T = 1_000_000_000_000n;
export const FEE = 100_000_000n;
export const ANONYMOUS = PrincipalId.fromText('2vxsx-fae');
export const ALICE = PrincipalId.fromText('eeton-f6ffa-k7ybv-amh3e-2bbwv-cktuk-itpny-cykai-nzhea-nmemt-fae');
export const BOB = PrincipalId.fromPrincipal(Principal.selfAuthenticating(new Uint8Array(32).fill(7)));
export const CAROL = PrincipalId.fromPrincipal(Principal.selfAuthenticating(new Uint8Array(32).fill(9)));
export const principal = (p: PrincipalId): Principal => Principal.fromUint8Array(Uint8Array.from(p.bytesView()));
export const enc = (types: IDL.Type[], values: unknown[]): Uint8Array => new Uint8Array(IDL.encode(types, values));

/** Motoko helper: attaches cycles to the ledger's `deposit` and the CMC's `create_canister`. */
const HELPER = `
import Cycles "mo:core/Cycles";
persistent actor {
  type Account = { owner : Principal; subaccount : ?Blob };
  type Settings = { controllers : ?[Principal] };
  type Selection = { #Subnet : { subnet : Principal }; #Filter : { subnet_type : ?Text } };
  type CmcResult = { #Ok : Principal; #Err : { #Refunded : { refund_amount : Nat; create_error : Text } } };
  transient let ledger = actor "um5iw-rqaaa-aaaaq-qaaba-cai" : actor { deposit : ({ to : Account; memo : ?Blob }) -> async { balance : Nat; block_index : Nat } };
  transient let cmc = actor "rkp4c-7iaaa-aaaaa-aaaca-cai" : actor {
    create_canister : ({ settings : ?Settings; subnet_type : ?Text; subnet_selection : ?Selection }) -> async CmcResult;
  };
  public func deposit(to : Principal, amount : Nat) : async { balance : Nat; block_index : Nat } {
    await (with cycles = amount) ledger.deposit({ to = { owner = to; subaccount = null }; memo = null });
  };
  public func create(amount : Nat, selection : ?Selection) : async CmcResult {
    await (with cycles = amount) cmc.create_canister({ settings = null; subnet_type = null; subnet_selection = selection });
  };
  public query func balance() : async Nat { Cycles.balance() };
};`;

/** A replica with the system canisters (Alice and Bob funded) and the helper canister. */
export async function systemReplica(): Promise<{ ic: Replica; helper: CanisterId }> {
  const [ic, wasm] = await Promise.all([Replica.create({ systemCanisters: { fund: [ALICE, BOB] } }), compileMotoko(HELPER)]);
  const helper = await ic.createCanister({ cycles: 100n * T });
  await ic.installCode(helper, wasm);
  return { ic, helper };
}

export const ledgerId = CYCLES_LEDGER_ID;
export const cmcId = CYCLES_MINTING_CANISTER_ID;

/** The ledger's balance of `owner` (default subaccount). */
export async function balanceOf(ic: Replica, owner: PrincipalId | CanisterId): Promise<bigint> {
  const r = await ic.query(CYCLES_LEDGER_ID, 'icrc1_balance_of', enc([Account], [{ owner: principal(owner), subaccount: [] }]));
  return IDL.decode([IDL.Nat], r)[0] as bigint;
}

/** An update to the ledger, decoded with `ret`. */
export async function ledgerCall<R>(ic: Replica, sender: PrincipalId, method: string, arg: Uint8Array, ret: IDL.Type): Promise<R> {
  return IDL.decode([ret], await ic.updateCall(CYCLES_LEDGER_ID, method, arg, { sender }))[0] as R;
}
