/**
 * `ExecutionEnvironment`: executes one message, task or install_code on one
 * canister and applies the result to it (the replica's
 * `execution_environment.rs`, without the management canister). Dispatch
 * only; each message kind has its file:
 *
 *     ingress / request to `canister_update m`              update.ts
 *     ingress / request to `canister_query m` (replicated)  replicated-query.ts
 *     ingress / request to a composite query                replicated-query.ts → IC0527
 *     otherwise (no such method)                            update.ts → IC0536
 *     response                                              response.ts
 *     heartbeat, global timer, low-memory hook              system-task.ts
 *     install_code                                          install-code.ts
 *     uninstall (uninstall_code, out of cycles)             uninstall.ts
 *     inspect_message (ingress filter)                      inspect-message.ts
 *     non-replicated query                                  query.ts
 *
 * The canister passed in is updated in place and returned. Paused DTS
 * executions are kept here, by canister (paused-executions.ts); an aborted
 * one is re-run by `resumePausedExecution` with the cycles it prepaid.
 */
import type { SchedulerConfig } from '../config/index.ts';
import { subnetConfigFor } from '../config/index.ts';
import type { CyclesAccountManager } from '../cycles/index.ts';
import { InternalBug } from '../errors/index.ts';
import type { UserError } from '../errors/index.ts';
import type { EntryPoint, ExecutionResult, Hypervisor } from '../hypervisor/index.ts';
import type { CanisterCall, CanisterMessageOrTask, CanisterState, ExecutionState, Ingress, Request } from '../state/index.ts';
import type { ApiType } from '../system-api/index.ts';
import { exportsFunction } from '../state/index.ts';
import type { SubnetId, Time } from '../types/index.ts';
import type { Env } from './common.ts';
import { executeInspectMessage } from './inspect-message.ts';
import { executeInstallCode, resumeInstallCode } from './install-code.ts';
import { PausedExecutions } from './paused-executions.ts';
import { PausedInstallCodes } from './paused-install-code.ts';
import { executeQuery, executeQueryEntry } from './query.ts';
import { executeReplicatedQuery } from './replicated-query.ts';
import { executeResponse } from './response.ts';
import { executeSystemTask } from './system-task.ts';
import { uninstallCanister } from './uninstall.ts';
import type { UninstallReason } from './uninstall.ts';
import type {
  CanisterInput, ExecuteMessageOutcome, ExecutionEnvironmentOptions, FinishedInstallCodeResult, InstallCodeArgs, InstallCodeResult,
  QueryArgs, QueryResult, RoundContext, SystemTaskKind,
} from './types.ts';
import { executeUpdate } from './update.ts';

/** Executes messages on canisters (see the module header). */
export class ExecutionEnvironment {
  readonly hypervisor: Hypervisor;
  readonly cycles: CyclesAccountManager;
  readonly ownSubnetId: SubnetId;
  readonly config: SchedulerConfig;
  readonly #env: Env;
  readonly #paused = new PausedExecutions();
  readonly #installs = new PausedInstallCodes();

  /** @throws {InternalBug} if `subnetSize` differs from the cycles account manager's. */
  constructor(opts: ExecutionEnvironmentOptions) {
    if (BigInt(opts.subnetSize) !== opts.cycles.subnetSize) {
      throw new InternalBug(`subnet size ${opts.subnetSize} differs from the cycles account manager's ${opts.cycles.subnetSize}`);
    }
    this.hypervisor = opts.hypervisor;
    this.cycles = opts.cycles;
    this.ownSubnetId = opts.ownSubnetId;
    this.config = opts.schedulerConfig ?? subnetConfigFor(opts.subnetType).scheduler;
    this.#env = {
      hypervisor: opts.hypervisor, cycles: opts.cycles, subnetType: opts.subnetType, ownSubnetId: opts.ownSubnetId, config: this.config,
      ...(opts.rootKey === undefined ? {} : { rootKey: opts.rootKey }),
      ...(opts.debugPrint === undefined ? {} : { debugPrint: opts.debugPrint }),
      ...(opts.rateLimitInstallCode === undefined ? {} : { rateLimitInstallCode: opts.rateLimitInstallCode }),
    };
  }

  /** Executes an input message taken from the canister's queues (its first slice, under DTS). */
  executeCanisterInput(canister: CanisterState, input: CanisterInput, round: RoundContext): Promise<ExecuteMessageOutcome> {
    switch (input.kind) {
      case 'ingress': return this.#executeCall(canister, input.ingress, undefined, round);
      case 'request': return this.#executeCall(canister, input.request, undefined, round);
      case 'response': return executeResponse(this.#env, this.#paused, canister, input.response, round);
    }
  }

  /**
   * Runs the next slice of the execution at the front of the canister's task
   * queue: a paused one, or an aborted one started again from scratch with
   * the cycles it prepaid.
   * @throws {InternalBug} if the front is neither.
   */
  resumePausedExecution(canister: CanisterState, round: RoundContext): Promise<ExecuteMessageOutcome> {
    const front = canister.systemState.taskQueue.front();
    if (front?.kind !== 'abortedExecution') return this.#paused.resume(canister, round);
    canister.systemState.taskQueue.popFront();
    return this.#execute(canister, front.input, front.prepaidExecutionCycles, round);
  }

  /**
   * Aborts the canister's paused execution (checkpoint, too many paused):
   * the task queue then holds the aborted message with its prepaid cycles
   * (execution_internals.md §2.4); nothing else of the canister changes.
   */
  abortPausedExecution(canister: CanisterState): CanisterState {
    if (canister.systemState.taskQueue.front()?.kind === 'pausedInstallCode') this.#installs.abort(canister);
    else this.#paused.abort(canister);
    return canister;
  }

  /** Whether the environment keeps a paused execution (or a paused install_code) of `canister`. */
  hasPausedExecution(canister: CanisterState): boolean {
    return this.#paused.has(canister) || this.#installs.has(canister);
  }

  /** Runs `canister_heartbeat`, `canister_global_timer` or `canister_on_low_wasm_memory` (first slice). */
  executeSystemTask(canister: CanisterState, task: SystemTaskKind, round: RoundContext): Promise<ExecuteMessageOutcome> {
    return executeSystemTask(this.#env, this.#paused, canister, task, undefined, round);
  }

  /**
   * Drops the canister's code and rejects its open calls (`uninstall_code`,
   * or a canister that cannot pay for its resources; see uninstall.ts).
   */
  uninstallCanister(canister: CanisterState, reason: UninstallReason, round: RoundContext): CanisterState {
    if (this.hasPausedExecution(canister)) throw new InternalBug(`uninstalling canister ${canister.canisterId.toText()} during a paused execution`);
    uninstallCanister(this.#env, canister, reason, round);
    return canister;
  }

  /**
   * install_code's execution: install, reinstall or upgrade, atomically. With
   * `args.message` a DTS slice that ends pauses it (`paused: true`; the task
   * queue's front is then `pausedInstallCode`): continue it in a later round
   * with {@link resumeInstallCode}, or abort it at a checkpoint with
   * {@link abortPausedExecution} (then run it again with the prepaid cycles).
   */
  installCode(canister: CanisterState, args: InstallCodeArgs & { readonly message?: undefined }, round: RoundContext): Promise<FinishedInstallCodeResult>;
  installCode(canister: CanisterState, args: InstallCodeArgs, round: RoundContext): Promise<InstallCodeResult>;
  installCode(canister: CanisterState, args: InstallCodeArgs, round: RoundContext): Promise<InstallCodeResult> {
    return executeInstallCode(this.#env, this.#installs, canister, args, round);
  }

  /** Runs the next slice of the canister's paused install_code; `message` is the call to answer once it finishes. */
  resumeInstallCode(
    canister: CanisterState, round: RoundContext, opts: { readonly subnetAvailableMemory?: bigint } = {},
  ): Promise<{ readonly result: InstallCodeResult; readonly message: CanisterCall }> {
    return resumeInstallCode(this.#env, this.#installs, canister, round, opts);
  }

  /** `canister_inspect_message` for an ingress message (200M instructions, nothing kept); the rejection, if any. */
  executeInspectMessage(canister: CanisterState, ingress: Ingress, time: Time): Promise<UserError | undefined> {
    return executeInspectMessage(this.#env, canister, ingress, time);
  }

  /** A non-replicated query: its answer; its changes are discarded. */
  executeQuery(
    canister: CanisterState, query: QueryArgs, time: Time, opts?: { dataCertificate?: Uint8Array; replicated?: boolean },
  ): Promise<QueryResult> {
    return executeQuery(this.#env, canister, query, time, opts);
  }

  /** The instruction limit of one (composite) query execution. */
  get maxInstructionsPerQuery(): bigint {
    return this.#env.config.maxInstructionsPerQueryMessage;
  }

  /**
   * One execution of a composite query's call graph (src/query/query-context.ts
   * runs the graph): nothing is applied to `canister`; the result has the new
   * heap (`state`) and the calls performed (`modifications.requests`).
   */
  executeQueryEntry(
    canister: CanisterState, run: { state: ExecutionState; entryPoint: EntryPoint; apiType: ApiType; limit: bigint; lastCallbackId: bigint },
  ): Promise<ExecutionResult> {
    return executeQueryEntry(this.#env, canister, run);
  }

  #execute(canister: CanisterState, input: CanisterMessageOrTask, prepaid: bigint, round: RoundContext): Promise<ExecuteMessageOutcome> {
    if (input.kind === 'task') return executeSystemTask(this.#env, this.#paused, canister, input.task, prepaid, round);
    const m = input.message;
    if (m.kind === 'response') return executeResponse(this.#env, this.#paused, canister, m, round);
    return this.#executeCall(canister, m, prepaid, round);
  }

  /** A call runs as an update, unless the canister exports the method only as a (composite) query. */
  #executeCall(canister: CanisterState, call: Ingress | Request, prepaid: bigint | undefined, round: RoundContext): Promise<ExecuteMessageOutcome> {
    const state = canister.executionState;
    const method = call.methodName;
    if (state !== undefined && !exportsFunction(state, `canister_update ${method}`)) {
      if (exportsFunction(state, `canister_query ${method}`)) {
        return executeReplicatedQuery(this.#env, this.#paused, canister, call, false, prepaid, round);
      }
      if (exportsFunction(state, `canister_composite_query ${method}`)) {
        return executeReplicatedQuery(this.#env, this.#paused, canister, call, true, prepaid, round);
      }
    }
    return executeUpdate(this.#env, this.#paused, canister, call, prepaid, round);
  }
}
