/**
 * `install_code`'s execution in modes install, reinstall and upgrade (the
 * replica's `execution/install_code.rs`, `install.rs`, `upgrade.rs`; the
 * management canister's Candid and checks are src/management's):
 *
 *   prepay execution_cost(install limit, 300B)  → IC0207 "Canister installation failed with `…`."
 *   install / reinstall                          upgrade
 *     install on a non-empty canister → IC0514     empty canister → IC0537
 *                                                  canister_pre_upgrade (old code) unless skipped
 *     compile (IC0505), charge its cost            compile (IC0505), charge its cost
 *                                                  EOP: `wasm_memory_persistence` rules
 *     new state (data segments)                    new state: stable memory kept, heap kept with `keep`
 *     clear certified data and the log
 *     deactivate the timer, bump the version, record the change in the canister history
 *     (start)                                      (start)
 *     canister_init(arg)                           canister_post_upgrade(arg)
 *   refund what was not used
 *
 * All steps share one instruction limit and run on a copy of the canister;
 * the copy replaces the canister at the commit point, so a trap anywhere
 * (or any error) leaves it as it was, but for the prepayment's per-message
 * fee, the instructions used, and the log records of the steps that ran.
 * The steps run every slice within this call (install_code is not paused
 * between rounds here); each slice counts against the round.
 */
import type { HypervisorError, UserError } from '../errors/index.ts';
import { ErrorCode, docRef, toUserError, userError } from '../errors/index.ts';
import { outOfCyclesMessage } from '../cycles/index.ts';
import type { CanisterOutOfCyclesError } from '../cycles/index.ts';
import type { EntryPoint } from '../hypervisor/index.ts';
import type { CanisterChangeOrigin, CanisterState, ExecutionState } from '../state/index.ts';
import type { ApiType, CanisterLogRecord } from '../system-api/index.ts';
import type { PrincipalId } from '../types/index.ts';
import type { CompiledModule } from '../wasm/index.ts';
import { CanisterId } from '../types/index.ts';
import { chargeRound, instructions, isWasm64, runEntry, systemStateInit, usageOf } from './common.ts';
import type { Env } from './common.ts';
import type { InstallCodeArgs, InstallCodeResult, RoundContext } from './types.ts';

/** The custom section that marks a module using enhanced orthogonal persistence. */
export const ENHANCED_ORTHOGONAL_PERSISTENCE_SECTION = 'icp:private enhanced-orthogonal-persistence';

/** Whether a module uses enhanced orthogonal persistence (Motoko's default): it has the EOP custom section. */
export function usesEnhancedOrthogonalPersistence(compiled: CompiledModule): boolean {
  return WebAssembly.Module.customSections(compiled.module, ENHANCED_ORTHOGONAL_PERSISTENCE_SECTION).length > 0;
}

function withHelp(code: ErrorCode, text: string, suggestion: string, anchor: string): UserError {
  return userError(code, `${text}\n${suggestion} See documentation: ${docRef(anchor)}`);
}

function notEnoughCycles(e: CanisterOutOfCyclesError): UserError {
  return withHelp(ErrorCode.CanisterOutOfCycles, `Canister installation failed with \`${outOfCyclesMessage(e)}\`.`,
    'Top up the canister with more cycles.', 'install-code-not-enough-cycles');
}

function nonEmpty(id: CanisterId): UserError {
  return withHelp(ErrorCode.CanisterNonEmpty,
    `Canister ${id.toText()} cannot be installed because the canister is not empty. Try installing with mode='reinstall' instead.`,
    "Check that you want to overwrite the canister and, if so, use mode='reinstall'.", 'canister-not-empty');
}

/** Who made the change: a canister (opaque 10-byte id ending in 0x01) or a user. */
function originOf(sender: PrincipalId): CanisterChangeOrigin {
  const b = sender.bytesView();
  return b.length === 10 && b[9] === 0x01
    ? { kind: 'fromCanister', canisterId: CanisterId.fromPrincipalId(sender) }
    : { kind: 'fromUser', userId: sender };
}

/** One install_code: the copy it works on and what it used so far. */
class InstallRun {
  readonly helper: CanisterState;
  left: bigint;
  readonly logs: CanisterLogRecord[] = [];
  readonly #env: Env;
  readonly #round: RoundContext;
  readonly #slice: bigint;
  readonly #limit: bigint;

  constructor(env: Env, canister: CanisterState, round: RoundContext) {
    this.#env = env;
    this.#round = round;
    this.#limit = env.config.maxInstructionsPerInstallCode;
    this.#slice = env.config.maxInstructionsPerInstallCodeSlice;
    this.helper = canister.clone();
    this.left = this.#limit;
  }

  /** Charges instructions (compilation) to this install_code and the round. */
  charge(n: bigint): void {
    this.left = this.left > n ? this.left - n : 0n;
    chargeRound(this.#round, n);
  }

  /** The batch time. */
  get time(): RoundContext['time'] {
    return this.#round.time;
  }

  /** Runs one step to the end on the copy and keeps its changes; its error otherwise. */
  async step(entryPoint: EntryPoint, apiType: ApiType): Promise<HypervisorError | undefined> {
    const state = this.helper.executionState as ExecutionState;
    let out = await runEntry(this.#env, this.helper, state, entryPoint, apiType, systemStateInit(this.#env, this.helper),
      { message: this.left, slice: this.#slice < this.left ? this.#slice : this.left, reported: this.#limit });
    let counted = 0n;
    while (out.kind === 'paused') {
      chargeRound(this.#round, out.paused.sliceInstructions);
      counted += out.paused.sliceInstructions;
      out = await out.paused.resume();
    }
    const r = out.result;
    chargeRound(this.#round, r.instructionsExecuted - counted);
    this.left = this.left > r.instructionsExecuted ? this.left - r.instructionsExecuted : 0n;
    this.logs.push(...r.modifications.canisterLog);
    if (r.error !== undefined) return r.error;
    this.helper.executionState = r.state;
    this.helper.systemState.applyModifications(r.modifications, { time: this.#round.time, bumpCanisterVersion: false });
    return undefined;
  }
}

/** Executes install_code (see the module header). */
export async function executeInstallCode(env: Env, canister: CanisterState, args: InstallCodeArgs, round: RoundContext): Promise<InstallCodeResult> {
  const limit = env.config.maxInstructionsPerInstallCode;
  const wasm64 = isWasm64(canister);
  const sys = canister.systemState;
  const prepay = env.cycles.prepayExecutionCycles(sys, usageOf(canister), limit, { revealTopUp: sys.isController(args.sender), wasm64 });
  if (!prepay.ok) return { ok: false, error: notEnoughCycles(prepay.error), canister };
  const run = new InstallRun(env, canister, round);

  const fail = (error: UserError): InstallCodeResult => {
    canister.systemState.canisterLog.append(run.logs);
    canister.systemState.applyIngressInductionCyclesDebit();
    env.cycles.refundUnusedExecutionCycles(canister.systemState, run.left, limit, prepay.prepaid, wasm64);
    return { ok: false, error, canister };
  };
  const failWith = (error: HypervisorError): InstallCodeResult => fail(toUserError(error, canister.canisterId));

  const error = typeof args.mode === 'string' ? await install(env, run, canister, args, args.mode) : await upgrade(env, run, canister, args);
  if (error !== undefined) return 'kind' in error ? failWith(error) : fail(error);

  // ---- commit point: every step succeeded; nothing below can fail ----
  canister.systemState = run.helper.systemState;
  canister.executionState = run.helper.executionState;
  canister.systemState.applyIngressInductionCyclesDebit();
  env.cycles.refundUnusedExecutionCycles(canister.systemState, run.left, limit, prepay.prepaid, wasm64);
  return { ok: true, canister, instructionsUsed: instructions(limit - run.left) };
}

/** Compiles the new module, charging its compilation cost. */
function compile(env: Env, run: InstallRun, canister: CanisterState, wasm: Uint8Array): { compiled: CompiledModule } | UserError {
  const r = env.hypervisor.compile(wasm, canister.canisterId);
  if (!r.ok) return r.error;
  run.charge(r.compiled.output.compilationCost);
  return { compiled: r.compiled };
}

/** The bookkeeping of a new module: timer off, version bumped, the change recorded (and, for install, data and log cleared). */
function recordDeployment(run: InstallRun, args: InstallCodeArgs, mode: 'install' | 'reinstall' | 'upgrade', hash: string, time: bigint): void {
  const sys = run.helper.systemState;
  if (mode !== 'upgrade') {
    sys.certifiedData = new Uint8Array(0);
    sys.canisterLog.clear();
  }
  sys.globalTimer = 0n;
  sys.canisterVersion += 1n;
  sys.addCanisterChange(time, originOf(args.sender), { kind: 'codeDeployment', mode, moduleHash: Uint8Array.from(Buffer.from(hash, 'hex')) });
}

async function install(
  env: Env, run: InstallRun, canister: CanisterState, args: InstallCodeArgs, mode: 'install' | 'reinstall',
): Promise<UserError | HypervisorError | undefined> {
  if (mode === 'install' && canister.executionState !== undefined) return nonEmpty(canister.canisterId);
  const c = compile(env, run, canister, args.wasmModule);
  if (!('compiled' in c)) return c;
  run.helper.executionState = env.hypervisor.createExecutionState(canister.canisterId, c.compiled);
  const time = run.time;
  recordDeployment(run, args, mode, c.compiled.hash, time);
  return await run.step({ kind: 'start' }, { kind: 'start', time })
    ?? await run.step({ kind: 'init' }, { kind: 'init', time, caller: args.sender, arg: args.arg });
}

async function upgrade(env: Env, run: InstallRun, canister: CanisterState, args: InstallCodeArgs): Promise<UserError | HypervisorError | undefined> {
  const options = typeof args.mode === 'string' ? {} : args.mode.upgrade;
  const old = canister.executionState;
  if (old === undefined) return { kind: 'WasmModuleNotFound' };
  const time = run.time;
  if (options.skipPreUpgrade !== true) {
    const err = await run.step({ kind: 'preUpgrade' }, { kind: 'preUpgrade', time, caller: args.sender });
    if (err !== undefined) return err;
  }
  const c = compile(env, run, canister, args.wasmModule);
  if (!('compiled' in c)) return c;
  const afterPreUpgrade = run.helper.executionState as ExecutionState;
  const persistence = options.wasmMemoryPersistence;
  if (persistence === undefined && usesEnhancedOrthogonalPersistence(old.compiled)) {
    return userError(ErrorCode.CanisterContractViolation,
      'Missing upgrade option: Enhanced orthogonal persistence requires the `wasm_memory_persistence` upgrade option.');
  }
  if (persistence === 'keep' && !usesEnhancedOrthogonalPersistence(c.compiled)) {
    return userError(ErrorCode.CanisterContractViolation,
      'Invalid upgrade option: The `wasm_memory_persistence: opt Keep` upgrade option requires that the new canister module supports enhanced orthogonal persistence.');
  }
  run.helper.executionState = env.hypervisor.createExecutionState(canister.canisterId, c.compiled, {
    stable: afterPreUpgrade.stable,
    ...(persistence === 'keep' ? { heap: { heap: afterPreUpgrade.heap, heapSizePages: afterPreUpgrade.heapSizePages } } : {}),
  });
  recordDeployment(run, args, 'upgrade', c.compiled.hash, time);
  return await run.step({ kind: 'start' }, { kind: 'start', time })
    ?? await run.step({ kind: 'postUpgrade' }, { kind: 'init', time, caller: args.sender, arg: args.arg });
}
