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
 * not the last one, the call completes and the pause happens at the next
 * check point (function entry or loop header, at most one basic block
 * later). Results, memory and the instruction total are the same; only the
 * slice boundary moves by that block.
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

  /** Instructions of the whole execution when it ends with the counter at `counter` (a negative counter counts as 0 left). */
  totalExecuted(counter: bigint): bigint {
    return this.executed + this.sliceLimit - (counter > 0n ? counter : 0n);
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
   * The `__.out_of_instructions` import: traps (throws) or pauses (returns
   * the promise the Wasm stack waits on). Only the promising path can pause;
   * on the plain path the first slice is the last, so this always throws.
   * @throws {HostTrap} `InstructionLimitExceeded` or `SliceOverrun`.
   */
  outOfInstructions(): Promise<void> {
    const r = this.slices.tryPause(this.#api.getCounter());
    if (!r.ok) throw new HostTrap(r.error);
    this.#api.startSlice(r.nextSlice);
    const waiting = new Promise<void>((resolve, reject) => { this.#continue = { resolve, reject }; });
    this.#onPause?.(r.executedInSlice);
    return waiting;
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
