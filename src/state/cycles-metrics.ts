/**
 * Cycles consumed, by use case (the replica's `CanisterMetrics` consumed
 * cycles in `system_state.rs` and `SubnetMetrics` in `metadata_state.rs`).
 *
 * Per canister (`ConsumedCycles`, on `SystemState`): every fee the cycles
 * account manager takes is counted under its use case when it leaves the
 * balance (`SystemState.removeCycles`), and a refund of a prepaid fee counts
 * back (`SystemState.addCycles(amount, useCase)`): the figures are what was
 * consumed net of refunds (the replica's gauges), never below 0. Besides the
 * manager's charges: the creation fee of the canister (`canisterCreation`),
 * cycles burned with `ic0.cycles_burn128` (`burnedCycles`) and the
 * transmission fees and response prepayments of calls (System API, applied
 * with the execution's changes). HTTPS-outcall fees come out of the cycles a
 * canister attached to its call: they count under `httpOutcalls` for the
 * canister but, as the subnet reports them, not in its total.
 *
 * Per subnet (`SubnetMetrics`, on `SystemMetadata`): what no live canister
 * accounts for — the consumption and remaining balance of deleted canisters,
 * HTTPS outcalls, threshold signatures —, and the figures message routing
 * and the scheduler keep: canisters, canister state bytes (refreshed every
 * 10 heights), update transactions (messages executed in replicated mode).
 *
 *     consumed_cycles_total = subnet's own (deleted canisters + HTTPS outcalls
 *                             + ECDSA + Schnorr + vetKD) + Σ canisters' totals
 *
 * (the certified `/subnet/<id>/metrics` and `subnet_metrics` alike, as the
 * replica's certification version 29). Unlike the replica, a deleted
 * canister's own use cases are not added to the subnet's by-use-case map as
 * well as to `consumedCyclesByDeletedCanisters`, so nothing counts twice.
 */
import type { CyclesUseCase } from '../types/index.ts';

/** The use cases a canister's total leaves out: transfers, and HTTPS outcalls (counted by the subnet). */
const NOT_IN_CANISTER_TOTAL: ReadonlySet<CyclesUseCase> = new Set(['nonConsumed', 'httpOutcalls']);
/** The use cases the subnet's own total takes from dedicated fields, or never counts. */
const NOT_IN_SUBNET_MAP_TOTAL: ReadonlySet<CyclesUseCase> = new Set(['nonConsumed', 'httpOutcalls', 'ecdsaOutcalls', 'deletedCanisters']);

/** Cycles consumed by use case, net of refunds (see the module header). */
export class ConsumedCycles {
  readonly #byUseCase: Map<CyclesUseCase, bigint>;

  constructor(byUseCase: ReadonlyMap<CyclesUseCase, bigint> = new Map()) {
    this.#byUseCase = new Map(byUseCase);
  }

  clone(): ConsumedCycles {
    return new ConsumedCycles(this.#byUseCase);
  }

  /** Counts `amount` consumed for `useCase` (transfers and zero amounts are not counted). */
  observe(useCase: CyclesUseCase, amount: bigint): void {
    if (amount <= 0n || useCase === 'nonConsumed') return;
    this.#byUseCase.set(useCase, (this.#byUseCase.get(useCase) ?? 0n) + amount);
  }

  /** Takes back `amount` of `useCase` (a refund of a prepaid fee), down to 0. */
  refund(useCase: CyclesUseCase, amount: bigint): void {
    const now = this.#byUseCase.get(useCase);
    if (now === undefined || amount <= 0n) return;
    this.#byUseCase.set(useCase, now > amount ? now - amount : 0n);
  }

  /** Consumed for `useCase`. */
  of(useCase: CyclesUseCase): bigint {
    return this.#byUseCase.get(useCase) ?? 0n;
  }

  /** Every use case with a count, by name. */
  entries(): [CyclesUseCase, bigint][] {
    return [...this.#byUseCase].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }

  /** The canister's consumed total (`canister_metrics.consumed_cycles`): all use cases but transfers and HTTPS outcalls. */
  get total(): bigint {
    let sum = 0n;
    for (const [useCase, amount] of this.#byUseCase) if (!NOT_IN_CANISTER_TOTAL.has(useCase)) sum += amount;
    return sum;
  }
}

/** The subnet's metrics (see the module header). */
export class SubnetMetrics {
  /** Consumed by canisters since deleted, and what they had left (`consumed_cycles_by_deleted_canisters`). */
  consumedCyclesByDeletedCanisters = 0n;
  /** HTTPS-outcall fees (`consumed_cycles_http_outcalls`). */
  consumedCyclesHttpOutcalls = 0n;
  /** ECDSA signature fees (`consumed_cycles_ecdsa_outcalls`). */
  consumedCyclesEcdsaOutcalls = 0n;
  /** The subnet's own consumption by use case (`consumed_cycles_by_use_case`). */
  readonly byUseCase: ConsumedCycles;
  /** Canisters on the subnet at the end of the last round (`num_canisters`). */
  numCanisters = 0n;
  /** The canisters' memory usage, refreshed every 10 heights (`canister_state_bytes`). */
  canisterStateBytes = 0n;
  /** Messages executed in replicated mode, in all rounds (`update_transactions_total`). */
  updateTransactionsTotal = 0n;

  constructor(byUseCase = new ConsumedCycles()) {
    this.byUseCase = byUseCase;
  }

  clone(): SubnetMetrics {
    const m = new SubnetMetrics(this.byUseCase.clone());
    m.consumedCyclesByDeletedCanisters = this.consumedCyclesByDeletedCanisters;
    m.consumedCyclesHttpOutcalls = this.consumedCyclesHttpOutcalls;
    m.consumedCyclesEcdsaOutcalls = this.consumedCyclesEcdsaOutcalls;
    m.numCanisters = this.numCanisters;
    m.canisterStateBytes = this.canisterStateBytes;
    m.updateTransactionsTotal = this.updateTransactionsTotal;
    return m;
  }

  /** Counts a fee the subnet took from a call's payment: HTTPS outcalls, threshold signatures and keys. */
  observeFee(useCase: CyclesUseCase, amount: bigint): void {
    if (amount <= 0n) return;
    if (useCase === 'httpOutcalls') this.consumedCyclesHttpOutcalls += amount;
    if (useCase === 'ecdsaOutcalls') this.consumedCyclesEcdsaOutcalls += amount;
    this.byUseCase.observe(useCase, amount);
  }

  /** Counts a deleted canister: what it consumed and the `leftover` balance that disappears with it. */
  observeDeletedCanister(consumed: ConsumedCycles, leftover: bigint): void {
    this.consumedCyclesByDeletedCanisters += consumed.total + leftover;
    this.byUseCase.observe('deletedCanisters', leftover);
  }

  /** The subnet's own consumption (`SubnetMetrics::consumed_cycles_total`). */
  get ownConsumedCyclesTotal(): bigint {
    let sum = this.consumedCyclesByDeletedCanisters + this.consumedCyclesHttpOutcalls + this.consumedCyclesEcdsaOutcalls;
    for (const [useCase, amount] of this.byUseCase.entries()) if (!NOT_IN_SUBNET_MAP_TOTAL.has(useCase)) sum += amount;
    return sum;
  }
}

/** `consumed_cycles_total` of a subnet with `canisters` (see the module header). */
export function consumedCyclesTotal(metrics: SubnetMetrics, canisters: Iterable<{ readonly systemState: { readonly consumedCycles: ConsumedCycles } }>): bigint {
  let sum = metrics.ownConsumedCyclesTotal;
  for (const c of canisters) sum += c.systemState.consumedCycles.total;
  return sum;
}
