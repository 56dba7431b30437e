// Where each `ic0` import may be called: one table, keyed by the import's
// name, in the context codes of system_api.md §1.1 (`*` = every context but
// the start function `s`).
//
// The table follows the replica (`SystemApiImpl` in
// `rs/embedders/src/wasmtime_embedder/system_api.rs`, 2026 version), which
// differs from the interface spec in these places:
// - `msg_reject_code` traps in cleanup callbacks (the spec allows C/CC).
// - `msg_deadline` also works in replicated and non-replicated queries.
// - stable memory, `performance_counter`, `is_controller`,
//   `in_replicated_execution`, `cost_*`, `debug_print` and `trap` work
//   everywhere, including `s` (spec: `* s`, same thing).
// - `root_key_*`, `global_timer_set` and `cycles_burn128` are refused in the
//   non-replicated callbacks of composite queries (the replica checks the
//   execution mode), which the codes below already leave out.
// - there is no `TQ` context (transforms run as `NRQ`).
// `msg_caller_info_*` are not in the replica read; they follow the spec.
// `mint_cycles*` and `cost_http_request_v2` are replica-only imports.
//
// A call outside its contexts traps with a user contract violation worded
// `"ic0_<fn>" cannot be executed in <mode> mode` — the replica's
// `SystemApiImpl::error_for`, including its two spellings with a dot.
import type { HypervisorError } from '../errors/index.ts';
import type { Ic0ImportName } from '../config/index.ts';
import { IC0_IMPORTS } from '../config/index.ts';
import { type ApiType, type ApiTypeKind, modeName } from './api-type.ts';

/** A context code of system_api.md §1.1 (without `TQ`, see the header). */
export type ContextCode =
  | 's' | 'I' | 'G' | 'U' | 'RQ' | 'NRQ' | 'CQ' | 'Ry' | 'Rt' | 'CRy' | 'CRt' | 'C' | 'CC' | 'F' | 'T';

/** The context code of each context kind. */
export const CONTEXT_CODE: Readonly<Record<ApiTypeKind, ContextCode>> = Object.freeze({
  start: 's',
  init: 'I',
  preUpgrade: 'G',
  update: 'U',
  replicatedQuery: 'RQ',
  nonReplicatedQuery: 'NRQ',
  compositeQuery: 'CQ',
  replyCallback: 'Ry',
  rejectCallback: 'Rt',
  compositeReplyCallback: 'CRy',
  compositeRejectCallback: 'CRt',
  cleanup: 'C',
  compositeCleanup: 'CC',
  inspectMessage: 'F',
  systemTask: 'T',
});

const ALL_BUT_START = 'I G U RQ NRQ CQ Ry Rt CRy CRt C CC F T';
const EVERYWHERE = `s ${ALL_BUT_START}`;
const MSG_ARG = 'I U RQ NRQ CQ Ry CRy F';
const RESPOND = 'U RQ NRQ CQ Ry Rt CRy CRt';
const CALLS = 'U CQ Ry Rt CRy CRt T';
const CYCLES_IN = 'U RQ Ry Rt';
const CYCLES_OUT = 'U Ry Rt T';
const REPLICATED_STATE = 'I G U RQ Ry Rt C T';
const CALLER_INFO = 'U RQ NRQ CQ Ry Rt CRy CRt C CC F';

const TABLE_TEXT: Readonly<Record<Ic0ImportName, string>> = {
  msg_arg_data_size: MSG_ARG, msg_arg_data_copy: MSG_ARG,
  msg_caller_size: ALL_BUT_START, msg_caller_copy: ALL_BUT_START,
  msg_caller_info_data_size: CALLER_INFO, msg_caller_info_data_copy: CALLER_INFO,
  msg_caller_info_signer_size: CALLER_INFO, msg_caller_info_signer_copy: CALLER_INFO,
  msg_reject_code: 'Ry Rt CRy CRt',
  msg_reject_msg_size: 'Rt CRt', msg_reject_msg_copy: 'Rt CRt',
  msg_deadline: RESPOND,
  msg_reply_data_append: RESPOND, msg_reply: RESPOND, msg_reject: RESPOND,
  msg_cycles_available128: CYCLES_IN, msg_cycles_refunded128: 'Ry Rt', msg_cycles_accept128: CYCLES_IN,
  cycles_burn128: REPLICATED_STATE,
  canister_cycle_balance128: ALL_BUT_START, canister_liquid_cycle_balance128: ALL_BUT_START,
  canister_self_size: ALL_BUT_START, canister_self_copy: ALL_BUT_START,
  canister_status: ALL_BUT_START, canister_version: ALL_BUT_START,
  subnet_self_size: ALL_BUT_START, subnet_self_copy: ALL_BUT_START,
  msg_method_name_size: 'F', msg_method_name_copy: 'F', accept_message: 'F',
  call_new: CALLS, call_on_cleanup: CALLS, call_data_append: CALLS,
  call_with_best_effort_response: CALLS, call_cycles_add128: CYCLES_OUT, call_perform: CALLS,
  stable64_size: EVERYWHERE, stable64_grow: EVERYWHERE, stable64_write: EVERYWHERE, stable64_read: EVERYWHERE,
  root_key_size: REPLICATED_STATE, root_key_copy: REPLICATED_STATE,
  certified_data_set: 'I G U Ry Rt T',
  data_certificate_present: ALL_BUT_START, data_certificate_size: 'NRQ CQ', data_certificate_copy: 'NRQ CQ',
  time: ALL_BUT_START,
  global_timer_set: 'I G U Ry Rt C T',
  performance_counter: EVERYWHERE, is_controller: EVERYWHERE, in_replicated_execution: EVERYWHERE,
  cost_call: EVERYWHERE, cost_create_canister: EVERYWHERE, cost_http_request: EVERYWHERE,
  cost_sign_with_ecdsa: EVERYWHERE, cost_sign_with_schnorr: EVERYWHERE, cost_vetkd_derive_key: EVERYWHERE,
  env_var_count: ALL_BUT_START, env_var_name_size: ALL_BUT_START, env_var_name_copy: ALL_BUT_START,
  env_var_name_exists: ALL_BUT_START, env_var_value_size: ALL_BUT_START, env_var_value_copy: ALL_BUT_START,
  debug_print: EVERYWHERE, trap: EVERYWHERE,
  // wasm32-only
  msg_cycles_available: CYCLES_IN, msg_cycles_refunded: 'Ry Rt', msg_cycles_accept: CYCLES_IN,
  canister_cycle_balance: ALL_BUT_START, call_cycles_add: CYCLES_OUT,
  stable_size: EVERYWHERE, stable_grow: EVERYWHERE, stable_write: EVERYWHERE, stable_read: EVERYWHERE,
  // replica-only
  mint_cycles128: CYCLES_OUT, mint_cycles: CYCLES_OUT, cost_http_request_v2: EVERYWHERE,
};

function parse(text: string): ReadonlySet<ContextCode> {
  return new Set(text.split(' ') as ContextCode[]);
}

/** For every `ic0` import, the contexts where it may be called. */
export const AVAILABILITY: Readonly<Record<Ic0ImportName, ReadonlySet<ContextCode>>> = Object.freeze(
  Object.fromEntries(IC0_IMPORTS.map((name) => [name, parse(TABLE_TEXT[name])])) as Record<Ic0ImportName, ReadonlySet<ContextCode>>,
);

/** The function name the replica puts in the wrong-mode message (two imports are spelled with a dot). */
export function replicaFunctionName(name: Ic0ImportName): string {
  if (name === 'root_key_copy' || name === 'subnet_self_copy') return `ic0.${name}`;
  return `ic0_${name}`;
}

/** Whether `name` may be called in the context `api`. */
export function isAvailable(name: Ic0ImportName, api: ApiType): boolean {
  return AVAILABILITY[name].has(CONTEXT_CODE[api.kind]);
}

/**
 * The error for calling `name` in `api` (the replica's `error_for`):
 * `"ic0_<fn>" cannot be executed in <mode> mode`, with its suggestion.
 */
export function wrongModeError(name: Ic0ImportName, api: ApiType): HypervisorError {
  return {
    kind: 'ContractViolation',
    message: `"${replicaFunctionName(name)}" cannot be executed in ${modeName(api)} mode`,
    suggestion: 'Check the ICP documentation to make sure APIs are being called in the correct message types.',
    docAnchor: 'calling-a-system-api-from-the-wrong-mode',
  };
}
