/**
 * Where the system canisters live on a local replica and what they start
 * with: the cycles ledger at its real id (`um5iw-rqaaa-aaaaq-qaaba-cai`, in
 * the fiduciary subnet's range), the cycles minting canister at its real id
 * (`rkp4c-7iaaa-aaaaa-aaaca-cai`, NNS canister 4), both controlled by the
 * NNS root's id (`r7inp-6aaaa-aaaaa-aaabq-cai`, canister 3) as on the IC.
 * The subnet then routes the fiduciary range too, and hands out new ids
 * from 0 to 0xfffff except 3 and 4.
 *
 * Cycles, as PocketIC's and icp-cli's local networks give them: the
 * anonymous principal starts with {@link ANONYMOUS_CYCLES} on the ledger
 * (icp-cli funds identities from it), and each principal named in `fund`
 * with {@link FUNDED_CYCLES} (what `icp network start` seeds to each
 * identity). The ledger canister's own balance backs the supply.
 */
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { CanisterId } from '../types/index.ts';
import type { PrincipalId, SubnetId } from '../types/index.ts';

export const CYCLES_LEDGER_ID = CanisterId.fromText('um5iw-rqaaa-aaaaq-qaaba-cai');
export const CYCLES_MINTING_CANISTER_ID = CanisterId.fromText('rkp4c-7iaaa-aaaaa-aaaca-cai');
export const NNS_ROOT_ID = CanisterId.fromText('r7inp-6aaaa-aaaaa-aaabq-cai');

/** 10⁹ T cycles for the anonymous principal (icp-cli's local network transfers from it). */
export const ANONYMOUS_CYCLES = 10n ** 21n;
/** 1,000 T cycles for each funded principal (what `icp network start` seeds). */
export const FUNDED_CYCLES = 10n ** 15n;
/** The system canisters' own balances beyond what the ledger backs: 100 T each. */
export const OPERATING_CYCLES = 100n * 10n ** 12n;

/** An inclusive range of canister ids, as `CanisterIdRange`. */
interface Range { readonly start: CanisterId; readonly end: CanisterId }
const range = (a: bigint, b: bigint): Range => ({ start: CanisterId.fromU64(a), end: CanisterId.fromU64(b) });

/** The subnet's ranges with the system canisters: the usual 0..0xfffff and the fiduciary subnet's 0x2100000..0x21fffff. */
export const SYSTEM_ROUTING_RANGES: readonly Range[] = Object.freeze([range(0n, 0xfffffn), range(0x2100000n, 0x21fffffn)]);
/** Where new canister ids come from: 0..0xfffff but the NNS root's and the CMC's ids. */
export const SYSTEM_ALLOCATION_RANGES: readonly Range[] = Object.freeze([range(0n, 2n), range(5n, 0xfffffn)]);

const Account = IDL.Record({ owner: IDL.Principal, subaccount: IDL.Opt(IDL.Vec(IDL.Nat8)) });
const LedgerArgs = IDL.Variant({
  Init: IDL.Record({ max_blocks_per_request: IDL.Nat64, index_id: IDL.Opt(IDL.Principal), initial_balances: IDL.Opt(IDL.Vec(IDL.Tuple(Account, IDL.Nat))) }),
  Upgrade: IDL.Opt(IDL.Record({
    max_blocks_per_request: IDL.Opt(IDL.Nat64), change_index_id: IDL.Opt(IDL.Variant({ Unset: IDL.Null, SetTo: IDL.Principal })),
  })),
});
const CmcInit = IDL.Opt(IDL.Record({
  ledger_canister_id: IDL.Opt(IDL.Principal), governance_canister_id: IDL.Opt(IDL.Principal), minting_account_id: IDL.Opt(IDL.Text),
  last_purged_notification: IDL.Opt(IDL.Nat64), exchange_rate_canister: IDL.Opt(IDL.Variant({ Set: IDL.Principal, Unset: IDL.Null })),
  cycles_ledger_canister_id: IDL.Opt(IDL.Principal), default_subnets: IDL.Opt(IDL.Vec(IDL.Principal)),
}));

const principal = (p: PrincipalId): Principal => Principal.fromUint8Array(Uint8Array.from(p.bytesView()));

/** The ledger's initial balances: anonymous, then each of `fund` (duplicates and anonymous dropped). */
export function initialBalances(fund: readonly PrincipalId[]): readonly (readonly [Principal, bigint])[] {
  const seen = new Set<string>([Principal.anonymous().toText()]);
  const out: (readonly [Principal, bigint])[] = [[Principal.anonymous(), ANONYMOUS_CYCLES]];
  for (const p of fund) {
    const q = principal(p);
    if (seen.has(q.toText())) continue;
    seen.add(q.toText());
    out.push([q, FUNDED_CYCLES]);
  }
  return out;
}

/** The cycles ledger's init argument (`LedgerArgs.Init`) with these balances. */
export function encodeLedgerInit(balances: readonly (readonly [Principal, bigint])[]): Uint8Array {
  return new Uint8Array(IDL.encode([LedgerArgs], [{
    Init: { max_blocks_per_request: 100n, index_id: [], initial_balances: [balances.map(([owner, n]) => [{ owner, subaccount: [] }, n])] },
  }]));
}

/** The cycles ledger's upgrade argument (`LedgerArgs.Upgrade`, nothing changed). */
export function encodeLedgerUpgrade(): Uint8Array {
  return new Uint8Array(IDL.encode([LedgerArgs], [{ Upgrade: [] }]));
}

/** The CMC's init argument: the cycles ledger's id and the default subnets. */
export function encodeCmcInit(defaultSubnets: readonly SubnetId[]): Uint8Array {
  return new Uint8Array(IDL.encode([CmcInit], [[{
    ledger_canister_id: [], governance_canister_id: [], minting_account_id: [], last_purged_notification: [], exchange_rate_canister: [],
    cycles_ledger_canister_id: [principal(CYCLES_LEDGER_ID)], default_subnets: [defaultSubnets.map(principal)],
  }]]));
}
