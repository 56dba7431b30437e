/**
 * A provisional management canister: the part of `aaaaa-aa` the
 * in-process library needs, until the real one lands (TODO(#5): the
 * management canister, complete). It runs messages from the subnet queues
 * for the scheduler (`SubnetMessageExecutor`):
 *
 *     provisional_create_canister_with_cycles   a new empty canister (default 100T cycles;
 *                                               settings: controllers, compute and memory
 *                                               allocation, freezing threshold, Wasm memory limit)
 *     provisional_top_up_canister               cycles added
 *     install_code                              the execution environment's install_code
 *                                               (controllers only, IC0512)
 *     raw_rand (canisters only)                 never here: the scheduler postpones it to
 *                                               the next round and answers it from that
 *                                               round's randomness (scheduler/raw-rand.ts)
 *     any other method of aaaaa-aa              IC0407 (not implemented by ic-exec yet)
 *     an unknown method                         IC0536 "Management canister has no method '<m>'"
 *
 * Answers: an ingress message gets its status in the ingress history; a
 * canister's request gets a response in the subnet's output queue (a
 * reject carries `IC0xxx: <description>` and the cycles back).
 */
import { ALLOCATABLE_COMPUTE_CAPACITY_PERCENT, DEFAULT_PROVISIONAL_CYCLES_BALANCE, INGRESS_HISTORY_MEMORY_CAPACITY } from '../config/index.ts';
import { ErrorCode, formatUserError, rejectCodeOf, userError } from '../errors/index.ts';
import type { UserError } from '../errors/index.ts';
import type { InstallCodeArgs as ExecInstallCodeArgs, InstallCodeResult } from '../execution/index.ts';
import { notControllerError } from '../ingress/index.ts';
import { IC00_METHOD_NAMES, decodeCandid } from '../messaging/index.ts';
import type { RoundContext, SubnetMessageExecutor } from '../scheduler/index.ts';
import { computeCapacityPercent } from '../scheduler/index.ts';
import type { CanisterMessage, CanisterState, ReplicatedState } from '../state/index.ts';
import { CanisterState as CanisterStateClass, SystemState, newResponse, newSchedulerState, rejectContext } from '../state/index.ts';
import type { CanisterId, PrincipalId } from '../types/index.ts';
import { CanisterId as CanisterIdClass } from '../types/index.ts';
import {
  EMPTY_CANDID, decodeInstallCodeArgs, decodeProvisionalCreateArgs, decodeTopUpArgs, encodeCreateResult,
} from './ic00-candid.ts';
import type { InstallCodeArgs, ProvisionalCreateCanisterArgs } from './ic00-candid.ts';
import { IDL } from '@dfinity/candid';

/** What the provisional management canister needs of the execution environment. */
export interface InstallCodeExecutor {
  installCode(canister: CanisterState, args: ExecInstallCodeArgs, round: RoundContext): Promise<InstallCodeResult>;
}

type Result = { readonly ok: true; readonly reply: Uint8Array } | { readonly ok: false; readonly error: UserError };
const fail = (code: ErrorCode, description: string): Result => ({ ok: false, error: userError(code, description) });
const notFound = (id: CanisterId): Result => fail(ErrorCode.CanisterNotFound, `Canister ${id.toText()} not found`);

/** The decoded argument, or the IC0408 answer (`InvalidManagementPayload`). */
function decoded<T>(decode: () => T): { readonly value: T } | { readonly error: Result } {
  try {
    return { value: decode() };
  } catch (e) {
    return { error: fail(ErrorCode.InvalidManagementPayload, `Error decoding candid: ${(e as Error).message}`) };
  }
}

/** The provisional management canister (see the module header). */
export class ProvisionalManagement implements SubnetMessageExecutor {
  readonly #executor: InstallCodeExecutor;
  readonly #schedulerCores: number;

  constructor(opts: { readonly executor: InstallCodeExecutor; readonly schedulerCores: number }) {
    this.#executor = opts.executor;
    this.#schedulerCores = opts.schedulerCores;
  }

  effectiveCanisterId(msg: CanisterMessage): CanisterId | undefined {
    if (msg.kind === 'ingress') return msg.effectiveCanisterId;
    if (msg.kind !== 'request') return undefined;
    try {
      const [r] = decodeCandid([IDL.Record({ canister_id: IDL.Principal })], msg.methodPayload) as unknown as [{ canister_id: { toUint8Array(): Uint8Array } }];
      return CanisterIdClass.fromUint8Array(r.canister_id.toUint8Array());
    } catch {
      return undefined;
    }
  }

  async executeSubnetMessage(state: ReplicatedState, msg: CanisterMessage, round: RoundContext): Promise<{ readonly paused: boolean }> {
    if (msg.kind === 'response') return { paused: false };
    const sender: PrincipalId = msg.kind === 'ingress' ? msg.source : msg.sender;
    const result = await this.#dispatch(state, msg.methodName, msg.methodPayload, sender, round);
    const now = state.time;
    if (msg.kind === 'ingress') {
      round.ingressHistory.setStatus(msg.messageId, {
        receiver: msg.receiver, userId: msg.source, time: now,
        state: result.ok ? { kind: 'completed', result: { kind: 'reply', payload: result.reply } } : { kind: 'failed', error: result.error },
      }, now, INGRESS_HISTORY_MEMORY_CAPACITY);
    } else {
      state.subnetQueues.pushOutputResponse(newResponse({
        originator: msg.sender, respondent: msg.receiver, originatorReplyCallback: msg.senderReplyCallback, refund: msg.payment, deadline: msg.deadline,
        payload: result.ok ? { kind: 'data', data: result.reply }
          : { kind: 'reject', reject: rejectContext(rejectCodeOf(result.error.code), formatUserError(result.error)) },
      }));
    }
    return { paused: false };
  }

  async #dispatch(state: ReplicatedState, method: string, arg: Uint8Array, sender: PrincipalId, round: RoundContext): Promise<Result> {
    switch (method) {
      case 'provisional_create_canister_with_cycles': {
        const a = decoded(() => decodeProvisionalCreateArgs(arg));
        return 'error' in a ? a.error : this.#create(state, a.value, sender);
      }
      case 'provisional_top_up_canister': {
        const a = decoded(() => decodeTopUpArgs(arg));
        if ('error' in a) return a.error;
        const c = state.canisterMut(a.value.canisterId);
        if (c === undefined) return notFound(a.value.canisterId);
        c.systemState.addCycles(a.value.amount);
        return { ok: true, reply: EMPTY_CANDID };
      }
      case 'install_code': {
        const a = decoded(() => decodeInstallCodeArgs(arg));
        return 'error' in a ? a.error : this.#installCode(state, a.value, sender, round);
      }
      default:
        if (IC00_METHOD_NAMES.has(method)) {
          return fail(ErrorCode.UnknownManagementMessage, `Management canister method '${method}' is not implemented in ic-exec yet`);
        }
        return fail(ErrorCode.CanisterMethodNotFound, `Management canister has no method '${method}'`);
    }
  }

  #create(state: ReplicatedState, a: ProvisionalCreateCanisterArgs, sender: PrincipalId): Result {
    const s = a.settings ?? {};
    const ca = s.computeAllocation ?? 0n;
    if (ca > 100n) return fail(ErrorCode.CanisterContractViolation, `ComputeAllocation expected to be in the range [0..100], got ${ca}`);
    const used = state.canisters().reduce((n, c) => n + c.systemState.computeAllocation, 0n);
    const capacity = (computeCapacityPercent(this.#schedulerCores) * BigInt(ALLOCATABLE_COMPUTE_CAPACITY_PERCENT)) / 100n;
    if (ca > 0n && used + ca > capacity) {
      return fail(ErrorCode.SubnetOversubscribed,
        `Canister requested a compute allocation of ${ca}% which cannot be satisfied because the Subnet's remaining compute capacity is ${capacity - used}%.`);
    }
    const id = a.specifiedId ?? state.metadata.generateNewCanisterId();
    if (id === undefined) return fail(ErrorCode.SubnetOversubscribed, 'Could not allocate a canister id: the subnet\'s ranges are used up');
    if (state.hasCanister(id)) return fail(ErrorCode.CanisterIdAlreadyExists, `Canister ${id.toText()} is already installed.`);
    const controllers = s.controllers ?? [sender];
    const system = new SystemState({
      canisterId: id, controllers, cycles: a.amount ?? DEFAULT_PROVISIONAL_CYCLES_BALANCE,
      ...(s.freezingThreshold === undefined ? {} : { freezeThreshold: s.freezingThreshold }),
    });
    system.computeAllocation = ca;
    if (s.memoryAllocation !== undefined) system.memoryAllocation = s.memoryAllocation;
    if (s.wasmMemoryLimit !== undefined) system.wasmMemoryLimit = s.wasmMemoryLimit;
    system.addCanisterChange(state.time, { kind: 'fromUser', userId: sender }, { kind: 'creation', controllers: system.controllers });
    state.putCanister(new CanisterStateClass(system, undefined, newSchedulerState(state.time)));
    return { ok: true, reply: encodeCreateResult(id) };
  }

  async #installCode(state: ReplicatedState, a: InstallCodeArgs, sender: PrincipalId, round: RoundContext): Promise<Result> {
    const canister = state.canisterMut(a.canisterId);
    if (canister === undefined) return notFound(a.canisterId);
    if (!canister.systemState.isController(sender)) return { ok: false, error: notControllerError(canister, sender) };
    const r = await this.#executor.installCode(canister, { mode: a.mode, wasmModule: a.wasmModule, arg: a.arg, sender }, round);
    if (r.canister !== canister) state.putCanister(r.canister);
    return r.ok ? { ok: true, reply: EMPTY_CANDID } : { ok: false, error: r.error };
  }
}
