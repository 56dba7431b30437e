/**
 * V8 settings for canister code, applied once per process (or worker) by
 * {@link configureEngine} before the first `new WebAssembly.Module` in
 * `src/wasm` (the compile cache calls it in its constructor, the V8 check
 * of validation before it compiles). V8 flags are process-wide, and Node
 * keeps them writable after start-up (`--no-freeze-flags-after-init` is
 * its default): a flag set here governs every later compile, including
 * TurboFan tier-ups. Checked on Node 24.21 (V8 13.6) with
 * `--trace-wasm-inlining` on the Motoko EOP bench module: set at run time,
 * the inlining cap goes from 700 to 7,000 wire bytes and the inlined calls
 * from 40 to 145, the same as with the flags on the command line.
 * Benchmark suite (header of `instrument.ts`): median slowdown 1.58×
 * without these flags, 1.25× with them (Motoko mapInsert 1.83× → 1.25×,
 * hash 1.27× → 1.15×, sieve 1.58× → 1.42×).
 *
 * Every flag changes speed only, never a result:
 * - `--experimental-wasm-branch-hinting`: V8 reads the
 *   `metadata.code.branch_hint` custom section that the instrumentation
 *   writes (its checks are unlikely) and lays out code accordingly. A hint
 *   is a layout preference; both arms of a branch stay compiled and taken
 *   as the operands decide. A malformed, duplicated or misplaced hint
 *   section is ignored, never a compile error (tested on this V8 in
 *   `engine.test.ts`), so validation of canister modules, which compiles
 *   them in V8, accepts and rejects the same modules with the flag as
 *   without it.
 * - `--wasm-inlining-budget=50000`, `--wasm-inlining-factor=30`: how much
 *   TurboFan inlines Wasm into Wasm (V8 picks direct-call targets by wire
 *   size and call counts; instrumented callees are about twice their
 *   original size, and Motoko code lives on small helpers). Inlining is a
 *   semantics-preserving transformation: the same operators run in the same
 *   order with the same traps. What it can change is the native stack a call
 *   chain occupies, and that is not observable here: canisters get a
 *   deterministic stack budget whose frame estimates bound V8's frames
 *   (`instrument/stack.ts`; the functions charged to it are sealed, too
 *   large for V8 to inline into anything or anything into them, and an
 *   uncharged function's estimate in the headroom includes what V8 may
 *   inline into it: the header of `instrument.ts`). The sealing relies on
 *   V8's `--wasm-inlining-max-size` (500 bytes) and on Liftoff-first
 *   tiering, V8's defaults, which this file leaves alone.
 *
 * Checked: the corpus test (plain and instrumented runs give the same
 * replies, traps, heap, globals and counts) passes with each flag alone
 * and with all three, also with TurboFan forced early
 * (`--wasm-tiering-budget=100`), and so do the instrumentation tests
 * (the stack-depth ones included); the corpus test itself runs under these
 * flags, and the hypervisor's tests get them through the compile cache.
 *
 * Flags that could change results are never set here (e.g. NaN or SIMD
 * lowering, stack size, memory limits, experimental features that accept
 * more modules).
 */
import { setFlagsFromString } from 'node:v8';

/** The flags {@link configureEngine} applies. */
export const ENGINE_FLAGS: readonly string[] = [
  '--experimental-wasm-branch-hinting',
  '--wasm-inlining-budget=50000',
  '--wasm-inlining-factor=30',
  '--liftoff',
  '--wasm-inlining-max-size=500',
  '--no-wasm-inlining-call-indirect',
];

let configured = false;

/**
 * Applies {@link ENGINE_FLAGS} to V8, once per isolate (the flags are
 * process-wide; a worker setting them again writes the same values). Call
 * before compiling canister code.
 */
export function configureEngine(): void {
  if (configured) return;
  configured = true;
  setFlagsFromString(ENGINE_FLAGS.join(' '));
}

/** Whether {@link configureEngine} ran in this isolate. */
export function engineConfigured(): boolean {
  return configured;
}
