// Freezing threshold, the canister log buffer, environment-variable order,
// and the Candid parameters of cost_http_request_v2.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { APPLICATION_SUBNET_FEES, SYSTEM_SUBNET_FEES } from '../config/index.ts';
import { CanisterLogDelta } from './canister-log.ts';
import { candidHash, decodeCostHttpRequestV2Params, encodeCostHttpRequestV2Params } from './candid-params.ts';
import { freezeThresholdCycles, idleCyclesBurnedRatePerDay } from '../cycles/index.ts';
import { SandboxSafeSystemState } from './system-state.ts';
import { stateInit } from './test-support.ts';

const GiB = 1n << 30n;
const base = {
  fees: APPLICATION_SUBNET_FEES, subnetSize: 13n, freezeThresholdSeconds: 2_592_000n, memoryAllocation: 0n,
  memoryUsage: 0n, messageMemoryUsage: 0n, computeAllocation: 0n, reservedBalance: 0n,
};

describe('freezing threshold', () => {
  test('an empty canister has none', () => {
    assert.equal(freezeThresholdCycles(base), 0n);
  });

  test('memory, message memory, compute allocation and the base fee add up per day', () => {
    const rate = idleCyclesBurnedRatePerDay({ ...base, memoryUsage: GiB, messageMemoryUsage: GiB / 2n, computeAllocation: 3n });
    assert.equal(rate, 317_500n * 86_400n + (317_500n * 86_400n) / 2n + 10_000_000n * 86_400n * 3n + 10_000n * 86_400n);
  });

  test('a memory allocation counts instead of a smaller usage; scaled by subnet size; minus reserved cycles', () => {
    const t13 = freezeThresholdCycles({ ...base, memoryAllocation: 2n * GiB, memoryUsage: GiB });
    assert.equal(t13, (2n * 317_500n * 86_400n + 10_000n * 86_400n) * 30n);
    assert.equal(freezeThresholdCycles({ ...base, memoryAllocation: 2n * GiB, subnetSize: 26n }), 2n * t13);
    assert.equal(freezeThresholdCycles({ ...base, memoryAllocation: 2n * GiB, reservedBalance: t13 + 1n }), 0n);
  });

  test('system subnets charge nothing', () => {
    assert.equal(freezeThresholdCycles({ ...base, fees: SYSTEM_SUBNET_FEES, memoryUsage: GiB, computeAllocation: 50n }), 0n);
  });
});

describe('canister log', () => {
  test('records count 40 bytes plus content; the oldest go first; indices continue', () => {
    const log = new CanisterLogDelta(10n, 200);
    log.add(1n, new Uint8Array(60)); // 100 bytes
    log.add(2n, new Uint8Array(60)); // 200
    assert.equal(log.remainingBytes, 0);
    log.add(3n, new Uint8Array(10)); // drops the first
    assert.deepEqual(log.records.map((r) => r.idx), [11n, 12n]);
    assert.equal(log.nextIdx, 13n);
  });

  test('one record is cut to the capacity', () => {
    const log = new CanisterLogDelta(0n, 4_096);
    log.add(0n, new Uint8Array(10_000));
    assert.equal(log.records[0]?.content.length, 4_056);
    assert.equal(log.remainingBytes, 0);
    assert.equal(log.chargeBytes(100n), 200n);
  });
});

describe('system state', () => {
  test('environment variables are ordered by the UTF-8 bytes of their names', () => {
    const s = new SandboxSafeSystemState(stateInit({ environmentVariables: new Map([['\u{1F600}', 'a'], ['\uFF21', 'b'], ['Z', 'c']]) }));
    assert.deepEqual(s.environmentVariables.map(([k]) => k), ['Z', '\uFF21', '\u{1F600}']);
  });
});

describe('cost_http_request_v2 parameters', () => {
  const p = { requestBytes: 1n, httpRoundtripTimeMs: 2n, rawResponseBytes: 3n, transformedResponseBytes: 4n, transformInstructions: (1n << 64n) - 1n };

  test('round-trip, and the field ids are Candid hashes', () => {
    assert.deepEqual(decodeCostHttpRequestV2Params(encodeCostHttpRequestV2Params(p)), p);
    assert.equal(candidHash('a'), 97);
    assert.equal(candidHash('ab'), (97 * 223 + 98) >>> 0);
  });

  test('anything else is an error', () => {
    const bytes = encodeCostHttpRequestV2Params(p);
    assert.equal(typeof decodeCostHttpRequestV2Params(bytes.subarray(0, bytes.length - 1)), 'string');
    assert.equal(typeof decodeCostHttpRequestV2Params(Uint8Array.of(...bytes, 0)), 'string');
    assert.equal(decodeCostHttpRequestV2Params(Uint8Array.of(0x44, 0x49, 0x44, 0x4d)), 'wrong magic number');
  });
});
