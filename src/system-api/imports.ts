// The `ic0` import object: for every import in src/config/ic0-imports.ts (the
// wasm32-only ones only for wasm32 modules) a JS function with the module's
// pointer width, which
//   1. converts its arguments: `I` is i32 for wasm32 modules (a JS number,
//      read as u32) and i64 for memory64 modules (a BigInt, read as u64 and
//      carried as a number — see heap.ts for values ≥ 2^53); i64 amounts and
//      times stay BigInts (u64); 128-bit amounts are joined from (high, low);
//   2. charges before acting: `SystemApiOverhead[name]` plus the bytes it
//      moves (linker.rs: 1 per byte copied; 50 per byte for
//      `msg_reply_data_append`, `msg_reject` and `call_data_append`;
//      callee + name bytes for `call_new`; the logging charge for
//      `debug_print` and `trap`); `mint_cycles*` charge nothing;
//   3. calls the `SystemApi` method, which checks the context, bounds and
//      the call's own rules, and traps by throwing `HostTrap`.
// As in the replica the charge comes before the context check: a call made
// in the wrong context still costs its overhead.
import type { Ic0ImportName } from '../config/index.ts';
import { IC0_IMPORTS, IC0_WASM32_ONLY_IMPORTS, SYSTEM_API_BYTE_COST, SystemApiOverhead, BYTE_TRANSMISSION_COST_FACTOR } from '../config/index.ts';
import { clearWideU64, exactU64, u64ToNumber } from './heap.ts';
import type { SystemApi } from './system-api.ts';

/** Parameter types: `I` (pointer width), `i32`, `i64`. */
type ArgKind = 'I' | 'i32' | 'i64';
type ResultKind = ArgKind | 'void';
/** Converted arguments: `I` and `i32` as numbers, `i64` as unsigned bigints. */
type Args = readonly (number | bigint)[];

interface ImportSpec {
  readonly params: readonly ArgKind[];
  readonly result: ResultKind;
  /** Bytes charged on top of the overhead (before the per-byte cost). */
  readonly bytes?: (a: Args, api: SystemApi) => bigint;
  readonly call: (api: SystemApi, a: Args) => number | bigint | void;
}

const n = (a: Args, i: number): number => a[i] as number;
const b = (a: Args, i: number): bigint => a[i] as bigint;
const u32 = (a: Args, i: number): number => (a[i] as number) >>> 0;
const bytesAt = (i: number) => (a: Args): bigint => exactU64(n(a, i));
const transmitted = (i: number) => (a: Args): bigint => BYTE_TRANSMISSION_COST_FACTOR * exactU64(n(a, i));
const u128 = (a: Args, i: number): bigint => (b(a, i) << 64n) | b(a, i + 1);

const COPY: readonly ArgKind[] = ['I', 'I', 'I'];
const SRC: readonly ArgKind[] = ['I', 'I'];

/** Every import: signature, byte charge, and the `SystemApi` method it calls. */
const SPECS: Readonly<Record<Ic0ImportName, ImportSpec>> = {
  msg_arg_data_size: { params: [], result: 'I', call: (api) => api.msgArgDataSize() },
  msg_arg_data_copy: { params: COPY, result: 'void', bytes: bytesAt(2), call: (api, a) => api.msgArgDataCopy(n(a, 0), n(a, 1), n(a, 2)) },
  msg_caller_size: { params: [], result: 'I', call: (api) => api.msgCallerSize() },
  msg_caller_copy: { params: COPY, result: 'void', bytes: bytesAt(2), call: (api, a) => api.msgCallerCopy(n(a, 0), n(a, 1), n(a, 2)) },
  msg_caller_info_data_size: { params: [], result: 'I', call: (api) => api.msgCallerInfoDataSize() },
  msg_caller_info_data_copy: { params: COPY, result: 'void', bytes: bytesAt(2), call: (api, a) => api.msgCallerInfoDataCopy(n(a, 0), n(a, 1), n(a, 2)) },
  msg_caller_info_signer_size: { params: [], result: 'I', call: (api) => api.msgCallerInfoSignerSize() },
  msg_caller_info_signer_copy: { params: COPY, result: 'void', bytes: bytesAt(2), call: (api, a) => api.msgCallerInfoSignerCopy(n(a, 0), n(a, 1), n(a, 2)) },
  msg_reject_code: { params: [], result: 'i32', call: (api) => api.msgRejectCode() },
  msg_reject_msg_size: { params: [], result: 'I', call: (api) => api.msgRejectMsgSize() },
  msg_reject_msg_copy: { params: COPY, result: 'void', bytes: bytesAt(2), call: (api, a) => api.msgRejectMsgCopy(n(a, 0), n(a, 1), n(a, 2)) },
  msg_deadline: { params: [], result: 'i64', call: (api) => api.msgDeadline() },
  msg_reply_data_append: { params: SRC, result: 'void', bytes: transmitted(1), call: (api, a) => api.msgReplyDataAppend(n(a, 0), n(a, 1)) },
  msg_reply: { params: [], result: 'void', call: (api) => api.msgReply() },
  msg_reject: { params: SRC, result: 'void', bytes: transmitted(1), call: (api, a) => api.msgReject(n(a, 0), n(a, 1)) },
  msg_cycles_available128: { params: ['I'], result: 'void', call: (api, a) => api.msgCyclesAvailable128(n(a, 0)) },
  msg_cycles_refunded128: { params: ['I'], result: 'void', call: (api, a) => api.msgCyclesRefunded128(n(a, 0)) },
  msg_cycles_accept128: { params: ['i64', 'i64', 'I'], result: 'void', call: (api, a) => api.msgCyclesAccept128(u128(a, 0), n(a, 2)) },
  cycles_burn128: { params: ['i64', 'i64', 'I'], result: 'void', call: (api, a) => api.cyclesBurn128(u128(a, 0), n(a, 2)) },
  canister_cycle_balance128: { params: ['I'], result: 'void', call: (api, a) => api.canisterCycleBalance128(n(a, 0)) },
  canister_liquid_cycle_balance128: { params: ['I'], result: 'void', call: (api, a) => api.canisterLiquidCycleBalance128(n(a, 0)) },
  canister_self_size: { params: [], result: 'I', call: (api) => api.canisterSelfSize() },
  canister_self_copy: { params: COPY, result: 'void', bytes: bytesAt(2), call: (api, a) => api.canisterSelfCopy(n(a, 0), n(a, 1), n(a, 2)) },
  canister_status: { params: [], result: 'i32', call: (api) => api.canisterStatus() },
  canister_version: { params: [], result: 'i64', call: (api) => api.canisterVersion() },
  subnet_self_size: { params: [], result: 'I', call: (api) => api.subnetSelfSize() },
  subnet_self_copy: { params: COPY, result: 'void', bytes: bytesAt(2), call: (api, a) => api.subnetSelfCopy(n(a, 0), n(a, 1), n(a, 2)) },
  msg_method_name_size: { params: [], result: 'I', call: (api) => api.msgMethodNameSize() },
  msg_method_name_copy: { params: COPY, result: 'void', bytes: bytesAt(2), call: (api, a) => api.msgMethodNameCopy(n(a, 0), n(a, 1), n(a, 2)) },
  accept_message: { params: [], result: 'void', call: (api) => api.acceptMessage() },
  call_new: {
    params: ['I', 'I', 'I', 'I', 'I', 'I', 'I', 'I'],
    result: 'void',
    bytes: (a) => exactU64(n(a, 1)) + exactU64(n(a, 3)),
    call: (api, a) => api.callNew(n(a, 0), n(a, 1), n(a, 2), n(a, 3), n(a, 4), exactU64(n(a, 5)), n(a, 6), exactU64(n(a, 7))),
  },
  call_on_cleanup: { params: SRC, result: 'void', call: (api, a) => api.callOnCleanup(n(a, 0), exactU64(n(a, 1))) },
  call_data_append: { params: SRC, result: 'void', bytes: transmitted(1), call: (api, a) => api.callDataAppend(n(a, 0), n(a, 1)) },
  call_with_best_effort_response: { params: ['i32'], result: 'void', call: (api, a) => api.callWithBestEffortResponse(u32(a, 0)) },
  call_cycles_add128: { params: ['i64', 'i64'], result: 'void', call: (api, a) => api.callCyclesAdd128(u128(a, 0)) },
  call_perform: { params: [], result: 'i32', call: (api) => api.callPerform() },
  stable64_size: { params: [], result: 'i64', call: (api) => api.stable64Size() },
  stable64_grow: { params: ['i64'], result: 'i64', call: (api, a) => api.stable64Grow(b(a, 0)) },
  stable64_write: { params: ['i64', 'i64', 'i64'], result: 'void', bytes: (a) => b(a, 2), call: (api, a) => api.stable64Write(big(a, 0), big(a, 1), big(a, 2)) },
  stable64_read: { params: ['i64', 'i64', 'i64'], result: 'void', bytes: (a) => b(a, 2), call: (api, a) => api.stable64Read(big(a, 0), big(a, 1), big(a, 2)) },
  root_key_size: { params: [], result: 'I', call: (api) => api.rootKeySize() },
  root_key_copy: { params: COPY, result: 'void', bytes: bytesAt(2), call: (api, a) => api.rootKeyCopy(n(a, 0), n(a, 1), n(a, 2)) },
  certified_data_set: { params: SRC, result: 'void', bytes: bytesAt(1), call: (api, a) => api.certifiedDataSet(n(a, 0), n(a, 1)) },
  data_certificate_present: { params: [], result: 'i32', call: (api) => api.dataCertificatePresent() },
  data_certificate_size: { params: [], result: 'I', call: (api) => api.dataCertificateSize() },
  data_certificate_copy: { params: COPY, result: 'void', bytes: bytesAt(2), call: (api, a) => api.dataCertificateCopy(n(a, 0), n(a, 1), n(a, 2)) },
  time: { params: [], result: 'i64', call: (api) => api.time() },
  global_timer_set: { params: ['i64'], result: 'i64', call: (api, a) => api.globalTimerSet(b(a, 0)) },
  performance_counter: { params: ['i32'], result: 'i64', call: (api, a) => api.performanceCounter(n(a, 0)) },
  is_controller: { params: SRC, result: 'i32', bytes: bytesAt(1), call: (api, a) => api.isController(n(a, 0), n(a, 1)) },
  in_replicated_execution: { params: [], result: 'i32', call: (api) => api.inReplicatedExecution() },
  cost_call: { params: ['i64', 'i64', 'I'], result: 'void', call: (api, a) => api.costCall(b(a, 0), b(a, 1), n(a, 2)) },
  cost_create_canister: { params: ['I'], result: 'void', call: (api, a) => api.costCreateCanister(n(a, 0)) },
  cost_http_request: { params: ['i64', 'i64', 'I'], result: 'void', call: (api, a) => api.costHttpRequest(b(a, 0), b(a, 1), n(a, 2)) },
  cost_sign_with_ecdsa: { params: ['I', 'I', 'i32', 'I'], result: 'i32', bytes: bytesAt(1), call: (api, a) => api.costSignWithEcdsa(n(a, 0), n(a, 1), n(a, 2), n(a, 3)) },
  cost_sign_with_schnorr: { params: ['I', 'I', 'i32', 'I'], result: 'i32', bytes: bytesAt(1), call: (api, a) => api.costSignWithSchnorr(n(a, 0), n(a, 1), n(a, 2), n(a, 3)) },
  cost_vetkd_derive_key: { params: ['I', 'I', 'i32', 'I'], result: 'i32', bytes: bytesAt(1), call: (api, a) => api.costVetkdDeriveKey(n(a, 0), n(a, 1), n(a, 2), n(a, 3)) },
  env_var_count: { params: [], result: 'I', call: (api) => api.envVarCount() },
  env_var_name_size: { params: ['I'], result: 'I', call: (api, a) => api.envVarNameSize(n(a, 0)) },
  env_var_name_copy: { params: ['I', 'I', 'I', 'I'], result: 'void', bytes: bytesAt(3), call: (api, a) => api.envVarNameCopy(n(a, 0), n(a, 1), n(a, 2), n(a, 3)) },
  env_var_name_exists: { params: SRC, result: 'i32', call: (api, a) => api.envVarNameExists(n(a, 0), n(a, 1)) },
  env_var_value_size: { params: SRC, result: 'I', call: (api, a) => api.envVarValueSize(n(a, 0), n(a, 1)) },
  env_var_value_copy: {
    params: ['I', 'I', 'I', 'I', 'I'], result: 'void', bytes: bytesAt(4),
    call: (api, a) => api.envVarValueCopy(n(a, 0), n(a, 1), n(a, 2), n(a, 3), n(a, 4)),
  },
  debug_print: {
    params: SRC, result: 'void',
    bytes: (a, api) => api.systemState.log.chargeBytes(exactU64(n(a, 1))) + (api.debugPrintEnabled ? exactU64(n(a, 1)) : 0n),
    call: (api, a) => api.debugPrint(n(a, 0), n(a, 1)),
  },
  trap: {
    params: SRC, result: 'void',
    bytes: (a, api) => exactU64(n(a, 1)) + api.systemState.log.chargeBytes(exactU64(n(a, 1))),
    call: (api, a) => api.trap(n(a, 0), n(a, 1)),
  },
  // wasm32-only (deprecated)
  msg_cycles_available: { params: [], result: 'i64', call: (api) => api.msgCyclesAvailable() },
  msg_cycles_refunded: { params: [], result: 'i64', call: (api) => api.msgCyclesRefunded() },
  msg_cycles_accept: { params: ['i64'], result: 'i64', call: (api, a) => api.msgCyclesAccept(b(a, 0)) },
  canister_cycle_balance: { params: [], result: 'i64', call: (api) => api.canisterCycleBalance() },
  call_cycles_add: { params: ['i64'], result: 'void', call: (api, a) => api.callCyclesAdd(b(a, 0)) },
  stable_size: { params: [], result: 'i32', call: (api) => api.stableSize() },
  stable_grow: { params: ['i32'], result: 'i32', call: (api, a) => api.stableGrow(u32(a, 0)) },
  stable_write: { params: ['i32', 'i32', 'i32'], result: 'void', bytes: (a) => BigInt(u32(a, 2)), call: (api, a) => api.stableWrite(u32(a, 0), u32(a, 1), u32(a, 2)) },
  stable_read: { params: ['i32', 'i32', 'i32'], result: 'void', bytes: (a) => BigInt(u32(a, 2)), call: (api, a) => api.stableRead(u32(a, 0), u32(a, 1), u32(a, 2)) },
  // replica-only
  mint_cycles128: { params: ['i64', 'i64', 'I'], result: 'void', call: (api, a) => api.mintCycles128(u128(a, 0), n(a, 2)) },
  mint_cycles: { params: ['i64'], result: 'i64', call: (api, a) => api.mintCycles(b(a, 0)) },
  cost_http_request_v2: { params: ['I', 'I', 'I'], result: 'void', call: (api, a) => api.costHttpRequestV2(n(a, 0), n(a, 1), n(a, 2)) },
};

/** A u64 argument given as i64 (stable64 offsets and sizes), as a number for the memory code. */
function big(a: Args, i: number): number {
  return u64ToNumber(a[i] as bigint);
}

const WASM32_ONLY: ReadonlySet<string> = new Set(IC0_WASM32_ONLY_IMPORTS);

/** Options of {@link createIc0Imports}. */
export interface Ic0ImportOptions {
  /** Whether the module's memory is 64-bit (`I` = i64). */
  readonly wasm64: boolean;
}

/** The Wasm signature of an import for a module of the given pointer width (for validation and tests). */
export function ic0Signature(name: Ic0ImportName, wasm64: boolean): { params: ('i32' | 'i64')[]; results: ('i32' | 'i64')[] } {
  const spec = SPECS[name];
  const width = (k: ArgKind): 'i32' | 'i64' => (k === 'I' ? (wasm64 ? 'i64' : 'i32') : k);
  return { params: spec.params.map(width), results: spec.result === 'void' ? [] : [width(spec.result)] };
}

function makeImport(apiOf: () => SystemApi, name: Ic0ImportName, spec: ImportSpec, wasm64: boolean): (...raw: (number | bigint)[]) => number | bigint | undefined {
  const overhead: bigint = SystemApiOverhead[name];
  const kinds = spec.params;
  const convert = (raw: readonly (number | bigint)[]): Args => kinds.map((k, i) => {
    const v = raw[i];
    if (k === 'i64') return BigInt.asUintN(64, v as bigint);
    if (k === 'i32') return (v as number) | 0;
    return wasm64 ? u64ToNumber(BigInt.asUintN(64, v as bigint)) : (v as number) >>> 0;
  });
  const result = spec.result;
  return (...raw) => {
    const api = apiOf();
    clearWideU64();
    const args = convert(raw);
    const fee = overhead + (spec.bytes === undefined ? 0n : spec.bytes(args, api) * SYSTEM_API_BYTE_COST);
    if (fee > 0n) api.charge(fee);
    const r = spec.call(api, args);
    switch (result) {
      case 'void':
        return undefined;
      case 'i32':
        return r as number;
      case 'i64':
        return BigInt.asIntN(64, r as bigint);
      case 'I':
        return wasm64 ? BigInt(r as number) : (r as number);
    }
  };
}

/**
 * The `ic0` functions for an instance whose System API session is `api`, or
 * is whatever the getter `api()` returns when an import is called (an
 * instance reused across executions binds its imports once, to a getter of
 * the current session): every import of src/config/ic0-imports.ts, the
 * wasm32-only ones only when `!opts.wasm64`. Pass the result as the `ic0`
 * module of the import object.
 * @example new WebAssembly.Instance(module, { ic0: createIc0Imports(api, { wasm64: false }) })
 * @example createIc0Imports(() => binding.current, { wasm64 })  // the getter may throw outside an execution
 */
export function createIc0Imports(
  api: SystemApi | (() => SystemApi), opts: Ic0ImportOptions,
): Record<string, (...args: (number | bigint)[]) => number | bigint | undefined> {
  const apiOf = typeof api === 'function' ? api : () => api;
  const out: Record<string, (...args: (number | bigint)[]) => number | bigint | undefined> = {};
  for (const name of IC0_IMPORTS) {
    if (opts.wasm64 && WASM32_ONLY.has(name)) continue;
    out[name] = makeImport(apiOf, name, SPECS[name], opts.wasm64);
  }
  return out;
}
