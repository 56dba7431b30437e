/**
 * The whole replicated state as a checkpoint: `encodeState` writes the
 * state's bytes (and new objects to the sink); `decodeState` rebuilds a
 * state with the same `stateHash` that behaves identically.
 *
 *     encoding = magic "ICXC" ‖ version (1 byte)
 *              ‖ section*                       section = tag (1 byte) ‖ nat(length) ‖ body
 *              ‖ 0x00 (end)
 *              ‖ SHA-256 of everything before   (a damaged or truncated encoding is refused before parsing)
 *
 *     sections, in this order:
 *       0x01 metadata       SystemMetadata (ingress history, id allocation, subnet call contexts, …)
 *       0x02 subnet queues  the management canister's queues
 *       0x03 streams        the outgoing XNet streams
 *       0x10 canister       one per canister, in canister-id byte order
 *
 * Memories, modules and chunks are not in the bytes: they are objects of the
 * sink (objects.ts), named by hash; `roots` lists the keys the bytes name.
 * Each canister is a section of its own, so a section can be re-used for a
 * canister that did not change (not done yet: encoding all of them is
 * O(canisters + dirty pages)).
 *
 * Refused (an error value): a state with a paused execution or install —
 * its id names a live Wasm execution outside the state. The scheduler
 * aborts them all at a `requiresFullStateHash` batch; checkpoint the state
 * after one. Decoding never throws: any damage is an error value, and the
 * half-built state is dropped.
 */
import { sha256 } from '../../crypto/index.ts';
import { ReplicatedState } from '../replicated-state.ts';
import { canisterState } from './canister.ts';
import { formatError } from './codec.ts';
import { streams, systemMetadata } from './metadata.ts';
import { DecodeReader, EncodeWriter } from './objects.ts';
import type { ModuleCompiler, PageSink, PageSource } from './objects.ts';
import { CheckpointRefusal, canisterQueues } from './system.ts';

/** The format version this code writes and reads. */
export const CHECKPOINT_VERSION = 2;
const MAGIC = Uint8Array.of(0x49, 0x43, 0x58, 0x43); // "ICXC"
const CHECKSUM_BYTES = 32;
const SECTION = Object.freeze({ end: 0x00, metadata: 0x01, subnetQueues: 0x02, streams: 0x03, canister: 0x10 });

/** What `encodeState` gives: the state's bytes and the object keys they name. */
export type EncodeStateResult =
  | { readonly ok: true; readonly bytes: Uint8Array; readonly roots: readonly Uint8Array[] }
  | { readonly ok: false; readonly error: string };

/** What `decodeState` gives. */
export type DecodeStateResult = { readonly ok: true; readonly state: ReplicatedState } | { readonly ok: false; readonly error: string };

function section(w: EncodeWriter, tag: number, body: (b: EncodeWriter) => void): void {
  const b = w.child();
  body(b);
  w.raw(Uint8Array.of(tag)).nat(b.bytesView().length).raw(b.bytesView());
}

/**
 * Encodes `state`, writing the objects it needs that `sink` lacks (see the
 * module header). Errors of the sink itself are thrown as they are.
 */
export function encodeState(state: ReplicatedState, sink: PageSink): EncodeStateResult {
  const w = new EncodeWriter(sink);
  try {
    w.raw(MAGIC).raw(Uint8Array.of(CHECKPOINT_VERSION));
    section(w, SECTION.metadata, (b) => systemMetadata.enc(b, state.metadata));
    section(w, SECTION.subnetQueues, (b) => canisterQueues.enc(b, state.subnetQueues));
    section(w, SECTION.streams, (b) => streams.enc(b, state.streams));
    for (const c of state.canisters()) section(w, SECTION.canister, (b) => canisterState.enc(b, c));
    w.raw(Uint8Array.of(SECTION.end));
  } catch (e) {
    if (e instanceof CheckpointRefusal) return { ok: false, error: e.message };
    throw e;
  }
  const body = w.bytesView();
  const out = new Uint8Array(body.length + CHECKSUM_BYTES);
  out.set(body);
  out.set(sha256(body), body.length);
  return { ok: true, bytes: out, roots: w.roots() };
}

function readSections(r: DecodeReader): ReplicatedState {
  const expect = (tag: number, what: string): number => {
    const t = r.byte();
    if (t !== tag) formatError(`section ${t} where ${what} belongs`);
    return r.small(r.remaining);
  };
  const within = <T>(len: number, what: string, f: () => T): T => {
    const end = r.position + len;
    const v = f();
    if (r.position !== end) formatError(`the ${what} section has ${len} bytes, ${r.position - (end - len)} were read`);
    return v;
  };
  const metadata = within(expect(SECTION.metadata, 'the metadata'), 'metadata', () => systemMetadata.dec(r));
  const subnetQueues = within(expect(SECTION.subnetQueues, 'the subnet queues'), 'subnet queues', () => canisterQueues.dec(r));
  const outgoing = within(expect(SECTION.streams, 'the streams'), 'streams', () => streams.dec(r));
  const state = new ReplicatedState(metadata, subnetQueues, new Map(), outgoing);
  let last: string | undefined;
  for (let tag = r.byte(); tag !== SECTION.end; tag = r.byte()) {
    if (tag !== SECTION.canister) formatError(`unknown section ${tag}`);
    const c = within(r.small(r.remaining), 'canister', () => canisterState.dec(r));
    // Hex keys order as the ids' bytes do (ReplicatedState's own order).
    const key = Buffer.from(c.canisterId.bytesView()).toString('hex');
    if (last !== undefined && key <= last) formatError(`canister ${c.canisterId.toText()} out of order or repeated`);
    state.putCanister(c);
  }
  r.end('the end section');
  return state;
}

/**
 * Rebuilds a state from `encodeState`'s bytes: objects come from `source`
 * (memories stay there until read), modules are compiled with `compile`.
 */
export function decodeState(bytes: Uint8Array, source: PageSource, compile: ModuleCompiler): DecodeStateResult {
  try {
    if (bytes.length < MAGIC.length + 2 + CHECKSUM_BYTES) return { ok: false, error: `a checkpoint of ${bytes.length} bytes is truncated` };
    const body = bytes.subarray(0, bytes.length - CHECKSUM_BYTES);
    if (Buffer.compare(sha256(body), bytes.subarray(bytes.length - CHECKSUM_BYTES)) !== 0) {
      return { ok: false, error: 'the checkpoint does not match its checksum (damaged or truncated)' };
    }
    if (Buffer.compare(body.subarray(0, MAGIC.length), MAGIC) !== 0) return { ok: false, error: 'not a checkpoint (bad magic)' };
    const version = body[MAGIC.length];
    if (version !== CHECKPOINT_VERSION) return { ok: false, error: `checkpoint version ${version}; this code reads version ${CHECKPOINT_VERSION}` };
    const r = new DecodeReader(body.subarray(MAGIC.length + 1), source, compile);
    return { ok: true, state: readSections(r) };
  } catch (e) {
    return { ok: false, error: `damaged checkpoint: ${e instanceof Error ? e.message : String(e)}` };
  }
}
