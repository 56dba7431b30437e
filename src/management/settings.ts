/**
 * `canister_settings` in three steps, as the replica takes them:
 *
 * 1. `boundedVecError` — the bounds the replica's decoder enforces (`BoundedVec`):
 *    at most 10 controllers and 10 `allowed_viewers` per visibility; the
 *    caller words it as its decode error (IC0408).
 * 2. `settingsFromCandid` — the ranges of `CanisterSettings::try_from`
 *    (canister_settings.rs), in its order:
 *
 *        compute_allocation > 100                 IC0504 "ComputeAllocation expected to be in the range [0..100], got N"
 *        memory_allocation ≥ 2^64                 IC0504 "MemoryAllocation expected to be in the range [0..2^64-1], got N"
 *        freezing_threshold ≥ 2^64                IC0504 "Freezing threshold expected to be in the range of [0..2^64-1], got N"
 *        reserved_cycles_limit ≥ 2^128            IC0504 "Reserved cycles limit expected to be in the range of [0..2^128-1], got N"
 *        log_memory_limit ≥ 2^64                  IC0504 "Log memory limit expected to be in the range of [0..2^64-1], got N"
 *        wasm_memory_limit > 2^48                 IC0504 "Wasm memory limit expected to be in the range of [0..2^64-1], got N"
 *        wasm_memory_threshold ≥ 2^64             IC0504 "Wasm memory threshold expected to be in the range of [0..2^64-1], got N"
 *        duplicate environment variable names     IC0408 "Duplicate environment variables are not allowed"
 *
 * 3. `validateSettings` — against the canister and the subnet
 *    (`validate_canister_settings`, canister_manager.rs), in its order:
 *    environment variables (≤ 20, name and value ≤ 128 bytes; IC0408),
 *    subnet memory (IC0101), subnet compute capacity (IC0101, keeping 1 %
 *    free), controllers (≤ 10), the freezing threshold of the new
 *    allocations (IC0530 / IC0531, only when an allocation grows), the
 *    reserved cycles limit (IC0540 below the reserved balance, IC0533 when
 *    the storage reservation would exceed it), cycles for the reservation
 *    (IC0531), the log memory limit (IC0406).
 *
 * `applySettings` then sets what was given (`do_update_settings`): a field
 * left out stays as it is.
 */
import type { Principal } from '@dfinity/principal';
import {
  MAX_ALLOWED_VIEWERS, MAX_COMPUTE_ALLOCATION_PERCENT, MAX_CONTROLLERS, MAX_ENVIRONMENT_VARIABLES, MAX_ENVIRONMENT_VARIABLE_NAME_LENGTH,
  MAX_ENVIRONMENT_VARIABLE_VALUE_LENGTH, MAX_LOG_MEMORY_LIMIT, MAX_WASM_MEMORY_LIMIT_SETTING, MIN_LOG_MEMORY_LIMIT,
} from '../config/index.ts';
import { ErrorCode, displayCycles, userError } from '../errors/index.ts';
import type { UserError } from '../errors/index.ts';
import { freezeThresholdCycles, storageReservationCycles } from '../cycles/index.ts';
import type { LogVisibility, SystemState } from '../state/index.ts';
import type { PrincipalId } from '../types/index.ts';
import { toPrincipalId, unopt } from './candid.ts';
import type { CanisterSettingsValue, VisibilityValue } from './candid.ts';
import { managerHelp } from './errors.ts';
import { subnetAvailableMemory, subnetComputeAvailable, subnetMemorySaturation } from './subnet-resources.ts';
import type { SubnetView } from './subnet-resources.ts';

/** Settings as given (`undefined`: not given). */
export interface Settings {
  readonly controllers?: readonly PrincipalId[];
  /** Percent. */
  readonly computeAllocation?: bigint;
  /** Bytes; 0 = best effort. */
  readonly memoryAllocation?: bigint;
  /** Seconds. */
  readonly freezingThreshold?: bigint;
  readonly reservedCyclesLimit?: bigint;
  readonly minimumIncomingCanisterCallCycles?: bigint;
  readonly logVisibility?: LogVisibility;
  /** Bytes. */
  readonly logMemoryLimit?: bigint;
  readonly snapshotVisibility?: LogVisibility;
  readonly statusVisibility?: LogVisibility;
  /** Bytes. */
  readonly wasmMemoryLimit?: bigint;
  /** Bytes. */
  readonly wasmMemoryThreshold?: bigint;
  readonly environmentVariables?: ReadonlyMap<string, string>;
}

/** Settings that passed `validateSettings`, with the cycles their memory allocation reserves. */
export interface ValidatedSettings {
  readonly settings: Settings;
  readonly reservationCycles: bigint;
}

/** What the validation needs of the canister (a new canister: zeros, the default freezing threshold). */
export interface CanisterView {
  readonly memoryUsage: bigint;
  readonly messageMemoryUsage: bigint;
  readonly memoryAllocation: bigint;
  readonly computeAllocation: bigint;
  readonly freezeThreshold: bigint;
  readonly balance: bigint;
  readonly reservedBalance: bigint;
  readonly reservedBalanceLimit: bigint | undefined;
}

export type SettingsResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: UserError };

const U64_MAX = (1n << 64n) - 1n;
const U128_MAX = (1n << 128n) - 1n;
const utf8Length = (s: string): number => Buffer.byteLength(s, 'utf8');
const fail = (code: ErrorCode, text: string): { readonly ok: false; readonly error: UserError } => ({ ok: false, error: userError(code, text) });
const violation = (text: string): { readonly ok: false; readonly error: UserError } => fail(ErrorCode.CanisterContractViolation, text);

/** The decoder's bound error (`BoundedVec`: "Deserialize error: The number of elements exceeds maximum allowed N"), or `undefined`. */
export function boundedVecError(s: CanisterSettingsValue | undefined): string | undefined {
  if (s === undefined) return undefined;
  const tooMany = (max: number): string => `Deserialize error: The number of elements exceeds maximum allowed ${max}`;
  if ((unopt(s.controllers)?.length ?? 0) > MAX_CONTROLLERS) return tooMany(MAX_CONTROLLERS);
  for (const v of [s.log_visibility, s.snapshot_visibility, s.status_visibility]) {
    const vis = unopt(v);
    if (vis !== undefined && 'allowed_viewers' in vis && vis.allowed_viewers.length > MAX_ALLOWED_VIEWERS) return tooMany(MAX_ALLOWED_VIEWERS);
  }
  return undefined;
}

function visibilityOf(v: VisibilityValue): LogVisibility {
  if ('controllers' in v) return { kind: 'controllers' };
  if ('public' in v) return { kind: 'public' };
  return { kind: 'allowedViewers', principals: v.allowed_viewers.map((p: Principal) => toPrincipalId(p)) };
}

/** The settings of a decoded `canister_settings` (absent: none), or the replica's range error (see the module header). */
export function settingsFromCandid(v: CanisterSettingsValue | undefined): SettingsResult<Settings> {
  if (v === undefined) return { ok: true, value: {} };
  const ca = unopt(v.compute_allocation);
  if (ca !== undefined && ca > BigInt(MAX_COMPUTE_ALLOCATION_PERCENT)) {
    return violation(`ComputeAllocation expected to be in the range [0..${MAX_COMPUTE_ALLOCATION_PERCENT}], got ${displayCycles(ca)}`);
  }
  const ma = unopt(v.memory_allocation);
  if (ma !== undefined && ma > U64_MAX) return violation(`MemoryAllocation expected to be in the range [0..2^64-1], got ${displayCycles(ma)}`);
  const ft = unopt(v.freezing_threshold);
  if (ft !== undefined && ft > U64_MAX) return violation(`Freezing threshold expected to be in the range of [0..2^64-1], got ${displayCycles(ft)}`);
  const rl = unopt(v.reserved_cycles_limit);
  if (rl !== undefined && rl > U128_MAX) return violation(`Reserved cycles limit expected to be in the range of [0..2^128-1], got ${displayCycles(rl)}`);
  const lm = unopt(v.log_memory_limit);
  if (lm !== undefined && lm > U64_MAX) return violation(`Log memory limit expected to be in the range of [0..2^64-1], got ${displayCycles(lm)}`);
  const wl = unopt(v.wasm_memory_limit);
  if (wl !== undefined && wl > MAX_WASM_MEMORY_LIMIT_SETTING) return violation(`Wasm memory limit expected to be in the range of [0..2^64-1], got ${displayCycles(wl)}`);
  const wt = unopt(v.wasm_memory_threshold);
  if (wt !== undefined && wt > U64_MAX) return violation(`Wasm memory threshold expected to be in the range of [0..2^64-1], got ${displayCycles(wt)}`);
  // Not in the replica read (the field is newer); the spec's range, worded like the reserved cycles limit.
  const mc = unopt(v.minimum_incoming_canister_call_cycles);
  if (mc !== undefined && mc > U128_MAX) {
    return violation(`Minimum incoming canister call cycles expected to be in the range of [0..2^128-1], got ${displayCycles(mc)}`);
  }
  const vars = unopt(v.environment_variables);
  let env: Map<string, string> | undefined;
  if (vars !== undefined) {
    env = new Map(vars.map((e) => [e.name, e.value]));
    if (env.size !== vars.length) return fail(ErrorCode.InvalidManagementPayload, 'Duplicate environment variables are not allowed');
  }
  const vis = (x: [] | [VisibilityValue]): LogVisibility | undefined => {
    const got = unopt(x);
    return got === undefined ? undefined : visibilityOf(got);
  };
  const entries: [keyof Settings, unknown][] = [
    ['controllers', unopt(v.controllers)?.map((p) => toPrincipalId(p))], ['computeAllocation', ca], ['memoryAllocation', ma],
    ['freezingThreshold', ft], ['reservedCyclesLimit', rl], ['minimumIncomingCanisterCallCycles', mc], ['logVisibility', vis(v.log_visibility)],
    ['logMemoryLimit', lm], ['snapshotVisibility', vis(v.snapshot_visibility)], ['statusVisibility', vis(v.status_visibility)],
    ['wasmMemoryLimit', wl], ['wasmMemoryThreshold', wt], ['environmentVariables', env],
  ];
  return { ok: true, value: Object.fromEntries(entries.filter(([, x]) => x !== undefined)) as Settings };
}

/** `NumBytes::display` as in the replica's messages (`12.00 GiB`, `512 B`). Not confirmed against the replica's formatter. */
export function displayBytes(bytes: bigint): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let i = 0;
  while (i < units.length - 1 && bytes >= 1024n ** BigInt(i + 1)) i++;
  if (i === 0) return `${bytes} B`;
  const hundredths = (bytes * 100n) / 1024n ** BigInt(i);
  return `${hundredths / 100n}.${(hundredths % 100n).toString().padStart(2, '0')} ${units[i]}`;
}

const memoryAllocationText = (bytes: bigint): string => (bytes === 0n ? 'best-effort' : displayBytes(bytes));
const max = (a: bigint, b: bigint): bigint => (a > b ? a : b);

function checkEnvironmentVariables(env: ReadonlyMap<string, string> | undefined): SettingsResult<undefined> {
  if (env === undefined) return { ok: true, value: undefined };
  if (env.size > MAX_ENVIRONMENT_VARIABLES) {
    return fail(ErrorCode.InvalidManagementPayload, `Too many environment variables: ${env.size} (max: ${MAX_ENVIRONMENT_VARIABLES})`);
  }
  for (const [name, value] of env) {
    if (utf8Length(name) > MAX_ENVIRONMENT_VARIABLE_NAME_LENGTH) {
      return fail(ErrorCode.InvalidManagementPayload,
        `Environment variable name "${name}" exceeds the maximum allowed length of ${MAX_ENVIRONMENT_VARIABLE_NAME_LENGTH}.`);
    }
    if (utf8Length(value) > MAX_ENVIRONMENT_VARIABLE_VALUE_LENGTH) {
      return fail(ErrorCode.InvalidManagementPayload,
        `Environment variable value "${value}" exceeds the maximum allowed length of ${MAX_ENVIRONMENT_VARIABLE_VALUE_LENGTH}.`);
    }
  }
  return { ok: true, value: undefined };
}

/** Validates `s` for canister `c` on the subnet (see the module header); changes nothing. */
export function validateSettings(s: Settings, c: CanisterView, subnet: SubnetView): SettingsResult<ValidatedSettings> {
  const env = checkEnvironmentVariables(s.environmentVariables);
  if (!env.ok) return env;

  const oldBytes = max(c.memoryAllocation, c.memoryUsage);
  const newAllocation = s.memoryAllocation ?? c.memoryAllocation;
  const newBytes = max(newAllocation, c.memoryUsage);
  const available = max(subnetAvailableMemory(subnet), 0n) + oldBytes;
  if (newBytes > available) {
    return fail(ErrorCode.SubnetOversubscribed, `Canister requested ${displayBytes(newBytes)} of memory but only ${displayBytes(available)} are available in the subnet.`
      + managerHelp('Try moving to another subnet.', 'subnet-memory-capacity-oversubscribed'));
  }

  if (s.computeAllocation !== undefined) {
    const free = subnetComputeAvailable(subnet, c.computeAllocation);
    if (s.computeAllocation > free) {
      return fail(ErrorCode.SubnetOversubscribed,
        `Canister requested a compute allocation of ${s.computeAllocation}% which cannot be satisfied because the Subnet's remaining compute capacity is ${free}%.`
        + managerHelp('Try moving to another subnet.', 'subnet-compute-capacity-oversubscribed'));
    }
  }

  if (s.controllers !== undefined && s.controllers.length > MAX_CONTROLLERS) {
    return violation(`Could not validate the settings: Invalid settings: 'controllers' length exceeds maximum size allowed of ${MAX_CONTROLLERS}. `
      + managerHelp('Apply the described changes to make the settings valid.', 'invalid-settings'));
  }

  const cycles = subnet.cycles;
  const newCompute = s.computeAllocation ?? c.computeAllocation;
  const threshold = freezeThresholdCycles({
    fees: cycles.fees, subnetSize: cycles.subnetSize, freezeThresholdSeconds: s.freezingThreshold ?? c.freezeThreshold,
    memoryAllocation: newAllocation, memoryUsage: c.memoryUsage, messageMemoryUsage: c.messageMemoryUsage, computeAllocation: newCompute,
    reservedBalance: c.reservedBalance,
  });
  const topUp = 'Top up the canister with more cycles.';
  if (c.balance < threshold) {
    // Only a growing allocation fails: raising the freezing threshold may freeze the canister.
    if (newCompute > c.computeAllocation) {
      return fail(ErrorCode.InsufficientCyclesInComputeAllocation,
        `Cannot increase compute allocation to ${newCompute}% due to insufficient cycles. At least ${displayCycles(threshold - c.balance)} additional cycles are required.`
        + managerHelp(topUp, 'insufficient-cycles-in-compute-allocation'));
    }
    if (newAllocation > c.memoryAllocation) return insufficientForMemory(newAllocation, threshold - c.balance);
  }

  const reservationCycles = storageReservationCycles(cycles.fees, newBytes > oldBytes ? newBytes - oldBytes : 0n, subnetMemorySaturation(subnet), cycles.subnetSize);
  const limit = s.reservedCyclesLimit ?? c.reservedBalanceLimit;
  if (limit !== undefined) {
    if (c.reservedBalance > limit) {
      return fail(ErrorCode.ReservedCyclesLimitIsTooLow,
        `Cannot set the reserved cycles limit ${displayCycles(limit)} below the reserved cycles balance of the canister ${displayCycles(c.reservedBalance)}.`
        + managerHelp('Set the reserved cycles limit in the canister settings to a value that is at least the current reserved cycles balance.',
          { raw: 'reserved-cycles-limit-is-too-low' }));
    }
    if (c.reservedBalance + reservationCycles > limit) {
      return fail(ErrorCode.ReservedCyclesLimitExceededInMemoryAllocation,
        `Cannot increase memory allocation to ${memoryAllocationText(newAllocation)} due to its reserved cycles limit. `
        + `The current limit (${displayCycles(limit)}) would be exceeded by ${displayCycles(c.reservedBalance + reservationCycles - limit)}.`
        + managerHelp('Try increasing this canister\'s reserved cycles limit or moving it to a subnet with lower memory usage.',
          'reserved-cycles-limit-exceeded-in-memory-allocation'));
    }
  }
  if (c.balance < reservationCycles) return insufficientForMemory(newAllocation, reservationCycles - c.balance);

  const lm = s.logMemoryLimit;
  if (lm !== undefined && lm !== 0n && lm < MIN_LOG_MEMORY_LIMIT) {
    return fail(ErrorCode.CanisterRejectedMessage, `The canister log memory limit ${lm} is too low. It must be at least ${MIN_LOG_MEMORY_LIMIT}.`);
  }
  if (lm !== undefined && lm > MAX_LOG_MEMORY_LIMIT) {
    return fail(ErrorCode.CanisterRejectedMessage, `The canister log memory limit ${lm} is too high. It must be at most ${MAX_LOG_MEMORY_LIMIT}.`);
  }
  return { ok: true, value: { settings: s, reservationCycles } };
}

function insufficientForMemory(allocation: bigint, missing: bigint): { readonly ok: false; readonly error: UserError } {
  return fail(ErrorCode.InsufficientCyclesInMemoryAllocation,
    `Cannot increase memory allocation to ${memoryAllocationText(allocation)} due to insufficient cycles. At least ${displayCycles(missing)} additional cycles are required.`
    + managerHelp('Top up the canister with more cycles.', 'insufficient-cycles-in-memory-allocation'));
}

/** What the validation sees of an existing canister. */
export function canisterView(system: SystemState, memoryUsage: bigint, messageMemoryUsage: bigint): CanisterView {
  return {
    memoryUsage, messageMemoryUsage, memoryAllocation: system.memoryAllocation, computeAllocation: system.computeAllocation,
    freezeThreshold: system.freezeThreshold, balance: system.balance, reservedBalance: system.reservedBalance, reservedBalanceLimit: system.reservedBalanceLimit,
  };
}

/** Applies validated settings (`do_update_settings`): every field given is set; the reservation moves to the reserved balance. */
export function applySettings(system: SystemState, v: ValidatedSettings): void {
  const s = v.settings;
  if (s.controllers !== undefined) system.controllers = s.controllers;
  if (s.computeAllocation !== undefined) system.computeAllocation = s.computeAllocation;
  if (s.memoryAllocation !== undefined) system.memoryAllocation = s.memoryAllocation;
  if (s.wasmMemoryThreshold !== undefined) system.wasmMemoryThreshold = s.wasmMemoryThreshold;
  if (s.reservedCyclesLimit !== undefined) system.reservedBalanceLimit = s.reservedCyclesLimit;
  system.reserveCycles(v.reservationCycles);
  if (s.freezingThreshold !== undefined) system.freezeThreshold = s.freezingThreshold;
  if (s.logVisibility !== undefined) system.logVisibility = s.logVisibility;
  if (s.logMemoryLimit !== undefined) system.logMemoryLimit = s.logMemoryLimit;
  if (s.snapshotVisibility !== undefined) system.snapshotVisibility = s.snapshotVisibility;
  if (s.statusVisibility !== undefined) system.statusVisibility = s.statusVisibility;
  if (s.minimumIncomingCanisterCallCycles !== undefined) system.minimumIncomingCanisterCallCycles = s.minimumIncomingCanisterCallCycles;
  if (s.wasmMemoryLimit !== undefined) system.wasmMemoryLimit = s.wasmMemoryLimit;
  if (s.environmentVariables !== undefined) system.environmentVariables = new Map(s.environmentVariables);
}
