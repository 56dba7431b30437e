/**
 * `canister_heartbeat`, `canister_global_timer` and
 * `canister_on_low_wasm_memory` (`execute_call_or_task` with
 * `CanisterCallOrTask::Task`): run like an update with the message limit
 * and DTS, in a call context with the management canister as caller and
 * nobody to answer. The global timer is one-shot: it is deactivated when its
 * task runs, trap or not (the handler may set it again). A task the module
 * does not export is a no-op (the scheduler only queues exported ones). A
 * low-memory hook that could not be paid for is made ready again.
 */
import type { CanisterState } from '../state/index.ts';
import { exportsFunction } from '../state/index.ts';
import { executeCallOrTask, finished } from './call-or-task.ts';
import { notRunningError } from './common.ts';
import type { Env } from './common.ts';
import type { PausedExecutions } from './paused-executions.ts';
import type { ExecuteMessageOutcome, RoundContext, SystemTaskKind } from './types.ts';

const EXPORT: Readonly<Record<SystemTaskKind, string>> = {
  heartbeat: 'canister_heartbeat',
  globalTimer: 'canister_global_timer',
  onLowWasmMemory: 'canister_on_low_wasm_memory',
};

/**
 * Executes a system task.
 * @param prepaid the cycles an aborted execution already paid (re-run), else undefined.
 */
export async function executeSystemTask(
  env: Env, paused: PausedExecutions, canister: CanisterState, task: SystemTaskKind, prepaid: bigint | undefined, round: RoundContext,
): Promise<ExecuteMessageOutcome> {
  const state = canister.executionState;
  if (state === undefined || !exportsFunction(state, EXPORT[task])) return finished(canister, 0n, 0n);
  return executeCallOrTask(env, paused, canister, { kind: 'task', task }, {
    entryPoint: { kind: task },
    limits: { message: env.config.maxInstructionsPerMessage, slice: env.config.maxInstructionsPerSlice },
    validate: notRunningError,
  }, prepaid, round);
}
