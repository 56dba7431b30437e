// read_/upload_canister_snapshot_metadata and _data on a whole replica with
// the WAT counter: the metadata of a taken snapshot, reading it back piece by
// piece, uploading it as a new snapshot and loading that, the chunk store,
// and every reject with its code and text.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '../errors/index.ts';
import { CanisterId, PrincipalId } from '../types/index.ts';
import { watFile } from '../../test/corpus/wat.ts';
import { sha256 } from '../crypto/index.ts';
import type { UploadMetadataArgsValue } from './snapshot-candid.ts';
import { Replica, args, assertProxyReject, hex, localId, mgmt, p, proxyCanister, rejects, replies, u64, viaProxy } from './snapshot-test-support.ts';

const NONE = new Uint8Array(0);
const USER = PrincipalId.anonymous();
const slice = (offset: bigint, size: bigint): { offset: bigint; size: bigint } => ({ offset, size });

/** Metadata to upload, every field from `overrides` or a small valid default. */
function metadata(c: CanisterId, overrides: Partial<UploadMetadataArgsValue> = {}): UploadMetadataArgsValue {
  return {
    canister_id: p(c), replace_snapshot: [], wasm_module_size: 10n, globals: [], wasm_memory_size: 65_536n, stable_memory_size: 0n,
    certified_data: new Uint8Array(0), global_timer: [], on_low_wasm_memory_hook_status: [], ...overrides,
  };
}

describe('reading and uploading canister snapshots', () => {
  let ic: Replica;
  let counter: CanisterId;
  let proxy: CanisterId;
  let wasm: Uint8Array;
  let taken: Uint8Array;

  before(async () => {
    ic = await Replica.create();
    wasm = await watFile('counter');
    proxy = await proxyCanister(ic);
    counter = await ic.createCanister({ controllers: [USER, proxy] });
    await ic.installCode(counter, wasm);
    await ic.updateCall(counter, 'set', new Uint8Array(new BigUint64Array([41n]).buffer));
    taken = replies.take(await mgmt(ic, 'take_canister_snapshot', args.take(counter))).id;
  });
  after(async () => { await ic.close(); });

  it('read_canister_snapshot_metadata: source, sizes, globals, version, data, timer and hook of a taken snapshot', async () => {
    const m = replies.readMetadata(await mgmt(ic, 'read_canister_snapshot_metadata', args.readMetadata(counter, taken)));
    const s = ic.committedState.canister(counter)?.snapshots.get(taken);
    assert.deepEqual(m, {
      source: { taken_from_canister: null }, taken_at_timestamp: s?.takenAtTimestamp, wasm_module_size: BigInt(wasm.length),
      globals: [{ i64: 41n }], wasm_memory_size: 65_536n, stable_memory_size: 0n, wasm_chunk_store: [], canister_version: s?.canisterVersion,
      certified_data: new Uint8Array(0), global_timer: [{ inactive: null }], on_low_wasm_memory_hook_status: [{ condition_not_satisfied: null }],
    });
  });

  it('read_canister_snapshot_data: the module and memory, slice by slice; bounds and sizes checked', async () => {
    const read = async (kind: Parameters<typeof args.readData>[2]): Promise<Uint8Array> =>
      replies.readData(await mgmt(ic, 'read_canister_snapshot_data', args.readData(counter, taken, kind)));
    const half = BigInt(wasm.length >> 1);
    const module = new Uint8Array([...await read({ wasm_module: slice(0n, half) }), ...await read({ wasm_module: slice(half, BigInt(wasm.length) - half) })]);
    assert.equal(hex(module), hex(wasm));
    const heap = await read({ wasm_memory: slice(0n, 65_536n) });
    assert.equal(heap.length, 65_536);
    const balance = ic.cycleBalance(counter);
    await rejects(mgmt(ic, 'read_canister_snapshot_data', args.readData(counter, taken, { wasm_module: slice(1n, BigInt(wasm.length)) })),
      ErrorCode.InvalidManagementPayload, `Invalid subslice into wasm module / main memory / stable memory: offset: 1, size: ${wasm.length}`);
    assert.ok(ic.cycleBalance(counter) < balance, 'the read is paid for even when the slice is out of bounds');
    await rejects(mgmt(ic, 'read_canister_snapshot_data', args.readData(counter, taken, { stable_memory: slice(0n, 1n) })),
      ErrorCode.InvalidManagementPayload, 'Invalid subslice into wasm module / main memory / stable memory: offset: 0, size: 1');
    await rejects(mgmt(ic, 'read_canister_snapshot_data', args.readData(counter, taken, { wasm_memory: slice(0n, 2_000_001n) })),
      ErrorCode.InvalidManagementPayload, 'Requested slice too large: 2000001 > 2000000');
    const hash = new Uint8Array(32).fill(0xab);
    await rejects(mgmt(ic, 'read_canister_snapshot_data', args.readData(counter, taken, { wasm_chunk: { hash } })), ErrorCode.CanisterContractViolation,
      `Error from Wasm chunk store: WasmChunkHash [${Array(32).fill('ab').join(', ')}] not found..\n`
      + 'Use the `stored_chunks` API to check which hashes are present or top up the canister if it is low on cycles. See documentation: https://docs.internetcomputer.org/references/execution-errors#wasm-chunk-store-error');
  });

  it('download → upload → load: a snapshot read through read_* and written through upload_* loads the same state', async () => {
    const m = replies.readMetadata(await mgmt(ic, 'read_canister_snapshot_metadata', args.readMetadata(counter, taken))) as unknown as UploadMetadataArgsValue;
    const fresh = await ic.createCanister();
    const id = replies.uploadMetadata(await mgmt(ic, 'upload_canister_snapshot_metadata', args.uploadMetadata({
      ...m, canister_id: p(fresh), replace_snapshot: [],
    })));
    assert.equal(hex(id), hex(localId(fresh, 0n)));
    const module = replies.readData(await mgmt(ic, 'read_canister_snapshot_data', args.readData(counter, taken, { wasm_module: slice(0n, BigInt(wasm.length)) })));
    const cut = module.length >> 1;
    await mgmt(ic, 'upload_canister_snapshot_data', args.uploadData(fresh, id, { wasm_module: { offset: 0n } }, module.subarray(0, cut)));
    await mgmt(ic, 'upload_canister_snapshot_data', args.uploadData(fresh, id, { wasm_module: { offset: BigInt(cut) } }, module.subarray(cut)));
    const heap = replies.readData(await mgmt(ic, 'read_canister_snapshot_data', args.readData(counter, taken, { wasm_memory: slice(0n, 65_536n) })));
    await mgmt(ic, 'upload_canister_snapshot_data', args.uploadData(fresh, id, { wasm_memory: { offset: 0n } }, heap));
    const meta = replies.readMetadata(await mgmt(ic, 'read_canister_snapshot_metadata', args.readMetadata(fresh, id)));
    assert.deepEqual(meta.source, { metadata_upload: null });
    await mgmt(ic, 'load_canister_snapshot', args.load(fresh, id));
    assert.equal(u64(await ic.query(fresh, 'get', NONE)), 41n);
    const a = ic.committedState.canister(counter)?.snapshots.get(taken);
    const b = ic.committedState.canister(fresh)?.executionState;
    assert.equal(hex(b?.heap.contentHash() ?? NONE), hex(a?.heap.pages.contentHash() ?? NONE));
    assert.equal(b?.compiled.hash, a?.module.kind === 'installed' ? a.module.compiled.hash : '');
    assert.equal(ic.committedState.canister(fresh)?.systemState.canisterHistory.changes.at(-1)?.details.kind, 'loadSnapshot');
  });

  it('upload_canister_snapshot_metadata: invalid metadata IC0408, at most 10 snapshots', async () => {
    const c = await ic.createCanister();
    const bad: [Partial<UploadMetadataArgsValue>, string][] = [
      [{ wasm_module_size: 0n }, 'WasmModuleEmpty'], [{ wasm_module_size: 100n * 1024n * 1024n + 1n }, 'WasmModuleTooLarge'],
      [{ wasm_memory_size: 1n }, 'WasmMemoryNotPageAligned'], [{ wasm_memory_size: 4n * 2n ** 30n + 65_536n }, 'WasmMemoryTooLarge'],
      [{ stable_memory_size: 7n }, 'StableMemoryNotPageAligned'], [{ certified_data: new Uint8Array(33) }, 'CertifiedDataTooLarge'],
    ];
    for (const [o, name] of bad) {
      await rejects(mgmt(ic, 'upload_canister_snapshot_metadata', args.uploadMetadata(metadata(c, o))), ErrorCode.InvalidManagementPayload,
        `Snapshot Metadata contains invalid data: ${name}`);
    }
    for (let i = 0; i < 10; i++) await mgmt(ic, 'upload_canister_snapshot_metadata', args.uploadMetadata(metadata(c)));
    await rejects(mgmt(ic, 'upload_canister_snapshot_metadata', args.uploadMetadata(metadata(c))), ErrorCode.CanisterRejectedMessage,
      `Canister ${c.toText()} has reached the maximum number of snapshots allowed: 10.\n`
      + 'Consider deleting an unnecessary snapshot of the specified canister before creating a new one. See documentation: canister-snapshot-limit-exceeded');
    const r = replies.uploadMetadata(await mgmt(ic, 'upload_canister_snapshot_metadata', args.uploadMetadata(metadata(c, { replace_snapshot: [localId(c, 0n)] }))));
    assert.equal(hex(r), hex(localId(c, 10n)));
  });

  it('upload_canister_snapshot_data: a taken snapshot is immutable (IC0409); out-of-bounds slices IC0408; a chunk joins the chunk store', async () => {
    await rejects(mgmt(ic, 'upload_canister_snapshot_data', args.uploadData(counter, taken, { wasm_memory: { offset: 0n } }, Uint8Array.of(1))),
      ErrorCode.CanisterSnapshotImmutable, 'Only canister snapshots created by metadata upload can be mutated.');
    const c = await ic.createCanister();
    const id = replies.uploadMetadata(await mgmt(ic, 'upload_canister_snapshot_metadata', args.uploadMetadata(metadata(c))));
    await rejects(mgmt(ic, 'upload_canister_snapshot_data', args.uploadData(c, id, { wasm_module: { offset: 5n } }, new Uint8Array(6))),
      ErrorCode.InvalidManagementPayload, 'Invalid subslice into wasm module / main memory / stable memory: offset: 5, size: 6');
    await rejects(mgmt(ic, 'upload_canister_snapshot_data', args.uploadData(c, id, { stable_memory: { offset: 0n } }, new Uint8Array(1))),
      ErrorCode.InvalidManagementPayload, 'Invalid subslice into wasm module / main memory / stable memory: offset: 0, size: 1');
    const chunk = Uint8Array.of(1, 2, 3);
    const before = ic.committedState.canister(c)?.memoryUsage() ?? 0n;
    await mgmt(ic, 'upload_canister_snapshot_data', args.uploadData(c, id, { wasm_chunk: null }, chunk));
    assert.equal((ic.committedState.canister(c)?.memoryUsage() ?? 0n) - before, 1024n * 1024n, 'a chunk counts 1 MiB');
    const m = replies.readMetadata(await mgmt(ic, 'read_canister_snapshot_metadata', args.readMetadata(c, id)));
    assert.deepEqual(m.wasm_chunk_store, [{ hash: sha256(chunk) }]);
    const back = replies.readData(await mgmt(ic, 'read_canister_snapshot_data', args.readData(c, id, { wasm_chunk: { hash: sha256(chunk) } })));
    assert.deepEqual(back, chunk);
  });

  it('load of an uploaded snapshot: globals must match the module (IC0408), the hook status the memory (IC0408)', async () => {
    const c = await ic.createCanister();
    const upload = async (o: Partial<UploadMetadataArgsValue>): Promise<Uint8Array> => {
      const id = replies.uploadMetadata(await mgmt(ic, 'upload_canister_snapshot_metadata', args.uploadMetadata(metadata(c, { wasm_module_size: BigInt(wasm.length), ...o }))));
      await mgmt(ic, 'upload_canister_snapshot_data', args.uploadData(c, id, { wasm_module: { offset: 0n } }, wasm));
      return id;
    };
    const wrongGlobals = await upload({ globals: [{ i32: 1 }] });
    await rejects(mgmt(ic, 'load_canister_snapshot', args.load(c, wrongGlobals)), ErrorCode.InvalidManagementPayload,
      'Wasm exported globals of canister module and snapshot metadata do not match.');
    const wrongHook = await upload({ globals: [{ i64: 5n }], on_low_wasm_memory_hook_status: [{ ready: null }] });
    await rejects(mgmt(ic, 'load_canister_snapshot', args.load(c, wrongHook)), ErrorCode.InvalidManagementPayload,
      "Hook status (Some(Ready)) of uploaded snapshot is inconsistent with the canister's state (hook condition satisfied: false).");
    assert.equal(ic.committedState.canister(c)?.executionState, undefined, 'a failed load changes nothing');
    const good = await upload({ globals: [{ i64: 5n }], global_timer: [{ active: 123n }] });
    await mgmt(ic, 'load_canister_snapshot', args.load(c, good));
    assert.equal(u64(await ic.query(c, 'get', NONE)), 5n);
    assert.equal(ic.committedState.canister(c)?.systemState.globalTimer, 123n, 'the timer of an uploaded snapshot is restored');
  });

  it('missing canister IC0301, missing snapshot IC0305, not a controller IC0512, malformed Candid IC0408', async () => {
    const missing = CanisterId.fromU64(0xabcdn);
    const other = await ic.createCanister();
    const calls = (c: CanisterId): [string, Uint8Array][] => [
      ['read_canister_snapshot_metadata', args.readMetadata(c, localId(c, 7n))],
      ['read_canister_snapshot_data', args.readData(c, localId(c, 7n), { wasm_module: slice(0n, 1n) })],
      ['upload_canister_snapshot_metadata', args.uploadMetadata(metadata(c))],
      ['upload_canister_snapshot_data', args.uploadData(c, localId(c, 7n), { wasm_module: { offset: 0n } }, Uint8Array.of(1))],
    ];
    const help = 'Execute this call from a controller of the target canister or add the current caller as a controller. See documentation: https://docs.internetcomputer.org/references/execution-errors#invalid-controller';
    for (const [method, arg] of calls(missing)) assertProxyReject(await viaProxy(ic, proxy, method, arg), ErrorCode.CanisterNotFound, `Canister ${missing.toText()} not found.`);
    for (const [method, arg] of calls(other)) {
      assertProxyReject(await viaProxy(ic, proxy, method, arg), ErrorCode.CanisterInvalidController,
        `Only the controllers of the canister ${other.toText()} can control it.\nCanister's controllers: ${USER.toText()}\nSender's ID: ${proxy.toText()}\n${help}`);
    }
    for (const [method, arg] of calls(counter).filter(([m]) => m !== 'upload_canister_snapshot_metadata')) {
      assertProxyReject(await viaProxy(ic, proxy, method, arg), ErrorCode.CanisterSnapshotNotFound,
        `Could not find the snapshot ID ${counter.toText()}-7 for canister ${counter.toText()}.\n`
        + 'Use the `list_canister_snapshot` API to see which snapshots are present. See documentation: https://docs.internetcomputer.org/references/execution-errors#canister-snapshot-not-found');
    }
    for (const [method] of calls(counter)) {
      const a = await viaProxy(ic, proxy, method, Uint8Array.of(0x44, 0x49, 0x44, 0x4c, 0, 0));
      assert.ok(a.kind === 'reject' && a.code === 4 && a.message.startsWith('Error decoding candid: '), `${method}: ${a.kind}`);
    }
  });
});
