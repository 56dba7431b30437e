/**
 * About the subnet: `subnet_info`, `node_metrics_history`, `subnet_metrics`,
 * `list_canisters`, and the deprecated bitcoin methods.
 *
 *     subnet_info, node_metrics_history, subnet_metrics (canisters only; not queries)
 *       argument does not decode                  IC0408 "Error decoding candid: …"
 *       `subnet_id` not this subnet               IC0406 "Provided target subnet ID <s> does not match current subnet ID <own>."
 *       subnet_info                               `record { replica_version; registry_version }` (ic-exec's {@link REPLICA_VERSION},
 *                                                 {@link REGISTRY_VERSION}: there is no registry)
 *       node_metrics_history                      `vec {}`: no block maker metrics are sampled (one in-process "node")
 *       subnet_metrics                            `record { num_canisters; canister_state_bytes; consumed_cycles_total;
 *                                                 update_transactions_total; block_height }`: the subnet metrics
 *                                                 (src/state/cycles-metrics.ts; the consumed total counted now, the
 *                                                 others as the last round left them), and the height of the batch
 *                                                 executing the call
 *     list_canisters (replicated call or query)
 *       argument not `()`                         IC0408
 *       always (ic-exec's subnets have no subnet admins)
 *                                                 IC0406 "list_canisters is only available on subnets with subnet admins"
 *     bitcoin_get_balance, bitcoin_get_utxos, bitcoin_get_block_headers, bitcoin_send_transaction,
 *     bitcoin_get_current_fee_percentiles (canisters only): with no bitcoin canister the replica routes
 *     them to its own subnet, which answers
 *                                                 IC0406 "No bitcoin canisters available."
 *       (the replica decodes the argument while routing and rejects a bad one with reject code 3
 *       "Unable to route management canister request …: CandidError(…)"; ic-exec decodes it here: IC0408)
 *     bitcoin_get_successors, bitcoin_send_transaction_internal (the bitcoin adapter's privileged
 *     canisters only; ic-exec has none)                IC0406 "Permission denied."
 *
 * A canister-only method reaching here as ingress (the ingress filter rejects
 * it first) gets the replica's `reject_unexpected_ingress` IC0504.
 */
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';
import { ErrorCode, userError } from '../errors/index.ts';
import type { UserError } from '../errors/index.ts';
import { decodeCandid } from '../messaging/index.ts';
import type { SubnetId } from '../types/index.ts';
import { consumedCyclesTotal } from '../state/index.ts';
import { encode, toPrincipalId } from './candid.ts';
import { invalidPayload, reject } from './errors.ts';
import { decodeValue, unexpectedIngress } from './read-access.ts';
import type { Handler, ManagementOutcome } from './types.ts';

/** The replica version `subnet_info` reports. */
export const REPLICA_VERSION = 'ic-exec-0.1.0';
/** The registry version `subnet_info` reports (ic-exec has no registry; its one subnet is at version 1). */
export const REGISTRY_VERSION = 1n;

export const SubnetInfoArgs = IDL.Record({ subnet_id: IDL.Principal });
export const SubnetInfoResult = IDL.Record({ replica_version: IDL.Text, registry_version: IDL.Nat64 });
export const NodeMetricsHistoryArgs = IDL.Record({ subnet_id: IDL.Principal, start_at_timestamp_nanos: IDL.Nat64 });
export const NodeMetrics = IDL.Record({ node_id: IDL.Principal, num_blocks_proposed_total: IDL.Nat64, num_block_failures_total: IDL.Nat64 });
export const NodeMetricsHistoryResult = IDL.Vec(IDL.Record({ timestamp_nanos: IDL.Nat64, node_metrics: IDL.Vec(NodeMetrics) }));
export const SubnetMetricsArgs = SubnetInfoArgs;
export const SubnetMetricsResult = IDL.Record({
  num_canisters: IDL.Nat64, canister_state_bytes: IDL.Nat64, consumed_cycles_total: IDL.Nat, update_transactions_total: IDL.Nat64, block_height: IDL.Nat64,
});
export const CanisterIdRange = IDL.Record({ start: IDL.Principal, end: IDL.Principal });
export const ListCanistersResult = IDL.Record({ canisters: IDL.Vec(CanisterIdRange) });

/** `bitcoin_network`, with the replica's capitalized aliases and regtest. */
const BitcoinNetwork = IDL.Variant({
  mainnet: IDL.Null, testnet: IDL.Null, regtest: IDL.Null, Mainnet: IDL.Null, Testnet: IDL.Null, Regtest: IDL.Null,
});
const BITCOIN_ARGS: Readonly<Record<string, IDL.Type>> = {
  bitcoin_get_balance: IDL.Record({ address: IDL.Text, network: BitcoinNetwork, min_confirmations: IDL.Opt(IDL.Nat32) }),
  bitcoin_get_utxos: IDL.Record({
    address: IDL.Text, network: BitcoinNetwork,
    filter: IDL.Opt(IDL.Variant({ min_confirmations: IDL.Nat32, page: IDL.Vec(IDL.Nat8) })),
  }),
  bitcoin_get_block_headers: IDL.Record({ start_height: IDL.Nat32, end_height: IDL.Opt(IDL.Nat32), network: BitcoinNetwork }),
  bitcoin_send_transaction: IDL.Record({ transaction: IDL.Vec(IDL.Nat8), network: BitcoinNetwork }),
  bitcoin_get_current_fee_percentiles: IDL.Record({ network: BitcoinNetwork }),
};

/** IC0406 when `subnet_id` is not this subnet. */
function otherSubnet(given: Principal, own: SubnetId): UserError {
  return userError(ErrorCode.CanisterRejectedMessage,
    `Provided target subnet ID ${given.toText()} does not match current subnet ID ${own.toText()}.`);
}

const subnetInfo: Handler = (call, ctx): ManagementOutcome => {
  if (call.message.kind === 'ingress') return reject(unexpectedIngress('subnet_info'));
  const a = decodeValue<{ subnet_id: Principal }>(SubnetInfoArgs, call.arg);
  if (!a.ok) return reject(a.error);
  if (!toPrincipalId(a.value.subnet_id).equals(ctx.env.ownSubnetId)) return reject(otherSubnet(a.value.subnet_id, ctx.env.ownSubnetId));
  return { kind: 'reply', reply: encode([SubnetInfoResult], [{ replica_version: REPLICA_VERSION, registry_version: REGISTRY_VERSION }]) };
};

const nodeMetricsHistory: Handler = (call, ctx): ManagementOutcome => {
  if (call.message.kind === 'ingress') return reject(unexpectedIngress('node_metrics_history'));
  const a = decodeValue<{ subnet_id: Principal }>(NodeMetricsHistoryArgs, call.arg);
  if (!a.ok) return reject(a.error);
  if (!toPrincipalId(a.value.subnet_id).equals(ctx.env.ownSubnetId)) return reject(otherSubnet(a.value.subnet_id, ctx.env.ownSubnetId));
  return { kind: 'reply', reply: encode([NodeMetricsHistoryResult], [[]]) };
};

const subnetMetrics: Handler = (call, ctx): ManagementOutcome => {
  if (call.message.kind === 'ingress') return reject(unexpectedIngress('subnet_metrics'));
  const a = decodeValue<{ subnet_id: Principal }>(SubnetMetricsArgs, call.arg);
  if (!a.ok) return reject(a.error);
  if (!toPrincipalId(a.value.subnet_id).equals(ctx.env.ownSubnetId)) return reject(otherSubnet(a.value.subnet_id, ctx.env.ownSubnetId));
  const m = ctx.state.metadata.subnetMetrics;
  return {
    kind: 'reply',
    reply: encode([SubnetMetricsResult], [{
      num_canisters: m.numCanisters, canister_state_bytes: m.canisterStateBytes, consumed_cycles_total: consumedCyclesTotal(m, ctx.state.canisters()),
      update_transactions_total: m.updateTransactionsTotal, block_height: ctx.state.metadata.height + 1n,
    }]),
  };
};

/** IC0406: `list_canisters` needs subnet admins. */
export const LIST_CANISTERS_NO_ADMINS: UserError = userError(ErrorCode.CanisterRejectedMessage,
  'list_canisters is only available on subnets with subnet admins');

/** `list_canisters` (replicated or query): the argument must be `()`; then the subnet-admin check (see the module header). */
export function readListCanisters(arg: Uint8Array): { readonly error: UserError } {
  try {
    decodeCandid([], arg);
  } catch (e) {
    return { error: invalidPayload(e) };
  }
  return { error: LIST_CANISTERS_NO_ADMINS };
}

const listCanisters: Handler = (call): ManagementOutcome => reject(readListCanisters(call.arg).error);

/** A deprecated bitcoin method: IC0408, else "No bitcoin canisters available." (IC0406). */
function bitcoin(method: string, type: IDL.Type): Handler {
  return (call): ManagementOutcome => {
    if (call.message.kind === 'ingress') return reject(unexpectedIngress(method));
    const a = decodeValue<unknown>(type, call.arg);
    if (!a.ok) return reject(a.error);
    return reject(userError(ErrorCode.CanisterRejectedMessage, 'No bitcoin canisters available.'));
  };
}

/** A privileged bitcoin method (the bitcoin canister's own): "Permission denied." (IC0406), checked before the argument. */
function bitcoinPrivileged(method: string): Handler {
  return (call): ManagementOutcome => {
    if (call.message.kind === 'ingress') return reject(unexpectedIngress(method));
    return reject(userError(ErrorCode.CanisterRejectedMessage, 'Permission denied.'));
  };
}

export const handlers: Readonly<Record<string, Handler>> = {
  subnet_info: subnetInfo,
  node_metrics_history: nodeMetricsHistory,
  subnet_metrics: subnetMetrics,
  list_canisters: listCanisters,
  ...Object.fromEntries(Object.entries(BITCOIN_ARGS).map(([m, t]) => [m, bitcoin(m, t)])),
  bitcoin_get_successors: bitcoinPrivileged('bitcoin_get_successors'),
  bitcoin_send_transaction_internal: bitcoinPrivileged('bitcoin_send_transaction_internal'),
};
