/**
 * `CyclesAccountManager` (the replica's name,
 * `rs/cycles_account_manager/src/cycles_account_manager.rs`): the only code
 * that changes a canister's balance for fees. Every charged operation goes
 * in three steps, as in the replica's module header:
 *
 *   1. reserve the most the operation can cost (`prepayExecutionCycles`:
 *      `execution_cost(message limit)`, above the freezing threshold);
 *   2. execute, counting what was used;
 *   3. refund the unused part (`refundUnusedExecutionCycles`:
 *      `scale(per-instruction fee × instructions left)`, at most the
 *      prepayment — the fixed per-message fee is never refunded).
 *
 * Periodic charges (storage, message memory, compute allocation, the base
 * fee) and ingress induction are taken directly (`chargeForResources`,
 * `chargeIngressInductionCost`). The fee arithmetic itself is in fees.ts.
 *
 * Every charge names its use case (`CyclesUseCase`: instructions, ingress
 * induction, memory, compute allocation, uninstall, …) and every refund the
 * use case it gives back to: the account counts what was consumed by use case
 * (`canister_metrics`, `subnet_metrics`).
 *
 * The manager works on any {@link CyclesAccount} — `SystemState` from
 * src/state is one, structurally — so this folder depends only on types,
 * errors and config, and the System API can use its fee functions.
 */
import type { CyclesFees, SubnetType } from '../config/index.ts';
import { subnetConfigFor } from '../config/index.ts';
import { ErrorCode, displayCycles, userError } from '../errors/index.ts';
import type { UserError } from '../errors/index.ts';
import type { CanisterId, CyclesUseCase } from '../types/index.ts';
import { drainsReservedBalance } from '../types/index.ts';
import {
  computeAllocationCost,
  executionCost,
  freezeThresholdCycles,
  idleCyclesBurnedRateByResource,
  idleCyclesBurnedRatePerDay,
  ingressInductionCostFromBytes,
  instructionsToCycles,
  memoryCost,
  prepaymentForResponseExecution,
  prepaymentForResponseTransmission,
  refundForResponseTransmission,
  scaleCost,
  SECONDS_PER_DAY,
  xnetCallTotalFee,
  xnetTotalTransmissionFee,
} from './fees.ts';
import type { FreezingInputs, IdleResource } from './fees.ts';

export type { CyclesUseCase };

/** What the manager needs of a canister's system state (`SystemState` has it all). */
export interface CyclesAccount {
  readonly canisterId: CanisterId;
  /** Cycles. */
  readonly balance: bigint;
  readonly reservedBalance: bigint;
  /** Freezing threshold setting, seconds. */
  readonly freezeThreshold: bigint;
  /** Bytes; 0 = best effort. */
  readonly memoryAllocation: bigint;
  /** Percent. */
  readonly computeAllocation: bigint;
  /** `refundOf`: the use case of a prepaid fee the cycles give back (counted back); default a transfer. */
  addCycles(amount: bigint, refundOf?: CyclesUseCase): void;
  /** Takes cycles, counted as consumed for `useCase` (default a transfer, not counted). */
  removeCycles(amount: bigint, useCase?: CyclesUseCase): void;
}

/** An account that can postpone ingress charges while a long execution runs. */
export interface DebitableCyclesAccount extends CyclesAccount {
  /** The balance less postponed charges. */
  readonly debitedBalance: bigint;
  addPostponedCharge(charge: bigint): void;
}

/** The canister's memory figures the freezing threshold depends on, bytes. */
export interface ResourceUsage {
  readonly memoryUsage: bigint;
  readonly messageMemoryUsage: bigint;
}

/** Not enough cycles above the freezing threshold (`CanisterOutOfCyclesError`). */
export interface CanisterOutOfCyclesError {
  readonly canisterId: CanisterId;
  readonly available: bigint;
  readonly requested: bigint;
  readonly threshold: bigint;
  /** Whether the text may say how many cycles are missing (the caller is a controller). */
  readonly revealTopUp: boolean;
}

/**
 * The replica's `Display` of {@link CanisterOutOfCyclesError}:
 * `Canister <id> is out of cycles: please top up the canister with at least
 * <threshold + requested − available> additional cycles`, or without the
 * amount when it is not revealed.
 */
export function outOfCyclesMessage(e: CanisterOutOfCyclesError): string {
  const id = e.canisterId.toText();
  if (!e.revealTopUp) return `Canister ${id} is out of cycles`;
  const missing = e.threshold + e.requested - e.available;
  return `Canister ${id} is out of cycles: please top up the canister with at least ${displayCycles(missing > 0n ? missing : 0n)} additional cycles`;
}

/** The IC0207 `UserError` of a message that could not be paid for. */
export function outOfCyclesUserError(e: CanisterOutOfCyclesError): UserError {
  return userError(ErrorCode.CanisterOutOfCycles, outOfCyclesMessage(e));
}

/** Options of {@link CyclesAccountManager}. */
export interface CyclesAccountManagerOptions {
  /** Default `application`. */
  readonly subnetType?: SubnetType;
  /** Nodes; default 13 (fees are quoted for 13 and scale linearly). */
  readonly subnetSize?: bigint | number;
  /** Default: the fee table of the subnet type. */
  readonly fees?: CyclesFees;
  /** Instructions a response callback may use, prepaid at `call_perform`; default the subnet type's message limit. */
  readonly maxInstructionsPerMessage?: bigint;
}

const RESOURCE_USE_CASE: Readonly<Record<IdleResource, CyclesUseCase>> = {
  memory: 'memory', messageMemory: 'memory', computeAllocation: 'computeAllocation', base: 'memory',
};

/** Charges and refunds cycles (see the module header). */
export class CyclesAccountManager {
  readonly subnetType: SubnetType;
  /** Nodes. */
  readonly subnetSize: bigint;
  readonly fees: CyclesFees;
  readonly maxInstructionsPerMessage: bigint;

  constructor(opts: CyclesAccountManagerOptions = {}) {
    this.subnetType = opts.subnetType ?? 'application';
    const config = subnetConfigFor(this.subnetType);
    this.subnetSize = BigInt(opts.subnetSize ?? config.fees.referenceSubnetSize);
    this.fees = opts.fees ?? config.fees;
    this.maxInstructionsPerMessage = opts.maxInstructionsPerMessage ?? config.scheduler.maxInstructionsPerMessage;
  }

  // ---- fees at this subnet's size ----

  /** `amount × subnet size / 13`. */
  scaleCost(amount: bigint): bigint { return scaleCost(this.fees, amount, this.subnetSize); }
  /** Fee to create a canister. */
  canisterCreationFee(): bigint { return this.scaleCost(this.fees.canisterCreationFee); }
  /** Cycles for `instructions` without the per-message fee and unscaled (`convert_instructions_to_cycles`). */
  convertInstructionsToCycles(instructions: bigint, wasm64 = false): bigint { return instructionsToCycles(this.fees, instructions, wasm64); }
  /** `scale(update_message_execution_fee + instructions × fee / 10)`. */
  executionCost(instructions: bigint, wasm64 = false): bigint { return executionCost(this.fees, instructions, this.subnetSize, wasm64); }
  /** Inducting an ingress message of `bytes` signed bytes (paid by the receiving canister). */
  ingressInductionCost(bytes: bigint): bigint { return ingressInductionCostFromBytes(this.fees, bytes, this.subnetSize); }
  /** Sending a request of `payloadBytes` (method name + argument), the response transmission prepaid. */
  xnetTotalTransmissionFee(payloadBytes: bigint): bigint { return xnetTotalTransmissionFee(this.fees, payloadBytes, this.subnetSize); }
  /** What `call_perform` needs above the freezing threshold, at the reference size (`xnet_call_total_fee`, `ic0.cost_call`). */
  xnetCallTotalFee(payloadBytes: bigint, wasm64 = false): bigint {
    return xnetCallTotalFee(this.fees, payloadBytes, this.maxInstructionsPerMessage, wasm64);
  }
  /** Reserved at `call_perform` for executing the longest response callback. */
  prepaymentForResponseExecution(wasm64 = false): bigint {
    return prepaymentForResponseExecution(this.fees, this.maxInstructionsPerMessage, this.subnetSize, wasm64);
  }
  /** Reserved at `call_perform` for receiving the largest response. */
  prepaymentForResponseTransmission(): bigint { return prepaymentForResponseTransmission(this.fees, this.subnetSize); }
  /** The part of the transmission prepayment a response of `responseBytes` gives back. */
  refundForResponseTransmission(responseBytes: bigint, prepaid: bigint): bigint {
    return refundForResponseTransmission(this.fees, responseBytes, prepaid, this.subnetSize);
  }
  /** Storing `bytes` for `seconds`. */
  memoryCost(bytes: bigint, seconds: bigint): bigint { return memoryCost(this.fees, bytes, seconds, this.subnetSize); }
  /** A compute allocation of `percent` for `seconds`. */
  computeAllocationCost(percent: bigint, seconds: bigint): bigint { return computeAllocationCost(this.fees, percent, seconds, this.subnetSize); }

  // ---- freezing threshold ----

  /** The freezing-threshold inputs of `account` at `usage`. */
  freezingInputs(account: CyclesAccount, usage: ResourceUsage, reservedBalance = account.reservedBalance): FreezingInputs {
    return {
      fees: this.fees,
      subnetSize: this.subnetSize,
      freezeThresholdSeconds: account.freezeThreshold,
      memoryAllocation: account.memoryAllocation,
      memoryUsage: usage.memoryUsage,
      messageMemoryUsage: usage.messageMemoryUsage,
      computeAllocation: account.computeAllocation,
      reservedBalance,
    };
  }

  /** Cycles the canister burns per day while idle. */
  idleCyclesBurnedRate(account: CyclesAccount, usage: ResourceUsage): bigint {
    return idleCyclesBurnedRatePerDay(this.freezingInputs(account, usage));
  }

  /** Cycles that must stay in the balance (`freeze_threshold_cycles`). */
  freezeThreshold(account: CyclesAccount, usage: ResourceUsage, reservedBalance = account.reservedBalance): bigint {
    return freezeThresholdCycles(this.freezingInputs(account, usage, reservedBalance));
  }

  /**
   * Whether `requested` can leave the balance without freezing the canister
   * (`can_withdraw_cycles_with_threshold`; 0 asks whether it is frozen now).
   * @returns the error if not.
   */
  canWithdrawCyclesWithThreshold(
    account: CyclesAccount, requested: bigint, usage: ResourceUsage, revealTopUp: boolean, reservedBalance = account.reservedBalance,
  ): CanisterOutOfCyclesError | undefined {
    const threshold = this.freezeThreshold(account, usage, reservedBalance);
    if (threshold + requested <= account.balance) return undefined;
    return { canisterId: account.canisterId, available: account.balance, requested, threshold, revealTopUp };
  }

  // ---- charging ----

  /**
   * Takes `amount` if that many are available above `threshold`
   * (`consume_with_threshold`). Resource use cases may also use the reserved
   * balance (they drain it first).
   * @returns the error, changing nothing, if not.
   */
  consumeWithThreshold(
    account: CyclesAccount, amount: bigint, threshold: bigint, useCase: CyclesUseCase, revealTopUp: boolean,
  ): CanisterOutOfCyclesError | undefined {
    const effective = drainsReservedBalance(useCase) ? account.balance + account.reservedBalance : account.balance;
    const available = effective > threshold ? effective - threshold : 0n;
    if (amount > available) return { canisterId: account.canisterId, available: effective, requested: amount, threshold, revealTopUp };
    account.removeCycles(amount, useCase);
    return undefined;
  }

  /** Takes `amount` for `useCase` above the freezing threshold (`consume_cycles`). */
  consumeCycles(
    account: CyclesAccount, usage: ResourceUsage, amount: bigint, revealTopUp: boolean, useCase: CyclesUseCase,
  ): CanisterOutOfCyclesError | undefined {
    return this.consumeWithThreshold(account, amount, this.freezeThreshold(account, usage), useCase, revealTopUp);
  }

  /**
   * Step 1: takes `execution_cost(instructions)` above the freezing
   * threshold (`prepay_execution_cycles`).
   * @returns the prepaid cycles, or the error (nothing taken).
   */
  prepayExecutionCycles(
    account: CyclesAccount, usage: ResourceUsage, instructions: bigint, opts: { readonly revealTopUp: boolean; readonly wasm64?: boolean },
  ): { readonly ok: true; readonly prepaid: bigint } | { readonly ok: false; readonly error: CanisterOutOfCyclesError } {
    const cost = this.executionCost(instructions, opts.wasm64 ?? false);
    const error = this.consumeCycles(account, usage, cost, opts.revealTopUp, 'instructions');
    return error === undefined ? { ok: true, prepaid: cost } : { ok: false, error };
  }

  /**
   * Step 3: gives back `scale(fee × instructionsLeft / 10)`, at most the
   * prepayment (`refund_unused_execution_cycles`). More instructions left
   * than were charged is a bug of the caller; they are capped.
   * @returns the cycles refunded.
   */
  refundUnusedExecutionCycles(
    account: CyclesAccount, instructionsLeft: bigint, instructionsInitiallyCharged: bigint, prepaid: bigint, wasm64 = false,
  ): bigint {
    const left = instructionsLeft < instructionsInitiallyCharged ? instructionsLeft : instructionsInitiallyCharged;
    const refund = this.scaleCost(this.convertInstructionsToCycles(left < 0n ? 0n : left, wasm64));
    const amount = refund < prepaid ? refund : prepaid;
    account.addCycles(amount, 'instructions');
    return amount;
  }

  /**
   * Gives back the part of a call's response-transmission prepayment a
   * response of `responseBytes` did not use (`refund_for_response_transmission`).
   * @returns the cycles refunded.
   */
  refundUnusedResponseTransmission(account: CyclesAccount, responseBytes: bigint, prepaid: bigint): bigint {
    const amount = this.refundForResponseTransmission(responseBytes, prepaid);
    account.addCycles(amount, 'requestAndResponseTransmission');
    return amount;
  }

  /**
   * Charges an ingress message's induction `cost` above the freezing
   * threshold (`charge_ingress_induction_cost`); while a long execution is
   * paused the charge is postponed (checked against the debited balance).
   */
  chargeIngressInductionCost(
    account: DebitableCyclesAccount, usage: ResourceUsage, cost: bigint,
    opts: { readonly hasPausedExecution: boolean; readonly revealTopUp: boolean },
  ): CanisterOutOfCyclesError | undefined {
    const threshold = this.freezeThreshold(account, usage);
    if (!opts.hasPausedExecution) return this.consumeWithThreshold(account, cost, threshold, 'ingressInduction', opts.revealTopUp);
    if (account.debitedBalance < cost + threshold) {
      return { canisterId: account.canisterId, available: account.debitedBalance, requested: cost, threshold, revealTopUp: opts.revealTopUp };
    }
    account.addPostponedCharge(cost);
    return undefined;
  }

  /**
   * Burns everything the canister has, reserved cycles included (an
   * uninstall for lack of cycles: `burn_remaining_balance_for_uninstall`).
   * @returns the cycles burned.
   */
  burnRemainingBalanceForUninstall(account: CyclesAccount): bigint {
    const all = account.balance + account.reservedBalance;
    account.removeCycles(all, 'uninstall');
    return all;
  }

  /**
   * Charges `seconds` of every resource the canister holds — memory (the
   * larger of allocation and usage), message memory, compute allocation and
   * the base fee — each `rate per day × seconds / 86400`, down to zero
   * (`charge_canister_for_resource_allocation_and_usage`).
   * @returns the error of the first charge that could not be paid (the
   *   charges before it stay taken); the IC then uninstalls the canister.
   */
  chargeForResources(account: CyclesAccount, usage: ResourceUsage, seconds: bigint): CanisterOutOfCyclesError | undefined {
    for (const [resource, rate] of idleCyclesBurnedRateByResource(this.freezingInputs(account, usage))) {
      const amount = (rate * seconds) / SECONDS_PER_DAY;
      const error = this.consumeWithThreshold(account, amount, 0n, RESOURCE_USE_CASE[resource], false);
      if (error !== undefined) return error;
    }
    return undefined;
  }
}
