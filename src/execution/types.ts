// The data that goes in and out of `ExecutionEnvironment` (see index.ts for
// the contract). Names after the replica's `ExecuteMessageResult`,
// `RoundContext` and `CanisterInputMessage`.
import type { SchedulerConfig } from '../config/index.ts';
import type { CyclesAccountManager } from '../cycles/index.ts';
import type { RejectCode, UserError } from '../errors/index.ts';
import type { Hypervisor } from '../hypervisor/index.ts';
import type {
  CanisterCall, CanisterChangeOrigin, CanisterState, Ingress, IngressHistoryState, Request, Response, WasmChunkStore,
} from '../state/index.ts';
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
  /**
   * Whether install_code is rate limited by the canister's install-code debit
   * (`rate_limiting_of_instructions`, IC0209; on as on the IC). Default true.
   */
  readonly rateLimitInstallCode?: boolean;
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

/** A module assembled from a canister's chunk store (`install_chunked_code`). */
export interface ChunkedWasm {
  readonly kind: 'chunks';
  /** The store as it was when the call started. */
  readonly store: WasmChunkStore;
  /** The chunks to concatenate, in order (each should be a 32-byte SHA-256). */
  readonly hashes: readonly Uint8Array[];
  /** The SHA-256 the concatenation must have (`wasm_module_hash`, 32 bytes). */
  readonly moduleHash: Uint8Array;
}

/** What `install_code` installs. */
export interface InstallCodeArgs {
  readonly mode: InstallCodeMode;
  /** Raw or gzipped Wasm, or chunks to assemble. */
  readonly wasmModule: Uint8Array | ChunkedWasm;
  /** `canister_init` / `canister_post_upgrade`'s argument. */
  readonly arg: Uint8Array;
  /** Who asked (a controller); `msg_caller` in init and the upgrade hooks. */
  readonly sender: PrincipalId;
  /** The change's origin in the canister history (default: `sender` as a user, or as a canister if it is one). */
  readonly origin?: CanisterChangeOrigin;
  /** The call being executed: kept while the install is paused, handed back when it finishes or is aborted. */
  readonly message?: CanisterCall;
  /** Execution cycles already paid (a restart after an abort); none are prepaid again. */
  readonly prepaid?: bigint;
  /** The module was compiled since the last checkpoint (`expected_compiled_wasms`): the round pays 1/100 of its compilation. */
  readonly compiledSinceCheckpoint?: boolean;
  /** Memory the subnet can still give out, bytes (default: unlimited). */
  readonly subnetAvailableMemory?: bigint;
}

/** What the compilation cost and whether the compile cache already had the module (speed only, never accounting). */
export interface CompilationInfo {
  /** Charged to the message (and its cycles) in full. */
  readonly instructions: bigint;
  /** Charged to the round: the full cost, or 1/100 of it for a module compiled since the last checkpoint. */
  readonly roundInstructions: bigint;
  readonly cacheHit: boolean;
}

/**
 * The outcome of `install_code`: the canister is changed only when `ok`;
 * `paused` means a DTS slice ended and the install continues in a later
 * round (`resumeInstallCode`), with the canister untouched but for the
 * prepaid cycles.
 */
export type InstallCodeResult =
  | {
    readonly ok: true; readonly paused?: undefined; readonly canister: CanisterState; readonly instructionsUsed: NumInstructions;
    /** Hex SHA-256 of the installed module. */
    readonly moduleHash: string;
    /** Bytes of heap and stable memory the steps dirtied. */
    readonly heapDeltaBytes: bigint;
    readonly compilation?: CompilationInfo;
  }
  | {
    readonly ok: false; readonly paused?: undefined; readonly error: UserError; readonly canister: CanisterState;
    readonly instructionsUsed: NumInstructions; readonly compilation?: CompilationInfo;
  }
  | { readonly ok: false; readonly paused: true; readonly canister: CanisterState; readonly instructionsUsed: NumInstructions };

/** A finished `install_code` (not paused). */
export type FinishedInstallCodeResult = Exclude<InstallCodeResult, { readonly paused: true }>;

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
