// Names of every `ic0` import a canister may use, so that costs (and the
// System API table in src/system-api) can be checked for completeness.
//
// Source: /work/shared/reference/system_api.md §1.3 — interface spec v0.66
// ("Overview of imports") plus what the replica linker accepts
// (`rs/embedders/src/wasmtime_embedder/linker.rs`, 2026).

/** Imports of the current interface spec, available to wasm32 and wasm64 modules. */
export const IC0_SPEC_IMPORTS = [
  // Message data
  'msg_arg_data_size', 'msg_arg_data_copy',
  'msg_caller_size', 'msg_caller_copy',
  'msg_caller_info_data_size', 'msg_caller_info_data_copy',
  'msg_caller_info_signer_size', 'msg_caller_info_signer_copy',
  'msg_reject_code', 'msg_reject_msg_size', 'msg_reject_msg_copy',
  'msg_deadline',
  // Responding
  'msg_reply_data_append', 'msg_reply', 'msg_reject',
  // Cycles (128-bit)
  'msg_cycles_available128', 'msg_cycles_refunded128', 'msg_cycles_accept128',
  'cycles_burn128', 'canister_cycle_balance128', 'canister_liquid_cycle_balance128',
  // Identity and status
  'canister_self_size', 'canister_self_copy', 'canister_status', 'canister_version',
  'subnet_self_size', 'subnet_self_copy',
  // Inspect message
  'msg_method_name_size', 'msg_method_name_copy', 'accept_message',
  // Outgoing calls
  'call_new', 'call_on_cleanup', 'call_data_append', 'call_with_best_effort_response',
  'call_cycles_add128', 'call_perform',
  // Stable memory (64-bit)
  'stable64_size', 'stable64_grow', 'stable64_write', 'stable64_read',
  // Certification and root key
  'root_key_size', 'root_key_copy',
  'certified_data_set', 'data_certificate_present', 'data_certificate_size', 'data_certificate_copy',
  // Time, timers and misc
  'time', 'global_timer_set', 'performance_counter', 'is_controller', 'in_replicated_execution',
  // Cost queries
  'cost_call', 'cost_create_canister', 'cost_http_request',
  'cost_sign_with_ecdsa', 'cost_sign_with_schnorr', 'cost_vetkd_derive_key',
  // Environment variables
  'env_var_count', 'env_var_name_size', 'env_var_name_copy', 'env_var_name_exists',
  'env_var_value_size', 'env_var_value_copy',
  // Debugging
  'debug_print', 'trap',
] as const;

/** Deprecated imports still accepted from wasm32 modules only (`I = i32`). */
export const IC0_WASM32_ONLY_IMPORTS = [
  'msg_cycles_available', 'msg_cycles_refunded', 'msg_cycles_accept',
  'canister_cycle_balance', 'call_cycles_add',
  'stable_size', 'stable_grow', 'stable_write', 'stable_read',
] as const;

/** Imports the replica accepts that are not in the spec. */
export const IC0_REPLICA_ONLY_IMPORTS = ['mint_cycles128', 'mint_cycles', 'cost_http_request_v2'] as const;

/** The name of any `ic0` import. */
export type Ic0ImportName =
  | (typeof IC0_SPEC_IMPORTS)[number]
  | (typeof IC0_WASM32_ONLY_IMPORTS)[number]
  | (typeof IC0_REPLICA_ONLY_IMPORTS)[number];

/** Every `ic0` import name, spec first. */
export const IC0_IMPORTS: readonly Ic0ImportName[] = Object.freeze([
  ...IC0_SPEC_IMPORTS,
  ...IC0_WASM32_ONLY_IMPORTS,
  ...IC0_REPLICA_ONLY_IMPORTS,
]);
