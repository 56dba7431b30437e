// The event hub with fake clients and telemetry: the stream opens with the
// canisters, round events are throttled (the first at once, then only the
// newest of a burst), the hub listens to the telemetry only while a client
// is connected, and a HEAD request gets the headers alone.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { Replica } from '../replica/index.ts';
import { EventHub } from './events.ts';
import type { DashboardTelemetry, RoundSample } from './types.ts';

/** A response that records what is written. */
class FakeResponse {
  status = 0;
  headers: Record<string, string> = {};
  chunks: string[] = [];
  ended = false;
  destroyed = false;
  readonly #listeners = new Map<string, (() => void)[]>();
  writeHead(status: number, headers: Record<string, string>): this {
    this.status = status;
    this.headers = headers;
    return this;
  }
  write(chunk: string): boolean {
    this.chunks.push(chunk);
    return true;
  }
  end(): void {
    this.ended = true;
  }
  on(event: string, f: () => void): this {
    this.#listeners.set(event, [...(this.#listeners.get(event) ?? []), f]);
    return this;
  }
  /** The client goes away. */
  close(): void {
    this.destroyed = true;
    for (const f of this.#listeners.get('close') ?? []) f();
  }
  events(name: string): unknown[] {
    return this.chunks.join('').split('\n\n').filter((b) => b.startsWith(`event: ${name}\n`))
      .map((b) => JSON.parse(b.slice(b.indexOf('data: ') + 6)) as unknown);
  }
}

function sample(height: bigint): RoundSample {
  return {
    height, endedAtMs: Number(height), durationMs: 1, instructions: 0n, executions: 0, messagesByKind: {},
    ingressInducted: 0, queuedMessages: 0, pausedExecutions: 0, cyclesBurned: 0n,
  };
}

describe('EventHub', () => {
  let ic: Replica;
  const listeners = new Set<(s: RoundSample) => void>();
  const telemetry: DashboardTelemetry = {
    recentRounds: () => [],
    canisterSeries: () => [],
    onRound: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
  const round = (h: bigint): void => { for (const l of listeners) l(sample(h)); };
  let now = 1_000;
  const get = { method: 'GET' } as IncomingMessage;

  before(async () => { ic = await Replica.create(); });
  after(async () => { await ic.close(); });

  it('opens with the canisters, sends the first round at once and only the newest of a burst after the interval', async () => {
    const hub = new EventHub({ replica: ic, telemetry, nowMs: () => now, minRoundIntervalMs: 50, watchIntervalMs: 10_000 });
    const res = new FakeResponse();
    hub.attach(get, res as unknown as ServerResponse);
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'text/event-stream; charset=utf-8');
    assert.deepEqual(res.events('canisters'), [{ height: ic.height.toString(), canisters: [] }]);
    assert.match(res.chunks[0], /^retry: 1000\n\n/);
    assert.equal(listeners.size, 1);
    round(1n);
    for (let h = 2n; h <= 5n; h++) round(h);
    assert.deepEqual(res.events('round').map((r) => (r as { height: string }).height), ['1']);
    now += 10;
    await sleep(80);
    assert.deepEqual(res.events('round').map((r) => (r as { height: string }).height), ['1', '5']);
    // A second client shares the same subscription; a client leaving keeps it for the others.
    const other = new FakeResponse();
    hub.attach(get, other as unknown as ServerResponse);
    assert.equal(listeners.size, 1);
    assert.equal(hub.clients, 2);
    res.close();
    assert.equal(listeners.size, 1);
    now += 1_000;
    round(6n);
    assert.deepEqual(other.events('round').map((r) => (r as { height: string }).height), ['6']);
    assert.deepEqual(res.events('round').length, 2);
    // The last client leaving unsubscribes; close() ends what is left.
    other.close();
    assert.equal(listeners.size, 0);
    const third = new FakeResponse();
    hub.attach(get, third as unknown as ServerResponse);
    hub.close();
    assert.ok(third.ended);
    assert.equal(listeners.size, 0);
    assert.equal(hub.clients, 0);
  });

  it('answers HEAD with the headers only', () => {
    const hub = new EventHub({ replica: ic, telemetry, nowMs: () => now });
    const res = new FakeResponse();
    hub.attach({ method: 'HEAD' } as IncomingMessage, res as unknown as ServerResponse);
    assert.equal(res.status, 200);
    assert.deepEqual(res.chunks, []);
    assert.ok(res.ended);
    assert.equal(hub.clients, 0);
  });
});
