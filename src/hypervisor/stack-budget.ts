/**
 * The Wasm stack budget: how many bytes of *estimated* stack a canister may
 * use before it traps with `stack overflow` (set into the instrumented
 * module's `__stack_budget` global before every execution).
 *
 * Why a budget. V8 throws `RangeError: Maximum call stack size exceeded`
 * when its real stack runs out, at a depth that depends on the tier a
 * function was compiled with (Liftoff frames are about twice TurboFan's;
 * TurboFan inlines), on what the host already has on the stack and on the
 * thread. That is not deterministic. The instrumentation instead charges
 * each function that can recurse its own frame *estimate* on entry (at
 * least 1.2× V8's frame in either tier on the shapes measured; such
 * functions are sealed against V8's inlining: see
 * src/wasm/instrument/stack.ts and the header of src/wasm/instrument.ts)
 * and traps deterministically when the budget would go below zero. So the
 * recursion depth at which a canister traps depends only on the module and
 * the constants here.
 *
 * Choosing it. Wasm runs on a V8 stack of {@link WASM_STACK_BYTES}: the
 * thread's own stack for the plain path (984 KiB on the main thread; worker
 * threads get `resourceLimits.stackSizeMb`, 4 MiB by default) and a JSPI
 * stack for the sliced path (984 KiB: V8's `--wasm-stack-switching-stack-size`
 * default). Below the Wasm frames the host keeps
 * {@link HOST_STACK_RESERVE_BYTES} for its own frames (the caller's frames
 * on the plain path; `ic0` import handlers, which run on top of the Wasm
 * frames; V8's guard slack). The module's `stackHeadroomBytes` covers the
 * frames the instrumentation does not charge (functions on no call cycle,
 * at most once each on a stack, below, between and above the recursion).
 * So
 *
 *     budget = WASM_STACK_BYTES − HOST_STACK_RESERVE_BYTES − stackHeadroomBytes
 *            = 728 KiB − headroom
 *
 * and, since estimates are at least the real frame sizes, the real Wasm
 * stack never exceeds 728 KiB. Both constants are part of the deterministic
 * protocol (they decide where recursion traps): raising them needs every
 * stack raised (worker `stackSizeMb` and `--wasm-stack-switching-stack-size`;
 * on Node 24.21 a JSPI stack is also bounded by V8's `--stack-size`, so
 * raising the JSPI flag alone changes nothing).
 * Results are therefore the same in-process and in any worker.
 * A `RangeError` from V8 is therefore a bug in these numbers; the hypervisor
 * still maps it to `stack overflow`, and reports it as a determinism hazard.
 *
 * For comparison: a simple recursive function with a few locals has an
 * estimate of 100–150 bytes, so it may recurse ~5,000–7,000 times (Motoko's
 * `func depth(n : Nat) : Nat { if (n == 0) 0 else 1 + depth(n - 1) }`:
 * 5,602 levels, 128 bytes each); the replica's 5 MiB wasmtime stack allows
 * several times that. Deep-recursion canisters trap earlier here than on
 * the IC, but always at the same depth.
 */

/** The V8 stack Wasm runs on, bytes (the smallest of the stacks it may run on). */
export const WASM_STACK_BYTES = 984 * 1024;
/** Stack kept for host frames (callers, `ic0` handlers, V8 slack), bytes. */
export const HOST_STACK_RESERVE_BYTES = 256 * 1024;

/**
 * The `__stack_budget` for a module with the given uncharged headroom:
 * `WASM_STACK_BYTES − HOST_STACK_RESERVE_BYTES − headroom`, at least 0 (a
 * module whose uncharged chains alone exceed the stack traps on its first
 * charged call).
 */
export function stackBudget(stackHeadroomBytes: number): number {
  return Math.max(0, WASM_STACK_BYTES - HOST_STACK_RESERVE_BYTES - stackHeadroomBytes);
}

/**
 * `resourceLimits.stackSizeMb` of sandbox workers: Node's default (4 MiB),
 * well above the 1 MiB plus {@link HOST_STACK_RESERVE_BYTES} the plain path
 * needs (Node keeps ~192 KiB of the thread's stack from V8). The Wasm stack
 * budget does not change with it: recursion traps at the same depth as on
 * the main thread.
 */
export const WORKER_STACK_MB = 4;
