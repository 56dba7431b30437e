/**
 * Installing code: `install_code` and `install_chunked_code` (install,
 * reinstall, upgrade) and `uninstall_code`, controllers only
 * (`execute_install_code`, `decode_input_and_take_canister`,
 * `CanisterManager::uninstall_code`):
 *
 *   argument does not decode                            IC0408
 *   install_chunked_code: store canister (default: the target) missing
 *     IC0301 "InstallChunkedCode Error: Store canister <s> was not found on subnet <n> of target canister <t>"
 *   … caller neither the store nor its controller      IC0512 (the store's controllers)
 *   … wasm_module_hash not 32 bytes                     IC0504 "Invalid wasm hash [..]"
 *   target missing                                      IC0301 with the canister manager's help
 *   caller not a controller of the target               IC0512
 *   then the execution (src/execution/install-code.ts): IC0207, IC0514, IC0209, chunk errors, IC0505, traps…
 *
 * The history records the change's origin: the user of an ingress message,
 * or the calling canister with its `sender_canister_version`. A long
 * install pauses between rounds (`paused`): the ingress status becomes
 * Processing, the scheduler continues it at the start of later rounds
 * (`advanceInstallCode`) — or, after a checkpoint aborted it, runs the call
 * again with the cycles it prepaid — and the call is answered when it ends.
 * A successful install adds its heap delta to the subnet's estimate and its
 * module hash to the modules compiled since the checkpoint (the next install
 * of it costs the round 1/100 of its compilation).
 *
 * `uninstall_code`: the code, memories, chunk store, certified data, log and
 * timer are dropped, open call contexts rejected (src/execution/uninstall.ts),
 * a `codeUninstall` change recorded.
 */
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';
import { INGRESS_HISTORY_MEMORY_CAPACITY } from '../config/index.ts';
import { sha256 } from '../crypto/index.ts';
import { ErrorCode, userError } from '../errors/index.ts';
import type { InstallCodeArgs as ExecutionInstallArgs, InstallCodeMode, InstallCodeResult } from '../execution/index.ts';
import type { CanisterCall, CanisterChangeOrigin, CanisterState } from '../state/index.ts';
import { CanisterId } from '../types/index.ts';
import { answerManagementCall } from './answer.ts';
import { CanisterInstallMode, ChunkHash, REPLY_EMPTY, decodeArg, toCanisterId, unopt } from './candid.ts';
import type { CanisterInstallModeValue, Opt } from './candid.ts';
import { canisterNotFoundWithHelp, notController } from './errors.ts';
import { subnetAvailableMemory } from './subnet-resources.ts';
import type { Handler, ManagementCall, ManagementContext, ManagementOutcome } from './types.ts';

export const InstallCodeArgs = IDL.Record({
  mode: CanisterInstallMode, canister_id: IDL.Principal, wasm_module: IDL.Vec(IDL.Nat8), arg: IDL.Vec(IDL.Nat8),
  sender_canister_version: IDL.Opt(IDL.Nat64),
});
export const InstallChunkedCodeArgs = IDL.Record({
  mode: CanisterInstallMode, target_canister: IDL.Principal, store_canister: IDL.Opt(IDL.Principal), chunk_hashes_list: IDL.Vec(ChunkHash),
  wasm_module_hash: IDL.Vec(IDL.Nat8), arg: IDL.Vec(IDL.Nat8), sender_canister_version: IDL.Opt(IDL.Nat64),
});
export const UninstallCodeArgs = IDL.Record({ canister_id: IDL.Principal, sender_canister_version: IDL.Opt(IDL.Nat64) });

type Bytes = Uint8Array | number[];

interface InstallCodeValue {
  mode: CanisterInstallModeValue;
  canister_id: Principal;
  wasm_module: Bytes;
  arg: Bytes;
  sender_canister_version: Opt<bigint>;
}

interface InstallChunkedCodeValue {
  mode: CanisterInstallModeValue;
  target_canister: Principal;
  store_canister: Opt<Principal>;
  chunk_hashes_list: { hash: Bytes }[];
  wasm_module_hash: Bytes;
  arg: Bytes;
  sender_canister_version: Opt<bigint>;
}

/** The NNS governance canister (`rrkah-fqaaa-aaaaa-aaaaq-cai`), which may uninstall any canister. */
const GOVERNANCE_CANISTER_ID = CanisterId.fromU64(1n);

/** The execution environment's mode for a Candid `canister_install_mode`. */
export function installModeOf(m: CanisterInstallModeValue): InstallCodeMode {
  if ('install' in m) return 'install';
  if ('reinstall' in m) return 'reinstall';
  const up = unopt(m.upgrade);
  const skip = up === undefined ? undefined : unopt(up.skip_pre_upgrade);
  const persistence = up === undefined ? undefined : unopt(up.wasm_memory_persistence);
  return { upgrade: {
    ...(skip === undefined ? {} : { skipPreUpgrade: skip }),
    ...(persistence === undefined ? {} : { wasmMemoryPersistence: 'keep' in persistence ? 'keep' as const : 'replace' as const }),
  } };
}

/** The history origin of a change a call makes (`canister_change_origin`). */
export function changeOrigin(call: ManagementCall, senderCanisterVersion: Opt<bigint>): CanisterChangeOrigin {
  const m = call.message;
  if (m.kind === 'ingress') return { kind: 'fromUser', userId: m.source };
  const version = unopt(senderCanisterVersion);
  return { kind: 'fromCanister', canisterId: m.sender, ...(version === undefined ? {} : { canisterVersion: version }) };
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

type Prepared = { readonly ok: true; readonly canister: CanisterState; readonly args: ExecutionInstallArgs; readonly hash: string }
  | { readonly ok: false; readonly outcome: ManagementOutcome };

/** The target, if it exists and the caller controls it. */
function target(ctx: ManagementContext, id: CanisterId, call: ManagementCall): { ok: true; canister: CanisterState } | { ok: false; outcome: ManagementOutcome } {
  const c = ctx.state.canister(id);
  if (c === undefined) return { ok: false, outcome: { kind: 'reject', error: canisterNotFoundWithHelp(id) } };
  if (!c.systemState.isController(call.sender)) return { ok: false, outcome: { kind: 'reject', error: notController(c, call.sender) } };
  return { ok: true, canister: ctx.state.canisterMut(id) as CanisterState };
}

function prepareInstallCode(call: ManagementCall, ctx: ManagementContext): Prepared {
  const a = decodeArg<InstallCodeValue>(InstallCodeArgs, call.arg);
  if (!a.ok) return a;
  const t = target(ctx, toCanisterId(a.value.canister_id), call);
  if (!t.ok) return t;
  const wasm = Uint8Array.from(a.value.wasm_module);
  return {
    ok: true, canister: t.canister, hash: hex(sha256(wasm)),
    args: {
      mode: installModeOf(a.value.mode), wasmModule: wasm, arg: Uint8Array.from(a.value.arg), sender: call.sender,
      origin: changeOrigin(call, a.value.sender_canister_version),
    },
  };
}

function prepareInstallChunkedCode(call: ManagementCall, ctx: ManagementContext): Prepared {
  const a = decodeArg<InstallChunkedCodeValue>(InstallChunkedCodeArgs, call.arg);
  if (!a.ok) return a;
  const targetId = toCanisterId(a.value.target_canister);
  const storeArg = unopt(a.value.store_canister);
  const storeId = storeArg === undefined ? targetId : toCanisterId(storeArg);
  const store = ctx.state.canister(storeId);
  if (store === undefined) {
    return { ok: false, outcome: { kind: 'reject', error: userError(ErrorCode.CanisterNotFound,
      `InstallChunkedCode Error: Store canister ${storeId.toText()} was not found on subnet ${ctx.state.metadata.ownSubnetId.toText()} `
      + `of target canister ${targetId.toText()}`) } };
  }
  if (!store.canisterId.equals(call.sender) && !store.systemState.isController(call.sender)) {
    return { ok: false, outcome: { kind: 'reject', error: notController(store, call.sender) } };
  }
  const moduleHash = Uint8Array.from(a.value.wasm_module_hash);
  if (moduleHash.length !== 32) {
    return { ok: false, outcome: { kind: 'reject', error: userError(ErrorCode.CanisterContractViolation, `Invalid wasm hash [${[...moduleHash].join(', ')}]`) } };
  }
  const t = target(ctx, targetId, call);
  if (!t.ok) return t;
  return {
    ok: true, canister: t.canister, hash: hex(moduleHash),
    args: {
      mode: installModeOf(a.value.mode), arg: Uint8Array.from(a.value.arg), sender: call.sender,
      wasmModule: {
        kind: 'chunks', store: store.systemState.wasmChunkStore.clone(), moduleHash,
        hashes: a.value.chunk_hashes_list.map((h) => Uint8Array.from(h.hash)),
      },
      origin: changeOrigin(call, a.value.sender_canister_version),
    },
  };
}

/** What the execution's result answers (see the module header). */
function outcomeOf(ctx: ManagementContext, message: CanisterCall, r: InstallCodeResult, first: boolean): ManagementOutcome {
  if (r.paused === true) {
    if (first && message.kind === 'ingress') {
      ctx.round.ingressHistory.setStatus(message.messageId,
        { receiver: message.receiver, userId: message.source, time: ctx.state.time, state: { kind: 'processing' } },
        ctx.state.time, INGRESS_HISTORY_MEMORY_CAPACITY);
    }
    return { kind: 'paused' };
  }
  if (!r.ok) return { kind: 'reject', error: r.error };
  ctx.state.metadata.heapDeltaEstimate += r.heapDeltaBytes;
  ctx.state.metadata.expectedCompiledWasms.add(r.moduleHash);
  return REPLY_EMPTY;
}

/** Runs an install call from its start; `prepaid`: the cycles of a run a checkpoint aborted. */
async function runInstall(call: ManagementCall, ctx: ManagementContext, prepaid?: bigint): Promise<ManagementOutcome> {
  const p = call.method === 'install_chunked_code' ? prepareInstallChunkedCode(call, ctx) : prepareInstallCode(call, ctx);
  if (!p.ok) return p.outcome;
  const r = await ctx.env.execution.installCode(p.canister, {
    ...p.args, message: call.message, compiledSinceCheckpoint: ctx.state.metadata.expectedCompiledWasms.has(p.hash),
    subnetAvailableMemory: subnetAvailableMemory({ state: ctx.state, cycles: ctx.env.cycles, schedulerCores: ctx.env.schedulerCores }),
    ...(prepaid === undefined ? {} : { prepaid }),
  }, ctx.round);
  return outcomeOf(ctx, call.message, r, prepaid === undefined);
}

/** A subnet message as a management call. */
function callOf(m: CanisterCall): ManagementCall {
  return {
    method: m.methodName, arg: m.methodPayload, message: m,
    sender: m.kind === 'ingress' ? m.source : m.sender, payment: m.kind === 'ingress' ? 0n : m.payment,
  };
}

/**
 * Continues the long install of canister `id` (the scheduler calls it at the
 * start of a round): the next slice of a paused one, or an aborted one run
 * again. Answers the call when it ends.
 */
export async function advanceInstallCode(ctx: ManagementContext, id: CanisterId): Promise<{ readonly paused: boolean }> {
  const canister = ctx.state.canisterMut(id);
  const front = canister?.systemState.taskQueue.front();
  if (canister === undefined || front === undefined) return { paused: false };
  let message: CanisterCall;
  let outcome: ManagementOutcome;
  if (front.kind === 'abortedInstallCode') {
    canister.systemState.taskQueue.popFront();
    message = front.message;
    outcome = await runInstall(callOf(message), ctx, front.prepaidExecutionCycles);
  } else if (front.kind === 'pausedInstallCode') {
    const r = await ctx.env.execution.resumeInstallCode(canister, ctx.round, {
      subnetAvailableMemory: subnetAvailableMemory({ state: ctx.state, cycles: ctx.env.cycles, schedulerCores: ctx.env.schedulerCores }),
    });
    message = r.message;
    outcome = outcomeOf(ctx, message, r.result, false);
  } else {
    return { paused: false };
  }
  if (outcome.kind === 'paused') return { paused: true };
  if (outcome.kind !== 'deferred') answerManagementCall(ctx.state, ctx.round, message, outcome);
  return { paused: false };
}

const uninstallCode: Handler = (call, ctx) => {
  const a = decodeArg<{ canister_id: Principal; sender_canister_version: Opt<bigint> }>(UninstallCodeArgs, call.arg);
  if (!a.ok) return a.outcome;
  const id = toCanisterId(a.value.canister_id);
  const c = ctx.state.canister(id);
  if (c === undefined) return { kind: 'reject', error: canisterNotFoundWithHelp(id) };
  if (!call.sender.equals(GOVERNANCE_CANISTER_ID) && !c.systemState.isController(call.sender)) {
    return { kind: 'reject', error: notController(c, call.sender) };
  }
  // ---- commit point ----
  const own = ctx.state.canisterMut(id) as CanisterState;
  const after = ctx.env.execution.uninstallCanister(own, { kind: 'uninstallCode', origin: changeOrigin(call, a.value.sender_canister_version) }, ctx.round);
  if (after !== own) ctx.state.putCanister(after);
  return REPLY_EMPTY;
};

export const handlers: Readonly<Record<string, Handler>> = {
  install_code: (call, ctx) => runInstall(call, ctx),
  install_chunked_code: (call, ctx) => runInstall(call, ctx),
  uninstall_code: uninstallCode,
};
