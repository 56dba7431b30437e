/**
 * `POST /api/v2|v3/canister/<ecid>/read_state` and
 * `/api/v2|v3/subnet/<esid>/read_state` (http_interface.md §5.3): the
 * paths are checked (read-state-paths.ts), then answered with a
 * certificate of the last committed state that reveals them and `/time`
 * (absent paths proven absent), signed with the subnet key:
 *
 *     200 { certificate: bytes }
 *
 * Any effective canister id is served (time sync asks
 * `ryjl3-tyaaa-aaaaa-aaaba-cai` whether it exists or not).
 */
import type { Answer } from './answer.ts';
import { cborAnswer, textAnswer } from './answer.ts';
import { authenticate } from './auth/index.ts';
import type { ReadStateContent } from './auth/index.ts';
import type { ServerContext } from './context.ts';
import { verifyPaths } from './read-state-paths.ts';
import type { Target } from './routes.ts';

/** Handles a read_state (see the module header). */
export function handleReadState(ctx: ServerContext, target: Target, body: Uint8Array): Answer {
  const auth = authenticate(body, {
    requestType: 'read_state', now: ctx.nowNanos(), rootKey: ctx.rootKeyDer,
    ...(target.kind === 'canister' ? { effectiveCanisterId: target.id } : {}),
  });
  if (!auth.ok) return textAnswer(auth.error.status, auth.error.message);
  if (target.kind === 'subnet' && !target.id.equals(ctx.replica.subnetId)) {
    return textAnswer(400, `Subnet ${target.id.toText()} is not this replica's subnet ${ctx.replica.subnetId.toText()}.`);
  }
  const { paths } = auth.value.content as ReadStateContent;
  const state = ctx.replica.committedState;
  const refused = verifyPaths(paths, { target, sender: auth.value.sender, targets: auth.value.targets, state });
  if (refused !== undefined) return refused;
  const certificate = ctx.replica.certifier.certification(state).certificateFor(paths);
  return cborAnswer(200, { certificate });
}
