/**
 * Canister snapshots (the replica's `take_canister_snapshot`,
 * `load_canister_snapshot`, `list_canister_snapshot`,
 * `delete_canister_snapshot` in canister_manager.rs); reading and uploading
 * snapshot metadata and data are in snapshot-data.ts. The snapshots live on
 * the canister (`CanisterState.snapshots`), so deleting a canister deletes
 * them, and a state snapshot copies them with the canister (copy-on-write).
 *
 * take   controllers · replace_snapshot must be one of the canister's (IC0305), else at most 10 (IC0406)
 *        · heap-delta rate limit (IC0210) · cycles for `baseline + size` instructions and the
 *        memory the snapshot adds (IC0532, IC0207) · not empty (IC0406) → replaced snapshot
 *        removed, cycles taken, snapshot added, optional uninstall_code
 * load   controllers of the target and of the snapshot's canister (IC0406) · the snapshot
 *        (IC0305) · no long execution (IC0406) · on a copy: baseline cycles, the module
 *        (compiled for an uploaded snapshot; globals must match), memories, globals,
 *        certified data, chunk store (timer and hook only from uploads), cycles for
 *        `compilation + size` and the memory change → the copy replaces the canister,
 *        version + 1, `load_snapshot` in the history. A failure leaves the canister as it was.
 *        Call contexts and callbacks are left as they are (as the replica does): a response
 *        to a call made before the load runs its callback on the loaded module.
 * list   controllers or `snapshot_visibility` · snapshots in id order
 * delete controllers · the snapshot (IC0305) · the freezing check at the smaller usage
 */
import type { CanisterSnapshot, CanisterState, ExecutionState, GlobalValue, SnapshotId } from '../state/index.ts';
import { isLowWasmMemoryHookConditionSatisfied, snapshotFromCanister, snapshotId, snapshotModuleBytes, snapshotSizeOfCanister } from '../state/index.ts';
import type { CompiledModule } from '../wasm/index.ts';
import { REPLY_EMPTY, decodeArg, replyWith, unopt } from './candid.ts';
import { reject } from './errors.ts';
import { changeOrigin, heapDeltaLimit, snapshotIdOf, snapshotOf, snapshotTarget, snapshotToReplace, targetSnapshot } from './snapshot-access.ts';
import {
  DeleteCanisterSnapshotArgs, ListCanisterSnapshotsArgs, ListCanisterSnapshotsResult, LoadCanisterSnapshotArgs, Snapshot,
  TakeCanisterSnapshotArgs, snapshotRecord,
} from './snapshot-candid.ts';
import type { LoadArgsValue, SnapshotArgsValue, TakeArgsValue } from './snapshot-candid.ts';
import { applyCyclesAndMemory, chargeRound, checkCyclesAndMemory, consumeCyclesForInstructions } from './snapshot-charges.ts';
import { handlers as dataHandlers } from './snapshot-data.ts';
import {
  emptyCanister, longExecutionInProgress, notSnapshotOwnerController, snapshotInconsistent, snapshotNotFound,
} from './snapshot-errors.ts';
import type { Handler, ManagementOutcome } from './types.ts';

/** The expected speed-up of loading a module already compiled on this subnet (`DESERIALIZATION_SPEED_UP_FACTOR`). */
const DESERIALIZATION_SPEED_UP_FACTOR = 100n;

const take: Handler = (call, ctx) => {
  const a = decodeArg<TakeArgsValue>(TakeCanisterSnapshotArgs, call.arg);
  if (!a.ok) return a.outcome;
  const t = snapshotTarget(ctx, call, a.value.canister_id, 'controllers');
  if (!t.ok) return reject(t.error);
  const canister = t.value;
  const replaced = snapshotToReplace(canister, unopt(a.value.replace_snapshot));
  if (!replaced.ok) return reject(replaced.error);
  const replace = replaced.value;
  const limited = heapDeltaLimit(ctx, canister);
  if (limited !== undefined) return reject(limited);
  const uninstall = unopt(a.value.uninstall_code) ?? false;
  const uninstalledSize = uninstall ? canister.executionMemoryUsage() + canister.wasmChunkStoreMemoryUsage() : 0n;
  const size = snapshotSizeOfCanister(canister);
  const oldMemoryUsage = canister.memoryUsage();
  const grown = oldMemoryUsage + size - (replace?.size ?? 0n) - uninstalledSize;
  const instructions = ctx.env.execution.config.canisterSnapshotBaselineInstructions + size;
  const checked = checkCyclesAndMemory(ctx, canister, call.sender, ctx.env.cycles.executionCost(instructions), grown > 0n ? grown : 0n, oldMemoryUsage);
  if (!checked.ok) return reject(checked.error);
  const sys = canister.systemState;
  const id = snapshotId(canister.canisterId, sys.nextSnapshotId);
  const snapshot = snapshotFromCanister(canister, id, ctx.state.time);
  if (snapshot === undefined) return reject(emptyCanister(canister.canisterId));

  // ---- commit point ----
  const own = ctx.state.canisterMut(canister.canisterId) as CanisterState;
  if (replace !== undefined) own.snapshots = own.snapshots.without(replace.id.bytes);
  applyCyclesAndMemory(ctx, own, call.sender, checked.charges);
  own.systemState.nextSnapshotId += 1n;
  own.snapshots = own.snapshots.with(snapshot);
  if (uninstall) ctx.env.execution.uninstallCanister(own, { kind: 'uninstallCode', origin: changeOrigin(call, unopt(a.value.sender_canister_version)) }, ctx.round);
  chargeRound(ctx, instructions);
  return replyWith([Snapshot], [snapshotRecord(snapshot)]);
};

/** The snapshot a load names: the target's own, or one of another canister the sender also controls. */
function snapshotToLoad(ctx: Parameters<Handler>[1], sender: Parameters<Handler>[0]['sender'], target: CanisterState, id: SnapshotId): CanisterSnapshot | ManagementOutcome {
  if (id.canisterId.equals(target.canisterId)) {
    const s = snapshotOf(target, id);
    return s.ok ? s.value : reject(s.error);
  }
  const owner = ctx.state.canister(id.canisterId);
  const s = owner?.snapshots.get(id.bytes);
  if (owner === undefined || s === undefined) return reject(snapshotNotFound(target.canisterId, id));
  if (!owner.systemState.isController(sender)) return reject(notSnapshotOwnerController(sender, target.canisterId, id));
  return s;
}

/** The compiled module of a snapshot and the instructions compiling it counts, or the reject. */
function moduleOf(ctx: Parameters<Handler>[1], target: CanisterState, s: CanisterSnapshot): { compiled: CompiledModule; instructions: bigint } | ManagementOutcome {
  let compiled: CompiledModule;
  if (s.module.kind === 'installed') compiled = s.module.compiled;
  else {
    const r = ctx.env.execution.hypervisor.compile(snapshotModuleBytes(s.module), target.canisterId);
    if (!r.ok) return reject(r.error);
    compiled = r.compiled;
    const expected = compiled.output.persistentGlobals.map((g) => g.type);
    const kinds: Record<string, number> = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b };
    if (expected.length !== s.globals.length || s.globals.some((g, i) => kinds[g.kind] !== expected[i])) {
      return reject(snapshotInconsistent('Wasm exported globals of canister module and snapshot metadata do not match.'));
    }
  }
  const cost = compiled.output.compilationCost;
  const reduced = ctx.state.metadata.expectedCompiledWasms.has(compiled.hash);
  return { compiled, instructions: reduced ? cost / DESERIALIZATION_SPEED_UP_FACTOR : cost };
}

const HOOK_DEBUG = { conditionNotSatisfied: 'ConditionNotSatisfied', ready: 'Ready', executed: 'Executed' } as const;

const load: Handler = (call, ctx) => {
  const a = decodeArg<LoadArgsValue>(LoadCanisterSnapshotArgs, call.arg);
  if (!a.ok) return a.outcome;
  const t = snapshotTarget(ctx, call, a.value.canister_id, 'controllers');
  if (!t.ok) return reject(t.error);
  const canister = t.value;
  const limited = heapDeltaLimit(ctx, canister);
  if (limited !== undefined) return reject(limited);
  const id = snapshotIdOf(a.value.snapshot_id);
  if (!id.ok) return reject(id.error);
  const snapshot = snapshotToLoad(ctx, call.sender, canister, id.value);
  if ('kind' in snapshot) return snapshot;
  if (canister.systemState.taskQueue.pausedOrAborted !== undefined) return reject(longExecutionInProgress(canister.canisterId));

  const oldMemoryUsage = canister.memoryUsage();
  const copy = canister.clone();
  const baseline = consumeCyclesForInstructions(ctx, copy, call.sender, ctx.env.execution.config.canisterSnapshotBaselineInstructions);
  if (baseline !== undefined) return reject(baseline);
  const m = moduleOf(ctx, canister, snapshot);
  if ('kind' in m) return m;
  const state: ExecutionState = Object.freeze({
    compiled: m.compiled, heap: snapshot.heap.pages, heapSizePages: snapshot.heap.sizePages,
    stable: Object.freeze({ sizePages: snapshot.stable.sizePages, pages: snapshot.stable.pages }),
    globals: Object.freeze(snapshot.globals.map((g): GlobalValue => g.value)),
  });
  copy.executionState = state;
  const sys = copy.systemState;
  sys.wasmChunkStore = snapshot.chunkStore.clone();
  sys.certifiedData = snapshot.certifiedData;
  if (snapshot.source === 'metadataUpload') {
    if (snapshot.globalTimer !== undefined) sys.globalTimer = snapshot.globalTimer;
    const hook = snapshot.onLowWasmMemoryHookStatus;
    if (hook !== undefined) {
      sys.taskQueue.setHookStatusFromSnapshot(hook);
      const holds = isLowWasmMemoryHookConditionSatisfied(copy.wasmMemoryUsage(), sys.wasmMemoryLimit, sys.wasmMemoryThreshold);
      if (holds === (hook === 'conditionNotSatisfied')) {
        return reject(snapshotInconsistent(
          `Hook status (Some(${HOOK_DEBUG[hook]})) of uploaded snapshot is inconsistent with the canister's state (hook condition satisfied: ${holds}).`));
      }
    }
  }
  const instructions = m.instructions + snapshot.size;
  const cycles = ctx.env.cycles.executionCost(instructions, m.compiled.output.isWasm64);
  const checked = checkCyclesAndMemory(ctx, copy, call.sender, cycles, copy.memoryUsage(), oldMemoryUsage);
  if (!checked.ok) return reject(checked.error);

  // ---- commit point: the copy replaces the canister ----
  applyCyclesAndMemory(ctx, copy, call.sender, checked.charges);
  sys.canisterVersion += 1n;
  const from = snapshot.id.canisterId.equals(canister.canisterId) ? {} : { fromCanisterId: snapshot.id.canisterId };
  sys.addCanisterChange(ctx.state.time, changeOrigin(call, unopt(a.value.sender_canister_version)), {
    kind: 'loadSnapshot', canisterVersion: snapshot.canisterVersion, snapshotId: snapshot.id.bytes,
    takenAtTimestamp: snapshot.takenAtTimestamp, source: snapshot.source, ...from,
  });
  ctx.env.execution.hypervisor.dropInstances(canister.canisterId);
  ctx.state.putCanister(copy);
  chargeRound(ctx, m.instructions);
  return REPLY_EMPTY;
};

const list: Handler = (call, ctx) => {
  const a = decodeArg<{ canister_id: SnapshotArgsValue['canister_id'] }>(ListCanisterSnapshotsArgs, call.arg);
  if (!a.ok) return a.outcome;
  const t = snapshotTarget(ctx, call, a.value.canister_id, 'viewers');
  if (!t.ok) return reject(t.error);
  return replyWith([ListCanisterSnapshotsResult], [t.value.snapshots.list().map(snapshotRecord)]);
};

const remove: Handler = (call, ctx) => {
  const a = decodeArg<SnapshotArgsValue>(DeleteCanisterSnapshotArgs, call.arg);
  if (!a.ok) return a.outcome;
  const t = targetSnapshot(ctx, call, a.value.canister_id, a.value.snapshot_id, 'controllers');
  if (!t.ok) return reject(t.error);
  const { canister, snapshot } = t.value;
  const memoryUsage = canister.memoryUsage();
  const checked = checkCyclesAndMemory(ctx, canister, call.sender, 0n, memoryUsage - snapshot.size, memoryUsage);
  if (!checked.ok) return reject(checked.error);

  // ---- commit point ----
  const own = ctx.state.canisterMut(canister.canisterId) as CanisterState;
  own.snapshots = own.snapshots.without(snapshot.id.bytes);
  applyCyclesAndMemory(ctx, own, call.sender, checked.charges);
  return REPLY_EMPTY;
};

export const handlers: Readonly<Record<string, Handler>> = {
  take_canister_snapshot: take,
  load_canister_snapshot: load,
  list_canister_snapshots: list,
  delete_canister_snapshot: remove,
  ...dataHandlers,
};
