/**
 * A non-replicated query (the replica's `execution/nonreplicated_query.rs`):
 * `canister_query <method>` — or a composite query's own method, without
 * the calls it makes (the query layer runs call graphs) — with the query
 * instruction limit, no slicing, no charge, and every change discarded.
 *
 *     empty canister          IC0537   not running     IC0508 / IC0509
 *     no such method          IC0536 `Canister has no query method '<m>'.`
 *     trap                    its error (IC0502, IC0503, …)
 *     returns without reply   IC0506 `Canister <id> did not reply to the call`
 *     msg_reject              reject 4 with its message
 *
 * `replicated: true` runs it in replicated mode (`ic0.in_replicated_execution`
 * = 1) — still free and discarded; charging replicated queries is
 * replicated-query.ts's.
 */
import { ErrorCode, RejectCode, toUserError, userError } from '../errors/index.ts';
import type { EntryPoint, ExecutionResult } from '../hypervisor/index.ts';
import type { CanisterState, ExecutionState } from '../state/index.ts';
import { exportsFunction } from '../state/index.ts';
import type { ApiType } from '../system-api/index.ts';
import { cycles } from '../types/index.ts';
import type { Time } from '../types/index.ts';
import { methodError, notRunningError, runEntry, systemStateInit } from './common.ts';
import type { Env } from './common.ts';
import type { QueryArgs, QueryResult } from './types.ts';

/** Runs a query and discards its changes. */
export async function executeQuery(
  env: Env, canister: CanisterState, query: QueryArgs, time: Time, opts: { dataCertificate?: Uint8Array; replicated?: boolean } = {},
): Promise<QueryResult> {
  const state = canister.executionState;
  const composite = state !== undefined && !exportsFunction(state, `canister_query ${query.method}`)
    && exportsFunction(state, `canister_composite_query ${query.method}`);
  const invalid = notRunningError(canister) ?? methodError(canister, composite ? 'composite_query' : 'query', query.method);
  if (invalid !== undefined || state === undefined) return { error: invalid ?? toUserError({ kind: 'WasmModuleNotFound' }, canister.canisterId) };
  const common = { time, caller: query.sender, arg: query.arg };
  const cert = opts.dataCertificate === undefined ? {} : { dataCertificate: opts.dataCertificate };
  const apiType: ApiType = composite ? { kind: 'compositeQuery', ...common, ...cert, callContextId: 0n }
    : opts.replicated === true ? { kind: 'replicatedQuery', ...common, callContextId: 0n, incomingCycles: cycles(0n) }
      : { kind: 'nonReplicatedQuery', ...common, ...cert };
  const limit = env.config.maxInstructionsPerQueryMessage;
  let out = await runEntry(env, canister, state, composite ? { kind: 'compositeQuery', method: query.method } : { kind: 'query', method: query.method },
    apiType, systemStateInit(env, canister), { message: limit, slice: limit });
  while (out.kind === 'paused') out = await out.paused.resume();
  const r = out.result;
  if (r.error !== undefined) return { error: toUserError(r.error, canister.canisterId) };
  if (r.response === undefined) {
    return { error: userError(ErrorCode.CanisterDidNotReply, `Canister ${canister.canisterId.toText()} did not reply to the call`) };
  }
  return r.response.kind === 'reply' ? { reply: r.response.payload } : { reject: { code: RejectCode.CanisterReject, message: r.response.message } };
}

/**
 * One execution inside a composite query's call graph (src/query runs the
 * graph): `entryPoint` with `apiType` on `canister` from `state`, at most
 * `limit` instructions, no slicing, no charge. Nothing is applied to the
 * canister; the result carries the new heap and the calls performed
 * (callback ids after `lastCallbackId`).
 */
export async function executeQueryEntry(
  env: Env, canister: CanisterState,
  run: { state: ExecutionState; entryPoint: EntryPoint; apiType: ApiType; limit: bigint; lastCallbackId: bigint },
): Promise<ExecutionResult> {
  const init = { ...systemStateInit(env, canister), lastCallbackId: run.lastCallbackId };
  let out = await runEntry(env, canister, run.state, run.entryPoint, run.apiType, init, { message: run.limit, slice: run.limit });
  while (out.kind === 'paused') out = await out.paused.resume();
  return out.result;
}
