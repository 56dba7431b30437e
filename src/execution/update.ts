/**
 * An ingress message or a canister request to an update method
 * (`execute_call_or_task` with `CanisterCallOrTask::Update`), run by
 * call-or-task.ts with the message limit and DTS slices. Checks, after
 * prepaying: the canister is running (IC0508/IC0509), the module exists
 * (IC0537) and exports `canister_update <method>` (IC0536), and the heap is
 * within the canister's `wasm_memory_limit` (IC0539).
 */
import type { UserError } from '../errors/index.ts';
import { toUserError } from '../errors/index.ts';
import type { CanisterState, Ingress, Request } from '../state/index.ts';
import { numBytes } from '../types/index.ts';
import { executeCallOrTask } from './call-or-task.ts';
import { methodError, notRunningError } from './common.ts';
import type { Env } from './common.ts';
import type { PausedExecutions } from './paused-executions.ts';
import type { ExecuteMessageOutcome, RoundContext } from './types.ts';

/** IC0539 when the heap already exceeds the canister's Wasm memory limit (0 = none). */
function wasmMemoryLimitError(canister: CanisterState): UserError | undefined {
  const limit = canister.systemState.wasmMemoryLimit;
  const usage = canister.wasmMemoryUsage();
  if (limit === undefined || limit === 0n || usage <= limit) return undefined;
  return toUserError({ kind: 'WasmMemoryLimitExceeded', bytes: numBytes(usage), limit: numBytes(limit) }, canister.canisterId);
}

/**
 * Executes a call to an update method.
 * @param prepaid the cycles an aborted execution already paid (re-run), else undefined.
 */
export function executeUpdate(
  env: Env, paused: PausedExecutions, canister: CanisterState, call: Ingress | Request, prepaid: bigint | undefined, round: RoundContext,
): Promise<ExecuteMessageOutcome> {
  const method = call.methodName;
  return executeCallOrTask(env, paused, canister, { kind: 'update', call }, {
    entryPoint: { kind: 'update', method },
    limits: { message: env.config.maxInstructionsPerMessage, slice: env.config.maxInstructionsPerSlice },
    validate: (c) => notRunningError(c) ?? methodError(c, 'update', method) ?? wasmMemoryLimitError(c),
  }, prepaid, round);
}
