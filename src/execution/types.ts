// The data that goes in and out of `ExecutionEnvironment` (see index.ts for
// the contract). Names after the replica's `ExecuteMessageResult`,
// `RoundContext` and `CanisterInputMessage`.
import type { SchedulerConfig } from '../config/index.ts';
import type { CyclesAccountManager } from '../cycles/index.ts';
import type { RejectCode, UserError } from '../errors/index.ts';
import type { Hypervisor } from '../hypervisor/index.ts';
import type { CanisterState, Ingress, IngressHistoryState, Request, Response } from '../state/index.ts';
import type { NumInstructions, PrincipalId, SubnetId, Time } from '../types/index.ts';

/** How an `ExecutionEnvironment` is set up. */
export interface ExecutionEnvironmentOptions {
  readonly hypervisor: Hypervisor;
  /** Charges every fee; its subnet size and fee table are the subnet's. */
  readonly cycles: CyclesAccountManager;
  readonly subnetType: 'application' | 'system';
  readonly ownSubnetId: SubnetId;
  /** Nodes; must equal `cycles.subnetSize`. */
  readonly subnetSize: number;
  /** Instruction limits (default: the subnet type's `SchedulerConfig`); tests shrink the slice to exercise DTS. */
  readonly schedulerConfig?: SchedulerConfig;
  /** What `ic0.root_key_*` returns (default: the IC mainnet key). */
  readonly rootKey?: Uint8Array;
  /** Whether `debug_print` prints (default: system subnets only, as the replica). */
  readonly debugPrint?: boolean;
}

/** The round a message executes in. */
export interface RoundContext {
  /** The batch time. */
  readonly time: Time;
  readonly randomness: Uint8Array;
  /** Ingress statuses (`Processing`, `Completed`, `Failed`) are written here. */
  readonly ingressHistory: IngressHistoryState;
  /** Instructions left in this round; decreased by executions. */
  readonly roundInstructionsLeft: { value: bigint };
}

/** A message taken from a canister's input queues. */
export type CanisterInput =
  | { readonly kind: 'ingress'; readonly ingress: Ingress }
  | { readonly kind: 'request'; readonly request: Request }
  | { readonly kind: 'response'; readonly response: Response };

/**
 * What executing (a slice of) a message did (`ExecuteMessageResult`).
 * `canister` is the canister passed in, updated in place.
 */
export type ExecuteMessageOutcome =
  | { readonly kind: 'finished'; readonly canister: CanisterState; readonly instructionsUsed: NumInstructions; readonly heapDeltaBytes: bigint }
  /** The paused execution is kept by the environment, keyed by canister; `canister.systemState.taskQueue` front holds it. */
  | { readonly kind: 'paused'; readonly canister: CanisterState; readonly instructionsUsed: NumInstructions };

/** The system tasks a canister runs before its messages. */
export type SystemTaskKind = 'heartbeat' | 'globalTimer' | 'onLowWasmMemory';

/** `install_code`'s mode (`CanisterInstallModeV2`). */
export type InstallCodeMode =
  | 'install'
  | 'reinstall'
  | { readonly upgrade: { readonly skipPreUpgrade?: boolean; readonly wasmMemoryPersistence?: 'keep' | 'replace' } };

/** What `install_code` installs. */
export interface InstallCodeArgs {
  readonly mode: InstallCodeMode;
  /** Raw or gzipped Wasm. */
  readonly wasmModule: Uint8Array;
  /** `canister_init` / `canister_post_upgrade`'s argument. */
  readonly arg: Uint8Array;
  /** Who asked (a controller); `msg_caller` in init and the upgrade hooks. */
  readonly sender: PrincipalId;
}

/** The outcome of `install_code`: the canister is changed only when `ok`. */
export type InstallCodeResult =
  | { readonly ok: true; readonly canister: CanisterState; readonly instructionsUsed: NumInstructions }
  | { readonly ok: false; readonly error: UserError; readonly canister: CanisterState };

/** A non-replicated query. */
export interface QueryArgs {
  readonly sender: PrincipalId;
  readonly method: string;
  readonly arg: Uint8Array;
}

/** What a query answers. */
export type QueryResult =
  | { readonly reply: Uint8Array }
  | { readonly reject: { readonly code: RejectCode; readonly message: string } }
  | { readonly error: UserError };
