/**
 * The content-addressed objects a checkpoint refers to, and the store
 * interfaces the codec writes them to and reads them from.
 *
 *     key = kind (1 byte) ‖ SHA-256 (32 bytes)
 *     'P' page  = a 4 KiB page; hash = its PageMap leaf hash SHA-256(ds("ic-exec-page") ‖ page)
 *     'N' node  = an inner node of a PageMap's canonical Merkle tree:
 *                 bytes = level ‖ (slot ‖ child hash)*, hash = SHA-256(ds("ic-exec-node") ‖ bytes)
 *                 (children are pages at level 0, nodes above)
 *     'B' blob  = a Wasm module or a chunk-store chunk; hash = SHA-256(bytes) (the module hash, the chunk hash)
 *
 * Every object is its key's preimage, so a store dedupes for free and a
 * reader can check what it got. Invariant the store keeps: when an object
 * is stored, everything it references is too (the codec puts children
 * before their parents), so the writer skips a whole subtree on one `has`.
 */
import { domainSeparated, sha256 } from '../../crypto/index.ts';
import type { CompiledModule } from '../../wasm/index.ts';
import { PAGE_KEY_KIND } from '../page-store.ts';
import type { PageStore } from '../page-store.ts';
import { Reader, Writer, formatError } from './codec.ts';

/** Object kinds (the first byte of a key). */
export const OBJECT_KIND = Object.freeze({ page: PAGE_KEY_KIND, node: 0x4e, blob: 0x42 });
/** Bytes of an object key. */
export const OBJECT_KEY_BYTES = 33;
const HASH_BYTES = 32;

/** Where encoding writes new objects (see the module header). */
export interface PageSink {
  /** Whether the object under `key` is stored already (and with it everything it references). */
  has(key: Uint8Array): boolean;
  /** Stores a new object (after `has` denied it; children before parents). `bytes` may be shared with the live state: do not change them. */
  put(key: Uint8Array, bytes: Uint8Array): void;
}

/** Where decoding reads objects from, synchronously (a `PageStore`: decoded memories load their pages from it when read). */
export type PageSource = PageStore;

/** Compiles a module from its installed bytes (the compile cache; e.g. {@link compilerOf}). */
export type ModuleCompiler = (wasm: Uint8Array) => { ok: true; compiled: CompiledModule } | { ok: false; error: string };

/** A key: `kind ‖ hash`. */
export function objectKey(kind: number, hash: Uint8Array): Uint8Array {
  if (hash.length !== HASH_BYTES) throw new RangeError(`an object hash has ${HASH_BYTES} bytes, got ${hash.length}`);
  const key = new Uint8Array(OBJECT_KEY_BYTES);
  key[0] = kind;
  key.set(hash, 1);
  return key;
}

/** The keys an object refers to (a node's children; nothing for pages and blobs), for refcounting or sweeping a store. */
export function objectReferences(key: Uint8Array, bytes: Uint8Array): Uint8Array[] {
  if (key[0] !== OBJECT_KIND.node) return [];
  const level = bytes[0];
  const out: Uint8Array[] = [];
  for (let at = 1; at + 1 + HASH_BYTES <= bytes.length; at += 1 + HASH_BYTES) {
    out.push(objectKey(level === 0 ? OBJECT_KIND.page : OBJECT_KIND.node, bytes.subarray(at + 1, at + 1 + HASH_BYTES)));
  }
  return out;
}

/** Whether `bytes` are the object `key` names (its hash matches). */
export function objectMatchesKey(key: Uint8Array, bytes: Uint8Array): boolean {
  const hash = key.subarray(1);
  let h: Uint8Array;
  if (key[0] === OBJECT_KIND.page) h = domainSeparated('ic-exec-page', bytes);
  else if (key[0] === OBJECT_KIND.node) h = domainSeparated('ic-exec-node', bytes);
  else if (key[0] === OBJECT_KIND.blob) h = sha256(bytes);
  else return false;
  return Buffer.compare(h, hash) === 0;
}

const latin1 = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');

/** The writer of a state encoding: the object sink, and the keys the encoding refers to. */
export class EncodeWriter extends Writer {
  readonly sink: PageSink;
  readonly #roots: Map<string, Uint8Array>;
  /** Objects known stored during this encoding (saves repeated `has` calls for shared modules and subtrees). */
  readonly #known: Set<string>;

  constructor(sink: PageSink, shared?: EncodeWriter) {
    super();
    this.sink = sink;
    this.#roots = shared === undefined ? new Map() : shared.#roots;
    this.#known = shared === undefined ? new Set() : shared.#known;
  }

  /** A writer of its own bytes that shares this one's sink, roots and known objects (a section's body). */
  child(): EncodeWriter {
    return new EncodeWriter(this.sink, this);
  }

  /** Stores `bytes()` under `key` unless it is stored; returns whether it was written now. */
  putObject(key: Uint8Array, bytes: () => Uint8Array): boolean {
    const k = latin1(key);
    if (this.#known.has(k)) return false;
    this.#known.add(k);
    if (this.sink.has(key)) return false;
    this.sink.put(key, bytes());
    return true;
  }

  /** Whether `key` is stored (cached for this encoding). */
  hasObject(key: Uint8Array): boolean {
    const k = latin1(key);
    if (this.#known.has(k)) return true;
    if (!this.sink.has(key)) return false;
    this.#known.add(k);
    return true;
  }

  /** Records that the encoding refers to `key` directly. */
  root(key: Uint8Array): void {
    this.#roots.set(latin1(key), key);
  }

  /** The distinct keys the encoding refers to, in byte order. */
  roots(): Uint8Array[] {
    return [...this.#roots.keys()].sort().map((k) => this.#roots.get(k) as Uint8Array);
  }

  /** Writes a blob's hash (32 bytes), storing the blob. */
  blob(hash: Uint8Array, bytes: Uint8Array): void {
    const key = objectKey(OBJECT_KIND.blob, hash);
    this.putObject(key, () => bytes);
    this.root(key);
    this.raw(hash);
  }
}

/** The reader of a state encoding: the object source, the compiler, and what was decoded once already. */
export class DecodeReader extends Reader {
  readonly source: PageSource;
  readonly compile: ModuleCompiler;
  /** Compiled modules by hex hash (one compile per distinct module). */
  readonly modules = new Map<string, CompiledModule>();
  /** Decoded page-tree nodes by hash, so maps that shared subtrees share them again. */
  readonly nodes = new Map<string, unknown>();

  constructor(bytes: Uint8Array, source: PageSource, compile: ModuleCompiler) {
    super(bytes);
    this.source = source;
    this.compile = compile;
  }

  /** The object under `key`, checked against it (unless the source vouches for its objects). */
  object(key: Uint8Array, what: string): Uint8Array {
    const bytes = this.source.get(key);
    if (bytes === undefined) return formatError(`${what} ${Buffer.from(key).toString('hex')} is missing from the store`);
    if (this.source.verified !== true && !objectMatchesKey(key, bytes)) {
      return formatError(`${what} ${Buffer.from(key).toString('hex')} does not match its hash in the store`);
    }
    return bytes;
  }

  /** Reads a blob's hash and loads the blob. */
  blob(what: string): { hash: Uint8Array; bytes: Uint8Array } {
    const hash = this.raw(HASH_BYTES);
    return { hash, bytes: this.object(objectKey(OBJECT_KIND.blob, hash), what) };
  }
}

/** A {@link ModuleCompiler} from a compile function of the hypervisor's shape (`Hypervisor.compile`). */
export function compilerOf(
  compile: (wasm: Uint8Array) => { ok: true; compiled: CompiledModule } | { ok: false; error: { readonly description: string } },
): ModuleCompiler {
  return (wasm) => {
    const r = compile(wasm);
    return r.ok ? { ok: true, compiled: r.compiled } : { ok: false, error: r.error.description };
  };
}
