// Building and performing outgoing calls.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AT, BALANCE, OTHER_CANISTER, TIME, layout, session, trapOf, violation } from './test-support.ts';

const MiB = 1 << 20;
// xnet_call_fee + 1,000 × (3 + 5) bytes + 1,000 × 2 MiB response prepayment
// + execution_cost(40B) = 5M + 40B, all at 13/13 nodes.
const FEE_FOO_HELLO = 260_000n + 8_000n + 2_097_152_000n + 40_005_000_000n;

function building(kind: 'update' | 'systemTask' = 'update', state = {}) {
  const s = session(kind, { state });
  layout(s.heap);
  s.ic0.call_new(AT.callee, 10, AT.name, 3, 1, 11, 2, 22);
  return s;
}

describe('call_new … call_perform', () => {
  test('a performed call is queued with its closures, payload, cycles and prepayments', () => {
    const s = building();
    s.ic0.call_data_append(AT.text, 5);
    s.ic0.call_on_cleanup(3, 33);
    s.ic0.call_cycles_add128(0n, 1_000n);
    assert.equal(s.ic0.call_perform(), 0);
    const m = s.api.takeResult().modifications;
    assert.equal(m.requests.length, 1);
    const r = m.requests[0];
    assert.ok(r !== undefined);
    assert.ok(r.receiver.equals(OTHER_CANISTER));
    assert.equal(r.methodName, 'foo');
    assert.equal(new TextDecoder().decode(r.payload), 'hello');
    assert.equal(r.cycles, 1_000n);
    assert.deepEqual([r.onReply, r.onReject, r.onCleanup], [{ fun: 1, env: 11n }, { fun: 2, env: 22n }, { fun: 3, env: 33n }]);
    assert.equal(r.callbackId, 1n);
    assert.equal(r.callContextId, 5n);
    assert.equal(r.deadline, 0n);
    assert.equal(r.prepaymentForResponseTransmission, 2_097_152_000n);
    assert.equal(r.prepaymentForResponseExecution, 40_005_000_000n);
    assert.equal(m.requestFees, FEE_FOO_HELLO);
    assert.equal(m.balanceChange, -(1_000n + FEE_FOO_HELLO));
  });

  test('call_new drops a call under construction and refunds its cycles', () => {
    const s = building();
    s.ic0.call_cycles_add128(0n, 5_000n);
    assert.equal(s.api.systemState.balance, BALANCE - 5_000n);
    s.ic0.call_new(AT.callee, 10, AT.name, 3, 0, 0, 0, 0);
    assert.equal(s.api.systemState.balance, BALANCE);
    assert.equal(s.api.exec.outgoing?.cycles, 0n);
  });

  test('a call never performed is refunded when the execution ends', () => {
    const s = building();
    s.ic0.call_cycles_add(700n);
    const m = s.api.takeResult().modifications;
    assert.equal(m.balanceChange, 0n);
    assert.equal(m.requests.length, 0);
  });

  test('method names are limited to 20,000 bytes; callees to 29', () => {
    const s = session('update');
    s.memory.grow(1);
    assert.deepEqual(trapOf(() => s.ic0.call_new(0, 0, 0, 20_001, 0, 0, 0, 0)), {
      kind: 'ContractViolation',
      message: 'Size of method_name 20001 exceeds the allowed limit of 20000.',
      suggestion: 'Size of method_name {} exceeds the allowed limit of {}.',
      docAnchor: 'canister-made-a-call-with-too-large-method-name',
    });
    s.ic0.call_new(0, 0, 0, 20_000, 0, 0, 0, 0); // the management canister, a long name
    assert.equal(trapOf(() => s.ic0.call_new(0, 30, 0, 1, 0, 0, 0, 0)).kind, 'InvalidPrincipalId');
  });

  test('method name + argument are limited to 10 MiB', () => {
    const s = building();
    s.memory.grow(170);
    s.ic0.call_data_append(0, 10 * MiB - 3);
    assert.deepEqual(trapOf(() => s.ic0.call_data_append(0, 1)), {
      kind: 'ContractViolation',
      message: `Request to ${OTHER_CANISTER.toText()}:foo has a payload size of 10485761, which exceeds the allowed limit of 10485760.`,
      suggestion: 'Check the canister for errors or redesign the target API to allow shorter messages',
      docAnchor: 'canister-made-a-call-with-too-large-payload',
    });
  });

  test('each building step needs a call under construction', () => {
    const s = session('update');
    assert.equal(violation(() => s.ic0.call_data_append(0, 0)), 'ic0.call_data_append called when no call is under construction.');
    assert.equal(violation(() => s.ic0.call_on_cleanup(0, 0)), 'ic0.call_on_cleanup called when no call is under construction.');
    assert.equal(violation(() => s.ic0.call_with_best_effort_response(1)), 'ic0.call_with_best_effort_response called when no call is under construction.');
    assert.equal(violation(() => s.ic0.call_cycles_add128(0n, 1n)), 'ic0_call_cycles_add128 called when no call is under construction.');
    assert.equal(violation(() => s.ic0.call_cycles_add(1n)), 'ic0_call_cycles_add called when no call is under construction.');
    assert.equal(violation(() => s.ic0.call_perform()), 'ic0.call_perform called when no call is under construction.');
  });

  test('call_on_cleanup and call_with_best_effort_response at most once', () => {
    const s = building();
    s.ic0.call_on_cleanup(1, 1);
    assert.equal(violation(() => s.ic0.call_on_cleanup(1, 1)),
      'ic0.call_on_cleanup can be called at most once between `ic0.call_new` and `ic0.call_perform`');
    s.ic0.call_with_best_effort_response(10);
    assert.equal(violation(() => s.ic0.call_with_best_effort_response(10)),
      'ic0_call_with_best_effort_response failed because a timeout is already set.');
  });

  test('a best-effort timeout is capped at 300 s; the deadline is rounded down to seconds', () => {
    const s = building();
    s.ic0.call_with_best_effort_response(-1); // u32::MAX seconds
    assert.equal(s.ic0.call_perform(), 0);
    const r = s.api.takeResult().modifications.requests[0];
    assert.equal(r?.deadline, (TIME / 1_000_000_000n + 300n) * 1_000_000_000n);
  });

  test('call_cycles_add128 may not take the canister below its freezing threshold', () => {
    const s = building('update', { balance: 1_000n });
    s.ic0.call_cycles_add128(0n, 1_000n);
    const e = trapOf(() => s.ic0.call_cycles_add128(0n, 1n));
    assert.equal(e.kind, 'InsufficientCyclesBalance');
    assert.ok(e.kind === 'InsufficientCyclesBalance' && e.requested === 1n && e.available === 0n && !e.revealTopUp);
  });

  test('call_perform returns 2 and refunds the attached cycles when the fee cannot be paid', () => {
    const s = building('update', { balance: FEE_FOO_HELLO });
    s.ic0.call_data_append(AT.text, 5);
    s.ic0.call_cycles_add128(0n, 1n);
    assert.equal(s.ic0.call_perform(), 2);
    const m = s.api.takeResult().modifications;
    assert.equal(m.requests.length, 0);
    assert.equal(m.balanceChange, 0n);
    const ok = building('update', { balance: FEE_FOO_HELLO });
    ok.ic0.call_data_append(AT.text, 5);
    assert.equal(ok.ic0.call_perform(), 0);
  });

  test('call_perform returns 2 when the queue is full or no callback is left', () => {
    const full = building('update', { requestSlots: new Map([[OTHER_CANISTER.toText(), 1]]) });
    assert.equal(full.ic0.call_perform(), 0);
    full.ic0.call_new(AT.callee, 10, AT.name, 3, 0, 0, 0, 0);
    assert.equal(full.ic0.call_perform(), 2);
    const none = building('systemTask', { availableCallbacks: 0 });
    assert.equal(none.ic0.call_perform(), 2);
  });

  test('a trap discards queued requests', () => {
    const s = building();
    assert.equal(s.ic0.call_perform(), 0);
    const r = s.api.takeResult({ kind: 'CalledTrap', message: 'x' });
    assert.equal(r.modifications.requests.length, 0);
    assert.equal(r.modifications.balanceChange, 0n);
  });
});
