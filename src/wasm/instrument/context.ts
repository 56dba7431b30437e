/**
 * What the per-function rewriter needs to know about the instrumented
 * module: the index spaces after injection, the injected items and the
 * variant of each injected sequence.
 */
import type { FuncType, ValType } from '../types.ts';

/** How the instruction counter is kept inside a function. */
export type CounterMode = 'local' | 'global';
/** How a store marks the bytemap: one byte per touched page, a two-page `store16`, or not at all. */
export type BarrierMode = 'exact' | 'pair' | 'none';

/** The helpers the rewriter may call; each is created on first use. */
export type HelperKind =
  | { kind: 'decr' }
  | { kind: 'grow' }
  | { kind: 'fill' }
  | { kind: 'copy' }
  | { kind: 'init'; segment: number }
  | { kind: 'mark' }
  | { kind: 'v128save' }
  | { kind: 'v128restore' };

/** A defined function's unmetered twin, as its callers see it (see the header of `../instrument.ts`). */
export interface Twin {
  /** The twin's function index. */
  readonly index: number;
  /** The whole cost of the original: its single block, entry included. */
  readonly cost: number;
  /** The body may trap (the counter must be stored before calling it). */
  readonly traps: boolean;
}

/** Module facts and injected indices shared by all function bodies. */
export interface Layout {
  /** Memory 0 is 64-bit (addresses, sizes and `memory.grow` deltas are i64). */
  readonly wasm64: boolean;
  /** The address value type: i32 or i64. */
  readonly addrType: ValType;
  /** Module types (including appended ones). */
  readonly types: FuncType[];
  /** Type index of each function in the original index space. */
  readonly funcTypes: Uint32Array;
  /** Function imports of the original module (their indices do not move). */
  readonly importedFuncs: number;
  /** Injected function imports (defined functions shift by this). */
  readonly injectedImports: number;
  /** Injected imports' function indices. */
  readonly outOfInstructions: number;
  readonly internalTrap: number;
  /** Injected globals. */
  readonly counterGlobal: number;
  readonly stackGlobal: number;
  /** The bytemap memory's index, or -1 when the module has no memory. */
  readonly dirtyMemory: number;
  /** Index type of each table (true: table64), for the size operand of table bulk operations. */
  readonly table64: boolean[];
  /** Mutable v128 globals and their 16-byte save slots in the bytemap memory (JS cannot read v128 globals). */
  readonly v128Globals: ReadonlyArray<readonly [global: number, offset: number]>;
  /** Largest heap in bytes: stores whose static offset reaches past it always trap. */
  readonly maxHeapBytes: number;
  readonly counter: CounterMode;
  readonly barrier: BarrierMode;
  /** Whether a call to a twin is preceded by the callee's entry check (the replica's exact `out_of_instructions` points). */
  readonly twinEntryChecks: boolean;
  /**
   * Charged functions only: sealed copies (never inlined by V8) that their
   * direct calls go to instead of the function with this (new) index.
   */
  readonly sealed?: ReadonlyMap<number, number>;
  /** The unmetered twin that direct calls to this original function index go to, if any. */
  twin(index: number): Twin | undefined;
  /** Returns the function index of a helper, creating it on first use. */
  helper(h: HelperKind): number;
  /** Returns a type index for `[] -> results` (for a multi-value function-body block). */
  blockTypeFor(results: ValType[]): number;
}

/** Where a direct call to the function with this new index goes: its sealed copy in charged functions, else itself. */
export function callTarget(layout: Layout, index: number): number {
  return layout.sealed?.get(index) ?? index;
}

/** The new index of an original function index. */
export function shiftFunc(layout: Layout, index: number): number {
  return index < layout.importedFuncs ? index : index + layout.injectedImports;
}
