// Fairness of the scheduler over 1,000 rounds, through the whole replica.
//
// Test steps:
// 1. A replica with 4 scheduler cores and a round sized so that exactly one
//    heartbeat fits on each core per round (slice 1M, 1M + 1 per core, a
//    heartbeat ~600K instructions plus 500K overhead per execution).
// 2. Eight always-busy canisters (a heartbeat every round) with compute
//    allocations 50%, 10% and six times 0%: 4 of the 8 can run per round.
// 3. Over 1,000 rounds each runs in proportion to its allocation plus an equal
//    share of the rest (execution_internals.md §2.2): with 400% handed out per
//    round, CA + (400 − 60) / 8 → 92.5%, 52.5%, 42.5% of the rounds — within 3%.
// 4. Nobody starves: no canister waits more than a few rounds between runs.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Replica } from '../../src/index.ts';
import type { CanisterId } from '../../src/index.ts';
import { watToWasm } from '../corpus/wat.ts';
import { heartbeatWat } from './workload.ts';

const HEARTBEAT_WAT = heartbeatWat(75000);

const M = 1_000_000n;
const ROUNDS = 1000;
const CAS = [50n, 10n, 0n, 0n, 0n, 0n, 0n, 0n];

describe('scheduler fairness', () => {
  let ic: Replica;
  const ids: CanisterId[] = [];
  const count = async (id: CanisterId): Promise<number> => Number(new DataView((await ic.query(id, 'count', new Uint8Array(0))).buffer).getBigUint64(0, true));

  before(async () => {
    ic = await Replica.create({
      schedulerConfig: {
        maxInstructionsPerRound: (2n * M) as never, maxInstructionsPerSlice: M as never, maxInstructionsPerInstallCodeSlice: M as never,
        instructionOverheadPerExecution: (M / 2n) as never, instructionOverheadPerCanister: 0n as never, instructionOverheadPerCanisterForFinalization: 0n as never,
      },
    });
    const wasm = await watToWasm(HEARTBEAT_WAT);
    for (const ca of CAS) {
      const id = await ic.createCanister({ cycles: 10n ** 17n, settings: { computeAllocation: ca } });
      await ic.installCode(id, wasm);
      ids.push(id);
    }
  });
  after(async () => { await ic.close(); });

  it(`gives busy canisters with compute allocations 50/10/0 execution in proportion over ${ROUNDS} rounds`, async () => {
    const start = await Promise.all(ids.map(count));
    const last = ids.map(() => 0);
    const maxGap = ids.map(() => 0);
    let prev = start;
    for (let round = 1; round <= ROUNDS; round++) {
      await ic.tick();
      const now = await Promise.all(ids.map(count));
      now.forEach((n, i) => {
        if (n === prev[i]) return;
        maxGap[i] = Math.max(maxGap[i], round - last[i]);
        last[i] = round;
      });
      assert.equal(now.reduce((s, n, i) => s + n - prev[i], 0), 4, `round ${round}: one heartbeat per core`);
      prev = now;
    }
    const runs = prev.map((n, i) => n - start[i]);
    const free = (400n - CAS.reduce((a, b) => a + b, 0n)) * 10n / BigInt(CAS.length); // tenths of a percent
    const expected = CAS.map((ca) => Number((ca * 10n + free) * BigInt(ROUNDS) / 1000n));
    process.stdout.write(`# runs ${runs.join(' ')}; expected ${expected.join(' ')}; longest waits ${maxGap.join(' ')} rounds\n`);
    runs.forEach((r, i) => assert.ok(Math.abs(r - expected[i]) <= expected[i] * 0.03, `canister ${i}: ${r} runs, expected ${expected[i]} ± 3%`));
    maxGap.forEach((g, i) => assert.ok(g <= 5, `canister ${i} waited ${g} rounds`));
  });
});
