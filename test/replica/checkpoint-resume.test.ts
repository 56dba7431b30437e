// A replica continued from a checkpoint (state encoded and decoded by the
// checkpoint codec) ends at the same state hash as one that never stopped.
//
// Test steps:
// 1. Two replicas run the mixed Motoko workload (test/replica/workload.ts:
//    calls back and forth, DTS, timers, traps, long installs), checkpointing
//    every 10 heights, with the same calls and time steps.
// 2. At the first checkpoint height after 12 rounds the second is restarted
//    from its encoded-and-decoded committed state (checkpoint-resume.ts).
// 3. Both run 50 more rounds; their state hashes are equal after every round,
//    and their drivers saw the same answers (replies, rejects, DTS, long installs).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkContinuation } from './checkpoint-resume.ts';
import { WorkloadReplica } from './workload.ts';

describe('restart from a checkpoint', () => {
  it('a replica continued from a decoded checkpoint matches one that never stopped, for 50 rounds', async () => {
    const report = await checkContinuation({
      create: (replica) => WorkloadReplica.create(replica),
      replica: { checkpointInterval: 10n },
      restartAfterRounds: 12,
      roundsAfter: 50,
    });
    process.stdout.write(`# restarted at height ${report.restartHeight}; both at height ${report.finalHeight}; ${report.objects} objects in the store\n`);
    assert.ok(report.finalHeight >= report.restartHeight + 50n);
    const stats = report.uninterrupted.stats;
    assert.deepEqual(report.restarted.stats, stats, 'the same answers seen by both drivers');
    assert.ok(stats.replied > 0 && stats.rejected > 0 && stats.roundsWithLongExecution > 0 && stats.roundsWithLongInstall > 0, JSON.stringify(stats));
  });
});
