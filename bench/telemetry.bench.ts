// Telemetry's cost per round (src/telemetry) on a subnet of 1,000
// canisters with code, each with consumed cycles and a log: recordRound
// for an idle round (the summary's figures only), for a round that
// executed something (plus each canister's log index and consumed cycles)
// and the once-a-second sample (queues, cycles by use case, series).
//
// value = ms of recordRound after a round that executed something;
// baseline = ms of the root hash of the state tree after one canister
// changed (what the replica pays for every round), same run.
import { pino } from 'pino';
import { CertifiedState, StateTreeBuilder } from '../src/state-manager/index.ts';
import { fixture } from '../src/state-manager/state-fixture.ts';
import { Telemetry } from '../src/telemetry/index.ts';
import { time } from '../src/types/index.ts';
import { timeInterleaved } from './lib.ts';
import type { BenchReport } from './lib.ts';

const CANISTERS = 1000;
const NOW = 1_750_000_000_000_000_000n;

const summary = (busy: boolean): unknown => ({
  round: { executions: busy ? 1 : 0, roundInstructions: busy ? 2_000_000n : 0n, messagesByKind: busy ? { ingress: 1 } : {}, pausedExecutions: 0 },
  induction: { ingress: { inducted: busy ? 1 : 0 } },
});

export async function run(): Promise<BenchReport> {
  const f = fixture({ nowNanos: NOW, canisters: CANISTERS, withCode: CANISTERS, statuses: 0 });
  const { state } = f;
  for (const id of f.ids) {
    const c = state.canisterMut(id);
    c?.systemState.consumedCycles.observe('instructions', 1_000_000n);
    c?.systemState.canisterLog.append([{ idx: 0n, timestampNanos: NOW, content: new TextEncoder().encode('started') }]);
  }
  const silent = pino({ level: 'silent' });
  let now = 0;
  const perRound = new Telemetry({ now: () => now, sampleIntervalMs: Number.POSITIVE_INFINITY, defaultMetrics: false, canisterLogger: silent, logger: silent });
  perRound.start(state);
  const sampling = new Telemetry({ now: () => now, sampleIntervalMs: 0, defaultMetrics: false, canisterLogger: silent, logger: silent });
  sampling.start(state);
  const builder = new StateTreeBuilder(f.keys);
  void new CertifiedState(state.snapshot(), builder).rootHash;
  let h = 0;
  const ms = timeInterleaved({
    idle: () => { for (let i = 0; i < 100; i++) perRound.recordRound(summary(false), 1, state); },
    busy: () => { for (let i = 0; i < 100; i++) perRound.recordRound(summary(true), 1, state); },
    sample: () => { now += 1_000; sampling.recordRound(summary(true), 1, state); },
    certify: () => {
      state.metadata.batchTime = time(state.time + 1_000_000n);
      const c = state.canisterMut(f.ids[(h++ * 37) % CANISTERS]);
      if (c !== undefined) c.systemState.certifiedData = new TextEncoder().encode(`height ${h}`);
      void new CertifiedState(state.snapshot(), builder).rootHash;
    },
  }, { samples: 9, warmup: 2 });
  const idle = ms.idle / 100;
  const busy = ms.busy / 100;
  return {
    name: 'telemetry',
    unit: 'ms per round',
    value: busy,
    baseline: ms.certify,
    ratio: busy / ms.certify,
    target: { description: 'recordRound after a busy round costs under a tenth of the round\'s own certification', met: busy < ms.certify / 10 },
    details: {
      workload: `${CANISTERS} canisters with code, consumed cycles and a log record each`,
      baselineIs: 'the state tree\'s root hash after one canister changed (every round pays it), same run',
      msRecordRoundIdle: idle,
      msRecordRoundBusy: busy,
      msSampleOncePerSecond: ms.sample,
      msCertifyOneCanisterChanged: ms.certify,
    },
  };
}
