// Canister snapshots of a Motoko canister with enhanced orthogonal
// persistence: its state lives in the Wasm heap (a counter, a list of notes)
// and in stable memory (a Region).
//
// Test steps:
// 1. Install, write (5, "a"); take a snapshot. The snapshot shares the
//    canister's page maps (same heap and stable memory contents).
// 2. Write (9, "b"): heap and stable memory change.
// 3. Load the snapshot: the queried values are the ones of step 1, and the
//    execution state (heap and stable pages by their content hash, sizes,
//    globals, module) is exactly the one the snapshot was taken from.
// 4. Download the snapshot through read_canister_snapshot_metadata / _data
//    (module, heap and stable memory in slices of at most 1 MiB) and upload
//    it through upload_canister_snapshot_metadata / _data to a new snapshot
//    of a fresh, empty canister; load it there: same values, same execution
//    state as the snapshot.
// 5. The same steps on a second replica end in the same state hash.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { IDL } from '@dfinity/candid';
import { CanisterId, Replica } from '../../src/index.ts';
import { compileMotoko } from '../corpus/motoko.ts';
import { dec, enc, p } from './support.ts';

const KEEPER_MO = `
import Region "mo:core/Region";
import Nat64 "mo:core/Nat64";
import List "mo:core/List";

persistent actor Keeper {
  var counter : Nat = 0;
  let notes = List.empty<Text>();
  let region = Region.new();

  public func put(n : Nat, note : Text) : async () {
    counter := n;
    List.add(notes, note);
    if (Region.size(region) == 0) { ignore Region.grow(region, 1) };
    Region.storeNat64(region, 0, Nat64.fromNat(n * 3));
  };

  public query func get() : async (Nat, Nat64, [Text]) {
    let stored = if (Region.size(region) == 0) 0 : Nat64 else Region.loadNat64(region, 0);
    (counter, stored, List.toArray(notes))
  };
};
`;

const MGMT = CanisterId.fromText('aaaaa-aa');
const BLOB = IDL.Vec(IDL.Nat8);
const SLICE = 1n << 20n;
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const Globals = IDL.Vec(IDL.Variant({ i32: IDL.Int32, i64: IDL.Int64, f32: IDL.Float32, f64: IDL.Float64, v128: IDL.Nat }));
const HookStatus = IDL.Variant({ condition_not_satisfied: IDL.Null, ready: IDL.Null, executed: IDL.Null });
const Timer = IDL.Variant({ inactive: IDL.Null, active: IDL.Nat64 });
const Metadata = IDL.Record({
  source: IDL.Variant({ taken_from_canister: IDL.Reserved, metadata_upload: IDL.Reserved }), taken_at_timestamp: IDL.Nat64,
  wasm_module_size: IDL.Nat64, globals: Globals, wasm_memory_size: IDL.Nat64, stable_memory_size: IDL.Nat64,
  wasm_chunk_store: IDL.Vec(IDL.Record({ hash: BLOB })), canister_version: IDL.Nat64, certified_data: BLOB,
  global_timer: IDL.Opt(Timer), on_low_wasm_memory_hook_status: IDL.Opt(HookStatus),
});
const Slice = IDL.Record({ offset: IDL.Nat64, size: IDL.Nat64 });
const Offset = IDL.Record({ offset: IDL.Nat64 });
type Values = [bigint, bigint, string[]];

/** What loading must restore exactly: the execution state, compared by content. */
function fingerprint(ic: Replica, id: CanisterId): string {
  const es = ic.committedState.canister(id)?.executionState;
  assert.ok(es !== undefined);
  return JSON.stringify({
    module: es.compiled.hash, heap: hex(es.heap.contentHash()), heapPages: es.heapSizePages,
    stable: hex(es.stable.pages.contentHash()), stablePages: es.stable.sizePages, globals: es.globals.map(String),
  });
}

/** The same fingerprint of a snapshot. */
function snapshotFingerprint(ic: Replica, id: CanisterId): string {
  const [s] = ic.committedState.canister(id)?.snapshots.list() ?? [];
  assert.ok(s !== undefined && s.module.kind === 'installed');
  return JSON.stringify({
    module: s.module.compiled.hash, heap: hex(s.heap.pages.contentHash()), heapPages: s.heap.sizePages,
    stable: hex(s.stable.pages.contentHash()), stablePages: s.stable.sizePages, globals: s.globals.map((g) => String(g.value)),
  });
}

const call = (ic: Replica, method: string, types: IDL.Type[], values: unknown[]): Promise<Uint8Array> => ic.updateCall(MGMT, method, enc(types, values));
const get = async (ic: Replica, id: CanisterId): Promise<Values> => IDL.decode([IDL.Nat, IDL.Nat64, IDL.Vec(IDL.Text)], await ic.query(id, 'get', enc([], []))) as unknown as Values;
const put = (ic: Replica, id: CanisterId, n: bigint, note: string): Promise<Uint8Array> => ic.updateCall(id, 'put', enc([IDL.Nat, IDL.Text], [n, note]));

/** Reads `size` bytes of one kind of snapshot data in slices. */
async function download(ic: Replica, c: CanisterId, snapshot: Uint8Array, kind: string, size: bigint): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (let offset = 0n; offset < size; offset += SLICE) {
    const n = size - offset < SLICE ? size - offset : SLICE;
    const arg = [{ canister_id: p(c), snapshot_id: snapshot, kind: { [kind]: { offset, size: n } } }];
    const r = dec<{ chunk: Uint8Array }>(IDL.Record({ chunk: BLOB }), await call(ic, 'read_canister_snapshot_data', [IDL.Record({
      canister_id: IDL.Principal, snapshot_id: BLOB, kind: IDL.Variant({ wasm_module: Slice, wasm_memory: Slice, stable_memory: Slice, wasm_chunk: IDL.Record({ hash: BLOB }) }),
    })], arg));
    out.push(Uint8Array.from(r.chunk));
  }
  return out;
}

/** Writes slices of one kind to an uploaded snapshot (all-zero slices need no writing: it starts zeroed). */
async function upload(ic: Replica, c: CanisterId, snapshot: Uint8Array, kind: string, slices: Uint8Array[]): Promise<void> {
  let offset = 0n;
  for (const chunk of slices) {
    if (kind === 'wasm_module' || chunk.some((b) => b !== 0)) {
      await call(ic, 'upload_canister_snapshot_data', [IDL.Record({
        canister_id: IDL.Principal, snapshot_id: BLOB, kind: IDL.Variant({ wasm_module: Offset, wasm_memory: Offset, stable_memory: Offset, wasm_chunk: IDL.Null }), chunk: BLOB,
      })], [{ canister_id: p(c), snapshot_id: snapshot, kind: { [kind]: { offset } }, chunk }]);
    }
    offset += BigInt(chunk.length);
  }
}

/** Steps 1–4 of the module header on `ic`; returns what the test checks. */
async function scenario(ic: Replica, wasm: Uint8Array) {
  const a = await ic.createCanister();
  await ic.installCode(a, wasm);
  await put(ic, a, 5n, 'a');
  const before = await get(ic, a);
  const beforeState = fingerprint(ic, a);
  const taken = dec<{ id: Uint8Array }>(IDL.Record({ id: BLOB, taken_at_timestamp: IDL.Nat64, total_size: IDL.Nat64 }), await call(ic, 'take_canister_snapshot',
    [IDL.Record({ canister_id: IDL.Principal, replace_snapshot: IDL.Opt(BLOB), uninstall_code: IDL.Opt(IDL.Bool), sender_canister_version: IDL.Opt(IDL.Nat64) })],
    [{ canister_id: p(a), replace_snapshot: [], uninstall_code: [], sender_canister_version: [] }])).id;
  const snapshotState = snapshotFingerprint(ic, a);
  await put(ic, a, 9n, 'b');
  const changed = await get(ic, a);
  const changedState = fingerprint(ic, a);
  const load = (c: CanisterId, id: Uint8Array): Promise<Uint8Array> => call(ic, 'load_canister_snapshot',
    [IDL.Record({ canister_id: IDL.Principal, snapshot_id: BLOB, sender_canister_version: IDL.Opt(IDL.Nat64) })], [{ canister_id: p(c), snapshot_id: id, sender_canister_version: [] }]);
  await load(a, taken);
  const loaded = await get(ic, a);
  const loadedState = fingerprint(ic, a);

  const meta = dec<Record<string, unknown> & { wasm_module_size: bigint; wasm_memory_size: bigint; stable_memory_size: bigint }>(Metadata,
    await call(ic, 'read_canister_snapshot_metadata', [IDL.Record({ canister_id: IDL.Principal, snapshot_id: BLOB })], [{ canister_id: p(a), snapshot_id: taken }]));
  const module = await download(ic, a, taken, 'wasm_module', meta.wasm_module_size);
  const heap = await download(ic, a, taken, 'wasm_memory', meta.wasm_memory_size);
  const stable = await download(ic, a, taken, 'stable_memory', meta.stable_memory_size);
  const b = await ic.createCanister();
  const { source: _source, taken_at_timestamp: _at, wasm_chunk_store: _chunks, canister_version: _version, ...uploadable } = meta;
  const fresh = dec<{ snapshot_id: Uint8Array }>(IDL.Record({ snapshot_id: BLOB }), await call(ic, 'upload_canister_snapshot_metadata', [IDL.Record({
    canister_id: IDL.Principal, replace_snapshot: IDL.Opt(BLOB), wasm_module_size: IDL.Nat64, globals: Globals, wasm_memory_size: IDL.Nat64,
    stable_memory_size: IDL.Nat64, certified_data: BLOB, global_timer: IDL.Opt(Timer), on_low_wasm_memory_hook_status: IDL.Opt(HookStatus),
  })], [{ ...uploadable, canister_id: p(b), replace_snapshot: [] }])).snapshot_id;
  await upload(ic, b, fresh, 'wasm_module', module);
  await upload(ic, b, fresh, 'wasm_memory', heap);
  await upload(ic, b, fresh, 'stable_memory', stable);
  await load(b, fresh);
  return {
    a, b, before, beforeState, snapshotState, changed, changedState, loaded, loadedState, meta,
    uploaded: await get(ic, b), uploadedState: fingerprint(ic, b), hash: hex(ic.stateHash()),
  };
}

describe('canister snapshots of a Motoko canister (enhanced orthogonal persistence)', () => {
  let ics: Replica[];
  let runs: Awaited<ReturnType<typeof scenario>>[];
  before(async () => {
    const wasm = await compileMotoko(KEEPER_MO);
    ics = [await Replica.create(), await Replica.create()];
    runs = [];
    for (const ic of ics) runs.push(await scenario(ic, wasm));
  });
  after(async () => { await Promise.all(ics.map((ic) => ic.close())); });

  it('the snapshot holds the canister state as it was (pages shared, same contents)', () => {
    const r = runs[0];
    assert.deepEqual(r.before, [5n, 15n, ['a']]);
    assert.equal(r.snapshotState, r.beforeState);
    assert.ok(r.meta.stable_memory_size > 0n, 'the Region is in stable memory');
  });

  it('changing heap and stable memory after the snapshot, then loading it, restores them exactly', () => {
    const r = runs[0];
    assert.deepEqual(r.changed, [9n, 27n, ['a', 'b']]);
    const was = JSON.parse(r.beforeState) as Record<string, unknown>;
    const changed = JSON.parse(r.changedState) as Record<string, unknown>;
    assert.notEqual(changed.heap, was.heap, 'the heap changed');
    assert.notEqual(changed.stable, was.stable, 'stable memory changed');
    assert.deepEqual(r.loaded, r.before);
    assert.equal(r.loadedState, r.beforeState);
  });

  it('downloaded through read_* and uploaded through upload_* to a fresh canister, the snapshot loads the same state', () => {
    const r = runs[0];
    assert.deepEqual(r.uploaded, r.before);
    assert.equal(r.uploadedState, r.beforeState);
  });

  it('is deterministic: the same steps on another replica give the same state hash', () => {
    assert.equal(runs[1].hash, runs[0].hash);
  });
});
