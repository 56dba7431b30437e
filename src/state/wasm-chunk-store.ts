/**
 * `WasmChunkStore` (the replica's `system_state/wasm_chunk_store.rs`): the
 * chunks a canister's controllers uploaded to assemble a module larger than
 * one message (`upload_chunk`, `install_chunked_code`).
 *
 * - A chunk is identified by its SHA-256; uploading it again changes nothing.
 * - Every chunk takes a full `CHUNK_SIZE` (1 MiB) of the store and of the
 *   canister's memory usage, whatever its length (the replica keeps each in
 *   256 pages of a page map).
 * - The store admits a new chunk while `count × 1 MiB < max size`
 *   (`wasm_chunk_store_max_size` = 100 MiB: 100 chunks).
 * - Keys are listed in byte order of the hash (a `BTreeMap`).
 *
 * Chunks are immutable byte arrays, so a copy (`clone`) shares them.
 */
import { sha256 } from '../crypto/index.ts';

/** The largest chunk, and what each chunk counts for in the store and in memory usage. Bytes. `CHUNK_SIZE`. */
export const CHUNK_SIZE = 1024n * 1024n;

/** What `canInsert` decided. */
export type ChunkValidation =
  | { readonly kind: 'insert'; readonly hash: Uint8Array }
  | { readonly kind: 'alreadyExists'; readonly hash: Uint8Array }
  | { readonly kind: 'error'; readonly message: string };

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** The chunks of one canister (see the module header). */
export class WasmChunkStore {
  /** Hex hash → chunk, kept in hash order. */
  #chunks = new Map<string, Uint8Array>();

  /** The chunks as a checkpoint keeps them: (hash, chunk) in hash order. */
  toCheckpoint(): { readonly chunks: readonly (readonly [Uint8Array, Uint8Array])[] } {
    return { chunks: [...this.#chunks].map(([k, v]) => [Uint8Array.from(Buffer.from(k, 'hex')), v] as const) };
  }

  /** The store a checkpoint kept. */
  static fromCheckpoint(c: { readonly chunks: readonly (readonly [Uint8Array, Uint8Array])[] }): WasmChunkStore {
    const s = new WasmChunkStore();
    s.#chunks = new Map(c.chunks.map(([h, chunk]) => [hex(h), chunk] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
    return s;
  }

  clone(): WasmChunkStore {
    const s = new WasmChunkStore();
    s.#chunks = new Map(this.#chunks);
    return s;
  }

  /** Number of chunks. */
  get size(): number { return this.#chunks.size; }

  /** Memory the store takes: 1 MiB per chunk. Bytes. */
  get memoryUsage(): bigint { return BigInt(this.#chunks.size) * CHUNK_SIZE; }

  /** The hashes, in byte order. */
  keys(): Uint8Array[] {
    return [...this.#chunks.keys()].map((k) => Uint8Array.from(Buffer.from(k, 'hex')));
  }

  /** The chunks with their hashes, in hash order. */
  entries(): [Uint8Array, Uint8Array][] {
    return [...this.#chunks].map(([k, v]) => [Uint8Array.from(Buffer.from(k, 'hex')), v]);
  }

  /** The chunk with SHA-256 `hash`, if stored. */
  get(hash: Uint8Array): Uint8Array | undefined {
    return this.#chunks.get(hex(hash));
  }

  /**
   * Whether `chunk` can go in (`can_insert_chunk`): already there, too large
   * (`Wasm chunk size N exceeds the maximum chunk size of 1048576`), the
   * store full, or to insert.
   */
  canInsert(maxSize: bigint, chunk: Uint8Array): ChunkValidation {
    const hash = sha256(chunk);
    if (this.#chunks.has(hex(hash))) return { kind: 'alreadyExists', hash };
    if (BigInt(chunk.length) > CHUNK_SIZE) {
      return { kind: 'error', message: `Wasm chunk size ${chunk.length} exceeds the maximum chunk size of ${CHUNK_SIZE}` };
    }
    if (BigInt(this.#chunks.size) * CHUNK_SIZE >= maxSize) {
      return {
        kind: 'error',
        message: `Wasm chunk store has already reached maximum capacity of ${maxSize} bytes or the maximum number of entries, ${maxSize / CHUNK_SIZE}`,
      };
    }
    return { kind: 'insert', hash };
  }

  /** Stores `chunk` under `hash` (from `canInsert`). */
  insert(hash: Uint8Array, chunk: Uint8Array): void {
    const key = hex(hash);
    this.#chunks.set(key, Uint8Array.from(chunk));
    this.#chunks = new Map([...this.#chunks].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
  }
}
