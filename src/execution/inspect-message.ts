/**
 * `canister_inspect_message`, run by the ingress filter on a single replica
 * (the replica's `execution/inspect_message.rs`): at most 200M
 * instructions, no slicing, no charge, every change discarded. The ingress
 * is accepted when the module does not export the method, or the method
 * calls `ic0.accept_message`; rejected with IC0537 `Requested canister has
 * no wasm module` for an empty canister, with IC0406 `Canister rejected the
 * message` when it returns without accepting, or with its trap's error.
 */
import { ErrorCode, toUserError, userError } from '../errors/index.ts';
import type { UserError } from '../errors/index.ts';
import { MAX_INSTRUCTIONS_FOR_MESSAGE_ACCEPTANCE_CALLS } from '../config/index.ts';
import type { CanisterState, Ingress } from '../state/index.ts';
import { exportsFunction } from '../state/index.ts';
import type { Time } from '../types/index.ts';
import { runEntry, systemStateInit } from './common.ts';
import type { Env } from './common.ts';

/** Runs `canister_inspect_message` for `ingress`; `undefined` when the canister accepts it. */
export async function executeInspectMessage(env: Env, canister: CanisterState, ingress: Ingress, time: Time): Promise<UserError | undefined> {
  const state = canister.executionState;
  if (state === undefined) return userError(ErrorCode.CanisterWasmModuleNotFound, 'Requested canister has no wasm module');
  if (!exportsFunction(state, 'canister_inspect_message')) return undefined;
  const limit: bigint = MAX_INSTRUCTIONS_FOR_MESSAGE_ACCEPTANCE_CALLS;
  let out = await runEntry(env, canister, state, { kind: 'inspectMessage' }, {
    kind: 'inspectMessage', time, caller: ingress.source, arg: ingress.methodPayload, methodName: ingress.methodName,
  }, systemStateInit(env, canister), { message: limit, slice: limit });
  while (out.kind === 'paused') out = await out.paused.resume();
  const error = out.result.error;
  return error === undefined ? undefined : toUserError(error, canister.canisterId);
}
