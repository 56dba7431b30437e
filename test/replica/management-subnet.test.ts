// The management canister's subnet methods, end to end, from a canister
// (the WAT proxy of mgmt-proxy.ts, which reports exact reject codes) and by
// ingress and query: `subnet_info`, `node_metrics_history`,
// `list_canisters`, and the deprecated bitcoin methods on a subnet without
// the bitcoin feature.
//
// Test steps:
// 1. subnet_info of this subnet: replica and registry version; of another
//    subnet IC0406; malformed IC0408; by ingress IC0406.
// 2. node_metrics_history of this subnet: no samples; another subnet IC0406.
// 3. list_canisters: no subnet admins, so IC0406 from a canister, by
//    ingress and by query; a non-empty argument IC0408.
// 4. bitcoin_*: IC0406 "No bitcoin canisters available."; a malformed
//    argument IC0408; the privileged methods IC0406 "Permission denied.";
//    by ingress IC0406.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Principal } from '@dfinity/principal';
import type { CanisterId} from '../../src/index.ts';
import { ErrorCode, PrincipalId, Replica } from '../../src/index.ts';
import { IDL, MGMT, dec, enc, rejectsWith } from './support.ts';
import { proxyAnswer, proxyArg, proxyCanister } from './mgmt-proxy.ts';
import type { ProxyAnswer } from './mgmt-proxy.ts';

const CONTROLLER = PrincipalId.fromUint8Array(Uint8Array.of(0xc0, 0x01));
const OTHER_SUBNET = Principal.fromText('2vxsx-fae');
const NONE = enc([], []);

const SubnetArgs = IDL.Record({ subnet_id: IDL.Principal });
const MetricsArgs = IDL.Record({ subnet_id: IDL.Principal, start_at_timestamp_nanos: IDL.Nat64 });
const Network = IDL.Variant({ mainnet: IDL.Null, testnet: IDL.Null });

describe('management canister: subnet_info, node_metrics_history, list_canisters, bitcoin', () => {
  let ic: Replica;
  let proxy: CanisterId;
  let subnet: Principal;
  const call = async (method: string, arg: Uint8Array): Promise<ProxyAnswer> =>
    proxyAnswer(await ic.updateCall(proxy, 'call', proxyArg(method, arg), { sender: CONTROLLER }));
  const expectReject = async (method: string, arg: Uint8Array, code: number, message: string | RegExp): Promise<void> => {
    const a = await call(method, arg);
    assert.equal(a.kind, 'reject', `${method}: ${String(a.kind)}`);
    const r = a as { code: number; message: string };
    assert.equal(r.code, code, r.message);
    if (typeof message === 'string') assert.equal(r.message, message);
    else assert.match(r.message, message);
  };

  before(async () => {
    ic = await Replica.create();
    subnet = Principal.fromUint8Array(Uint8Array.from(ic.subnetId.bytesView()));
    proxy = await proxyCanister(ic, { controllers: [CONTROLLER], sender: CONTROLLER });
  });
  after(async () => { await ic.close(); });

  it('subnet_info: this subnet\'s versions; another subnet, malformed Candid, ingress rejected', async () => {
    const a = await call('subnet_info', enc([SubnetArgs], [{ subnet_id: subnet }]));
    assert.equal(a.kind, 'reply');
    const info = dec<{ replica_version: string; registry_version: bigint }>(
      IDL.Record({ replica_version: IDL.Text, registry_version: IDL.Nat64 }), (a as { bytes: Uint8Array }).bytes);
    assert.deepEqual(info, { replica_version: 'ic-exec-0.1.0', registry_version: 1n });
    await expectReject('subnet_info', enc([SubnetArgs], [{ subnet_id: OTHER_SUBNET }]), 4,
      `Provided target subnet ID ${OTHER_SUBNET.toText()} does not match current subnet ID ${subnet.toText()}.`);
    await expectReject('subnet_info', enc([IDL.Nat], [1n]), 4, /^Error decoding candid: /);
    await rejectsWith(ic.updateCall(MGMT, 'subnet_info', enc([SubnetArgs], [{ subnet_id: subnet }]), { sender: CONTROLLER }),
      ErrorCode.CanisterRejectedMessage, 'IC0406: ic00 method subnet_info can not be called via ingress messages');
  });

  it('node_metrics_history: no samples on this subnet; another subnet IC0406; malformed IC0408', async () => {
    const a = await call('node_metrics_history', enc([MetricsArgs], [{ subnet_id: subnet, start_at_timestamp_nanos: 0n }]));
    assert.equal(a.kind, 'reply');
    const Result = IDL.Vec(IDL.Record({ timestamp_nanos: IDL.Nat64, node_metrics: IDL.Vec(IDL.Record({
      node_id: IDL.Principal, num_blocks_proposed_total: IDL.Nat64, num_block_failures_total: IDL.Nat64 })) }));
    assert.deepEqual(dec(Result, (a as { bytes: Uint8Array }).bytes), []);
    await expectReject('node_metrics_history', enc([MetricsArgs], [{ subnet_id: OTHER_SUBNET, start_at_timestamp_nanos: 0n }]), 4,
      `Provided target subnet ID ${OTHER_SUBNET.toText()} does not match current subnet ID ${subnet.toText()}.`);
    await expectReject('node_metrics_history', enc([SubnetArgs], [{ subnet_id: subnet }]), 4, /^Error decoding candid: /);
  });

  it('list_canisters: no subnet admins on this subnet, from a canister, by ingress and by query', async () => {
    const text = 'list_canisters is only available on subnets with subnet admins';
    await expectReject('list_canisters', NONE, 4, text);
    await rejectsWith(ic.updateCall(MGMT, 'list_canisters', NONE, { sender: CONTROLLER }), ErrorCode.CanisterRejectedMessage, `IC0406: ${text}`);
    await rejectsWith(ic.query(MGMT, 'list_canisters', NONE, { sender: CONTROLLER }), ErrorCode.CanisterRejectedMessage, `IC0406: ${text}`);
    await rejectsWith(ic.query(MGMT, 'list_canisters', Uint8Array.of(1, 2, 3)), ErrorCode.InvalidManagementPayload, /^IC0408: Error decoding candid: /);
  });

  it('bitcoin_*: no bitcoin canisters on this subnet; privileged methods denied; ingress rejected', async () => {
    const btc = 'No bitcoin canisters available.';
    await expectReject('bitcoin_get_balance', enc([IDL.Record({ address: IDL.Text, network: Network, min_confirmations: IDL.Opt(IDL.Nat32) })],
      [{ address: 'bc1q', network: { mainnet: null }, min_confirmations: [] }]), 4, btc);
    await expectReject('bitcoin_get_utxos', enc([IDL.Record({ address: IDL.Text, network: Network })], [{ address: 'tb1q', network: { testnet: null } }]), 4, btc);
    await expectReject('bitcoin_get_current_fee_percentiles', enc([IDL.Record({ network: Network })], [{ network: { mainnet: null } }]), 4, btc);
    await expectReject('bitcoin_get_block_headers', enc([IDL.Record({ start_height: IDL.Nat32, network: Network })], [{ start_height: 1, network: { mainnet: null } }]), 4, btc);
    await expectReject('bitcoin_send_transaction', enc([IDL.Record({ transaction: IDL.Vec(IDL.Nat8), network: Network })],
      [{ transaction: [1, 2], network: { testnet: null } }]), 4, btc);
    await expectReject('bitcoin_get_balance', enc([IDL.Text], ['x']), 4, /^Error decoding candid: /);
    await expectReject('bitcoin_get_successors', NONE, 4, 'Permission denied.');
    await expectReject('bitcoin_send_transaction_internal', NONE, 4, 'Permission denied.');
    await rejectsWith(ic.updateCall(MGMT, 'bitcoin_get_balance', NONE, { sender: CONTROLLER }), ErrorCode.CanisterRejectedMessage,
      'IC0406: ic00 method bitcoin_get_balance can not be called via ingress messages');
  });
});
