/**
 * Codecs of the cycles-consumed counters (cycles-metrics.ts): a canister's
 * `ConsumedCycles` (use cases by name with their counts) and the subnet's
 * `SubnetMetrics` (every field).
 */
import type { CyclesUseCase } from '../../types/index.ts';
import { ConsumedCycles, SubnetMetrics } from '../cycles-metrics.ts';
import { list, literal, mapped, nat, pair, struct } from './codec.ts';
import type { Codec } from './codec.ts';

const USE_CASES: Record<CyclesUseCase, true> = {
  memory: true, computeAllocation: true, ingressInduction: true, instructions: true, requestAndResponseTransmission: true,
  uninstall: true, canisterCreation: true, ecdsaOutcalls: true, httpOutcalls: true, deletedCanisters: true, nonConsumed: true,
  burnedCycles: true, schnorrOutcalls: true, vetKd: true,
};

/** Cycles consumed by use case, in use-case order. */
export const consumedCycles: Codec<ConsumedCycles> = mapped(
  list(pair(literal(USE_CASES), nat)), (c: ConsumedCycles) => c.entries(), (xs) => new ConsumedCycles(new Map(xs)),
);

type SubnetMetricsFields = Pick<SubnetMetrics,
  'consumedCyclesByDeletedCanisters' | 'consumedCyclesHttpOutcalls' | 'consumedCyclesEcdsaOutcalls' | 'byUseCase'
  | 'numCanisters' | 'canisterStateBytes' | 'updateTransactionsTotal'>;

/** The subnet's metrics, every field. */
export const subnetMetrics: Codec<SubnetMetrics> = mapped(
  struct<SubnetMetricsFields>({
    consumedCyclesByDeletedCanisters: nat, consumedCyclesHttpOutcalls: nat, consumedCyclesEcdsaOutcalls: nat, byUseCase: consumedCycles,
    numCanisters: nat, canisterStateBytes: nat, updateTransactionsTotal: nat,
  }),
  (m: SubnetMetrics) => m,
  (f) => {
    const m = new SubnetMetrics(f.byUseCase);
    m.consumedCyclesByDeletedCanisters = f.consumedCyclesByDeletedCanisters;
    m.consumedCyclesHttpOutcalls = f.consumedCyclesHttpOutcalls;
    m.consumedCyclesEcdsaOutcalls = f.consumedCyclesEcdsaOutcalls;
    m.numCanisters = f.numCanisters;
    m.canisterStateBytes = f.canisterStateBytes;
    m.updateTransactionsTotal = f.updateTransactionsTotal;
    return m;
  },
);
