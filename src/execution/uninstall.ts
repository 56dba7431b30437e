/**
 * Uninstalling a canister's code (the replica's
 * `canister_manager::uninstall_canister`): used by `uninstall_code` and by
 * the scheduler when a canister cannot pay for its resources.
 *
 * - The Wasm module and memory are dropped, the log, the Wasm chunk store
 *   and certified data cleared, the global timer deactivated, the version
 *   bumped, and (for `uninstall_code`) a `codeUninstall` change recorded.
 * - Every call context is deleted: an unanswered ingress fails with IC0406
 *   `Canister has been uninstalled.`, an unanswered canister call is
 *   rejected (CANISTER_REJECT, the same text) with its unaccepted cycles;
 *   callbacks stay until their responses arrive, which then run nothing.
 * - Out of cycles (`charge_canisters_for_resource_allocation_and_usage`),
 *   also: compute allocation 0, memory allocation best-effort, the canister
 *   history cleared, the remaining balance (reserved cycles included) burned.
 *   The canister id and controllers stay; the canister keeps existing, empty.
 */
import { ErrorCode, InternalBug, RejectCode, userError } from '../errors/index.ts';
import type { CanisterChangeOrigin, CanisterState } from '../state/index.ts';
import { WasmChunkStore } from '../state/index.ts';
import { pushResponse, setIngressStatus } from './common.ts';
import type { Env } from './common.ts';
import type { RoundContext } from './types.ts';

const UNINSTALLED = 'Canister has been uninstalled.';

/** How the uninstall came about. */
export type UninstallReason =
  /** `uninstall_code` (or a reinstall's first half): recorded in the canister history. */
  | { readonly kind: 'uninstallCode'; readonly origin: CanisterChangeOrigin }
  /** The canister could not pay for its resources. */
  | { readonly kind: 'outOfCycles' };

/** Uninstalls the canister's code (see the module header); answers go to the ingress history and the output queues. */
export function uninstallCanister(env: Env, canister: CanisterState, reason: UninstallReason, round: RoundContext): void {
  const sys = canister.systemState;
  canister.executionState = undefined;
  env.hypervisor.dropInstances(canister.canisterId);
  sys.canisterLog.clear();
  sys.wasmChunkStore = new WasmChunkStore();
  sys.certifiedData = new Uint8Array(0);
  sys.globalTimer = 0n;
  sys.canisterVersion += 1n;
  if (reason.kind === 'uninstallCode') sys.addCanisterChange(round.time, reason.origin, { kind: 'codeUninstall' });
  sys.callContextManager?.deleteAllCallContexts((ctx) => {
    const origin = ctx.callOrigin;
    switch (origin.kind) {
      case 'ingress':
        setIngressStatus(round, canister, origin.userId, origin.messageId, { kind: 'failed', error: userError(ErrorCode.CanisterRejectedMessage, UNINSTALLED) });
        return undefined;
      case 'canisterUpdate':
        pushResponse(canister, origin.caller, origin.callbackId, origin.deadline, ctx.availableCycles,
          { kind: 'reject', code: RejectCode.CanisterReject, message: UNINSTALLED });
        return undefined;
      case 'systemTask':
        return undefined;
      case 'query': case 'canisterQuery':
        throw new InternalBug('a query call context in the replicated state');
    }
  });
  if (reason.kind === 'outOfCycles') {
    sys.computeAllocation = 0n;
    sys.memoryAllocation = 0n;
    sys.canisterHistory.clear();
    env.cycles.burnRemainingBalanceForUninstall(sys);
  }
}
