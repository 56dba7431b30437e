/**
 * Non-replicated queries (the replica's `query_handler.rs`): a query runs
 * on the latest *committed* state — a snapshot taken after the last round
 * — never on state in flight. A long update paused between rounds has not
 * changed its canister yet, so a query sees the state before it. Every
 * change a query makes is discarded (the execution environment runs it
 * with nothing kept).
 *
 *     no such canister        IC0301 "Canister <id> not found"
 *     everything else         the execution environment's answer (IC0537 empty,
 *                             IC0508/IC0509 not running, IC0536 no such method, traps, IC0506)
 *
 * A query to the management canister `aaaaa-aa` goes to the management
 * queries (`ManagementQueryExecutor`: `canister_status`,
 * `fetch_canister_logs`, … on the same snapshot); without one, or for a
 * method it does not serve, IC0536 "Query method <m> not found.".
 *
 * A composite query runs with its call graph (query-context.ts: depth ≤ 6,
 * 5B instructions in total, 50M per call) when the executor can run graph
 * executions (`executeQueryEntry`); otherwise only its own method, and one
 * that waits for calls reports IC0506.
 */
import { ErrorCode, userError } from '../errors/index.ts';
import type { RejectCode, UserError } from '../errors/index.ts';
import type { CanisterState, ReplicatedState } from '../state/index.ts';
import { exportsFunction } from '../state/index.ts';
import type { CanisterId, PrincipalId, Time } from '../types/index.ts';
import { runCompositeQuery } from './query-context.ts';
import type { QueryGraphExecutor } from './query-context.ts';

/** A query's answer (the execution environment's `QueryResult`). */
export type QueryResult =
  | { readonly reply: Uint8Array }
  | { readonly reject: { readonly code: RejectCode; readonly message: string } }
  | { readonly error: UserError };

/** What the handler needs of the execution environment. */
export interface QueryExecutor {
  executeQuery(
    canister: CanisterState, query: { sender: PrincipalId; method: string; arg: Uint8Array }, time: Time,
    opts?: { dataCertificate?: Uint8Array; replicated?: boolean },
  ): Promise<QueryResult>;
  /** Composite queries' call graphs (optional; see {@link QueryGraphExecutor}). */
  readonly maxInstructionsPerQuery?: bigint;
  executeQueryEntry?: QueryGraphExecutor['executeQueryEntry'];
}

/** A user's query. */
export interface UserQuery {
  readonly receiver: CanisterId;
  readonly sender: PrincipalId;
  readonly methodName: string;
  readonly arg: Uint8Array;
  /**
   * The effective canister id of the request (the canister a query to
   * `aaaaa-aa` is about): it routes the request to a subnet, nothing more.
   */
  readonly effectiveCanisterId?: CanisterId;
}

/** What answers queries to `aaaaa-aa` (the management canister's query methods). */
export interface ManagementQueryExecutor {
  query(committed: ReplicatedState, query: UserQuery): QueryResult | Promise<QueryResult>;
}

/** Runs queries on committed snapshots (see the module header). */
export class QueryHandler {
  readonly #executor: QueryExecutor;
  readonly #dataCertificate: ((state: ReplicatedState, canister: CanisterId) => Uint8Array | undefined) | undefined;
  readonly #management: ManagementQueryExecutor | undefined;

  /**
   * @param opts.dataCertificate the certificate `ic0.data_certificate_copy`
   *   returns for a canister in a state (none until the state manager
   *   certifies states, issue #6).
   * @param opts.management answers queries to `aaaaa-aa`.
   */
  constructor(opts: {
    readonly executor: QueryExecutor;
    readonly dataCertificate?: (state: ReplicatedState, canister: CanisterId) => Uint8Array | undefined;
    readonly management?: ManagementQueryExecutor;
  }) {
    this.#executor = opts.executor;
    this.#dataCertificate = opts.dataCertificate;
    this.#management = opts.management;
  }

  /**
   * Runs `query` on `committed`, a snapshot of the last committed round
   * (`ReplicatedState.snapshot()`); `committed` is never changed.
   */
  async query(committed: ReplicatedState, query: UserQuery): Promise<QueryResult> {
    if (query.receiver.isManagementCanister()) {
      if (this.#management !== undefined) return this.#management.query(committed, query);
      return { error: userError(ErrorCode.CanisterMethodNotFound, `Query method ${query.methodName} not found.`) };
    }
    const canister = committed.canister(query.receiver);
    if (canister === undefined) return { error: userError(ErrorCode.CanisterNotFound, `Canister ${query.receiver.toText()} not found`) };
    const certificate = this.#dataCertificate?.(committed, query.receiver);
    const state = canister.executionState;
    const ex = this.#executor;
    const entry = ex.executeQueryEntry?.bind(ex);
    if (state !== undefined && canister.systemState.status.kind === 'running' && entry !== undefined
      && ex.maxInstructionsPerQuery !== undefined && exportsFunction(state, `canister_composite_query ${query.methodName}`)) {
      const graph: QueryGraphExecutor = { maxInstructionsPerQuery: ex.maxInstructionsPerQuery, executeQueryEntry: entry };
      return runCompositeQuery(graph, committed, canister.clone(), { sender: query.sender, method: query.methodName, arg: query.arg }, certificate,
        this.#management);
    }
    // The execution environment discards what the query changes; a private
    // copy of the system state keeps even its bookkeeping off the snapshot.
    return this.#executor.executeQuery(canister.clone(), { sender: query.sender, method: query.methodName, arg: query.arg }, committed.time,
      certificate === undefined ? {} : { dataCertificate: certificate });
  }
}
