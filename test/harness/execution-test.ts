// `ExecutionTestBuilder` / `ExecutionTest`: scenario tests of the hypervisor
// in the shape of the IC's test harness (rs/test_utilities/execution_environment),
// not its code. The harness owns a few canisters (execution state, balance,
// certified data, timer, version, log, call contexts) and applies results as
// the state machine will: commit on success, nothing but logs on a trap.
//
//   const test = new ExecutionTestBuilder().withInstructionLimit(1_000_000n).build();
//   const id = await test.canisterFromWat(wat);
//   const r = await test.ingress(id, 'inc', new Uint8Array());       // r.reply, r.error, r.pending
//   const [call] = test.outgoingCalls(id);                            // inter-canister calls made
//   await test.respond(call, await test.executeCall(call));           // deliver, run the callback
//   test.advanceTime(5_000_000_000n); await test.runGlobalTimer(id);
//
// Time is a field the test advances, never a clock. Messages run every
// slice to completion unless started with `submitIngress` (then
// `executeSlice` / `abortPaused` step them).
import { Hypervisor } from '../../src/hypervisor/index.ts';
import type { EntryPoint, ExecuteOutcome, ExecutionLimits, ExecutionResult, PausedExecution } from '../../src/hypervisor/index.ts';
import type { ApiType } from '../../src/system-api/index.ts';
import { APPLICATION_SUBNET_SCHEDULER_CONFIG, DEFAULT_WASM_MEMORY_LIMIT } from '../../src/config/index.ts';
import type { SubnetType } from '../../src/config/index.ts';
import { CanisterId, PrincipalId, SubnetId, cycles, time } from '../../src/types/index.ts';
import type { Time } from '../../src/types/index.ts';
import { compileMotoko } from '../corpus/motoko.ts';
import type { MotokoOptions } from '../corpus/motoko.ts';
import { watToWasm } from '../corpus/wat.ts';
import { USER, applyResult, systemStateOf } from './test-canister.ts';
import { installCanister, upgradeCanister } from './install.ts';
import type { UpgradeOptions } from './install.ts';
import { outcome } from './outcome.ts';
import type { MessageOutcome, SliceOutcome } from './outcome.ts';
import type { CallContext, CallOrigin, HarnessEnvironment, RecordedCall, Response, TestCanister } from './test-canister.ts';
import { CallRouter } from './calls.ts';

export type { RecordedCall, Response, TestCanister } from './test-canister.ts';

export type { MessageOutcome, SliceOutcome } from './outcome.ts';

const cfg = APPLICATION_SUBNET_SCHEDULER_CONFIG;

/** Knobs of {@link ExecutionTest}, each with the replica's default. */
export class ExecutionTestBuilder {
  #instructionLimit: bigint = cfg.maxInstructionsPerMessage;
  #sliceLimit: bigint | undefined = cfg.maxInstructionsPerSlice;
  #queryLimit: bigint = cfg.maxInstructionsPerQueryMessage;
  #installLimit: bigint = cfg.maxInstructionsPerInstallCode;
  #installSlice: bigint = cfg.maxInstructionsPerInstallCodeSlice;
  #time = 1_700_000_000_000_000_000n;
  #balance = 100_000_000_000_000n;
  #wasmMemoryLimit: bigint = DEFAULT_WASM_MEMORY_LIMIT;
  #subnetType: SubnetType = 'application';
  #debugPrint = false;
  #debugPrintLimit: number | undefined;
  #hypervisor: Hypervisor | undefined;

  /** Instructions per update message (all slices). */
  withInstructionLimit(n: bigint): this { this.#instructionLimit = n; return this; }
  /** Instructions per DTS slice of updates (and install code). */
  withSliceLimit(n: bigint): this { this.#sliceLimit = n; this.#installSlice = n; return this; }
  /** Instructions per query. */
  withQueryInstructionLimit(n: bigint): this { this.#queryLimit = n; return this; }
  /** Instructions of one install (start + init, or pre_upgrade + start + post_upgrade). */
  withInstallInstructionLimit(n: bigint): this { this.#installLimit = n; return this; }
  /** The batch time, nanoseconds since the epoch. */
  withTime(t: bigint): this { this.#time = t; return this; }
  /** Cycles every new canister gets. */
  withBalance(c: bigint): this { this.#balance = c; return this; }
  /** Wasm memory limit of new canisters, bytes (0 = none). */
  withWasmMemoryLimit(bytes: bigint): this { this.#wasmMemoryLimit = bytes; return this; }
  withSubnetType(t: SubnetType): this { this.#subnetType = t; return this; }
  /** Whether `debug_print` also prints (`result.debugPrints`) and is charged for it, as on system subnets and PocketIC. */
  withDebugPrint(on: boolean, maxCharsPerExecution?: number): this {
    this.#debugPrint = on;
    this.#debugPrintLimit = maxCharsPerExecution;
    return this;
  }
  /** Share a hypervisor (and its compile cache) between tests. */
  withHypervisor(hv: Hypervisor): this { this.#hypervisor = hv; return this; }

  build(): ExecutionTest {
    return new ExecutionTest({
      hypervisor: this.#hypervisor ?? defaultHypervisor(),
      update: { message: this.#instructionLimit, ...(this.#sliceLimit === undefined ? {} : { slice: this.#sliceLimit }) },
      query: { message: this.#queryLimit },
      install: { message: this.#installLimit, slice: this.#installSlice },
      time: this.#time, balance: this.#balance, wasmMemoryLimit: this.#wasmMemoryLimit, subnetType: this.#subnetType,
      debugPrint: this.#debugPrint,
      debugPrintLimit: this.#debugPrintLimit,
    });
  }
}

let shared: Hypervisor | undefined;
/**
 * A new in-process hypervisor; or, with `IC_EXEC_TEST_WORKERS=n` in the
 * environment, one hypervisor with a pool of n workers shared by the whole
 * test process (to run the hypervisor suites against the pool).
 */
function defaultHypervisor(): Hypervisor {
  const workers = Number(process.env.IC_EXEC_TEST_WORKERS ?? '0');
  if (workers === 0) return new Hypervisor();
  return (shared ??= new Hypervisor({ workers }));
}

interface TestConfig {
  readonly hypervisor: Hypervisor;
  readonly update: ExecutionLimits;
  readonly query: ExecutionLimits;
  readonly install: { readonly message: bigint; readonly slice: bigint };
  readonly time: bigint;
  readonly balance: bigint;
  readonly wasmMemoryLimit: bigint;
  readonly subnetType: SubnetType;
  readonly debugPrint: boolean;
  readonly debugPrintLimit: number | undefined;
}

export { USER } from './test-canister.ts';

/** Canisters, time and messages of one scenario (see the module header). */
export class ExecutionTest {
  readonly hypervisor: Hypervisor;
  readonly env: HarnessEnvironment;
  /** The batch time, nanoseconds since the epoch. */
  time: Time;
  readonly #cfg: TestConfig;
  readonly #canisters = new Map<string, TestCanister>();
  readonly #paused = new Map<string, { paused: PausedExecution; finish: (r: ExecutionResult) => Promise<MessageOutcome> }>();
  readonly #router: CallRouter;
  #nextCanister = 1n;
  #nextContext = 1n;

  constructor(config: TestConfig) {
    this.#cfg = config;
    this.hypervisor = config.hypervisor;
    this.time = time(config.time);
    this.env = { subnetId: SubnetId.fromUint8Array(Uint8Array.of(0x53, 0x55, 0x42, 1)), subnetType: config.subnetType, controller: USER };
    this.#router = new CallRouter(this);
  }

  // ---- canisters -------------------------------------------------------

  /** Installs a WAT module; runs its start function and `canister_init(initArg)`. */
  async canisterFromWat(text: string, opts: { initArg?: Uint8Array } = {}): Promise<CanisterId> {
    return this.canisterFromWasm(await watToWasm(text), opts);
  }

  /** Compiles a Motoko actor (mo:core) and installs it. */
  async canisterFromMotoko(source: string, opts: { initArg?: Uint8Array } & MotokoOptions = {}): Promise<CanisterId> {
    return this.canisterFromWasm(await compileMotoko(source, opts), opts);
  }

  /** Installs a module (raw or gzipped). @throws {UserErrorException} if compiling, start or init fails. */
  async canisterFromWasm(wasm: Uint8Array, opts: { initArg?: Uint8Array } = {}): Promise<CanisterId> {
    const id = CanisterId.fromU64(this.#nextCanister++);
    const canister = await installCanister(this, id, wasm, { balance: this.#cfg.balance, wasmMemoryLimit: this.#cfg.wasmMemoryLimit, ...opts });
    this.#canisters.set(id.toText(), canister);
    return id;
  }

  /**
   * Upgrades a canister: `canister_pre_upgrade` on the old module, a new
   * state (stable memory kept; the heap too with `wasmMemoryPersistence:
   * 'keep'`), its start function, then `canister_post_upgrade(arg)`.
   * Atomic: on any failure the canister is left as it was.
   * @throws {UserErrorException} with the failing step's error.
   */
  async upgrade(id: CanisterId, wasm: Uint8Array, opts: UpgradeOptions = {}): Promise<void> {
    await upgradeCanister(this, this.canisterState(id), wasm, opts);
  }

  /** Instruction limits of install code (start + init, or the upgrade steps together). */
  get installLimits(): { readonly message: bigint; readonly slice: bigint } {
    return this.#cfg.install;
  }

  /** The harness's state of a canister. @throws {Error} for an unknown id. */
  canisterState(id: CanisterId): TestCanister {
    const c = this.#canisters.get(id.toText());
    if (c === undefined) throw new Error(`no canister ${id.toText()}`);
    return c;
  }

  /** Whether `id` is a canister of this test. */
  hasCanister(id: CanisterId): boolean {
    return this.#canisters.has(id.toText());
  }

  /** Moves time forward. */
  advanceTime(nanos: bigint): void {
    this.time = time(this.time + nanos);
  }

  // ---- messages --------------------------------------------------------

  /** An ingress update, run slice by slice to the end. */
  async ingress(id: CanisterId, method: string, arg: Uint8Array, opts: { caller?: PrincipalId } = {}): Promise<MessageOutcome> {
    let step = await this.submitIngress(id, method, arg, opts);
    while (step.kind === 'paused') step = await this.executeSlice(id);
    return step;
  }

  /** Starts an ingress update and runs its first slice (then `executeSlice` / `abortPaused`). */
  async submitIngress(id: CanisterId, method: string, arg: Uint8Array, opts: { caller?: PrincipalId } = {}): Promise<SliceOutcome> {
    const c = this.canisterState(id);
    const ctx = this.newCallContext(c, { kind: 'ingress' }, opts.caller ?? USER, 0n);
    const apiType: ApiType = { kind: 'update', time: this.time, caller: ctx.caller, arg, incomingCycles: cycles(0n), callContextId: ctx.id };
    return this.startMessage(c, ctx, { kind: 'update', method }, apiType);
  }

  /** Runs the next slice of the canister's paused message. */
  async executeSlice(id: CanisterId): Promise<SliceOutcome> {
    const p = this.#paused.get(id.toText());
    if (p === undefined) throw new Error(`canister ${id.toText()} has no paused execution`);
    this.#paused.delete(id.toText());
    return this.#step(id, await p.paused.resume(), p.finish);
  }

  /** Aborts the canister's paused message; its state stays as before the message. */
  abortPaused(id: CanisterId): void {
    const p = this.#paused.get(id.toText());
    if (p === undefined) throw new Error(`canister ${id.toText()} has no paused execution`);
    this.#paused.delete(id.toText());
    p.paused.abort();
  }

  /** A non-replicated query; changes are discarded. */
  async query(id: CanisterId, method: string, arg: Uint8Array, opts: { caller?: PrincipalId } = {}): Promise<MessageOutcome> {
    const c = this.canisterState(id);
    const apiType: ApiType = { kind: 'nonReplicatedQuery', time: this.time, caller: opts.caller ?? USER, arg };
    const result = await this.runToCompletion(c, { kind: 'query', method }, apiType, this.#cfg.query);
    return outcome(c, result, undefined);
  }

  /** A composite query (non-replicated); its calls are recorded, its changes discarded. */
  async compositeQuery(id: CanisterId, method: string, arg: Uint8Array, opts: { caller?: PrincipalId } = {}): Promise<MessageOutcome> {
    const c = this.canisterState(id);
    const apiType: ApiType = { kind: 'compositeQuery', time: this.time, caller: opts.caller ?? USER, arg, callContextId: 0n };
    const result = await this.runToCompletion(c, { kind: 'compositeQuery', method }, apiType, this.#cfg.query);
    return outcome(c, result, undefined);
  }

  /** Runs `canister_inspect_message` for an ingress to `method`; `error` is set when the canister did not accept it. */
  async inspectMessage(id: CanisterId, method: string, arg: Uint8Array, opts: { caller?: PrincipalId } = {}): Promise<MessageOutcome> {
    const c = this.canisterState(id);
    const apiType: ApiType = { kind: 'inspectMessage', time: this.time, caller: opts.caller ?? USER, arg, methodName: method };
    const result = await this.runToCompletion(c, { kind: 'inspectMessage' }, apiType, { message: 200_000_000n });
    return outcome(c, result, undefined);
  }

  /** Runs `canister_global_timer` if the timer is due (deactivating it first); `undefined` if it is not. */
  async runGlobalTimer(id: CanisterId): Promise<MessageOutcome | undefined> {
    const c = this.canisterState(id);
    if (c.globalTimer === 0n || c.globalTimer > this.time) return undefined;
    c.globalTimer = 0n;
    return this.#systemTask(c, 'globalTimer');
  }

  /** Runs `canister_heartbeat`. */
  async heartbeat(id: CanisterId): Promise<MessageOutcome> {
    return this.#systemTask(this.canisterState(id), 'heartbeat');
  }

  /** Runs `canister_on_low_wasm_memory` (the harness does not evaluate the hook's condition). */
  async onLowWasmMemory(id: CanisterId): Promise<MessageOutcome> {
    return this.#systemTask(this.canisterState(id), 'onLowWasmMemory');
  }

  async #systemTask(c: TestCanister, task: 'globalTimer' | 'heartbeat' | 'onLowWasmMemory'): Promise<MessageOutcome> {
    const ctx = this.newCallContext(c, { kind: 'system' }, PrincipalId.fromUint8Array(new Uint8Array(0)), 0n);
    const step = await this.startMessage(c, ctx, { kind: task }, { kind: 'systemTask', task, time: this.time, callContextId: ctx.id });
    return step.kind === 'paused' ? this.#finishPaused(c.id) : step;
  }

  async #finishPaused(id: CanisterId): Promise<MessageOutcome> {
    let step: SliceOutcome;
    do step = await this.executeSlice(id); while (step.kind === 'paused');
    return step;
  }

  // ---- inter-canister calls (calls.ts) ---------------------------------

  /** Outgoing calls waiting for a response (all canisters, or one). */
  outgoingCalls(from?: CanisterId): RecordedCall[] {
    return this.#router.pending(from);
  }

  /** Delivers a call to a canister of this test and runs it; its response (a reply, a reject, or pending). */
  async executeCall(call: RecordedCall): Promise<Response | { pending: true }> {
    return this.#router.execute(call);
  }

  /** Delivers `response` to a call: runs its reply or reject callback (and cleanup if that traps). */
  async respond(call: RecordedCall, response: Response): Promise<MessageOutcome> {
    return this.#router.respond(call, response);
  }

  /** Delivers calls between this test's canisters and their responses until none is left. */
  async processCalls(): Promise<number> {
    return this.#router.drain();
  }

  // ---- shared by calls.ts ------------------------------------------------

  /** Opens a call context on `c`. */
  newCallContext(c: TestCanister, origin: CallOrigin, caller: PrincipalId, cyclesAttached: bigint): CallContext {
    const ctx: CallContext = { id: this.#nextContext++, origin, caller, availableCycles: cyclesAttached, replied: false, outstanding: 0, instructions: 0n };
    c.callContexts.set(ctx.id, ctx);
    return ctx;
  }

  /** Limits of an update-like message. */
  get updateLimits(): ExecutionLimits {
    return this.#cfg.update;
  }

  /** Runs a message's first slice; applies and settles it when it finishes. */
  async startMessage(c: TestCanister, ctx: CallContext, entryPoint: EntryPoint, apiType: ApiType, onRecorded?: (calls: RecordedCall[]) => void): Promise<SliceOutcome> {
    if (this.#paused.has(c.id.toText())) throw new Error(`canister ${c.id.toText()} has a paused execution`);
    const out = await this.hypervisor.execute(this.#input(c, entryPoint, apiType, this.#cfg.update));
    const finish = async (result: ExecutionResult): Promise<MessageOutcome> => {
      const calls = applyResult(c, ctx, result);
      this.#router.record(calls);
      onRecorded?.(calls);
      return outcome(c, result, ctx);
    };
    return this.#step(c.id, out, finish);
  }

  async #step(id: CanisterId, out: ExecuteOutcome, finish: (r: ExecutionResult) => Promise<MessageOutcome>): Promise<SliceOutcome> {
    if (out.kind === 'paused') {
      this.#paused.set(id.toText(), { paused: out.paused, finish });
      return { kind: 'paused', sliceInstructions: out.paused.sliceInstructions };
    }
    return finish(out.result);
  }

  /** Runs an entry point on `c`'s state through all slices; applies nothing. */
  async runToCompletion(c: TestCanister, entryPoint: EntryPoint, apiType: ApiType, limits: ExecutionLimits): Promise<ExecutionResult> {
    let out = await this.hypervisor.execute(this.#input(c, entryPoint, apiType, limits));
    while (out.kind === 'paused') out = await out.paused.resume();
    return out.result;
  }

  #input(c: TestCanister, entryPoint: EntryPoint, apiType: ApiType, limits: ExecutionLimits) {
    return {
      canisterId: c.id, state: c.execution, entryPoint, apiType, systemState: systemStateOf(c, this.env), limits,
      wasmMemoryLimit: c.wasmMemoryLimit, debugPrint: this.#cfg.debugPrint,
      ...(this.#cfg.debugPrintLimit === undefined ? {} : { debugPrintLimit: this.#cfg.debugPrintLimit }),
    };
  }
}

