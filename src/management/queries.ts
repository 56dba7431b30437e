/**
 * Non-replicated queries to `aaaaa-aa` (the replica's `subnet_query.rs`):
 * the query handler hands every user query addressed to the management
 * canister here. They read the committed state the query runs on, change
 * nothing, and cost no cycles. The methods the replica serves as queries
 * (`QueryMethod`):
 *
 *     fetch_canister_logs   logs.ts
 *     canister_status       canister-status.ts (the same access rules and result as the update)
 *     canister_info         canister-info.ts (anyone)
 *     list_canisters        subnet-info.ts (IC0406: no subnet admins)
 *     canister_metrics      canister-metrics.ts (controllers only)
 *     any other method      IC0536 "Query method <m> not found."
 *
 * The canister is the one the argument names; a missing one is IC0301
 * "Canister <id> not found" (without the replicated path's period). The
 * effective canister id of the request only routes it to a subnet; on one
 * subnet it changes nothing.
 */
import { ErrorCode, userError } from '../errors/index.ts';
import type { UserError } from '../errors/index.ts';
import type { CyclesAccountManager } from '../cycles/index.ts';
import type { ReplicatedState } from '../state/index.ts';
import type { PrincipalId } from '../types/index.ts';
import { readCanisterInfo } from './canister-info.ts';
import { readCanisterMetrics } from './canister-metrics.ts';
import { readCanisterStatus } from './canister-status.ts';
import { readCanisterLogs } from './logs.ts';
import { canisterNotFoundQuery } from './read-access.ts';
import { readListCanisters } from './subnet-info.ts';

/** A user's query to the management canister. */
export interface ManagementQuery {
  readonly sender: PrincipalId;
  readonly methodName: string;
  readonly arg: Uint8Array;
}

/** The answer: the reply, or the error. */
export type ManagementQueryResult = { readonly reply: Uint8Array } | { readonly error: UserError };

/** What the management queries need. */
export interface ManagementQueryEnvironment {
  /** For `idle_cycles_burned_per_day` in `canister_status`. */
  readonly cycles: CyclesAccountManager;
}

/** The management canister's query methods (see the module header). */
export class ManagementQueries {
  readonly #env: ManagementQueryEnvironment;

  constructor(env: ManagementQueryEnvironment) {
    this.#env = env;
  }

  /** Answers `query` on `state` (a committed snapshot; never changed). */
  query(state: ReplicatedState, query: ManagementQuery): ManagementQueryResult {
    switch (query.methodName) {
      case 'fetch_canister_logs': return readCanisterLogs(state, query.sender, query.arg, canisterNotFoundQuery);
      case 'canister_status': return readCanisterStatus(state, this.#env.cycles, query.sender, query.arg, canisterNotFoundQuery);
      case 'canister_info': return readCanisterInfo(state, query.arg, canisterNotFoundQuery);
      case 'list_canisters': return readListCanisters(query.arg);
      case 'canister_metrics': return readCanisterMetrics(state, query.sender, query.arg, canisterNotFoundQuery);
      default: return { error: queryMethodNotFound(query.methodName) };
    }
  }
}

/** IC0536 for a method the management canister does not serve as a query. */
export function queryMethodNotFound(method: string): UserError {
  return userError(ErrorCode.CanisterMethodNotFound, `Query method ${method} not found.`);
}
