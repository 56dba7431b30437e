// `SystemApi`: the state of one execution of a canister entry point as the
// `ic0` imports see it — its context (`ApiType`), the instance's memory and
// instruction counter, the reply under construction, the call under
// construction, stable memory and the system state — with one method per
// `ic0` call. Synchronous and deterministic: it reads nothing but what it is
// given. The methods live in family modules (api-*.ts); this class holds the
// state and the mechanisms they share:
//
// Instruction counter. The instrumented module exports the i64 global
// `canister counter_instructions`; it counts *down* from the slice limit.
// `charge(fee)` is the replica's `charge_direct_fee` (linker.rs): if the
// counter is already negative, or becomes negative after subtracting the
// fee, the execution is out of instructions. Instructions executed in the
// message = instructions of earlier slices + (slice limit − counter).
//
// Memory. `heap()` returns a view of the instance's memory, re-created when
// the memory grew (its buffer changed). Every host write into it is reported
// through `heapWritten(dst, size)` to the `onHeapWrite` listener, after the
// write (a call that traps before writing reports nothing); the hypervisor
// marks those pages dirty, as the instrumentation does for the canister's
// own stores.
import type { HypervisorError } from '../errors/index.ts';
import type { Ic0ImportName } from '../config/index.ts';
import { DIRTY_PAGE_OVERHEAD, WASM64_DIRTY_PAGE_OVERHEAD_MULTIPLIER } from '../config/index.ts';
import { numInstructions } from '../types/index.ts';
import type { ApiType } from './api-type.ts';
import { isAvailable, wrongModeError } from './availability.ts';
import { ExecutionState } from './execution-state.ts';
import { HostTrap } from './host-trap.ts';
import { type SystemApiResult, takeResult } from './result.ts';
import type { StableMemory } from './stable-memory.ts';
import type { SandboxSafeSystemState } from './system-state.ts';
import { SystemApiCalls } from './system-api-calls.ts';
import type { HeapAccess } from './heap.ts';

const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;
const NO_MEMORY = new Uint8Array(0);

/** What a session needs besides the Wasm instance. */
export interface SystemApiParams {
  readonly apiType: ApiType;
  readonly systemState: SandboxSafeSystemState;
  readonly stableMemory: StableMemory;
  /** Instructions the whole message may execute; named in the out-of-instructions error. */
  readonly messageInstructionLimit: bigint;
  /** The counter's value when the current slice began; defaults to the message limit. */
  readonly sliceInstructionLimit?: bigint;
  /** Instructions the message executed in earlier slices; defaults to 0. */
  readonly instructionsExecutedBeforeSlice?: bigint;
  /** Whether the module's memory is 64-bit (Wasm64 pays more per instruction and per dirty page). */
  readonly wasm64?: boolean;
  /**
   * Whether `debug_print` also prints (and charges for the printed bytes).
   * The replica prints only where debug-print rate limiting is off: system
   * subnets, and test setups such as PocketIC. Default: on for system subnets.
   */
  readonly debugPrintEnabled?: boolean;
  /** Receives printed `debug_print` messages. */
  readonly onDebugPrint?: (message: string) => void;
  /** Instructions per newly dirtied stable page; defaults to 1,000 (×4 for Wasm64). */
  readonly dirtyPageOverhead?: bigint;
  /** Told about every host write into the heap: `[dst, dst + size)`, after the write. */
  readonly onHeapWrite?: (dst: number, size: number) => void;
}

/** The state of one execution, with one method per `ic0` call (inherited from {@link SystemApiCalls}). */
export class SystemApi extends SystemApiCalls implements HeapAccess {
  readonly apiType: ApiType;
  readonly systemState: SandboxSafeSystemState;
  readonly stableMemory: StableMemory;
  readonly messageInstructionLimit: bigint;
  readonly wasm64: boolean;
  readonly debugPrintEnabled: boolean;
  readonly onDebugPrint: ((message: string) => void) | undefined;
  readonly dirtyPageOverhead: bigint;
  readonly onHeapWrite: ((dst: number, size: number) => void) | undefined;
  /** Mutable per-execution state: reply, call under construction, accepted cycles. */
  readonly exec: ExecutionState;
  #memory: () => Uint8Array = () => NO_MEMORY;
  #counter: WebAssembly.Global | undefined;
  #localCounter: bigint;
  #sliceLimit: bigint;
  #executedBefore: bigint;

  /** @param p the context, system state and limits of this execution. */
  constructor(p: SystemApiParams) {
    super();
    this.apiType = p.apiType;
    this.systemState = p.systemState;
    this.stableMemory = p.stableMemory;
    this.messageInstructionLimit = p.messageInstructionLimit;
    this.wasm64 = p.wasm64 ?? false;
    this.debugPrintEnabled = p.debugPrintEnabled ?? p.systemState.subnetType === 'system';
    this.onDebugPrint = p.onDebugPrint;
    this.dirtyPageOverhead = p.dirtyPageOverhead ?? DIRTY_PAGE_OVERHEAD * (this.wasm64 ? WASM64_DIRTY_PAGE_OVERHEAD_MULTIPLIER : 1n);
    this.onHeapWrite = p.onHeapWrite;
    this.#sliceLimit = p.sliceInstructionLimit ?? p.messageInstructionLimit;
    this.#executedBefore = p.instructionsExecutedBeforeSlice ?? 0n;
    this.#localCounter = this.#sliceLimit;
    this.exec = new ExecutionState(p.apiType, p.systemState.initialMemoryUsage);
  }

  protected override get api(): SystemApi {
    return this;
  }

  /**
   * Attaches the instance's memory (after instantiation). A `WebAssembly.Memory`
   * is viewed afresh whenever it grew; a function is called on every access.
   */
  setMemory(memory: WebAssembly.Memory | (() => Uint8Array)): void {
    if (typeof memory === 'function') {
      this.#memory = memory;
      return;
    }
    let buffer: ArrayBuffer | undefined;
    let view = NO_MEMORY;
    this.#memory = () => {
      if (memory.buffer !== buffer) {
        buffer = memory.buffer;
        view = new Uint8Array(buffer);
      }
      return view;
    };
  }

  /** The instance's memory as it is now. */
  heap(): Uint8Array {
    return this.#memory();
  }

  /** Reports a host write into `[dst, dst + size)` of the heap (see the module header). */
  heapWritten(dst: number, size: number): void {
    if (size > 0) this.onHeapWrite?.(dst, size);
  }

  /** Attaches the instrumented module's i64 global `canister counter_instructions`. */
  setCounterGlobal(global: WebAssembly.Global): void {
    this.#counter = global;
  }

  /** The instruction counter (instructions left in the slice; negative when out). */
  getCounter(): bigint {
    return this.#counter === undefined ? this.#localCounter : (this.#counter.value as bigint);
  }

  /** Sets the instruction counter (clamped to the i64 range). */
  setCounter(value: bigint): void {
    const v = value < I64_MIN ? I64_MIN : value > I64_MAX ? I64_MAX : value;
    if (this.#counter === undefined) this.#localCounter = v;
    else this.#counter.value = v;
  }

  /** Instructions executed in this message so far: earlier slices + this slice's `limit − counter`. */
  instructionsExecuted(): bigint {
    const inSlice = this.#sliceLimit - this.getCounter();
    return this.#executedBefore + (inSlice > 0n ? inSlice : 0n);
  }

  /**
   * Starts a new DTS slice: books the instructions of the one that ended and
   * resets the counter to `sliceLimit` (the replica's `out_of_instructions` on success).
   */
  startSlice(sliceLimit: bigint): void {
    const inSlice = this.#sliceLimit - this.getCounter();
    this.#executedBefore += inSlice > 0n ? inSlice : 0n;
    this.#sliceLimit = sliceLimit;
    this.setCounter(sliceLimit);
  }

  /**
   * Charges `fee` instructions before a call acts (`charge_direct_fee`).
   * @throws {HostTrap} `OutOfInstructions` if the counter is or becomes negative.
   */
  charge(fee: bigint): void {
    if (this.getCounter() < 0n) this.outOfInstructions();
    const after = this.getCounter() - fee;
    this.setCounter(after);
    if (after < 0n) this.outOfInstructions();
  }

  /** @throws {HostTrap} always: the execution ran out of instructions. */
  outOfInstructions(): never {
    // DTS: the hypervisor may instead pause here (and resume with a fresh slice).
    throw new HostTrap({ kind: 'OutOfInstructions', limit: numInstructions(this.messageInstructionLimit) });
  }

  /** @throws {HostTrap} if `name` may not be called in this context. */
  require(name: Ic0ImportName): void {
    if (!isAvailable(name, this.apiType)) throw new HostTrap(wrongModeError(name, this.apiType));
  }

  /** The wrong-mode error for `name` in this context. */
  wrongMode(name: Ic0ImportName): HypervisorError {
    return wrongModeError(name, this.apiType);
  }

  /**
   * Ends the session: the response and the system-state changes to apply,
   * or only the logs if `wasmError` says it trapped. Stable memory is left
   * to the caller (commit on success, roll back otherwise).
   */
  takeResult(wasmError?: HypervisorError): SystemApiResult {
    return takeResult(this.apiType, this.exec, this.systemState, wasmError);
  }
}
