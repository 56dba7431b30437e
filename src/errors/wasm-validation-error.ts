// Why a Wasm module was refused at install (IC0505), worded as the replica
// words it. The Wasm layer (src/wasm) returns these; the hypervisor wraps
// them in `HypervisorError` `InvalidWasm`, or `invalidWasm()` turns them into
// a `UserError` directly.
//
// Source: `dfinity/ic` `rs/types/wasm_types/src/errors.rs`
// (`WasmValidationError`: `Display` and `AsErrorHelp`; the version that has
// `DuplicateExport`, `TooManyExports`, `ExportedNamesTooLong` and
// `ModuleTooLarge`). `WasmtimeValidation` keeps the replica's wording although
// ic-exec validates with its own decoder and V8: users see IC text.
import type { CanisterId } from '../types/index.ts';
import { assertNever } from './bug.ts';
import { ErrorCode } from './error-code.ts';
import { type ErrorHelp, NO_HELP, TOOLCHAIN_HELP, formatErrorHelp, userHelp } from './error-help.ts';
import { type UserError, userError } from './user-error.ts';

/** A reason a Wasm module is invalid (the replica's `WasmValidationError`). */
export type WasmValidationError =
  | { readonly kind: 'WasmtimeValidation'; readonly message: string }
  | { readonly kind: 'DecodingError'; readonly message: string }
  | { readonly kind: 'InvalidFunctionSignature'; readonly message: string }
  | { readonly kind: 'InvalidImportSection'; readonly message: string }
  | { readonly kind: 'InvalidExportSection'; readonly message: string }
  | { readonly kind: 'DuplicateExport'; readonly name: string }
  | { readonly kind: 'TooManyExports'; readonly defined: number; readonly allowed: number }
  | { readonly kind: 'ExportedNamesTooLong'; readonly totalLength: number; readonly allowed: number }
  | { readonly kind: 'InvalidDataSection'; readonly message: string }
  | { readonly kind: 'InvalidCustomSection'; readonly message: string }
  | { readonly kind: 'InvalidGlobalSection'; readonly message: string }
  | { readonly kind: 'TooManyGlobals'; readonly defined: number; readonly allowed: number }
  | { readonly kind: 'TooManyFunctions'; readonly defined: number; readonly allowed: number }
  | { readonly kind: 'TooManyCustomSections'; readonly defined: number; readonly allowed: number }
  | { readonly kind: 'FunctionComplexityTooHigh'; readonly index: number; readonly complexity: number; readonly allowed: number }
  | { readonly kind: 'UnsupportedWasmInstruction'; readonly index: number; readonly instruction: string }
  | { readonly kind: 'FunctionTooLarge'; readonly index: number; readonly size: number; readonly allowed: number }
  | { readonly kind: 'CodeSectionTooLarge'; readonly size: number; readonly allowed: number }
  | { readonly kind: 'ModuleTooLarge'; readonly size: bigint; readonly allowed: bigint };

const SPLIT = 'Try breaking large functions up into multiple smaller functions.';
const SHRINK = 'using tools like `ic-wasm` or splitting the logic across multiple canisters.';
const EXPORT_KINDS = '`canister_update <name>`, `canister_query <name>`, or `canister_composite_query <name>`';

/** The message and help of a validation error (one exhaustive switch). */
export function explainWasmValidationError(e: WasmValidationError): { message: string; help: ErrorHelp } {
  switch (e.kind) {
    case 'WasmtimeValidation':
      return { message: `Wasmtime failed to validate wasm module ${e.message}`, help: TOOLCHAIN_HELP };
    case 'DecodingError':
      return { message: `Failed to decode wasm module: ${e.message}`, help: TOOLCHAIN_HELP };
    case 'InvalidFunctionSignature':
      return { message: `Wasm module has an invalid function signature. ${e.message}`, help: TOOLCHAIN_HELP };
    case 'InvalidImportSection':
      return { message: `Wasm module has an invalid import section. ${e.message}`, help: TOOLCHAIN_HELP };
    case 'InvalidExportSection':
      return { message: `Wasm module has an invalid export section. ${e.message}`, help: TOOLCHAIN_HELP };
    case 'DuplicateExport':
      return {
        message: `Duplicate function '${e.name}' exported multiple times with different call types: update, query, or composite_query.`,
        help: userHelp(
          `Try defining different versions of the function for each call type, e.g. \`${e.name}_update\`, \`${e.name}_query\`, etc.`,
          'wasm-module-duplicate-exports',
        ),
      };
    case 'TooManyExports':
      return {
        message: `The number of exported functions called ${EXPORT_KINDS} is ${e.defined} which exceeds ${e.allowed}.`,
        help: userHelp('Try combining multiple endpoints into a single endpoint.', 'wasm-module-exports-too-many-methods'),
      };
    case 'ExportedNamesTooLong':
      return {
        message: `The sum of \`<name>\` lengths in exported functions called ${EXPORT_KINDS} is ${e.totalLength} which exceeds the allowed limit of ${e.allowed}.`,
        help: userHelp('Try using shorter method names.', 'wasm-module-sum-of-exported-name-lengths-too-large'),
      };
    case 'InvalidDataSection':
      return { message: `Wasm module has an invalid data section. ${e.message}`, help: TOOLCHAIN_HELP };
    case 'InvalidCustomSection':
      return { message: `Wasm module has an invalid custom section. ${e.message}`, help: TOOLCHAIN_HELP };
    case 'InvalidGlobalSection':
      return { message: `Wasm module has an invalid global section. ${e.message}`, help: TOOLCHAIN_HELP };
    case 'TooManyGlobals':
      return {
        message: `Wasm module defined ${e.defined} globals which exceeds the maximum number allowed ${e.allowed}.`,
        // "structured" is the replica's word (sic).
        help: userHelp(
          'Try collecting multiple globals into a single structured which can be stored on the heap.',
          'wasm-module-too-many-globals',
        ),
      };
    case 'TooManyFunctions':
      return {
        message: `Wasm module defined ${e.defined} functions which exceeds the maximum number allowed ${e.allowed}.`,
        // "spliting" is the replica's spelling (sic).
        help: userHelp('Try spliting this canister into multiple canisters.', 'wasm-module-too-many-functions'),
      };
    case 'TooManyCustomSections':
      return {
        message: `Wasm module defined ${e.defined} custom sections which exceeds the maximum number allowed ${e.allowed}.`,
        help: TOOLCHAIN_HELP,
      };
    case 'FunctionComplexityTooHigh':
      return {
        message: `Wasm module contains a function at index ${e.index} with complexity ${e.complexity} which exceeds the maximum complexity allowed ${e.allowed}.`,
        help: userHelp(SPLIT, 'wasm-module-function-complexity-too-high'),
      };
    case 'UnsupportedWasmInstruction':
      return {
        message: `Wasm module contains a function at index ${e.index} with unsupported instruction ${e.instruction}.`,
        help: TOOLCHAIN_HELP,
      };
    case 'FunctionTooLarge':
      return {
        message: `Wasm module contains a function at index ${e.index} of size ${e.size} that exceeds the maximum allowed size of ${e.allowed}.`,
        help: userHelp(SPLIT, 'wasm-module-function-too-large'),
      };
    case 'CodeSectionTooLarge':
      return {
        message: `Wasm module code section size of ${e.size} exceeds the maximum allowed size of ${e.allowed}.`,
        help: userHelp(`Try shrinking the module code section ${SHRINK}`, 'wasm-module-code-section-too-large'),
      };
    case 'ModuleTooLarge':
      return {
        message: `Wasm module size of ${e.size} exceeds the maximum allowed size of ${e.allowed}.`,
        help: userHelp(`Try shrinking the module ${SHRINK}`, 'wasm-module-too-large'),
      };
    default:
      return assertNever(e, 'WasmValidationError');
  }
}

/** Prefix of every IC0505 detail (the replica's `HypervisorError::InvalidWasm` Display). */
export const INVALID_WASM_PREFIX = "Canister's Wasm module is not valid: ";

/**
 * Builds the IC0505 `UserError` for an invalid module.
 *
 * - `invalidWasm(message)` → `Canister's Wasm module is not valid: <message>`.
 * - With a structured {@link WasmValidationError}, the replica's wording and help text follow.
 * - With `canisterId`, the whole text is framed as the replica frames canister
 *   errors: `Error from Canister <id>: <detail>` (+ `.` and help on a new line).
 */
export function invalidWasm(reason: string | WasmValidationError, canisterId?: CanisterId): UserError {
  const { message, help } = typeof reason === 'string'
    ? { message: reason, help: NO_HELP }
    : explainWasmValidationError(reason);
  const detail = INVALID_WASM_PREFIX + message;
  const helpText = formatErrorHelp(help);
  const framed = canisterId === undefined ? detail : `Error from Canister ${canisterId.toText()}: ${detail}`;
  return userError(ErrorCode.CanisterInvalidWasm, helpText === '' ? framed : `${framed}.\n${helpText}`);
}
