// Cycles: accepting, refunds, burning, balances, the 64-bit forms, minting.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TrapCode } from '../errors/index.ts';
import { cycles } from '../types/index.ts';
import { BALANCE, OTHER_CANISTER, apiTypeOf, readU128, session, trapOf, violation } from './test-support.ts';

const GiB = 1n << 30n;

describe('msg_cycles_*', () => {
  test('accept takes min(max, available); available drops accordingly; never traps', () => {
    const s = session('update');
    s.ic0.msg_cycles_available128(0);
    assert.equal(readU128(s.heap, 0), 1_000n);
    s.ic0.msg_cycles_accept128(0n, 300n, 16);
    assert.equal(readU128(s.heap, 16), 300n);
    s.ic0.msg_cycles_accept128(1n, 0n, 32); // 2^64 asked, 700 left
    assert.equal(readU128(s.heap, 32), 700n);
    s.ic0.msg_cycles_available128(0);
    assert.equal(readU128(s.heap, 0), 0n);
    s.ic0.msg_cycles_accept128(0n, 5n, 48);
    assert.equal(readU128(s.heap, 48), 0n);
    const m = s.api.takeResult().modifications;
    assert.equal(m.cyclesAccepted, 1_000n);
    assert.equal(m.balanceChange, 1_000n);
  });

  test('replying does not zero the available cycles within the same execution (replica behaviour)', () => {
    const s = session('update');
    s.ic0.msg_reply();
    assert.equal(s.ic0.msg_cycles_accept(400n), 400n);
    assert.equal(s.ic0.msg_cycles_available(), 600n);
  });

  test('a callback sees the refund and the call context\'s remaining cycles', () => {
    const s = session('replyCallback');
    s.ic0.msg_cycles_refunded128(0);
    assert.equal(readU128(s.heap, 0), 111n);
    assert.equal(s.ic0.msg_cycles_available(), 1_000n);
  });

  test('64-bit forms trap at 2^64 and above', () => {
    const big = session({ ...apiTypeOf('update'), incomingCycles: cycles(1n << 64n) } as never);
    assert.deepEqual(trapOf(() => big.ic0.msg_cycles_available()), { kind: 'Trapped', trapCode: TrapCode.CyclesAmountTooBigFor64Bit });
    assert.equal(big.ic0.msg_cycles_accept(5n), 5n);
    const edge = session({ ...apiTypeOf('update'), incomingCycles: cycles((1n << 64n) - 1n) } as never);
    assert.equal(edge.ic0.msg_cycles_available(), -1n); // u64::MAX, as an i64
    const rich = session('update', { state: { balance: 1n << 64n } });
    assert.deepEqual(trapOf(() => rich.ic0.canister_cycle_balance()), { kind: 'Trapped', trapCode: TrapCode.CyclesAmountTooBigFor64Bit });
  });
});

describe('balances and burning', () => {
  // 1 GiB used, 30-day threshold, 13-node application subnet (2026 fees):
  // per day 1 GiB × 317,500 × 86,400 + base 10,000 × 86,400 = 28,296,000,000; × 30 days.
  const THRESHOLD = 848_880_000_000n;

  test('liquid balance = balance − freezing threshold', () => {
    const s = session('update', { state: { memoryUsage: GiB } });
    s.ic0.canister_liquid_cycle_balance128(0);
    assert.equal(readU128(s.heap, 0), BALANCE - THRESHOLD);
    s.ic0.canister_cycle_balance128(16);
    assert.equal(readU128(s.heap, 16), BALANCE);
  });

  test('cycles_burn128 burns at most the liquid balance', () => {
    const s = session('update', { state: { memoryUsage: GiB, balance: THRESHOLD + 1_000n } });
    s.ic0.cycles_burn128(0n, 300n, 0);
    assert.equal(readU128(s.heap, 0), 300n);
    s.ic0.cycles_burn128(0n, 5_000n, 0);
    assert.equal(readU128(s.heap, 0), 700n);
    assert.equal(s.api.takeResult().modifications.cyclesBurned, 1_000n);
  });

  test('reserved cycles lower the threshold', () => {
    const s = session('update', { state: { memoryUsage: GiB, reservedBalance: THRESHOLD - 1n } });
    s.ic0.canister_liquid_cycle_balance128(0);
    assert.equal(readU128(s.heap, 0), BALANCE - 1n);
  });
});

describe('mint_cycles', () => {
  test('only the cycles minting canister may mint', () => {
    const s = session('update');
    s.ic0.mint_cycles128(0n, 50n, 0);
    assert.equal(readU128(s.heap, 0), 50n);
    assert.equal(s.ic0.mint_cycles(7n), 7n);
    const other = session('update', { state: { canisterId: OTHER_CANISTER } });
    assert.equal(violation(() => other.ic0.mint_cycles128(0n, 50n, 0)),
      `ic0.mint_cycles128 cannot be executed on non Cycles Minting Canister: ${OTHER_CANISTER.toText()} != rkp4c-7iaaa-aaaaa-aaaca-cai`);
  });
});
