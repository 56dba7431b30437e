import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../env/index.ts';
import { height, time } from '../types/index.ts';
import type { Batch, BatchPosition } from './batch.ts';
import { batchProblem } from './batch.ts';
import type { BatchSource } from './batch-source.ts';
import { LocalBlockMaker } from './local-block-maker.ts';
import { testIngress, testKey } from './test-support.ts';

/**
 * A source that replays batches received from elsewhere (a batch log, or
 * a distributed engine's consumer appending decoded batches): the shape a
 * non-local implementation has.
 */
class QueueSource implements BatchSource {
  readonly #queue: Batch[] = [];
  #wake: (() => void) | undefined;

  deliver(batch: Batch): void {
    this.#queue.push(batch);
    this.#wake?.();
    this.#wake = undefined;
  }

  nextBatch(): Batch | undefined {
    return this.#queue.shift();
  }

  ready(signal?: AbortSignal): Promise<void> {
    if (this.#queue.length > 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.#wake = resolve;
      signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
  }
}

/** A round loop that knows only the interface. */
async function drive(source: BatchSource, rounds: number): Promise<Batch[]> {
  const executed: Batch[] = [];
  let previous: BatchPosition | undefined;
  while (executed.length < rounds) {
    await source.ready();
    for (let b = source.nextBatch(); b !== undefined; b = source.nextBatch()) {
      assert.equal(batchProblem(b, previous), undefined);
      executed.push(b);
      previous = b;
    }
  }
  return executed;
}

test('a fake BatchSource implements the interface and feeds the same loop as the local block maker', { timeout: 10_000 }, async () => {
  const maker = new LocalBlockMaker({ key: testKey(), clock: new ManualClock(time(1n)) });
  const queue = new QueueSource();
  const fromQueue = drive(queue, 3);
  for (let i = 1; i <= 3; i++) {
    maker.submit(testIngress(i));
    queue.deliver(maker.makeBatch());
    await Promise.resolve();
  }
  const replayed = await fromQueue;
  assert.deepEqual(replayed.map((b) => b.height), [height(1n), height(2n), height(3n)]);

  const live = new LocalBlockMaker({ key: testKey(), clock: new ManualClock(time(1n)) });
  const fromMaker = drive(live, 1);
  live.submit(testIngress(1));
  live.submit(testIngress(2));
  const made = await fromMaker;
  assert.equal(made.length, 1);
  assert.equal(made[0].ingress.length, 2);
  assert.deepEqual(made[0].randomness, replayed[0].randomness);
});
