/**
 * Deterministic time slicing (DTS): an execution whose instructions exceed
 * the slice limit pauses and continues in a later round, with the message's
 * total limit still enforced. The bookkeeping follows the replica's
 * `rs/canister_sandbox/src/dts.rs` exactly (see {@link SliceState}); the
 * pause itself uses JSPI instead of a blocked thread:
 *
 *     Wasm (run through WebAssembly.promising)
 *       counter < 0 at a check point → call __.out_of_instructions
 *         (a WebAssembly.Suspending import) → SliceController.outOfInstructions
 *           last slice?            → throw HostTrap(InstructionLimitExceeded)
 *           next slice would be 0? → throw HostTrap(SliceOverrun)
 *           else: book the slice, set the counter to the next slice's limit,
 *                 tell the waiting caller "paused" and return a promise
 *       ← JSPI suspends the Wasm stack; the promising call stays pending
 *     caller: resume() resolves that promise → the Wasm continues where it
 *             was (the injected code reloads the counter from the global);
 *             abort() rejects it → the Wasm unwinds, the instance is dropped.
 *
 * Nothing here waits on timers or I/O: promises are resolved directly by
 * the caller, so a resumed slice runs in the microtasks that follow.
 *
 * Charges made inside `ic0` calls (the replica may pause *inside* a System
 * API call) cannot suspend here, because `ic0` imports are plain functions
 * (JSPI-suspending imports cost ~100 ns per call even when they do not
 * suspend, plain ones ~8 ns). When such a charge runs out and the slice is
 * not the last one, the controller notes the counter at that point (a
 * pause is owed), the call completes, and the Wasm stack suspends at the
 * next check point (function entry or loop header, at most one basic block
 * later). The owed pause is booked at the noted counter, and the
 * instructions run since then count in the next slice, so slice accounting,
 * results and totals are exactly the replica's; only where the Wasm stack
 * physically stops moves by that block. An execution that returns while a
 * pause is owed books it at the end ({@link SliceController.settle}).
 */
import type { HypervisorError } from '../errors/index.ts';
import { MAX_NUM_SLICES } from '../config/index.ts';
import { numInstructions } from '../types/index.ts';
import { HostTrap } from '../system-api/index.ts';
import type { SystemApi } from '../system-api/index.ts';

const big = (n: bigint, lo: bigint, hi: bigint): bigint => (n < lo ? lo : n > hi ? hi : n);
const maxBig = (a: bigint, b: bigint): bigint => (a > b ? a : b);

/** The replica's DTS `State`: limits, instructions executed, slices left. */
export class SliceState {
  /** The limit named in `InstructionLimitExceeded`. */
  readonly reportedLimit: bigint;
  /** The instruction limit of all slices combined. */
  readonly totalLimit: bigint;
  /** The largest slice. */
  readonly maxSliceLimit: bigint;
  /** The current slice's limit (the counter's value when it began). */
  sliceLimit: bigint;
  /** Instructions executed in the slices before the current one. */
  executed = 0n;
  /** Slices left, including the current one. */
  slicesLeft: bigint;

  /**
   * @param totalLimit instructions of all slices combined.
   * @param maxSliceLimit instructions per slice.
   * @param reportedLimit the limit to name in errors (defaults to `totalLimit`).
   */
  constructor(totalLimit: bigint, maxSliceLimit: bigint, reportedLimit = totalLimit) {
    this.reportedLimit = reportedLimit;
    this.totalLimit = totalLimit;
    this.maxSliceLimit = maxSliceLimit < totalLimit ? maxSliceLimit : totalLimit;
    this.sliceLimit = this.maxSliceLimit;
    const slices = totalLimit / maxBig(this.maxSliceLimit, 1n);
    const maxSlices = slices < BigInt(MAX_NUM_SLICES) ? slices : BigInt(MAX_NUM_SLICES);
    this.slicesLeft = big(2n * maxSlices, 4n, BigInt(MAX_NUM_SLICES));
  }

  /** Instructions of the total limit not yet used by finished slices. */
  totalLeft(): bigint {
    return this.totalLimit - this.executed;
  }

  /** Whether the current slice can reach the total limit (then running out is final). */
  isLastSlice(): boolean {
    return this.sliceLimit >= this.totalLeft() || this.slicesLeft <= 1n;
  }

  /** Instructions executed in the current slice when the counter reads `counter`. */
  newlyExecuted(counter: bigint): bigint {
    return maxBig(this.sliceLimit - counter, 0n);
  }

  /**
   * The next slice's limit: a full slice minus this slice's overshoot,
   * within what is left of the total (as `totalLeft()` reads now: the
   * replica calls this before booking the slice to detect an overrun, and
   * after booking it to set the limit).
   */
  nextSliceLimit(counter: bigint): bigint {
    const carryOver = maxBig(this.newlyExecuted(counter) - this.sliceLimit, 0n);
    return big(this.maxSliceLimit - carryOver, 0n, maxBig(this.totalLeft(), 0n));
  }

  /**
   * The replica's `try_pause`: books the slice and returns the next slice's
   * limit, or the error that ends the execution.
   */
  tryPause(counter: bigint): { ok: true; executedInSlice: bigint; nextSlice: bigint } | { ok: false; error: HypervisorError } {
    if (this.isLastSlice()) return { ok: false, error: { kind: 'InstructionLimitExceeded', limit: numInstructions(this.reportedLimit) } };
    const executedInSlice = this.newlyExecuted(counter);
    if (this.nextSliceLimit(counter) === 0n) {
      return { ok: false, error: { kind: 'SliceOverrun', instructions: numInstructions(executedInSlice), limit: numInstructions(this.maxSliceLimit) } };
    }
    this.executed += executedInSlice;
    const nextSlice = this.nextSliceLimit(counter); // carry-over still measured against the old slice limit
    this.sliceLimit = nextSlice;
    this.slicesLeft -= 1n;
    return { ok: true, executedInSlice, nextSlice };
  }

  /**
   * Instructions of the whole execution when it ends with the counter at
   * `counter`, at most the total limit. A negative counter (the last block
   * ran past the slice's end without reaching a check point) counts in full.
   * The replica caps each slice's count at the slice's limit, which drops
   * those few instructions when that happens in a *final* slice, so there a
   * sliced run would be charged less than the unsliced one; counting them
   * keeps the two equal (the deviation is at most one basic block).
   */
  totalExecuted(counter: bigint): bigint {
    const total = this.executed + this.sliceLimit - counter;
    return total < this.totalLimit ? total : this.totalLimit;
  }
}

/** Thrown into a paused Wasm stack to unwind it when the execution is aborted. */
export class AbortedExecution extends Error {
  constructor() {
    super('DTS: execution aborted');
    this.name = 'AbortedExecution';
  }
}

/** Called when the execution pauses, with the instructions of the slice that ended. */
export type PauseListener = (executedInSlice: bigint) => void;

/**
 * Runs the `out_of_instructions` import of one execution and holds the
 * paused Wasm stack's continuation. One per execution.
 */
export class SliceController {
  readonly slices: SliceState;
  readonly #api: SystemApi;
  #continue: { resolve: () => void; reject: (e: Error) => void } | undefined;
  #onPause: PauseListener | undefined;
  /** The counter where an `ic0` charge ran out, while the pause it owes is pending. */
  #owedAt: bigint | undefined;

  constructor(slices: SliceState, api: SystemApi) {
    this.slices = slices;
    this.#api = api;
  }

  /** Whether the execution is paused (waiting for {@link resume} or {@link abort}). */
  get paused(): boolean {
    return this.#continue !== undefined;
  }

  /** Who to tell about the next pause. */
  set onPause(listener: PauseListener | undefined) {
    this.#onPause = listener;
  }

  /**
   * An `ic0` charge ran out: pause at the next check point unless this is
   * the last slice (then the charge traps, as in the replica).
   * @returns whether the pause was deferred.
   */
  deferPause(): boolean {
    if (this.slices.isLastSlice()) return false;
    this.#owedAt ??= this.#api.getCounter();
    return true;
  }

  /**
   * The `__.out_of_instructions` import: traps (throws) or pauses (returns
   * the promise the Wasm stack waits on). Only the promising path can pause;
   * on the plain path the first slice is the last, so this always throws.
   * @throws {HostTrap} `InstructionLimitExceeded` or `SliceOverrun`.
   */
  outOfInstructions(): Promise<void> {
    const now = this.#api.getCounter();
    const at = this.#owedAt ?? now;
    this.#owedAt = undefined;
    const r = this.slices.tryPause(at);
    if (!r.ok) throw new HostTrap(r.error);
    this.#api.setCounter(at);
    this.#api.startSlice(r.nextSlice);
    this.#api.setCounter(r.nextSlice - (at - now)); // what ran since an owed pause counts in the new slice
    const waiting = new Promise<void>((resolve, reject) => { this.#continue = { resolve, reject }; });
    this.#onPause?.(r.executedInSlice);
    return waiting;
  }

  /**
   * Books a pause still owed when the execution ended (it returned or
   * trapped before reaching a check point) and returns the counter as the
   * replica's next slice would read it, or the error the owed pause fails
   * with. Without an owed pause: the counter as it is.
   */
  settle(counter: bigint): { ok: true; counter: bigint; paused: boolean } | { ok: false; error: HypervisorError } {
    const at = this.#owedAt;
    if (at === undefined) return { ok: true, counter, paused: false };
    this.#owedAt = undefined;
    const r = this.slices.tryPause(at);
    if (!r.ok) return r;
    return { ok: true, counter: r.nextSlice - (at - counter), paused: true };
  }

  /** Continues the paused Wasm stack with the next slice. */
  resume(): void {
    const c = this.#take();
    c.resolve();
  }

  /** Unwinds the paused Wasm stack (it throws {@link AbortedExecution} where it waited). */
  abort(): void {
    const c = this.#take();
    c.reject(new AbortedExecution());
  }

  #take(): { resolve: () => void; reject: (e: Error) => void } {
    const c = this.#continue;
    if (c === undefined) throw new Error('DTS: the execution is not paused');
    this.#continue = undefined;
    return c;
  }
}
