// `ic0` cycles: `msg_cycles_*` (128-bit and the deprecated 64-bit forms),
// `cycles_burn128`, `canister_cycle_balance*`,
// `canister_liquid_cycle_balance128`, `mint_cycles*`.
//
// Replica semantics (system_api.rs, sandbox_safe_system_state.rs):
// - available = the call context's cycles − what this execution accepted.
//   Unlike the spec, the replica does not zero it when this execution
//   replies: the call context is emptied only when the results are applied,
//   so accepting after `msg_reply` still works within the same message.
//   Callbacks of an answered context see 0 (the context was emptied).
// - accept moves min(max, available) and never traps;
// - burn takes min(amount, liquid balance);
// - the 64-bit forms trap with `cycles amount exceeds 64-bit representation`
//   at 2^64 or more;
// - writing a 128-bit result checks `dst` after the state change (a trap
//   rolls it back anyway).
import { TrapCode } from '../errors/index.ts';
import { copyCyclesToHeap } from './heap.ts';
import { toolchainViolation, trapped } from './host-trap.ts';
import { CYCLES_MINTING_CANISTER_ID } from './system-state.ts';
import type { SystemApi } from './system-api.ts';

const TWO_64 = 1n << 64n;

function fit64(amount: bigint): bigint {
  if (amount >= TWO_64) throw trapped(TrapCode.CyclesAmountTooBigFor64Bit);
  return amount;
}

/** Cycles of the call context not yet accepted by this execution. */
export function cyclesAvailable(api: SystemApi): bigint {
  const t = api.apiType;
  let initial = 0n;
  if (t.kind === 'update') initial = t.incomingCycles;
  else if (t.kind === 'replicatedQuery') initial = t.incomingCycles ?? 0n;
  else if (t.kind === 'replyCallback' || t.kind === 'rejectCallback') initial = t.availableCycles;
  return initial - api.exec.cyclesAccepted;
}

function refunded(api: SystemApi): bigint {
  const t = api.apiType;
  return t.kind === 'replyCallback' || t.kind === 'rejectCallback' ? t.refundedCycles : 0n;
}

export function msgCyclesAvailable128(api: SystemApi, dst: number): void {
  api.require('msg_cycles_available128');
  copyCyclesToHeap(api, cyclesAvailable(api), dst, 'ic0_msg_cycles_available128');
}

export function msgCyclesAvailable(api: SystemApi): bigint {
  api.require('msg_cycles_available');
  return fit64(cyclesAvailable(api));
}

export function msgCyclesRefunded128(api: SystemApi, dst: number): void {
  api.require('msg_cycles_refunded128');
  copyCyclesToHeap(api, refunded(api), dst, 'ic0_msg_cycles_refunded128');
}

export function msgCyclesRefunded(api: SystemApi): bigint {
  api.require('msg_cycles_refunded');
  return fit64(refunded(api));
}

function accept(api: SystemApi, max: bigint): bigint {
  const available = cyclesAvailable(api);
  const amount = max < available ? max : available;
  api.exec.cyclesAccepted += amount;
  api.systemState.acceptCycles(amount);
  return amount;
}

export function msgCyclesAccept128(api: SystemApi, max: bigint, dst: number): void {
  api.require('msg_cycles_accept128');
  copyCyclesToHeap(api, accept(api, max), dst, 'ic0_msg_cycles_accept128');
}

export function msgCyclesAccept(api: SystemApi, max: bigint): bigint {
  api.require('msg_cycles_accept');
  return accept(api, max);
}

export function cyclesBurn128(api: SystemApi, amount: bigint, dst: number): void {
  api.require('cycles_burn128');
  const burned = api.systemState.burnCycles(amount, api.exec.memoryUsage);
  copyCyclesToHeap(api, burned, dst, 'ic0_cycles_burn128');
}

export function canisterCycleBalance128(api: SystemApi, dst: number): void {
  api.require('canister_cycle_balance128');
  copyCyclesToHeap(api, api.systemState.balance, dst, 'ic0_canister_cycle_balance128');
}

export function canisterCycleBalance(api: SystemApi): bigint {
  api.require('canister_cycle_balance');
  return fit64(api.systemState.balance);
}

export function canisterLiquidCycleBalance128(api: SystemApi, dst: number): void {
  api.require('canister_liquid_cycle_balance128');
  copyCyclesToHeap(api, api.systemState.liquidBalance(api.exec.memoryUsage), dst, 'ic0_canister_liquid_cycle_balance128');
}

function mint(api: SystemApi, name: string, amount: bigint): bigint {
  const id = api.systemState.canisterId;
  if (!id.equals(CYCLES_MINTING_CANISTER_ID)) {
    throw toolchainViolation(
      `ic0.${name} cannot be executed on non Cycles Minting Canister: ${id.toText()} != ${CYCLES_MINTING_CANISTER_ID.toText()}`,
    );
  }
  return api.systemState.mintCycles(amount);
}

export function mintCycles128(api: SystemApi, amount: bigint, dst: number): void {
  api.require('mint_cycles128');
  copyCyclesToHeap(api, mint(api, 'mint_cycles128', amount), dst, 'ic0_mint_cycles_128');
}

export function mintCycles(api: SystemApi, amount: bigint): bigint {
  api.require('mint_cycles');
  return mint(api, 'mint_cycles', amount);
}
