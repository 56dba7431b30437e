// What a finished System API session hands back, after the replica's
// `SystemApiImpl::take_execution_result` and `take_system_state_modifications`:
//
// - a call still under construction is dropped and its cycles refunded;
// - on a trap nothing is kept but the canister log, plus a `[TRAP]: …`
//   record for Wasm traps and `ic0.trap` (`(no message)` for an empty one);
// - what survives success depends on the context:
//     non-replicated query, inspect message   nothing (not even logs)
//     composite query and its callbacks      the queued requests only
//     replicated query                       cycles changes and logs; version bump
//     update, callbacks, cleanup, tasks      everything; version bump
//     start, init, pre/post-upgrade          everything; no bump (install_code bumps once)
// - an inspect-message run that did not call `accept_message` fails with
//   `MessageRejected`.
import type { HypervisorError } from '../errors/index.ts';
import type { ApiType } from './api-type.ts';
import { timeOf } from './api-type.ts';
import type { ExecutionState, WasmResponse } from './execution-state.ts';
import type { SandboxSafeSystemState, SystemStateModifications } from './system-state.ts';

/** The outcome of one session. */
export interface SystemApiResult {
  /** Why it failed; absent on success. */
  readonly error?: HypervisorError;
  /** The reply or reject this execution gave its call context (success only). */
  readonly response?: WasmResponse;
  /** The system-state changes to apply. */
  readonly modifications: SystemStateModifications;
  /** Whether applying them bumps the canister version. */
  readonly bumpCanisterVersion: boolean;
}

const NOTHING = { balanceChange: 0n, cyclesAccepted: 0n, cyclesBurned: 0n, cyclesMinted: 0n, requestFees: 0n, requests: [], canisterLog: [] };
const UTF8 = new TextEncoder();

function trapLogLine(error: HypervisorError): string | undefined {
  if (error.kind === 'Trapped') return `[TRAP]: ${error.trapCode}`;
  if (error.kind === 'CalledTrap') return `[TRAP]: ${error.message === '' ? '(no message)' : error.message}`;
  return undefined;
}

/** Builds the session's result (see the module header). */
export function takeResult(
  api: ApiType, exec: ExecutionState, state: SandboxSafeSystemState, wasmError: HypervisorError | undefined,
): SystemApiResult {
  const pending = exec.outgoing;
  if (pending !== undefined) {
    exec.outgoing = undefined;
    state.refundCycles(pending.cycles);
  }
  let error = wasmError;
  if (error === undefined && api.kind === 'inspectMessage' && !exec.messageAccepted) error = { kind: 'MessageRejected' };
  if (api.kind === 'nonReplicatedQuery' || api.kind === 'inspectMessage') {
    return result(error, exec, { ...NOTHING }, false);
  }
  const all = state.modifications();
  if (api.kind === 'compositeQuery' || api.kind === 'compositeReplyCallback'
    || api.kind === 'compositeRejectCallback' || api.kind === 'compositeCleanup') {
    return result(error, exec, error === undefined ? { ...NOTHING, requests: all.requests } : { ...NOTHING }, false);
  }
  if (error !== undefined) {
    const line = trapLogLine(error);
    if (line !== undefined) state.log.add(timeOf(api), UTF8.encode(line));
    return result(error, exec, { ...NOTHING, canisterLog: [...state.log.records] }, false);
  }
  if (api.kind === 'replicatedQuery') {
    return result(undefined, exec, { ...NOTHING, balanceChange: all.balanceChange, cyclesAccepted: all.cyclesAccepted, cyclesBurned: all.cyclesBurned, canisterLog: all.canisterLog }, true);
  }
  const bump = !(api.kind === 'start' || api.kind === 'init' || api.kind === 'preUpgrade');
  return result(undefined, exec, all, bump);
}

function result(
  error: HypervisorError | undefined, exec: ExecutionState, modifications: SystemStateModifications, bump: boolean,
): SystemApiResult {
  if (error !== undefined) return { error, modifications, bumpCanisterVersion: false };
  return exec.response === undefined
    ? { modifications, bumpCanisterVersion: bump }
    : { response: exec.response, modifications, bumpCanisterVersion: bump };
}
