/**
 * The call graph of a composite query (the replica's `query_context.rs` and
 * `query_call_graph.rs`). A composite query — or one of its composite
 * callbacks — that answers nothing but performs calls has them executed
 * here, depth first, in the order it performed them, all on the same
 * committed snapshot; every change is discarded when the graph is done.
 *
 * A node is a call context: a canister (its heap as its last execution left
 * it), who called it, and the calls it made that are still to be run. For
 * each call: the callee's `canister_composite_query` (else `canister_query`)
 * method runs on a fresh copy of the callee from the snapshot; its answer
 * goes to the caller's reply or reject callback (composite callback
 * contexts; on a trap the composite cleanup, from the pre-callback heap).
 * The first answer of a node ends its sub-graph. Checks, before each step:
 *
 *     stack depth ≥ 6 (MAX_QUERY_CALL_DEPTH)           IC0525 "Composite query calls exceeded the maximum call depth."
 *     5B instructions over the graph used up           IC0526 "Composite query calls exceeded the instruction limit."
 *     callee already on the stack (re-entry)           IC0517 "Query calls re-entering the same canister are not allowed yet."
 *     node with no answer and no calls left            IC0506 "Canister <id> did not produce a response"
 *
 * Every execution gets min(query limit, what the graph has left); each call
 * to a canister that runs costs 50M more (INSTRUCTION_OVERHEAD_PER_QUERY_CALL).
 * A call to an unknown canister, one not running, or a method it does not
 * export is answered with the error as a reject ("IC0xxx: <text>"). A call
 * to the management canister is answered by its query methods
 * (`ManagementQueryExecutor`, with the calling canister as the caller:
 * `canister_status`, `canister_info`, `fetch_canister_logs`, …) on the same
 * snapshot and costs the 50M of a call; an error is a reject with the
 * error's reject code and its bare description, as the replica answers
 * (e.g. "Query method raw_rand not found.", "Canister <id> not found").
 */
import { INSTRUCTION_OVERHEAD_PER_QUERY_CALL, MAX_INSTRUCTIONS_PER_COMPOSITE_QUERY_CALL, MAX_QUERY_CALL_DEPTH } from '../config/index.ts';
import { ErrorCode, RejectCode, formatUserError, rejectCodeOf, toUserError, userError } from '../errors/index.ts';
import type { HypervisorError, UserError } from '../errors/index.ts';
import type { EntryPoint, ExecutionResult } from '../hypervisor/index.ts';
import type { CanisterState, ExecutionState, ReplicatedState } from '../state/index.ts';
import { exportsFunction } from '../state/index.ts';
import type { ApiType, OutgoingRequest } from '../system-api/index.ts';
import { cycles } from '../types/index.ts';
import type { CanisterId, PrincipalId } from '../types/index.ts';
import type { ManagementQueryExecutor, QueryResult } from './query-handler.ts';

/** What the call graph needs of the execution environment. */
export interface QueryGraphExecutor {
  /** The instruction limit of one query execution. */
  readonly maxInstructionsPerQuery: bigint;
  /** Runs one entry point on `canister` with `state`, nothing kept (see `ExecutionEnvironment.executeQueryEntry`). */
  executeQueryEntry(canister: CanisterState, run: {
    state: ExecutionState; entryPoint: EntryPoint; apiType: ApiType; limit: bigint; lastCallbackId: bigint;
  }): Promise<ExecutionResult>;
}

/** An answer travelling up the graph. */
type Answer = { readonly reply: Uint8Array } | { readonly reject: { readonly code: RejectCode; readonly message: string } } | { readonly error: UserError };

/** A call context in the graph (`PendingCall`). */
interface Node {
  readonly canister: CanisterState;
  state: ExecutionState;
  /** The user (root) or the calling canister. */
  readonly caller: PrincipalId;
  readonly root: boolean;
  readonly calls: OutgoingRequest[];
  /** The call whose answer is awaited, once run. */
  current?: OutgoingRequest;
  lastCallbackId: bigint;
  instructions: bigint;
}

const ROOT_CALL_CONTEXT = 0n;

/** Runs a composite query and its call graph on `committed` (see the module header). */
export async function runCompositeQuery(
  executor: QueryGraphExecutor, committed: ReplicatedState, root: CanisterState,
  query: { sender: PrincipalId; method: string; arg: Uint8Array }, dataCertificate: Uint8Array | undefined,
  management?: ManagementQueryExecutor,
): Promise<QueryResult> {
  let left = MAX_INSTRUCTIONS_PER_COMPOSITE_QUERY_CALL as bigint;
  const time = committed.time;
  const rootId = root.canisterId;
  const cert = (c: CanisterState): { dataCertificate?: Uint8Array } =>
    dataCertificate !== undefined && c.canisterId.equals(rootId) ? { dataCertificate } : {};

  /** One execution with what the graph has left. */
  const run = async (node: Node, state: ExecutionState, entryPoint: EntryPoint, apiType: ApiType): Promise<ExecutionResult> => {
    const budget = left > 0n ? left : 0n;
    const limit = executor.maxInstructionsPerQuery < budget ? executor.maxInstructionsPerQuery : budget;
    const r = await executor.executeQueryEntry(node.canister, { state, entryPoint, apiType, limit, lastCallbackId: node.lastCallbackId });
    left -= r.instructionsExecuted;
    node.instructions += r.instructionsExecuted;
    return r;
  };

  /** What an execution means for its node: an answer, or more calls to run (`undefined`). */
  const settle = (node: Node, r: ExecutionResult, error: HypervisorError | undefined): Answer | undefined => {
    if (error !== undefined) return { error: toUserError(error, node.canister.canisterId) };
    if (r.response !== undefined) {
      return r.response.kind === 'reply' ? { reply: r.response.payload } : { reject: { code: RejectCode.CanisterReject, message: r.response.message } };
    }
    for (const req of r.modifications.requests) {
      node.calls.push(req);
      if (req.callbackId > node.lastCallbackId) node.lastCallbackId = req.callbackId;
    }
    return undefined;
  };

  /** Executes a node's first method; `caller` is the user or the calling canister. */
  const start = async (canister: CanisterState, caller: PrincipalId, method: string, arg: Uint8Array, isRoot: boolean): Promise<Node | Answer> => {
    const state = canister.executionState as ExecutionState;
    const composite = exportsFunction(state, `canister_composite_query ${method}`);
    const node: Node = {
      canister, state, caller, root: isRoot, calls: [], lastCallbackId: canister.systemState.callContextManager?.nextCallbackId ?? 0n, instructions: 0n,
    };
    const common = { time, caller, arg, ...cert(canister) };
    const r = await run(node, state, composite ? { kind: 'compositeQuery', method } : { kind: 'query', method },
      composite ? { kind: 'compositeQuery', ...common, callContextId: ROOT_CALL_CONTEXT } : { kind: 'nonReplicatedQuery', ...common });
    node.state = r.state;
    return settle(node, r, r.error) ?? node;
  };

  /** A call to another canister (`handle_request`). */
  const call = async (req: OutgoingRequest, caller: CanisterId): Promise<Node | Answer> => {
    const reject = (e: UserError): Answer => ({ reject: { code: rejectCodeOf(e.code), message: formatUserError(e) } });
    if (req.receiver.isManagementCanister()) {
      const r: QueryResult = management === undefined
        ? { error: userError(ErrorCode.CanisterMethodNotFound, `Query method ${req.methodName} not found.`) }
        : await management.query(committed, { receiver: req.receiver, sender: caller, methodName: req.methodName, arg: req.payload });
      left -= INSTRUCTION_OVERHEAD_PER_QUERY_CALL;
      return 'error' in r ? { reject: { code: rejectCodeOf(r.error.code), message: r.error.description } } : r;
    }
    const target = committed.canister(req.receiver);
    if (target === undefined) return reject(userError(ErrorCode.CanisterNotFound, `Canister ${req.receiver.toText()} not found`));
    const invalid = notRunning(target) ?? queryMethodError(target, req.methodName);
    if (invalid !== undefined) return reject(invalid);
    const out = await start(target.clone(), caller, req.methodName, req.payload, false);
    left -= INSTRUCTION_OVERHEAD_PER_QUERY_CALL;
    return 'error' in out ? reject(out.error) : out;
  };

  /** Delivers a callee's answer to the caller's callback (`handle_response`). */
  const deliver = async (node: Node, req: OutgoingRequest, answer: Answer): Promise<Answer | undefined> => {
    const common = {
      time, caller: node.caller, callContextId: ROOT_CALL_CONTEXT, refundedCycles: cycles(0n), availableCycles: cycles(0n),
      replied: false, callContextInstructionsExecuted: node.instructions,
    };
    const reject = 'reply' in answer ? undefined : 'reject' in answer ? answer.reject
      : { code: rejectCodeOf(answer.error.code), message: formatUserError(answer.error) };
    const apiType: ApiType = reject === undefined ? { kind: 'compositeReplyCallback', ...common, reply: (answer as { reply: Uint8Array }).reply }
      : { kind: 'compositeRejectCallback', ...common, rejectCode: reject.code, rejectMessage: reject.message };
    const before = node.state;
    const r = await run(node, before, { kind: 'callback', closure: reject === undefined ? req.onReply : req.onReject }, apiType);
    let error = r.error;
    if (error === undefined) node.state = r.state;
    else if (req.onCleanup !== undefined) {
      const c = await run(node, before, { kind: 'callback', closure: req.onCleanup },
        { kind: 'compositeCleanup', time, caller: node.caller, callContextInstructionsExecuted: node.instructions });
      if (c.error === undefined) node.state = c.state;
      else error = { kind: 'Cleanup', callbackErr: error, cleanupErr: c.error };
    }
    return settle(node, r, error);
  };

  const first = await start(root, query.sender, query.method, query.arg, true);
  if (!isNode(first)) return first;
  const stack: Node[] = [first];
  let answer: Answer | undefined;
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (stack.length >= MAX_QUERY_CALL_DEPTH) {
      return { error: userError(ErrorCode.QueryCallGraphTooDeep, 'Composite query calls exceeded the maximum call depth.') };
    }
    if (left <= 0n) {
      return { error: userError(ErrorCode.QueryCallGraphTotalInstructionLimitExceeded, 'Composite query calls exceeded the instruction limit.') };
    }
    let next: Node | Answer | undefined;
    if (answer !== undefined) {
      const req = node.current as OutgoingRequest;
      next = (await deliver(node, req, answer)) ?? node;
      answer = undefined;
    } else {
      const req = node.calls.shift();
      if (req === undefined) {
        answer = { error: userError(ErrorCode.CanisterDidNotReply, `Canister ${node.canister.canisterId.toText()} did not produce a response`) };
        if (!node.root) answer = { reject: { code: rejectCodeOf(answer.error.code), message: formatUserError(answer.error) } };
        continue;
      }
      if (req.receiver.equals(node.canister.canisterId) || stack.some((n) => n.canister.canisterId.equals(req.receiver))) {
        return { error: userError(ErrorCode.QueryCallGraphLoopDetected, 'Query calls re-entering the same canister are not allowed yet.') };
      }
      node.current = req;
      stack.push(node);
      next = await call(req, node.canister.canisterId);
    }
    if (isNode(next)) stack.push(next);
    else answer = node.root || !('error' in next) ? next : { reject: { code: rejectCodeOf(next.error.code), message: formatUserError(next.error) } };
  }
  return answer as Answer;
}

function isNode(x: Node | Answer): x is Node {
  return 'calls' in x;
}

/** IC0509 / IC0508 for a callee not running. */
function notRunning(c: CanisterState): UserError | undefined {
  const s = c.systemState.status.kind;
  if (s === 'running') return undefined;
  return userError(s === 'stopping' ? ErrorCode.CanisterStopping : ErrorCode.CanisterStopped, `Canister ${c.canisterId.toText()} is not running`);
}

/** IC0537 empty, IC0536 no such query method (`wasm_query_method`). */
function queryMethodError(c: CanisterState, method: string): UserError | undefined {
  const s = c.executionState;
  if (s === undefined) return toUserError({ kind: 'WasmModuleNotFound' }, c.canisterId);
  if (exportsFunction(s, `canister_composite_query ${method}`) || exportsFunction(s, `canister_query ${method}`)) return undefined;
  return toUserError({ kind: 'MethodNotFound', methodKind: 'query', name: method }, c.canisterId);
}
