// Replay and its per-height reference: what the state hash each batch
// record carries costs a replica per round, and how fast a log replays.
//
// The digest (src/state-manager/state-digest.ts) is the full `stateHash` of
// the committed state before the batch, with each canister's hash kept per
// `CanisterState` object of a committed snapshot (copy-on-write: an object
// never changes once committed). A round that changed k canisters hashes
// those k, the subnet's own parts and the list of canister ids.
//
// value = ms of the digest per round at 1,000 canisters, one changed per round;
// baseline = ms of the full stateHash of the same state (no cache), same run.
// Replay: a durable replica's data directory (3 counters, 300 batches,
// checkpoints every 60) replayed from its oldest kept checkpoint, batches/s,
// against the same batches made and executed by the replica (rounds/s).
import { loadavg } from 'node:os';
import { replayDataDir } from '../src/replica/index.ts';
import { StateDigests } from '../src/state-manager/index.ts';
import { CanisterState, PAGE_BYTES, PageMap, ReplicatedState, SystemState, newExecutionState, newSchedulerState, stateHash } from '../src/state/index.ts';
import { compiled } from '../src/state/checkpoint/test-support.ts';
import { CanisterId, SubnetId } from '../src/types/index.ts';
import { makeDataDir, removeDirs } from '../test/state-manager/replay-fixture.ts';
import { median } from './lib.ts';
import type { BenchReport } from './lib.ts';

const SIZES = [10, 100, 1000];
const ROUNDS = 200;

function subnet(canisters: number): ReplicatedState {
  const state = ReplicatedState.empty(SubnetId.fromUint8Array(Uint8Array.of(1)), 'application', [{ start: CanisterId.fromU64(0n), end: CanisterId.fromU64(1n << 20n) }]);
  for (let i = 0; i < canisters; i++) {
    const heap = PageMap.fromPages([{ index: 0, bytes: new Uint8Array(PAGE_BYTES).fill(i & 255) }]);
    const es = { ...newExecutionState(compiled(0), { initialHeapPages: 1, initialGlobals: [] }), heap };
    state.putCanister(new CanisterState(new SystemState({ canisterId: CanisterId.fromU64(BigInt(i + 1)), controllers: [], cycles: 1_000_000n }), es, newSchedulerState(0n)));
  }
  return state;
}

/** ms per round of the cached digest (one canister changed per round) and of the full hash, at `n` canisters. */
function digestCost(n: number): { digestMs: number; fullHashMs: number } {
  const live = subnet(n);
  const digests = new StateDigests();
  digests.digest(live.snapshot());
  const cached: number[] = [];
  const full: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const c = live.canisterMut(CanisterId.fromU64(BigInt((r % n) + 1))) as CanisterState;
    c.systemState.removeCycles(1n);
    c.executionState = { ...(c.executionState as NonNullable<CanisterState['executionState']>), heap: (c.executionState as NonNullable<CanisterState['executionState']>).heap.withPages([{ index: 0, bytes: new Uint8Array(PAGE_BYTES).fill(r & 255) }]) };
    const committed = live.snapshot();
    let t0 = performance.now();
    const a = digests.digest(committed);
    cached.push(performance.now() - t0);
    if (r % 10 === 0) {
      t0 = performance.now();
      const b = stateHash(committed);
      full.push(performance.now() - t0);
      if (Buffer.compare(a, b) !== 0) throw new Error('the cached digest differs from stateHash');
    }
  }
  return { digestMs: median(cached), fullHashMs: median(full) };
}

export async function run(): Promise<BenchReport> {
  try {
    const rows = SIZES.map((n) => ({ canisters: n, ...digestCost(n) }));
    const t0 = performance.now();
    const fx = await makeDataDir(300);
    const makeMs = performance.now() - t0;
    const t1 = performance.now();
    const r = await replayDataDir(fx.dataDir);
    const replayMs = performance.now() - t1;
    if (!r.ok || !r.report.ok) throw new Error(`replay failed: ${JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}`);
    const last = rows[rows.length - 1];
    return {
      name: 'replay', unit: 'ms per round', value: last.digestMs, baseline: last.fullHashMs, ratio: last.digestMs / last.fullHashMs,
      target: { description: 'the per-round state digest costs ≤ 10% of a full state hash at 1,000 canisters (one changed per round)', met: last.digestMs <= 0.1 * last.fullHashMs },
      details: {
        digest: 'stateHash of the committed state before each batch, canister hashes cached per committed CanisterState; carried in the next batch record (no extra write)',
        baselineIs: 'stateHash of the same state without the cache, same run',
        byCanisters: rows,
        replay: {
          workload: '3 counter canisters, 300 batches (4 in 5 with an increment), checkpoints every 60, LMDB; replayed from the oldest kept checkpoint, every height verified',
          batches: r.report.batches, verifiedCheckpoints: r.report.verifiedHeights.length, logVerifiedHeights: r.report.logVerifiedHeights,
          msReplay: replayMs, batchesPerSecond: (r.report.batches / replayMs) * 1000,
          msMakeWithReplica: makeMs, roundsPerSecondMaking: (Number(fx.lastHeight) / makeMs) * 1000,
        },
        loadAverageAtEnd: loadavg().map((x) => Number(x.toFixed(2))),
      },
    };
  } finally {
    removeDirs();
  }
}
