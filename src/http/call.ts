/**
 * `POST /api/v2|v3|v4/canister/<ecid>/call` and `/api/v4/subnet/<esid>/call`
 * (http_interface.md §1.1, §5.2, §8), in order:
 *
 *     1. authenticate (src/http/auth)                      400 / 403 / 413
 *     2. a management call's effective canister id (from
 *        its argument) is the URL's                        400
 *     3. a request id already in the ingress history is
 *        not executed again: v2 202, v3/v4 its certificate
 *        once terminal (else wait, as below)
 *     4. admission: rates and pool bounds                  429
 *     5. the ingress filter on the last committed state:
 *        refusals are non-replicated rejections            200 { reject_code, … }
 *        — except a canister that does not exist: the call
 *        goes on and is rejected when inducted (IC0301), so
 *        the client gets a certified reject, never a 404
 *     6. into the block maker's pool                       429 when full
 *     7. v3/v4: wait for a terminal status, then
 *        200 { status: "replied", certificate } with
 *        /time and /request_status/<id>
 *     8. otherwise (v2, or the sync wait ran out): 202 once the
 *        call has a status — its batch was logged before it ran,
 *        so on a replica with a data directory an accepted call
 *        survives a crash (DESIGN.md) — or once it expired in the pool
 *
 * The certificate's `status` field is literally `"replied"` for rejected
 * calls too; the certified tree says which (the agents read it there).
 */
import { ErrorCode } from '../errors/index.ts';
import { extractEffectiveCanisterId } from '../messaging/index.ts';
import type { IngressStatus } from '../state/index.ts';
import type { Answer } from './answer.ts';
import { ACCEPTED, cborAnswer, nonReplicatedRejection, overloaded, textAnswer } from './answer.ts';
import { authenticate } from './auth/index.ts';
import type { AuthenticatedRequest, CanisterCallContent } from './auth/index.ts';
import type { ServerContext } from './context.ts';
import { isTerminal } from './round-loop.ts';
import type { ApiVersion, Target } from './routes.ts';
import { signedIngressFor } from './signed-ingress.ts';

/** The effective canister of a call, or the 400 when it contradicts the URL. */
function effectiveCanister(content: CanisterCallContent, target: Target, ctx: ServerContext): { ok: true; key: string } | { ok: false; answer: Answer } {
  if (target.kind === 'subnet') {
    if (!target.id.equals(ctx.replica.subnetId)) {
      return { ok: false, answer: textAnswer(400, `Subnet ${target.id.toText()} is not this replica's subnet ${ctx.replica.subnetId.toText()}.`) };
    }
    if (!content.canisterId.isManagementCanister()) {
      return { ok: false, answer: textAnswer(400, `Specified CanisterId ${content.canisterId.toText()} does not match effective subnet id in URL ${target.id.toText()}`) };
    }
    return { ok: true, key: target.id.toText() };
  }
  if (content.canisterId.isManagementCanister()) {
    const r = extractEffectiveCanisterId(content.methodName, content.arg);
    if (r.ok && r.id !== undefined && !r.id.equals(target.id)) {
      return { ok: false, answer: textAnswer(400, `Specified CanisterId ${r.id.toText()} does not match effective canister id in URL ${target.id.toText()}`) };
    }
  }
  return { ok: true, key: target.id.toText() };
}

/** The v3/v4 answer for a status: the certificate once terminal, else 202. */
function syncAnswer(ctx: ServerContext, requestId: Uint8Array, status: IngressStatus | undefined): Answer {
  if (!isTerminal(status)) return ACCEPTED;
  const replica = ctx.replica;
  const certificate = replica.certifier.certification(replica.committedState).certificateFor([['request_status', requestId]]);
  return cborAnswer(200, { status: 'replied', certificate });
}

async function awaitAnswer(ctx: ServerContext, version: ApiVersion, requestId: Uint8Array, expiry: bigint): Promise<Answer> {
  if (version !== 2) {
    const status = await ctx.loop.waitForAnswer(requestId, ctx.syncCallTimeoutMs);
    if (isTerminal(status)) return syncAnswer(ctx, requestId, status);
  }
  const untilExpiry = Number((expiry - ctx.nowNanos()) / 1_000_000n) + 1;
  await ctx.loop.waitForStatus(requestId, Math.max(0, untilExpiry));
  return ACCEPTED;
}

/** Handles a call (see the module header). */
export async function handleCall(ctx: ServerContext, version: ApiVersion, target: Target, body: Uint8Array): Promise<Answer> {
  const now = ctx.nowNanos();
  const auth = authenticate(body, {
    requestType: 'call', now, rootKey: ctx.rootKeyDer, maxIngressBytes: ctx.maxIngressBytes,
    ...(target.kind === 'canister' ? { effectiveCanisterId: target.id } : {}),
  });
  if (!auth.ok) return textAnswer(auth.error.status, auth.error.message);
  const request: AuthenticatedRequest = auth.value;
  const content = request.content as CanisterCallContent;
  const effective = effectiveCanister(content, target, ctx);
  if (!effective.ok) return effective.answer;

  const known = ctx.replica.ingressStatus(request.requestId);
  if (known?.state.kind === 'done') return ACCEPTED;
  if (known !== undefined) return awaitAnswer(ctx, version, request.requestId, content.ingressExpiry);

  const refused = ctx.admission.admit(effective.key);
  if (refused !== undefined) return overloaded(refused);

  const verdict = await ctx.replica.filterIngress(content, request.envelopeBytes, request.requestId, now);
  if (!verdict.ok) {
    if (verdict.kind === 'invalidExpiry') return textAnswer(400, verdict.message);
    if (verdict.error.code !== ErrorCode.CanisterNotFound) return nonReplicatedRejection(version, verdict.error);
  }
  const pooled = ctx.replica.poolIngress(signedIngressFor(request, body));
  if (pooled.ok) ctx.admission.pooledOne(effective.key);
  else if (pooled.reason === 'pool-full') return overloaded('The block maker\'s ingress pool is full.');
  else if (pooled.reason === 'too-large') return textAnswer(413, `Request ${Buffer.from(request.requestId).toString('hex')} is too large for a block.`);
  // 'duplicate': the same request is pooled already; answer as for it.
  return awaitAnswer(ctx, version, request.requestId, content.ingressExpiry);
}
