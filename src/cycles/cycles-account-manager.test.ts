// The fee schedule and the prepay → execute → refund protocol, each expected
// value computed by hand from the 13-node application fee table:
//   per message 5,000,000; per 10 instructions 10 (Wasm64: 20); xnet call
//   260,000; per request byte 1,000; ingress 1,200,000 + 2,000 per byte;
//   storage 317,500 per GiB per second; base fee 10,000 per second;
//   compute 10,000,000 per percent per second; MAX_INTER_CANISTER_PAYLOAD 2 MiB.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CanisterId, drainsReservedBalance } from '../types/index.ts';
import { ErrorCode } from '../errors/index.ts';
import { CyclesAccountManager, outOfCyclesMessage, outOfCyclesUserError } from './index.ts';
import type { CyclesAccount, CyclesUseCase, DebitableCyclesAccount } from './index.ts';

const GiB = 1n << 30n;
const ID = CanisterId.fromU64(7n);
const NONE = { memoryUsage: 0n, messageMemoryUsage: 0n };

/** A bare account with the semantics of `SystemState` (reserved balance drained first by resource charges). */
class Account implements DebitableCyclesAccount {
  readonly canisterId = ID;
  balance: bigint;
  reservedBalance = 0n;
  freezeThreshold = 30n * 86_400n;
  memoryAllocation = 0n;
  computeAllocation = 0n;
  postponed = 0n;
  constructor(balance: bigint) { this.balance = balance; }
  get debitedBalance(): bigint { return this.balance - this.postponed; }
  addPostponedCharge(charge: bigint): void { this.postponed += charge; }
  /** Consumed by use case, net of refunds (as `SystemState` counts them). */
  readonly consumed = new Map<CyclesUseCase, bigint>();
  addCycles(amount: bigint, refundOf: CyclesUseCase = 'nonConsumed'): void {
    this.balance += amount;
    if (refundOf !== 'nonConsumed') this.consumed.set(refundOf, (this.consumed.get(refundOf) ?? 0n) - amount);
  }
  removeCycles(amount: bigint, useCase: CyclesUseCase = 'nonConsumed'): void {
    if (useCase !== 'nonConsumed') this.consumed.set(useCase, (this.consumed.get(useCase) ?? 0n) + amount);
    let rest = amount;
    if (drainsReservedBalance(useCase)) {
      const fromReserved = rest < this.reservedBalance ? rest : this.reservedBalance;
      this.reservedBalance -= fromReserved;
      rest -= fromReserved;
    }
    this.balance = this.balance > rest ? this.balance - rest : 0n;
  }
}

const cam = new CyclesAccountManager();
const cam34 = new CyclesAccountManager({ subnetSize: 34 });

describe('fees at the reference size and scaled', () => {
  test('execution cost: 5M per message + 1 cycle per instruction; Wasm64 pays 2 per instruction', () => {
    assert.equal(cam.executionCost(1_000n), 5_001_000n);
    assert.equal(cam.executionCost(1_000n, true), 5_002_000n);
    assert.equal(cam.executionCost(40_000_000_000n), 40_005_000_000n);
  });

  test('a 34-node subnet pays 34/13 of it, rounded down', () => {
    // 5,001,000 × 34 / 13 = 170,034,000 / 13 = 13,079,538.46…
    assert.equal(cam34.executionCost(1_000n), 13_079_538n);
  });

  test('ingress induction: 1.2M + 2,000 per signed byte', () => {
    assert.equal(cam.ingressInductionCost(100n), 1_400_000n);
    // 1,400,000 × 34 / 13 = 3,661,538.46…
    assert.equal(cam34.ingressInductionCost(100n), 3_661_538n);
  });

  test('call_perform: call fee + request bytes + largest response + longest callback', () => {
    const response = 1_000n * 2_097_152n; // 2,097,152,000
    assert.equal(cam.prepaymentForResponseTransmission(), response);
    assert.equal(cam.prepaymentForResponseExecution(), 40_005_000_000n);
    assert.equal(cam.xnetTotalTransmissionFee(10n), 260_000n + 10_000n + response);
    assert.equal(cam.xnetCallTotalFee(10n), 42_102_422_000n);
    // ic0.cost_call is quoted at the reference size whatever the subnet's size.
    assert.equal(cam34.xnetCallTotalFee(10n), 42_102_422_000n);
  });

  test('a response gives back the transmission prepayment it did not use', () => {
    assert.equal(cam.refundForResponseTransmission(100n, 2_097_152_000n), 2_097_052_000n);
    assert.equal(cam.refundForResponseTransmission(3_000_000n, 2_097_152_000n), 0n);
  });

  test('the freezing threshold of 1 GiB for 30 days: storage and the base fee', () => {
    const a = new Account(0n);
    // (317,500 + 10,000) × 86,400 × 30 = 848,880,000,000
    assert.equal(cam.freezeThreshold(a, { memoryUsage: GiB, messageMemoryUsage: 0n }), 848_880_000_000n);
    a.computeAllocation = 1n;
    // + 10,000,000 × 86,400 × 30 = 25,920,000,000,000
    assert.equal(cam.freezeThreshold(a, { memoryUsage: GiB, messageMemoryUsage: 0n }), 848_880_000_000n + 25_920_000_000_000n);
  });
});

describe('prepay → execute → refund', () => {
  test('prepays the message limit and refunds the instructions left, keeping the 5M fee', () => {
    const a = new Account(100_000_000_000n);
    const r = cam.prepayExecutionCycles(a, NONE, 40_000_000_000n, { revealTopUp: true });
    assert.deepEqual(r, { ok: true, prepaid: 40_005_000_000n });
    assert.equal(a.balance, 59_995_000_000n);
    const used = 1_234_567n;
    const refunded = cam.refundUnusedExecutionCycles(a, 40_000_000_000n - used, 40_000_000_000n, 40_005_000_000n);
    assert.equal(refunded, 39_998_765_433n);
    assert.equal(a.balance, 100_000_000_000n - 5_000_000n - used);
  });

  test('the refund never exceeds the prepayment, nor counts more instructions than charged', () => {
    const a = new Account(0n);
    assert.equal(cam.refundUnusedExecutionCycles(a, 50n, 100n, 20n), 20n);
    assert.equal(cam.refundUnusedExecutionCycles(a, 500n, 100n, 1_000n), 100n);
  });

  test('an out-of-cycles canister is charged nothing and told how much is missing', () => {
    const a = new Account(1_000_000_000n);
    const r = cam.prepayExecutionCycles(a, NONE, 40_000_000_000n, { revealTopUp: true });
    assert.equal(r.ok, false);
    assert.equal(a.balance, 1_000_000_000n);
    if (r.ok) return;
    assert.equal(outOfCyclesMessage(r.error), `Canister ${ID.toText()} is out of cycles: please top up the canister with at least 39_005_000_000 additional cycles`);
    assert.equal(outOfCyclesMessage({ ...r.error, revealTopUp: false }), `Canister ${ID.toText()} is out of cycles`);
    assert.equal(outOfCyclesUserError(r.error).code, ErrorCode.CanisterOutOfCycles);
  });

  test('the prepayment must fit above the freezing threshold', () => {
    const usage = { memoryUsage: GiB, messageMemoryUsage: 0n };
    const a = new Account(848_880_000_000n + 5_000_999n);
    assert.equal(cam.prepayExecutionCycles(a, usage, 1_000n, { revealTopUp: false }).ok, false);
    a.balance += 1n;
    assert.equal(cam.prepayExecutionCycles(a, usage, 1_000n, { revealTopUp: false }).ok, true);
    assert.equal(a.balance, 848_880_000_000n);
  });
});

describe('ingress induction and periodic charges', () => {
  test('ingress is charged at once, or postponed while a long execution is paused', () => {
    const a = new Account(10_000_000n);
    assert.equal(cam.chargeIngressInductionCost(a, NONE, 1_400_000n, { hasPausedExecution: false, revealTopUp: false }), undefined);
    assert.equal(a.balance, 8_600_000n);
    assert.equal(cam.chargeIngressInductionCost(a, NONE, 1_400_000n, { hasPausedExecution: true, revealTopUp: false }), undefined);
    assert.equal(a.balance, 8_600_000n);
    assert.equal(a.debitedBalance, 7_200_000n);
    assert.notEqual(cam.chargeIngressInductionCost(a, NONE, 8_000_000n, { hasPausedExecution: true, revealTopUp: false }), undefined);
  });

  test('10 s of 1 GiB and 10% compute: storage, compute and base fee, reserved cycles first', () => {
    const a: Account = new Account(2_000_000_000n);
    a.computeAllocation = 10n;
    a.reservedBalance = 1_000_000n;
    const usage = { memoryUsage: GiB, messageMemoryUsage: 0n };
    // storage 317,500 × 10 = 3,175,000; compute 10,000,000 × 10 × 10 = 1,000,000,000; base 10,000 × 10 = 100,000
    assert.equal(cam.chargeForResources(a, usage, 10n), undefined);
    assert.equal(a.reservedBalance, 0n);
    assert.equal(a.balance, 2_000_000_000n - (3_175_000n + 1_000_000_000n + 100_000n - 1_000_000n));
  });

  test('an uninstall for lack of cycles burns the balance and the reserved cycles', () => {
    const a = new Account(7_000n);
    a.reservedBalance = 3_000n;
    assert.equal(cam.burnRemainingBalanceForUninstall(a), 10_000n);
    assert.deepEqual([a.balance, a.reservedBalance], [0n, 0n]);
  });

  test('resource charges go down to zero, then fail', () => {
    const a: CyclesAccount & { balance: bigint } = new Account(3_000_000n);
    const err = cam.chargeForResources(a, { memoryUsage: GiB, messageMemoryUsage: 0n }, 10n);
    assert.equal(err?.requested, 3_175_000n);
    assert.equal(a.balance, 3_000_000n);
    assert.equal(cam.chargeForResources(a, { memoryUsage: GiB / 2n, messageMemoryUsage: 0n }, 10n), undefined);
    assert.equal(a.balance, 3_000_000n - 1_587_500n - 100_000n);
  });
});

describe('every charge and refund names its use case (canister_metrics)', () => {
  test('execution: the prepayment less the refund, i.e. the 5M fee and the instructions used', () => {
    const a = new Account(100_000_000_000n);
    cam.prepayExecutionCycles(a, NONE, 40_000_000_000n, { revealTopUp: true });
    assert.equal(a.consumed.get('instructions'), 40_005_000_000n);
    cam.refundUnusedExecutionCycles(a, 40_000_000_000n - 1_234_567n, 40_000_000_000n, 40_005_000_000n);
    assert.deepEqual([...a.consumed], [['instructions', 5_000_000n + 1_234_567n]]);
  });

  test('ingress induction, resources, uninstall, and the unused response transmission given back', () => {
    const a = new Account(3_000_000_000n);
    cam.chargeIngressInductionCost(a, NONE, 1_400_000n, { hasPausedExecution: false, revealTopUp: false });
    assert.equal(cam.consumeCycles(a, NONE, 7n, false, 'instructions'), undefined);
    a.computeAllocation = 10n;
    cam.chargeForResources(a, { memoryUsage: GiB, messageMemoryUsage: 0n }, 10n);
    // The transmission prepayment left with the request (System API); a 100-byte response gives back 2,097,052,000 of 2,097,152,000.
    a.removeCycles(2_097_152_000n, 'requestAndResponseTransmission');
    assert.equal(cam.refundUnusedResponseTransmission(a, 100n, 2_097_152_000n), 2_097_052_000n);
    const left = a.balance;
    cam.burnRemainingBalanceForUninstall(a);
    assert.deepEqual(Object.fromEntries(a.consumed), {
      ingressInduction: 1_400_000n,
      memory: 3_175_000n + 100_000n, // storage and the base fee
      computeAllocation: 1_000_000_000n,
      instructions: 7n,
      requestAndResponseTransmission: 100_000n,
      uninstall: left,
    });
  });
});
