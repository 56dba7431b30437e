/**
 * Garbage collection of the store's objects by mark and sweep: mark every
 * object the kept checkpoints' manifests reach (page-tree nodes are read for
 * their children; pages and blobs are leaves), then delete every stored
 * object not marked, in one commit. A sweep is due when the store holds more
 * than twice the objects the last sweep found live (plus a floor), so its
 * cost — proportional to the live objects — is spread over at least as many
 * objects written since: amortized O(1) per object (checkpoint-writer.ts).
 *
 * A sweep is conservative: if a manifest is damaged or a reachable node is
 * missing or does not match its key, it deletes nothing and says why (the
 * damage is recovery's to report).
 */
import { heightKey, heightOfKey } from './bytes.ts';
import type { CheckpointCodec } from './checkpoint-codec.ts';
import { decodeManifest } from './manifest.ts';
import type { Store, StoreError } from './store.ts';

/** Meta entry: the objects the last sweep found live (u64 BE). */
export const META_LIVE_OBJECTS = 'live-objects';
/** Garbage below this many objects is never worth a sweep. */
export const SWEEP_FLOOR = 4096;

const NODE_KIND = 0x4e;
const latin1 = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');

export type SweepResult =
  | { readonly ok: true; readonly live: number; readonly deleted: number }
  /** Nothing was deleted: the store is damaged (recovery reports it) or the commit failed. */
  | { readonly ok: false; readonly anomaly: string }
  | { readonly ok: false; readonly error: StoreError };

/** Whether the store holds enough garbage for a sweep (see the module header). */
export function sweepDue(store: Store, floor = SWEEP_FLOOR): boolean {
  const b = store.meta(META_LIVE_OBJECTS);
  const live = b === undefined || b.length !== 8 ? 0 : Number(heightOfKey(b));
  return store.stats().objects > 2 * live + floor;
}

/** Marks what the manifests reach and deletes the rest (see the module header). */
export async function sweep(store: Store, codec: CheckpointCodec): Promise<SweepResult> {
  const live = new Set<string>();
  const work: Uint8Array[] = [];
  for (const h of store.checkpointHeights()) {
    const m = decodeManifest(store.checkpoint(h) as Uint8Array);
    if (!m.ok) return { ok: false, anomaly: `the manifest at height ${h} is damaged (${m.error})` };
    work.push(...m.manifest.roots);
  }
  for (let key = work.pop(); key !== undefined; key = work.pop()) {
    const k = latin1(key);
    if (live.has(k)) continue;
    live.add(k);
    if (key[0] !== NODE_KIND) continue;
    const bytes = store.get(key);
    if (bytes === undefined || !codec.objectMatchesKey(key, bytes)) {
      return { ok: false, anomaly: `page-tree node ${Buffer.from(key).toString('hex')} is ${bytes === undefined ? 'missing' : 'damaged'}` };
    }
    for (const child of codec.objectReferences(key, bytes)) work.push(child);
  }
  const dead: Uint8Array[] = [];
  for (const key of store.objectKeys()) if (!live.has(latin1(key))) dead.push(Uint8Array.from(key));
  const r = await store.commit({ deleteObjects: dead, putMeta: [[META_LIVE_OBJECTS, heightKey(BigInt(live.size))]] });
  if (!r.ok) return { ok: false, error: r.error };
  return { ok: true, live: live.size, deleted: dead.length };
}
