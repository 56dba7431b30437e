/**
 * What a Wasm call threw, as the replica's `HypervisorError`.
 *
 * - `HostTrap` (an `ic0` or injected import trapped): its error.
 * - `WebAssembly.RuntimeError`: V8's message names the trap; it is mapped to
 *   wasmtime's trap names and then through `hypervisorErrorOfEngineTrap`, so
 *   users see the replica's words. V8 reports a null table entry and a
 *   signature mismatch of `call_indirect` with the same message ("null
 *   function or function signature mismatch"); we report it as a call to
 *   null (`Trapped: unknown`, what C's null function pointers produce),
 *   since the two cannot be told apart after the fact.
 * - `RangeError: Maximum call stack size exceeded`: `stack overflow`. The
 *   stack budget (stack-budget.ts) exists so that this never happens; when
 *   it does, the result is flagged (`hazard`) for the caller to report.
 * - Anything else is a bug of the host, not of the canister: it becomes a
 *   `WasmEngineError` and is flagged too.
 */
import type { EngineTrap, HypervisorError } from '../errors/index.ts';
import { hypervisorErrorOfEngineTrap } from '../errors/index.ts';
import { HostTrap } from '../system-api/index.ts';

/** The error of a failed Wasm call; `hazard` marks outcomes that may not be deterministic. */
export interface CaughtTrap {
  readonly error: HypervisorError;
  readonly hazard?: string;
}

const V8_TRAPS: ReadonlyArray<readonly [string, EngineTrap]> = [
  ['unreachable', 'UnreachableCodeReached'],
  ['memory access out of bounds', 'MemoryOutOfBounds'],
  ['divide by zero', 'IntegerDivisionByZero'],
  ['remainder by zero', 'IntegerDivisionByZero'],
  ['divide result unrepresentable', 'IntegerOverflow'],
  ['float unrepresentable in integer range', 'BadConversionToInteger'],
  ['table index is out of bounds', 'TableOutOfBounds'],
  ['null function or function signature mismatch', 'IndirectCallToNull'],
  ['data segment out of bounds', 'MemoryOutOfBounds'],
  ['element segment out of bounds', 'TableOutOfBounds'],
  ['operation does not support unaligned accesses', 'MemoryOutOfBounds'],
];

/** The engine trap a V8 `RuntimeError` message names (`Other` if unknown). */
export function engineTrapOfMessage(message: string): EngineTrap {
  for (const [text, trap] of V8_TRAPS) if (message.startsWith(text)) return trap;
  return 'Other';
}

/** Classifies what a Wasm call threw. */
export function caughtTrap(thrown: unknown): CaughtTrap {
  if (thrown instanceof HostTrap) return { error: thrown.error };
  if (thrown instanceof WebAssembly.RuntimeError) return { error: hypervisorErrorOfEngineTrap(engineTrapOfMessage(thrown.message)) };
  if (thrown instanceof RangeError && /call stack/i.test(thrown.message)) {
    return { error: hypervisorErrorOfEngineTrap('StackOverflow'), hazard: 'V8 stack overflow: the stack budget did not hold' };
  }
  const message = thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : String(thrown);
  return { error: { kind: 'WasmEngineError', message }, hazard: `unexpected exception from Wasm: ${message}` };
}
