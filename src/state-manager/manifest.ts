/**
 * A checkpoint's manifest: what the store keeps under the checkpoint's
 * height.
 *
 *     'M' ‖ version 1 ‖ height u64 ‖ state hash (32)
 *       ‖ roots: u32 count ‖ (33-byte object key)*      (sorted, distinct)
 *       ‖ state: u32 length ‖ the codec's encoding of the state
 *       ‖ checksum = SHA-256(ds("ic-exec-checkpoint") ‖ everything before)
 *
 * The roots are the objects the state encoding refers to directly (page-map
 * roots, modules, chunks); every object is content-addressed (its key is
 * the hash of its bytes) and refers to its children by hash, so the checksum
 * covers, through the keys, every byte the checkpoint references: a damaged
 * manifest fails its checksum, a damaged object fails its key. The state
 * hash is the full `stateHash` of the checkpointed state (memory pages
 * included), checked again after decoding on recovery.
 */
import { domainSeparated } from '../crypto/index.ts';
import { ByteReader, ByteWriter, RecordFormatError } from './bytes.ts';

const MAGIC = 0x4d; // 'M'
const VERSION = 1;
const HASH_BYTES = 32;
/** Bytes of an object key (kind ‖ SHA-256). */
export const OBJECT_KEY_BYTES = 33;
const DOMAIN = 'ic-exec-checkpoint';

export interface Manifest {
  readonly height: bigint;
  /** `stateHash` of the checkpointed state. */
  readonly stateHash: Uint8Array;
  /** Object keys the state encoding refers to directly. */
  readonly roots: readonly Uint8Array[];
  /** The codec's encoding of the state. */
  readonly state: Uint8Array;
}

export type ManifestResult = { readonly ok: true; readonly manifest: Manifest } | { readonly ok: false; readonly error: string };

/** The manifest's bytes (see the module header). */
export function encodeManifest(m: Manifest): Uint8Array {
  if (m.stateHash.length !== HASH_BYTES) throw new RangeError(`a state hash of ${m.stateHash.length} bytes`);
  const w = new ByteWriter().u8(MAGIC).u8(VERSION).u64(m.height).raw(m.stateHash).u32(m.roots.length);
  for (const k of m.roots) {
    if (k.length !== OBJECT_KEY_BYTES) throw new RangeError(`an object key of ${k.length} bytes`);
    w.raw(k);
  }
  w.bytes(m.state);
  const body = w.finish();
  return new ByteWriter().raw(body).raw(domainSeparated(DOMAIN, body)).finish();
}

/** The manifest in `bytes`, checked (checksum, structure), or why it is damaged. */
export function decodeManifest(bytes: Uint8Array): ManifestResult {
  try {
    if (bytes.length < 2 + 8 + HASH_BYTES + 4 + 4 + HASH_BYTES) throw new RecordFormatError(`${bytes.length} bytes`);
    const body = bytes.subarray(0, bytes.length - HASH_BYTES);
    if (Buffer.compare(domainSeparated(DOMAIN, body), bytes.subarray(bytes.length - HASH_BYTES)) !== 0) {
      throw new RecordFormatError('checksum mismatch');
    }
    const r = new ByteReader(body);
    if (r.u8() !== MAGIC) throw new RecordFormatError('not a manifest');
    const version = r.u8();
    if (version !== VERSION) throw new RecordFormatError(`format version ${version} (this build reads ${VERSION})`);
    const height = r.u64();
    const stateHash = r.raw(HASH_BYTES);
    const count = r.u32();
    if (count * OBJECT_KEY_BYTES > r.remaining) throw new RecordFormatError(`${count} roots do not fit`);
    const roots: Uint8Array[] = [];
    for (let i = 0; i < count; i++) roots.push(r.raw(OBJECT_KEY_BYTES));
    const state = r.bytes();
    r.end('manifest');
    return { ok: true, manifest: { height, stateHash, roots, state } };
  } catch (e) {
    if (e instanceof RecordFormatError) return { ok: false, error: e.message };
    throw e;
  }
}
