// The in-process library end to end: update throughput of counter canisters
// through `Replica` (submitCall → ingress filter and inspect_message → block
// maker → batch → induction → scheduler → execution → ingress history), with
// 1 core (in-process) and 2 cores (two sandbox workers); the inter-canister
// round trip (A calls B and awaits; an ingress to A per round trip), batched
// and one at a time; queries per second through `Replica.query`. Every
// figure is set against a bare V8 baseline measured in the same run: the
// same module instantiated with the minimal test host (`instantiateCanister`
// of test/corpus/host.ts) and its export called in a loop.
//
// Workloads: the WAT counter (test/corpus/wat/counter.wat, with its
// canister_inspect_message), the Motoko counter (test/corpus/canisters/
// counter.mo, EOP), a WAT caller that calls the WAT counter's `inc` and
// replies with its reply, and the Motoko `Calls` actor (callOther → ping).
// Each replica holds all of them (14 canisters); updates go round-robin to
// 4 counters of a kind in batches of 1,000 (the block maker's per-batch
// cap), round trips to 2 caller → callee pairs in batches of 500.
// All variants are interleaved (one sample of each in turn, medians over
// the samples), so load drift on the shared machine hits all alike.
//
// Between samples the clock moves past the ingress TTL (5 min) and one
// round prunes the ingress history: a replica's round copies the history on
// its first write after a snapshot (O(entries)), so without pruning each
// sample would run slower than the one before (`historyEffect` shows how
// much). A round also has a fixed cost (`emptyRoundMs`: the round's random
// tape is a BLS signature over the height), which a batch spreads over its
// messages and a lone message pays whole.
//
// Headline: WAT counter updates per second on 1 core, against bare V8
// calling the same `inc` export. No target is set for these figures.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Replica } from '../src/index.ts';
import type { CanisterId } from '../src/index.ts';
import { MAX_INGRESS_TTL_NANOS } from '../src/config/index.ts';
import { watFile, watToWasm } from '../test/corpus/wat.ts';
import { compileMotoko } from '../test/corpus/motoko.ts';
import { candidNat, candidTextNat, candidUnit } from '../test/corpus/candid.ts';
import { instantiateCanister } from '../test/corpus/host.ts';
import type { CallResult, TestCanister } from '../test/corpus/host.ts';
import { median } from './lib.ts';
import type { BenchReport } from './lib.ts';

/** Calls `inc` on the canister whose id is the argument; replies with its reply. */
const CALLER_WAT = `(module
  (import "ic0" "msg_arg_data_size" (func $arg_size (result i32)))
  (import "ic0" "msg_arg_data_copy" (func $arg_copy (param i32 i32 i32)))
  (import "ic0" "msg_reply_data_append" (func $append (param i32 i32)))
  (import "ic0" "msg_reply" (func $reply))
  (import "ic0" "msg_reject" (func $reject (param i32 i32)))
  (import "ic0" "call_new" (func $call_new (param i32 i32 i32 i32 i32 i32 i32 i32)))
  (import "ic0" "call_perform" (func $call_perform (result i32)))
  (memory 1)
  (export "memory" (memory 0))
  (table 2 funcref)
  (export "table" (table 0))
  (elem (i32.const 0) $on_reply $on_reject)
  (data (i32.const 512) "inccallee rejectedcall failed")
  (func (export "canister_update call") (local $n i32)
    (local.set $n (call $arg_size))
    (call $arg_copy (i32.const 0) (i32.const 0) (local.get $n))
    (call $call_new (i32.const 0) (local.get $n) (i32.const 512) (i32.const 3) (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 0))
    (if (call $call_perform) (then (call $reject (i32.const 530) (i32.const 11)))))
  (func $on_reply (param $env i32) (local $n i32)
    (local.set $n (call $arg_size))
    (call $arg_copy (i32.const 64) (i32.const 0) (local.get $n))
    (call $append (i32.const 64) (local.get $n))
    (call $reply))
  (func $on_reject (param $env i32)
    (call $reject (i32.const 515) (i32.const 15))))`;

const COUNTERS = 4;
const PAIRS = 2;
const UPDATE_BATCH = 1_000;
const ROUND_TRIP_BATCH = 500;
const SEQUENTIAL_ROUND_TRIPS = 20;
const QUERIES = 1_000;
const EMPTY_ROUNDS = 10;
const SAMPLES = 7;
const KINDS = ['wat', 'motoko'] as const;
type Kind = (typeof KINDS)[number];
const CORE_COUNTS = [1, 2] as const;

/** What one sample of a variant did. */
interface Sample {
  ops: number;
  ms: number;
  /** Of `ms`: submitting (ingress filter, inspect_message, block-maker pool). */
  submitMs?: number;
  rounds?: number;
  /** Inner-round iterations over all `rounds`. */
  iterations?: number;
}

/** A replica with every workload installed, and how many `inc`s each counter should have seen. */
interface Setup {
  cores: number;
  ic: Replica;
  counters: Record<Kind, CanisterId[]>;
  /** Callers and their callees, per kind; the ingress argument of each pair. */
  pairs: Record<Kind, Array<{ caller: CanisterId; callee: CanisterId; arg: Uint8Array }>>;
  expected: Map<string, bigint>;
}

const count = (s: Setup, id: CanisterId, n = 1n): void => { s.expected.set(id.toText(), (s.expected.get(id.toText()) ?? 0n) + n); };

async function install(ic: Replica, wasm: Uint8Array): Promise<CanisterId> {
  const id = await ic.createCanister();
  await ic.installCode(id, wasm);
  return id;
}

async function setup(cores: number, wasm: { counterWat: Uint8Array; counterMo: Uint8Array; callerWat: Uint8Array; callsMo: Uint8Array }): Promise<Setup> {
  const ic = await Replica.create({ cores });
  const counters: Setup['counters'] = { wat: [], motoko: [] };
  for (let i = 0; i < COUNTERS; i++) counters.wat.push(await install(ic, wasm.counterWat));
  for (let i = 0; i < COUNTERS; i++) counters.motoko.push(await install(ic, wasm.counterMo));
  const pairs: Setup['pairs'] = { wat: [], motoko: [] };
  for (let i = 0; i < PAIRS; i++) {
    const callee = counters.wat[i];
    pairs.wat.push({ caller: await install(ic, wasm.callerWat), callee, arg: Uint8Array.from(callee.bytesView()) });
  }
  for (let i = 0; i < PAIRS; i++) {
    const caller = await install(ic, wasm.callsMo);
    const callee = await install(ic, wasm.callsMo);
    pairs.motoko.push({ caller, callee, arg: candidTextNat(callee.toText(), i) });
  }
  return { cores, ic, counters, pairs, expected: new Map() };
}

/** Moves the clock past the ingress TTL and runs a round, so the ingress history holds nothing old. */
async function prune(ic: Replica): Promise<void> {
  ic.advanceTime(MAX_INGRESS_TTL_NANOS + 1_000_000_000n);
  await ic.tick();
}

/**
 * Submits `targets` (one ingress each), then runs rounds until every one
 * is answered. @throws {Error} if any fails or is rejected.
 */
async function submitAndRun(ic: Replica, targets: ReadonlyArray<{ id: CanisterId; method: string; arg: Uint8Array }>): Promise<Sample> {
  const t0 = performance.now();
  const ids: Uint8Array[] = [];
  for (const t of targets) ids.push(await ic.submitCall(t.id, t.method, t.arg));
  const t1 = performance.now();
  let pending = ids;
  let rounds = 0;
  let iterations = 0;
  while (pending.length > 0) {
    const summary = await ic.tick();
    rounds++;
    iterations += summary.round.iterations;
    pending = pending.filter((m) => {
      const s = ic.ingressStatus(m)?.state;
      if (s?.kind === 'failed' || (s?.kind === 'completed' && s.result.kind !== 'reply')) throw new Error(`a benchmark message failed: ${JSON.stringify(s, (_k, v) => (typeof v === 'bigint' ? `${v}` : v))}`);
      return s?.kind !== 'completed';
    });
    if (rounds > 1_000) throw new Error('messages still unanswered after 1,000 rounds');
  }
  return { ops: targets.length, ms: performance.now() - t0, submitMs: t1 - t0, rounds, iterations };
}

function updateBatch(s: Setup, kind: Kind): () => Promise<Sample> {
  const targets = Array.from({ length: UPDATE_BATCH }, (_, i) => ({ id: s.counters[kind][i % COUNTERS], method: 'inc', arg: candidUnit }));
  return async () => {
    await prune(s.ic);
    const r = await submitAndRun(s.ic, targets);
    for (const t of targets) count(s, t.id);
    return r;
  };
}

const callMethod = (kind: Kind): string => (kind === 'wat' ? 'call' : 'callOther');

function roundTripBatch(s: Setup, kind: Kind): () => Promise<Sample> {
  const targets = Array.from({ length: ROUND_TRIP_BATCH }, (_, i) => s.pairs[kind][i % PAIRS])
    .map((p) => ({ id: p.caller, method: callMethod(kind), arg: p.arg, callee: p.callee }));
  return async () => {
    await prune(s.ic);
    const r = await submitAndRun(s.ic, targets);
    if (kind === 'wat') for (const t of targets) count(s, t.callee);
    return r;
  };
}

/** One round trip at a time: submit, run rounds until it is answered. */
function roundTripSequential(s: Setup, kind: Kind): () => Promise<Sample> {
  const p = s.pairs[kind][0];
  const target = [{ id: p.caller, method: callMethod(kind), arg: p.arg }];
  return async () => {
    await prune(s.ic);
    const total: Sample = { ops: 0, ms: 0, submitMs: 0, rounds: 0, iterations: 0 };
    for (let i = 0; i < SEQUENTIAL_ROUND_TRIPS; i++) {
      const r = await submitAndRun(s.ic, target);
      total.ops += r.ops; total.ms += r.ms; total.submitMs! += r.submitMs!; total.rounds! += r.rounds!; total.iterations! += r.iterations!;
      if (kind === 'wat') count(s, p.callee);
    }
    return total;
  };
}

function queries(s: Setup, kind: Kind): () => Promise<Sample> {
  const ids = s.counters[kind];
  return async () => {
    const t0 = performance.now();
    for (let i = 0; i < QUERIES; i++) await s.ic.query(ids[i % COUNTERS], 'get', candidUnit);
    return { ops: QUERIES, ms: performance.now() - t0 };
  };
}

function emptyRounds(s: Setup): () => Promise<Sample> {
  return async () => {
    await prune(s.ic);
    const t0 = performance.now();
    for (let i = 0; i < EMPTY_ROUNDS; i++) await s.ic.tick();
    return { ops: EMPTY_ROUNDS, ms: performance.now() - t0, rounds: EMPTY_ROUNDS };
  };
}

/** A synchronous loop of `n` calls of `f` on the bare host, as a sample. @throws {Error} if a call does not reply. */
function bare(n: number, f: () => CallResult, check?: () => void): () => Promise<Sample> {
  return async () => {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) if (f().reply === undefined) throw new Error('a bare V8 call did not reply');
    const ms = performance.now() - t0;
    check?.();
    return { ops: n, ms };
  };
}

/**
 * A query on the bare host with its changes undone at the least cost any
 * rollback could have: the Wasm pages the query changes are learned by
 * diffing the whole memory once, and only those are copied back after each
 * call (a full heap copy per query, the host's own `query`, would cost
 * ~1.5 ms on a 5 MiB Motoko heap). Motoko traps on a query that follows an
 * unrolled-back one, so the rollback is needed, not decoration.
 * @returns the call and a check that memory is back to its snapshot.
 */
function bareQuery(c: TestCanister, method: string, arg: Uint8Array): { call: () => CallResult; check: () => void; pages: number; heapPages: number } {
  const memory = Object.values(c.instance.exports).find((e): e is WebAssembly.Memory => e instanceof WebAssembly.Memory);
  if (memory === undefined) throw new Error('the module exports no memory');
  const snapshot = new Uint8Array(memory.buffer).slice();
  const PAGE = 65_536;
  const page = (bytes: Uint8Array, p: number): Uint8Array => bytes.subarray(p * PAGE, (p + 1) * PAGE);
  const first = c.call(method, arg);
  if (first.reply === undefined) throw new Error(`bare query ${method}: ${JSON.stringify(first)}`);
  const heap = new Uint8Array(memory.buffer);
  if (heap.length !== snapshot.length) throw new Error('a query grew the memory');
  const dirty: number[] = [];
  for (let p = 0; p < snapshot.length / PAGE; p++) if (Buffer.compare(page(heap, p), page(snapshot, p)) !== 0) dirty.push(p);
  const restore = (): void => { for (const p of dirty) heap.set(page(snapshot, p), p * PAGE); };
  restore();
  return {
    call: () => { const r = c.call(method, arg); restore(); return r; },
    check: () => { if (Buffer.compare(new Uint8Array(memory.buffer), snapshot) !== 0) throw new Error(`bare query ${method} changed pages it did not change the first time`); },
    pages: dirty.length,
    heapPages: snapshot.length / PAGE,
  };
}

/** A round trip on the bare host: A's update records its call, B runs it, A's reply callback runs. */
function bareRoundTrip(a: TestCanister, b: TestCanister, arg: Uint8Array, method: string, aId: Uint8Array): () => CallResult {
  return () => {
    a.call(method, arg);
    const call = a.calls[a.calls.length - 1];
    const r = b.call(call.method, call.arg, aId);
    a.calls.length = 0;
    return a.respond(call, { reply: r.reply ?? new Uint8Array(0) });
  };
}

const perSecond = (x: Sample): number => (x.ops * 1000) / x.ms;

export async function run(): Promise<BenchReport> {
  const started = performance.now();
  const wasm = {
    counterWat: await watFile('counter'),
    counterMo: await compileMotoko(readFileSync(new URL('../test/corpus/canisters/counter.mo', import.meta.url), 'utf8')),
    callerWat: await watToWasm(CALLER_WAT),
    callsMo: await compileMotoko(readFileSync(new URL('../test/corpus/canisters/calls.mo', import.meta.url), 'utf8')),
  };
  const setups: Setup[] = [];
  for (const cores of CORE_COUNTS) setups.push(await setup(cores, wasm));
  const setupMs = performance.now() - started;

  // Bare V8: the same modules on the minimal host, one instance each.
  const calleeId = setups[0].pairs.motoko[0].callee;
  const host = {
    counterWat: instantiateCanister(wasm.counterWat),
    counterMo: instantiateCanister(wasm.counterMo),
    callerWat: instantiateCanister(wasm.callerWat),
    calleeWat: instantiateCanister(wasm.counterWat),
    callsMoA: instantiateCanister(wasm.callsMo),
    callsMoB: instantiateCanister(wasm.callsMo),
    queryWat: instantiateCanister(wasm.counterWat),
    queryMo: instantiateCanister(wasm.counterMo),
  };
  const aId = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 1, 1, 1);
  const variants: Record<string, () => Promise<Sample>> = {};
  for (const kind of KINDS) {
    for (const s of setups) variants[`update.${kind}.${s.cores}`] = updateBatch(s, kind);
  }
  variants['bare.update.wat'] = bare(20_000, () => host.counterWat.call('canister_update inc'));
  variants['bare.update.motoko'] = bare(5_000, () => host.counterMo.call('inc', candidUnit));
  for (const kind of KINDS) {
    for (const s of setups) variants[`roundTrip.${kind}.${s.cores}`] = roundTripBatch(s, kind);
    for (const s of setups) variants[`roundTripSequential.${kind}.${s.cores}`] = roundTripSequential(s, kind);
  }
  variants['bare.roundTrip.wat'] = bare(10_000, bareRoundTrip(host.callerWat, host.calleeWat, Uint8Array.from(calleeId.bytesView()), 'call', aId));
  variants['bare.roundTrip.motoko'] = bare(2_000, bareRoundTrip(host.callsMoA, host.callsMoB, candidTextNat(calleeId.toText(), 1), 'callOther', aId));
  for (const kind of KINDS) {
    for (const s of setups) variants[`query.${kind}.${s.cores}`] = queries(s, kind);
  }
  const bareQueries = { wat: bareQuery(host.queryWat, 'canister_query get', candidUnit), motoko: bareQuery(host.queryMo, 'canister_query get', candidUnit) };
  variants['bare.query.wat'] = bare(20_000, bareQueries.wat.call, bareQueries.wat.check);
  variants['bare.query.motoko'] = bare(10_000, bareQueries.motoko.call, bareQueries.motoko.check);
  for (const s of setups) variants[`emptyRound.${s.cores}`] = emptyRounds(s);

  // One warm-up pass, then SAMPLES interleaved passes.
  const names = Object.keys(variants);
  const samples: Record<string, Sample[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let pass = 0; pass <= SAMPLES; pass++) {
    for (const n of names) {
      const x = await variants[n]();
      if (pass > 0) samples[n].push(x);
    }
  }
  const rate = (n: string): number => median(samples[n].map(perSecond));
  const usPer = (n: string, part: (x: Sample) => number): number => median(samples[n].map((x) => (part(x) * 1000) / x.ops));
  const sum = (n: string, f: (x: Sample) => number): number => samples[n].reduce((a, x) => a + f(x), 0);

  // The ingress history's weight: rounds with ~10,000 fresh entries in it, then pruned.
  const s1 = setups[0];
  const historyTargets = Array.from({ length: UPDATE_BATCH }, (_, i) => ({ id: s1.counters.wat[i % COUNTERS], method: 'inc', arg: candidUnit }));
  await prune(s1.ic);
  for (let b = 0; b < 10; b++) {
    await submitAndRun(s1.ic, historyTargets);
    for (const t of historyTargets) count(s1, t.id);
  }
  const historyEntries = s1.ic.committedState.metadata.ingressHistory.size;
  const timeRounds = async (): Promise<number> => {
    const t0 = performance.now();
    for (let i = 0; i < EMPTY_ROUNDS; i++) await s1.ic.tick();
    return (performance.now() - t0) / EMPTY_ROUNDS;
  };
  const withHistoryMs = await timeRounds();
  await prune(s1.ic);
  const prunedEntries = s1.ic.committedState.metadata.ingressHistory.size;
  const prunedMs = await timeRounds();

  // Every counter saw every inc sent to it (directly or through a caller).
  for (const s of setups) {
    for (const [text, n] of s.expected) {
      const id = [...s.counters.wat, ...s.counters.motoko].find((c) => c.toText() === text)!;
      const reply = await s.ic.query(id, 'get', candidUnit);
      const got = s.counters.wat.includes(id) ? new DataView(reply.buffer, reply.byteOffset).getBigUint64(0, true) : undefined;
      if (got !== undefined ? got !== n : Buffer.compare(reply, candidNat(n)) !== 0) throw new Error(`counter ${text} on ${s.cores} core(s): expected ${n}`);
    }
  }
  for (const s of setups) await s.ic.close();

  const byCores = (f: (cores: number) => unknown): Record<string, unknown> => Object.fromEntries(CORE_COUNTS.map((c) => [`${c}core${c > 1 ? 's' : ''}`, f(c)]));
  const updates = Object.fromEntries(KINDS.map((kind) => {
    const base = rate(`bare.update.${kind}`);
    return [kind, {
      bareV8PerSecond: base,
      ...byCores((c) => {
        const n = `update.${kind}.${c}`;
        return {
          perSecond: rate(n), ratio: rate(n) / base,
          submitUsPerMessage: usPer(n, (x) => x.submitMs!), roundsUsPerMessage: usPer(n, (x) => x.ms - x.submitMs!),
          roundsPerBatch: sum(n, (x) => x.rounds!) / samples[n].length,
        };
      }),
    }];
  }));
  const roundTrips = Object.fromEntries(KINDS.map((kind) => {
    const base = rate(`bare.roundTrip.${kind}`);
    return [kind, {
      bareV8PerSecond: base,
      ...byCores((c) => {
        const b = `roundTrip.${kind}.${c}`;
        const q = `roundTripSequential.${kind}.${c}`;
        return {
          batched: {
            perSecond: rate(b), ratio: rate(b) / base,
            roundsPerRoundTrip: sum(b, (x) => x.rounds!) / sum(b, (x) => x.ops),
            innerIterationsPerRound: sum(b, (x) => x.iterations!) / sum(b, (x) => x.rounds!),
          },
          oneAtATime: {
            perSecond: rate(q), ratio: rate(q) / base, latencyUs: usPer(q, (x) => x.ms),
            roundsPerRoundTrip: sum(q, (x) => x.rounds!) / sum(q, (x) => x.ops),
            innerIterationsPerRound: sum(q, (x) => x.iterations!) / sum(q, (x) => x.rounds!),
          },
        };
      }),
    }];
  }));
  const queryRows = Object.fromEntries(KINDS.map((kind) => {
    const base = rate(`bare.query.${kind}`);
    const restored = { pagesRestoredPerQuery: bareQueries[kind].pages, heapPages: bareQueries[kind].heapPages };
    return [kind, { bareV8PerSecond: base, bareV8: restored, ...byCores((c) => ({ perSecond: rate(`query.${kind}.${c}`), ratio: rate(`query.${kind}.${c}`) / base })) }];
  }));

  const value = rate('update.wat.1');
  const baseline = rate('bare.update.wat');
  return {
    name: 'replica',
    unit: 'updates/s',
    value,
    baseline,
    ratio: value / baseline,
    details: {
      headline: 'WAT counter `inc` updates per second through Replica (submitCall in batches of 1,000, 1 core, in-process) against bare V8 calling the same export on the test host',
      machineCores: availableParallelism(),
      canistersPerReplica: 2 * COUNTERS + 3 * PAIRS, // counters of each kind; WAT callers; Motoko caller and callee pairs
      workloads: {
        updates: `${UPDATE_BATCH} ingress per sample, round-robin over ${COUNTERS} counters of the kind; timed from the first submitCall to the last answer`,
        roundTrips: `batched: ${ROUND_TRIP_BATCH} ingress per sample over ${PAIRS} caller → callee pairs; oneAtATime: ${SEQUENTIAL_ROUND_TRIPS} ingress, each submitted after the previous one is answered. WAT: caller.call(id) → counter.inc; Motoko: Calls.callOther(id, n) → Calls.ping(n)`,
        queries: `${QUERIES} Replica.query calls of get per sample, round-robin over ${COUNTERS} counters`,
        bareV8: 'test/corpus/host.ts instantiateCanister, the export called in a synchronous loop; queries: then only the pages the query changed are copied back (learned once by diffing memory, checked after every sample); round trip: caller update, callee update, caller reply callback',
        cores: '1 core: in-process hypervisor; 2 cores: 2 sandbox workers (schedulerCores 4 partitions, 2 at once)',
      },
      samples: SAMPLES,
      updates,
      roundTrips,
      queries: queryRows,
      emptyRoundMs: byCores((c) => usPer(`emptyRound.${c}`, (x) => x.ms) / 1000),
      historyEffect: { cores: 1, entries: historyEntries, emptyRoundMs: withHistoryMs, afterPruneEntries: prunedEntries, afterPruneEmptyRoundMs: prunedMs },
      sampleSpreadPercent: Object.fromEntries(names.map((n) => {
        const r = samples[n].map(perSecond);
        return [n, Math.round(((Math.max(...r) - Math.min(...r)) / median(r)) * 100)];
      })),
      setupMs,
      totalMs: performance.now() - started,
    },
  };
}
