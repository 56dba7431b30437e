/**
 * Why cycles leave a canister's balance or a call's payment (the replica's
 * `CyclesUseCase`, rs/replicated_state/src/canister_state/system_state.rs): the cycles
 * account manager charges fees under one of them, canisters and the subnet
 * count what was consumed by use case (`canister_metrics`, `subnet_metrics`).
 * `nonConsumed` is a transfer (cycles attached to a call, a refund's reversal):
 * it is never counted.
 */
export type CyclesUseCase =
  | 'memory' | 'computeAllocation' | 'ingressInduction' | 'instructions' | 'requestAndResponseTransmission'
  | 'uninstall' | 'canisterCreation' | 'ecdsaOutcalls' | 'httpOutcalls' | 'deletedCanisters' | 'nonConsumed'
  | 'burnedCycles' | 'schnorrOutcalls' | 'vetKd';

/** The use cases whose charges may take the reserved balance first (`remove_cycles`). */
export function drainsReservedBalance(useCase: CyclesUseCase): boolean {
  return useCase === 'memory' || useCase === 'computeAllocation' || useCase === 'uninstall';
}
