/**
 * Canister snapshots (the replica's `canister_state/canister_snapshots.rs`):
 * what `take_canister_snapshot` and `upload_canister_snapshot_metadata` keep
 * of a canister, and the per-canister collection of them.
 *
 *     snapshot id   = u64 BE local id (8 bytes) ‖ canister id bytes   (`SnapshotId`, ≤ 37 bytes)
 *                     local ids come from `SystemState.nextSnapshotId`; shown as `<canister>-<local>`
 *     snapshot      = module, heap and stable memory (page maps + size in Wasm pages), globals,
 *                     certified data, chunk store, timer, hook status, taken-at time, version, source
 *     size          = module bytes + heap + stable (whole Wasm pages) + 32 per global
 *                     + chunk store + certified data                  (`snapshot_size_bytes`)
 *
 * Snapshots are immutable: the page maps are the canister's own at the
 * time (O(1), pages shared until the canister writes), the module is the
 * installed bytes, the chunk store a copy of its map. A change (an upload
 * into an uploaded snapshot) makes a new snapshot value. The collection,
 * `CanisterSnapshots`, is immutable too, so a `CanisterState` copy shares it.
 * Snapshots are listed in id byte order (the replica's `BTreeMap`), which is
 * local-id order for one canister.
 *
 * The module of a taken snapshot is the installed Wasm (its compiled form is
 * kept, so loading it back needs no compilation here); an uploaded one is a
 * page map the `upload_canister_snapshot_data` calls fill, compiled on load.
 */
import { CanisterId, WASM_PAGE_SIZE_BYTES } from '../types/index.ts';
import type { CompiledModule } from '../wasm/index.ts';
import { InternalBug } from '../errors/index.ts';
import type { CanisterState } from './canister-state.ts';
import { PAGE_BYTES } from './page-map.ts';
import type { PageDelta, PageMap } from './page-map.ts';
import type { OnLowWasmMemoryHookStatus } from './task-queue.ts';
import { hexOf } from './text.ts';
import type { WasmChunkStore } from './wasm-chunk-store.ts';

/** Bytes of the local id in a snapshot id. `LOCAL_ID_LENGTH_IN_BYTES`. */
export const SNAPSHOT_LOCAL_ID_BYTES = 8;
/** Longest snapshot id: 8 + 29 bytes. `SnapshotId::MAX_LENGTH_IN_BYTES`. */
export const SNAPSHOT_ID_MAX_BYTES = 37;
/** What one global counts for in a snapshot's size (the replica's `size_of::<Global>()`). Bytes. */
export const SNAPSHOT_GLOBAL_BYTES = 32n;

/** A parsed snapshot id. */
export interface SnapshotId {
  readonly canisterId: CanisterId;
  readonly localId: bigint;
  /** The id's bytes (what Candid carries). */
  readonly bytes: Uint8Array;
}

/** The snapshot id of `canisterId`'s `localId`-th snapshot. */
export function snapshotId(canisterId: CanisterId, localId: bigint): SnapshotId {
  const bytes = new Uint8Array(SNAPSHOT_LOCAL_ID_BYTES + canisterId.byteLength);
  new DataView(bytes.buffer).setBigUint64(0, localId, false);
  bytes.set(canisterId.bytesView(), SNAPSHOT_LOCAL_ID_BYTES);
  return { canisterId, localId, bytes };
}

/** Parses snapshot id bytes, or the replica's `SnapshotIdError` text. */
export function parseSnapshotId(bytes: Uint8Array): SnapshotId | string {
  if (bytes.length < SNAPSHOT_LOCAL_ID_BYTES) {
    return `Invalid length of SnapshotId: Invalid snapshot ID length: provided ${bytes.length}, minumum length expected ${SNAPSHOT_ID_MAX_BYTES}. test a change`;
  }
  if (bytes.length > SNAPSHOT_ID_MAX_BYTES) {
    return `Invalid length of SnapshotId: Invalid snapshot ID length: provided ${bytes.length}, maximum length expected ${SNAPSHOT_ID_MAX_BYTES}. test a change`;
  }
  const localId = new DataView(bytes.buffer, bytes.byteOffset, SNAPSHOT_LOCAL_ID_BYTES).getBigUint64(0, false);
  return snapshotId(CanisterId.fromUint8Array(bytes.subarray(SNAPSHOT_LOCAL_ID_BYTES)), localId);
}

/** The replica's `Display` of a snapshot id: `<canister id>-<local id>`. */
export function snapshotIdText(id: SnapshotId): string {
  return `${id.canisterId.toText()}-${id.localId}`;
}

/** How a snapshot came about (`SnapshotSource`). */
export type SnapshotSource = 'takenFromCanister' | 'metadataUpload';

/** A global's value with its Wasm type (`Global`). */
export type SnapshotGlobal =
  | { readonly kind: 'i32' | 'f32' | 'f64'; readonly value: number }
  | { readonly kind: 'i64' | 'v128'; readonly value: bigint };

/** A memory of a snapshot: its size in Wasm pages and its 4 KiB pages (`PageMemory`). */
export interface SnapshotMemory {
  readonly sizePages: number;
  readonly pages: PageMap;
}

/** A snapshot's module: the installed one, or one being uploaded (zeros until written). */
export type SnapshotModule =
  | { readonly kind: 'installed'; readonly compiled: CompiledModule; readonly bytes: Uint8Array }
  | { readonly kind: 'uploaded'; readonly size: number; readonly pages: PageMap };

/** One canister snapshot (`CanisterSnapshot`); immutable. */
export interface CanisterSnapshot {
  readonly id: SnapshotId;
  readonly source: SnapshotSource;
  /** Batch time when it was taken or its metadata uploaded, nanoseconds. */
  readonly takenAtTimestamp: bigint;
  /** The canister's version at that time. */
  readonly canisterVersion: bigint;
  readonly module: SnapshotModule;
  readonly globals: readonly SnapshotGlobal[];
  readonly heap: SnapshotMemory;
  readonly stable: SnapshotMemory;
  readonly certifiedData: Uint8Array;
  /** A copy of the chunk store; never changed in place. */
  readonly chunkStore: WasmChunkStore;
  /** 0 = inactive, else the deadline in nanoseconds; `undefined` = not recorded (an upload without it). */
  readonly globalTimer: bigint | undefined;
  readonly onLowWasmMemoryHookStatus: OnLowWasmMemoryHookStatus | undefined;
  /** Memory the snapshot takes (see the module header). Bytes. */
  readonly size: bigint;
}

/** Bytes of a snapshot's module. */
export function snapshotModuleSize(m: SnapshotModule): number {
  return m.kind === 'installed' ? m.bytes.length : m.size;
}

/** A snapshot's module bytes (an uploaded module assembled from its pages). */
export function snapshotModuleBytes(m: SnapshotModule): Uint8Array {
  if (m.kind === 'installed') return m.bytes;
  const out = new Uint8Array(Math.ceil(m.size / PAGE_BYTES) * PAGE_BYTES);
  m.pages.copyInto(out);
  return out.subarray(0, m.size);
}

/** Bytes of a memory of `sizePages` Wasm pages. */
export function memoryBytes(sizePages: number): bigint {
  return BigInt(sizePages) * WASM_PAGE_SIZE_BYTES;
}

/** The size of a snapshot of these parts (see the module header). Bytes. */
export function snapshotSize(
  moduleBytes: number, heapPages: number, stablePages: number, globals: number, chunkStoreBytes: bigint, certifiedDataBytes: number,
): bigint {
  return BigInt(moduleBytes) + memoryBytes(heapPages) + memoryBytes(stablePages) + BigInt(globals) * SNAPSHOT_GLOBAL_BYTES
    + chunkStoreBytes + BigInt(certifiedDataBytes);
}

/** The snapshots of one canister, by id (see the module header). */
export class CanisterSnapshots {
  static readonly EMPTY: CanisterSnapshots = new CanisterSnapshots(new Map());
  /** Hex id → snapshot, in id byte order. */
  readonly #byId: ReadonlyMap<string, CanisterSnapshot>;
  readonly #memoryUsage: bigint;

  private constructor(byId: ReadonlyMap<string, CanisterSnapshot>) {
    this.#byId = byId;
    let total = 0n;
    for (const s of byId.values()) total += s.size;
    this.#memoryUsage = total;
  }

  /** The snapshots as a checkpoint keeps them (src/state/checkpoint), in id order. */
  toCheckpoint(): { readonly snapshots: readonly CanisterSnapshot[] } {
    return { snapshots: [...this.#byId.values()] };
  }

  /** The collection a checkpoint kept (memory use follows from the snapshots). */
  static fromCheckpoint(c: { readonly snapshots: readonly CanisterSnapshot[] }): CanisterSnapshots {
    if (c.snapshots.length === 0) return CanisterSnapshots.EMPTY;
    return new CanisterSnapshots(new Map(c.snapshots.map((s) => [hexOf(s.id.bytes), s] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))));
  }

  get count(): number { return this.#byId.size; }
  /** Memory of all snapshots (`snapshots_memory_usage`). Bytes. */
  get memoryUsage(): bigint { return this.#memoryUsage; }

  /** The snapshot with id `bytes`, if any. */
  get(bytes: Uint8Array): CanisterSnapshot | undefined {
    return this.#byId.get(hexOf(bytes));
  }

  /** All snapshots, in id byte order. */
  list(): CanisterSnapshot[] {
    return [...this.#byId.values()];
  }

  /** A collection with `snapshot` added (or replacing the one with its id). */
  with(snapshot: CanisterSnapshot): CanisterSnapshots {
    const entries = [...this.#byId].filter(([k]) => k !== hexOf(snapshot.id.bytes));
    entries.push([hexOf(snapshot.id.bytes), snapshot]);
    entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return new CanisterSnapshots(new Map(entries));
  }

  /** A collection without the snapshot with id `bytes`. */
  without(bytes: Uint8Array): CanisterSnapshots {
    const key = hexOf(bytes);
    if (!this.#byId.has(key)) return this;
    return new CanisterSnapshots(new Map([...this.#byId].filter(([k]) => k !== key)));
  }
}

const TYPE_OF_VALTYPE: Readonly<Record<number, SnapshotGlobal['kind']>> = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x7b: 'v128' };

/**
 * A snapshot of `canister` (`CanisterSnapshot::from_canister`), or
 * `undefined` for an empty canister. Shares the canister's page maps.
 */
export function snapshotFromCanister(canister: CanisterState, id: SnapshotId, takenAt: bigint): CanisterSnapshot | undefined {
  const es = canister.executionState;
  if (es === undefined) return undefined;
  const compiled = es.compiled;
  const bytes = compiled.wasm;
  if (bytes === undefined) throw new InternalBug(`canister ${canister.canisterId.toText()}: its module bytes are not kept`);
  const sys = canister.systemState;
  const globals = compiled.output.persistentGlobals.map((g, i): SnapshotGlobal => {
    const kind = TYPE_OF_VALTYPE[g.type] ?? 'i64';
    const value = es.globals[i];
    return kind === 'i64' || kind === 'v128' ? { kind, value: BigInt(value) } : { kind, value: Number(value) };
  });
  return Object.freeze({
    id, source: 'takenFromCanister', takenAtTimestamp: takenAt, canisterVersion: sys.canisterVersion,
    module: Object.freeze({ kind: 'installed', compiled, bytes }),
    globals: Object.freeze(globals),
    heap: Object.freeze({ sizePages: es.heapSizePages, pages: es.heap }),
    stable: Object.freeze({ sizePages: es.stable.sizePages, pages: es.stable.pages }),
    certifiedData: sys.certifiedData,
    chunkStore: sys.wasmChunkStore.clone(),
    globalTimer: sys.globalTimer,
    onLowWasmMemoryHookStatus: sys.taskQueue.hookStatus,
    size: snapshotSizeOfCanister(canister),
  } satisfies CanisterSnapshot);
}

/** What a snapshot of `canister` would take now (`snapshot_size_bytes`). Bytes. */
export function snapshotSizeOfCanister(canister: CanisterState): bigint {
  const es = canister.executionState;
  const sys = canister.systemState;
  if (es === undefined) return sys.wasmChunkStore.memoryUsage + BigInt(sys.certifiedData.length);
  return snapshotSize(es.compiled.wasm?.length ?? 0, es.heapSizePages, es.stable.sizePages, es.globals.length,
    sys.wasmChunkStore.memoryUsage, sys.certifiedData.length);
}

/** `size` bytes of `pages` from byte `offset` (absent pages read as zeros). */
export function readPageBytes(pages: PageMap, offset: number, size: number): Uint8Array {
  const out = new Uint8Array(size);
  let done = 0;
  while (done < size) {
    const at = offset + done;
    const index = Math.floor(at / PAGE_BYTES);
    const inPage = at - index * PAGE_BYTES;
    const n = Math.min(PAGE_BYTES - inPage, size - done);
    const page = pages.get(index);
    if (page !== undefined) out.set(page.subarray(inPage, inPage + n), done);
    done += n;
  }
  return out;
}

/** `pages` with `bytes` written from byte `offset` (new pages; the old map is unchanged). */
export function writePageBytes(pages: PageMap, offset: number, bytes: Uint8Array): PageMap {
  const delta: PageDelta[] = [];
  let done = 0;
  while (done < bytes.length) {
    const at = offset + done;
    const index = Math.floor(at / PAGE_BYTES);
    const inPage = at - index * PAGE_BYTES;
    const n = Math.min(PAGE_BYTES - inPage, bytes.length - done);
    const page = new Uint8Array(PAGE_BYTES);
    const old = pages.get(index);
    if (old !== undefined) page.set(old);
    page.set(bytes.subarray(done, done + n), inPage);
    delta.push({ index, bytes: page });
    done += n;
  }
  return pages.withPages(delta);
}
