// What things cost: fixed System API overheads and other instruction charges
// (counted against the message and round budgets, and billed as execution),
// and the cycles fee tables of the cycles account manager.
//
// Sources (dfinity/ic):
// - `rs/embedders/src/wasmtime_embedder/system_api_complexity.rs`, module
//   `overhead`, 2026 version (the one with `MSG_CALLER_INFO_*`,
//   `COST_HTTP_REQUEST_V2`, `ENV_VAR_*`; quoted with line numbers L18–97 in a
//   2026 audit excerpt; agrees with the `overhead::new` table at 023cfe84).
//   `overhead_native` for the Wasm-native stable memory charges.
// - `rs/embedders/src/wasmtime_embedder/linker.rs`: each import charges its
//   overhead (plus, for calls that copy, 1 instruction per byte) *before*
//   doing its work; `mint_cycles128` charges nothing.
// - `rs/config/src/subnet_config.rs` (`CyclesAccountManagerConfig`): fees.
//   Read at 002d5530 (2025) and at a later stored version (round limit 4B);
//   the newest values (storage 317,500, base fee 10,000/s, log fetch 5M + 80/B)
//   come from 2026 excerpts quoting `subnet_config.rs` L517–518 — newer than
//   the stored files, which have 127,000 storage, no base fee and 1M + 800/B.
// - `rs/config/src/embedders.rs` (002d5530): compile cost, dirty-page charges.
import type { Cycles, NumInstructions } from '../types/index.ts';
import { cycles, numInstructions } from '../types/index.ts';
import type { Ic0ImportName } from './ic0-imports.ts';

const n = numInstructions;

/**
 * Fixed overhead of each `ic0` import, in instructions, charged before the
 * call does anything. Calls that move bytes between Wasm memory and the
 * system add {@link SYSTEM_API_BYTE_COST} per byte on top.
 */
export const SystemApiOverhead: Readonly<Record<Ic0ImportName, NumInstructions>> = Object.freeze({
  msg_arg_data_size: n(500), msg_arg_data_copy: n(500),
  msg_caller_size: n(500), msg_caller_copy: n(500),
  msg_caller_info_data_size: n(500), msg_caller_info_data_copy: n(500),
  msg_caller_info_signer_size: n(500), msg_caller_info_signer_copy: n(500),
  msg_reject_code: n(500), msg_reject_msg_size: n(500), msg_reject_msg_copy: n(500),
  msg_deadline: n(500),
  msg_reply_data_append: n(500), msg_reply: n(500), msg_reject: n(500),
  msg_cycles_available128: n(500), msg_cycles_refunded128: n(500), msg_cycles_accept128: n(500),
  cycles_burn128: n(500), // 100 in the pre-2023 "old" metering
  canister_cycle_balance128: n(500), canister_liquid_cycle_balance128: n(500),
  canister_self_size: n(500), canister_self_copy: n(500), canister_status: n(500), canister_version: n(500),
  subnet_self_size: n(500), subnet_self_copy: n(500),
  msg_method_name_size: n(500), msg_method_name_copy: n(500), accept_message: n(500),
  call_new: n(1_500), call_on_cleanup: n(500), call_data_append: n(500),
  call_with_best_effort_response: n(500), call_cycles_add128: n(500), call_perform: n(5_000),
  stable64_size: n(20), stable64_grow: n(500), stable64_write: n(20), stable64_read: n(20),
  root_key_size: n(500), root_key_copy: n(500),
  certified_data_set: n(500),
  data_certificate_present: n(500), data_certificate_size: n(500), data_certificate_copy: n(500),
  time: n(500), global_timer_set: n(500), performance_counter: n(200),
  is_controller: n(1_000), in_replicated_execution: n(500),
  cost_call: n(500), cost_create_canister: n(500), cost_http_request: n(500),
  cost_sign_with_ecdsa: n(500), cost_sign_with_schnorr: n(500), cost_vetkd_derive_key: n(500),
  env_var_count: n(500), env_var_name_size: n(500), env_var_name_copy: n(500),
  env_var_name_exists: n(500), env_var_value_size: n(500), env_var_value_copy: n(500),
  debug_print: n(100), trap: n(500),
  // wasm32-only
  msg_cycles_available: n(500), msg_cycles_refunded: n(500), msg_cycles_accept: n(500),
  canister_cycle_balance: n(500), call_cycles_add: n(500),
  stable_size: n(20), stable_grow: n(500), stable_write: n(20), stable_read: n(20),
  // replica-only
  mint_cycles128: n(0), // linker.rs calls no charge_for_cpu (a replica gap; kept for fidelity)
  mint_cycles: n(0),
  cost_http_request_v2: n(10_000),
});

/** Instructions per byte copied by a System API call (`charge_for_cpu_and_mem`). */
export const SYSTEM_API_BYTE_COST = 1n;

/**
 * Charges of the Wasm-native stable memory replacements injected by
 * instrumentation (`overhead_native::new`): grow (both widths), and read/write
 * before their per-byte charge. Instructions.
 */
export const NativeStableMemoryOverhead = Object.freeze({
  stable_grow: n(100),
  stable_read: n(20),
  stable_write: n(20),
  stable64_read: n(20),
  stable64_write: n(20),
});

/** Log-write weight per transmitted byte in `debug_print`/`trap` logging. `BYTE_TRANSMISSION_COST_FACTOR`, linker.rs. */
export const BYTE_TRANSMISSION_COST_FACTOR = 50n;
/** Instructions to compile one Wasm instruction. `DEFAULT_COST_TO_COMPILE_WASM_INSTRUCTION`, embedders.rs. */
export const COST_TO_COMPILE_WASM_INSTRUCTION: NumInstructions = n(6_000);
/** Round-budget discount for a module compiled since the last checkpoint. `DESERIALIZATION_SPEED_UP_FACTOR` (execution_internals.md §8). */
export const DESERIALIZATION_SPEED_UP_FACTOR = 100n;
/** Instructions per newly dirtied stable-memory page. `DEFAULT_DIRTY_PAGE_OVERHEAD`, subnet_config.rs. */
export const DIRTY_PAGE_OVERHEAD: NumInstructions = n(1_000);
/** Multiplier of {@link DIRTY_PAGE_OVERHEAD} for Wasm64 canisters. `WASM64_DIRTY_PAGE_OVERHEAD_MULTIPLIER`, embedders.rs. */
export const WASM64_DIRTY_PAGE_OVERHEAD_MULTIPLIER = 4n;
/** Scheduling overhead for copying dirty pages. Instructions. `DIRTY_PAGE_COPY_OVERHEAD`, embedders.rs. */
export const DIRTY_PAGE_COPY_OVERHEAD: NumInstructions = n(3_000);
/** Multiplier of the per-instruction cycles fee for Wasm64 canisters. `WASM64_INSTRUCTION_COST_OVERHEAD`, subnet_config.rs. */
export const WASM64_INSTRUCTION_COST_OVERHEAD = 2n;

/** Fees of the cycles account manager for one subnet type, at the reference subnet size. */
export interface CyclesFees {
  /** Subnet size the fees are quoted for; real fees scale by `size / referenceSubnetSize`. Nodes. */
  readonly referenceSubnetSize: bigint;
  readonly canisterCreationFee: Cycles;
  /** Per executed update-like message. */
  readonly updateMessageExecutionFee: Cycles;
  /** Per 10 instructions (so 10 means 1 cycle per instruction). */
  readonly tenUpdateInstructionsExecutionFee: Cycles;
  /** Per 10 instructions of a Wasm64 canister. */
  readonly tenUpdateInstructionsExecutionFeeWasm64: Cycles;
  /** Per inter-canister call (request and response). */
  readonly xnetCallFee: Cycles;
  /** Per byte of inter-canister request or response. */
  readonly xnetByteTransmissionFee: Cycles;
  readonly ingressMessageReceptionFee: Cycles;
  /** Per byte of signed ingress. */
  readonly ingressByteReceptionFee: Cycles;
  /** Per GiB stored per second. */
  readonly gibStoragePerSecondFee: Cycles;
  /** Per second, for every canister with memory > 0. */
  readonly basePerSecondFee: Cycles;
  /** Per percent of compute allocation per second. */
  readonly computePercentAllocatedPerSecondFee: Cycles;
  /** How often allocations are charged. Seconds. */
  readonly durationBetweenAllocationChargesSeconds: bigint;
  readonly ecdsaSignatureFee: Cycles;
  readonly schnorrSignatureFee: Cycles;
  readonly vetkdFee: Cycles;
  /** HTTP outcalls (classic pricing): per node, linear and quadratic in subnet size. */
  readonly httpRequestLinearBaselineFee: Cycles;
  readonly httpRequestQuadraticBaselineFee: Cycles;
  readonly httpRequestPerByteFee: Cycles;
  readonly httpResponsePerByteFee: Cycles;
  /** Upper bound of the storage reservation period. Seconds (0 disables reservation). */
  readonly maxStorageReservationPeriodSeconds: bigint;
  /** `reserved_cycles_limit` when the settings leave it unset. */
  readonly defaultReservedBalanceLimit: Cycles;
  readonly fetchCanisterLogsBaseFee: Cycles;
  readonly fetchCanisterLogsPerByteFee: Cycles;
}

const B = 1_000_000_000n;
const T = 1_000_000_000_000n;
/** Fee for a threshold ECDSA/Schnorr signature or vetKD derivation (10B = 1 SDR cent). `ECDSA_SIGNATURE_FEE` etc. */
export const THRESHOLD_SIGNATURE_FEE: Cycles = cycles(10n * B);
/** Default reserved-cycles limit (5T). `DEFAULT_RESERVED_BALANCE_LIMIT`, subnet_config.rs. */
export const DEFAULT_RESERVED_BALANCE_LIMIT: Cycles = cycles(5n * T);
/** The subnet size fees are quoted for. Nodes. `DEFAULT_REFERENCE_SUBNET_SIZE`. */
export const DEFAULT_REFERENCE_SUBNET_SIZE = 13n;

/** Fees on application (and verified application) subnets, 13-node reference. */
export const APPLICATION_SUBNET_FEES: CyclesFees = Object.freeze({
  referenceSubnetSize: DEFAULT_REFERENCE_SUBNET_SIZE,
  canisterCreationFee: cycles(500n * B), // 100B before 2024
  updateMessageExecutionFee: cycles(5_000_000n), // 590K before 2024
  tenUpdateInstructionsExecutionFee: cycles(10n), // 4 before 2024
  tenUpdateInstructionsExecutionFeeWasm64: cycles(10n * WASM64_INSTRUCTION_COST_OVERHEAD),
  xnetCallFee: cycles(260_000n),
  xnetByteTransmissionFee: cycles(1_000n),
  ingressMessageReceptionFee: cycles(1_200_000n),
  ingressByteReceptionFee: cycles(2_000n),
  gibStoragePerSecondFee: cycles(317_500n), // 10 SDR/GiB/year; 127,000 (4 SDR) until 2026
  basePerSecondFee: cycles(10_000n), // new in 2026
  computePercentAllocatedPerSecondFee: cycles(10_000_000n),
  durationBetweenAllocationChargesSeconds: 10n,
  ecdsaSignatureFee: THRESHOLD_SIGNATURE_FEE,
  schnorrSignatureFee: THRESHOLD_SIGNATURE_FEE,
  vetkdFee: THRESHOLD_SIGNATURE_FEE,
  httpRequestLinearBaselineFee: cycles(3_000_000n),
  httpRequestQuadraticBaselineFee: cycles(60_000n),
  httpRequestPerByteFee: cycles(400n),
  httpResponsePerByteFee: cycles(800n),
  maxStorageReservationPeriodSeconds: 300_000_000n,
  defaultReservedBalanceLimit: DEFAULT_RESERVED_BALANCE_LIMIT,
  fetchCanisterLogsBaseFee: cycles(5_000_000n), // 1,000,000 in the late-2025 file
  fetchCanisterLogsPerByteFee: cycles(80n), // 800 in the late-2025 file
});

/**
 * Fees on system subnets: all zero except threshold signatures (charged
 * unless the caller is on the NNS subnet); storage reservation off.
 */
export const SYSTEM_SUBNET_FEES: CyclesFees = Object.freeze({
  ...APPLICATION_SUBNET_FEES,
  canisterCreationFee: cycles(0n),
  updateMessageExecutionFee: cycles(0n),
  tenUpdateInstructionsExecutionFee: cycles(0n),
  tenUpdateInstructionsExecutionFeeWasm64: cycles(0n),
  xnetCallFee: cycles(0n),
  xnetByteTransmissionFee: cycles(0n),
  ingressMessageReceptionFee: cycles(0n),
  ingressByteReceptionFee: cycles(0n),
  gibStoragePerSecondFee: cycles(0n),
  basePerSecondFee: cycles(0n),
  computePercentAllocatedPerSecondFee: cycles(0n),
  httpRequestLinearBaselineFee: cycles(0n),
  httpRequestQuadraticBaselineFee: cycles(0n),
  httpRequestPerByteFee: cycles(0n),
  httpResponsePerByteFee: cycles(0n),
  maxStorageReservationPeriodSeconds: 0n,
  fetchCanisterLogsBaseFee: cycles(0n),
  fetchCanisterLogsPerByteFee: cycles(0n),
});
