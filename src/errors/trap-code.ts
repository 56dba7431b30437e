// Wasm trap codes as the replica reports them, and how engine-level traps map
// onto them.
//
// Source: `dfinity/ic` `rs/interfaces/src/execution_environment/errors.rs`
// (`TrapCode` and its `Display`; unchanged from 2024 to the 2026 version) and
// `rs/embedders/src/wasmtime_embedder.rs` (`trap_code_to_hypervisor_error`).
// The replica folds integer overflow, invalid float-to-int conversion and
// calls through a null table entry into `unknown`, and reports an indirect
// call with the wrong signature as a toolchain contract violation. We do the
// same, so V8's finer distinctions never reach users.
import type { HypervisorError } from './hypervisor-error.ts';

/** The replica's trap codes; each value is the text users see after `Canister trapped: `. */
export const TrapCode = {
  StackOverflow: 'stack overflow',
  HeapOutOfBounds: 'heap out of bounds',
  StableMemoryOutOfBounds: 'stable memory out of bounds',
  StableMemoryTooBigFor32Bit: '32 bit stable memory api used on a memory larger than 4GB',
  IntegerDivByZero: 'integer division by 0',
  Unreachable: 'unreachable',
  TableOutOfBounds: 'table out of bounds',
  CyclesAmountTooBigFor64Bit: 'cycles amount exceeds 64-bit representation',
  Other: 'unknown',
} as const;
/** One of the replica's trap codes, as its display text. */
export type TrapCode = (typeof TrapCode)[keyof typeof TrapCode];

/**
 * A trap as a Wasm engine reports it (wasmtime's `Trap` names). The hypervisor
 * translates V8's trap messages into these before calling
 * {@link hypervisorErrorOfEngineTrap}.
 */
export type EngineTrap =
  | 'StackOverflow'
  | 'MemoryOutOfBounds'
  | 'TableOutOfBounds'
  | 'IndirectCallToNull'
  | 'BadSignature'
  | 'IntegerOverflow'
  | 'IntegerDivisionByZero'
  | 'BadConversionToInteger'
  | 'UnreachableCodeReached'
  | 'Other';

/** The contract-violation text for an indirect call with the wrong signature (`BAD_SIGNATURE_MESSAGE`). */
export const BAD_SIGNATURE_MESSAGE = 'function invocation does not match its signature';

const TRAP_CODE_OF_ENGINE_TRAP: Readonly<Record<Exclude<EngineTrap, 'BadSignature'>, TrapCode>> = {
  StackOverflow: TrapCode.StackOverflow,
  MemoryOutOfBounds: TrapCode.HeapOutOfBounds,
  TableOutOfBounds: TrapCode.TableOutOfBounds,
  IntegerDivisionByZero: TrapCode.IntegerDivByZero,
  UnreachableCodeReached: TrapCode.Unreachable,
  IndirectCallToNull: TrapCode.Other,
  IntegerOverflow: TrapCode.Other,
  BadConversionToInteger: TrapCode.Other,
  Other: TrapCode.Other,
};

/**
 * The hypervisor error for an engine trap, as the replica builds it.
 * @example hypervisorErrorOfEngineTrap('IntegerOverflow') // Trapped with 'unknown'
 */
export function hypervisorErrorOfEngineTrap(trap: EngineTrap): HypervisorError {
  if (trap === 'BadSignature') {
    return { kind: 'ToolchainContractViolation', message: BAD_SIGNATURE_MESSAGE };
  }
  return { kind: 'Trapped', trapCode: TRAP_CODE_OF_ENGINE_TRAP[trap] };
}
