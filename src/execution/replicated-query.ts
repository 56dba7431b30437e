/**
 * A query method called in replicated mode — by ingress or by another
 * canister (`execute_call_or_task` with `CanisterCallOrTask::Query`). It is
 * charged as an update (prepay → refund) with the query instruction limit
 * and no slicing; its memory changes are dropped, its cycles changes and log
 * kept, the version bumped (interface spec v0.32). The answer follows
 * `wasm_result_to_query_response`. A composite query cannot run here:
 * IC0527 `Composite query cannot be called in replicated mode`.
 */
import { ErrorCode, userError } from '../errors/index.ts';
import type { CanisterState, Ingress, Request } from '../state/index.ts';
import { executeCallOrTask } from './call-or-task.ts';
import { methodError, notRunningError } from './common.ts';
import type { Env } from './common.ts';
import type { PausedExecutions } from './paused-executions.ts';
import type { ExecuteMessageOutcome, RoundContext } from './types.ts';

/**
 * Executes a call to a query (or composite query) method in replicated mode.
 * @param prepaid the cycles an aborted execution already paid (re-run), else undefined.
 */
export function executeReplicatedQuery(
  env: Env, paused: PausedExecutions, canister: CanisterState, call: Ingress | Request, composite: boolean,
  prepaid: bigint | undefined, round: RoundContext,
): Promise<ExecuteMessageOutcome> {
  const method = call.methodName;
  const limit = env.config.maxInstructionsPerQueryMessage;
  return executeCallOrTask(env, paused, canister, { kind: 'query', call }, {
    entryPoint: composite ? { kind: 'compositeQuery', method } : { kind: 'query', method },
    limits: { message: limit, slice: limit },
    validate: (c) => notRunningError(c) ?? methodError(c, composite ? 'composite_query' : 'query', method)
      ?? (composite ? userError(ErrorCode.CompositeQueryCalledInReplicatedMode, 'Composite query cannot be called in replicated mode') : undefined),
  }, prepaid, round);
}
