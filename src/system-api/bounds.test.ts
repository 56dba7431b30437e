// Out-of-bounds arguments trap with the replica's texts: every `_copy`
// (destination first, then source), every `(src, size)` input, every 128-bit
// `dst`; `debug_print` never traps.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ApiTypeKind } from './api-type.ts';
import { TrapCode } from '../errors/index.ts';
import { AT, layout, session, trapOf, violation } from './test-support.ts';

const HEAP = 65_536;
type Ic0 = ReturnType<typeof session>['ic0'];

function fresh(kind: ApiTypeKind): Ic0 {
  const s = session(kind);
  layout(s.heap);
  return s.ic0;
}

/** `_copy` imports: context, the blob's name in the replica's text, its length, extra leading args. */
const COPIES: readonly { name: string; kind: ApiTypeKind; what: string; len: number; lead?: number[] }[] = [
  { name: 'msg_arg_data_copy', kind: 'update', what: 'payload', len: 3 },
  { name: 'msg_caller_copy', kind: 'update', what: 'id', len: 4 },
  { name: 'msg_caller_info_data_copy', kind: 'update', what: 'data', len: 0 },
  { name: 'msg_caller_info_signer_copy', kind: 'update', what: 'signer', len: 0 },
  { name: 'msg_reject_msg_copy', kind: 'rejectCallback', what: 'msg', len: 4 },
  { name: 'msg_method_name_copy', kind: 'inspectMessage', what: 'payload', len: 5 },
  { name: 'canister_self_copy', kind: 'update', what: 'id', len: 10 },
  { name: 'subnet_self_copy', kind: 'update', what: 'id', len: 29 },
  { name: 'root_key_copy', kind: 'update', what: 'bytes', len: 133 },
  { name: 'env_var_name_copy', kind: 'update', what: 'name', len: 1, lead: [0] },
  { name: 'env_var_value_copy', kind: 'update', what: 'value', len: 1, lead: [AT.envName, 1] },
];

describe('copies out of bounds', () => {
  for (const c of COPIES) {
    const call = (ic0: Ic0, dst: number, offset: number, size: number) => ic0[c.name]?.(...(c.lead ?? []), dst, offset, size);
    test(`ic0.${c.name}: destination past the heap`, () => {
      assert.equal(violation(() => call(fresh(c.kind), HEAP, 0, 1)), `ic0.${c.name} heap: src=${HEAP} + length=1 exceeds the slice size=${HEAP}`);
    });
    test(`ic0.${c.name}: source past the blob`, () => {
      assert.equal(violation(() => call(fresh(c.kind), 0, c.len, 1)), `ic0.${c.name} ${c.what}: src=${c.len} + length=1 exceeds the slice size=${c.len}`);
    });
    test(`ic0.${c.name}: the whole blob, exactly to the end of the heap, is fine`, () => {
      call(fresh(c.kind), HEAP - c.len, 0, c.len);
    });
  }

  test('ic0.data_certificate_copy: its own wording, source first', () => {
    assert.equal(violation(() => fresh('nonReplicatedQuery').data_certificate_copy(HEAP, 0, 6)),
      'ic0_data_certificate_copy failed because offset + size is out of bounds. Found offset = 0 and size = 6 while offset + size must be <= 5');
    assert.equal(violation(() => fresh('nonReplicatedQuery').data_certificate_copy(HEAP - 4, 0, 5)),
      `ic0_data_certificate_copy failed because dst + size is out of bounds. Found dst = ${HEAP - 4} and size = 5 while dst + size must be <= ${HEAP}`);
  });
});

describe('(src, size) inputs out of bounds', () => {
  const past = (ctx: string) => `${ctx}: src=${HEAP} + length=1 exceeds the slice size=${HEAP}`;
  test('msg_reply_data_append, msg_reject', () => {
    assert.equal(violation(() => fresh('update').msg_reply_data_append(HEAP, 1)), past('msg.reply'));
    assert.equal(violation(() => fresh('update').msg_reject(HEAP, 1)), past('ic0.msg_reject'));
  });
  test('call_new: method name, then callee', () => {
    assert.equal(violation(() => fresh('update').call_new(AT.callee, 10, HEAP, 1, 0, 0, 0, 0)), past('ic0.call_new method_name'));
    assert.equal(violation(() => fresh('update').call_new(HEAP, 1, AT.name, 3, 0, 0, 0, 0)), past('ic0.call_new callee_src'));
  });
  test('call_data_append', () => {
    const ic0 = fresh('update');
    ic0.call_new(AT.callee, 10, AT.name, 3, 0, 0, 0, 0);
    assert.equal(violation(() => ic0.call_data_append(HEAP, 1)), past('ic0.call_data_append'));
  });
  test('certified_data_set', () => {
    assert.equal(violation(() => fresh('update').certified_data_set(HEAP, 1)),
      `ic0_certified_data_set failed because src + size is out of bounds. Found src = ${HEAP} and size = 1 while src + size must be <= ${HEAP}`);
  });
  test('is_controller, cost_sign_with_*, cost_vetkd_derive_key, cost_http_request_v2', () => {
    assert.equal(violation(() => fresh('update').is_controller(HEAP, 1)), past('ic0.is_controller'));
    for (const name of ['cost_sign_with_ecdsa', 'cost_sign_with_schnorr', 'cost_vetkd_derive_key']) {
      assert.equal(violation(() => fresh('update')[name]?.(HEAP, 1, 0, AT.dst)), past(`ic0.${name} heap`));
    }
    assert.equal(violation(() => fresh('update').cost_http_request_v2(HEAP, 1, AT.dst)), past('ic0.cost_http_request_v2 heap'));
  });
  test('env_var_name_exists, env_var_value_size, env_var_value_copy (the name)', () => {
    assert.equal(violation(() => fresh('update').env_var_name_exists(HEAP, 1)), past('ic0.env_var_name_exists heap'));
    assert.equal(violation(() => fresh('update').env_var_value_size(HEAP, 1)), past('ic0.env_var_value_size heap'));
    assert.equal(violation(() => fresh('update').env_var_value_copy(HEAP, 1, 0, 0, 0)), past('ic0.env_var_value_copy name'));
  });
  test('trap with a bad range still traps, with a placeholder message', () => {
    assert.deepEqual(trapOf(() => fresh('update').trap(HEAP, 1)), { kind: 'CalledTrap', message: '(trap message out of memory bounds)' });
  });
  test('debug_print never traps; a bad range logs a placeholder', () => {
    const s = session('update');
    s.ic0.debug_print(HEAP, 1);
    s.ic0.debug_print(-1, 2);
    const log = s.api.systemState.log.records.map((r) => new TextDecoder().decode(r.content));
    assert.deepEqual(log, ['(debug_print message out of memory bounds)', '(debug_print message out of memory bounds)']);
  });
});

describe('128-bit results out of bounds', () => {
  const cases: readonly [string, ApiTypeKind, (ic0: Ic0, dst: number) => unknown][] = [
    ['ic0_msg_cycles_available128', 'update', (i, d) => i.msg_cycles_available128(d)],
    ['ic0_msg_cycles_refunded128', 'replyCallback', (i, d) => i.msg_cycles_refunded128(d)],
    ['ic0_msg_cycles_accept128', 'update', (i, d) => i.msg_cycles_accept128(0n, 1n, d)],
    ['ic0_cycles_burn128', 'update', (i, d) => i.cycles_burn128(0n, 1n, d)],
    ['ic0_canister_cycle_balance128', 'update', (i, d) => i.canister_cycle_balance128(d)],
    ['ic0_canister_liquid_cycle_balance128', 'update', (i, d) => i.canister_liquid_cycle_balance128(d)],
    ['ic0_mint_cycles_128', 'update', (i, d) => i.mint_cycles128(0n, 1n, d)],
    ['ic0_cost_call', 'update', (i, d) => i.cost_call(1n, 1n, d)],
    ['ic0_cost_create_canister', 'update', (i, d) => i.cost_create_canister(d)],
    ['ic0_cost_http_request', 'update', (i, d) => i.cost_http_request(1n, 1n, d)],
    ['ic0_cost_sign_with_ecdsa', 'update', (i, d) => i.cost_sign_with_ecdsa(AT.key, 5, 0, d)],
  ];
  for (const [method, kind, call] of cases) {
    test(method, () => {
      assert.equal(violation(() => call(fresh(kind), HEAP - 15)),
        `${method} failed because dst + size is out of bounds.Found dst = ${HEAP - 15} and size = 16 while must be <= ${HEAP}`);
      call(fresh(kind), HEAP - 16);
    });
  }
});

describe('stable memory out of bounds', () => {
  test('stable first, then heap; both are Wasm-style traps', () => {
    const ic0 = fresh('update'); // 1 page of stable memory
    assert.deepEqual(trapOf(() => ic0.stable64_read(0n, 65_536n, 1n)), { kind: 'Trapped', trapCode: TrapCode.StableMemoryOutOfBounds });
    assert.deepEqual(trapOf(() => ic0.stable64_read(BigInt(HEAP), 65_536n, 1n)), { kind: 'Trapped', trapCode: TrapCode.StableMemoryOutOfBounds });
    assert.deepEqual(trapOf(() => ic0.stable64_read(BigInt(HEAP), 0n, 1n)), { kind: 'Trapped', trapCode: TrapCode.HeapOutOfBounds });
    assert.deepEqual(trapOf(() => ic0.stable64_write(65_535n, 0n, 2n)), { kind: 'Trapped', trapCode: TrapCode.StableMemoryOutOfBounds });
    assert.deepEqual(trapOf(() => ic0.stable64_write(0n, BigInt(HEAP - 1), 2n)), { kind: 'Trapped', trapCode: TrapCode.HeapOutOfBounds });
    assert.deepEqual(trapOf(() => ic0.stable_read(0, 65_536, 1)), { kind: 'Trapped', trapCode: TrapCode.StableMemoryOutOfBounds });
    assert.deepEqual(trapOf(() => ic0.stable_write(0, HEAP, 1)), { kind: 'Trapped', trapCode: TrapCode.HeapOutOfBounds });
    assert.deepEqual(trapOf(() => ic0.stable64_write((1n << 64n) - 1n, 0n, 2n)), { kind: 'Trapped', trapCode: TrapCode.StableMemoryOutOfBounds });
  });
});
