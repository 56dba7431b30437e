import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  APPLICATION_SUBNET_FEES as APP,
  SYSTEM_SUBNET_FEES as SYS,
  NativeStableMemoryOverhead,
  SystemApiOverhead,
  WASM64_INSTRUCTION_COST_OVERHEAD,
} from './cost-schedule.ts';
import { IC0_IMPORTS, IC0_SPEC_IMPORTS } from './ic0-imports.ts';

describe('SystemApiOverhead', () => {
  test('every ic0 import has an overhead, and nothing else does', () => {
    for (const name of IC0_IMPORTS) {
      assert.equal(typeof SystemApiOverhead[name], 'bigint', `${name} has no overhead`);
    }
    assert.deepEqual(Object.keys(SystemApiOverhead).sort(), [...IC0_IMPORTS].sort());
  });

  test('import names are unique', () => {
    assert.equal(new Set(IC0_IMPORTS).size, IC0_IMPORTS.length);
  });

  test('spec imports all cost something; the well-known ones cost what the replica charges', () => {
    for (const name of IC0_SPEC_IMPORTS) assert.ok(SystemApiOverhead[name] > 0n, name);
    assert.equal(SystemApiOverhead.call_new, 1_500n);
    assert.equal(SystemApiOverhead.call_perform, 5_000n);
    assert.equal(SystemApiOverhead.is_controller, 1_000n);
    assert.equal(SystemApiOverhead.performance_counter, 200n);
    assert.equal(SystemApiOverhead.debug_print, 100n);
    assert.equal(SystemApiOverhead.stable64_read, 20n);
    assert.equal(SystemApiOverhead.msg_caller_copy, 500n);
    assert.equal(SystemApiOverhead.cost_http_request_v2, 10_000n);
  });

  test('32- and 64-bit stable APIs cost the same', () => {
    assert.equal(SystemApiOverhead.stable_read, SystemApiOverhead.stable64_read);
    assert.equal(SystemApiOverhead.stable_write, SystemApiOverhead.stable64_write);
    assert.equal(SystemApiOverhead.stable_grow, SystemApiOverhead.stable64_grow);
    assert.equal(NativeStableMemoryOverhead.stable_grow, 100n);
  });
});

describe('fees', () => {
  test('13-node application subnet reference values', () => {
    assert.equal(APP.referenceSubnetSize, 13n);
    assert.equal(APP.canisterCreationFee, 500_000_000_000n);
    assert.equal(APP.updateMessageExecutionFee, 5_000_000n);
    assert.equal(APP.tenUpdateInstructionsExecutionFee, 10n);
    assert.equal(APP.xnetCallFee, 260_000n);
    assert.equal(APP.xnetByteTransmissionFee, 1_000n);
    assert.equal(APP.ingressMessageReceptionFee, 1_200_000n);
    assert.equal(APP.ingressByteReceptionFee, 2_000n);
    assert.equal(APP.ecdsaSignatureFee, 10_000_000_000n);
    assert.equal(APP.defaultReservedBalanceLimit, 5_000_000_000_000n);
  });

  test('Wasm64 pays twice the per-instruction fee', () => {
    assert.equal(APP.tenUpdateInstructionsExecutionFeeWasm64, APP.tenUpdateInstructionsExecutionFee * WASM64_INSTRUCTION_COST_OVERHEAD);
  });

  test('an update costs 5M + 1 cycle per instruction: 40B instructions cost 40.005B cycles', () => {
    const executionCost = APP.updateMessageExecutionFee + (APP.tenUpdateInstructionsExecutionFee * 40_000_000_000n) / 10n;
    assert.equal(executionCost, 40_005_000_000n);
  });

  test('HTTP outcall baseline on 13 nodes is 49.14M', () => {
    const nodes = APP.referenceSubnetSize;
    const baseline = (APP.httpRequestLinearBaselineFee + APP.httpRequestQuadraticBaselineFee * nodes) * nodes;
    assert.equal(baseline, 49_140_000n);
  });

  test('system subnets are free except threshold signatures', () => {
    for (const [key, value] of Object.entries(SYS)) {
      if (key === 'referenceSubnetSize' || key === 'durationBetweenAllocationChargesSeconds') continue;
      if (key === 'ecdsaSignatureFee' || key === 'schnorrSignatureFee' || key === 'vetkdFee' || key === 'defaultReservedBalanceLimit') {
        assert.equal(value, APP[key], key);
      } else {
        assert.equal(value, 0n, `${key} should be free on system subnets`);
      }
    }
  });
});
