// Certified state (src/state-manager): the root hash of a subnet with 1,000
// canisters (all with code, certified data set) and 10,000 request statuses,
// built from scratch (fresh objects: nothing memoized) and then at the next
// heights after small changes, with the memos of a long-lived
// `StateTreeBuilder`; plus a read_state certificate and a BLS signature.
//
// value = ms for the root hash after one canister changed (the common
// height); baseline = ms for the same root from scratch, in the same run.
import { CertifiedState, StateCertifier, StateTreeBuilder } from '../src/state-manager/index.ts';
import { fixture } from '../src/state-manager/state-fixture.ts';
import type { Fixture } from '../src/state-manager/state-fixture.ts';
import { time } from '../src/types/index.ts';
import { median } from './lib.ts';
import type { BenchReport } from './lib.ts';

const CANISTERS = 1000;
const STATUSES = 10_000;
const COLD_SAMPLES = 5;
const HEIGHTS = 15;
const NOW = 1_750_000_000_000_000_000n;

const ms = (f: () => unknown): number => {
  const t0 = performance.now();
  f();
  return performance.now() - t0;
};

const make = (seed: number): Fixture => fixture({ nowNanos: NOW, canisters: CANISTERS, withCode: CANISTERS, statuses: STATUSES, seed });

export async function run(): Promise<BenchReport> {
  const cold: number[] = [];
  for (let s = 0; s <= COLD_SAMPLES; s++) {
    const f = make(s + 1);
    const t = ms(() => new CertifiedState(f.state.snapshot(), new StateTreeBuilder(f.keys)).rootHash);
    if (s > 0) cold.push(t); // the first warms the code up
  }

  const f = make(100);
  const { state } = f;
  const builder = new StateTreeBuilder(f.keys);
  void new CertifiedState(state.snapshot(), builder).rootHash;
  const timeOnly: number[] = [];
  const oneCanister: number[] = [];
  const statusChange: number[] = [];
  const sign: number[] = [];
  const certificate: number[] = [];
  const history = state.metadata.ingressHistory;
  const base = { receiver: f.ids[0], userId: f.ids[0], time: state.time };
  for (let h = 0; h < HEIGHTS; h++) {
    // The next height: time moves on, nothing else changes.
    state.metadata.batchTime = time(state.time + 1_000_000n);
    timeOnly.push(ms(() => new CertifiedState(state.snapshot(), builder).rootHash));
    // One canister sets new certified data.
    const c = state.canisterMut(f.ids[(h * 37) % CANISTERS]);
    if (c === undefined) throw new Error('fixture canister missing');
    c.systemState.certifiedData = new TextEncoder().encode(`height ${h}`);
    oneCanister.push(ms(() => new CertifiedState(state.snapshot(), builder).rootHash));
    // One call completes and a new one arrives.
    history.insert(f.requests[4 + h], { ...base, state: { kind: 'completed', result: { kind: 'reply', payload: Uint8Array.of(h) } } }, NOW, 1n << 40n);
    history.insert(new Uint8Array(32).fill(h + 1), { ...base, state: { kind: 'received' } }, NOW, 1n << 40n);
    const snap = state.snapshot();
    statusChange.push(ms(() => new CertifiedState(snap, builder).rootHash));
    const certification = new StateCertifier(f.keys).certification(snap);
    void certification.rootHash;
    sign.push(ms(() => certification.signature));
    certificate.push(ms(() => certification.certificateFor([['request_status', f.requests[4 + h]]])));
  }
  const value = median(oneCanister);
  const baseline = median(cold);
  return {
    name: 'certification',
    unit: 'ms per root hash',
    value,
    baseline,
    ratio: value / baseline,
    details: {
      workload: `${CANISTERS} canisters with code and certified data, ${STATUSES} request statuses (replied, one reply each), 1 node`,
      baselineIs: 'the same root hash built from scratch (fresh objects, no memo hits), same run',
      msColdBuild: baseline,
      msNextHeightTimeOnly: median(timeOnly),
      msNextHeightOneCanisterChanged: value,
      msNextHeightOneStatusChangedOneNew: median(statusChange),
      msBlsSignRoot: median(sign),
      msReadStateCertificateOneStatus: median(certificate),
      samples: { cold: COLD_SAMPLES, heights: HEIGHTS },
    },
  };
}
