// The state the execution test harness keeps per canister, and how results
// are applied to it — the way the state machine will: a successful
// execution commits its new `ExecutionState` and the system-state changes
// it requested; a trap commits nothing but the canister log (the replica
// keeps log records and the `[TRAP]` line).
import type { CanisterLogRecord, OutgoingRequest, SystemStateInit, WasmResponse } from '../../src/system-api/index.ts';
import type { ExecutionResult } from '../../src/hypervisor/index.ts';
import type { ExecutionState } from '../../src/state/index.ts';
import { PrincipalId } from '../../src/types/index.ts';
import type { CanisterId, SubnetId } from '../../src/types/index.ts';
import type { SubnetType } from '../../src/config/index.ts';
import type { UserError } from '../../src/errors/index.ts';

/** The principal of ingress messages (and the canisters' controller) unless a test says otherwise. */
export const USER = PrincipalId.fromUint8Array(Uint8Array.of(0x0a, 0x0b, 0x01));

/** Where a call context came from. */
export type CallOrigin =
  | { readonly kind: 'ingress' }
  | { readonly kind: 'canister'; readonly call: RecordedCall }
  | { readonly kind: 'system' };

/** An open or answered call context of a canister. */
export interface CallContext {
  readonly id: bigint;
  readonly origin: CallOrigin;
  readonly caller: PrincipalId;
  /** Cycles the caller attached that the canister has not accepted. */
  availableCycles: bigint;
  replied: boolean;
  /** Requests made from this context that still wait for a response. */
  outstanding: number;
  /** Instructions executed in this call context so far. */
  instructions: bigint;
  /** How the context was answered (a reply, a reject, or an error), once it is. */
  answer?: Response;
}

/** A response to a call: a reply, or a reject with its code. */
export type Response =
  | { readonly reply: Uint8Array; readonly refund?: bigint }
  | { readonly reject: { readonly code: 1 | 2 | 3 | 4 | 5 | 6; readonly message: string }; readonly refund?: bigint; readonly error?: UserError };

/** An outgoing call a canister made (`call_perform`), with the canister that made it. */
export interface RecordedCall {
  readonly from: CanisterId;
  readonly request: OutgoingRequest;
}

/** Everything the harness knows about one canister. */
export interface TestCanister {
  readonly id: CanisterId;
  execution: ExecutionState;
  balance: bigint;
  certifiedData: Uint8Array;
  /** Nanoseconds; 0 = not set. */
  globalTimer: bigint;
  version: bigint;
  log: CanisterLogRecord[];
  lastCallbackId: bigint;
  readonly callContexts: Map<bigint, CallContext>;
  /** Canister Wasm memory limit, bytes (0 = none). */
  wasmMemoryLimit: bigint;
}

/** Subnet-wide settings the harness passes to every execution. */
export interface HarnessEnvironment {
  readonly subnetId: SubnetId;
  readonly subnetType: SubnetType;
  readonly controller: PrincipalId;
}

/** Memory the canister uses, bytes: heap plus stable memory. */
export function memoryUsage(c: TestCanister): bigint {
  return BigInt(c.execution.heapSizePages + c.execution.stable.sizePages) * 65_536n;
}

/** What an execution on `c` sees of its system state. */
export function systemStateOf(c: TestCanister, env: HarnessEnvironment): SystemStateInit {
  const last = c.log.at(-1);
  return {
    canisterId: c.id,
    controllers: [env.controller],
    balance: c.balance,
    canisterVersion: c.version,
    certifiedData: c.certifiedData,
    globalTimer: c.globalTimer,
    subnetId: env.subnetId,
    subnetType: env.subnetType,
    lastCallbackId: c.lastCallbackId,
    memoryUsage: memoryUsage(c),
    nextLogIndex: last === undefined ? 0n : last.idx + 1n,
  };
}

/**
 * Applies a finished execution to `c`: on success the new execution state
 * and the requested system-state changes (returning the calls it made), on
 * failure only the log records.
 */
export function applyResult(c: TestCanister, ctx: CallContext | undefined, result: ExecutionResult): RecordedCall[] {
  const m = result.modifications;
  c.log.push(...m.canisterLog);
  if (ctx !== undefined) ctx.instructions += result.instructionsExecuted;
  if (result.error !== undefined) return [];
  c.execution = result.state;
  c.balance += m.balanceChange;
  if (m.newCertifiedData !== undefined) c.certifiedData = m.newCertifiedData;
  if (m.newGlobalTimer !== undefined) c.globalTimer = m.newGlobalTimer;
  if (result.bumpCanisterVersion) c.version += 1n;
  if (ctx !== undefined) {
    ctx.availableCycles -= m.cyclesAccepted;
    if (result.response !== undefined) {
      ctx.replied = true;
      ctx.answer = responseOf(result.response);
    }
  }
  const calls: RecordedCall[] = [];
  for (const request of m.requests) {
    if (request.callbackId > c.lastCallbackId) c.lastCallbackId = request.callbackId;
    const owner = c.callContexts.get(request.callContextId);
    if (owner !== undefined) owner.outstanding++;
    calls.push({ from: c.id, request });
  }
  return calls;
}

/** A System API response as a call response (a canister reject has code 4). */
export function responseOf(r: WasmResponse): Response {
  return r.kind === 'reply' ? { reply: r.payload } : { reject: { code: 4, message: r.message } };
}
