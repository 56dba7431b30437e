/**
 * Which `ic0` imports write into the Wasm heap, and where.
 *
 * The instrumentation marks the `__dirty` bytemap for every store the
 * *canister code* makes; the System API writes into the heap from the host
 * (`msg_arg_data_copy`, `stable64_read`, 128-bit amounts, …) and those
 * writes bypass the barrier. So the hypervisor wraps each heap-writing
 * import and, after it returned (an import that trapped changed nothing
 * that will be kept), marks the pages of `[dst, dst + size)`.
 *
 * Over-marking is harmless: a page marked but unchanged is dropped when the
 * delta is compared with the `PageMap`. Every import of
 * src/config/ic0-imports.ts is classified here, so a new import fails the
 * completeness test until someone decides.
 */
import type { Ic0ImportName } from '../config/index.ts';

/** Where a heap-writing import writes: the argument holding `dst` and the size (argument index or a fixed byte count). */
export interface HeapWrite {
  readonly dst: number;
  readonly size: { readonly arg: number } | { readonly bytes: number };
}

const copy: HeapWrite = { dst: 0, size: { arg: 2 } };
const amountAt = (dst: number): HeapWrite => ({ dst, size: { bytes: 16 } });

/** Every `ic0` import: where it writes into the heap, or `null` if it does not. */
export const HEAP_WRITES: Readonly<Record<Ic0ImportName, HeapWrite | null>> = {
  msg_arg_data_size: null, msg_arg_data_copy: copy,
  msg_caller_size: null, msg_caller_copy: copy,
  msg_caller_info_data_size: null, msg_caller_info_data_copy: copy,
  msg_caller_info_signer_size: null, msg_caller_info_signer_copy: copy,
  msg_reject_code: null, msg_reject_msg_size: null, msg_reject_msg_copy: copy,
  msg_deadline: null,
  msg_reply_data_append: null, msg_reply: null, msg_reject: null,
  msg_cycles_available128: amountAt(0), msg_cycles_refunded128: amountAt(0), msg_cycles_accept128: amountAt(2),
  cycles_burn128: amountAt(2), canister_cycle_balance128: amountAt(0), canister_liquid_cycle_balance128: amountAt(0),
  canister_self_size: null, canister_self_copy: copy, canister_status: null, canister_version: null,
  subnet_self_size: null, subnet_self_copy: copy,
  msg_method_name_size: null, msg_method_name_copy: copy, accept_message: null,
  call_new: null, call_on_cleanup: null, call_data_append: null, call_with_best_effort_response: null,
  call_cycles_add128: null, call_perform: null,
  stable64_size: null, stable64_grow: null, stable64_write: null, stable64_read: copy,
  root_key_size: null, root_key_copy: copy,
  certified_data_set: null, data_certificate_present: null, data_certificate_size: null, data_certificate_copy: copy,
  time: null, global_timer_set: null, performance_counter: null, is_controller: null, in_replicated_execution: null,
  cost_call: amountAt(2), cost_create_canister: amountAt(0), cost_http_request: amountAt(2),
  cost_sign_with_ecdsa: amountAt(3), cost_sign_with_schnorr: amountAt(3), cost_vetkd_derive_key: amountAt(3),
  env_var_count: null, env_var_name_size: null, env_var_name_copy: { dst: 1, size: { arg: 3 } }, env_var_name_exists: null,
  env_var_value_size: null, env_var_value_copy: { dst: 2, size: { arg: 4 } },
  debug_print: null, trap: null,
  msg_cycles_available: null, msg_cycles_refunded: null, msg_cycles_accept: null,
  canister_cycle_balance: null, call_cycles_add: null,
  stable_size: null, stable_grow: null, stable_write: null, stable_read: copy,
  mint_cycles128: amountAt(2), mint_cycles: null, cost_http_request_v2: amountAt(2),
};

/** An argument as received from Wasm (i32 as number, i64 as bigint), as an unsigned address or size. */
export function unsignedArg(raw: number | bigint): number {
  return typeof raw === 'bigint' ? Number(BigInt.asUintN(64, raw)) : raw >>> 0;
}
