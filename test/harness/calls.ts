// Inter-canister calls in the execution test harness: the calls canisters
// make are recorded; a test delivers a call to a canister of the test
// (`executeCall`: runs the method as an update from the calling canister,
// or as a replicated query for a query method) and hands the response back
// (`respond`: credits the refund, runs the reply or reject callback, and
// the cleanup callback if that traps, from the pre-callback state).
// `drain` does both until nothing is left, in FIFO order.
import { exportsFunction } from '../../src/state/index.ts';
import type { EntryPoint, ExecutionResult } from '../../src/hypervisor/index.ts';
import type { ApiType } from '../../src/system-api/index.ts';
import { cycles } from '../../src/types/index.ts';
import type { HypervisorError } from '../../src/errors/index.ts';
import { applyResult } from './test-canister.ts';
import type { CallContext, RecordedCall, Response, TestCanister } from './test-canister.ts';
import type { ExecutionTest } from './execution-test.ts';
import { outcome } from './outcome.ts';
import type { MessageOutcome, SliceOutcome } from './outcome.ts';

/** Keeps the calls in flight and moves them between canisters. */
export class CallRouter {
  readonly #test: ExecutionTest;
  /** Calls without a response yet, in the order they were made. */
  readonly #pending: RecordedCall[] = [];
  /** Calls to canisters of the test not yet delivered. */
  readonly #undelivered: RecordedCall[] = [];
  /** Contexts opened by `execute` that had no answer yet. */
  readonly #awaiting = new Set<CallContext>();
  /** Answers of such contexts, waiting to go back to their callers. */
  readonly #answers: Array<{ call: RecordedCall; response: Response }> = [];

  constructor(test: ExecutionTest) {
    this.#test = test;
  }

  /** Records the calls an execution made. */
  record(calls: readonly RecordedCall[]): void {
    for (const call of calls) {
      this.#pending.push(call);
      if (this.#test.hasCanister(call.request.receiver)) this.#undelivered.push(call);
    }
  }

  /** Calls waiting for a response, optionally only those `from` one canister. */
  pending(from?: RecordedCall['from']): RecordedCall[] {
    return this.#pending.filter((c) => from === undefined || c.from.toText() === from.toText());
  }

  /** Runs `call` on its receiver; its response, or `pending` if the receiver awaits calls of its own. */
  async execute(call: RecordedCall): Promise<Response | { pending: true }> {
    const i = this.#undelivered.indexOf(call);
    if (i >= 0) this.#undelivered.splice(i, 1);
    const test = this.#test;
    const c = test.canisterState(call.request.receiver);
    const ctx = test.newCallContext(c, { kind: 'canister', call }, call.from, call.request.cycles);
    const method = call.request.methodName;
    const isQuery = !exportsFunction(c.execution, `canister_update ${method}`) && exportsFunction(c.execution, `canister_query ${method}`);
    const entry: EntryPoint = isQuery ? { kind: 'query', method } : { kind: 'update', method };
    const common = { time: test.time, caller: call.from, arg: call.request.payload, incomingCycles: cycles(call.request.cycles), callContextId: ctx.id };
    const apiType: ApiType = isQuery ? { kind: 'replicatedQuery', ...common } : { kind: 'update', ...common };
    await this.#run(c, test.startMessage(c, ctx, entry, apiType));
    const answer = takeAnswer(ctx);
    if (answer !== undefined) return answer;
    this.#awaiting.add(ctx);
    return { pending: true };
  }

  /** Delivers a response to `call` (see the module header). */
  async respond(call: RecordedCall, response: Response): Promise<MessageOutcome> {
    const i = this.#pending.indexOf(call);
    if (i < 0) throw new Error('respond: this call is not waiting for a response');
    this.#pending.splice(i, 1);
    const test = this.#test;
    const req = call.request;
    const c = test.canisterState(call.from);
    const ctx = c.callContexts.get(req.callContextId);
    if (ctx === undefined) throw new Error(`respond: call context ${req.callContextId} is gone`);
    ctx.outstanding--;
    const refund = response.refund ?? req.cycles;
    c.balance += refund;
    const common = {
      time: test.time, caller: ctx.caller, callContextId: ctx.id, refundedCycles: cycles(refund),
      availableCycles: cycles(ctx.availableCycles), replied: ctx.replied, callContextInstructionsExecuted: ctx.instructions,
    };
    const isReply = 'reply' in response;
    const apiType: ApiType = isReply
      ? { kind: 'replyCallback', ...common, reply: response.reply }
      : { kind: 'rejectCallback', ...common, rejectCode: response.reject.code, rejectMessage: response.reject.message };
    const closure = isReply ? req.onReply : req.onReject;
    let result = await this.#run(c, test.startMessage(c, ctx, { kind: 'callback', closure }, apiType));
    if (result.result.error !== undefined && req.onCleanup !== undefined) {
      const cleanup = await test.runToCompletion(c, { kind: 'callback', closure: req.onCleanup },
        { kind: 'cleanup', time: test.time, caller: ctx.caller, callContextInstructionsExecuted: ctx.instructions }, test.updateLimits);
      applyResult(c, ctx, cleanup);
      const error: HypervisorError | undefined = cleanup.error === undefined
        ? result.result.error
        : { kind: 'Cleanup', callbackErr: result.result.error, cleanupErr: cleanup.error };
      result = outcome(c, { ...result.result, ...(error === undefined ? {} : { error }) }, withoutAnswer(ctx));
    }
    if (this.#awaiting.has(ctx) && ctx.origin.kind === 'canister') {
      const answer = takeAnswer(ctx);
      if (answer !== undefined) {
        this.#awaiting.delete(ctx);
        this.#answers.push({ call: ctx.origin.call, response: answer });
      }
    }
    return result;
  }

  /** Delivers undelivered calls and waiting answers until none is left; returns how many steps it took. */
  async drain(): Promise<number> {
    let steps = 0;
    for (;;) {
      const answer = this.#answers.shift();
      if (answer !== undefined) {
        await this.respond(answer.call, answer.response);
      } else {
        const call = this.#undelivered[0];
        if (call === undefined) return steps;
        const response = await this.execute(call);
        if (!('pending' in response)) this.#answers.push({ call, response });
      }
      steps++;
    }
  }

  async #run(c: TestCanister, first: Promise<SliceOutcome>): Promise<MessageOutcome> {
    let step = await first;
    while (step.kind === 'paused') step = await this.#test.executeSlice(c.id);
    return step;
  }

}

/** The context's answer with the cycles it did not accept as the refund, if it is answered. */
function takeAnswer(ctx: CallContext): Response | undefined {
  if (ctx.answer === undefined) return undefined;
  const refund = ctx.availableCycles;
  ctx.availableCycles = 0n;
  return { ...ctx.answer, refund };
}

/** A context whose earlier synthetic answer (from the failed callback) is withdrawn so the combined error can settle it. */
function withoutAnswer(ctx: CallContext): CallContext {
  if (ctx.answer !== undefined && 'error' in ctx.answer) {
    ctx.replied = false;
    delete ctx.answer;
  }
  return ctx;
}

export type { ExecutionResult };
