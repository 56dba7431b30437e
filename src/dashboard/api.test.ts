// The dashboard's JSON API on an in-process replica (no sockets): the
// exact shapes, the figures against the management canister's
// (canister_status memory_size, fetch_canister_logs records), the 404s and
// 400s, and the rates of /_/api/status from the telemetry's rounds.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { Replica } from '../replica/index.ts';
import { CanisterId, PrincipalId } from '../types/index.ts';
import { proxyCanister, proxyWasm } from '../../test/replica/mgmt-proxy.ts';
import { apiAnswer } from './api.ts';
import type { ApiContext } from './api.ts';
import type { CanisterSample, DashboardTelemetry, RoundSample } from './types.ts';

const OWNER = PrincipalId.fromUint8Array(Uint8Array.of(0xc0, 0x01));
const MGMT = CanisterId.fromText('aaaaa-aa');
const NOW = 1_800_000_000_000;

function round(height: bigint, endedAtMs: number, instructions: bigint): RoundSample {
  return {
    height, endedAtMs, durationMs: 1.5, instructions, executions: 1, messagesByKind: { ingress: 1 },
    ingressInducted: 1, queuedMessages: 2, pausedExecutions: 0, cyclesBurned: 10n ** 20n,
  };
}

/** Telemetry with fixed rounds and series. */
function fakeTelemetry(rounds: RoundSample[], series: Map<string, CanisterSample[]>): DashboardTelemetry {
  return {
    recentRounds: (limit) => (limit === undefined ? rounds : rounds.slice(-limit)),
    canisterSeries: (id) => series.get(id.toText()) ?? [],
    onRound: () => () => undefined,
  };
}

describe('dashboard JSON API', () => {
  let ic: Replica;
  let a: CanisterId;
  let b: CanisterId;
  let ctx: ApiContext;
  const get = (path: string): { status: number; body: Record<string, unknown> } => {
    const url = new URL(path, 'http://x');
    const answer = apiAnswer(ctx, url.pathname, url.searchParams);
    return { status: answer.status, body: JSON.parse(answer.body) as Record<string, unknown> };
  };

  before(async () => {
    ic = await Replica.create();
    a = await proxyCanister(ic, { controllers: [OWNER], sender: OWNER });
    b = await ic.createCanister({ cycles: 123_456_789_012_345n });
    await ic.updateCall(a, 'print', Uint8Array.of(0x68, 0xff, 0x69), { sender: OWNER });
    await ic.updateCall(a, 'print', new TextEncoder().encode('second ✓'), { sender: OWNER });
    const rounds = [round(1n, NOW - 20_000, 999n), round(2n, NOW - 2_000, 100n), round(3n, NOW - 1_000, 300n)];
    const series = new Map([[a.toText(), [{ atMs: NOW - 1000, height: 7n, cycles: 2n ** 64n, memoryBytes: 4096n }]]]);
    ctx = { replica: ic, telemetry: fakeTelemetry(rounds, series), startedAtMs: NOW - 60_000, dataDir: '/data', nowMs: () => NOW };
  });
  after(async () => { await ic.close(); });

  it('GET /_/api/status: height, subnet, root key, counts, uptime and the rates of the last 10 s (heights gained since the first of its rounds)', () => {
    const { status, body } = get('/_/api/status');
    assert.equal(status, 200);
    assert.deepEqual(body, {
      height: ic.height.toString(), subnetId: ic.subnetId.toText(), rootKey: Buffer.from(ic.rootKey).toString('hex'),
      canisters: 2, uptimeMs: 60_000, roundsPerSecond: 0.5, instructionsPerRound: '200', ingressPool: 0, dataDir: '/data',
    });
  });

  it('GET /_/api/canisters: every canister in id order with the canister_status figures', async () => {
    const { status, body } = get('/_/api/canisters');
    assert.equal(status, 200);
    assert.equal(body.height, ic.height.toString());
    const rows = body.canisters as Record<string, unknown>[];
    assert.deepEqual(rows.map((r) => r.id), [a.toText(), b.toText()].sort((x, y) => Buffer.compare(
      Buffer.from(CanisterId.fromText(x).bytesView()), Buffer.from(CanisterId.fromText(y).bytesView()))));
    const row = rows.find((r) => r.id === a.toText()) as Record<string, unknown>;
    assert.deepEqual(Object.keys(row), ['id', 'status', 'cycles', 'memoryBytes', 'moduleHash', 'controllers']);
    assert.equal(row.status, 'running');
    assert.equal(row.cycles, ic.cycleBalance(a).toString());
    assert.equal(row.moduleHash, createHash('sha256').update(await proxyWasm()).digest('hex'));
    assert.deepEqual(row.controllers, [OWNER.toText()]);
    // The memory is canister_status's memory_size.
    const Status = IDL.Record({ memory_size: IDL.Nat });
    const arg = IDL.encode([IDL.Record({ canister_id: IDL.Principal })], [{ canister_id: Principal.fromText(a.toText()) }]);
    const reply = await ic.query(MGMT, 'canister_status', new Uint8Array(arg), { sender: OWNER, effectiveCanisterId: a });
    const [decoded] = IDL.decode([Status], reply) as unknown as [{ memory_size: bigint }];
    assert.equal(row.memoryBytes, decoded.memory_size.toString());
    assert.ok(decoded.memory_size > 0n);
    const empty = rows.find((r) => r.id === b.toText()) as Record<string, unknown>;
    assert.equal(empty.moduleHash, null);
    assert.equal(empty.cycles, '123456789012345');
  });

  it('GET /_/api/canisters/<id>: the row, its settings and its series (big numbers as strings)', () => {
    const { status, body } = get(`/_/api/canisters/${a.toText()}`);
    assert.equal(status, 200);
    assert.equal(body.id, a.toText());
    assert.deepEqual(body.settings, {
      computeAllocation: '0', memoryAllocation: '0', freezingThreshold: '2592000', reservedCyclesLimit: '5000000000000',
      wasmMemoryLimit: '3221225472', logVisibility: 'controllers',
    });
    assert.deepEqual(body.series, [{ atMs: NOW - 1000, height: '7', cycles: '18446744073709551616', memoryBytes: '4096' }]);
    assert.deepEqual(get(`/_/api/canisters/${b.toText()}/`).body.series, []);
  });

  it('GET /_/api/canisters/<id>/logs: fetch_canister_logs records, invalid UTF-8 replaced, the newest N', () => {
    const all = get(`/_/api/canisters/${a.toText()}/logs`);
    assert.equal(all.status, 200);
    const records = all.body.records as { idx: string; timestampNanos: string; content: string }[];
    assert.deepEqual(records.map((r) => [r.idx, r.content]), [['0', 'h\uFFFDi'], ['1', 'second ✓']]);
    assert.match(records[0].timestampNanos, /^\d+$/);
    assert.deepEqual((get(`/_/api/canisters/${a.toText()}/logs?limit=1`).body.records as { idx: string }[]).map((r) => r.idx), ['1']);
    assert.deepEqual(get(`/_/api/canisters/${b.toText()}/logs`).body, { records: [] });
  });

  it('GET /_/api/rounds: the newest N rounds, oldest first, bigints as strings', () => {
    const { status, body } = get('/_/api/rounds?limit=2');
    assert.equal(status, 200);
    const rounds = body.rounds as Record<string, unknown>[];
    assert.deepEqual(rounds.map((r) => r.height), ['2', '3']);
    assert.deepEqual(rounds[1], {
      height: '3', endedAtMs: NOW - 1000, durationMs: 1.5, instructions: '300', executions: 1, messagesByKind: { ingress: 1 },
      ingressInducted: 1, queuedMessages: 2, pausedExecutions: 0, cyclesBurned: '100000000000000000000',
    });
  });

  it('404 JSON for an unknown or malformed canister id and an unknown path; 400 for a bad limit', () => {
    const unknown = get('/_/api/canisters/n5n4y-3aaaa-aaaaa-p777q-cai');
    assert.equal(unknown.status, 404);
    assert.deepEqual(unknown.body, { error: 'Canister n5n4y-3aaaa-aaaaa-p777q-cai not found', code: 'IC0301' });
    for (const bad of ['not-an-id', '%E0%A4%A', 'aaaaa-aa-']) {
      const r = get(`/_/api/canisters/${bad}/logs`);
      assert.equal(r.status, 404, bad);
      assert.match(r.body.error as string, /is not a canister id/);
    }
    for (const path of ['/_/api/nope', '/_/api/canisters/x/y/z', `/_/api/canisters/${a.toText()}/other`, '/_/api/status/extra']) {
      const r = get(path);
      assert.equal(r.status, 404, path);
      assert.equal(typeof r.body.error, 'string');
    }
    for (const limit of ['0', '-1', 'x', '1.5', '100000']) {
      const r = get(`/_/api/rounds?limit=${limit}`);
      assert.equal(r.status, 400, limit);
      assert.match(r.body.error as string, /^limit must be an integer from 1 to/);
    }
  });

  it('without telemetry: no rounds, no series, rates 0', () => {
    const bare: ApiContext = { ...ctx, telemetry: undefined, dataDir: null };
    const status = JSON.parse(apiAnswer(bare, '/_/api/status', new URLSearchParams()).body) as Record<string, unknown>;
    assert.equal(status.roundsPerSecond, 0);
    assert.equal(status.instructionsPerRound, '0');
    assert.equal(status.dataDir, null);
    assert.deepEqual(JSON.parse(apiAnswer(bare, '/_/api/rounds', new URLSearchParams()).body), { rounds: [] });
  });
});
