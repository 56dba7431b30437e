// Where batches come from. Execution depends on this interface only, so the
// local block maker can be replaced by a distributed engine (replicas of a
// subnet agreeing on batch order through, for example, NATS JetStream or
// etcd; DESIGN.md "Scale-out") without touching anything below consensus.
//
// Decision: a synchronous pull plus an asynchronous wake-up.
// - `nextBatch()` is synchronous because the replicated core is: the round
//   loop takes a batch, executes it to the end, commits, then takes the next.
//   Pulling gives back-pressure for free — a source never has to hold more
//   than the consumer has not yet asked for — and the consumer decides when
//   a batch is taken (after the previous round is committed and the batch
//   log has been written).
// - `ready()` is asynchronous because a real source waits on the network.
//   A distributed implementation runs its consumer (I/O, decoding,
//   verification) outside the round loop, appends the ordered batches to an
//   in-memory queue, and resolves `ready()` when the queue is non-empty;
//   `nextBatch()` then only shifts the queue.
//
// A driver is therefore:
//   for (;;) {
//     await source.ready(signal);                 // sleeps; no polling, no timers
//     for (let b = source.nextBatch(); b; b = source.nextBatch()) executeRound(b);
//   }
//
// Contract for every implementation (checked by `batchProblem`):
// - heights are consecutive, starting at 1 (or after the position the source
//   was told to resume from), and no height is delivered twice;
// - time is strictly increasing; randomness is 32 bytes;
// - every replica consuming the source sees the identical sequence of
//   batches — time, randomness and ingress order are decided by the source,
//   never by the consumer.
import type { Batch } from './batch.ts';

/** An ordered stream of batches, consumed one at a time. */
export interface BatchSource {
  /**
   * The batch at the next height if one is available now, else `undefined`.
   * Each call that returns a batch consumes it.
   */
  nextBatch(): Batch | undefined;

  /**
   * Resolves once {@link nextBatch} would return a batch (at once if it
   * already would).
   * @throws rejects with `signal.reason` if `signal` aborts first.
   */
  ready(signal?: AbortSignal): Promise<void>;
}
