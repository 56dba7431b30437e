// Cycles and memory of the snapshot methods (the replica's
// `cycles_and_memory_usage_checks` / `_updates` and
// `consume_cycles_for_instructions`, canister_manager.rs), split at the
// commit point: `checkCyclesAndMemory` validates and returns what
// `applyCyclesAndMemory` then does without failing.
//
//   allocated = max(allocation, new usage) − max(allocation, old usage)   (≥ 0)
//   1. balance ≥ freezing threshold at the new usage        else IC0532 (bytes = allocated)
//   2. the instruction cycles can leave the balance above
//      that threshold                                        else IC0207 "Canister snapshotting failed with: …"
//   3. storage reservation for `allocated` (0 while the subnet is below 750 GiB)
//      fits the reserved-cycles limit and the balance        else IC0534 / IC0532
//
// The subnet-capacity check (IC0101) of the replica is not made: ic-exec
// keeps no subnet available-memory figure for management messages.
import { SUBNET_MEMORY_CAPACITY, SUBNET_MEMORY_THRESHOLD } from '../config/index.ts';
import { ErrorCode, displayCycles, docRef, userError } from '../errors/index.ts';
import type { UserError } from '../errors/index.ts';
import { storageReservationCycles } from '../cycles/index.ts';
import type { CanisterState, ReplicatedState } from '../state/index.ts';
import type { PrincipalId } from '../types/index.ts';
import { insufficientCyclesInMemoryGrow, snapshotNotEnoughCycles } from './snapshot-errors.ts';
import type { ManagementContext } from './types.ts';

/** What `applyCyclesAndMemory` takes and reserves. */
export interface ValidatedCharges {
  readonly cyclesForInstructions: bigint;
  readonly newMemoryUsage: bigint;
  readonly reservation: bigint;
}

const allocatedBytes = (allocation: bigint, usage: bigint): bigint => (allocation > usage ? allocation : usage);

/** Memory the subnet's canisters take (allocation or usage, whichever is larger), bytes. */
function subnetMemoryTaken(state: ReplicatedState): bigint {
  let total = 0n;
  for (const c of state.canisters()) total += allocatedBytes(c.systemState.memoryAllocation, c.memoryUsage());
  return total;
}

/** Checks 1–3 of the module header for `canister` going from `oldMemoryUsage` to `newMemoryUsage`. */
export function checkCyclesAndMemory(
  ctx: ManagementContext, canister: CanisterState, sender: PrincipalId, cyclesForInstructions: bigint,
  newMemoryUsage: bigint, oldMemoryUsage: bigint,
): { readonly ok: true; readonly charges: ValidatedCharges } | { readonly ok: false; readonly error: UserError } {
  const cycles = ctx.env.cycles;
  const sys = canister.systemState;
  const allocation = sys.memoryAllocation;
  const diff = allocatedBytes(allocation, newMemoryUsage) - allocatedBytes(allocation, oldMemoryUsage);
  const allocated = diff > 0n ? diff : 0n;
  const usage = { memoryUsage: newMemoryUsage, messageMemoryUsage: canister.messageMemoryUsage() };
  const threshold = cycles.freezeThreshold(sys, usage);
  if (sys.balance < threshold) return { ok: false, error: insufficientCyclesInMemoryGrow(allocated, sys.balance, threshold) };
  const withdraw = cycles.canWithdrawCyclesWithThreshold(sys, cyclesForInstructions, usage, sys.isController(sender));
  if (withdraw !== undefined) return { ok: false, error: snapshotNotEnoughCycles(withdraw) };
  const reservation = allocated === 0n ? 0n : storageReservationCycles(cycles.fees, allocated, {
    usage: subnetMemoryTaken(ctx.state), threshold: SUBNET_MEMORY_THRESHOLD, capacity: SUBNET_MEMORY_CAPACITY,
  }, cycles.subnetSize);
  if (reservation > 0n) {
    const limit = sys.reservedBalanceLimit;
    const requested = sys.reservedBalance + reservation;
    if (limit !== undefined && requested > limit) {
      return { ok: false, error: userError(ErrorCode.ReservedCyclesLimitExceededInMemoryGrow,
        `Canister cannot grow memory by ${allocated} bytes due to its reserved cycles limit. The current limit (${displayCycles(limit)}) would be exceeded by ${displayCycles(requested - limit)}.\n`
        + `Try increasing this canister's reserved cycles limit or moving it to a subnet with lower memory usage. See documentation: ${docRef('reserved-cycles-limit-exceeded-in-memory-grow')}`) };
    }
    const main = sys.balance > cyclesForInstructions ? sys.balance - cyclesForInstructions : 0n;
    if (reservation > main) return { ok: false, error: insufficientCyclesInMemoryGrow(allocated, main, reservation) };
  }
  return { ok: true, charges: { cyclesForInstructions, newMemoryUsage, reservation } };
}

/** Takes the instruction cycles and moves the reservation (after `checkCyclesAndMemory`; cannot fail). */
export function applyCyclesAndMemory(ctx: ManagementContext, canister: CanisterState, sender: PrincipalId, charges: ValidatedCharges): void {
  const sys = canister.systemState;
  const usage = { memoryUsage: charges.newMemoryUsage, messageMemoryUsage: canister.messageMemoryUsage() };
  ctx.env.cycles.consumeCycles(sys, usage, charges.cyclesForInstructions, sys.isController(sender), 'instructions');
  sys.reserveCycles(charges.reservation);
}

/**
 * Takes `execution_cost(instructions)` above the freezing threshold
 * (`consume_cycles_for_instructions`), or the IC0207 snapshot error,
 * taking nothing.
 */
export function consumeCyclesForInstructions(
  ctx: ManagementContext, canister: CanisterState, sender: PrincipalId, instructions: bigint,
): UserError | undefined {
  const sys = canister.systemState;
  const cost = ctx.env.cycles.executionCost(instructions);
  const usage = { memoryUsage: canister.memoryUsage(), messageMemoryUsage: canister.messageMemoryUsage() };
  const err = ctx.env.cycles.consumeCycles(sys, usage, cost, sys.isController(sender), 'instructions');
  return err === undefined ? undefined : snapshotNotEnoughCycles(err);
}

/** Counts instructions a management operation used against the round. */
export function chargeRound(ctx: ManagementContext, instructions: bigint): void {
  ctx.round.roundInstructionsLeft.value -= instructions;
}
