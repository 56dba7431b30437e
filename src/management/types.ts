// The management canister's moving parts, as data: one call (`ManagementCall`),
// what a method handler sees (`ManagementContext`) and what it answers
// (`ManagementOutcome`). One handler per method (`Handler`), registered by
// name in methods.ts.
import type { RejectCode, UserError } from '../errors/index.ts';
import type { CyclesAccountManager } from '../cycles/index.ts';
import type { ExecutionEnvironment, RoundContext } from '../execution/index.ts';
import type { Ingress, ReplicatedState, Request } from '../state/index.ts';
import type { PrincipalId, SubnetId } from '../types/index.ts';
import type { SubnetType } from '../config/index.ts';
import type { ThresholdKeys } from './threshold/keys.ts';

/** One call to `aaaaa-aa`: an ingress message from a user or a request from a canister. */
export interface ManagementCall {
  readonly method: string;
  /** The Candid argument. */
  readonly arg: Uint8Array;
  /** The user or canister that called. */
  readonly sender: PrincipalId;
  /** Cycles attached (0 for ingress). */
  readonly payment: bigint;
  /** The message as it was popped from the subnet queue. */
  readonly message: Ingress | Request;
}

/**
 * What a handler answers. `reply` and `reject` are answered at once (unused
 * attached cycles go back with the response: `payment − cyclesUsed`);
 * `deferred` means the handler stored what it needs to answer later
 * (`stop_canister`, `http_request`) through `answerManagementCall`; `paused`
 * means a long `install_code` continues in later rounds.
 */
export type ManagementOutcome =
  | { readonly kind: 'reply'; readonly reply: Uint8Array; readonly cyclesUsed?: bigint }
  | { readonly kind: 'reject'; readonly error: UserError; readonly cyclesUsed?: bigint; readonly canisterReject?: CanisterReject }
  | { readonly kind: 'deferred' }
  | { readonly kind: 'paused' };

/**
 * The reject a calling canister gets when it is not `IC0xxx: <description>`
 * of the outcome's error: the replica's routing errors (`Unable to route
 * management canister request …`, reject code 3), which it raises before a
 * request reaches the management canister.
 */
export interface CanisterReject {
  readonly code: RejectCode;
  readonly message: string;
}

/** What the management canister is set up with (one per subnet). */
export interface ManagementEnvironment {
  readonly execution: ExecutionEnvironment;
  readonly cycles: CyclesAccountManager;
  readonly ownSubnetId: SubnetId;
  readonly subnetType: SubnetType;
  /** Nodes. */
  readonly subnetSize: number;
  /** Scheduler cores (the compute capacity is 100 % per core). */
  readonly schedulerCores: number;
  /** Whether anyone may call the `provisional_*` methods (a local test network: yes). Default true. */
  readonly provisional?: boolean;
  /** The threshold master keys the subnet holds (`ecdsa_*`, `schnorr_*`, `vetkd_*`); none if absent. */
  readonly thresholdKeys?: ThresholdKeys;
}

/** What a handler sees. */
export interface ManagementContext {
  readonly state: ReplicatedState;
  readonly round: RoundContext;
  readonly env: ManagementEnvironment;
}

/** One management method. Validates everything before its commit point; changes nothing if it fails. */
export type Handler = (call: ManagementCall, ctx: ManagementContext) => ManagementOutcome | Promise<ManagementOutcome>;
