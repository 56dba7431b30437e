import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DeferredHooks, MAX_KEPT } from './deferred-hooks.ts';
import type { ServeHooks } from './deferred-hooks.ts';

const REQ = {} as IncomingMessage;
const RES = {} as ServerResponse;

function recorder(): ServeHooks & { seen: string[] } {
  const seen: string[] = [];
  return {
    seen,
    onRound: (s, ms) => { seen.push(`round ${String(s)} ${ms}`); },
    onRequest: (m, p, st, ms) => { seen.push(`${m} ${p} ${st} ${ms}`); },
    extension: (_req, _res, p) => { seen.push(`ext ${p}`); return p === '/metrics'; },
  };
}

describe('DeferredHooks', () => {
  it('keeps rounds and requests until attached, then hands them over in order and forwards', () => {
    const d = new DeferredHooks();
    d.onRound('a', 1);
    d.onRequest('GET', '/api/v2/status', 200, 2);
    d.onRound('b', 3);
    const r = recorder();
    d.attach(r);
    assert.deepEqual(r.seen, ['round a 1', 'round b 3', 'GET /api/v2/status 200 2']);
    d.onRound('c', 4);
    assert.equal(r.seen.at(-1), 'round c 4');
    assert.throws(() => d.attach(recorder()), /attached already/);
  });

  it('keeps at most MAX_KEPT of each', () => {
    const d = new DeferredHooks();
    for (let i = 0; i < MAX_KEPT + 5; i++) d.onRound(i, 0);
    const r = recorder();
    d.attach(r);
    assert.equal(r.seen.length, MAX_KEPT);
  });

  it('an extension request waits for the observer, or falls through when it never comes', async () => {
    const d = new DeferredHooks();
    const answered = d.extension(REQ, RES, '/metrics');
    const r = recorder();
    d.attach(r);
    assert.equal(await answered, true);
    assert.equal(await d.extension(REQ, RES, '/other'), false);
    assert.deepEqual(r.seen, ['ext /metrics', 'ext /other']);
    const abandoned = new DeferredHooks();
    const waiting = abandoned.extension(REQ, RES, '/metrics');
    abandoned.abandon();
    assert.equal(await waiting, false);
  });
});
