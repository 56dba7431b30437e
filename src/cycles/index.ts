// Public face of src/cycles: the fee schedule (fees.ts, pure integer
// functions the System API also uses) and the `CyclesAccountManager`, the one
// place that changes a balance for fees: prepay → execute → refund, ingress
// induction, periodic resource charges. Depends only on types, errors and
// config, so that every layer above may use it.
export {
  CyclesAccountManager, outOfCyclesMessage, outOfCyclesUserError,
} from './cycles-account-manager.ts';
export type {
  CanisterOutOfCyclesError, CyclesAccount, CyclesAccountManagerOptions, CyclesUseCase, DebitableCyclesAccount, ResourceUsage,
} from './cycles-account-manager.ts';
export {
  MAX_CANISTER_HTTP_RESPONSE_BYTES, SECONDS_PER_DAY,
  scaleCost, instructionsToCycles, executionCost, prepaymentForResponseTransmission, prepaymentForResponseExecution,
  xnetTotalTransmissionFee, xnetCallTotalFee, canisterCreationFee, httpRequestFee, httpRequestFeeV2, memoryCost,
  computeAllocationCost, ingressInductionCostFromBytes, refundForResponseTransmission,
  idleCyclesBurnedRateByResource, idleCyclesBurnedRatePerDay, freezeThresholdCycles, storageReservationCycles,
} from './fees.ts';
export type { FreezingInputs, HttpRequestV2Params, IdleResource, ResourceSaturation } from './fees.ts';
