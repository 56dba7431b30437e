// Determinism, the core promise: the same mixed workload, run twice in-process
// and once on two sandbox workers, reaches the same state hash after every
// round. Rounds: IC_EXEC_DETERMINISM_ROUNDS (default 200; `npm run
// determinism` runs 1,000).
//
// Test steps:
// 1. Three replicas with the same options and seed: one partition at a time
//    (twice), and two partitions at once on two sandbox workers.
// 2. Each round every replica gets the same calls and the same time step.
// 3. After every round their `stateHash()` (the full canonical state, memory
//    pages included) are equal.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WorkloadReplica } from './workload.ts';

const ROUNDS = Number(process.env.IC_EXEC_DETERMINISM_ROUNDS ?? '200');
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('determinism', () => {
  let runs: WorkloadReplica[];
  before(async () => {
    runs = [await WorkloadReplica.create({ cores: 1 }), await WorkloadReplica.create({ cores: 1 }), await WorkloadReplica.create({ cores: 2 })];
  });
  after(async () => { await Promise.all(runs.map((r) => r.ic.close())); });

  it(`gives identical state hashes every round for ${ROUNDS} rounds, run twice and with 1 and 2 cores`, async () => {
    const t0 = performance.now();
    let executions = 0;
    for (let round = 1; round <= ROUNDS; round++) {
      for (const r of runs) await r.round();
      const [a, b, c] = runs.map((r) => hex(r.ic.stateHash()));
      assert.equal(b, a, `round ${round}: second run`);
      assert.equal(c, a, `round ${round}: 2 cores`);
      executions = round;
    }
    const ms = performance.now() - t0;
    const st = runs[0].stats;
    process.stdout.write(`# ${executions} rounds × 3 replicas in ${(ms / 1000).toFixed(1)} s; height ${runs[0].ic.height}; `
      + `${st.replied} replied, ${st.rejected} rejected, ${st.roundsWithLongExecution} rounds with a long execution, `
      + `${st.roundsWithLongInstall} with a long install\n`);
    assert.deepEqual(runs[1].stats, st);
    assert.deepEqual(runs[2].stats, st);
    assert.ok(st.replied > 0 && st.rejected > 0 && st.roundsWithLongExecution > 0, 'the workload exercises replies, rejects and DTS');
    assert.ok(st.roundsWithLongInstall > 0, 'and install_code paused between rounds');
  });
});
