/**
 * What the scheduler needs from the layers it drives, as interfaces: the
 * execution environment runs one message, task or slice of one canister
 * (`CanisterExecutor`, which `ExecutionEnvironment` implements), and the
 * management canister runs messages from the subnet queues
 * (`SubnetMessageExecutor`). Tests drive the scheduler with fakes of both.
 */
import type { SchedulerConfig } from '../config/index.ts';
import type { CyclesAccountManager } from '../cycles/index.ts';
import type { CanisterMessage, CanisterState, ReplicatedState } from '../state/index.ts';
import type { CanisterId } from '../types/index.ts';
// The execution environment's round and message types, used as they are.
import type { CanisterInput, ExecuteMessageOutcome, RoundContext, SystemTaskKind as SystemTask } from '../execution/index.ts';
export type { CanisterInput, ExecuteMessageOutcome, RoundContext, SystemTask };

/** Runs canister executions (implemented by `ExecutionEnvironment`). */
export interface CanisterExecutor {
  executeCanisterInput(canister: CanisterState, input: CanisterInput, round: RoundContext): Promise<ExecuteMessageOutcome>;
  /** Continues the paused (or restarts the aborted) execution at the front of the task queue. */
  resumePausedExecution(canister: CanisterState, round: RoundContext): Promise<ExecuteMessageOutcome>;
  /** Turns the paused execution into an aborted one (it restarts later, already paid for). */
  abortPausedExecution(canister: CanisterState): CanisterState;
  executeSystemTask(canister: CanisterState, task: SystemTask, round: RoundContext): Promise<ExecuteMessageOutcome>;
  /** Uninstalls a canister that could not pay for its resources (open calls rejected); optional for test fakes. */
  uninstallCanister?(canister: CanisterState, reason: { readonly kind: 'outOfCycles' }, round: RoundContext): CanisterState;
}

/** Runs management-canister messages from the subnet queues (issue #5: the management canister). */
export interface SubnetMessageExecutor {
  /** The canister a subnet message is about, if any (messages to a canister with a paused execution wait). */
  effectiveCanisterId(msg: CanisterMessage): CanisterId | undefined;
  /**
   * Executes one message popped from the subnet queues and answers it (an
   * ingress status, or a response in the subnet's output queue).
   * @returns `paused` if it started a long execution.
   */
  executeSubnetMessage(state: ReplicatedState, msg: CanisterMessage, round: RoundContext): Promise<{ readonly paused: boolean }>;
  /**
   * Continues the long install_code of `canister` (the front of its task
   * queue is `pausedInstallCode` or `abortedInstallCode`) and answers its
   * call if it ends (`advance_long_running_install_code`).
   * @returns `paused` if it paused again.
   */
  advanceInstallCode?(state: ReplicatedState, canister: CanisterId, round: RoundContext): Promise<{ readonly paused: boolean }>;
}

/** What a round runs with. */
export interface RoundEnvironment {
  readonly executor: CanisterExecutor;
  readonly subnetMessages?: SubnetMessageExecutor;
  readonly config: SchedulerConfig;
  /**
   * How many of the round's partitions (one per scheduler core) execute at
   * the same time; 1 runs them one after the other. The result is the same
   * for every value. Default 1.
   */
  readonly parallelism?: number;
  /** Periodic resource charges (storage, compute allocation); none without it. */
  readonly cycles?: CyclesAccountManager;
  /** Ingress history memory cap, bytes; default 4 GiB. */
  readonly ingressHistoryCapacity?: bigint;
}

/** What one round did, for metrics and tests. */
export interface RoundSummary {
  /** Iterations of the inner round. */
  readonly iterations: number;
  /** Executions (messages, tasks, slices) run. */
  readonly executions: number;
  /** Canisters that executed at least one instruction. */
  readonly executedCanisters: number;
  /** Instructions charged to the round (the busiest thread per iteration, plus overheads). */
  readonly roundInstructions: bigint;
  /** Ingress messages that expired before they ran. */
  readonly expiredIngress: number;
  /** Whether the round was skipped because the heap delta is over its limit. */
  readonly skipped: boolean;
  /**
   * Executions by kind: `ingress`, `request`, `response`, `heartbeat`,
   * `global_timer`, `on_low_wasm_memory`, `dts_slice` (a paused execution's
   * next slice), `subnet_message` (management messages, postponed
   * `raw_rand` included); kinds with none are left out.
   */
  readonly messagesByKind: Readonly<Record<string, number>>;
  /** Paused (DTS) executions left at the end of the round (paused install_code not counted). */
  readonly pausedExecutions: number;
}

export type { CanisterState, CanisterMessage };
