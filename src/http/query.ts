/**
 * `POST /api/v2|v3/canister/<ecid>/query` and `/api/v3/subnet/<esid>/query`
 * (http_interface.md §5.1): the query runs on the last committed (and
 * certified) state; the answer — a reply or a reject, both `200` — is
 * signed by the node at the current wall-clock time:
 *
 *     { status: "replied", reply: { arg }, signatures: [{ timestamp, signature, identity }] }
 *     { status: "rejected", reject_code, reject_message, error_code, signatures: [...] }
 *
 * A query to `aaaaa-aa` (`canister_status`, `fetch_canister_logs`, …) goes
 * to the management canister's query methods with the URL's effective
 * canister id; on the subnet endpoint only management queries are served.
 */
import { ErrorCode, formatErrorCode, rejectCodeOf } from '../errors/index.ts';
import type { Answer } from './answer.ts';
import { cborAnswer, rejectFields, textAnswer } from './answer.ts';
import { authenticate } from './auth/index.ts';
import type { CanisterCallContent } from './auth/index.ts';
import type { ServerContext } from './context.ts';
import type { QueryAnswer } from './node-key.ts';
import type { Target } from './routes.ts';

/** Handles a query (see the module header). */
export async function handleQuery(ctx: ServerContext, target: Target, body: Uint8Array): Promise<Answer> {
  const auth = authenticate(body, {
    requestType: 'query', now: ctx.nowNanos(), rootKey: ctx.rootKeyDer,
    ...(target.kind === 'canister' ? { effectiveCanisterId: target.id } : {}),
  });
  if (!auth.ok) return textAnswer(auth.error.status, auth.error.message);
  const { requestId, sender } = auth.value;
  const content = auth.value.content as CanisterCallContent;
  if (target.kind === 'subnet') {
    if (!target.id.equals(ctx.replica.subnetId)) {
      return textAnswer(400, `Subnet ${target.id.toText()} is not this replica's subnet ${ctx.replica.subnetId.toText()}.`);
    }
    if (!content.canisterId.isManagementCanister()) {
      return textAnswer(400, `Specified CanisterId ${content.canisterId.toText()} does not match effective subnet id in URL ${target.id.toText()}`);
    }
  }
  const result = await ctx.replica.runQuery({
    receiver: content.canisterId, sender, methodName: content.methodName, arg: content.arg,
    ...(target.kind === 'canister' && content.canisterId.isManagementCanister() ? { effectiveCanisterId: target.id } : {}),
  });
  let answer: QueryAnswer;
  if ('reply' in result) {
    answer = { status: 'replied', reply: result.reply };
  } else if ('reject' in result) {
    // A canister's explicit reject: its code, IC0406.
    answer = { status: 'rejected', rejectCode: result.reject.code, rejectMessage: result.reject.message, errorCode: formatErrorCode(ErrorCode.CanisterRejectedMessage) };
  } else {
    const f = rejectFields(result.error);
    answer = { status: 'rejected', rejectCode: rejectCodeOf(result.error.code), rejectMessage: f.reject_message, errorCode: f.error_code };
  }
  const s = ctx.node.signQueryResponse(answer, ctx.nowNanos(), requestId);
  const signatures = [{ timestamp: s.timestamp, signature: s.signature, identity: s.identity }];
  return answer.status === 'replied'
    ? cborAnswer(200, { status: 'replied', reply: { arg: answer.reply }, signatures })
    : cborAnswer(200, {
      status: 'rejected', reject_code: answer.rejectCode, reject_message: answer.rejectMessage, error_code: answer.errorCode, signatures,
    });
}
