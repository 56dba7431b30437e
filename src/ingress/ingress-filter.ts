/**
 * The ingress filter: whether a signed `call` is accepted for consensus,
 * checked against the latest state before it enters the block maker's pool
 * (the replica's validator expiry check and
 * `ExecutionEnvironment::should_accept_ingress_message`, `ingress_filter.rs`).
 * In order:
 *
 *     1. expiry in [now, now + 5 min + 30 s]    else "Invalid request expiry: …" (HTTP 400, no error code)
 *     2. to aaaaa-aa: the effective canister id from the argument
 *        unknown method                          IC0536 "ic00 interface does not expose method <m>"
 *        canister-only method, fetch_canister_logs  IC0406 "ic00 method <m> can not be called via ingress messages"
 *        argument not decodable                  IC0408 "Failed to parse payload for ic00 method <m>: …"
 *     3. the payer (receiver, or effective canister) exists                         IC0301 "Canister <id> not found"
 *        and can pay the induction fee above its freezing threshold                 IC0207
 *     4. to aaaaa-aa (`CanisterManager::should_accept_ingress_message`):
 *        canister_info, canister_metadata                                          IC0406 "Only canisters can call ic00 method <m>"
 *        update_settings, install_code, install_chunked_code, upload_chunk,
 *        stored_chunks, clear_chunk_store, take/load/delete_canister_snapshot,
 *        upload_canister_snapshot_metadata/data: a controller of the target        IC0512 "Only controllers of canister <id> can call ic00 method <m>"
 *        start/stop/delete_canister, uninstall_code, canister_metrics: a
 *        controller (or a subnet admin; ic-exec has none), the canister
 *        manager's error                                                           IC0512 "Only the controllers of the canister <id> can control it. …"
 *        list_canister_snapshots, read_canister_snapshot_metadata/data:
 *        a controller or whoever `snapshot_visibility` admits                     IC0512 (the canister manager's error, as the method's)
 *        canister_status: the target itself or its `status_visibility`           IC0542 "Caller <p> is not allowed to read the canister status"
 *     5. to a canister: it is running                                              IC0509 / IC0508
 *        and `canister_inspect_message` accepts (if exported; an empty canister rejects)
 *
 * Nothing here changes the state.
 */
import { MAX_INGRESS_TTL_NANOS } from '../config/index.ts';
import type { CyclesAccountManager } from '../cycles/index.ts';
import { outOfCyclesUserError } from '../cycles/index.ts';
import { ErrorCode, userError } from '../errors/index.ts';
import type { UserError } from '../errors/index.ts';
import type { HttpCallContent } from '../messaging/index.ts';
import { extractEffectiveCanisterId, requestIdOf } from '../messaging/index.ts';
import { isSubnetAddress } from '../scheduler/index.ts';
import type { CanisterState, Ingress, ReplicatedState } from '../state/index.ts';
import { newIngress } from '../state/index.ts';
import { maySeeSnapshots, notController, statusAccessError } from '../management/index.ts';
import type { CanisterId, PrincipalId, Time } from '../types/index.ts';

/** How far past `now + 5 min` an expiry may be (`PERMITTED_DRIFT_AT_VALIDATOR`), nanoseconds. */
export const PERMITTED_DRIFT_AT_VALIDATOR_NANOS = 30n * 1_000_000_000n;

/** What the filter needs of the execution environment. */
export interface InspectMessageExecutor {
  executeInspectMessage(canister: CanisterState, ingress: Ingress, time: Time): Promise<UserError | undefined>;
}

/** Accepted, or why not: an expiry out of range (HTTP 400) or the replica's user error. */
export type IngressFilterResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly kind: 'invalidExpiry'; readonly message: string }
  | { readonly ok: false; readonly kind: 'rejected'; readonly error: UserError };

/** Canister-only management methods whose ingress has an effective canister id (refused after the payer check). */
const CANISTERS_ONLY: ReadonlySet<string> = new Set(['canister_info', 'canister_metadata']);

/** Management methods only a controller of the target may call by ingress (the filter's own wording). */
const CONTROLLER_ONLY: ReadonlySet<string> = new Set([
  'update_settings', 'install_code', 'install_chunked_code', 'upload_chunk', 'stored_chunks', 'clear_chunk_store',
  'take_canister_snapshot', 'load_canister_snapshot', 'delete_canister_snapshot', 'upload_canister_snapshot_metadata',
  'upload_canister_snapshot_data',
]);

/** Management methods for a controller or a subnet admin (`validate_controller_or_subnet_admin`: the canister manager's error). */
const CONTROLLER_OR_SUBNET_ADMIN: ReadonlySet<string> = new Set([
  'start_canister', 'stop_canister', 'delete_canister', 'uninstall_code', 'canister_metrics',
]);

/** Management methods `snapshot_visibility` opens beyond the controllers. */
const SNAPSHOT_READERS: ReadonlySet<string> = new Set(['list_canister_snapshots', 'read_canister_snapshot_metadata', 'read_canister_snapshot_data']);

/** The replica's `Time` display: `YYYY-MM-DD HH:MM:SS.nnnnnnnnn UTC`. */
export function formatTime(nanos: bigint): string {
  const ms = Number(nanos / 1_000_000n);
  const iso = new Date(ms).toISOString(); // formatting a given instant, not reading the clock
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${(nanos % 1_000_000_000n).toString().padStart(9, '0')} UTC`;
}


const rejected = (error: UserError): IngressFilterResult => ({ ok: false, kind: 'rejected', error });

/** Why `sender` may not call management `method` on `target` by ingress (step 4 of the module header), if not. */
function managementAccessError(method: string, target: CanisterState, sender: PrincipalId): UserError | undefined {
  const sys = target.systemState;
  if (CANISTERS_ONLY.has(method)) return userError(ErrorCode.CanisterRejectedMessage, `Only canisters can call ic00 method ${method}`);
  if (CONTROLLER_ONLY.has(method) && !sys.isController(sender)) {
    return userError(ErrorCode.CanisterInvalidController, `Only controllers of canister ${target.canisterId.toText()} can call ic00 method ${method}`);
  }
  if (CONTROLLER_OR_SUBNET_ADMIN.has(method) && !sys.isController(sender)) return notController(target, sender);
  if (SNAPSHOT_READERS.has(method) && !maySeeSnapshots(target, sender)) return notController(target, sender);
  return method === 'canister_status' ? statusAccessError(target, sender) : undefined;
}

/** The ingress filter (see the module header). */
export class IngressFilter {
  readonly #executor: InspectMessageExecutor;
  readonly #cycles: CyclesAccountManager | undefined;

  constructor(opts: { readonly executor: InspectMessageExecutor; readonly cycles?: CyclesAccountManager }) {
    this.#executor = opts.executor;
    this.#cycles = opts.cycles;
  }

  /** Checks the expiry window alone (step 1). */
  static checkExpiry(expiry: bigint, now: bigint): IngressFilterResult {
    const max = now + MAX_INGRESS_TTL_NANOS + PERMITTED_DRIFT_AT_VALIDATOR_NANOS;
    if (expiry >= now && expiry <= max) return { ok: true };
    return {
      ok: false, kind: 'invalidExpiry',
      message: `Invalid request expiry: Specified ingress_expiry not within expected range: Minimum allowed expiry: ${formatTime(now)}, `
        + `Maximum allowed expiry: ${formatTime(max)}, Provided expiry: ${formatTime(expiry)}`,
    };
  }

  /**
   * Whether `content` (an envelope of `envelopeBytes` bytes) is accepted at
   * `now` against `state` (the latest state; see the module header).
   * `messageId`, when the caller has it already, saves hashing the request id again.
   */
  async check(state: ReplicatedState, content: HttpCallContent, envelopeBytes: number, now: bigint, messageId?: Uint8Array): Promise<IngressFilterResult> {
    const expiry = IngressFilter.checkExpiry(content.ingressExpiry, now);
    if (!expiry.ok) return expiry;
    const method = content.methodName;
    const toSubnet = isSubnetAddress(state, content.canisterId);
    let payerId: CanisterId | undefined = content.canisterId;
    if (toSubnet) {
      const r = extractEffectiveCanisterId(method, content.arg);
      if (!r.ok) {
        switch (r.error) {
          case 'UnknownSubnetMethod': return rejected(userError(ErrorCode.CanisterMethodNotFound, `ic00 interface does not expose method ${method}`));
          case 'SubnetMethodNotAllowed': return rejected(userError(ErrorCode.CanisterRejectedMessage, `ic00 method ${method} can not be called via ingress messages`));
          case 'InvalidSubnetPayload': return rejected(userError(ErrorCode.InvalidManagementPayload, `Failed to parse payload for ic00 method ${method}: the Candid argument does not decode`));
        }
      }
      payerId = r.id;
    }
    const payer = payerId === undefined ? undefined : state.canister(payerId);
    if (payerId !== undefined && payer === undefined) return rejected(userError(ErrorCode.CanisterNotFound, `Canister ${payerId.toText()} not found`));
    if (payer !== undefined && this.#cycles !== undefined) {
      const cost = this.#cycles.ingressInductionCost(BigInt(envelopeBytes));
      const usage = { memoryUsage: payer.memoryUsage(), messageMemoryUsage: payer.messageMemoryUsage() };
      const err = this.#cycles.canWithdrawCyclesWithThreshold(payer.systemState, cost, usage, payer.systemState.isController(content.sender));
      if (err !== undefined) return rejected(outOfCyclesUserError(err));
    }
    if (toSubnet) {
      const denied = payer === undefined ? undefined : managementAccessError(method, payer, content.sender);
      return denied === undefined ? { ok: true } : rejected(denied);
    }
    const canister = payer as CanisterState;
    const id = canister.canisterId.toText();
    if (canister.systemState.status.kind === 'stopping') return rejected(userError(ErrorCode.CanisterStopping, `Canister ${id} is stopping`));
    if (canister.systemState.status.kind === 'stopped') return rejected(userError(ErrorCode.CanisterStopped, `Canister ${id} is stopped`));
    const ingress = newIngress({
      source: content.sender, receiver: content.canisterId, methodName: method, methodPayload: content.arg,
      messageId: messageId ?? requestIdOf(content), expiryTime: content.ingressExpiry,
    });
    const inspect = await this.#executor.executeInspectMessage(canister, ingress, state.time);
    return inspect === undefined ? { ok: true } : rejected(inspect);
  }
}
