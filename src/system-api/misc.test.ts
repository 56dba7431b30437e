// Identity, certification, timers, controllers, environment variables, cost
// queries, debugging, and what survives an execution.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { API_TYPE_KINDS } from './api-type.ts';
import { CONTEXT_CODE } from './availability.ts';
import { encodeCostHttpRequestV2Params } from './candid-params.ts';
import { IC_MAINNET_ROOT_KEY } from './system-state.ts';
import { AT, CANISTER, CONTROLLER, SUBNET, TIME, layout, readU128, session, trapOf, violation } from './test-support.ts';

describe('identity and status', () => {
  test('self, subnet, status, version, time, root key', () => {
    const s = session('update', { state: { canisterVersion: 9n, status: 'stopping' } });
    assert.equal(s.ic0.canister_self_size(), 10);
    s.ic0.canister_self_copy(0, 0, 10);
    assert.deepEqual(s.heap.subarray(0, 10), CANISTER.bytesView());
    assert.equal(s.ic0.subnet_self_size(), 29);
    s.ic0.subnet_self_copy(0, 0, 29);
    assert.deepEqual(s.heap.subarray(0, 29), SUBNET.bytesView());
    assert.equal(s.ic0.canister_status(), 2);
    assert.equal(s.ic0.canister_version(), 9n);
    assert.equal(s.ic0.time(), TIME);
    assert.equal(s.ic0.root_key_size(), 133);
    s.ic0.root_key_copy(0, 0, 133);
    assert.deepEqual(s.heap.subarray(0, 133), IC_MAINNET_ROOT_KEY);
  });

  test('in_replicated_execution', () => {
    const replicated = API_TYPE_KINDS.filter((k) => session(k).ic0.in_replicated_execution() === 1).map((k) => CONTEXT_CODE[k]);
    assert.deepEqual(replicated, ['s', 'I', 'G', 'U', 'RQ', 'Ry', 'Rt', 'C', 'T']);
  });

  test('is_controller: 1 or 0; more than 29 bytes traps', () => {
    const s = session('update');
    layout(s.heap);
    assert.equal(s.ic0.is_controller(AT.principal, CONTROLLER.byteLength), 1);
    assert.equal(s.ic0.is_controller(AT.callee, 10), 0);
    assert.equal(s.ic0.is_controller(0, 0), 0);
    assert.equal(trapOf(() => s.ic0.is_controller(0, 30)).kind, 'InvalidPrincipalId');
  });
});

describe('certification and timers', () => {
  test('certified_data_set: at most 32 bytes', () => {
    const s = session('update');
    s.heap.fill(7, 0, 33);
    s.ic0.certified_data_set(0, 32);
    assert.deepEqual(trapOf(() => s.ic0.certified_data_set(0, 33)), {
      kind: 'ContractViolation',
      message: 'ic0_certified_data_set failed because the passed data must be no larger than 32 bytes. Found 33 bytes.',
      suggestion: 'Try certifying just the hash of your data instead of the full contents.',
      docAnchor: 'certified_data_set-payload-too-large',
    });
    assert.deepEqual(s.api.takeResult().modifications.newCertifiedData, new Uint8Array(32).fill(7));
  });

  test('data certificate: present only in query calls that have one', () => {
    const s = session('nonReplicatedQuery');
    assert.equal(s.ic0.data_certificate_present(), 1);
    assert.equal(s.ic0.data_certificate_size(), 5);
    assert.equal(session('update').ic0.data_certificate_present(), 0);
    const none = session({ kind: 'nonReplicatedQuery', time: TIME, caller: CONTROLLER, arg: new Uint8Array(0) });
    assert.equal(none.ic0.data_certificate_present(), 0);
    assert.equal(violation(() => none.ic0.data_certificate_size()), '"ic0_data_certificate_size" cannot be executed in non replicated query mode');
  });

  test('global_timer_set returns the previous timer; 0 cancels', () => {
    const s = session('update', { state: { globalTimer: 55n } });
    assert.equal(s.ic0.global_timer_set(100n), 55n);
    assert.equal(s.ic0.global_timer_set(0n), 100n);
    assert.equal(s.api.takeResult().modifications.newGlobalTimer, 0n);
  });
});

describe('environment variables', () => {
  test('names by index in byte order; values by name', () => {
    const s = session('update');
    layout(s.heap);
    assert.equal(s.ic0.env_var_count(), 2);
    assert.equal(s.ic0.env_var_name_size(1), 4);
    s.ic0.env_var_name_copy(1, 0, 0, 4);
    assert.equal(new TextDecoder().decode(s.heap.subarray(0, 4)), 'PATH');
    assert.equal(s.ic0.env_var_name_exists(AT.envName, 1), 1);
    assert.equal(s.ic0.env_var_value_size(AT.envName, 1), 1);
    s.ic0.env_var_value_copy(AT.envName, 1, 0, 0, 1);
    assert.equal(s.heap[0], '1'.charCodeAt(0));
  });

  test('errors: index out of range, name too long, not UTF-8, unknown', () => {
    const s = session('update');
    assert.deepEqual(trapOf(() => s.ic0.env_var_name_size(2)), { kind: 'EnvironmentVariableIndexOutOfBounds', index: 2, length: 2 });
    assert.equal(violation(() => s.ic0.env_var_name_exists(0, 101)), 'ic0.env_var_name_exists: Variable name is too large.');
    s.heap.set([0xff], 0);
    assert.equal(violation(() => s.ic0.env_var_value_size(0, 1)), 'ic0.env_var_value_size: Variable name is not a valid UTF-8 string.');
    s.heap.set([0x5a], 0);
    assert.equal(s.ic0.env_var_name_exists(0, 1), 0);
    assert.deepEqual(trapOf(() => s.ic0.env_var_value_size(0, 1)), { kind: 'EnvironmentVariableNotFound', name: 'Z' });
  });
});

describe('cost queries', () => {
  test('cost_call is the xnet fee plus the response prepayments at 13 nodes', () => {
    const s = session('update', { state: { subnetSize: 34n } });
    s.ic0.cost_call(3n, 5n, 0);
    assert.equal(readU128(s.heap, 0), 260_000n + 8_000n + 2_097_152_000n + 40_005_000_000n);
    const w64 = session('update', { params: { wasm64: true } });
    w64.ic0.cost_call(0n, 0n, 0n);
    assert.equal(readU128(w64.heap, 0), 260_000n + 2_097_152_000n + 80_005_000_000n);
  });

  test('cost_create_canister and cost_http_request scale with the subnet', () => {
    const s = session('update', { state: { subnetSize: 26n } });
    s.ic0.cost_create_canister(0);
    assert.equal(readU128(s.heap, 0), 1_000_000_000_000n);
    s.ic0.cost_http_request(100n, 1_000n, 0);
    assert.equal(readU128(s.heap, 0), (3_000_000n + 60_000n * 26n + 400n * 100n + 800n * 1_000n) * 26n);
  });

  test('cost_http_request_v2 decodes its Candid parameters', () => {
    const s = session('update');
    const p = encodeCostHttpRequestV2Params({
      requestBytes: 100n, httpRoundtripTimeMs: 50n, rawResponseBytes: 1_000n, transformedResponseBytes: 500n, transformInstructions: 1_300n,
    });
    s.heap.set(p, 100);
    s.ic0.cost_http_request_v2(100, p.length, 0);
    const n = 13n;
    assert.equal(readU128(s.heap, 0),
      (1_000_000n + 50n * 100n + 140_000n * n + 800n * n * n + 50n * 1_000n + 300n * 50n + 100n + (10n * n + 650n) * 500n) * n);
    assert.match(violation(() => s.ic0.cost_http_request_v2(100, p.length - 1, 0)), /^Failed to decode HttpRequestV2CostParams from Candid: /);
  });

  test('threshold keys: 0 with the fee, 1 for an unknown curve, 2 for an unknown key', () => {
    const s = session('update');
    layout(s.heap);
    assert.equal(s.ic0.cost_sign_with_ecdsa(AT.key, 5, 0, 0), 0);
    assert.equal(readU128(s.heap, 0), (10_000_000_000n * 34n) / 13n);
    assert.equal(s.ic0.cost_sign_with_ecdsa(AT.key, 5, 1, 0), 1);
    assert.equal(s.ic0.cost_sign_with_schnorr(AT.key, 5, 1, 0), 2);
    assert.equal(s.ic0.cost_vetkd_derive_key(AT.key, 5, 7, 0), 1);
    s.heap.set([0xff], 0);
    assert.equal(violation(() => s.ic0.cost_sign_with_ecdsa(0, 1, 0, 16)), 'Failed to decode key name \ufffd');
  });
});

describe('debug_print and trap', () => {
  test('debug_print logs the bytes with the execution time and prints when enabled', () => {
    const printed: string[] = [];
    const s = session('update', { params: { debugPrintEnabled: true, onDebugPrint: (m) => printed.push(m) } });
    s.heap.set(new TextEncoder().encode('héllo'), 0);
    s.ic0.debug_print(0, 6);
    assert.deepEqual(printed, ['héllo']);
    const [r] = s.api.systemState.log.records;
    assert.equal(r?.timestampNanos, TIME);
    assert.equal(new TextDecoder().decode(r?.content), 'héllo');
    assert.equal(r?.idx, 0n);
  });

  test('trap: lossy UTF-8, at most 32 KiB', () => {
    const s = session('update');
    s.heap.set([0x68, 0x69, 0xff], 0);
    assert.deepEqual(trapOf(() => s.ic0.trap(0, 3)), { kind: 'CalledTrap', message: 'hi\ufffd' });
    s.heap.fill(0x61, 0, 40_000);
    const e = trapOf(() => s.ic0.trap(0, 40_000));
    assert.ok(e.kind === 'CalledTrap' && e.message.length === 32 * 1024);
    // Only the first 32 KiB must be in bounds.
    assert.ok(trapOf(() => s.ic0.trap(65_536 - 32 * 1024, 1_000_000)).kind === 'CalledTrap');
  });
});

describe('what an execution hands back', () => {
  test('a trap keeps only the log, plus a [TRAP] line', () => {
    const s = session('update');
    s.ic0.debug_print(0, 1);
    s.ic0.global_timer_set(5n);
    const r = s.api.takeResult({ kind: 'CalledTrap', message: '' });
    assert.equal(r.modifications.newGlobalTimer, undefined);
    assert.deepEqual(r.modifications.canisterLog.map((l) => new TextDecoder().decode(l.content)), ['\0', '[TRAP]: (no message)']);
    assert.equal(r.bumpCanisterVersion, false);
  });

  test('queries keep nothing; replicated queries keep cycles and logs; updates everything', () => {
    const nrq = session('nonReplicatedQuery');
    nrq.ic0.debug_print(0, 1);
    assert.deepEqual(nrq.api.takeResult().modifications.canisterLog, []);
    const rq = session('replicatedQuery');
    rq.ic0.msg_cycles_accept128(0n, 10n, 0);
    rq.ic0.debug_print(0, 1);
    const r = rq.api.takeResult();
    assert.equal(r.modifications.cyclesAccepted, 10n);
    assert.equal(r.modifications.canisterLog.length, 1);
    assert.equal(r.bumpCanisterVersion, true);
    const init = session('init');
    init.ic0.certified_data_set(0, 1);
    const ri = init.api.takeResult();
    assert.deepEqual(ri.modifications.newCertifiedData, new Uint8Array(1));
    assert.equal(ri.bumpCanisterVersion, false);
  });
});
