// take / load / list / delete_canister_snapshot on a whole replica, with the
// WAT counter (its counter is a mutable global) and a proxy canister for
// calls from a canister: success, the charge, the limit of 10 and
// replace_snapshot, uninstall_code, an empty canister, a missing canister or
// snapshot, another canister's snapshot, malformed Candid, a caller that is
// not a controller, snapshot_visibility, the canister history and version.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { subnetConfigFor } from '../config/index.ts';
import { CyclesAccountManager } from '../cycles/index.ts';
import { ErrorCode } from '../errors/index.ts';
import type { CanisterSnapshot } from '../state/index.ts';
import { CanisterId, PrincipalId } from '../types/index.ts';
import { watFile } from '../../test/corpus/wat.ts';
import {
  Replica, args, assertProxyReject, hex, localId, mgmt, proxyCanister, rejects, replies, u64, viaProxy,
} from './snapshot-test-support.ts';
import type { SnapshotRecord } from './snapshot-test-support.ts';

const NONE = new Uint8Array(0);
const USER = PrincipalId.anonymous();
const BASELINE = subnetConfigFor('application').scheduler.canisterSnapshotBaselineInstructions;
const cycles = new CyclesAccountManager({ subnetType: 'application', subnetSize: 13 });
const sid = (c: CanisterId, n: bigint): string => `${c.toText()}-${n}`;
const NOT_FOUND_HELP = 'Use the `list_canister_snapshot` API to see which snapshots are present. See documentation: https://docs.internetcomputer.org/references/execution-errors#canister-snapshot-not-found';
const notFound = (c: CanisterId, n: bigint): string => `Could not find the snapshot ID ${sid(c, n)} for canister ${c.toText()}.\n${NOT_FOUND_HELP}`;

describe('take, load, list and delete canister snapshots', () => {
  let ic: Replica;
  let counter: CanisterId;
  let proxy: CanisterId;
  let wasm: Uint8Array;
  const get = async (c = counter): Promise<bigint> => u64(await ic.query(c, 'get', NONE));
  const snapshotsOf = (c = counter): readonly CanisterSnapshot[] => ic.committedState.canister(c)?.snapshots.list() ?? [];

  before(async () => {
    ic = await Replica.create();
    wasm = await watFile('counter');
    proxy = await proxyCanister(ic);
    counter = await ic.createCanister({ controllers: [USER, proxy] });
    await ic.installCode(counter, wasm);
  });
  after(async () => { await ic.close(); });

  it('take: replies the snapshot (id = local id ‖ canister id), charges execution_cost(baseline + size), counts its memory', async () => {
    await ic.updateCall(counter, 'inc', NONE);
    const memoryBefore = ic.committedState.canister(counter)?.memoryUsage() ?? 0n;
    const balance = ic.cycleBalance(counter);
    const answer = await viaProxy(ic, proxy, 'take_canister_snapshot', args.take(counter));
    assert.ok(answer.kind === 'reply');
    const r = replies.take(answer.bytes);
    assert.equal(hex(r.id), hex(localId(counter, 0n)));
    const [snap] = snapshotsOf();
    assert.equal(r.taken_at_timestamp, snap.takenAtTimestamp);
    assert.equal(r.total_size, snap.size);
    assert.equal(balance - ic.cycleBalance(counter), cycles.executionCost(BASELINE + snap.size));
    assert.equal((ic.committedState.canister(counter)?.memoryUsage() ?? 0n) - memoryBefore, snap.size);
    assert.equal(ic.committedState.canister(counter)?.systemState.nextSnapshotId, 1n);
  });

  it('load: restores the state (the counter global), bumps the version, records load_snapshot in the history', async () => {
    const [snap] = snapshotsOf();
    await ic.updateCall(counter, 'inc', NONE);
    await ic.updateCall(counter, 'inc', NONE);
    assert.equal(await get(), 3n);
    const version = ic.committedState.canister(counter)?.systemState.canisterVersion ?? 0n;
    await mgmt(ic, 'load_canister_snapshot', args.load(counter, snap.id.bytes));
    assert.equal(await get(), 1n);
    const sys = ic.committedState.canister(counter)?.systemState;
    assert.equal(sys?.canisterVersion, version + 1n);
    const change = sys?.canisterHistory.changes.at(-1);
    assert.deepEqual(change?.details, {
      kind: 'loadSnapshot', canisterVersion: snap.canisterVersion, snapshotId: snap.id.bytes, takenAtTimestamp: snap.takenAtTimestamp, source: 'takenFromCanister',
    });
    assert.deepEqual([change?.canisterVersion, change?.origin], [version + 1n, { kind: 'fromUser', userId: USER }]);
    assert.equal(await ic.updateCall(counter, 'inc', NONE).then(u64), 2n, 'the canister runs on after the load');
  });

  it('list: the snapshots in id order, by ingress and from a canister', async () => {
    const listed = replies.list(await mgmt(ic, 'list_canister_snapshots', args.list(counter)));
    assert.deepEqual(listed.map((s: SnapshotRecord) => hex(s.id)), [hex(localId(counter, 0n))]);
    const answer = await viaProxy(ic, proxy, 'list_canister_snapshots', args.list(counter));
    assert.ok(answer.kind === 'reply');
    assert.equal(replies.list(answer.bytes).length, 1);
  });

  it('at most 10 snapshots: the 11th is IC0406; replace_snapshot takes the place of one', async () => {
    for (let i = 1; i < 10; i++) await mgmt(ic, 'take_canister_snapshot', args.take(counter));
    assert.equal(snapshotsOf().length, 10);
    await rejects(mgmt(ic, 'take_canister_snapshot', args.take(counter)), ErrorCode.CanisterRejectedMessage,
      `Canister ${counter.toText()} has reached the maximum number of snapshots allowed: 10.\n`
      + 'Consider deleting an unnecessary snapshot of the specified canister before creating a new one. See documentation: canister-snapshot-limit-exceeded');
    const r = replies.take(await mgmt(ic, 'take_canister_snapshot', args.take(counter, localId(counter, 3n))));
    assert.equal(hex(r.id), hex(localId(counter, 10n)));
    assert.deepEqual(snapshotsOf().map((s) => s.id.localId), [0n, 1n, 2n, 4n, 5n, 6n, 7n, 8n, 9n, 10n]);
    await rejects(mgmt(ic, 'take_canister_snapshot', args.take(counter, localId(counter, 3n))), ErrorCode.CanisterSnapshotNotFound, notFound(counter, 3n));
  });

  it('delete: removes one and its memory; a missing one is IC0305', async () => {
    const before = ic.committedState.canister(counter)?.memoryUsage() ?? 0n;
    const size = snapshotsOf().find((s) => s.id.localId === 10n)?.size ?? 0n;
    await mgmt(ic, 'delete_canister_snapshot', args.delete(counter, localId(counter, 10n)));
    assert.equal(snapshotsOf().length, 9);
    assert.equal(before - (ic.committedState.canister(counter)?.memoryUsage() ?? 0n), size);
    await rejects(mgmt(ic, 'delete_canister_snapshot', args.delete(counter, localId(counter, 10n))), ErrorCode.CanisterSnapshotNotFound, notFound(counter, 10n));
    await rejects(mgmt(ic, 'load_canister_snapshot', args.load(counter, localId(counter, 10n))), ErrorCode.CanisterSnapshotNotFound, notFound(counter, 10n));
  });

  it('a missing canister is IC0301, malformed Candid and a bad snapshot id IC0408', async () => {
    const missing = CanisterId.fromU64(0xabcdn);
    for (const [method, arg] of [
      ['take_canister_snapshot', args.take(missing)], ['load_canister_snapshot', args.load(missing, localId(missing, 0n))],
      ['list_canister_snapshots', args.list(missing)], ['delete_canister_snapshot', args.delete(missing, localId(missing, 0n))],
    ] as const) {
      assertProxyReject(await viaProxy(ic, proxy, method, arg), ErrorCode.CanisterNotFound, `Canister ${missing.toText()} not found.`);
    }
    for (const method of ['take_canister_snapshot', 'load_canister_snapshot', 'list_canister_snapshots', 'delete_canister_snapshot']) {
      const a = await viaProxy(ic, proxy, method, Uint8Array.of(1, 2, 3));
      assert.ok(a.kind === 'reject' && a.code === 4 && a.message.startsWith('Error decoding candid: '), `${method}: ${a.kind}`);
    }
    assertProxyReject(await viaProxy(ic, proxy, 'load_canister_snapshot', args.load(counter, Uint8Array.of(4, 5, 6, 6))), ErrorCode.InvalidManagementPayload,
      'Error decoding candid: Invalid length of SnapshotId: Invalid snapshot ID length: provided 4, minumum length expected 37. test a change');
  });

  it('a caller that is not a controller: IC0512 from a canister, and by ingress', async () => {
    const other = await ic.createCanister();
    await ic.installCode(other, wasm);
    const help = 'Execute this call from a controller of the target canister or add the current caller as a controller. See documentation: https://docs.internetcomputer.org/references/execution-errors#invalid-controller';
    const text = `Only the controllers of the canister ${other.toText()} can control it.\nCanister's controllers: ${USER.toText()}\nSender's ID: ${proxy.toText()}\n${help}`;
    for (const [method, arg] of [
      ['take_canister_snapshot', args.take(other)], ['load_canister_snapshot', args.load(other, localId(other, 0n))],
      ['list_canister_snapshots', args.list(other)], ['delete_canister_snapshot', args.delete(other, localId(other, 0n))],
    ] as const) {
      assertProxyReject(await viaProxy(ic, proxy, method, arg), ErrorCode.CanisterInvalidController, text);
    }
    const stranger = PrincipalId.fromUint8Array(Uint8Array.of(9, 9));
    await assert.rejects(mgmt(ic, 'take_canister_snapshot', args.take(other), stranger), (e: Error & { code?: number }) => e.code === ErrorCode.CanisterInvalidController);
  });

  it('snapshot_visibility public lets anyone list (not take)', async () => {
    const other = await ic.createCanister();
    await ic.installCode(other, wasm);
    await mgmt(ic, 'take_canister_snapshot', args.take(other));
    assertProxyReject(await viaProxy(ic, proxy, 'list_canister_snapshots', args.list(other)), ErrorCode.CanisterInvalidController,
      `Only the controllers of the canister ${other.toText()} can control it.\nCanister's controllers: ${USER.toText()}\nSender's ID: ${proxy.toText()}\n`
      + 'Execute this call from a controller of the target canister or add the current caller as a controller. See documentation: https://docs.internetcomputer.org/references/execution-errors#invalid-controller');
    assert.ok(await setSnapshotVisibilityPublic(ic, other), 'update_settings sets snapshot_visibility');
    const listed = await viaProxy(ic, proxy, 'list_canister_snapshots', args.list(other));
    assert.ok(listed.kind === 'reply' && replies.list(listed.bytes).length === 1);
    const taken = await viaProxy(ic, proxy, 'take_canister_snapshot', args.take(other));
    assert.ok(taken.kind === 'reject' && taken.code === 5 && taken.message.startsWith('Only the controllers of the canister '));
  });

  it('another canister\'s snapshot id: IC0305 (delete, take replace); load needs control of both canisters', async () => {
    const other = await ic.createCanister({ controllers: [USER] });
    await ic.installCode(other, wasm);
    await ic.updateCall(other, 'set', new Uint8Array(new BigUint64Array([77n]).buffer));
    const r = replies.take(await mgmt(ic, 'take_canister_snapshot', args.take(other)));
    await rejects(mgmt(ic, 'delete_canister_snapshot', args.delete(counter, r.id)), ErrorCode.CanisterSnapshotNotFound,
      `Could not find the snapshot ID ${sid(other, 0n)} for canister ${counter.toText()}.\n${NOT_FOUND_HELP}`);
    // The proxy controls `counter` but not `other`.
    assertProxyReject(await viaProxy(ic, proxy, 'load_canister_snapshot', args.load(counter, r.id)), ErrorCode.CanisterRejectedMessage,
      `Only a controller of the canister that snapshot ${sid(other, 0n)} belongs to can load it on canister ${counter.toText()}. Sender: ${proxy.toText()}.\n`
      + 'Make sure you are a controller of the canister that the snapshot belongs to. See documentation: canister-snapshot-not-controller');
    // The user controls both: the snapshot of `other` loads onto `counter`.
    await mgmt(ic, 'load_canister_snapshot', args.load(counter, r.id));
    assert.equal(await get(), 77n);
    const change = ic.committedState.canister(counter)?.systemState.canisterHistory.changes.at(-1)?.details;
    assert.ok(change?.kind === 'loadSnapshot' && change.fromCanisterId?.equals(other));
  });

  it('an empty canister cannot be snapshotted (IC0406); uninstall_code empties the canister after taking', async () => {
    const empty = await ic.createCanister();
    await rejects(mgmt(ic, 'take_canister_snapshot', args.take(empty)), ErrorCode.CanisterRejectedMessage,
      `Failed to create snapshot for empty canister ${empty.toText()}:`);
    const c = await ic.createCanister();
    await ic.installCode(c, wasm);
    await ic.updateCall(c, 'inc', NONE);
    const r = replies.take(await mgmt(ic, 'take_canister_snapshot', args.take(c, undefined, true)));
    const state = ic.committedState.canister(c);
    assert.equal(state?.executionState, undefined);
    assert.equal(state?.systemState.canisterHistory.changes.at(-1)?.details.kind, 'codeUninstall');
    await mgmt(ic, 'load_canister_snapshot', args.load(c, r.id));
    assert.equal(await get(c), 1n, 'the snapshot of the uninstalled canister loads back');
  });

  it('the chunk store goes into the snapshot and comes back on load', async () => {
    const { IDL } = await import('@dfinity/candid');
    const { encode, toPrincipal } = await import('./candid.ts');
    const c = await ic.createCanister();
    await ic.installCode(c, wasm);
    const record = IDL.Record({ canister_id: IDL.Principal });
    await mgmt(ic, 'upload_chunk', encode([IDL.Record({ canister_id: IDL.Principal, chunk: IDL.Vec(IDL.Nat8) })], [{ canister_id: toPrincipal(c), chunk: Uint8Array.of(1, 2, 3) }]));
    const r = replies.take(await mgmt(ic, 'take_canister_snapshot', args.take(c)));
    const [s] = snapshotsOf(c);
    assert.equal(s.chunkStore.size, 1);
    assert.equal(r.total_size, BigInt(wasm.length) + 65_536n + 32n + 1024n * 1024n, 'module + 1 heap page + 1 global + 1 MiB chunk');
    await mgmt(ic, 'clear_chunk_store', encode([record], [{ canister_id: toPrincipal(c) }]));
    assert.equal(ic.committedState.canister(c)?.systemState.wasmChunkStore.size, 0);
    await mgmt(ic, 'load_canister_snapshot', args.load(c, r.id));
    assert.equal(ic.committedState.canister(c)?.systemState.wasmChunkStore.size, 1);
  });

  it('deleting a canister deletes its snapshots', async () => {
    const c = await ic.createCanister();
    await ic.installCode(c, wasm);
    await mgmt(ic, 'take_canister_snapshot', args.take(c));
    assert.equal(snapshotsOf(c).length, 1);
    await mgmt(ic, 'stop_canister', args.list(c));
    await mgmt(ic, 'delete_canister', args.list(c));
    assert.equal(ic.committedState.canister(c), undefined);
  });
});

/** Sets `snapshot_visibility = public` through update_settings, if that method is served; false if not. */
async function setSnapshotVisibilityPublic(ic: Replica, c: CanisterId): Promise<boolean> {
  const { candid } = await import('./index.ts');
  const settings = {
    controllers: [], compute_allocation: [], memory_allocation: [], freezing_threshold: [], reserved_cycles_limit: [],
    minimum_incoming_canister_call_cycles: [], log_visibility: [], log_memory_limit: [], snapshot_visibility: [{ public: null }],
    status_visibility: [], wasm_memory_limit: [], wasm_memory_threshold: [], environment_variables: [],
  };
  const { IDL } = await import('@dfinity/candid');
  const arg = candid.encode([IDL.Record({ canister_id: IDL.Principal, settings: candid.CanisterSettings, sender_canister_version: IDL.Opt(IDL.Nat64) })],
    [{ canister_id: candid.toPrincipal(c), settings, sender_canister_version: [] }]);
  try {
    await mgmt(ic, 'update_settings', arg);
    return ic.committedState.canister(c)?.systemState.snapshotVisibility.kind === 'public';
  } catch {
    return false;
  }
}
