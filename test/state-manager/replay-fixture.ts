// Data directories for the replay tests (test/state-manager/replay.test.ts,
// test/cli/replay.test.ts): one made by a durable Replica — three counter
// canisters, a few hundred batches, checkpoints every 60 — and ways to
// damage a copy of it: a logged batch re-encoded with another ingress
// argument (its checksum fixed, so it still decodes), a checkpoint's
// manifest with a flipped byte, a log without per-height hashes.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Replica } from '../../src/index.ts';
import type { CanisterId } from '../../src/index.ts';
import { RandomTape } from '../../src/consensus/index.ts';
import { decodeCallEnvelope, signedIngressOf } from '../../src/messaging/index.ts';
import { LmdbStore, META_SUBNET_KEY, decodeBatch, encodeBatch } from '../../src/state-manager/index.ts';
import { decodeSubnetKey } from '../../src/state-manager/subnet-key-record.ts';
import { stateHash } from '../../src/state/index.ts';
import { counterWasm, u32le } from './counter.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** Temporary directories, removed by {@link removeDirs}. */
const dirs: string[] = [];
export function tempDir(prefix = 'ic-exec-replay-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}
export function removeDirs(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

export interface ReplayFixture {
  readonly dataDir: string;
  /** The state hash the replica had at every height (hex). */
  readonly hashes: ReadonlyMap<bigint, string>;
  readonly canisters: readonly CanisterId[];
  /** The last logged height (the checkpoint batch of `close()`). */
  readonly lastHeight: bigint;
}

export const CHECKPOINT_INTERVAL = 60n;

/** A data directory of a durable replica (see the module header); `batches` rounds at least. */
export async function makeDataDir(batches = 240, opts: { readonly pruneBatchLog?: boolean; readonly systemCanisters?: boolean } = {}): Promise<ReplayFixture> {
  const dataDir = tempDir();
  const hashes = new Map<bigint, string>();
  const ic = await Replica.create({
    dataDir, checkpointInterval: CHECKPOINT_INTERVAL, keepCheckpoints: 3, ...opts,
    onCommit: (b, s) => { hashes.set(b.height, hex(stateHash(s))); },
  });
  const wasm = await counterWasm();
  const canisters: CanisterId[] = [];
  for (let i = 0; i < 3; i++) {
    const id = await ic.createCanister();
    await ic.installCode(id, wasm);
    canisters.push(id);
  }
  for (let n = 1; ic.height < BigInt(batches); n++) {
    if (n % 5 !== 0) await ic.submitCall(canisters[n % 3], 'inc', u32le(n));
    await ic.tick();
  }
  await ic.close(); // a checkpoint batch after the last one
  const lastHeight = ic.height;
  return { dataDir, hashes, canisters, lastHeight };
}

/** A copy of `dataDir` to damage. */
export function copyDir(dataDir: string): string {
  const d = tempDir('ic-exec-replay-copy-');
  cpSync(dataDir, d, { recursive: true });
  return d;
}

function openStore(dir: string): LmdbStore {
  const s = LmdbStore.open(dir);
  if (!(s instanceof LmdbStore)) throw new Error(s.message);
  return s;
}

/** The heights of the store's checkpoints and logged batches. */
export async function layout(dir: string): Promise<{ checkpoints: bigint[]; first: bigint; last: bigint }> {
  const s = openStore(dir);
  const out = { checkpoints: s.checkpointHeights(), first: s.firstBatchHeight() as bigint, last: s.lastBatchHeight() as bigint };
  await s.close();
  return out;
}

/**
 * Re-encodes the first logged batch after `after` that carries an ingress
 * message with another argument (`inc(1_000_000)`), keeping everything else
 * of its record; returns its height.
 */
export async function alterIngress(dir: string, after: bigint): Promise<bigint> {
  const s = openStore(dir);
  try {
    const key = decodeSubnetKey(s.meta(META_SUBNET_KEY) as Uint8Array);
    if (!key.ok) throw new Error(key.error);
    const tape = new RandomTape(key.record.key);
    for (const h of s.batchHeights(after)) {
      const d = decodeBatch(s.batch(h) as Uint8Array, (x) => tape.randomnessOf(x));
      if (!d.ok) throw new Error(d.error);
      if (d.batch.ingress.length === 0) continue;
      const [first, ...rest] = d.batch.ingress;
      const content = decodeCallEnvelope(first.payload);
      if (!content.ok) throw new Error(content.error);
      const altered = signedIngressOf({ ...content.content, arg: u32le(1_000_000) });
      const { randomness: _r, ...fields } = d.batch;
      const e = encodeBatch({ ...fields, randomness: new Uint8Array(0), ingress: [altered, ...rest] },
        d.previousStateDigest === undefined ? {} : { previousStateDigest: d.previousStateDigest });
      if (!e.ok) throw new Error(e.error);
      const w = await s.appendBatch(h, e.bytes);
      if (!w.ok) throw new Error(w.error.message);
      return h;
    }
    throw new Error(`no batch with ingress after ${after}`);
  } finally {
    await s.close();
  }
}

/** Re-encodes every logged batch without its per-height hash (a log as the first format wrote it). */
export async function dropDigests(dir: string): Promise<void> {
  const s = openStore(dir);
  try {
    const key = decodeSubnetKey(s.meta(META_SUBNET_KEY) as Uint8Array);
    if (!key.ok) throw new Error(key.error);
    const tape = new RandomTape(key.record.key);
    for (const h of s.batchHeights()) {
      const d = decodeBatch(s.batch(h) as Uint8Array, (x) => tape.randomnessOf(x));
      if (!d.ok) throw new Error(d.error);
      const e = encodeBatch(d.batch);
      if (!e.ok) throw new Error(e.error);
      const w = await s.appendBatch(h, e.bytes);
      if (!w.ok) throw new Error(w.error.message);
    }
  } finally {
    await s.close();
  }
}

/** Flips a byte in the middle of the manifest of the checkpoint at `height`. */
export async function damageManifest(dir: string, height: bigint): Promise<void> {
  const s = openStore(dir);
  try {
    const m = Uint8Array.from(s.checkpoint(height) as Uint8Array);
    m[m.length >> 1] ^= 0x10;
    const w = await s.commit({ putCheckpoints: [[height, m]] });
    if (!w.ok) throw new Error(w.error.message);
  } finally {
    await s.close();
  }
}
