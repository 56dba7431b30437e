/**
 * The interface between the checkpoint lifecycle (this folder) and the
 * checkpoint codec (src/state/checkpoint/, which needs the state classes'
 * private fields). The codec turns a `ReplicatedState` into bytes plus
 * content-addressed objects, and back:
 *
 *     encodeState(state, sink)          → { bytes, roots }   objects go to the sink (children before parents)
 *     decodeState(bytes, source, compile) → state            objects come from the source, synchronously
 *     objectReferences(key, bytes)      → child keys          (a page-tree node's children; none for pages and blobs)
 *     objectMatchesKey(key, bytes)      → the key is the hash of the bytes
 *
 * Object keys are 33 bytes, `kind ‖ SHA-256`: `P` a 4 KiB page (its PageMap
 * leaf hash), `N` a page-tree node, `B` a blob (a Wasm module or a chunk).
 * The sink's invariant, kept by the store's reference counts: when an
 * object is stored, so is everything it references — the codec skips a
 * whole unchanged subtree on one `has`, so a checkpoint writes only the
 * pages changed since the last one and the nodes above them.
 *
 * `encodeState` refuses a state with paused executions (they are ids into
 * the hypervisor, not state); checkpoints are taken after a
 * `requiresFullStateHash` batch, after which the scheduler has aborted them.
 */
import type { PageStore, ReplicatedState } from '../state/index.ts';
import type { CompiledModule } from '../wasm/index.ts';

/** Where encoding writes new objects. */
export interface PageSink {
  /** Whether the object under `key` is stored already (and with it everything it references). */
  has(key: Uint8Array): boolean;
  /** Stores a new object (after `has` denied it; children before parents). `bytes` may be shared with the live state: never changed. */
  put(key: Uint8Array, bytes: Uint8Array): void;
}

/** Where decoding reads objects from (synchronously): the store, as the `PageStore` stored pages load from. */
export type PageSource = PageStore;

/** Compiles a module from its installed bytes (the hypervisor's compile cache). */
export type ModuleCompiler = (wasm: Uint8Array) => { ok: true; compiled: CompiledModule } | { ok: false; error: string };

export type EncodeStateResult =
  | { readonly ok: true; readonly bytes: Uint8Array; readonly roots: readonly Uint8Array[] }
  | { readonly ok: false; readonly error: string };

export type DecodeStateResult = { readonly ok: true; readonly state: ReplicatedState } | { readonly ok: false; readonly error: string };

/** The codec's four functions (see the module header). */
export interface CheckpointCodec {
  encodeState(state: ReplicatedState, sink: PageSink): EncodeStateResult;
  decodeState(bytes: Uint8Array, source: PageSource, compile: ModuleCompiler, opts?: { readonly verifyPages?: boolean }): DecodeStateResult;
  objectReferences(key: Uint8Array, bytes: Uint8Array): Uint8Array[];
  objectMatchesKey(key: Uint8Array, bytes: Uint8Array): boolean;
}
