/**
 * `canister_metrics`: the cycles a canister consumed since it was created,
 * by use case, as the subnet counts them (src/state/cycles-metrics.ts).
 * Answered to replicated calls (ingress or a canister's request) and to
 * queries (queries.ts) alike, through {@link readCanisterMetrics}:
 *
 *     argument not `record { canister_id }`      IC0408 "Error decoding candid: …"
 *     no such canister                           IC0301 (read-access.ts: with the period when replicated)
 *     caller not a controller (or subnet admin:
 *     ic-exec has none)                          IC0512 the canister manager's controller error
 *     otherwise                                  record { cycles_consumed : record { memory; compute_allocation;
 *                                                  ingress_induction; instructions; request_and_response_transmission;
 *                                                  uninstall; canister_creation; http_outcalls; burned_cycles : nat } }
 */
import { IDL } from '@dfinity/candid';
import type { UserError } from '../errors/index.ts';
import type { ReplicatedState } from '../state/index.ts';
import type { CanisterId, PrincipalId } from '../types/index.ts';
import { encode } from './candid.ts';
import { canisterNotFound, notController, reject } from './errors.ts';
import { namedCanister } from './read-access.ts';
import type { Handler, ManagementOutcome } from './types.ts';

/** `cycles_consumed`: its fields and the use case each reports. */
const USE_CASES = {
  memory: 'memory', compute_allocation: 'computeAllocation', ingress_induction: 'ingressInduction', instructions: 'instructions',
  request_and_response_transmission: 'requestAndResponseTransmission', uninstall: 'uninstall', canister_creation: 'canisterCreation',
  http_outcalls: 'httpOutcalls', burned_cycles: 'burnedCycles',
} as const;

export const CyclesConsumed = IDL.Record(Object.fromEntries(Object.keys(USE_CASES).map((k) => [k, IDL.Nat])));
export const CanisterMetricsResult = IDL.Record({ cycles_consumed: CyclesConsumed });

/**
 * `canister_metrics` of the canister named in `arg`, for `caller`: the
 * encoded result, or the error (see the module header). `notFound` is the
 * replicated or the query wording.
 */
export function readCanisterMetrics(
  state: ReplicatedState, caller: PrincipalId, arg: Uint8Array, notFound: (id: CanisterId) => UserError,
): { readonly reply: Uint8Array } | { readonly error: UserError } {
  const named = namedCanister(state, arg, notFound);
  if (!named.ok) return { error: named.error };
  const canister = named.canister;
  if (!canister.systemState.isController(caller)) return { error: notController(canister, caller) };
  const consumed = canister.systemState.consumedCycles;
  const cyclesConsumed = Object.fromEntries(Object.entries(USE_CASES).map(([field, useCase]) => [field, consumed.of(useCase)]));
  return { reply: encode([CanisterMetricsResult], [{ cycles_consumed: cyclesConsumed }]) };
}

const canisterMetrics: Handler = (call, ctx): ManagementOutcome => {
  const r = readCanisterMetrics(ctx.state, call.sender, call.arg, canisterNotFound);
  return 'reply' in r ? { kind: 'reply', reply: r.reply } : reject(r.error);
};

export const handlers: Readonly<Record<string, Handler>> = { canister_metrics: canisterMetrics };
