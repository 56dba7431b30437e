// Every import charges `SystemApiOverhead[name]` plus its byte charge before
// acting, and runs out of instructions exactly when the counter would go
// negative.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { IC0_IMPORTS, SystemApiOverhead, type Ic0ImportName } from '../config/index.ts';
import { API_TYPE_KINDS } from './api-type.ts';
import { AVAILABILITY, CONTEXT_CODE } from './availability.ts';
import { START, prepareValid, session, trapOf } from './test-support.ts';

/** Bytes charged on top of the overhead for the arguments in `VALID_ARGS`. */
const BYTES: Partial<Record<Ic0ImportName, bigint>> = {
  msg_arg_data_copy: 1n,
  msg_reject_msg_copy: 2n,
  msg_reply_data_append: 5n * 50n,
  msg_reject: 5n * 50n,
  call_data_append: 5n * 50n,
  canister_self_copy: 10n,
  subnet_self_copy: 29n,
  msg_method_name_copy: 5n,
  call_new: 10n + 3n,
  stable64_write: 5n + 1_000n, // one newly dirtied page
  stable64_read: 5n,
  stable_write: 5n + 1_000n,
  stable_read: 5n,
  root_key_copy: 133n,
  certified_data_set: 5n,
  data_certificate_copy: 5n,
  is_controller: 5n,
  cost_sign_with_ecdsa: 5n,
  cost_sign_with_schnorr: 5n,
  cost_vetkd_derive_key: 5n,
  env_var_name_copy: 1n,
  env_var_value_copy: 1n,
  debug_print: 2n * 5n + 50n * 5n, // logging: 2 × allocated + 50 × transmitted
  trap: 5n + 2n * 5n + 50n * 5n,
};

describe('charges', () => {
  for (const name of IC0_IMPORTS) {
    const kind = API_TYPE_KINDS.find((k) => AVAILABILITY[name].has(CONTEXT_CODE[k]));
    if (kind === undefined) continue;
    test(`ic0.${name} charges overhead + bytes`, () => {
      const { s, call } = prepareValid(name, kind);
      const before = s.api.getCounter();
      try {
        call();
      } catch {
        // `trap` always traps; it still charged.
      }
      assert.equal(before - s.api.getCounter(), SystemApiOverhead[name] + (BYTES[name] ?? 0n));
    });
  }

  test('the charge comes before the context check (as in the replica)', () => {
    const s = session('start');
    trapOf(() => s.ic0.msg_reply());
    assert.equal(START - s.api.getCounter(), 500n);
  });

  test('a counter reaching exactly 0 is fine; one instruction short is out of instructions', () => {
    const s = session('update');
    s.api.setCounter(500n);
    s.ic0.time();
    assert.equal(s.api.getCounter(), 0n);
    s.api.setCounter(499n);
    assert.deepEqual(trapOf(() => s.ic0.time()), { kind: 'OutOfInstructions', limit: START });
    assert.equal(s.api.getCounter(), -1n);
  });

  test('a negative counter on entry is out of instructions before anything happens', () => {
    const s = session('update');
    s.api.setCounter(-5n);
    assert.equal(trapOf(() => s.ic0.msg_reply()).kind, 'OutOfInstructions');
    assert.equal(s.api.exec.status, 'notReplied');
  });

  test('a huge size is charged exactly and runs out of instructions before any bounds check', () => {
    const s = session('update');
    s.api.setCounter(1_000_000n);
    assert.equal(trapOf(() => s.ic0.msg_arg_data_copy(0, 0, -1)).kind, 'OutOfInstructions');
    assert.equal(s.api.getCounter(), 1_000_000n - 500n - 0xffff_ffffn);
  });

  test('debug_print charges the printed bytes too when printing is on', () => {
    const s = session('update', { params: { debugPrintEnabled: true } });
    s.ic0.debug_print(0, 10);
    assert.equal(START - s.api.getCounter(), 100n + 10n + 2n * 10n + 50n * 10n);
  });

  test('the logging charge shrinks as the log fills', () => {
    const s = session('update', { state: { logCapacity: 100 } });
    s.ic0.debug_print(0, 50); // 2×50 + 50×50; the record takes 90 bytes, 10 remain
    const after1 = s.api.getCounter();
    assert.equal(START - after1, 100n + 100n + 2_500n);
    s.ic0.debug_print(0, 50); // 2×50 + 50×10
    assert.equal(after1 - s.api.getCounter(), 100n + 100n + 500n);
  });

  test('performance_counter type 0 counts the instructions of this message, its own charge included', () => {
    const s = session('update', { params: { instructionsExecutedBeforeSlice: 1_000n } });
    s.api.setCounter(START - 300n);
    assert.equal(s.ic0.performance_counter(0), 1_000n + 300n + 200n);
    const cb = session('replyCallback');
    assert.equal(cb.ic0.performance_counter(1), 77n + 200n);
    assert.deepEqual(trapOf(() => cb.ic0.performance_counter(2)), {
      kind: 'ContractViolation', message: 'Error getting performance counter type 2', suggestion: '', docAnchor: '',
    });
  });

  test('startSlice books the finished slice', () => {
    const s = session('update', { params: { sliceInstructionLimit: 1_000n } });
    s.api.setCounter(-10n);
    s.api.startSlice(2_000n);
    assert.equal(s.api.getCounter(), 2_000n);
    assert.equal(s.api.instructionsExecuted(), 1_010n);
  });
});
