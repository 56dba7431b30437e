// Telemetry of `npm start`, end to end (one replica process):
// 1. /metrics parsed by a strict Prometheus text parser: names, types and
//    labels of every ic_exec_* family and of the process metrics.
// 2. Install a canister and call it through the agent: rounds, instructions,
//    messages by kind, ingress, canisters, cycles and HTTP counts move.
// 3. Logs: the canister's debug_print and trap are JSON lines on the
//    canister stream (stdout) and not in the replica's log (stderr), whose
//    every line is JSON with level, time and msg (events and HTTP requests
//    at debug level).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Family } from './prometheus.ts';
import { parsePrometheusText, valueOf } from './prometheus.ts';
import { installPrinter, jsonLines, spawnReplica, until } from './support.ts';
import type { Spawned } from './support.ts';

const EXPECTED: Readonly<Record<string, { type: string; labels?: readonly string[] }>> = {
  ic_exec_rounds_total: { type: 'counter' },
  ic_exec_round_duration_seconds: { type: 'histogram' },
  ic_exec_round_instructions: { type: 'histogram' },
  ic_exec_instructions_total: { type: 'counter' },
  ic_exec_executions_total: { type: 'counter' },
  ic_exec_messages_executed_total: { type: 'counter', labels: ['kind'] },
  ic_exec_ingress_inducted_total: { type: 'counter' },
  ic_exec_ingress_pool_messages: { type: 'gauge' },
  ic_exec_canister_input_queue_messages: { type: 'gauge' },
  ic_exec_subnet_queue_messages: { type: 'gauge' },
  ic_exec_paused_executions: { type: 'gauge' },
  ic_exec_cycles_burned_total: { type: 'counter' },
  ic_exec_cycles_consumed: { type: 'gauge', labels: ['use_case'] },
  ic_exec_checkpoint_duration_seconds: { type: 'histogram' },
  ic_exec_http_requests_total: { type: 'counter', labels: ['endpoint', 'status'] },
  ic_exec_canisters: { type: 'gauge' },
  ic_exec_height: { type: 'gauge' },
  process_cpu_user_seconds_total: { type: 'counter' },
  process_resident_memory_bytes: { type: 'gauge' },
  nodejs_eventloop_lag_seconds: { type: 'gauge' },
};

async function scrape(url: string): Promise<Map<string, Family>> {
  const res = await fetch(`${url}/metrics`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
  return parsePrometheusText(await res.text());
}

const total = (f: Map<string, Family>, name: string, labels: Record<string, string> = {}): number => valueOf(f, name, labels) ?? 0;

describe('npm start: /metrics and logs', { timeout: 180_000 }, () => {
  let replica: Spawned;
  before(async () => {
    replica = await spawnReplica(['--ephemeral', '--log-format', 'json', '--log-level', 'debug']);
  });
  after(() => replica.stop());

  let before0: Map<string, Family>;
  it('/metrics is valid Prometheus text with the expected families, types and labels', async () => {
    // Rounds the server drives are counted once the observability has loaded (after the port is bound): wait for the first.
    let rounds = 0;
    for (let i = 0; i < 100 && rounds < 1; i++) {
      before0 = await scrape(replica.url);
      rounds = total(before0, 'ic_exec_rounds_total');
      if (rounds < 1) await new Promise((r) => setTimeout(r, 100));
    }
    for (const [name, want] of Object.entries(EXPECTED)) {
      const f = before0.get(name);
      assert.ok(f !== undefined, `family ${name}`);
      assert.equal(f.type, want.type, name);
      assert.ok(f.help !== undefined && f.help.length > 0, `help of ${name}`);
      for (const s of f.samples) {
        const labels = Object.keys(s.labels).filter((l) => l !== 'le' && l !== 'quantile');
        assert.deepEqual(labels.sort(), [...(want.labels ?? [])].sort(), `labels of ${s.name}`);
      }
    }
    assert.ok(total(before0, 'ic_exec_rounds_total') >= 1, 'the replica has run rounds');
  });

  let printer: Awaited<ReturnType<typeof installPrinter>>;
  it('the figures move when work is done', async () => {
    printer = await installPrinter(replica.url);
    assert.equal(await printer.hello('metrics'), 'hi metrics');
    assert.equal(await printer.hello('again'), 'hi again');
    await assert.rejects(printer.boom());
    const after0 = await scrape(replica.url);
    const grew = (name: string, labels: Record<string, string> = {}, by = 1): void => {
      const was = total(before0, name, labels);
      const is = total(after0, name, labels);
      assert.ok(is >= was + by, `${name}${JSON.stringify(labels)}: ${was} → ${is}, expected +${by}`);
    };
    grew('ic_exec_rounds_total', {}, 3);
    grew('ic_exec_instructions_total', {}, 1_000_000);
    grew('ic_exec_round_instructions_count', {}, 3);
    grew('ic_exec_messages_executed_total', { kind: 'ingress' }, 3);
    grew('ic_exec_messages_executed_total', { kind: 'subnet_message' }, 2);
    grew('ic_exec_ingress_inducted_total', {}, 5);
    grew('ic_exec_canisters', {}, 1);
    grew('ic_exec_height', {}, 3);
    grew('ic_exec_cycles_burned_total', {}, 1_000_000);
    grew('ic_exec_http_requests_total', { endpoint: '/api/v4/canister/:id/call', status: '200' }, 5);
    grew('ic_exec_http_requests_total', { endpoint: '/api/v2/status', status: '200' }, 1);
    grew('ic_exec_http_requests_total', { endpoint: '/metrics', status: '200' }, 1);
    // Consumed cycles by use case are read at the once-a-second sample.
    let consumed = total(after0, 'ic_exec_cycles_consumed', { use_case: 'instructions' });
    for (let i = 0; i < 50 && consumed === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      consumed = total(await scrape(replica.url), 'ic_exec_cycles_consumed', { use_case: 'instructions' });
    }
    assert.ok(consumed > 0, 'cycles consumed for instructions');
  });

  it('canister logs go to their own stream, replica events are JSON lines', async () => {
    const id = printer.canisterId.toText();
    const mine = (): Record<string, unknown>[] => jsonLines(replica.stdout()).json.filter((l) => l.canister === id);
    assert.ok(await until(() => mine().length >= 3), `canister lines on stdout:\n${replica.stdout()}`);
    assert.deepEqual(mine().map((l) => [l.level, l.msg]), [['info', 'hello metrics'], ['info', 'hello again'], ['warn', '[TRAP]: kaboom']]);
    for (const l of mine()) assert.match(String(l.time), /^\d{4}-\d\d-\d\dT/);

    assert.equal(await replica.stop(), 0);
    const err = jsonLines(replica.stderr());
    assert.deepEqual(err.other, [], 'every stderr line is JSON');
    for (const l of err.json) {
      assert.equal(typeof l.level, 'string');
      assert.match(String(l.time), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.equal(typeof l.msg, 'string');
    }
    const msgs = err.json.map((l) => l.msg);
    for (const m of ['listening', 'http request', 'stopping', 'stopped']) assert.ok(msgs.includes(m), `${m} in:\n${replica.stderr()}`);
    const call = err.json.find((l) => l.msg === 'http request' && String(l.path).endsWith('/call'));
    assert.deepEqual([call?.level, call?.method, call?.status, typeof call?.ms], ['debug', 'POST', 200, 'number']);
    assert.ok(!replica.stderr().includes('hello metrics') && !replica.stderr().includes('kaboom'), 'no canister log in the replica log');
    assert.ok(!jsonLines(replica.stdout()).json.some((l) => l.msg === 'listening'), 'no replica event in the canister stream');
  });
});
