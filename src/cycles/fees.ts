// The fee schedule as pure integer functions: what executing, calling,
// storing and receiving cost, after `CyclesAccountManager`
// (`rs/cycles_account_manager/src/cycles_account_manager.rs`, 2025/26). The
// System API reads them for `cost_*` and `call_perform`; the
// `CyclesAccountManager` (cycles-account-manager.ts) uses them to charge.
//
//   scale(c)            = c × subnet_size / reference_subnet_size     (13)
//   execution_cost(n)   = scale(update_message_execution_fee + n × ten_update_instructions_fee / 10)
//                         (Wasm64: the Wasm64 per-instruction fee, 2×)
//   xnet transmission   = scale(xnet_call_fee) + scale(xnet_byte_fee × request_bytes)
//                         + scale(xnet_byte_fee × MAX_INTER_CANISTER_PAYLOAD)  (response prepayment)
//   call_perform fee    = transmission + execution_cost(max_instructions_per_message)
//   memory_cost(b, s)   = scale(b × gib_storage_per_second_fee × s / 2^30)
//   idle rate per day   = memory_cost(max(memory_allocation, memory_usage), 1 day)
//                       + memory_cost(message_memory_usage, 1 day)
//                       + scale(compute_percent_fee × 86400 × compute_allocation%)
//                       + scale(base_per_second_fee × 86400) if memory_usage > 0  (2026 base fee)
//   freeze threshold    = idle rate × freezing_threshold_seconds / 86400 − reserved_balance  (≥ 0)
//   liquid balance      = balance − freeze threshold                               (≥ 0)
//
// Only the "normal" cost schedule is modelled (no free subnets). Every
// division truncates, where the replica's does (u128 arithmetic).
import type { CyclesFees } from '../config/index.ts';
import { MAX_INTER_CANISTER_PAYLOAD_IN_BYTES } from '../config/index.ts';

/** Seconds in a day, the period idle burn rates are quoted for. */
export const SECONDS_PER_DAY = 86_400n;
const GIB = 1n << 30n;
/** Default `max_response_bytes` of an HTTP outcall. Bytes. `MAX_CANISTER_HTTP_RESPONSE_BYTES`. */
export const MAX_CANISTER_HTTP_RESPONSE_BYTES = 2_000_000n;

/** The inputs of the freezing threshold. */
export interface FreezingInputs {
  readonly fees: CyclesFees;
  readonly subnetSize: bigint;
  /** Seconds. */
  readonly freezeThresholdSeconds: bigint;
  /** Reserved memory, bytes; 0 for best-effort. */
  readonly memoryAllocation: bigint;
  /** Bytes. */
  readonly memoryUsage: bigint;
  /** Bytes. */
  readonly messageMemoryUsage: bigint;
  /** Percent. */
  readonly computeAllocation: bigint;
  readonly reservedBalance: bigint;
}

/** Scales a fee quoted for the reference subnet size to `subnetSize` nodes. */
export function scaleCost(fees: CyclesFees, amount: bigint, subnetSize: bigint): bigint {
  const reference = fees.referenceSubnetSize > 0n ? fees.referenceSubnetSize : 1n;
  return (amount * subnetSize) / reference;
}

/** Cycles for `instructions` at the per-instruction fee (Wasm64 pays more). */
export function instructionsToCycles(fees: CyclesFees, instructions: bigint, wasm64: boolean): bigint {
  const ten = wasm64 ? fees.tenUpdateInstructionsExecutionFeeWasm64 : fees.tenUpdateInstructionsExecutionFee;
  return (ten * instructions) / 10n;
}

/** Cost of executing a message of `instructions` instructions (`execution_cost`). */
export function executionCost(fees: CyclesFees, instructions: bigint, subnetSize: bigint, wasm64: boolean): bigint {
  return scaleCost(fees, fees.updateMessageExecutionFee + instructionsToCycles(fees, instructions, wasm64), subnetSize);
}

/** Reserved at `call_perform` for receiving the largest response. */
export function prepaymentForResponseTransmission(fees: CyclesFees, subnetSize: bigint): bigint {
  return scaleCost(fees, fees.xnetByteTransmissionFee * MAX_INTER_CANISTER_PAYLOAD_IN_BYTES, subnetSize);
}

/** Reserved at `call_perform` for executing the longest response callback. */
export function prepaymentForResponseExecution(
  fees: CyclesFees, maxInstructionsPerMessage: bigint, subnetSize: bigint, wasm64: boolean,
): bigint {
  return executionCost(fees, maxInstructionsPerMessage, subnetSize, wasm64);
}

/** Fee for sending a request of `payloadBytes` (method name + argument), response transmission prepaid. */
export function xnetTotalTransmissionFee(fees: CyclesFees, payloadBytes: bigint, subnetSize: bigint): bigint {
  return scaleCost(fees, fees.xnetCallFee, subnetSize)
    + scaleCost(fees, fees.xnetByteTransmissionFee * payloadBytes, subnetSize)
    + prepaymentForResponseTransmission(fees, subnetSize);
}

/**
 * What `ic0.cost_call` reports: transmission plus response-execution
 * prepayment, always at the reference subnet size (`xnet_call_total_fee`).
 */
export function xnetCallTotalFee(fees: CyclesFees, payloadBytes: bigint, maxInstructionsPerMessage: bigint, wasm64: boolean): bigint {
  const n = fees.referenceSubnetSize;
  return xnetTotalTransmissionFee(fees, payloadBytes, n) + prepaymentForResponseExecution(fees, maxInstructionsPerMessage, n, wasm64);
}

/** `canister_creation_fee` scaled to the subnet. */
export function canisterCreationFee(fees: CyclesFees, subnetSize: bigint): bigint {
  return scaleCost(fees, fees.canisterCreationFee, subnetSize);
}

/** Classic HTTP-outcall fee: `(linear + quadratic × n + 400 × req + 800 × max_resp) × n`. */
export function httpRequestFee(fees: CyclesFees, requestBytes: bigint, maxResponseBytes: bigint, subnetSize: bigint): bigint {
  return (fees.httpRequestLinearBaselineFee
    + fees.httpRequestQuadraticBaselineFee * subnetSize
    + fees.httpRequestPerByteFee * requestBytes
    + fees.httpResponsePerByteFee * maxResponseBytes) * subnetSize;
}

/** Parameters of `ic0.cost_http_request_v2`. */
export interface HttpRequestV2Params {
  readonly requestBytes: bigint;
  readonly httpRoundtripTimeMs: bigint;
  readonly rawResponseBytes: bigint;
  readonly transformedResponseBytes: bigint;
  readonly transformInstructions: bigint;
}

/** HTTP-outcall fee, 2026 pricing (`http_request_fee_v2`). */
export function httpRequestFeeV2(p: HttpRequestV2Params, subnetSize: bigint): bigint {
  const n = subnetSize;
  return (1_000_000n + 50n * p.requestBytes + 140_000n * n + 800n * n * n + 50n * p.rawResponseBytes
    + 300n * p.httpRoundtripTimeMs + p.transformInstructions / 13n
    + (10n * n + 650n) * p.transformedResponseBytes) * n;
}

/** Storage cost of `bytes` for `seconds`. */
export function memoryCost(fees: CyclesFees, bytes: bigint, seconds: bigint, subnetSize: bigint): bigint {
  return scaleCost(fees, (bytes * fees.gibStoragePerSecondFee * seconds) / GIB, subnetSize);
}

/**
 * The subnet's memory as storage reservation sees it (`ResourceSaturation`):
 * bytes used, the threshold above which reservation starts, and the capacity.
 */
export interface ResourceSaturation {
  readonly usage: bigint;
  readonly threshold: bigint;
  readonly capacity: bigint;
}

/** Cycles reserved for the memory from 0 to `s.usage` (`total_storage_reservation_cycles`). */
function totalStorageReservationCycles(fees: CyclesFees, s: ResourceSaturation, subnetSize: bigint): bigint {
  const above = s.usage > s.threshold ? s.usage - s.threshold : 0n;
  const span = s.capacity > s.threshold ? s.capacity - s.threshold : 0n;
  // `reservation_factor(max period)`: the period grows linearly from 0 at the threshold to the maximum at capacity.
  const seconds = span === 0n ? 0n : (fees.maxStorageReservationPeriodSeconds * above) / span;
  // The area of the triangle (usage above threshold × period × fee) / 2.
  return memoryCost(fees, above, seconds / 2n, subnetSize);
}

/**
 * Cycles moved to the reserved balance for allocating `bytes` more at
 * saturation `s` (`storage_reservation_cycles`): 0 while the subnet stays
 * below its threshold (750 GiB).
 */
export function storageReservationCycles(fees: CyclesFees, bytes: bigint, s: ResourceSaturation, subnetSize: bigint): bigint {
  return totalStorageReservationCycles(fees, { ...s, usage: s.usage + bytes }, subnetSize) - totalStorageReservationCycles(fees, s, subnetSize);
}

/** Compute allocation for `seconds`: `scale(compute_percent_fee × seconds × percent)`. */
export function computeAllocationCost(fees: CyclesFees, percent: bigint, seconds: bigint, subnetSize: bigint): bigint {
  return scaleCost(fees, fees.computePercentAllocatedPerSecondFee * seconds * percent, subnetSize);
}

/** Inducting an ingress message of `bytes` signed bytes: `scale(reception_fee + byte_fee × bytes)`. */
export function ingressInductionCostFromBytes(fees: CyclesFees, bytes: bigint, subnetSize: bigint): bigint {
  return scaleCost(fees, fees.ingressMessageReceptionFee + fees.ingressByteReceptionFee * bytes, subnetSize);
}

/**
 * What comes back of the response-transmission prepayment once the response
 * arrived: `prepaid − min(scale(xnet_byte_fee × response_bytes), prepaid)`
 * (`refund_for_response_transmission`).
 */
export function refundForResponseTransmission(fees: CyclesFees, responseBytes: bigint, prepaid: bigint, subnetSize: bigint): bigint {
  const cost = scaleCost(fees, fees.xnetByteTransmissionFee * responseBytes, subnetSize);
  return prepaid - (cost < prepaid ? cost : prepaid);
}

/** The resource a share of the idle burn rate pays for (the replica's `CyclesUseCase` of each). */
export type IdleResource = 'memory' | 'messageMemory' | 'computeAllocation' | 'base';

/**
 * The idle burn rate per day of each resource, in the order the replica
 * charges them (`idle_cycles_burned_rate_by_resource`): memory (the larger
 * of allocation and usage), message memory, compute allocation, and the
 * 2026 base fee for a canister with memory.
 */
export function idleCyclesBurnedRateByResource(i: FreezingInputs): readonly (readonly [IdleResource, bigint])[] {
  const memory = i.memoryAllocation > i.memoryUsage ? i.memoryAllocation : i.memoryUsage;
  return [
    ['memory', memoryCost(i.fees, memory, SECONDS_PER_DAY, i.subnetSize)],
    ['messageMemory', memoryCost(i.fees, i.messageMemoryUsage, SECONDS_PER_DAY, i.subnetSize)],
    ['computeAllocation', computeAllocationCost(i.fees, i.computeAllocation, SECONDS_PER_DAY, i.subnetSize)],
    ['base', memory > 0n ? scaleCost(i.fees, i.fees.basePerSecondFee * SECONDS_PER_DAY, i.subnetSize) : 0n],
  ];
}

/** Cycles a canister burns per day while idle (`idle_cycles_burned_rate`). */
export function idleCyclesBurnedRatePerDay(i: FreezingInputs): bigint {
  let total = 0n;
  for (const [, rate] of idleCyclesBurnedRateByResource(i)) total += rate;
  return total;
}

/** Cycles that must stay in the balance so the canister is not frozen (`freeze_threshold_cycles`). */
export function freezeThresholdCycles(i: FreezingInputs): bigint {
  const threshold = (idleCyclesBurnedRatePerDay(i) * i.freezeThresholdSeconds) / SECONDS_PER_DAY;
  return threshold > i.reservedBalance ? threshold - i.reservedBalance : 0n;
}
