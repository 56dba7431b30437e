// Stable memory bounded by the heap-delta capacity, not by what was
// written: a WAT canister writes 256 MiB of stable memory in 64 MiB
// messages on a replica with a data dir (LMDB) whose heap-delta capacity is
// 128 MiB (sized for `npm test`: LMDB writes and syncs ~20–40 MiB/s of
// pages here; bench/stable-memory.bench.ts does 8 GiB).
// The replica asks for a checkpoint as soon as the heap delta reaches the
// capacity; the checkpoint writes the pages to the store and evicts them
// from RAM, so the pages held in RAM never exceed the capacity plus one
// message's delta; a restart on the directory reads the memory back without
// loading it. The same at half the size through 2 sandbox workers
// (their copies are evicted too, and they read back through the page
// channel). Counts pages, never time or RSS (bench/stable-memory.bench.ts
// measures resident memory with 8 GiB).
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCAL_SUBNET_HEAP_DELTA_CAPACITY, SUBNET_HEAP_DELTA_CAPACITY } from '../../src/config/index.ts';
import { Replica } from '../../src/index.ts';
import { inMemoryPageCount, pageCacheStats } from '../../src/state/index.ts';
import { numBytes } from '../../src/types/index.ts';
import { expectedStamp, readStable, stableWriterWasm, submitWrite } from './stable-writer.ts';

const MiB = 1n << 20n;
const dirs: string[] = [];
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

describe('large stable memory on a data dir', () => {
  it('bounds the pages changed since a checkpoint by the local heap-delta capacity on disk, the IC\'s in memory', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ic-exec-large-stable-'));
    dirs.push(dataDir);
    const onDisk = await Replica.create({ dataDir });
    assert.equal(onDisk.config.subnetHeapDeltaCapacity, LOCAL_SUBNET_HEAP_DELTA_CAPACITY);
    assert.equal(LOCAL_SUBNET_HEAP_DELTA_CAPACITY, numBytes(256n * MiB));
    await onDisk.close();
    const inMemory = await Replica.create();
    assert.equal(inMemory.config.subnetHeapDeltaCapacity, SUBNET_HEAP_DELTA_CAPACITY);
    await inMemory.close();
  });

  for (const [cores, message] of [[1, 64n * MiB], [2, 32n * MiB]] as const) {
    it(`${4n * message / MiB} MiB written in ${message / MiB} MiB messages keeps at most the heap-delta capacity plus one message in RAM (${cores} core${cores > 1 ? 's, sandbox workers' : ''})`, async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'ic-exec-large-stable-'));
      dirs.push(dataDir);
      const capacity = 2n * message;
      const messagePages = Number(message / 4096n);
      const opts = { dataDir, cores, schedulerConfig: { subnetHeapDeltaCapacity: numBytes(capacity) } };
      const ic = await Replica.create(opts);
      const id = await ic.createCanister();
      await ic.installCode(id, await stableWriterWasm());
      let maxInMemory = 0;
      let checkpoints = 0;
      const tick = async (): Promise<void> => {
        const before = ic.committedState.metadata.heapDeltaEstimate;
        await ic.tick();
        const inMemory = inMemoryPageCount(ic.committedState);
        maxInMemory = Math.max(maxInMemory, inMemory);
        if (before > 0n && ic.committedState.metadata.heapDeltaEstimate === 0n) { // the batch was a checkpoint
          checkpoints++;
          assert.ok(inMemory < 100, `after the checkpoint only a few heap pages stay in RAM, not ${inMemory}`);
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
      const probes = [[0n, 7n], [message + 3n * 4096n, 8n], [4n * message - 4096n, 10n]] as const;
      for (const [offset, salt] of probes) assert.deepEqual(await readStable(ic, id, offset), expectedStamp(offset, salt));
      const hash = ic.stateHash();
      await ic.close();

      // A restart on the directory: nothing of the memory is read until a message reads it.
      const misses = pageCacheStats().misses;
      const again = await Replica.create(opts);
      assert.deepEqual(again.stateHash(), hash);
      assert.equal(inMemoryPageCount(again.committedState), 0);
      for (const [offset, salt] of probes) assert.deepEqual(await readStable(again, id, offset), expectedStamp(offset, salt));
      if (cores === 1) assert.ok(pageCacheStats().misses - misses < 100, 'only the pages read were loaded');
      await again.close();
    });
  }
});
