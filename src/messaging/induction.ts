/**
 * Induction of a batch's ingress into the replicated state — the replica's
 * valid-set rule (`rs/messaging/src/scheduling/valid_set_rule.rs`). For each
 * message, in batch order:
 *
 *     already in the ingress history            skipped (a repeated request id never runs twice)
 *     envelope not decodable                    skipped (consensus only orders valid messages)
 *     history at its message limit              Failed IC0204 "Maximum queue capacity <n> reached"
 *     to aaaaa-aa, unknown / canister-only      Failed "Cannot enqueue management message. Method <m> is unknown."
 *     to aaaaa-aa, argument not decodable       Failed "Cannot enqueue management message. Candid payload is invalid."
 *     payer missing                             Failed IC0301 "Canister <id> not found"
 *     receiver stopping / stopped               Failed IC0509 / IC0508 "Canister <id> is stopping|stopped"
 *     payer cannot pay the induction fee        Failed IC0207 (the cycles account manager's text)
 *     otherwise                                 queued; status Received
 *
 * (The replica reports the two management-message errors with the code
 * `CanisterOutOfCycles`; so does ic-exec.) Management messages go to the
 * subnet queue, round-robin by effective canister id; the others to their
 * canister's ingress queue. The fee is the cycles account manager's
 * `ingress_induction_cost` of the envelope's bytes (the replica charges
 * `ingress.binary().len()`); the payer of a management message is its
 * effective canister, and a message without one is free.
 */
import { ErrorCode, userError } from '../errors/index.ts';
import type { ErrorCode as ErrorCodeT } from '../errors/index.ts';
import { INGRESS_HISTORY_MEMORY_CAPACITY } from '../config/index.ts';
import type { SignedIngress } from '../consensus/index.ts';
import type { CanisterState, Ingress, IngressStatus, ReplicatedState } from '../state/index.ts';
import { newIngress, pushIngress } from '../state/index.ts';
import type { CanisterId, PrincipalId } from '../types/index.ts';
import { outOfCyclesMessage } from '../cycles/index.ts';
import type { CyclesAccountManager } from '../cycles/index.ts';
import { isSubnetAddress } from '../scheduler/index.ts';
import { decodeCallEnvelope } from './ingress-content.ts';
import { extractEffectiveCanisterId, parseIngressErrorMessage } from './ic00.ts';

/** Ingress-history entries above which non-system subnets fail new messages (`INGRESS_HISTORY_MAX_MESSAGES` = 2 × 1,000 × 300). */
export const INGRESS_HISTORY_MAX_MESSAGES = 600_000;

/** What induction needs besides the state. */
export interface InductionContext {
  /** Charges the induction fee; without it induction is free. */
  readonly cycles?: CyclesAccountManager;
  /** Default {@link INGRESS_HISTORY_MAX_MESSAGES}. */
  readonly ingressHistoryMaxMessages?: number;
  /** Bytes. Default 4 GiB. */
  readonly ingressHistoryCapacity?: bigint;
}

/** What {@link inductIngress} did. */
export interface InductionStats {
  inducted: number;
  failed: number;
  duplicates: number;
  invalid: number;
}

type Outcome = { readonly ok: true } | { readonly ok: false; readonly code: ErrorCodeT; readonly message: string };
const failed = (code: ErrorCodeT, message: string): Outcome => ({ ok: false, code, message });

/**
 * Takes the induction fee of a message of `bytes` envelope bytes from
 * `payer` above its freezing threshold, postponed while it has a paused
 * execution (`charge_ingress_induction_cost`); the top-up amount is shown
 * to controllers only.
 * @returns the IC0207 description if it cannot pay (nothing taken).
 */
function chargeInduction(cam: CyclesAccountManager, payer: CanisterState, bytes: number, sender: PrincipalId): string | undefined {
  const cost = cam.ingressInductionCost(BigInt(bytes));
  const usage = { memoryUsage: payer.memoryUsage(), messageMemoryUsage: payer.messageMemoryUsage() };
  const error = cam.chargeIngressInductionCost(payer.systemState, usage, cost, {
    hasPausedExecution: payer.systemState.taskQueue.hasPausedExecution(),
    revealTopUp: payer.systemState.isController(sender),
  });
  return error === undefined ? undefined : outOfCyclesMessage(error);
}

function enqueue(state: ReplicatedState, ingress: Ingress, bytes: number, ctx: InductionContext): Outcome {
  const max = ctx.ingressHistoryMaxMessages ?? INGRESS_HISTORY_MAX_MESSAGES;
  if (state.metadata.ownSubnetType !== 'system' && state.metadata.ingressHistory.size >= max) {
    return failed(ErrorCode.IngressHistoryFull, `Maximum queue capacity ${max} reached`);
  }
  const toSubnet = isSubnetAddress(state, ingress.receiver);
  let effective: CanisterId | undefined;
  if (toSubnet) {
    const r = extractEffectiveCanisterId(ingress.methodName, ingress.methodPayload);
    if (!r.ok) return failed(ErrorCode.CanisterOutOfCycles, parseIngressErrorMessage(r.error, ingress.methodName));
    effective = r.id;
  }
  const msg = effective === undefined ? ingress : newIngress({ ...ingress, effectiveCanisterId: effective });
  const payerId = toSubnet ? effective : ingress.receiver;
  if (payerId !== undefined) {
    const payer = state.canister(payerId);
    if (payer === undefined) return failed(ErrorCode.CanisterNotFound, `Canister ${payerId.toText()} not found`);
    if (!toSubnet) {
      const status = payer.systemState.status.kind;
      if (status === 'stopping') return failed(ErrorCode.CanisterStopping, `Canister ${payerId.toText()} is stopping`);
      if (status === 'stopped') return failed(ErrorCode.CanisterStopped, `Canister ${payerId.toText()} is stopped`);
    }
    if (ctx.cycles !== undefined) {
      const err = chargeInduction(ctx.cycles, state.canisterMut(payerId) as CanisterState, bytes, ingress.source);
      if (err !== undefined) return failed(ErrorCode.CanisterOutOfCycles, err);
    }
  }
  if (toSubnet) state.subnetQueues.pushIngress(msg);
  else pushIngress((state.canisterMut(ingress.receiver) as CanisterState).systemState, msg);
  return { ok: true };
}

/**
 * Inducts `messages` in order (see the module header). The batch time must
 * already be the state's time.
 */
export function inductIngress(state: ReplicatedState, messages: readonly SignedIngress[], ctx: InductionContext = {}): InductionStats {
  const stats: InductionStats = { inducted: 0, failed: 0, duplicates: 0, invalid: 0 };
  const capacity = ctx.ingressHistoryCapacity ?? INGRESS_HISTORY_MEMORY_CAPACITY;
  const history = state.metadata.ingressHistory;
  for (const signed of messages) {
    if (history.has(signed.messageId)) {
      stats.duplicates++;
      continue;
    }
    const decoded = decodeCallEnvelope(signed.payload);
    if (!decoded.ok) {
      stats.invalid++;
      continue;
    }
    const c = decoded.content;
    const ingress = newIngress({
      source: c.sender, receiver: c.canisterId, methodName: c.methodName, methodPayload: c.arg,
      messageId: signed.messageId, expiryTime: c.ingressExpiry,
    });
    const outcome = enqueue(state, ingress, signed.payload.length, ctx);
    const base = { receiver: c.canisterId, userId: c.sender, time: state.time };
    const status: IngressStatus = outcome.ok
      ? { ...base, state: { kind: 'received' } }
      : { ...base, state: { kind: 'failed', error: userError(outcome.code, outcome.message) } };
    history.setStatus(signed.messageId, status, state.time, capacity);
    if (outcome.ok) stats.inducted++;
    else stats.failed++;
  }
  return stats;
}
