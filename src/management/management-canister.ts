/**
 * The management canister `aaaaa-aa` (interface spec, "The IC management
 * canister"): a facade the subnet executes, not a Wasm canister. It runs
 * the messages the scheduler pops from the subnet queues
 * (`SubnetMessageExecutor`): the method's handler (methods.ts, one file
 * per group of methods) decodes the Candid argument (IC0408 if it does not
 * decode), checks the caller and the target, changes the state at its
 * commit point, and answers — at once, or later for `stop_canister` and
 * `http_request` (`deferred`), or when a long `install_code` finishes
 * (`paused`; the scheduler continues it with `advanceInstallCode` in later
 * rounds).
 *
 *     a method of the IC that ic-exec does not serve   IC0407
 *     an unknown method                                IC0536 "Management canister has no method '<m>'"
 *     raw_rand                                         never here: the scheduler postpones it to the
 *                                                      next round (scheduler/raw-rand.ts)
 */
import { ErrorCode } from '../errors/index.ts';
import type { RoundContext } from '../execution/index.ts';
import { IC00_METHOD_NAMES, targetCanisterOf } from '../messaging/index.ts';
import type { SubnetMessageExecutor } from '../scheduler/index.ts';
import type { CanisterMessage, ReplicatedState } from '../state/index.ts';
import type { CanisterId } from '../types/index.ts';
import { answerManagementCall } from './answer.ts';
import { rejectWith } from './errors.ts';
import { advanceInstallCode } from './install-code.ts';
import { HANDLERS } from './methods.ts';
import type { ManagementCall, ManagementEnvironment, ManagementOutcome } from './types.ts';

/** The management canister of one subnet (see the module header). */
export class ManagementCanister implements SubnetMessageExecutor {
  readonly #env: ManagementEnvironment;

  constructor(env: ManagementEnvironment) {
    this.#env = env;
  }

  effectiveCanisterId(msg: CanisterMessage): CanisterId | undefined {
    if (msg.kind === 'ingress') return msg.effectiveCanisterId;
    if (msg.kind !== 'request') return undefined;
    try {
      return targetCanisterOf(msg.methodName, msg.methodPayload);
    } catch {
      return undefined;
    }
  }

  async executeSubnetMessage(state: ReplicatedState, msg: CanisterMessage, round: RoundContext): Promise<{ readonly paused: boolean }> {
    if (msg.kind === 'response') return { paused: false };
    const call: ManagementCall = {
      method: msg.methodName, arg: msg.methodPayload, message: msg,
      sender: msg.kind === 'ingress' ? msg.source : msg.sender,
      payment: msg.kind === 'ingress' ? 0n : msg.payment,
    };
    const outcome = await this.#execute(call, state, round);
    if (outcome.kind === 'paused') return { paused: true };
    if (outcome.kind !== 'deferred') answerManagementCall(state, round, msg, outcome);
    return { paused: false };
  }

  /** Continues the paused (or re-runs the aborted) install_code of `canister` at the start of a round (install-code.ts). */
  advanceInstallCode(state: ReplicatedState, canister: CanisterId, round: RoundContext): Promise<{ readonly paused: boolean }> {
    return advanceInstallCode({ state, round, env: this.#env }, canister);
  }

  #execute(call: ManagementCall, state: ReplicatedState, round: RoundContext): ManagementOutcome | Promise<ManagementOutcome> {
    const handler = HANDLERS.get(call.method);
    if (handler !== undefined) return handler(call, { state, round, env: this.#env });
    if (IC00_METHOD_NAMES.has(call.method)) {
      return rejectWith(ErrorCode.UnknownManagementMessage, `Management canister method '${call.method}' is not served by ic-exec`);
    }
    return rejectWith(ErrorCode.CanisterMethodNotFound, `Management canister has no method '${call.method}'`);
  }
}
