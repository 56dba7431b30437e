import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { IngressStatus, ReplicatedState } from '../state/index.ts';
import { PrincipalId, time } from '../types/index.ts';
import type { HttpReplica } from './context.ts';
import { RoundLoop } from './round-loop.ts';

/** A replica that only counts rounds: `work` pooled messages, a state whose input may or may not run. */
function fake(opts: { stateInput?: boolean; progress?: boolean } = {}) {
  let work = 0;
  let wake: (() => void) | undefined;
  const statuses = new Map<string, IngressStatus>();
  const state = { subnetQueues: { hasInput: () => opts.stateInput ?? false }, canisters: () => [] } as unknown as ReplicatedState;
  const r = {
    ticks: 0,
    submit(): void { work++; wake?.(); },
    answer(id: Uint8Array): void {
      const p = PrincipalId.anonymous();
      statuses.set(Buffer.from(id).toString('hex'), { receiver: p, userId: p, time: time(0n), state: { kind: 'completed', result: { kind: 'reply', payload: new Uint8Array(0) } } } as IngressStatus);
    },
    get committedState(): ReplicatedState { return state; },
    ingressStatus: (id: Uint8Array) => statuses.get(Buffer.from(id).toString('hex')),
    hasWork: () => work > 0,
    workArrived: (signal?: AbortSignal) => new Promise<void>((resolve, reject) => {
      if (work > 0) resolve();
      wake = resolve;
      signal?.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
    }),
    tick: async () => {
      r.ticks++;
      work = 0;
      const n = opts.progress === false ? 0 : 1;
      return { round: { executions: n }, induction: { ingress: { inducted: 0, failed: 0 } }, routing: { delivered: 0, rejected: 0 } };
    },
  };
  return r;
}

describe('RoundLoop', () => {
  it('ticks at once when work arrives, and every idle interval otherwise', async () => {
    const r = fake();
    const loop = new RoundLoop(r as unknown as HttpReplica, { idleIntervalMs: 200 });
    loop.start();
    await sleep(50);
    const idle = r.ticks;
    r.submit();
    for (let i = 0; i < 15 && r.ticks === idle; i++) await sleep(10);
    assert.equal(r.ticks, idle + 1, 'a round soon after the submission, before the idle interval');
    await sleep(400);
    assert.ok(r.ticks >= idle + 2 && r.ticks <= idle + 4, String(r.ticks));
    await loop.stop();
  });

  it('state input that a round cannot run does not spin the loop', async () => {
    const spinning = fake({ stateInput: true, progress: false });
    const loop = new RoundLoop(spinning as unknown as HttpReplica, { idleIntervalMs: 50 });
    loop.start();
    await sleep(300);
    await loop.stop();
    assert.ok(spinning.ticks <= 10, `${spinning.ticks} rounds in 300 ms`);
    const busy = fake({ stateInput: true, progress: true });
    const loop2 = new RoundLoop(busy as unknown as HttpReplica, { idleIntervalMs: 50 });
    loop2.start();
    await sleep(100);
    await loop2.stop();
    assert.ok(busy.ticks > 5, `${busy.ticks} rounds in 100 ms with work`);
  });

  it('waitForAnswer: resolves once the status is terminal, or with what there is after the timeout', async () => {
    const r = fake();
    const loop = new RoundLoop(r as unknown as HttpReplica, { idleIntervalMs: 20 });
    loop.start();
    const id = new Uint8Array(32).fill(1);
    const waiting = loop.waitForAnswer(id, 5_000);
    await sleep(30);
    r.answer(id);
    assert.equal((await waiting)?.state.kind, 'completed');
    assert.equal(await loop.waitForAnswer(new Uint8Array(32), 30), undefined);
    assert.equal(await loop.waitForAnswer(new Uint8Array(32), 0), undefined);
    await loop.stop();
    assert.equal(loop.stats.failedRounds, 0);
  });
});
