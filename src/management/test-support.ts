// Builders for the management canister's unit tests (not exported from
// index.ts): a subnet state, a handler context without an execution
// environment, calls by ingress or from a canister, and the outcome's error.
import { CyclesAccountManager } from '../cycles/index.ts';
import { rejectCodeOf } from '../errors/index.ts';
import type { ExecutionEnvironment } from '../execution/index.ts';
import { CanisterState, ReplicatedState, SystemState, newIngress, newRequest, newSchedulerState } from '../state/index.ts';
import { CanisterId, MANAGEMENT_CANISTER_ID, PrincipalId, SubnetId, time } from '../types/index.ts';
import { encode } from './candid.ts';
import type { IDL } from '@dfinity/candid';
import { HANDLERS } from './methods.ts';
import type { ManagementCall, ManagementContext, ManagementOutcome } from './types.ts';

export const SUBNET = SubnetId.fromUint8Array(Uint8Array.of(0x53, 0x55, 0x42, 7));
export const USER = PrincipalId.fromUint8Array(Uint8Array.of(0x0a, 0x0b, 0x01));
export const STRANGER = PrincipalId.fromUint8Array(Uint8Array.of(0x0a, 0x0b, 0x02));
export const T0 = 1_700_000_000_000_000_000n;
export const RANGE = { start: CanisterId.fromU64(0n), end: CanisterId.fromU64(0xfffffn) };
export const DOCS = 'https://docs.internetcomputer.org/references/execution-errors#';
export const id = (n: number | bigint): CanisterId => CanisterId.fromU64(BigInt(n));

/** An empty subnet at `T0` whose next generated id is `firstId`. */
export function newState(firstId = 100n): ReplicatedState {
  const s = ReplicatedState.empty(SUBNET, 'application', [RANGE]);
  s.metadata.batchTime = time(T0);
  while ((s.metadata.lastGeneratedCanisterId?.toU64() ?? -1n) < firstId - 1n) s.metadata.generateNewCanisterId();
  return s;
}

/** Adds canister `n` (controllers default [USER], 10 T cycles, no code). */
export function addCanister(state: ReplicatedState, n: number, opts: { controllers?: PrincipalId[]; cycles?: bigint } = {}): CanisterState {
  const c = new CanisterState(
    new SystemState({ canisterId: id(n), controllers: opts.controllers ?? [USER], cycles: opts.cycles ?? 10n ** 13n }), undefined, newSchedulerState(T0));
  state.putCanister(c);
  return c;
}

/** A handler context on `state` (application subnet of 13 nodes, 4 cores, provisional methods allowed unless said). */
export function ctxOf(state: ReplicatedState, opts: { provisional?: boolean; cores?: number } = {}): ManagementContext {
  return {
    state,
    round: { time: state.time, randomness: new Uint8Array(32), ingressHistory: state.metadata.ingressHistory, roundInstructionsLeft: { value: 10n ** 12n } },
    env: {
      execution: undefined as unknown as ExecutionEnvironment, cycles: new CyclesAccountManager({ subnetSize: 13 }), ownSubnetId: SUBNET,
      subnetType: 'application', subnetSize: 13, schedulerCores: opts.cores ?? 4, ...(opts.provisional === undefined ? {} : { provisional: opts.provisional }),
    },
  };
}

let nextMessage = 0;

/** A call by ingress from `sender`. */
export function ingressCall(method: string, arg: Uint8Array, sender: PrincipalId = USER): ManagementCall {
  const messageId = new Uint8Array(32);
  new DataView(messageId.buffer).setUint32(0, ++nextMessage);
  const message = newIngress({ source: sender, receiver: MANAGEMENT_CANISTER_ID, methodName: method, methodPayload: arg, messageId, expiryTime: time(T0 + 10n ** 11n) });
  return { method, arg, sender, payment: 0n, message };
}

/** A call from canister `sender` with `payment` cycles attached. */
export function canisterCall(method: string, arg: Uint8Array, sender: CanisterId, payment = 0n): ManagementCall {
  const message = newRequest({ sender, receiver: MANAGEMENT_CANISTER_ID, senderReplyCallback: BigInt(++nextMessage), payment, methodName: method, methodPayload: arg });
  return { method, arg, sender, payment, message };
}

/** Candid bytes of one value. */
export const arg = (type: IDL.Type, value: unknown): Uint8Array => encode([type], [value]);

/** Runs the method's handler. */
export async function run(call: ManagementCall, ctx: ManagementContext): Promise<ManagementOutcome> {
  const handler = HANDLERS.get(call.method);
  if (handler === undefined) throw new Error(`no handler for ${call.method}`);
  return handler(call, ctx);
}

/** `[reject code, IC error code, description]` of a reject outcome (throws on anything else). */
export function rejectOf(o: ManagementOutcome): [number, number, string] {
  if (o.kind !== 'reject') throw new Error(`expected a reject, got ${o.kind}`);
  return [rejectCodeOf(o.error.code), o.error.code, o.error.description];
}
