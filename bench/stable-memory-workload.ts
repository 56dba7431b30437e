// The workload of bench/stable-memory.bench.ts, run in a child process so
// that its peak resident memory (VmHWM) is its own:
//
//   node --expose-gc bench/stable-memory-workload.ts <totalMiB> <messageMiB> <mode> [capacityMiB]
//
// A replica (1 core, in-process) with the stable writer canister
// (test/replica/stable-writer.ts) writes `totalMiB` of stable memory in
// `messageMiB` messages, then reads three pages back. Modes:
//
//   replica    `Replica.create({ dataDir })` in a temporary directory: the
//              replica's own checkpoints write and evict the pages
//   ephemeral  `Replica.create()`: every page stays in RAM
//   lmdb, file the page side of a checkpoint done here, on an ephemeral
//              replica, whenever it checkpoints (every `capacityMiB` of heap
//              delta): the pages in RAM written to LMDB values (`lmdb`) or
//              appended to a flat file with only key → offset in LMDB
//              (`file`), then evicted — to compare page layouts
//
// RSS is sampled after every round (with its breakdown in the round of the
// highest); VmHWM is the kernel's peak. Prints one JSON line.
import { mkdtempSync, openSync, readFileSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open } from 'lmdb';
import { Replica } from '../src/index.ts';
import { evictPages, inMemoryPageCount, pageCacheStats, pageHash, pageKey } from '../src/state/index.ts';
import type { PageStore, ReplicatedState } from '../src/state/index.ts';
import { numBytes } from '../src/types/index.ts';
import { expectedStamp, readStable, stableWriterWasm, submitWrite } from '../test/replica/stable-writer.ts';

const MiB = 1n << 20n;
const totalMiB = BigInt(process.argv[2]);
const messageMiB = BigInt(process.argv[3]);
const mode = process.argv[4] ?? 'replica';
const capacityMiB = process.argv[5] === undefined ? undefined : BigInt(process.argv[5]);
const evict = mode === 'lmdb' || mode === 'file';

/** Peak and current resident memory from /proc/self/status, MiB. */
function procMemory(): { hwm: number; rss: number; anon: number; file: number; shmem: number } {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kib = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { hwm: kib('VmHWM') / 1024, rss: kib('VmRSS') / 1024, anon: kib('RssAnon') / 1024, file: kib('RssFile') / 1024, shmem: kib('RssShmem') / 1024 };
}

const dir = mkdtempSync(join(tmpdir(), 'ic-exec-stable-bench-'));
const env = evict ? open({ path: join(dir, 'pages'), noSync: true, mapSize: 64 * 2 ** 30, pageSize: 8192, overlappingSync: false }) : undefined;
const keyOf = (key: Uint8Array): Buffer => Buffer.from(key.buffer, key.byteOffset, key.byteLength);

/** Pages as LMDB values (key → 4 KiB). */
function lmdbPages(): { store: PageStore; put: (key: Buffer, bytes: Uint8Array) => void; commit: () => Promise<unknown> } {
  const db = (env as NonNullable<typeof env>).openDB<Buffer, Buffer>({ name: 'pages', keyEncoding: 'binary', encoding: 'binary' });
  return {
    store: { get: (key) => db.getBinary(keyOf(key)), has: (key) => db.doesExist(keyOf(key)) },
    put: (key, bytes) => { void db.put(key, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)); },
    commit: () => db.committed,
  };
}

/** Page bytes appended to a flat file (read with pread), LMDB only for key → offset. */
function filePages(): { store: PageStore; put: (key: Buffer, bytes: Uint8Array) => void; commit: () => Promise<unknown> } {
  const db = (env as NonNullable<typeof env>).openDB<Buffer, Buffer>({ name: 'offsets', keyEncoding: 'binary', encoding: 'binary' });
  const fd = openSync(join(dir, 'pages', 'pages.bin'), 'w+');
  let end = 0;
  let pending: Uint8Array[] = [];
  const flush = (): void => {
    if (pending.length === 0) return;
    const buf = Buffer.concat(pending);
    writeSync(fd, buf, 0, buf.length, end - buf.length);
    pending = [];
  };
  const offsetOf = (key: Uint8Array): number | undefined => {
    const v = db.getBinary(keyOf(key));
    return v === undefined ? undefined : v.readUIntLE(0, 6);
  };
  return {
    store: {
      get: (key) => {
        const at = offsetOf(key);
        if (at === undefined) return undefined;
        const out = new Uint8Array(4096);
        readSync(fd, out, 0, 4096, at);
        return out;
      },
      has: (key) => db.doesExist(keyOf(key)),
    },
    put: (key, bytes) => {
      const off = Buffer.alloc(6);
      off.writeUIntLE(end, 0, 6);
      pending.push(bytes);
      end += 4096;
      if (pending.length >= 256) flush();
      void db.put(key, off);
    },
    commit: () => { flush(); return db.committed; },
  };
}

const backend = !evict ? undefined : mode === 'file' ? filePages() : lmdbPages();

/** A checkpoint's page part: the state's pages in RAM into the store (committed), then evicted. */
async function checkpoint(state: ReplicatedState, b: NonNullable<typeof backend>): Promise<number> {
  let written = 0;
  for (const c of state.canisters()) {
    const x = c.executionState;
    if (x === undefined) continue;
    for (const map of [x.heap, x.stable.pages]) {
      for (const leaf of map.leaves()) {
        if (!('bytes' in leaf)) continue;
        const key = Buffer.from(pageKey(pageHash(leaf.bytes)));
        if (b.store.has?.(key) === true) continue;
        b.put(key, leaf.bytes);
        written++;
        if (written % 16_384 === 0) await b.commit(); // bounded write batches
      }
    }
  }
  await b.commit();
  return evictPages(state, b.store).evicted;
}

const ic = await Replica.create({
  ...(mode === 'replica' ? { dataDir: join(dir, 'replica') } : {}),
  ...(capacityMiB === undefined ? {} : {
    schedulerConfig: { subnetHeapDeltaCapacity: numBytes(capacityMiB * MiB), heapDeltaInitialReserve: numBytes(capacityMiB * MiB) },
  }),
});
const id = await ic.createCanister();
await ic.installCode(id, await stableWriterWasm());
globalThis.gc?.();
const idle = procMemory().rss;
let maxRss = idle;
/** Resident memory by kind, and the JS heap, in the round whose RSS was highest (MiB). */
let atPeak: Record<string, number> = {};
let maxInMemoryPages = 0;
let rounds = 0;
let checkpoints = 0;
let checkpointMs = 0;
const t0 = performance.now();
const tick = async (): Promise<void> => {
  const before = ic.committedState.metadata.heapDeltaEstimate;
  await ic.tick();
  rounds++;
  maxInMemoryPages = Math.max(maxInMemoryPages, inMemoryPageCount(ic.committedState));
  if (before > 0n && ic.committedState.metadata.heapDeltaEstimate === 0n) {
    checkpoints++;
    if (backend !== undefined) {
      const c0 = performance.now();
      await checkpoint(ic.committedState, backend);
      checkpointMs += performance.now() - c0;
    }
  }
  const m = procMemory();
  if (m.rss > maxRss) {
    const js = process.memoryUsage();
    atPeak = { rssMiB: m.rss, anonMiB: m.anon, fileMiB: m.file, jsHeapTotalMiB: js.heapTotal / 2 ** 20, arrayBuffersMiB: js.arrayBuffers / 2 ** 20, inMemoryPages: inMemoryPageCount(ic.committedState), round: rounds };
  }
  maxRss = Math.max(maxRss, m.rss);
};
for (let k = 0n; k * messageMiB < totalMiB; k++) {
  const mid = await submitWrite(ic, id, k * messageMiB * MiB, messageMiB * MiB, k);
  while (ic.ingressStatus(mid)?.state.kind !== 'completed') await tick();
}
await tick();
const writeMs = performance.now() - t0;
let readsOk = true;
for (const k of [0n, totalMiB / messageMiB / 2n, totalMiB / messageMiB - 1n]) {
  const offset = k * messageMiB * MiB + 4096n * 3n;
  readsOk &&= Buffer.compare(await readStable(ic, id, offset), expectedStamp(offset, k)) === 0;
}
const x = ic.committedState.canister(id)?.executionState;
globalThis.gc?.();
await new Promise((resolve) => { setTimeout(resolve, 200); }); // the array-buffer sweeper runs after the GC
globalThis.gc?.();
const mem = procMemory();
const js = process.memoryUsage();
console.log(JSON.stringify({
  mode, totalMiB: Number(totalMiB), messageMiB: Number(messageMiB), capacityMiB: Number(capacityMiB ?? ic.config.subnetHeapDeltaCapacity / MiB),
  stableMiB: (x?.stable.sizePages ?? 0) / 16, pages: x?.stable.pages.pageCount, readsOk,
  idleRssMiB: idle, maxSampledRssMiB: maxRss, atMaxSampledRss: atPeak, vmHwmMiB: mem.hwm, finalRssMiB: mem.rss, finalRss: { anonMiB: mem.anon, fileMiB: mem.file, shmemMiB: mem.shmem },
  finalJs: { heapUsedMiB: js.heapUsed / 2 ** 20, externalMiB: js.external / 2 ** 20, arrayBuffersMiB: js.arrayBuffers / 2 ** 20 },
  maxInMemoryPages, finalInMemoryPages: inMemoryPageCount(ic.committedState), pageCache: pageCacheStats(),
  rounds, checkpoints, writeSeconds: writeMs / 1000, checkpointSeconds: checkpointMs / 1000,
  writeMiBPerSecond: Number(totalMiB) / (writeMs / 1000),
}));
await ic.close();
await env?.close();
rmSync(dir, { recursive: true, force: true });
