// Test support for the System API tests (not exported from index.ts): a
// session for any context with rich data, a 64 KiB memory, and helpers to
// call imports and read traps.
import assert from 'node:assert/strict';
import { CanisterId, PrincipalId, SubnetId, cycles, time } from '../types/index.ts';
import type { HypervisorError } from '../errors/index.ts';
import type { Ic0ImportName } from '../config/index.ts';
import type { ApiType, ApiTypeKind } from './api-type.ts';
import { isAvailable } from './availability.ts';
import { encodeCostHttpRequestV2Params } from './candid-params.ts';
import { HostTrap } from './host-trap.ts';
import { createIc0Imports } from './imports.ts';
import { StableMemoryBuffer } from './stable-memory.ts';
import { CYCLES_MINTING_CANISTER_ID, SandboxSafeSystemState, type SystemStateInit } from './system-state.ts';
import { SystemApi, type SystemApiParams } from './system-api.ts';

export const CALLER = PrincipalId.fromUint8Array(Uint8Array.from([7, 7, 7, 1]));
export const CONTROLLER = PrincipalId.fromUint8Array(Uint8Array.from([9, 9, 9, 9, 1]));
export const CANISTER = CYCLES_MINTING_CANISTER_ID;
export const OTHER_CANISTER = CanisterId.fromU64(42n);
export const SUBNET = SubnetId.fromUint8Array(Uint8Array.from({ length: 29 }, (_, i) => (i * 7 + 3) & 0xff));
export const TIME = time(1_700_000_000_123_456_789n);
export const ARG = Uint8Array.from([1, 2, 3]);
export const REPLY = Uint8Array.from([4, 5, 6, 7]);
export const CERT = Uint8Array.from([0xd9, 0xd9, 0xf7, 1, 2]);
export const BALANCE = 10n ** 15n;
/** The counter every test session starts with. */
export const START = 10_000_000_000n;

/** A context of each kind with every field filled. */
export function apiTypeOf(kind: ApiTypeKind): ApiType {
  const base = { time: TIME, caller: CALLER };
  const callback = {
    ...base, callContextId: 5n, refundedCycles: cycles(111n), availableCycles: cycles(1_000n), replied: false,
    callContextInstructionsExecuted: 77n, deadline: time(0n),
  };
  switch (kind) {
    case 'start': return { kind, time: TIME };
    case 'init': return { kind, ...base, arg: ARG };
    case 'preUpgrade': return { kind, ...base };
    case 'update': return { kind, ...base, arg: ARG, incomingCycles: cycles(1_000n), callContextId: 5n };
    case 'replicatedQuery': return { kind, ...base, arg: ARG, incomingCycles: cycles(1_000n), callContextId: 5n };
    case 'nonReplicatedQuery': return { kind, ...base, arg: ARG, dataCertificate: CERT };
    case 'compositeQuery': return { kind, ...base, arg: ARG, dataCertificate: CERT, callContextId: 5n };
    case 'replyCallback': return { kind, ...callback, reply: REPLY };
    case 'compositeReplyCallback': return { kind, ...callback, reply: REPLY };
    case 'rejectCallback': return { kind, ...callback, rejectCode: 4, rejectMessage: 'nope' };
    case 'compositeRejectCallback': return { kind, ...callback, rejectCode: 4, rejectMessage: 'nope' };
    case 'cleanup': return { kind, ...base, callContextInstructionsExecuted: 77n };
    case 'compositeCleanup': return { kind, ...base, callContextInstructionsExecuted: 77n };
    case 'inspectMessage': return { kind, ...base, arg: ARG, methodName: 'do_it' };
    case 'systemTask': return { kind, time: TIME, task: 'heartbeat', callContextId: 5n };
  }
}

/** The system state every test session starts from. */
export function stateInit(over: Partial<SystemStateInit> = {}): SystemStateInit {
  return {
    canisterId: CANISTER,
    controllers: [CONTROLLER],
    balance: BALANCE,
    subnetId: SUBNET,
    environmentVariables: new Map([['A', '1'], ['PATH', '/bin']]),
    chainKeys: [{ kind: 'ecdsa', curve: 0, name: 'key_1', subnetSize: 34n }],
    ...over,
  };
}

/** A session in `api` context with a fresh 64 KiB memory and a counter of {@link START}. */
export function session(
  api: ApiType | ApiTypeKind,
  opts: { state?: Partial<SystemStateInit>; params?: Partial<SystemApiParams>; stable?: StableMemoryBuffer } = {},
): { api: SystemApi; memory: WebAssembly.Memory; heap: Uint8Array; counter: WebAssembly.Global; ic0: Record<string, (...a: (number | bigint)[]) => number | bigint | undefined> } {
  const apiType = typeof api === 'string' ? apiTypeOf(api) : api;
  const sys = new SystemApi({
    apiType,
    systemState: new SandboxSafeSystemState(stateInit(opts.state)),
    stableMemory: opts.stable ?? new StableMemoryBuffer(1),
    messageInstructionLimit: START,
    ...opts.params,
  });
  const memory = new WebAssembly.Memory({ initial: 1 });
  const counter = new WebAssembly.Global({ value: 'i64', mutable: true }, START);
  sys.setMemory(memory);
  sys.setCounterGlobal(counter);
  return { api: sys, memory, heap: new Uint8Array(memory.buffer), counter, ic0: createIc0Imports(sys, { wasm64: opts.params?.wasm64 ?? false }) };
}

/** Runs `f` and returns the `HypervisorError` of the `HostTrap` it throws (fails if it does not). */
export function trapOf(f: () => unknown): HypervisorError {
  try {
    f();
  } catch (e) {
    if (e instanceof HostTrap) return e.error;
    throw e;
  }
  assert.fail('expected a HostTrap');
}

/** The message of a contract-violation trap thrown by `f`. */
export function violation(f: () => unknown): string {
  const e = trapOf(f);
  assert.ok(e.kind === 'ContractViolation' || e.kind === 'ToolchainContractViolation', `not a contract violation: ${e.kind}`);
  return e.message;
}

/** Reads a little-endian u128 at `at`. */
export function readU128(heap: Uint8Array, at: number): bigint {
  const v = new DataView(heap.buffer, heap.byteOffset + at, 16);
  return v.getBigUint64(0, true) | (v.getBigUint64(8, true) << 64n);
}

/** Memory layout of the fixtures. */
export const AT = { dst: 1000, callee: 100, name: 200, envName: 300, principal: 400, key: 500, params: 600, text: 700 } as const;
const PARAMS = encodeCostHttpRequestV2Params({
  requestBytes: 100n, httpRoundtripTimeMs: 50n, rawResponseBytes: 1000n, transformedResponseBytes: 500n, transformInstructions: 1300n,
});

export function layout(heap: Uint8Array): void {
  heap.set(OTHER_CANISTER.bytesView(), AT.callee);
  heap.set(new TextEncoder().encode('foo'), AT.name);
  heap.set(new TextEncoder().encode('A'), AT.envName);
  heap.set(CONTROLLER.bytesView(), AT.principal);
  heap.set(new TextEncoder().encode('key_1'), AT.key);
  heap.set(PARAMS, AT.params);
  heap.set(new TextEncoder().encode('hello'), AT.text);
}

/** Valid wasm32 arguments for every import (i64 as BigInt). */
export const VALID_ARGS: Readonly<Record<Ic0ImportName, readonly (number | bigint)[]>> = {
  msg_arg_data_size: [], msg_arg_data_copy: [AT.dst, 0, 1],
  msg_caller_size: [], msg_caller_copy: [AT.dst, 0, 0],
  msg_caller_info_data_size: [], msg_caller_info_data_copy: [AT.dst, 0, 0],
  msg_caller_info_signer_size: [], msg_caller_info_signer_copy: [AT.dst, 0, 0],
  msg_reject_code: [], msg_reject_msg_size: [], msg_reject_msg_copy: [AT.dst, 0, 2],
  msg_deadline: [],
  msg_reply_data_append: [AT.text, 5], msg_reply: [], msg_reject: [AT.text, 5],
  msg_cycles_available128: [AT.dst], msg_cycles_refunded128: [AT.dst], msg_cycles_accept128: [0n, 10n, AT.dst],
  cycles_burn128: [0n, 10n, AT.dst],
  canister_cycle_balance128: [AT.dst], canister_liquid_cycle_balance128: [AT.dst],
  canister_self_size: [], canister_self_copy: [AT.dst, 0, 10], canister_status: [], canister_version: [],
  subnet_self_size: [], subnet_self_copy: [AT.dst, 0, 29],
  msg_method_name_size: [], msg_method_name_copy: [AT.dst, 0, 5], accept_message: [],
  call_new: [AT.callee, 10, AT.name, 3, 1, 11, 2, 22], call_on_cleanup: [3, 33], call_data_append: [AT.text, 5],
  call_with_best_effort_response: [10], call_cycles_add128: [0n, 100n], call_perform: [],
  stable64_size: [], stable64_grow: [1n], stable64_write: [0n, BigInt(AT.text), 5n], stable64_read: [BigInt(AT.dst), 0n, 5n],
  root_key_size: [], root_key_copy: [AT.dst, 0, 133],
  certified_data_set: [AT.text, 5],
  data_certificate_present: [], data_certificate_size: [], data_certificate_copy: [AT.dst, 0, 5],
  time: [], global_timer_set: [123n], performance_counter: [0], is_controller: [AT.principal, 5], in_replicated_execution: [],
  cost_call: [3n, 100n, AT.dst], cost_create_canister: [AT.dst], cost_http_request: [100n, 1000n, AT.dst],
  cost_sign_with_ecdsa: [AT.key, 5, 0, AT.dst], cost_sign_with_schnorr: [AT.key, 5, 0, AT.dst], cost_vetkd_derive_key: [AT.key, 5, 0, AT.dst],
  env_var_count: [], env_var_name_size: [0], env_var_name_copy: [0, AT.dst, 0, 1],
  env_var_name_exists: [AT.envName, 1], env_var_value_size: [AT.envName, 1], env_var_value_copy: [AT.envName, 1, AT.dst, 0, 1],
  debug_print: [AT.text, 5], trap: [AT.text, 5],
  msg_cycles_available: [], msg_cycles_refunded: [], msg_cycles_accept: [10n],
  canister_cycle_balance: [], call_cycles_add: [100n],
  stable_size: [], stable_grow: [1], stable_write: [0, AT.text, 5], stable_read: [AT.dst, 0, 5],
  mint_cycles128: [0n, 10n, AT.dst], mint_cycles: [10n], cost_http_request_v2: [AT.params, PARAMS.length, AT.dst],
};

const NEEDS_CALL: ReadonlySet<Ic0ImportName> = new Set([
  'call_on_cleanup', 'call_data_append', 'call_with_best_effort_response', 'call_cycles_add128', 'call_cycles_add', 'call_perform',
] as const);

/** Calls `name` with valid arguments in a fresh `kind` session (after `call_new` where one is needed). */
export function callValid(name: Ic0ImportName, kind: ApiTypeKind): () => unknown {
  return prepareValid(name, kind).call;
}

/** A fresh `kind` session laid out for `name`'s valid arguments, and the call. */
export function prepareValid(
  name: Ic0ImportName, kind: ApiTypeKind, opts: Parameters<typeof session>[1] = {},
): { s: ReturnType<typeof session>; call: () => unknown } {
  const s = session(kind, opts);
  layout(s.heap);
  const f = s.ic0[name] as (...a: (number | bigint)[]) => unknown;
  if (NEEDS_CALL.has(name) && isAvailable(name, s.api.apiType)) {
    (s.ic0.call_new as (...a: (number | bigint)[]) => unknown)(...VALID_ARGS.call_new);
  }
  return { s, call: () => f(...VALID_ARGS[name]) };
}

