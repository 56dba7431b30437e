/**
 * Codecs of a canister: its execution state (module by hash, memories by
 * root hash, globals), scheduler state, snapshots and system state.
 *
 * Modules are blobs keyed by their module hash; decoding compiles each
 * distinct module once through the given compiler (the compile cache) and
 * checks that it is the module named.
 */
import type { CompiledModule } from '../../wasm/index.ts';
import { CanisterSnapshots } from '../canister-snapshots.ts';
import type { CanisterSnapshot, SnapshotGlobal, SnapshotId, SnapshotMemory, SnapshotModule } from '../canister-snapshots.ts';
import { CanisterState } from '../canister-state.ts';
import type { ExecutionState, StableState } from '../execution-state.ts';
import type { LongExecutionMode, NextScheduledMethod, SchedulerState } from '../scheduler-state.ts';
import { sha256 } from '../../crypto/index.ts';
import {
  bytes, f64, formatError, int, list, literal, mapped, nat, numberOrBigint, opt, small, struct, variant,
} from './codec.ts';
import type { Codec } from './codec.ts';
import { canisterId } from './messages.ts';
import { OBJECT_KIND, objectKey } from './objects.ts';
import type { DecodeReader, EncodeWriter } from './objects.ts';
import { pageMapCodec } from './page-tree.ts';
import { CheckpointRefusal, HOOK_STATUSES, systemState, wasmChunkStore } from './system.ts';

type C<T> = Codec<T, EncodeWriter, DecodeReader>;

const HASH_BYTES = 32;

/** A compiled module: its installed bytes as a blob; decoded by compiling them (once per module). */
export const compiledModule: C<CompiledModule> = {
  enc: (w, m) => {
    if (m.wasm === undefined) throw new CheckpointRefusal(`module ${m.hash}: its installed bytes are not kept`);
    w.blob(Buffer.from(m.hash, 'hex'), m.wasm);
  },
  dec: (r) => {
    const hash = r.raw(HASH_BYTES);
    const hex = Buffer.from(hash).toString('hex');
    const known = r.modules.get(hex);
    if (known !== undefined) return known;
    const wasm = r.object(objectKey(OBJECT_KIND.blob, hash), 'module');
    const c = r.compile(wasm);
    if (!c.ok) return formatError(`module ${hex} does not compile: ${c.error}`);
    if (c.compiled.hash !== hex) return formatError(`module ${hex} compiled as ${c.compiled.hash}`);
    r.modules.set(hex, c.compiled);
    return c.compiled;
  },
};

const stable: C<StableState> = struct<StableState, EncodeWriter, DecodeReader>({ sizePages: small, pages: pageMapCodec });

/** The Wasm side of a canister (frozen, as `newExecutionState` makes it). */
export const executionState: C<ExecutionState> = struct<ExecutionState, EncodeWriter, DecodeReader>({
  compiled: compiledModule, heap: pageMapCodec, heapSizePages: small, stable, globals: list(numberOrBigint),
}, { freeze: true });

const LONG_EXECUTION_MODES: Record<LongExecutionMode, true> = { opportunistic: true, prioritized: true };
const NEXT_METHODS: Record<NextScheduledMethod, true> = { globalTimer: true, heartbeat: true, message: true };

/** The scheduler's per-canister data (a plain mutable object). */
export const schedulerState: Codec<SchedulerState> = struct<SchedulerState>({
  lastFullExecutionRound: nat, accumulatedPriority: int, priorityCredit: int, longExecutionMode: literal(LONG_EXECUTION_MODES),
  heapDeltaDebit: nat, installCodeDebit: nat, timeOfLastAllocationCharge: nat, nextScheduledMethod: literal(NEXT_METHODS),
});

// ---- snapshots -------------------------------------------------------------

const snapshotIdCodec: Codec<SnapshotId> = struct<SnapshotId>({ canisterId, localId: nat, bytes }, { freeze: true });
const memory: C<SnapshotMemory> = struct<SnapshotMemory, EncodeWriter, DecodeReader>({ sizePages: small, pages: pageMapCodec }, { freeze: true });
const global: Codec<SnapshotGlobal> = variant<SnapshotGlobal>({
  i32: { value: f64 }, f32: { value: f64 }, f64: { value: f64 }, i64: { value: int }, v128: { value: int },
}, { freeze: true });

/** An installed snapshot module's bytes: those of its compiled module (the usual case), or a blob of their own. */
const installedBytes = (compiled: () => CompiledModule): C<Uint8Array> => ({
  enc: (w, b) => {
    const same = b === compiled().wasm;
    w.bool(same);
    if (!same) w.blob(sha256(b), b);
  },
  dec: (r) => (r.bool() ? (compiled().wasm ?? formatError('a compiled module without its bytes')) : r.blob('snapshot module').bytes),
});

const snapshotModule: C<SnapshotModule> = {
  enc: (w, m) => {
    w.str(m.kind);
    if (m.kind === 'installed') {
      compiledModule.enc(w, m.compiled);
      installedBytes(() => m.compiled).enc(w, m.bytes);
    } else {
      w.nat(m.size);
      pageMapCodec.enc(w, m.pages);
    }
  },
  dec: (r) => {
    const kind = r.str();
    if (kind === 'installed') {
      const compiled = compiledModule.dec(r);
      return Object.freeze({ kind, compiled, bytes: installedBytes(() => compiled).dec(r) });
    }
    if (kind === 'uploaded') return Object.freeze({ kind, size: r.small(), pages: pageMapCodec.dec(r) });
    return formatError(`unknown snapshot module '${kind}'`);
  },
};

const snapshot: C<CanisterSnapshot> = struct<CanisterSnapshot, EncodeWriter, DecodeReader>({
  id: snapshotIdCodec, source: literal({ takenFromCanister: true, metadataUpload: true }), takenAtTimestamp: nat, canisterVersion: nat,
  module: snapshotModule, globals: list(global), heap: memory, stable: memory, certifiedData: bytes, chunkStore: wasmChunkStore,
  globalTimer: opt(nat), onLowWasmMemoryHookStatus: opt(literal(HOOK_STATUSES)), size: nat,
}, { freeze: true });

const snapshots: C<CanisterSnapshots> = mapped(
  struct<{ readonly snapshots: readonly CanisterSnapshot[] }, EncodeWriter, DecodeReader>({ snapshots: list(snapshot) }),
  (s: CanisterSnapshots) => s.toCheckpoint(), (c) => CanisterSnapshots.fromCheckpoint(c),
);

/** One canister: system state, execution state, scheduler state, snapshots. */
export const canisterState: C<CanisterState> = {
  enc: (w, c) => {
    systemState.enc(w, c.systemState);
    opt(executionState).enc(w, c.executionState);
    schedulerState.enc(w, c.schedulerState);
    snapshots.enc(w, c.snapshots);
  },
  dec: (r) => new CanisterState(systemState.dec(r), opt(executionState).dec(r), schedulerState.dec(r), snapshots.dec(r)),
};
