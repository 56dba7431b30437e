/**
 * The batch log's record: one `Batch` (src/consensus) as bytes, exactly —
 * decoding gives a batch that executes identically.
 *
 *     'B' ‖ version 2 ‖ height u64 ‖ time u64 ‖ flags u8
 *       [randomness 32]                                   flag 0x02 (inline randomness)
 *       [previous state digest 32]                        flag 0x20 (version 2)
 *       ingress: u32 count ‖ (message id 32 ‖ receiver ‖ expiry u64 ‖ payload)*
 *       [consensus responses: u32 count ‖ (callback id u64 ‖ 0 ‖ data | 1 ‖ code u32 ‖ message)*]   flag 0x04
 *       [batch summary: next checkpoint height u64 ‖ interval length u64]                          flag 0x08
 *       [network topology: u32 count ‖ (subnet id ‖ type u8 ‖ size u32 ‖ u32 count ‖ (start ‖ end)*)*]  flag 0x10
 *       SHA-256 of everything before (32)
 *     flags: 0x01 requiresFullStateHash
 *
 * The previous state digest (version 2) is the full `stateHash` of the
 * state the batch executes on — the state at `height − 1` — as the replica
 * that logged it had it: a reference for `replay` (replay.ts) at every
 * height, not only at checkpoints, at no extra write (it rides in the record
 * logged anyway). It is not part of the `Batch`. Version 1 records (no
 * digest) still decode.
 *
 * Randomness is not stored by default (`randomness: 'derived'`): the local
 * block maker derives it from the subnet key and the height (the random
 * tape, src/consensus/random-tape.ts), and so does the decoder, lazily — the
 * subnet key is kept in the store's meta. A batch source whose randomness
 * does not come from the tape logs it inline (`'inline'`). Encoding in
 * `'derived'` mode never reads `batch.randomness` (computing it costs a BLS
 * signature).
 *
 * Every field of `Batch` must be covered: a batch carrying a field this
 * codec does not know (a non-empty value) is refused as an error value, so
 * a field added to `Batch` and not logged stops the replica instead of
 * being lost on replay (the test enumerates a full batch's fields). XNet
 * slices are not logged yet: a durable replica is a subnet on its own, whose
 * batches carry none (a multi-subnet `Network` is not durable).
 */
import type { Batch, BatchSummary, ConsensusResponse, SignedIngress } from '../consensus/index.ts';
import { MESSAGE_ID_BYTES, RANDOMNESS_BYTES } from '../consensus/index.ts';
import { sha256 } from '../crypto/index.ts';
import type { SubnetType } from '../config/index.ts';
import { NetworkTopology } from '../state/index.ts';
import type { SubnetTopology } from '../state/index.ts';
import type { Height } from '../types/index.ts';
import { CanisterId, MAX_PRINCIPAL_BYTES, SubnetId, height as toHeight, time as toTime } from '../types/index.ts';
import { ByteReader, ByteWriter, RecordFormatError } from './bytes.ts';

const MAGIC = 0x42; // 'B'
const VERSION = 2;
/** Versions this build decodes. */
const READABLE_VERSIONS: readonly number[] = [1, 2];
const FLAG_CHECKPOINT = 0x01;
const FLAG_RANDOMNESS = 0x02;
const FLAG_RESPONSES = 0x04;
const FLAG_SUMMARY = 0x08;
const FLAG_TOPOLOGY = 0x10;
const FLAG_PREVIOUS_DIGEST = 0x20;
const DIGEST_BYTES = 32;
const SUBNET_TYPES: readonly SubnetType[] = ['application', 'verified_application', 'system'];
const CHECKSUM_BYTES = 32;
/** Longest reject message accepted when decoding (a consensus response's text is bounded well below). */
const MAX_TEXT_BYTES = 1 << 20;

/** The fields of `Batch` this codec logs. */
export const LOGGED_BATCH_FIELDS: readonly string[] = Object.freeze([
  'height', 'time', 'randomness', 'ingress', 'requiresFullStateHash', 'consensusResponses', 'batchSummary', 'networkTopology',
]);

/** How a batch's randomness is logged (see the module header). */
export type RandomnessMode = 'derived' | 'inline';

export type BatchEncodeResult = { readonly ok: true; readonly bytes: Uint8Array } | { readonly ok: false; readonly error: string };
export type BatchDecodeResult =
  | { readonly ok: true; readonly batch: Batch; readonly previousStateDigest?: Uint8Array }
  | { readonly ok: false; readonly error: string };

/** Options of {@link encodeBatch}. */
export interface BatchEncodeOptions {
  readonly randomness?: RandomnessMode;
  /** The `stateHash` of the state at `height − 1`, kept in the record (see the module header). */
  readonly previousStateDigest?: Uint8Array;
}

function unknownField(batch: Batch): string | undefined {
  for (const name of Object.keys(batch)) {
    if (LOGGED_BATCH_FIELDS.includes(name)) continue; // never read `randomness` here: it may be computed on first read
    const value: unknown = (batch as unknown as Record<string, unknown>)[name];
    if (value === undefined) continue;
    if (Array.isArray(value) && value.length === 0) continue;
    return name;
  }
  return undefined;
}

function writeIngress(w: ByteWriter, m: SignedIngress): void {
  if (m.messageId.length !== MESSAGE_ID_BYTES) throw new RangeError(`a message id of ${m.messageId.length} bytes`);
  w.raw(m.messageId).bytes(m.receiver.bytesView()).u64(m.expiry).bytes(m.payload);
}

function writeResponse(w: ByteWriter, r: ConsensusResponse): void {
  w.u64(r.callbackId);
  if (r.payload.kind === 'data') w.u8(0).bytes(r.payload.data);
  else w.u8(1).u32(r.payload.reject.code).str(r.payload.reject.message);
}

function writeTopology(w: ByteWriter, t: NetworkTopology): void {
  w.u32(t.subnets.length);
  for (const s of t.subnets) {
    w.bytes(s.subnetId.bytesView()).u8(SUBNET_TYPES.indexOf(s.subnetType)).u32(s.size).u32(s.ranges.length);
    for (const r of s.ranges) w.bytes(r.start.bytesView()).bytes(r.end.bytesView());
  }
}

function readTopology(r: ByteReader): NetworkTopology {
  const subnets: SubnetTopology[] = [];
  for (let n = r.u32(); n > 0; n--) {
    const subnetId = SubnetId.fromUint8Array(r.bytes(MAX_PRINCIPAL_BYTES));
    const subnetType = SUBNET_TYPES[r.u8()] as SubnetType | undefined;
    if (subnetType === undefined) throw new RecordFormatError('an unknown subnet type');
    const size = r.u32();
    const ranges: { start: CanisterId; end: CanisterId }[] = [];
    for (let k = r.u32(); k > 0; k--) {
      ranges.push({ start: CanisterId.fromUint8Array(r.bytes(MAX_PRINCIPAL_BYTES)), end: CanisterId.fromUint8Array(r.bytes(MAX_PRINCIPAL_BYTES)) });
    }
    subnets.push({ subnetId, subnetType, size, ranges });
  }
  try {
    return new NetworkTopology(subnets);
  } catch (e) {
    throw new RecordFormatError(`a network topology that cannot be: ${(e as Error).message}`);
  }
}

/** The log record of `batch` (see the module header), or why it cannot be logged. */
export function encodeBatch(batch: Batch, opts: BatchEncodeOptions = {}): BatchEncodeResult {
  const field = unknownField(batch);
  if (field !== undefined) return { ok: false, error: `the batch log does not know the batch field '${field}'` };
  const inline = opts.randomness === 'inline';
  const responses = batch.consensusResponses;
  const summary = batch.batchSummary;
  const topology = batch.networkTopology;
  const digest = opts.previousStateDigest;
  if (digest !== undefined && digest.length !== DIGEST_BYTES) return { ok: false, error: `a previous state digest of ${digest.length} bytes` };
  const flags = (batch.requiresFullStateHash ? FLAG_CHECKPOINT : 0) | (inline ? FLAG_RANDOMNESS : 0)
    | (responses !== undefined ? FLAG_RESPONSES : 0) | (summary !== undefined ? FLAG_SUMMARY : 0) | (topology !== undefined ? FLAG_TOPOLOGY : 0)
    | (digest !== undefined ? FLAG_PREVIOUS_DIGEST : 0);
  try {
    const w = new ByteWriter().u8(MAGIC).u8(VERSION).u64(batch.height).u64(batch.time).u8(flags);
    if (inline) {
      if (batch.randomness.length !== RANDOMNESS_BYTES) return { ok: false, error: `randomness of ${batch.randomness.length} bytes` };
      w.raw(batch.randomness);
    }
    if (digest !== undefined) w.raw(digest);
    w.u32(batch.ingress.length);
    for (const m of batch.ingress) writeIngress(w, m);
    if (responses !== undefined) {
      w.u32(responses.length);
      for (const r of responses) writeResponse(w, r);
    }
    if (summary !== undefined) w.u64(summary.nextCheckpointHeight).u64(summary.currentIntervalLength);
    if (topology !== undefined) writeTopology(w, topology);
    const body = w.finish();
    return { ok: true, bytes: new ByteWriter().raw(body).raw(sha256(body)).finish() };
  } catch (e) {
    return { ok: false, error: `the batch at height ${batch.height} cannot be logged: ${(e as Error).message}` };
  }
}

function readIngress(r: ByteReader): SignedIngress {
  const messageId = r.raw(MESSAGE_ID_BYTES);
  const receiver = CanisterId.fromUint8Array(r.bytes(MAX_PRINCIPAL_BYTES));
  const expiry = toTime(r.u64());
  const payload = r.bytes();
  return Object.freeze({ messageId, receiver, expiry, payload });
}

function readResponse(r: ByteReader): ConsensusResponse {
  const callbackId = r.u64();
  const kind = r.u8();
  if (kind === 0) return Object.freeze({ callbackId, payload: Object.freeze({ kind: 'data', data: r.bytes() }) });
  if (kind !== 1) throw new RecordFormatError(`a consensus response of kind ${kind}`);
  const code = r.u32();
  const message = r.str(MAX_TEXT_BYTES);
  return Object.freeze({ callbackId, payload: Object.freeze({ kind: 'reject', reject: Object.freeze({ code, message }) }) });
}

/**
 * The batch of a log record.
 * @param randomnessOf the random tape (subnet key) for records whose randomness is derived; called at most once, when the batch's randomness is first read.
 */
export function decodeBatch(bytes: Uint8Array, randomnessOf: (height: Height) => Uint8Array): BatchDecodeResult {
  try {
    if (bytes.length < CHECKSUM_BYTES + 19) throw new RecordFormatError(`a batch record of ${bytes.length} bytes`);
    const body = bytes.subarray(0, bytes.length - CHECKSUM_BYTES);
    if (Buffer.compare(sha256(body), bytes.subarray(bytes.length - CHECKSUM_BYTES)) !== 0) {
      throw new RecordFormatError('its checksum does not match');
    }
    const r = new ByteReader(body);
    if (r.u8() !== MAGIC) throw new RecordFormatError('not a batch record');
    const version = r.u8();
    if (!READABLE_VERSIONS.includes(version)) throw new RecordFormatError(`format version ${version} (this build reads ${READABLE_VERSIONS.join(', ')})`);
    const height = toHeight(r.u64());
    const time = toTime(r.u64());
    const flags = r.u8();
    const known = FLAG_CHECKPOINT | FLAG_RANDOMNESS | FLAG_RESPONSES | FLAG_SUMMARY | FLAG_TOPOLOGY | (version >= 2 ? FLAG_PREVIOUS_DIGEST : 0);
    if ((flags & ~known) !== 0) throw new RecordFormatError(`unknown flags ${flags}`);
    const inline = (flags & FLAG_RANDOMNESS) !== 0 ? r.raw(RANDOMNESS_BYTES) : undefined;
    const previousStateDigest = (flags & FLAG_PREVIOUS_DIGEST) !== 0 ? r.raw(DIGEST_BYTES) : undefined;
    const ingress: SignedIngress[] = [];
    for (let n = r.u32(); n > 0; n--) ingress.push(readIngress(r));
    let consensusResponses: ConsensusResponse[] | undefined;
    if ((flags & FLAG_RESPONSES) !== 0) {
      consensusResponses = [];
      for (let n = r.u32(); n > 0; n--) consensusResponses.push(readResponse(r));
    }
    let batchSummary: BatchSummary | undefined;
    if ((flags & FLAG_SUMMARY) !== 0) batchSummary = Object.freeze({ nextCheckpointHeight: toHeight(r.u64()), currentIntervalLength: r.u64() });
    const networkTopology = (flags & FLAG_TOPOLOGY) !== 0 ? readTopology(r) : undefined;
    r.end('batch record');
    const fields: Record<string, unknown> = {
      height, time, ingress: Object.freeze(ingress), requiresFullStateHash: (flags & FLAG_CHECKPOINT) !== 0,
      ...(consensusResponses === undefined ? {} : { consensusResponses: Object.freeze(consensusResponses) }),
      ...(batchSummary === undefined ? {} : { batchSummary }),
      ...(networkTopology === undefined ? {} : { networkTopology }),
    };
    let randomness = inline;
    Object.defineProperty(fields, 'randomness', { enumerable: true, get: () => (randomness ??= randomnessOf(height)) });
    const batch = Object.freeze(fields) as unknown as Batch;
    return previousStateDigest === undefined ? { ok: true, batch } : { ok: true, batch, previousStateDigest };
  } catch (e) {
    if (e instanceof RecordFormatError || e instanceof RangeError) return { ok: false, error: `a damaged batch record: ${e.message}` };
    throw e;
  }
}
