// The state manager on disk (LMDB): checkpoint time against the number of
// pages changed since the previous checkpoint, at two memory sizes (it must
// follow the dirty pages, not the memory), and restart time with 1,000
// canisters.
//
// A checkpoint here is everything a durable replica does at a checkpoint
// height: encode (new pages and tree nodes only), full state hash, one LMDB
// commit synced to disk, removal of the checkpoint before the kept two
// (reference counts, freed pages), and eviction of the written pages.
//
// value = ms of a checkpoint with 256 dirty pages in a 512 MiB stable memory;
// baseline = ms of the first (full) checkpoint of that memory, same run.
//
// At a fixed number of dirty pages a larger memory costs somewhat more: more
// tree nodes above the changed pages (the pages spread over more subtrees),
// and LMDB's B-trees are deeper (objects are keyed by hash, so new ones land
// in random leaves). Garbage is swept separately (sweep.ts; its time is in
// the details: proportional to the live objects, once per as many new ones).
// Restart: `StateManager.recover` of a subnet of 1,000 canisters (verify the
// checkpoint — every object with `full`, tree nodes and page presence with
// `presence` — decode, compare the state hash), and `Replica.create` on a
// data directory holding 1,000 installed canisters (the whole start).
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Replica } from '../src/index.ts';
import { EMPTY_CANDID, encodeInstallCodeArgs, encodeProvisionalCreateArgs } from '../src/replica/index.ts';
import { LmdbStore, STATE_CODEC, StateManager } from '../src/state-manager/index.ts';
import {
  CanisterState, PageMap, SystemState, evictPages, newExecutionState, newSchedulerState,
} from '../src/state/index.ts';
import type { ExecutionState, ReplicatedState } from '../src/state/index.ts';
import { compiled, compiler, distinctPage, emptySubnet } from '../src/state/checkpoint/test-support.ts';
import { CanisterId, MANAGEMENT_CANISTER_ID, height } from '../src/types/index.ts';
import { counterWasm } from '../test/state-manager/counter.ts';
import { median } from './lib.ts';
import type { BenchReport } from './lib.ts';

const MIB_PAGES = 256;
const SIZES_MIB = [32, 128, 512];
const DIRTY = [0, 16, 256, 4096];
const SAMPLES = 7;
const CANISTERS = 1000;
const dirs: string[] = [];

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'ic-exec-bench-sm-'));
  dirs.push(d);
  return d;
}

function openStore(dir: string): LmdbStore {
  const s = LmdbStore.open(dir);
  if (!(s instanceof LmdbStore)) throw new Error(s.message);
  return s;
}

const subnet = emptySubnet;
const page = distinctPage;

function canister(id: CanisterId, stablePages: number, heapPages: number): CanisterState {
  const stable = PageMap.fromPages(Array.from({ length: stablePages }, (_, index) => ({ index, bytes: page() })));
  const heap = PageMap.fromPages(Array.from({ length: heapPages }, (_, index) => ({ index, bytes: page() })));
  const es = { ...newExecutionState(compiled(0), { initialHeapPages: 1, initialGlobals: [] }), heap, stable: { sizePages: Math.ceil(stablePages / 16), pages: stable } };
  return new CanisterState(new SystemState({ canisterId: id, controllers: [], cycles: 1n }), es, newSchedulerState(0n));
}

async function checkpoint(m: StateManager, state: ReplicatedState, h: bigint): Promise<{ ms: number; objects: number; bytes: number }> {
  state.metadata.height = height(h);
  const t0 = performance.now();
  const r = await m.checkpoint(state);
  if (!r.ok) throw new Error(r.failure.message);
  evictPages(state, m.objects);
  return { ms: performance.now() - t0, objects: r.value.newObjects, bytes: r.value.newObjectBytes };
}

interface Subject { readonly mib: number; readonly total: number; readonly store: LmdbStore; readonly m: StateManager; readonly state: ReplicatedState; h: bigint }

// The memory sizes are measured interleaved (one checkpoint of each in turn), so that drift in
// machine load hits them alike.
async function dirtyPages(): Promise<{ rows: Record<string, unknown>[]; value: number; baseline: number; at: Record<number, number> }> {
  const id = CanisterId.fromU64(1n);
  const subjects: Subject[] = [];
  const rows = new Map<number, Record<string, unknown>>();
  for (const mib of SIZES_MIB) {
    const total = mib * MIB_PAGES;
    const store = openStore(tempDir());
    const state = subnet();
    state.putCanister(canister(id, total, 1));
    const subject: Subject = { mib, total, store, m: new StateManager({ store, codec: STATE_CODEC }), state, h: 1n };
    const first = await checkpoint(subject.m, state, subject.h++);
    rows.set(mib, { memoryMiB: mib, pages: total, msFirstCheckpoint: first.ms, objectsFirstCheckpoint: first.objects });
    subjects.push(subject);
  }
  const at: Record<number, number> = {};
  for (const k of DIRTY) {
    const times = new Map<number, number[]>(SIZES_MIB.map((mib) => [mib, []]));
    for (let s = 0; s < SAMPLES; s++) {
      for (const x of subjects) {
        const c = x.state.canisterMut(id) as CanisterState;
        const es = c.executionState as ExecutionState;
        const delta = Array.from({ length: k }, (_, i) => ({ index: (i * 7919 + s * 104_729) % x.total, bytes: page() }));
        c.executionState = { ...es, stable: { ...es.stable, pages: es.stable.pages.withPages(delta) } };
        const r = await checkpoint(x.m, x.state, x.h++);
        (times.get(x.mib) as number[]).push(r.ms);
        (rows.get(x.mib) as Record<string, unknown>)[`objectsWrittenDirty${k}`] = r.objects;
      }
    }
    for (const mib of SIZES_MIB) {
      const t = median(times.get(mib) as number[]);
      (rows.get(mib) as Record<string, unknown>)[`msDirty${k}`] = t;
      if (k === 256) at[mib] = t;
    }
  }
  for (const x of subjects) {
    const row = rows.get(x.mib) as Record<string, unknown>;
    row.storeObjectsBeforeSweep = x.store.stats().objects;
    const t0 = performance.now();
    const swept = await x.m.collectGarbage();
    if (!swept.ok) throw new Error('sweep failed');
    row.msSweep = performance.now() - t0;
    row.sweptLive = swept.live;
    row.sweptDeleted = swept.deleted;
    row.storeCheckpointsAfter = x.store.stats().checkpoints;
    await x.store.close();
  }
  const last = rows.get(SIZES_MIB[SIZES_MIB.length - 1]) as Record<string, unknown>;
  return { rows: [...rows.values()], value: last.msDirty256 as number, baseline: last.msFirstCheckpoint as number, at };
}

async function restartSynthetic(): Promise<Record<string, unknown>> {
  const dir = tempDir();
  const store = openStore(dir);
  const state = subnet();
  for (let i = 0; i < CANISTERS; i++) state.putCanister(canister(CanisterId.fromU64(BigInt(i + 1)), 2, 4));
  state.metadata.height = height(1n);
  const w = await new StateManager({ store, codec: STATE_CODEC }).checkpoint(state);
  if (!w.ok) throw new Error(w.failure.message);
  await store.close();
  const out: Record<string, unknown> = { canisters: CANISTERS, pagesPerCanister: 6, manifestBytes: w.value.manifestBytes };
  for (const verify of ['full', 'presence'] as const) {
    const times: number[] = [];
    for (let s = 0; s < 3; s++) {
      const t0 = performance.now();
      const again = openStore(dir);
      const r = await new StateManager({ store: again, codec: STATE_CODEC, verify }).recover(compiler);
      if (!r.ok || r.recovery.state?.canisterCount !== CANISTERS) throw new Error('recovery failed');
      times.push(performance.now() - t0);
      await again.close();
    }
    out[`msRecover_${verify}`] = median(times);
  }
  return out;
}

async function restartReplica(): Promise<Record<string, unknown>> {
  const dataDir = tempDir();
  const wasm = await counterWasm();
  const ic = await Replica.create({ dataDir });
  const t0 = performance.now();
  const create = encodeProvisionalCreateArgs({ settings: {} });
  for (let i = 0; i < CANISTERS; i++) await ic.submitCall(MANAGEMENT_CANISTER_ID, 'provisional_create_canister_with_cycles', create);
  while (ic.committedState.canisterCount < CANISTERS) await ic.tick();
  const ids = ic.committedState.canisters().map((c) => c.canisterId);
  const installs: Uint8Array[] = [];
  for (const id of ids) {
    installs.push(await ic.submitCall(MANAGEMENT_CANISTER_ID, 'install_code', encodeInstallCodeArgs({ mode: 'install', canisterId: id, wasmModule: wasm, arg: EMPTY_CANDID })));
  }
  for (const mid of installs) await ic.awaitCall(mid);
  const built = performance.now() - t0;
  await ic.close();
  const times: number[] = [];
  for (let s = 0; s < 3; s++) {
    const t1 = performance.now();
    const again = await Replica.create({ dataDir });
    times.push(performance.now() - t1);
    if (again.committedState.canisterCount !== CANISTERS) throw new Error('restart lost canisters');
    await again.close();
  }
  return { canisters: CANISTERS, module: 'the crash tests\' counter (WAT)', msBuild: built, msReplicaCreate: median(times) };
}

export async function run(): Promise<BenchReport> {
  try {
    const d = await dirtyPages();
    const synthetic = await restartSynthetic();
    const replica = await restartReplica();
    const [small, large] = [SIZES_MIB[0], SIZES_MIB[SIZES_MIB.length - 1]].map((m) => (d.rows.find((r) => r.memoryMiB === m) as Record<string, number>).msDirty0);
    return {
      name: 'state-manager', unit: 'ms per checkpoint', value: d.value, baseline: d.baseline, ratio: d.value / d.baseline,
      target: {
        description: `checkpoint time follows dirty pages, not memory: 256 dirty pages of ${SIZES_MIB[SIZES_MIB.length - 1]} MiB cost ≤ 5% of a full checkpoint, and no dirty page costs the same (≤ 2×) at ${SIZES_MIB[0]} and ${SIZES_MIB[SIZES_MIB.length - 1]} MiB`,
        met: d.value <= 0.05 * d.baseline && large <= 2 * small,
      },
      details: {
        workload: 'one canister with a stable memory of 32, 128 or 512 MiB (distinct pages); k pages changed between checkpoints; LMDB on disk, synced; pages evicted after each checkpoint; the two sizes measured interleaved',
        checkpointIs: 'encode + full state hash + one LMDB commit (synced: new objects, manifest, removal of the checkpoint before the kept two) + eviction; a sweep runs when garbage exceeds the live objects (msSweep: one forced at the end)',
        baselineIs: `the first (full) checkpoint of the ${SIZES_MIB[1]} MiB memory, same run`,
        loadAverageAtEnd: loadavg().map((x) => Number(x.toFixed(2))),
        byMemorySize: d.rows,
        restartSynthetic: synthetic,
        restartReplica: replica,
      },
    };
  } finally {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}
