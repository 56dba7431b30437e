// The checkpoint codec on real replica states: the mixed Motoko workload
// (calls back and forth, DTS, timers, traps, reinstalls that pause) plus a
// chunk store and a canister snapshot, round-tripped at every checkpoint
// height.
//
// Test steps:
// 1. A workload replica checkpointing every 20 heights; a chunk uploaded to
//    one node canister, a snapshot taken of another.
// 2. Every round: at a checkpoint height, encode the committed state into an
//    in-memory object store, decode it (modules recompiled by a fresh compile
//    cache), and check the state hash and a byte-equal re-encoding; at other
//    heights, a state with a paused execution is refused with an error value.
// 3. A later checkpoint into the same store writes only what changed (the
//    unit tests count it exactly: one page and the six nodes above it).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { IDL } from '@dfinity/candid';
import { compilerOf, decodeState, encodeState, stateHash } from '../../src/state/index.ts';
import type { PageSink, PageSource, ReplicatedState } from '../../src/state/index.ts';
import { CompileCache } from '../../src/wasm/index.ts';
import { MGMT, uploadArg } from './install-support.ts';
import { enc, p } from './support.ts';
import { WorkloadReplica } from './workload.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const INTERVAL = 20n;
const CHECKPOINTS = 3;

class MapStore implements PageSink, PageSource {
  readonly objects = new Map<string, Uint8Array>();
  puts = 0;
  has(key: Uint8Array): boolean { return this.objects.has(hex(key)); }
  put(key: Uint8Array, bytes: Uint8Array): void { this.objects.set(hex(key), Uint8Array.from(bytes)); this.puts++; }
  get(key: Uint8Array): Uint8Array | undefined { return this.objects.get(hex(key)); }
}

describe('checkpoint codec on workload states', () => {
  let w: WorkloadReplica;
  before(async () => {
    w = await WorkloadReplica.create({ checkpointInterval: INTERVAL });
    await w.ic.updateCall(MGMT, 'upload_chunk', uploadArg(w.nodes[0], Uint8Array.of(1, 2, 3)));
    await w.ic.updateCall(MGMT, 'take_canister_snapshot', enc(
      [IDL.Record({ canister_id: IDL.Principal, replace_snapshot: IDL.Opt(IDL.Vec(IDL.Nat8)), uninstall_code: IDL.Opt(IDL.Bool), sender_canister_version: IDL.Opt(IDL.Nat64) })],
      [{ canister_id: p(w.nodes[1]), replace_snapshot: [], uninstall_code: [], sender_canister_version: [] }],
    ));
  });
  after(async () => { await w.ic.close(); });

  it(`round-trips the committed state at ${CHECKPOINTS} checkpoint heights and refuses paused executions between them`, async () => {
    const store = new MapStore();
    const compile = compilerOf((wasm) => cache.get(wasm));
    const cache = new CompileCache();
    let checkpoints = 0;
    let refused = 0;
    let incremental: { puts: number; objects: number } | undefined;
    while (checkpoints < CHECKPOINTS) {
      await w.round();
      const s: ReplicatedState = w.ic.committedState;
      const paused = s.canisters().some((c) => ['pausedExecution', 'pausedInstallCode'].includes(c.systemState.taskQueue.pausedOrAborted?.kind ?? ''));
      if (w.ic.height % INTERVAL !== 0n) {
        if (paused) {
          const r = encodeState(s, new MapStore());
          assert.ok(!r.ok && /paused/.test(r.error));
          refused++;
        }
        continue;
      }
      assert.ok(!paused, 'the scheduler aborts paused executions at a checkpoint height');
      const before = store.puts;
      const r = encodeState(s, store);
      assert.ok(r.ok, r.ok ? '' : r.error);
      if (checkpoints > 0) incremental = { puts: store.puts - before, objects: store.objects.size };
      const d = decodeState(r.bytes, store, compile);
      assert.ok(d.ok, d.ok ? '' : d.error);
      assert.equal(hex(stateHash(d.state)), hex(stateHash(s)), `height ${w.ic.height}`);
      const again = encodeState(d.state, store);
      assert.ok(again.ok);
      assert.equal(hex(again.bytes), hex(r.bytes));
      assert.deepEqual(again.roots.map(hex), r.roots.map(hex));
      checkpoints++;
    }
    const s = w.ic.committedState;
    assert.ok(s.canisters().some((c) => c.snapshots.count > 0) && s.canisters().some((c) => c.systemState.wasmChunkStore.size > 0));
    assert.ok(refused > 0, 'some round between checkpoints ended with a paused execution');
    assert.ok(incremental !== undefined && incremental.puts < incremental.objects / 2, JSON.stringify(incremental));
    process.stdout.write(`# last checkpoint wrote ${incremental.puts} of ${incremental.objects} objects; ${refused} paused states refused\n`);
  });
});
