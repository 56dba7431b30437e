import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Principal } from '@dfinity/principal';
import { CyclesAccountManager } from '../cycles/index.ts';
import { ErrorCode } from '../errors/index.ts';
import { SystemState } from '../state/index.ts';
import type { CanisterSettingsValue } from './candid.ts';
import { applySettings, boundedVecError, displayBytes, settingsFromCandid, validateSettings } from './settings.ts';
import type { CanisterView, Settings } from './settings.ts';
import { subnetComputeAvailable } from './subnet-resources.ts';
import { DOCS, USER, addCanister, id, newState } from './test-support.ts';

const NONE: CanisterSettingsValue = {
  controllers: [], compute_allocation: [], memory_allocation: [], freezing_threshold: [], reserved_cycles_limit: [],
  minimum_incoming_canister_call_cycles: [], log_visibility: [], log_memory_limit: [], snapshot_visibility: [], status_visibility: [],
  wasm_memory_limit: [], wasm_memory_threshold: [], environment_variables: [],
};
const P = (n: number): Principal => Principal.fromUint8Array(Uint8Array.of(1, n));
const errorOf = (r: { readonly ok: true } | { readonly ok: false; readonly error: { code: number; description: string } }): [number, string] => {
  if (r.ok) throw new Error('expected an error');
  return [r.error.code, r.error.description];
};
const FRESH: CanisterView = {
  memoryUsage: 0n, messageMemoryUsage: 0n, memoryAllocation: 0n, computeAllocation: 0n, freezeThreshold: 2_592_000n,
  balance: 10n ** 13n, reservedBalance: 0n, reservedBalanceLimit: undefined,
};
const subnet = (cores = 4) => ({ state: newState(), cycles: new CyclesAccountManager({ subnetSize: 13 }), schedulerCores: cores });
const env = (n: number) => [...Array(n).keys()].map((i) => ({ name: `V${i}`, value: 'x' }));

describe('settings: decoder bounds', () => {
  it('at most 10 controllers and 10 allowed viewers per visibility', () => {
    const tooMany = 'Deserialize error: The number of elements exceeds maximum allowed 10';
    assert.equal(boundedVecError({ ...NONE, controllers: [[...Array(10).keys()].map(P)] }), undefined);
    assert.equal(boundedVecError({ ...NONE, controllers: [[...Array(11).keys()].map(P)] }), tooMany);
    assert.equal(boundedVecError({ ...NONE, status_visibility: [{ allowed_viewers: [...Array(11).keys()].map(P) }] }), tooMany);
    assert.equal(boundedVecError({ ...NONE, log_visibility: [{ allowed_viewers: [...Array(10).keys()].map(P) }] }), undefined);
    assert.equal(boundedVecError(undefined), undefined);
  });
});

describe('settings: ranges (CanisterSettings::try_from)', () => {
  const cases: [string, Partial<CanisterSettingsValue>, ErrorCode, string][] = [
    ['compute', { compute_allocation: [101n] }, ErrorCode.CanisterContractViolation, 'ComputeAllocation expected to be in the range [0..100], got 101'],
    ['compute, large', { compute_allocation: [1000n] }, ErrorCode.CanisterContractViolation, 'ComputeAllocation expected to be in the range [0..100], got 1_000'],
    ['memory', { memory_allocation: [1n << 64n] }, ErrorCode.CanisterContractViolation,
      'MemoryAllocation expected to be in the range [0..2^64-1], got 18_446_744_073_709_551_616'],
    ['freezing', { freezing_threshold: [1n << 64n] }, ErrorCode.CanisterContractViolation,
      'Freezing threshold expected to be in the range of [0..2^64-1], got 18_446_744_073_709_551_616'],
    ['reserved', { reserved_cycles_limit: [1n << 128n] }, ErrorCode.CanisterContractViolation,
      'Reserved cycles limit expected to be in the range of [0..2^128-1], got 340_282_366_920_938_463_463_374_607_431_768_211_456'],
    ['wasm limit', { wasm_memory_limit: [(1n << 48n) + 1n] }, ErrorCode.CanisterContractViolation,
      'Wasm memory limit expected to be in the range of [0..2^64-1], got 281_474_976_710_657'],
    ['wasm threshold', { wasm_memory_threshold: [1n << 64n] }, ErrorCode.CanisterContractViolation,
      'Wasm memory threshold expected to be in the range of [0..2^64-1], got 18_446_744_073_709_551_616'],
    ['log memory', { log_memory_limit: [1n << 64n] }, ErrorCode.CanisterContractViolation,
      'Log memory limit expected to be in the range of [0..2^64-1], got 18_446_744_073_709_551_616'],
    ['duplicate env', { environment_variables: [[{ name: 'A', value: '1' }, { name: 'A', value: '2' }]] }, ErrorCode.InvalidManagementPayload,
      'Duplicate environment variables are not allowed'],
  ];
  for (const [name, fields, code, text] of cases) {
    it(name, () => assert.deepEqual(errorOf(settingsFromCandid({ ...NONE, ...fields })), [code, text]));
  }

  it('converts what is given and leaves the rest out', () => {
    const r = settingsFromCandid({
      ...NONE, controllers: [[P(1)]], compute_allocation: [100n], wasm_memory_limit: [1n << 48n], log_visibility: [{ public: null }],
      status_visibility: [{ allowed_viewers: [P(2)] }], environment_variables: [[{ name: 'A', value: '1' }]],
    });
    assert.ok(r.ok);
    const s = r.value;
    assert.deepEqual(Object.keys(s).sort(), ['computeAllocation', 'controllers', 'environmentVariables', 'logVisibility', 'statusVisibility', 'wasmMemoryLimit']);
    assert.equal(s.controllers?.[0].toText(), P(1).toText());
    assert.deepEqual(s.logVisibility, { kind: 'public' });
    assert.equal(s.statusVisibility?.kind === 'allowedViewers' ? s.statusVisibility.principals[0].toText() : '', P(2).toText());
    assert.deepEqual([...(s.environmentVariables ?? [])], [['A', '1']]);
    assert.deepEqual(settingsFromCandid(undefined), { ok: true, value: {} });
  });
});

describe('settings: validation against the canister and the subnet', () => {
  it('environment variables: at most 20, names and values at most 128 bytes', () => {
    const v = (m: [string, string][]): [number, string] => errorOf(validateSettings({ environmentVariables: new Map(m) }, FRESH, subnet()));
    assert.ok(validateSettings({ environmentVariables: new Map(env(20).map((e) => [e.name, e.value])) }, FRESH, subnet()).ok);
    assert.deepEqual(v(env(21).map((e) => [e.name, e.value])), [ErrorCode.InvalidManagementPayload, 'Too many environment variables: 21 (max: 20)']);
    const long = 'é'.repeat(65); // 130 bytes
    assert.deepEqual(v([[long, 'x']]), [ErrorCode.InvalidManagementPayload, `Environment variable name "${long}" exceeds the maximum allowed length of 128.`]);
    assert.deepEqual(v([['N', long]]), [ErrorCode.InvalidManagementPayload, `Environment variable value "${long}" exceeds the maximum allowed length of 128.`]);
  });

  it('compute allocation within the subnet capacity, 1 % kept free (IC0101)', () => {
    const sub = subnet(4); // capacity (4 − 1) × 100 % × 50 % = 150 %
    addCanister(sub.state, 1).systemState.computeAllocation = 100n;
    assert.equal(subnetComputeAvailable(sub, 0n), 49n);
    const rich = { ...FRESH, balance: 10n ** 18n };
    assert.ok(validateSettings({ computeAllocation: 49n }, rich, sub).ok);
    assert.deepEqual(errorOf(validateSettings({ computeAllocation: 50n }, rich, sub)), [ErrorCode.SubnetOversubscribed,
      'Canister requested a compute allocation of 50% which cannot be satisfied because the Subnet\'s remaining compute capacity is 49%.\n'
      + `Try moving to another subnet. See documentation: ${DOCS}subnet-compute-capacity-oversubscribed`]);
    // The canister holding 100 % may keep it.
    assert.ok(validateSettings({ computeAllocation: 100n }, { ...rich, computeAllocation: 100n }, sub).ok);
  });

  it('memory allocation within the subnet memory (IC0101)', () => {
    const r = errorOf(validateSettings({ memoryAllocation: 1n << 50n }, FRESH, subnet()));
    assert.equal(r[0], ErrorCode.SubnetOversubscribed);
    assert.match(r[1], /^Canister requested 1\.00 PiB of memory but only 509\.\d\d GiB are available in the subnet\.\nTry moving to another subnet\./);
  });

  it('a growing allocation must stay above the freezing threshold (IC0530, IC0531); a higher threshold alone may freeze', () => {
    const poor = { ...FRESH, balance: 1_000n };
    const [code, text] = errorOf(validateSettings({ computeAllocation: 10n }, poor, subnet()));
    assert.equal(code, ErrorCode.InsufficientCyclesInComputeAllocation);
    assert.match(text, /^Cannot increase compute allocation to 10% due to insufficient cycles\. At least [\d_]+ additional cycles are required\.\nTop up the canister with more cycles\. See documentation: .*#insufficient-cycles-in-compute-allocation$/);
    const [mcode, mtext] = errorOf(validateSettings({ memoryAllocation: 1n << 30n }, poor, subnet()));
    assert.equal(mcode, ErrorCode.InsufficientCyclesInMemoryAllocation);
    assert.match(mtext, /^Cannot increase memory allocation to 1\.00 GiB due to insufficient cycles\. At least [\d_]+ additional cycles are required\.\n/);
    assert.ok(validateSettings({ freezingThreshold: 10n ** 9n }, { ...poor, memoryUsage: 1n << 20n }, subnet()).ok);
  });

  it('the reserved cycles limit cannot go below the reserved balance (IC0540)', () => {
    assert.deepEqual(errorOf(validateSettings({ reservedCyclesLimit: 999n }, { ...FRESH, reservedBalance: 1_000n }, subnet())), [ErrorCode.ReservedCyclesLimitIsTooLow,
      'Cannot set the reserved cycles limit 999 below the reserved cycles balance of the canister 1_000.\n'
      + 'Set the reserved cycles limit in the canister settings to a value that is at least the current reserved cycles balance. '
      + 'See documentation: reserved-cycles-limit-is-too-low']);
    assert.ok(validateSettings({ reservedCyclesLimit: 1_000n }, { ...FRESH, reservedBalance: 1_000n }, subnet()).ok);
  });

  it('controllers at most 10 (InvalidSettings), log memory limit 0 or 4 KiB..2 MiB (IC0406)', () => {
    const many = [...Array(11).keys()].map((n) => id(n));
    assert.deepEqual(errorOf(validateSettings({ controllers: many }, FRESH, subnet())), [ErrorCode.CanisterContractViolation,
      'Could not validate the settings: Invalid settings: \'controllers\' length exceeds maximum size allowed of 10. \n'
      + `Apply the described changes to make the settings valid. See documentation: ${DOCS}invalid-settings`]);
    assert.deepEqual(errorOf(validateSettings({ logMemoryLimit: 100n }, FRESH, subnet())),
      [ErrorCode.CanisterRejectedMessage, 'The canister log memory limit 100 is too low. It must be at least 4096.']);
    assert.deepEqual(errorOf(validateSettings({ logMemoryLimit: 3n << 20n }, FRESH, subnet())),
      [ErrorCode.CanisterRejectedMessage, 'The canister log memory limit 3145728 is too high. It must be at most 2097152.']);
    for (const ok of [0n, 4096n, 2n << 20n]) assert.ok(validateSettings({ logMemoryLimit: ok }, FRESH, subnet()).ok);
  });
});

describe('settings: applying', () => {
  it('sets every field given and leaves the others', () => {
    const s = new SystemState({ canisterId: id(1), controllers: [USER], cycles: 10n ** 13n });
    s.environmentVariables.set('OLD', '1');
    const given: Settings = {
      computeAllocation: 5n, freezingThreshold: 7n, reservedCyclesLimit: 9n, snapshotVisibility: { kind: 'public' }, logMemoryLimit: 8192n,
      minimumIncomingCanisterCallCycles: 3n, wasmMemoryLimit: 1n << 30n, wasmMemoryThreshold: 1n << 20n,
    };
    applySettings(s, { settings: given, reservationCycles: 0n });
    assert.deepEqual([s.computeAllocation, s.freezeThreshold, s.reservedBalanceLimit, s.logMemoryLimit, s.minimumIncomingCanisterCallCycles, s.wasmMemoryLimit, s.wasmMemoryThreshold],
      [5n, 7n, 9n, 8192n, 3n, 1n << 30n, 1n << 20n]);
    assert.deepEqual([s.snapshotVisibility, s.logVisibility, s.statusVisibility], [{ kind: 'public' }, { kind: 'controllers' }, { kind: 'controllers' }]);
    assert.deepEqual([s.controllers.map((c) => c.toText()), [...s.environmentVariables]], [[USER.toText()], [['OLD', '1']]]);
    applySettings(s, { settings: { environmentVariables: new Map([['NEW', '2']]), controllers: [] }, reservationCycles: 0n });
    assert.deepEqual([s.controllers.length, [...s.environmentVariables]], [0, [['NEW', '2']]]);
  });

  it('displays bytes with two decimals above 1 KiB', () => {
    assert.deepEqual([displayBytes(512n), displayBytes(1536n), displayBytes(12n << 30n)], ['512 B', '1.50 KiB', '12.00 GiB']);
  });
});
