import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseRoute } from './routes.ts';

const ECID = 'rwlgt-iiaaa-aaaaa-aaaaa-cai';
const SID = 'tdb26-jop6k-aogll-7ltgs-eruif-6kk7m-qpktf-gdiqx-mxtrf-vb5e6-eqe';

describe('parseRoute', () => {
  it('serves every endpoint the clients use', () => {
    const cases: [string, string, string, number, string][] = [
      ['POST', `/api/v2/canister/${ECID}/call`, 'call', 2, 'canister'],
      ['POST', `/api/v3/canister/${ECID}/call`, 'call', 3, 'canister'],
      ['POST', `/api/v4/canister/${ECID}/call`, 'call', 4, 'canister'],
      ['POST', `/api/v4/subnet/${SID}/call`, 'call', 4, 'subnet'],
      ['POST', `/api/v2/canister/${ECID}/query`, 'query', 2, 'canister'],
      ['POST', `/api/v3/canister/${ECID}/query`, 'query', 3, 'canister'],
      ['POST', `/api/v3/subnet/${SID}/query`, 'query', 3, 'subnet'],
      ['POST', `/api/v2/canister/${ECID}/read_state`, 'read_state', 2, 'canister'],
      ['POST', `/api/v3/canister/${ECID}/read_state`, 'read_state', 3, 'canister'],
      ['POST', `/api/v2/subnet/${SID}/read_state`, 'read_state', 2, 'subnet'],
      ['POST', `/api/v3/subnet/${SID}/read_state`, 'read_state', 3, 'subnet'],
      ['POST', '/api/v2/canister/aaaaa-aa/call', 'call', 2, 'canister'],
    ];
    for (const [method, path, kind, version, target] of cases) {
      const r = parseRoute(method, path);
      assert.ok(r.ok, path);
      assert.deepEqual([r.route.kind, 'version' in r.route ? r.route.version : 0, 'target' in r.route ? r.route.target.kind : ''], [kind, version, target], path);
    }
    const s = parseRoute('GET', '/api/v2/status');
    assert.ok(s.ok && s.route.kind === 'status');
  });

  it('404 for unknown endpoints (the v3/v4 → v2 fallback depends on it), 405 for other methods, 400 for bad ids', () => {
    const status = (m: string, p: string): number => { const r = parseRoute(m, p); return r.ok ? 200 : r.answer.status; };
    for (const p of ['/', '/api/v1/status', `/api/v5/canister/${ECID}/call`, `/api/v4/canister/${ECID}/query`, `/api/v2/subnet/${SID}/call`,
      `/api/v2/subnet/${SID}/query`, `/api/v2/canister/${ECID}/call/x`, `/api/v2/canister/${ECID}/status`]) {
      assert.equal(status('POST', p), 404, p);
    }
    assert.equal(status('GET', `/api/v2/canister/${ECID}/call`), 405);
    assert.equal(status('POST', '/api/v2/status'), 405);
    assert.equal(status('OPTIONS', `/api/v3/canister/${ECID}/call`), 200);
    for (const bad of ['rwlgt-iiaaa-aaaaa-aaaaa-caj', 'nope', '', '%zz', 'RWLGT-IIAAA-AAAAA-AAAAA-CAI', `${'a'.repeat(5000)}`]) {
      const r = parseRoute('POST', `/api/v2/canister/${bad}/call`);
      assert.ok(!r.ok && r.answer.status === 400, bad.slice(0, 20));
    }
    const sub = parseRoute('POST', `/api/v3/subnet/${ECID}x/read_state`);
    assert.ok(!sub.ok && sub.answer.status === 400);
  });
});
