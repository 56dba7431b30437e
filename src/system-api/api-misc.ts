// `ic0` identity, status, certification, time, controllers, environment
// variables and debugging: `canister_self_*`, `canister_status`,
// `canister_version`, `subnet_self_*`, `root_key_*`, `certified_data_set`,
// `data_certificate_*`, `time`, `global_timer_set`, `performance_counter`,
// `is_controller`, `in_replicated_execution`, `env_var_*`, `debug_print`,
// `trap`. Semantics and wording: the replica's `SystemApiImpl`
// (system_api.rs, 2026) and linker.rs.
import { CERTIFIED_DATA_MAX_LENGTH, MAX_DEBUG_PRINT_AND_TRAP_MESSAGE_SIZE, MAX_ENV_VAR_NAME_SIZE } from '../config/index.ts';
import { PrincipalId } from '../types/index.ts';
import { isReplicated, timeOf } from './api-type.ts';
import { copyBlobToHeap, exactU64, inBounds, lossyUtf8, strictUtf8, validSubslice } from './heap.ts';
import { HostTrap, toolchainViolation, userViolation } from './host-trap.ts';
import { CANISTER_STATUS_CODE } from './system-state.ts';
import type { SystemApi } from './system-api.ts';

const UTF8 = new TextEncoder();
const MAX_MESSAGE = Number(MAX_DEBUG_PRINT_AND_TRAP_MESSAGE_SIZE);

export function canisterSelfSize(api: SystemApi): number {
  api.require('canister_self_size');
  return api.systemState.canisterId.byteLength;
}

export function canisterSelfCopy(api: SystemApi, dst: number, offset: number, size: number): void {
  api.require('canister_self_copy');
  copyBlobToHeap(api, 'canister_self_copy', 'id', api.systemState.canisterId.bytesView(), dst, offset, size);
}

export function canisterStatus(api: SystemApi): number {
  api.require('canister_status');
  return CANISTER_STATUS_CODE[api.systemState.status];
}

export function canisterVersion(api: SystemApi): bigint {
  api.require('canister_version');
  return api.systemState.canisterVersion;
}

export function subnetSelfSize(api: SystemApi): number {
  api.require('subnet_self_size');
  return api.systemState.subnetId.byteLength;
}

export function subnetSelfCopy(api: SystemApi, dst: number, offset: number, size: number): void {
  api.require('subnet_self_copy');
  copyBlobToHeap(api, 'subnet_self_copy', 'id', api.systemState.subnetId.bytesView(), dst, offset, size);
}

export function rootKeySize(api: SystemApi): number {
  api.require('root_key_size');
  return api.systemState.rootKey.length;
}

export function rootKeyCopy(api: SystemApi, dst: number, offset: number, size: number): void {
  api.require('root_key_copy');
  copyBlobToHeap(api, 'root_key_copy', 'bytes', api.systemState.rootKey, dst, offset, size);
}

export function certifiedDataSet(api: SystemApi, src: number, size: number): void {
  api.require('certified_data_set');
  if (size > CERTIFIED_DATA_MAX_LENGTH) {
    throw userViolation(
      `ic0_certified_data_set failed because the passed data must be no larger than ${CERTIFIED_DATA_MAX_LENGTH} bytes. Found ${exactU64(size)} bytes.`,
      'Try certifying just the hash of your data instead of the full contents.',
      'certified_data_set-payload-too-large',
    );
  }
  const heap = api.heap();
  if (!inBounds(src, size, heap.length)) {
    throw toolchainViolation(
      `ic0_certified_data_set failed because src + size is out of bounds. Found src = ${exactU64(src)} and size = ${size} while src + size must be <= ${heap.length}`,
    );
  }
  api.systemState.setCertifiedData(heap.subarray(src, src + size));
}

function certificate(api: SystemApi): Uint8Array | undefined {
  const t = api.apiType;
  return t.kind === 'nonReplicatedQuery' || t.kind === 'compositeQuery' ? t.dataCertificate : undefined;
}

export function dataCertificatePresent(api: SystemApi): number {
  api.require('data_certificate_present');
  return certificate(api) === undefined ? 0 : 1;
}

function requireCertificate(api: SystemApi, name: 'data_certificate_size' | 'data_certificate_copy'): Uint8Array {
  api.require(name);
  const cert = certificate(api);
  if (cert === undefined) throw new HostTrap(api.wrongMode(name));
  return cert;
}

export function dataCertificateSize(api: SystemApi): number {
  return requireCertificate(api, 'data_certificate_size').length;
}

export function dataCertificateCopy(api: SystemApi, dst: number, offset: number, size: number): void {
  const cert = requireCertificate(api, 'data_certificate_copy');
  if (!inBounds(offset, size, cert.length)) {
    throw toolchainViolation(
      `ic0_data_certificate_copy failed because offset + size is out of bounds. Found offset = ${exactU64(offset)} and size = ${exactU64(size)} while offset + size must be <= ${cert.length}`,
    );
  }
  const heap = api.heap();
  if (!inBounds(dst, size, heap.length)) {
    throw toolchainViolation(
      `ic0_data_certificate_copy failed because dst + size is out of bounds. Found dst = ${exactU64(dst)} and size = ${exactU64(size)} while dst + size must be <= ${heap.length}`,
    );
  }
  heap.set(cert.subarray(offset, offset + size), dst);
  api.heapWritten(dst, size);
}

export function time(api: SystemApi): bigint {
  api.require('time');
  return timeOf(api.apiType);
}

export function globalTimerSet(api: SystemApi, timestamp: bigint): bigint {
  api.require('global_timer_set');
  return api.systemState.setGlobalTimer(timestamp);
}

export function performanceCounter(api: SystemApi, counterType: number): bigint {
  api.require('performance_counter');
  const t = counterType >>> 0;
  if (t === 0) return api.instructionsExecuted();
  if (t === 1) {
    const a = api.apiType;
    const before = 'callContextInstructionsExecuted' in a ? a.callContextInstructionsExecuted : 0n;
    return before + api.instructionsExecuted();
  }
  throw userViolation(`Error getting performance counter type ${t}`);
}

export function isController(api: SystemApi, src: number, size: number): number {
  api.require('is_controller');
  const bytes = validSubslice('ic0.is_controller', src, size, api.heap());
  let principal: PrincipalId;
  try {
    principal = PrincipalId.fromUint8Array(bytes);
  } catch (e) {
    throw new HostTrap({ kind: 'InvalidPrincipalId', message: (e as Error).message });
  }
  return api.systemState.isController(principal) ? 1 : 0;
}

export function inReplicatedExecution(api: SystemApi): number {
  api.require('in_replicated_execution');
  return isReplicated(api.apiType) ? 1 : 0;
}

export function envVarCount(api: SystemApi): number {
  api.require('env_var_count');
  return api.systemState.environmentVariables.length;
}

function envName(api: SystemApi, index: number): Uint8Array {
  const vars = api.systemState.environmentVariables;
  const entry = index < vars.length ? vars[index] : undefined;
  if (entry === undefined) {
    throw new HostTrap({ kind: 'EnvironmentVariableIndexOutOfBounds', index, length: vars.length });
  }
  return UTF8.encode(entry[0]);
}

export function envVarNameSize(api: SystemApi, index: number): number {
  api.require('env_var_name_size');
  return envName(api, index).length;
}

export function envVarNameCopy(api: SystemApi, index: number, dst: number, offset: number, size: number): void {
  api.require('env_var_name_copy');
  copyBlobToHeap(api, 'env_var_name_copy', 'name', envName(api, index), dst, offset, size);
}

/** Reads and checks a variable name given by `(src, size)`; `ctx` names the bounds check. */
function readName(api: SystemApi, fn: string, ctx: string, src: number, size: number): string {
  if (size > MAX_ENV_VAR_NAME_SIZE) throw userViolation(`ic0.${fn}: Variable name is too large.`);
  const name = strictUtf8(validSubslice(ctx, src, size, api.heap()));
  if (name === undefined) {
    throw userViolation(`ic0.${fn}: Variable name is not a valid UTF-8 string.`, 'Provide a valid UTF-8 string for the environment variable name.');
  }
  return name;
}

function envValue(api: SystemApi, name: string): Uint8Array {
  const entry = api.systemState.environmentVariables.find(([k]) => k === name);
  if (entry === undefined) throw new HostTrap({ kind: 'EnvironmentVariableNotFound', name });
  return UTF8.encode(entry[1]);
}

export function envVarNameExists(api: SystemApi, src: number, size: number): number {
  api.require('env_var_name_exists');
  const name = readName(api, 'env_var_name_exists', 'ic0.env_var_name_exists heap', src, size);
  return api.systemState.environmentVariables.some(([k]) => k === name) ? 1 : 0;
}

export function envVarValueSize(api: SystemApi, src: number, size: number): number {
  api.require('env_var_value_size');
  return envValue(api, readName(api, 'env_var_value_size', 'ic0.env_var_value_size heap', src, size)).length;
}

export function envVarValueCopy(api: SystemApi, nameSrc: number, nameSize: number, dst: number, offset: number, size: number): void {
  api.require('env_var_value_copy');
  const value = envValue(api, readName(api, 'env_var_value_copy', 'ic0.env_var_value_copy name', nameSrc, nameSize));
  copyBlobToHeap(api, 'env_var_value_copy', 'value', value, dst, offset, size);
}

/**
 * Logs `heap[src .. src + size]` to the canister log; never traps. A bad
 * range logs `(debug_print message out of memory bounds)`. When debug
 * printing is on, the first 32 KiB also go to `onDebugPrint` (lossy UTF-8, or
 * `(debug message out of memory bounds)`), as the replica prints to stderr.
 */
export function debugPrint(api: SystemApi, src: number, size: number): void {
  api.require('debug_print');
  const heap = api.heap();
  const content = inBounds(src, size, heap.length)
    ? heap.slice(src, src + size)
    : UTF8.encode('(debug_print message out of memory bounds)');
  api.systemState.log.add(timeOf(api.apiType), content);
  if (api.debugPrintEnabled && api.onDebugPrint !== undefined) {
    const shown = Math.min(size, MAX_MESSAGE);
    api.onDebugPrint(inBounds(src, shown, heap.length) ? lossyUtf8(heap.subarray(src, src + shown)) : '(debug message out of memory bounds)');
  }
}

/** Always traps with `CalledTrap`: the first 32 KiB as lossy UTF-8, or `(trap message out of memory bounds)`. */
export function trap(api: SystemApi, src: number, size: number): never {
  api.require('trap');
  const heap = api.heap();
  const shown = Math.min(size, MAX_MESSAGE);
  const message = inBounds(src, shown, heap.length) ? lossyUtf8(heap.subarray(src, src + shown)) : '(trap message out of memory bounds)';
  throw new HostTrap({ kind: 'CalledTrap', message });
}
