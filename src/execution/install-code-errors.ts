/**
 * install_code's user-visible errors, as the replica words them
 * (`CanisterManagerError` → `UserError` in `canister_manager/types.rs`):
 * the text, then `\n<suggestion> See documentation: <link>` where the
 * replica gives help.
 */
import type { CanisterOutOfCyclesError } from '../cycles/index.ts';
import { outOfCyclesMessage } from '../cycles/index.ts';
import type { UserError } from '../errors/index.ts';
import { ErrorCode, displayCycles, docRef, userError } from '../errors/index.ts';
import type { CanisterId } from '../types/index.ts';

/** `text` followed by the replica's help line. */
export function withHelp(code: ErrorCode, text: string, suggestion: string, anchor: string): UserError {
  return userError(code, `${text}\n${suggestion} See documentation: ${docRef(anchor)}`);
}

/** IC0207 `Canister installation failed with `…`.` (`InstallCodeNotEnoughCycles`). */
export function installNotEnoughCycles(e: CanisterOutOfCyclesError): UserError {
  return withHelp(ErrorCode.CanisterOutOfCycles, `Canister installation failed with \`${outOfCyclesMessage(e)}\`.`,
    'Top up the canister with more cycles.', 'install-code-not-enough-cycles');
}

/** IC0514 (`CanisterNonEmpty`). */
export function canisterNonEmpty(id: CanisterId): UserError {
  return withHelp(ErrorCode.CanisterNonEmpty,
    `Canister ${id.toText()} cannot be installed because the canister is not empty. Try installing with mode='reinstall' instead.`,
    "Check that you want to overwrite the canister and, if so, use mode='reinstall'.", 'canister-not-empty');
}

/** IC0209 (`InstallCodeRateLimited`): the canister's install-code debit is not paid off yet. */
export function installCodeRateLimited(id: CanisterId): UserError {
  return withHelp(ErrorCode.CanisterInstallCodeRateLimited,
    `Canister ${id.toText()} is rate limited because it executed too many instructions in the previous install_code messages. `
      + 'Please retry installation after several minutes.',
    'Retry the installation at a later time.', 'install-code-rate-limited');
}

/** IC0532 (`InsufficientCyclesInMemoryGrow` of the canister manager). */
export function insufficientCyclesInMemoryGrow(bytes: bigint, available: bigint, required: bigint): UserError {
  return withHelp(ErrorCode.InsufficientCyclesInMemoryGrow,
    `Canister cannot grow memory by ${bytes} bytes due to insufficient cycles. At least ${displayCycles(required > available ? required - available : 0n)} additional cycles are required.`,
    'Top up the canister with more cycles.', 'insufficient-cycles-in-memory-grow-1');
}

/**
 * Bytes as the replica's `NumBytes::display()` prints them, e.g. `10.00 MiB`
 * (two decimals in the largest binary unit not above the value).
 */
export function displayBytes(bytes: bigint): string {
  const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  if (bytes < 1024n) return `${bytes} B`;
  let unit = 0;
  let scale = 1024n;
  while (unit + 1 < units.length && bytes >= scale * 1024n) {
    scale *= 1024n;
    unit++;
  }
  const hundredths = (bytes * 100n + scale / 2n) / scale;
  return `${hundredths / 100n}.${(hundredths % 100n).toString().padStart(2, '0')} ${units[unit]}`;
}

/** IC0101 (`SubnetMemoryCapacityOverSubscribed`). */
export function subnetMemoryOversubscribed(requested: bigint, available: bigint): UserError {
  return withHelp(ErrorCode.SubnetOversubscribed,
    `Canister requested ${displayBytes(requested)} of memory but only ${displayBytes(available)} are available in the subnet.`,
    'Try moving to another subnet.', 'subnet-memory-capacity-oversubscribed');
}

/** IC0504 `Error from Wasm chunk store: <message>.` with its help (`WasmChunkStoreError`). */
export function wasmChunkStoreError(message: string): UserError {
  return withHelp(ErrorCode.CanisterContractViolation, `Error from Wasm chunk store: ${message}.`,
    'Use the `stored_chunks` API to check which hashes are present or top up the canister if it is low on cycles.', 'wasm-chunk-store-error');
}

/** Bytes as Rust's `{:?}` prints a byte slice: `[1, 2, 3]`. */
export function debugBytes(bytes: Uint8Array): string {
  return `[${[...bytes].join(', ')}]`;
}

/** IC0504 `Missing upgrade option: …` (no help). */
export function missingUpgradeOption(message: string): UserError {
  return userError(ErrorCode.CanisterContractViolation, `Missing upgrade option: ${message}`);
}

/** IC0504 `Invalid upgrade option: …` (no help). */
export function invalidUpgradeOption(message: string): UserError {
  return userError(ErrorCode.CanisterContractViolation, `Invalid upgrade option: ${message}`);
}
