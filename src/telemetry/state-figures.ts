/**
 * Figures read off a committed state for the metrics: queue lengths and the
 * cycles consumed by use case. Reads only; each is a walk, so the telemetry
 * calls them at most once per sampling interval.
 */
import type { CanisterQueues, CanisterState, SubnetMetrics } from '../state/index.ts';
import type { CyclesUseCase } from '../types/index.ts';

/** Messages in a canister's input queues: ingress and canister messages (reserved slots not counted). */
export function canisterInputMessages(q: CanisterQueues): number {
  let n = q.ingressQueue.size;
  for (const p of q.sortedPairs()) n += p.input.length;
  return n;
}

/** Messages in the subnet queue (management canister) waiting to execute. */
export function subnetQueueMessages(q: CanisterQueues): number {
  return canisterInputMessages(q);
}

/** `burnedCycles` → `burned_cycles`: the label values use the metric style. */
const snake = (s: string): string => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** What the canisters' totals leave out (transfers; HTTPS outcalls are the subnet's). */
const NOT_CANISTER: ReadonlySet<CyclesUseCase> = new Set(['nonConsumed', 'httpOutcalls']);
/** What the subnet's map leaves to dedicated fields. */
const NOT_SUBNET_MAP: ReadonlySet<CyclesUseCase> = new Set(['nonConsumed', 'httpOutcalls', 'ecdsaOutcalls', 'deletedCanisters']);

/**
 * Cycles consumed on the subnet by use case (snake_case names), adding up
 * to `consumedCyclesTotal`: the live canisters' use cases, the subnet's own
 * map, and its dedicated figures (deleted canisters, HTTPS outcalls, ECDSA).
 */
export function consumedByUseCase(metrics: SubnetMetrics, canisters: readonly CanisterState[]): Map<string, bigint> {
  const out = new Map<string, bigint>();
  const add = (name: string, amount: bigint): void => {
    out.set(name, (out.get(name) ?? 0n) + amount);
  };
  for (const c of canisters) {
    for (const [useCase, amount] of c.systemState.consumedCycles.entries()) if (!NOT_CANISTER.has(useCase)) add(snake(useCase), amount);
  }
  for (const [useCase, amount] of metrics.byUseCase.entries()) if (!NOT_SUBNET_MAP.has(useCase)) add(snake(useCase), amount);
  add('deleted_canisters', metrics.consumedCyclesByDeletedCanisters);
  add('http_outcalls', metrics.consumedCyclesHttpOutcalls);
  add('ecdsa_outcalls', metrics.consumedCyclesEcdsaOutcalls);
  return out;
}
