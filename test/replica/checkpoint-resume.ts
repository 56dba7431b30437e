// A replica continued from a checkpoint behaves as one that never stopped:
// the helper for restart and crash tests.
//
// `checkContinuation` makes two identical replicas and drives them round by
// round with the same driver (a seeded workload), comparing state hashes;
// at the first checkpoint height (`checkpointInterval`, where the scheduler
// has aborted every paused execution) at or after `restartAfterRounds`, the
// second is stopped, its committed state goes through the checkpoint codec
// (`encodeState` into an object store, `decodeState` back, modules recompiled
// by a fresh compile cache), and a new replica continues from the decoded
// state — same clock time, same submit nonce, the driver's own state carried
// over. Both are then driven `roundsAfter` more rounds, compared after each.
import assert from 'node:assert/strict';
import { ManualClock, Replica } from '../../src/index.ts';
import type { ReplicaOptions } from '../../src/index.ts';
import { Hypervisor } from '../../src/hypervisor/index.ts';
import { compilerOf, decodeState, encodeState, stateHash } from '../../src/state/index.ts';
import type { PageSink, PageSource, ReplicatedState } from '../../src/state/index.ts';
import { time } from '../../src/types/index.ts';
import { DEFAULT_START_TIME } from '../../src/replica/replica.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** A content-addressed object store in memory (both sides of the codec). */
export class MemoryObjectStore implements PageSink, PageSource {
  readonly objects = new Map<string, Uint8Array>();
  has(key: Uint8Array): boolean { return this.objects.has(hex(key)); }
  put(key: Uint8Array, bytes: Uint8Array): void { this.objects.set(hex(key), Uint8Array.from(bytes)); }
  get(key: Uint8Array): Uint8Array | undefined { return this.objects.get(hex(key)); }
}

/** What the helper drives: a replica plus whatever state the driver keeps (a PRNG, pending calls). */
export interface ContinuationDriver<D> {
  readonly ic: Replica;
  /** The options `ic` was made with: the restarted replica gets the same (its own clock, state and nonce aside). */
  readonly options: ReplicaOptions;
  /** One round: submit, move time, tick. */
  round(): Promise<void>;
  /** The driver moved onto `ic`, a replica restarted from this one's state. */
  continueOn(ic: Replica): D;
}

/**
 * Encodes `state` into `store` and decodes it back, as a restart from a
 * checkpoint does. @throws {AssertionError} if either side returns an error.
 */
export function throughCheckpoint(state: ReplicatedState, store: MemoryObjectStore, hypervisor: Hypervisor): ReplicatedState {
  const enc = encodeState(state, store);
  assert.ok(enc.ok, enc.ok ? '' : `encode: ${enc.error}`);
  const dec = decodeState(enc.bytes, store, compilerOf((w) => hypervisor.compile(w)));
  assert.ok(dec.ok, dec.ok ? '' : `decode: ${dec.error}`);
  return dec.state;
}

export interface ContinuationReport<D> {
  /** The drivers at the end (their replicas closed): the one that never stopped, and the restarted one. */
  readonly uninterrupted: D;
  readonly restarted: D;
  /** Height of the checkpoint the second replica restarted from. */
  readonly restartHeight: bigint;
  /** Height both reached at the end. */
  readonly finalHeight: bigint;
  /** The common state hash at the end (hex). */
  readonly finalHash: string;
  /** Objects in the store after the checkpoint (pages, nodes, modules, chunks). */
  readonly objects: number;
}

/** Runs the comparison described in the file header. @throws {AssertionError} at the first round whose hashes differ. */
export async function checkContinuation<D extends ContinuationDriver<D>>(opts: {
  readonly create: (replica: ReplicaOptions) => Promise<D>;
  readonly replica: ReplicaOptions & { readonly checkpointInterval: bigint };
  readonly restartAfterRounds: number;
  readonly roundsAfter: number;
}): Promise<ContinuationReport<D>> {
  const clockA = new ManualClock(time(DEFAULT_START_TIME));
  const clockB = new ManualClock(time(DEFAULT_START_TIME));
  const a = await opts.create({ ...opts.replica, clock: clockA });
  const b = await opts.create({ ...opts.replica, clock: clockB });
  const hypervisor = new Hypervisor();
  try {
    const same = (what: string): string => {
      const h = hex(a.ic.stateHash());
      assert.equal(hex(b.ic.stateHash()), h, what);
      return h;
    };
    same('after set-up');
    for (let r = 1; r <= opts.restartAfterRounds || b.ic.height % opts.replica.checkpointInterval !== 0n; r++) {
      await a.round();
      await b.round();
      same(`round ${r} before the restart`);
    }
    const restartHeight = b.ic.height;
    const store = new MemoryObjectStore();
    const restored = throughCheckpoint(b.ic.committedState, store, hypervisor);
    assert.equal(hex(stateHash(restored)), hex(b.ic.stateHash()), 'the decoded state');
    const nonce = b.ic.nonce;
    await b.ic.close();
    const ic = await Replica.create({
      ...b.options, clock: new ManualClock(time(clockB.nowNanos())), hypervisor, initialState: restored, initialNonce: nonce,
    });
    const c = b.continueOn(ic);
    assert.equal(hex(stateHash(c.ic.committedState)), hex(a.ic.stateHash()), 'the restarted replica starts at the same state');
    let finalHash = '';
    try {
      for (let r = 1; r <= opts.roundsAfter; r++) {
        await a.round();
        await c.round();
        finalHash = hex(a.ic.stateHash());
        assert.equal(hex(c.ic.stateHash()), finalHash, `round ${r} after the restart at height ${restartHeight}`);
      }
      assert.equal(c.ic.height, a.ic.height);
      return { uninterrupted: a, restarted: c, restartHeight, finalHeight: a.ic.height, finalHash, objects: store.objects.size };
    } finally {
      await c.ic.close();
    }
  } finally {
    await a.ic.close();
    await hypervisor.close();
  }
}
