import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  APPLICATION_SUBNET_SCHEDULER_CONFIG as APP,
  SYSTEM_SUBNET_SCHEDULER_CONFIG as SYS,
  canisterRoundInstructionBudget,
  subnetConfigFor,
  subnetMessageInstructionBudget,
} from './subnet-config.ts';
import { APPLICATION_SUBNET_FEES, SYSTEM_SUBNET_FEES } from './cost-schedule.ts';
import { MAX_STABLE_MEMORY_IN_BYTES, MAX_WASM64_MEMORY_IN_BYTES, SUBNET_HEAP_DELTA_CAPACITY } from './limits.ts';

const B = 1_000_000_000n;

describe('round budgets', () => {
  test('app subnet canister budget is R - S + 1 = 2B + 1', () => {
    assert.equal(canisterRoundInstructionBudget(APP), 2n * B + 1n);
  });

  test('system subnet canister budget is also 2B + 1', () => {
    assert.equal(canisterRoundInstructionBudget(SYS), 2n * B + 1n);
  });

  test('the round limit is the larger slice plus 2B on both subnet types', () => {
    for (const cfg of [APP, SYS]) {
      const s = cfg.maxInstructionsPerSlice > cfg.maxInstructionsPerInstallCodeSlice
        ? cfg.maxInstructionsPerSlice
        : cfg.maxInstructionsPerInstallCodeSlice;
      assert.equal(cfg.maxInstructionsPerRound, s + 2n * B);
    }
  });

  test('subnet messages get R / 16', () => {
    assert.equal(subnetMessageInstructionBudget(APP), 250_000_000n);
  });
});

describe('scheduler config sanity', () => {
  for (const [name, cfg] of [['application', APP], ['system', SYS]] as const) {
    test(`${name}: slices fit in the round and messages span whole slices`, () => {
      assert.ok(cfg.maxInstructionsPerSlice <= cfg.maxInstructionsPerRound);
      assert.ok(cfg.maxInstructionsPerInstallCodeSlice <= cfg.maxInstructionsPerRound);
      assert.ok(cfg.maxInstructionsPerSlice <= cfg.maxInstructionsPerMessage);
      assert.ok(cfg.maxInstructionsPerInstallCodeSlice <= cfg.maxInstructionsPerInstallCode);
      assert.ok(cfg.maxInstructionsPerQueryMessage <= cfg.maxInstructionsPerMessage);
      // DTS: a full message fits in the replica's 400-slice safety cap.
      assert.ok(cfg.maxInstructionsPerMessage / cfg.maxInstructionsPerSlice <= 400n);
      assert.ok(cfg.schedulerCores > 0 && Number.isInteger(cfg.schedulerCores));
    });
  }

  test('app subnet values of the fact sheet', () => {
    assert.equal(APP.maxInstructionsPerMessage, 40n * B);
    assert.equal(APP.maxInstructionsPerQueryMessage, 5n * B);
    assert.equal(APP.maxInstructionsPerInstallCode, 300n * B);
    assert.equal(APP.instructionOverheadPerExecution, 2_000_000n);
    assert.equal(APP.instructionOverheadPerCanister, 8_000_000n);
    assert.equal(APP.installCodeRateLimit, APP.maxInstructionsPerSlice);
  });

  test('system subnets scale message limits by 10 and switch rate limits off', () => {
    assert.equal(SYS.maxInstructionsPerMessage, 50n * B);
    assert.equal(SYS.maxInstructionsPerInstallCode, 1_000n * B);
    assert.equal(SYS.maxHeapDeltaPerIteration, APP.maxHeapDeltaPerIteration * 10n);
    assert.equal(SYS.heapDeltaInitialReserve, SYS.subnetHeapDeltaCapacity);
    assert.ok(SYS.heapDeltaRateLimit >= 10n ** 15n);
  });

  test('the heap-delta capacity exceeds the largest canister', () => {
    assert.ok(SUBNET_HEAP_DELTA_CAPACITY > MAX_WASM64_MEMORY_IN_BYTES);
    assert.ok(MAX_STABLE_MEMORY_IN_BYTES > SUBNET_HEAP_DELTA_CAPACITY, 'stable memory is disk-backed, not heap delta');
  });
});

describe('subnetConfigFor', () => {
  test('verified application subnets use the application config', () => {
    assert.equal(subnetConfigFor('verified_application').scheduler, APP);
    assert.equal(subnetConfigFor('application').fees, APPLICATION_SUBNET_FEES);
    assert.equal(subnetConfigFor('system').scheduler, SYS);
    assert.equal(subnetConfigFor('system').fees, SYSTEM_SUBNET_FEES);
  });

  test('configs are frozen', () => {
    assert.ok(Object.isFrozen(APP));
    assert.ok(Object.isFrozen(SYS));
  });
});
