// The dashboard on a served replica, over HTTP: the pages and their files
// (content types, HEAD, 404), the JSON API's content type, paths it does
// not own left to the IC routes, and the live events: a `round` event per
// round (at most 10 a second) and a `canisters` event when a canister is
// created and again when its module is installed.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ASSET_NAMES } from '../../src/dashboard/index.ts';
import type { CanisterId } from '../../src/types/index.ts';
import { proxyWasm } from '../replica/mgmt-proxy.ts';
import { startServed } from '../http/support.ts';
import { readEvents, serveDashboard } from './support.ts';
import type { ServedDashboard } from './support.ts';

describe('dashboard over HTTP', () => {
  let served: ServedDashboard;
  before(async () => { served = await serveDashboard(); });
  after(async () => { await served?.stop(); });

  it('serves the page at /_/dashboard and /_/dashboard/canister/<id>, and its files with their content types', async () => {
    for (const path of ['/_/dashboard', '/_/dashboard/', '/_/dashboard/canister/rwlgt-iiaaa-aaaaa-aaaaa-cai']) {
      const res = await fetch(`${served.url}${path}`);
      assert.equal(res.status, 200, path);
      assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
      assert.match(await res.text(), /<script type="module" src="\/_\/dashboard\/assets\/app\.js"><\/script>/);
    }
    const types: Record<string, string> = { html: 'text/html', css: 'text/css', js: 'text/javascript', svg: 'image/svg+xml' };
    for (const name of ASSET_NAMES) {
      const res = await fetch(`${served.url}/_/dashboard/assets/${name}`);
      assert.equal(res.status, 200, name);
      assert.ok(res.headers.get('content-type')?.startsWith(types[name.split('.').pop() as string]), name);
      assert.ok((await res.arrayBuffer()).byteLength > 0, name);
    }
    const head = await fetch(`${served.url}/_/dashboard/assets/app.js`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), '');
    for (const path of ['/_/dashboard/assets/../../api.ts', '/_/dashboard/assets/nope.js']) {
      assert.equal((await fetch(`${served.url}${path}`)).status, 404, path);
    }
  });

  it('answers the API as JSON and leaves other paths to the IC routes', async () => {
    const res = await fetch(`${served.url}/_/api/status`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
    const status = await res.json() as Record<string, unknown>;
    assert.deepEqual(Object.keys(status), ['height', 'subnetId', 'rootKey', 'canisters', 'uptimeMs', 'roundsPerSecond', 'instructionsPerRound', 'ingressPool', 'dataDir']);
    assert.equal(status.subnetId, served.replica.subnetId.toText());
    const missing = await fetch(`${served.url}/_/api/canisters/rwlgt-iiaaa-aaaaa-aaaaa-cai`);
    assert.equal(missing.status, 404);
    assert.equal(missing.headers.get('content-type'), 'application/json; charset=utf-8');
    const other = await fetch(`${served.url}/_/elsewhere`);
    assert.equal(other.status, 404);
    assert.notEqual(other.headers.get('content-type'), 'application/json; charset=utf-8');
    const ic = await fetch(`${served.url}/api/v2/status`);
    assert.equal(ic.status, 200);
    assert.equal(ic.headers.get('content-type'), 'application/cbor');
  });

  it('streams round events (≤ 10/s, heights rising) and canisters events when a canister appears and is installed', async () => {
    const url = `${served.url}/_/api/events`;
    const t0 = performance.now();
    const rounds = await readEvents(url, (evs) => evs.filter((e) => e.event === 'round').length >= 5);
    const elapsed = performance.now() - t0;
    assert.equal(rounds[0].event, 'canisters', 'the stream opens with the canisters');
    assert.deepEqual(JSON.parse(rounds[0].data), { height: JSON.parse(rounds[0].data).height, canisters: [] });
    const samples = rounds.filter((e) => e.event === 'round').map((e) => JSON.parse(e.data) as Record<string, unknown>);
    assert.equal(samples.length, 5);
    for (const key of ['height', 'endedAtMs', 'durationMs', 'instructions', 'executions', 'messagesByKind', 'ingressInducted', 'queuedMessages', 'pausedExecutions', 'cyclesBurned']) {
      assert.ok(key in samples[0], key);
    }
    const heights = samples.map((s) => BigInt(s.height as string));
    for (let i = 1; i < heights.length; i++) assert.ok(heights[i] > heights[i - 1]);
    // Throttled: 5 events take at least 4 intervals of 100 ms.
    assert.ok(elapsed >= 400, `5 round events in ${elapsed} ms`);

    type Canisters = { canisters: { id: string; moduleHash: string | null }[] };
    const canistersEvents = async (action: () => Promise<void>): Promise<Canisters[]> => {
      const watching = readEvents(url, (evs) => evs.filter((e) => e.event === 'canisters').length >= 2);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await action();
      return (await watching).filter((e) => e.event === 'canisters').map((e) => JSON.parse(e.data) as Canisters);
    };
    let id: CanisterId | undefined;
    const created = await canistersEvents(async () => { id = await served.replica.createCanister(); });
    assert.deepEqual(created.map((e) => e.canisters.map((c) => [c.id, c.moduleHash])), [[], [[id?.toText(), null]]]);
    const installed = await canistersEvents(async () => { if (id !== undefined) await served.replica.installCode(id, await proxyWasm()); });
    assert.equal(installed.length, 2);
    assert.equal(installed[0].canisters[0].moduleHash, null);
    assert.equal(installed[1].canisters[0].id, id?.toText());
    assert.match(installed[1].canisters[0].moduleHash as string, /^[0-9a-f]{64}$/);
  });

  it('npm start prints the dashboard URL and serves it', async () => {
    const npmStart = await startServed(['--ephemeral', '--no-system-canisters']);
    try {
      const url = /^dashboard: (http:\/\/\S+)$/m.exec(npmStart.output())?.[1];
      assert.equal(url, `${npmStart.url}/_/dashboard`, npmStart.output());
      const res = await fetch(url as string);
      assert.equal(res.status, 200);
      assert.match(await res.text(), /<title>ic-exec dashboard<\/title>/);
      const status = await (await fetch(`${npmStart.url}/_/api/status`)).json() as { rootKey: string; dataDir: string | null };
      assert.equal(status.rootKey, npmStart.rootKeyHex);
      assert.equal(status.dataDir, null);
    } finally {
      assert.equal(await npmStart.stop(), 0, npmStart.output());
    }
  });
});
