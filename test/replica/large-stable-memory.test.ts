// Stable memory bounded by the heap-delta capacity, not by what was
// written: a WAT canister writes 1 GiB of stable memory in 256 MiB messages
// on a subnet whose heap-delta capacity is 512 MiB. The replica asks for a
// checkpoint as soon as the heap delta reaches the capacity; the checkpoint
// writes the pages and evicts them, so the pages held in RAM never exceed
// the capacity plus one message's delta. Counts pages, never time or RSS
// (bench/stable-memory.bench.ts measures resident memory with 8 GiB).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Replica } from '../../src/index.ts';
import { Hypervisor } from '../../src/hypervisor/index.ts';
import { evictPages, inMemoryPageCount, pageHash, pageKey } from '../../src/state/index.ts';
import type { PageStore, ReplicatedState } from '../../src/state/index.ts';
import { numBytes } from '../../src/types/index.ts';
import { expectedStamp, readStable, stableWriterWasm, submitWrite } from './stable-writer.ts';

const MiB = 1n << 20n;

/** A content-addressed page store in a Map: what a checkpoint writes (stands in for the LMDB store). */
class MapStore implements PageStore {
  readonly #objects = new Map<string, Uint8Array>();
  get(key: Uint8Array): Uint8Array | undefined { return this.#objects.get(Buffer.from(key).toString('latin1')); }
  has(key: Uint8Array): boolean { return this.#objects.has(Buffer.from(key).toString('latin1')); }
  /** The checkpoint's part: writes the state's pages in RAM, then evicts them (and tells the sandbox workers). */
  checkpoint(state: ReplicatedState, hypervisor?: Hypervisor): number {
    for (const c of state.canisters()) {
      const x = c.executionState;
      if (x === undefined) continue;
      for (const map of [x.heap, x.stable.pages]) {
        for (const leaf of map.leaves()) {
          if ('bytes' in leaf) this.#objects.set(Buffer.from(pageKey(pageHash(leaf.bytes))).toString('latin1'), leaf.bytes);
        }
      }
    }
    const r = evictPages(state, this);
    hypervisor?.pagesEvicted(r.storedStates, this);
    return r.evicted;
  }
}

describe('large stable memory', () => {
  // In-process: 1 GiB in 256 MiB messages under a 512 MiB capacity. Sandbox workers: the same at a
  // quarter of the size (the worker's copies are evicted too, and it reads back through the page channel).
  for (const [workers, message] of [[0, 256n * MiB], [2, 64n * MiB]] as const) it(`${4n * message / MiB} MiB written in ${message / MiB} MiB messages keeps at most the heap-delta capacity plus one message in RAM (${workers} sandbox workers)`, async () => {
    const capacity = 2n * message;
    const messagePages = Number(message / 4096n);
    const hypervisor = new Hypervisor({ workers });
    const ic = await Replica.create({
      hypervisor, schedulerConfig: { subnetHeapDeltaCapacity: numBytes(capacity), heapDeltaInitialReserve: numBytes(capacity) },
    });
    const store = new MapStore();
    const id = await ic.createCanister();
    await ic.installCode(id, await stableWriterWasm());
    let maxInMemory = 0;
    let checkpoints = 0;
    const tick = async (): Promise<void> => {
      const before = ic.committedState.metadata.heapDeltaEstimate;
      await ic.tick();
      maxInMemory = Math.max(maxInMemory, inMemoryPageCount(ic.committedState));
      if (before > 0n && ic.committedState.metadata.heapDeltaEstimate === 0n) { // the batch was a checkpoint
        checkpoints++;
        assert.ok(store.checkpoint(ic.committedState, hypervisor) >= 2 * messagePages);
        assert.ok(inMemoryPageCount(ic.committedState) < 100, 'after the checkpoint only a few heap pages stay in RAM');
      }
    };
    for (let k = 0n; k < 4n; k++) {
      const mid = await submitWrite(ic, id, k * message, message, 7n + k);
      for (let rounds = 0; ic.ingressStatus(mid)?.state.kind !== 'completed'; rounds++) {
        assert.ok(rounds < 20, `write ${k} not done after 20 rounds: ${JSON.stringify(ic.ingressStatus(mid)?.state)}`);
        await tick();
      }
    }
    await tick(); // the heap delta reached the capacity: this batch is a checkpoint
    const x = ic.committedState.canister(id)?.executionState;
    assert.equal(x?.stable.sizePages, Number(4n * message / 65536n));
    assert.equal(x?.stable.pages.pageCount, 4 * messagePages);
    assert.equal(checkpoints, 2, 'a checkpoint after every two messages');
    assert.ok(maxInMemory <= Number(capacity / 4096n) + messagePages + 100, `in RAM at most: ${maxInMemory} pages`);
    for (const [offset, salt] of [[0n, 7n], [message + 3n * 4096n, 8n], [4n * message - 4096n, 10n]] as const) {
      assert.deepEqual(await readStable(ic, id, offset), expectedStamp(offset, salt));
    }
    await ic.close();
    await hypervisor.close();
  });
});
