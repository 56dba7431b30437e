/**
 * What message routing must know of management-canister (`aaaaa-aa`)
 * messages before they run: the method names the IC knows
 * (`Ic00Method`), which of them users may not call by ingress, and the
 * effective canister id of an ingress call — the canister the call is
 * about, taken from its Candid argument (`extract_effective_canister_id`).
 * Executing the methods is the management canister's business (issue #5).
 */
import { IDL } from '@dfinity/candid';
import { CanisterId } from '../types/index.ts';
import type { PrincipalId } from '../types/index.ts';

/** Every management method of the IC (`Ic00Method`), by its Candid name. */
export const IC00_METHOD_NAMES: ReadonlySet<string> = new Set([
  'canister_info', 'canister_status', 'canister_metadata', 'canister_metrics', 'create_canister', 'delete_canister',
  'deposit_cycles', 'ecdsa_public_key', 'raw_rand', 'http_request', 'setup_initial_dkg', 'sign_with_ecdsa',
  'compute_initial_i_dkg_dealings', 'reshare_chain_key', 'schnorr_public_key', 'sign_with_schnorr', 'vetkd_public_key',
  'vetkd_derive_key', 'start_canister', 'stop_canister', 'uninstall_code', 'update_settings', 'install_code',
  'install_chunked_code', 'bitcoin_get_balance', 'bitcoin_get_utxos', 'bitcoin_get_block_headers',
  'bitcoin_send_transaction', 'bitcoin_send_transaction_internal', 'bitcoin_get_current_fee_percentiles',
  'bitcoin_get_successors', 'node_metrics_history', 'subnet_info', 'fetch_canister_logs',
  'provisional_create_canister_with_cycles', 'provisional_top_up_canister', 'upload_chunk', 'stored_chunks',
  'clear_chunk_store', 'take_canister_snapshot', 'load_canister_snapshot', 'list_canister_snapshots',
  'delete_canister_snapshot', 'read_canister_snapshot_metadata', 'read_canister_snapshot_data',
  'upload_canister_snapshot_metadata', 'upload_canister_snapshot_data', 'list_canisters', 'subnet_metrics',
]);

/**
 * Methods ingress may not call at all (`extract_effective_canister_id`'s
 * `SubnetMethodNotAllowed`): the canisters-only methods without a target
 * canister, and `fetch_canister_logs` (a query). `canister_info` and
 * `canister_metadata` are canisters-only too, but their ingress has an
 * effective canister id; the ingress filter refuses them later ("Only
 * canisters can call ic00 method <m>").
 */
export const IC00_CANISTER_ONLY_METHODS: ReadonlySet<string> = new Set([
  'create_canister', 'deposit_cycles', 'ecdsa_public_key', 'raw_rand', 'http_request',
  'setup_initial_dkg', 'sign_with_ecdsa', 'compute_initial_i_dkg_dealings', 'reshare_chain_key', 'schnorr_public_key',
  'sign_with_schnorr', 'vetkd_public_key', 'vetkd_derive_key', 'bitcoin_get_balance', 'bitcoin_get_utxos',
  'bitcoin_get_block_headers', 'bitcoin_send_transaction', 'bitcoin_send_transaction_internal',
  'bitcoin_get_current_fee_percentiles', 'bitcoin_get_successors', 'node_metrics_history', 'subnet_info', 'subnet_metrics',
  'fetch_canister_logs',
]);

/** Methods whose argument names the target as `target_canister`; all other targeted methods use `canister_id`. */
const TARGET_CANISTER_FIELD: ReadonlySet<string> = new Set(['install_chunked_code']);
/** Methods without a target canister. */
const UNTARGETED: ReadonlySet<string> = new Set(['list_canisters', 'subnet_metrics']);

/** Why an ingress message to the management canister cannot be inducted (`ParseIngressError`). */
export type ParseIngressError = 'UnknownSubnetMethod' | 'SubnetMethodNotAllowed' | 'InvalidSubnetPayload';

/** The effective canister id (absent: none), or why there is none. */
export type EffectiveCanisterIdResult = { readonly ok: true; readonly id?: CanisterId } | { readonly ok: false; readonly error: ParseIngressError };

/**
 * `IDL.decode` with a copy of `bytes`: `@dfinity/candid` reads a view's whole
 * underlying `ArrayBuffer` (it fails on a `Buffer` from Node's pool with
 * "Wrong magic number"), and payloads here are often such views.
 */
export function decodeCandid(types: IDL.Type[], bytes: Uint8Array): unknown[] {
  return IDL.decode(types, new Uint8Array(bytes)) as unknown[];
}

function decodeField(arg: Uint8Array, field: string, type: IDL.Type): unknown {
  const [record] = decodeCandid([IDL.Record({ [field]: type })], arg) as [Record<string, unknown>];
  return record[field];
}

const principalOf = (p: unknown): CanisterId => CanisterId.fromUint8Array((p as { toUint8Array(): Uint8Array }).toUint8Array());

/**
 * The canister a call to `aaaaa-aa` is about, from its Candid argument:
 * `specified_id` for `provisional_create_canister_with_cycles` (if any),
 * `target_canister` for `install_chunked_code`, else `canister_id`;
 * `undefined` for methods without one. Throws if the argument does not decode.
 */
export function targetCanisterOf(methodName: string, arg: Uint8Array): CanisterId | undefined {
  if (UNTARGETED.has(methodName)) return undefined;
  if (methodName === 'provisional_create_canister_with_cycles') {
    const id = decodeField(arg, 'specified_id', IDL.Opt(IDL.Principal)) as unknown[];
    return id.length === 0 ? undefined : principalOf(id[0]);
  }
  const field = TARGET_CANISTER_FIELD.has(methodName) ? 'target_canister' : 'canister_id';
  return principalOf(decodeField(arg, field, IDL.Principal));
}

/** Provisional methods: free, so no canister pays and there is no effective canister id (the replica's `Ok(None)`). */
const NO_EFFECTIVE_CANISTER: ReadonlySet<string> = new Set(['provisional_create_canister_with_cycles', 'provisional_top_up_canister']);

/**
 * The effective canister id of an ingress call to `aaaaa-aa` ({@link targetCanisterOf}, none for the
 * provisional methods), or why it cannot be inducted.
 */
export function extractEffectiveCanisterId(methodName: string, arg: Uint8Array): EffectiveCanisterIdResult {
  if (!IC00_METHOD_NAMES.has(methodName)) return { ok: false, error: 'UnknownSubnetMethod' };
  if (IC00_CANISTER_ONLY_METHODS.has(methodName)) return { ok: false, error: 'SubnetMethodNotAllowed' };
  if (NO_EFFECTIVE_CANISTER.has(methodName)) return { ok: true };
  try {
    const id = targetCanisterOf(methodName, arg);
    return id === undefined ? { ok: true } : { ok: true, id };
  } catch {
    return { ok: false, error: 'InvalidSubnetPayload' };
  }
}

/** The replica's `Display` of a management-message induction error (`StateError`). */
export function parseIngressErrorMessage(error: ParseIngressError, methodName: string): string {
  return error === 'InvalidSubnetPayload'
    ? 'Cannot enqueue management message. Candid payload is invalid.'
    : `Cannot enqueue management message. Method ${methodName} is unknown.`;
}

/** Whether `p` is the management canister. */
export function isManagementCanister(p: PrincipalId): boolean {
  return p.byteLength === 0;
}
