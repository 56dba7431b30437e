// Stored pages across the sandbox pool: after a checkpoint evicts a
// canister's pages to a store, a worker holding its state drops its copies
// (`pagesEvicted`), a worker that never saw it gets the stored pages by hash,
// and either loads what a message reads through the page channel — with the
// same replies, memory and instruction counts as in-process.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Hypervisor } from '../../src/hypervisor/index.ts';
import { pageHash, pageKey } from '../../src/state/index.ts';
import type { ExecutionState, PageStore } from '../../src/state/index.ts';
import { ExecutionTestBuilder } from '../harness/execution-test.ts';
import type { MessageOutcome } from '../harness/execution-test.ts';
import { STATEFUL } from './wat-canisters.ts';

const NONE = new Uint8Array(0);
const hypervisors = [new Hypervisor(), new Hypervisor({ workers: 1 })];
after(() => Promise.all(hypervisors.map((hv) => hv.close())));

/** A content-addressed store in a Map (what a checkpoint writes), counting reads. */
class MapStore implements PageStore {
  readonly objects = new Map<string, Uint8Array>();
  reads = 0;
  get(key: Uint8Array): Uint8Array | undefined {
    this.reads++;
    return this.objects.get(Buffer.from(key).toString('hex'));
  }
  has(key: Uint8Array): boolean {
    return this.objects.has(Buffer.from(key).toString('hex'));
  }
  /** Writes every page of the state (the checkpoint's part) and evicts them. */
  checkpoint(x: ExecutionState): void {
    for (const map of [x.heap, x.stable.pages]) {
      for (const p of map.pages()) this.objects.set(Buffer.from(pageKey(pageHash(p.bytes))).toString('hex'), p.bytes.slice());
      map.evict(this);
    }
  }
}

const seen = (o: MessageOutcome): unknown => ({ reply: o.reply === undefined ? undefined : Buffer.from(o.reply).toString('hex'), error: o.error?.code, instructions: o.result.instructionsExecuted });

describe('stored pages in sandbox workers', () => {
  it('messages on evicted states give the same results in a worker and in-process', async () => {
    const transcripts: unknown[][] = [];
    const stores: MapStore[] = [];
    for (const hv of hypervisors) {
      const store = new MapStore();
      stores.push(store);
      const test = new ExecutionTestBuilder().withHypervisor(hv).build();
      const id = await test.canisterFromWat(STATEFUL);
      const out: unknown[] = [];
      for (let i = 0; i < 3; i++) out.push(seen(await test.ingress(id, 'write', NONE)));
      const x = test.canisterState(id).execution;
      store.checkpoint(x);
      assert.equal(x.heap.inMemoryPageCount() + x.stable.pages.inMemoryPageCount(), 0);
      hv.pagesEvicted([x], store); // the worker that ran the messages drops its copies
      out.push(seen(await test.query(id, 'read', NONE))); // stable memory read back through the store
      out.push(seen(await test.ingress(id, 'write', NONE)));
      hv.dropInstances(id); // a fresh instance: the whole heap loaded from stored pages
      out.push(seen(await test.ingress(id, 'write', NONE)));
      out.push(seen(await test.query(id, 'read', NONE)));
      // a query on the evicted state itself, now an older snapshot: sent as a page delta from a newer state
      const onSnapshot = await hv.execute({
        canisterId: id, state: x, entryPoint: { kind: 'query', method: 'read' },
        apiType: { kind: 'nonReplicatedQuery', time: test.time, caller: id, arg: NONE },
        systemState: { canisterId: id, balance: 10n ** 12n, subnetId: test.env.subnetId }, limits: { message: 10n ** 9n },
      });
      assert.equal(onSnapshot.kind, 'finished');
      out.push(onSnapshot.kind === 'finished' ? Buffer.from(onSnapshot.result.response?.kind === 'reply' ? onSnapshot.result.response.payload : []).toString('hex') : '');
      const after = test.canisterState(id).execution;
      out.push([after.heap.contentHash(), after.stable.pages.contentHash(), after.globals]);
      transcripts.push(out);
    }
    assert.deepEqual(transcripts[1], transcripts[0]);
    assert.equal((transcripts[0][7] as string).slice(0, 16), Buffer.from(new BigUint64Array([3n]).buffer).toString('hex'), 'the snapshot shows 3 writes');
    assert.deepEqual((transcripts[0][6] as { reply: string }).reply.slice(0, 16), Buffer.from(new BigUint64Array([5n]).buffer).toString('hex'));
    assert.ok(stores[1].reads > 0, 'the worker loaded stored pages through the channel');
    assert.equal(hypervisors[1].pool?.stats.workerDeaths, 0);
  });
});
