// `HypervisorError`: how a Wasm execution failed, as a value. Host imports
// throw it inside a `HostTrap` to unwind the Wasm stack; everything else
// passes it around as data. `toUserError` turns it into the `UserError` users
// see, word for word as the replica.
//
// Source: `dfinity/ic` `rs/interfaces/src/execution_environment/errors.rs`,
// 2026 version (the one with `ToolchainContractViolation`,
// `UserContractViolation`, backtraces and environment-variable errors):
// `Display for HypervisorError`, `AsErrorHelp for HypervisorError` and
// `HypervisorError::into_user_error`. The description is
//   `Error from Canister <id>: <detail>.\n<help>`   when there is help, else
//   `Error from Canister <id>: <detail>`.
// Details that already end in `.` therefore show `..` before the help; that
// is the replica's output, kept on purpose.
import type { CanisterId, Cycles, NumBytes, NumInstructions } from '../types/index.ts';
import { assertNever, InternalBug } from './bug.ts';
import { ErrorCode } from './error-code.ts';
import {
  type ErrorHelp,
  INTERNAL_HELP,
  NO_HELP,
  TOOLCHAIN_HELP,
  displayCycles,
  formatErrorHelp,
  userHelp,
} from './error-help.ts';
import type { TrapCode } from './trap-code.ts';
import { type UserError, userError } from './user-error.ts';
import { type WasmValidationError, INVALID_WASM_PREFIX, explainWasmValidationError } from './wasm-validation-error.ts';

/** The kind of exported method that was not found. */
export type MethodKind = 'update' | 'query' | 'composite_query' | 'system';

/** One frame of a canister backtrace: function index and, if known, its name. */
export interface BacktraceFrame {
  readonly index: number;
  readonly name?: string;
}

/** Why a Wasm execution failed (the replica's `HypervisorError`). */
export type HypervisorError =
  | { readonly kind: 'FunctionNotFound'; readonly tableIndex: number; readonly functionIndex: number }
  | { readonly kind: 'MethodNotFound'; readonly methodKind: MethodKind; readonly name: string }
  /** A System API contract broken by the compiler or CDK rather than the developer. */
  | { readonly kind: 'ToolchainContractViolation'; readonly message: string }
  /** A System API contract broken by the canister (the replica's `UserContractViolation`). */
  | { readonly kind: 'ContractViolation'; readonly message: string; readonly suggestion?: string; readonly docAnchor?: string }
  | { readonly kind: 'InstructionLimitExceeded'; readonly limit: NumInstructions }
  /**
   * The metering counter ran out (ic-exec's signal from the `out_of_instructions`
   * import). The hypervisor turns it into a DTS pause or into
   * `InstructionLimitExceeded`; should it reach a user it reads the same.
   */
  | { readonly kind: 'OutOfInstructions'; readonly limit: NumInstructions }
  | { readonly kind: 'InvalidWasm'; readonly error: WasmValidationError | string }
  | { readonly kind: 'InstrumentationFailed'; readonly message: string; readonly internal: boolean }
  | { readonly kind: 'Trapped'; readonly trapCode: TrapCode; readonly backtrace?: readonly BacktraceFrame[] }
  | { readonly kind: 'CalledTrap'; readonly message: string; readonly backtrace?: readonly BacktraceFrame[] }
  | { readonly kind: 'WasmModuleNotFound' }
  | { readonly kind: 'OutOfMemory' }
  | { readonly kind: 'InvalidPrincipalId'; readonly message: string }
  | { readonly kind: 'MessageRejected' }
  | {
    readonly kind: 'InsufficientCyclesBalance';
    readonly canisterId: CanisterId;
    readonly available: Cycles;
    readonly requested: Cycles;
    readonly threshold: Cycles;
    readonly revealTopUp: boolean;
  }
  | { readonly kind: 'Cleanup'; readonly callbackErr: HypervisorError; readonly cleanupErr: HypervisorError }
  | { readonly kind: 'WasmEngineError'; readonly message: string }
  | { readonly kind: 'ReservedPagesForOldMotoko' }
  /** DTS aborted the execution; internal only, never shown to users. */
  | { readonly kind: 'Aborted' }
  | { readonly kind: 'SliceOverrun'; readonly instructions: NumInstructions; readonly limit: NumInstructions }
  | { readonly kind: 'MemoryAccessLimitExceeded'; readonly message: string }
  | {
    readonly kind: 'InsufficientCyclesInMemoryGrow';
    readonly bytes: NumBytes;
    readonly available: Cycles;
    readonly threshold: Cycles;
    readonly revealTopUp: boolean;
  }
  | { readonly kind: 'ReservedCyclesLimitExceededInMemoryGrow'; readonly bytes: NumBytes; readonly requested: Cycles; readonly limit: Cycles }
  | {
    readonly kind: 'InsufficientCyclesInMessageMemoryGrow';
    readonly bytes: NumBytes;
    readonly available: Cycles;
    readonly threshold: Cycles;
    readonly revealTopUp: boolean;
  }
  | { readonly kind: 'WasmMemoryLimitExceeded'; readonly bytes: NumBytes; readonly limit: NumBytes }
  | { readonly kind: 'EnvironmentVariableIndexOutOfBounds'; readonly index: number; readonly length: number }
  | { readonly kind: 'EnvironmentVariableNotFound'; readonly name: string };

/** The parts of a user-visible error: code, the `Display` text, and help. */
export interface ErrorParts {
  readonly code: ErrorCode;
  readonly detail: string;
  readonly help: ErrorHelp;
}

const E = ErrorCode;
const sub = (a: bigint, b: bigint): bigint => (a > b ? a - b : 0n); // Cycles subtract saturating.

const TRAP_HELP = 'Consider gracefully handling failures from this canister or altering the canister to handle exceptions.';
const TOP_UP_HELP = 'Try topping up the canister.';

function withBacktrace(text: string, backtrace: readonly BacktraceFrame[] | undefined): string {
  if (backtrace === undefined) return text;
  const lines = backtrace.map((f) => `${f.name ?? `unknown function at index ${f.index}`}\n`).join('');
  return `${text}\nCanister Backtrace:\n${lines}`;
}

function topUp(reveal: boolean, threshold: bigint, available: bigint): string {
  return reveal ? ` At least ${displayCycles(sub(threshold, available))} additional cycles are required.` : '';
}

/**
 * Code, detail text and help of a hypervisor error — one exhaustive switch
 * mirroring the replica's `Display`, `AsErrorHelp` and `into_user_error`.
 * @throws {InternalBug} for `Aborted`, which must never reach a user.
 */
export function explainHypervisorError(err: HypervisorError): ErrorParts {
  switch (err.kind) {
    case 'FunctionNotFound':
      return {
        code: E.CanisterFunctionNotFound,
        detail: `Canister requested to invoke a non-existent Wasm function ${err.functionIndex} from table ${err.tableIndex}`,
        help: TOOLCHAIN_HELP,
      };
    case 'MethodNotFound':
      return {
        code: E.CanisterMethodNotFound,
        detail: `Canister has no ${err.methodKind} method '${err.name}'.`,
        help: userHelp('Check that the method being called is exported by the target canister.', 'method-not-found'),
      };
    case 'ToolchainContractViolation':
      return { code: E.CanisterContractViolation, detail: `Canister violated contract: ${err.message}`, help: TOOLCHAIN_HELP };
    case 'ContractViolation':
      return {
        code: E.CanisterContractViolation,
        detail: `Canister violated contract: ${err.message}`,
        help: userHelp(err.suggestion ?? '', err.docAnchor ?? ''),
      };
    case 'InstructionLimitExceeded':
    case 'OutOfInstructions':
      return {
        code: E.CanisterInstructionLimitExceeded,
        detail: `Canister exceeded the limit of ${err.limit} instructions for single message execution.`,
        help: userHelp(
          'Try optimizing this method to consume fewer instructions or split the work across multiple messages.',
          'instruction-limit-exceeded',
        ),
      };
    case 'InvalidWasm': {
      const { message, help } = typeof err.error === 'string'
        ? { message: err.error, help: NO_HELP }
        : explainWasmValidationError(err.error);
      return { code: E.CanisterInvalidWasm, detail: INVALID_WASM_PREFIX + message, help };
    }
    case 'InstrumentationFailed':
      return {
        code: E.CanisterInvalidWasm,
        detail: `Could not instrument wasm module of canister: ${err.message}`,
        help: err.internal ? INTERNAL_HELP : TOOLCHAIN_HELP,
      };
    case 'Trapped':
      return {
        code: E.CanisterTrapped,
        detail: withBacktrace(`Canister trapped: ${err.trapCode}`, err.backtrace),
        help: userHelp(TRAP_HELP, 'trapped'),
      };
    case 'CalledTrap':
      return {
        code: E.CanisterCalledTrap,
        detail: withBacktrace(`Canister called \`ic0.trap\` with message: '${err.message}'`, err.backtrace),
        help: userHelp(TRAP_HELP, 'trapped-explicitly'),
      };
    case 'WasmModuleNotFound':
      return {
        code: E.CanisterWasmModuleNotFound,
        detail: 'Attempted to execute a message, but the canister contains no Wasm module.',
        help: userHelp('Please install code to this canister before calling it.', 'wasm-module-not-found'),
      };
    case 'OutOfMemory':
      return {
        code: E.CanisterOutOfMemory,
        detail: 'Canister cannot grow its memory usage.',
        help: userHelp(
          "Check the canister's memory usage against its allocation and the system wide limits to determine why more memory cannot be allocated.",
          'out-of-memory',
        ),
      };
    case 'InvalidPrincipalId':
      return { code: E.CanisterContractViolation, detail: 'Canister provided invalid principal id', help: TOOLCHAIN_HELP };
    case 'MessageRejected':
      return { code: E.CanisterRejectedMessage, detail: 'Canister rejected the message', help: NO_HELP };
    case 'InsufficientCyclesBalance': {
      const id = err.canisterId.toText();
      const detail = err.revealTopUp
        ? `Canister ${id} is out of cycles: please top up the canister with at least ${displayCycles(sub(err.threshold + err.requested, err.available))} additional cycles`
        : `Canister ${id} is out of cycles`;
      return { code: E.CanisterContractViolation, detail, help: NO_HELP };
    }
    case 'Cleanup': {
      const callback = explainHypervisorError(err.callbackErr);
      const cleanup = explainHypervisorError(err.cleanupErr);
      return {
        code: callback.code,
        detail: `${callback.detail}\n\ncall_on_cleanup also failed:\n\n${cleanup.detail}`,
        help: NO_HELP,
      };
    }
    case 'WasmEngineError':
      return { code: E.CanisterWasmEngineError, detail: `Canister encountered a Wasm engine error: ${err.message}`, help: NO_HELP };
    case 'ReservedPagesForOldMotoko':
      return {
        code: E.CanisterOutOfMemory,
        detail: 'Canister tried to allocate pages reserved for upgrading older versions of Motoko.',
        help: userHelp('Upgrade the canister to the latest version of Motoko.', 'reserved-pages-for-old-motoko'),
      };
    case 'Aborted':
      throw new InternalBug('an Aborted (DTS) execution reached the user; it must be handled before leaving the hypervisor');
    case 'SliceOverrun':
      return {
        code: E.CanisterInstructionLimitExceeded,
        detail: `Canister attempted to perform a large memory operation that used ${err.instructions} instructions and exceeded the slice limit ${err.limit}.`,
        help: userHelp('Try breaking up large copies within the canister code into smaller chunks.', 'slice-overrun'),
      };
    case 'MemoryAccessLimitExceeded':
      return {
        code: E.CanisterMemoryAccessLimitExceeded,
        detail: `Canister exceeded memory access limits: ${err.message}`,
        help: userHelp(
          "Try optimizing the use of stable memory so that individual messages don't need to access as much stable memory.",
          'memory-access-limit-exceeded',
        ),
      };
    case 'InsufficientCyclesInMemoryGrow':
      return {
        code: E.InsufficientCyclesInMemoryGrow,
        detail: `Canister cannot grow memory by ${err.bytes} bytes due to insufficient cycles.${topUp(err.revealTopUp, err.threshold, err.available)}`,
        help: userHelp(TOP_UP_HELP, 'insufficient-cycles-in-memory-grow'),
      };
    case 'ReservedCyclesLimitExceededInMemoryGrow':
      return {
        code: E.ReservedCyclesLimitExceededInMemoryGrow,
        detail: `Canister cannot grow memory by ${err.bytes} bytes due to its reserved cycles limit. `
          + `The current limit (${displayCycles(err.limit)}) would be exceeded by ${displayCycles(sub(err.requested, err.limit))}.`,
        help: userHelp("Try increasing the canister's reserved cycles limit.", 'reserved-cycles-limit-exceeded-in-memory-grow'),
      };
    case 'InsufficientCyclesInMessageMemoryGrow':
      return {
        code: E.InsufficientCyclesInMessageMemoryGrow,
        detail: `Canister cannot grow message memory by ${err.bytes} bytes due to insufficient cycles.${topUp(err.revealTopUp, err.threshold, err.available)}`,
        help: userHelp(TOP_UP_HELP, 'insufficient-cycles-in-message-memory-grow'),
      };
    case 'WasmMemoryLimitExceeded':
      return {
        code: E.CanisterWasmMemoryLimitExceeded,
        detail: `Canister exceeded its current Wasm memory limit of ${err.limit} bytes. `
          + `The peak Wasm memory usage was ${err.bytes} bytes. `
          + 'If the canister reaches 4GiB, then it may stop functioning and may become unrecoverable. '
          + 'Please reach out to the canister owner to investigate the reason for the increased memory usage. '
          + 'It might be necessary to move data from the Wasm memory to the stable memory. '
          + 'If such high Wasm memory usage is expected and safe, then the developer can increase '
          + 'the Wasm memory limit in the canister settings.',
        help: userHelp(
          'Try checking the canister for a possible memory leak or modifying it to use more stable memory instead of Wasm memory.',
          'wasm-memory-limit-exceeded',
        ),
      };
    case 'EnvironmentVariableIndexOutOfBounds':
      return {
        code: E.CanisterContractViolation,
        detail: `Environment variable index ${err.index} is out of bounds. The number of environment variables is ${err.length}.`,
        help: NO_HELP,
      };
    case 'EnvironmentVariableNotFound':
      return { code: E.CanisterContractViolation, detail: `Environment variable ${err.name} not found.`, help: NO_HELP };
    default:
      return assertNever(err, 'HypervisorError');
  }
}

/**
 * The `UserError` for a failed execution on `canisterId`, worded exactly as
 * the replica's `HypervisorError::into_user_error`.
 * @throws {InternalBug} for `Aborted`.
 * @example toUserError({ kind: 'Trapped', trapCode: TrapCode.Unreachable }, id).code === ErrorCode.CanisterTrapped
 */
export function toUserError(err: HypervisorError, canisterId: CanisterId): UserError {
  const { code, detail, help } = explainHypervisorError(err);
  const helpText = formatErrorHelp(help);
  const head = `Error from Canister ${canisterId.toText()}: ${detail}`;
  return userError(code, helpText === '' ? head : `${head}.\n${helpText}`);
}
