import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { watToWasm } from '../../test/corpus/wat.ts';
import { parsePrometheusText, valueOf } from '../../test/telemetry/prometheus.ts';
import { Replica } from '../replica/index.ts';
import type { CanisterId } from '../types/index.ts';
import { Telemetry } from './telemetry.ts';
import type { RoundSample } from './samples.ts';

/** A canister whose `hi` prints "hello" and `boom` traps. */
const PRINTER = `(module
  (import "ic0" "debug_print" (func $print (param i32 i32)))
  (import "ic0" "msg_reply" (func $reply))
  (import "ic0" "trap" (func $trap (param i32 i32)))
  (memory 1)
  (data (i32.const 0) "hello")
  (func (export "canister_update hi") (call $print (i32.const 0) (i32.const 5)) (call $reply))
  (func (export "canister_update boom") (call $trap (i32.const 0) (i32.const 5))))`;

/** A pino logger into an array of parsed lines. */
function capture(): { logger: pino.Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n')) if (l !== '') lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ base: undefined }, stream), lines };
}

const flush = () => new Promise((r) => setImmediate(r));

describe('Telemetry', () => {
  let ic: Replica;
  let id: CanisterId;
  before(async () => {
    ic = await Replica.create();
    id = await ic.createCanister();
    await ic.installCode(id, await watToWasm(PRINTER));
  });
  after(() => ic.close());

  /** Submits `method` to the printer and feeds the telemetry the round that runs it. */
  async function roundWith(t: Telemetry, method: string | undefined, durationMs = 2): Promise<void> {
    if (method !== undefined) await ic.submitCall(id, method, new Uint8Array([0x44, 0x49, 0x44, 0x4c, 0, 0]));
    const summary = await ic.tick();
    t.recordRound(summary, durationMs, ic.committedState);
  }

  it('keeps the recent rounds, oldest first, bounded by historyRounds', async () => {
    let now = 1_000;
    const t = new Telemetry({ historyRounds: 3, now: () => now, defaultMetrics: false });
    for (let i = 0; i < 5; i++) {
      now += 10;
      await roundWith(t, i === 4 ? 'hi' : undefined, i);
    }
    const rounds = t.recentRounds();
    assert.equal(rounds.length, 3);
    assert.deepEqual(rounds.map((r) => r.durationMs), [2, 3, 4]);
    assert.deepEqual(rounds.map((r) => r.endedAtMs), [1_030, 1_040, 1_050]);
    assert.ok(rounds[1].height < rounds[2].height);
    assert.equal(rounds[2].height, ic.height);
    const last = rounds[2];
    assert.equal(last.ingressInducted, 1);
    assert.equal(last.executions, 1);
    assert.deepEqual(last.messagesByKind, { ingress: 1 });
    assert.ok(last.instructions > 0n);
    assert.ok(last.cyclesBurned > 0n, 'the call\'s execution and induction fees');
    assert.deepEqual(rounds[1].messagesByKind, {});
    assert.deepEqual(t.recentRounds(1), [last]);
  });

  it('samples each canister at most once per interval, bounded by seriesLength', async () => {
    let now = 0;
    const t = new Telemetry({ seriesLength: 4, sampleIntervalMs: 1_000, now: () => now, defaultMetrics: false });
    t.start(ic.committedState);
    assert.equal(t.canisterSeries(id).length, 1);
    for (let i = 0; i < 10; i++) {
      now += 400;
      await roundWith(t, undefined);
    }
    // samples at 0, 1200, 2400, 3600 (every third round): 4 in all, the ring's bound
    const series = t.canisterSeries(id);
    assert.deepEqual(series.map((s) => s.atMs), [0, 1_200, 2_400, 3_600]);
    for (let i = 0; i < 10; i++) {
      now += 1_000;
      await roundWith(t, undefined);
    }
    assert.equal(t.canisterSeries(id).length, 4);
    const s = t.canisterSeries(id).at(-1);
    assert.equal(s?.atMs, now);
    assert.equal(s?.cycles, ic.cycleBalance(id));
    assert.ok((s?.memoryBytes ?? 0n) > 0n);
  });

  it('onRound tells listeners of every round until they unsubscribe', async () => {
    const t = new Telemetry({ defaultMetrics: false });
    const seen: RoundSample[] = [];
    const off = t.onRound((s) => seen.push(s));
    await roundWith(t, undefined);
    await roundWith(t, undefined);
    off();
    await roundWith(t, undefined);
    assert.equal(seen.length, 2);
    assert.equal(seen[1], t.recentRounds(2)[0]);
  });

  it('canister log records go to the canister logger once each, traps at warn', async () => {
    const canister = capture();
    const replicaLog = capture();
    const t = new Telemetry({ canisterLogger: canister.logger, logger: replicaLog.logger, defaultMetrics: false });
    t.start(ic.committedState); // what the earlier tests printed is not written again
    await roundWith(t, 'hi');
    await roundWith(t, 'boom');
    await roundWith(t, undefined);
    t.recordCheckpoint(12.5, 7n);
    await flush();
    assert.deepEqual(canister.lines.map((l) => [l.level, l.msg, l.canister]), [
      [30, 'hello', id.toText()],
      [40, '[TRAP]: hello', id.toText()],
    ]);
    assert.deepEqual(replicaLog.lines.map((l) => [l.msg, l.height, l.durationMs]), [['checkpoint written', 7, 12.5]]);
  });

  it('metricsText: the figures of the rounds in Prometheus text', async () => {
    const t = new Telemetry({ defaultMetrics: false, pooledIngress: () => 3 });
    await roundWith(t, 'hi');
    t.recordHttp('/api/v3/canister/:id/call', 200);
    t.recordHttp('/api/v3/canister/:id/call', 200);
    t.recordCheckpoint(5);
    const text = await t.metricsText();
    assert.match(text, /^ic_exec_rounds_total 1$/m);
    assert.match(text, /^ic_exec_messages_executed_total\{kind="ingress"\} 1$/m);
    assert.match(text, /^ic_exec_http_requests_total\{endpoint="\/api\/v3\/canister\/:id\/call",status="200"\} 2$/m);
    assert.match(text, /^ic_exec_ingress_pool_messages 3$/m);
    assert.match(text, /^ic_exec_checkpoint_duration_seconds_count 1$/m);
    assert.match(text, /^# TYPE ic_exec_round_duration_seconds histogram$/m);
    assert.doesNotMatch(text, /process_cpu/);
    const parsed = parsePrometheusText(text);
    assert.equal(parsed.get('ic_exec_messages_executed_total')?.type, 'counter');
    assert.equal(valueOf(parsed, 'ic_exec_round_instructions_count'), 1);
  });

  it('a replica\'s checkpoints reach it through Replica.create\'s onCheckpoint', async () => {
    const t = new Telemetry({ defaultMetrics: false });
    const r = await Replica.create({ checkpointInterval: 2n, onCheckpoint: t.checkpointObserver });
    try {
      for (let i = 0; i < 4; i++) await r.tick();
    } finally {
      await r.close();
    }
    const parsed = parsePrometheusText(await t.metricsText());
    assert.ok((valueOf(parsed, 'ic_exec_checkpoint_duration_seconds_count') ?? 0) >= 2);
  });
});
