/**
 * The import rules of canister modules: functions only from `ic0`, with the
 * exact signature for the module's pointer width; memory only as
 * `env.memory`, a table only as `env.table`; no globals, no tags.
 *
 * Wording: dfinity/ic `rs/embedders/src/wasm_utils/validation.rs`
 * (`validate_import_section`, `get_valid_system_apis_common`,
 * `get_valid_system_apis_32_only`), see validate.ts for the version.
 */
import { ValType } from './types.ts';
import type { FuncType, WasmModule } from './types.ts';
import { debugStr, debugTypes, isWasm64 } from './validate-util.ts';
import type { Rejection } from './validate-util.ts';

const IC0 = 'ic0';
/** Stands for the pointer/size type `I`: i32 in wasm32 modules, i64 in memory64 ones. */
const P = 0;
type Param = typeof P | ValType;
type Signature = readonly [params: readonly Param[], results: readonly Param[]];

const { i32: I32, i64: I64 } = ValType;
const PPP: Signature = [[P, P, P], []];
const PP: Signature = [[P, P], []];
const SIZE: Signature = [[], [P]];
const DST: Signature = [[P], []];
const HI_LO_DST: Signature = [[I64, I64, P], []];
const NAME_CODE_DST: Signature = [[P, P, I32, P], [I32]];

/** Imports available to wasm32 and wasm64 modules, with `P` for the pointer width. */
const COMMON: Readonly<Record<string, Signature>> = {
  msg_caller_size: SIZE, msg_caller_copy: PPP,
  msg_caller_info_data_size: SIZE, msg_caller_info_data_copy: PPP,
  msg_caller_info_signer_size: SIZE, msg_caller_info_signer_copy: PPP,
  msg_arg_data_size: SIZE, msg_arg_data_copy: PPP,
  msg_method_name_size: SIZE, msg_method_name_copy: PPP,
  accept_message: [[], []],
  msg_reject_code: [[], [I32]], msg_reject_msg_size: SIZE, msg_reject_msg_copy: PPP,
  msg_deadline: [[], [I64]],
  msg_reply_data_append: PP, msg_reply: [[], []], msg_reject: PP,
  canister_self_size: SIZE, canister_self_copy: PPP,
  subnet_self_size: SIZE, subnet_self_copy: PPP,
  env_var_count: SIZE, env_var_name_size: [[P], [P]], env_var_name_copy: [[P, P, P, P], []],
  env_var_name_exists: [[P, P], [I32]], env_var_value_size: [[P, P], [P]], env_var_value_copy: [[P, P, P, P, P], []],
  call_new: [[P, P, P, P, P, P, P, P], []], call_data_append: PP, call_on_cleanup: PP,
  call_with_best_effort_response: [[I32], []], call_cycles_add128: [[I64, I64], []], call_perform: [[], [I32]],
  debug_print: PP, trap: PP,
  stable64_size: [[], [I64]], stable64_grow: [[I64], [I64]],
  stable64_read: [[I64, I64, I64], []], stable64_write: [[I64, I64, I64], []],
  time: [[], [I64]], global_timer_set: [[I64], [I64]], performance_counter: [[I32], [I64]],
  canister_version: [[], [I64]], canister_status: [[], [I32]],
  root_key_size: SIZE, root_key_copy: PPP,
  certified_data_set: PP, data_certificate_present: [[], [I32]],
  data_certificate_size: SIZE, data_certificate_copy: PPP,
  canister_cycle_balance128: DST, canister_liquid_cycle_balance128: DST,
  msg_cycles_available128: DST, msg_cycles_refunded128: DST, msg_cycles_accept128: HI_LO_DST,
  cycles_burn128: HI_LO_DST, mint_cycles128: HI_LO_DST, mint_cycles: [[I64], [I64]],
  is_controller: [[P, P], [I32]], in_replicated_execution: [[], [I32]],
  cost_call: HI_LO_DST, cost_create_canister: DST, cost_http_request: HI_LO_DST, cost_http_request_v2: PPP,
  cost_sign_with_ecdsa: NAME_CODE_DST, cost_sign_with_schnorr: NAME_CODE_DST, cost_vetkd_derive_key: NAME_CODE_DST,
};

/** The deprecated 32-bit APIs, accepted from wasm32 modules only. */
const WASM32_ONLY: Readonly<Record<string, Signature>> = {
  call_cycles_add: [[I64], []], canister_cycle_balance: [[], [I64]],
  msg_cycles_available: [[], [I64]], msg_cycles_refunded: [[], [I64]], msg_cycles_accept: [[I64], [I64]],
  stable_size: [[], [I32]], stable_grow: [[I32], [I32]],
  stable_read: [[I32, I32, I32], []], stable_write: [[I32, I32, I32], []],
};

/** Every `ic0` function name the validator knows (for the completeness test against src/config). */
export const IC0_SIGNATURE_NAMES: readonly string[] = Object.freeze([...Object.keys(COMMON), ...Object.keys(WASM32_ONLY)]);

/** The expected `(params, results)` of `ic0.<name>` for a module of the given width, if it may import it. */
export function ic0Signature(name: string, wasm64: boolean): FuncType | undefined {
  const sig = Object.hasOwn(COMMON, name) ? COMMON[name]
    : !wasm64 && Object.hasOwn(WASM32_ONLY, name) ? WASM32_ONLY[name] : undefined;
  if (sig === undefined) return undefined;
  const ptr = wasm64 ? I64 : I32;
  const resolve = (ts: readonly Param[]): ValType[] => ts.map((t) => (t === P ? ptr : t));
  return { params: resolve(sig[0]), results: resolve(sig[1]) };
}

function sameTypes(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((t, i) => t === b[i]);
}

/**
 * Compares a function's type with the expected one (the replica's
 * `validate_function_signature`; `field` is the import or export name).
 */
export function checkSignature(expected: FuncType, field: string, actual: FuncType): Rejection | undefined {
  if (!sameTypes(actual.params, expected.params)) {
    return {
      kind: 'InvalidFunctionSignature',
      message: `Expected input params ${debugTypes(expected.params)} for '${field}', got ${debugTypes(actual.params)}.`,
    };
  }
  if (!sameTypes(actual.results, expected.results)) {
    return {
      kind: 'InvalidFunctionSignature',
      message: `Expected return type ${debugTypes(expected.results)} for '${field}', got ${debugTypes(actual.results)}.`,
    };
  }
  return undefined;
}

const importError = (message: string): Rejection => ({ kind: 'InvalidImportSection', message });

/** The import rules, in import order; the first broken rule wins. */
export function checkImports(m: WasmModule): Rejection | undefined {
  const wasm64 = isWasm64(m);
  for (const imp of m.imports) {
    const { module, name, desc } = imp;
    switch (desc.kind) {
      case 'func': {
        const expected = ic0Signature(name, wasm64);
        if (expected === undefined) {
          return importError(`Module imports function '${name}' from '${module}' that is not exported by the runtime.`);
        }
        if (module !== IC0) {
          return importError(
            `Module imports function ${debugStr(name)} from ${debugStr(module)}, expected to be imported from one of [${debugStr(IC0)}] instead.`,
          );
        }
        const actual = m.types[desc.typeIndex];
        if (actual === undefined) break; // an unknown type index: the engine check rejects it
        const bad = checkSignature(expected, name, actual);
        if (bad !== undefined) return bad;
        break;
      }
      case 'table':
        if (module !== 'env' || name !== 'table') return importError('Only tables imported from env.table are allowed.');
        break;
      case 'memory':
        if (module !== 'env' || name !== 'memory') return importError('Only memory imported from env.memory is allowed.');
        break;
      case 'global':
        return importError('Importing globals is not allowed.');
      case 'tag':
        return importError('Importing tags is not allowed.');
    }
  }
  return undefined;
}
