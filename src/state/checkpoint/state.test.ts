import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CanisterState } from '../canister-state.ts';
import { PageMap } from '../page-map.ts';
import { stateHash } from '../state-hash.ts';
import { popInput } from '../system-state-messages.ts';
import type { ExecutionState } from '../execution-state.ts';
import { sha256 } from '../../crypto/index.ts';
import { A, B, C } from '../test-support.ts';
import { OBJECT_KIND } from './objects.ts';
import { decodeState, encodeState } from './state.ts';
import { MapStore, compiler, page, richState } from './test-support.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function encode(state: Parameters<typeof encodeState>[0], store = new MapStore()): { bytes: Uint8Array; roots: readonly Uint8Array[]; store: MapStore } {
  const r = encodeState(state, store);
  assert.ok(r.ok, r.ok ? '' : r.error);
  return { bytes: r.bytes, roots: r.roots, store };
}

function roundTrip(state: Parameters<typeof encodeState>[0]): ReturnType<typeof decodeState> & { ok: true } {
  const { bytes, store } = encode(state);
  const d = decodeState(bytes, store, compiler);
  assert.ok(d.ok, d.ok ? '' : d.error);
  return d;
}

describe('checkpoint codec', () => {
  it('round-trips a state with every kind of field: same state hash, and re-encodes to the same bytes', () => {
    const s = richState();
    const { bytes, store } = encode(s);
    const d = decodeState(bytes, store, compiler);
    assert.ok(d.ok, d.ok ? '' : d.error);
    assert.equal(hex(stateHash(d.state)), hex(stateHash(s)));
    // The bytes hold what the hash leaves out (sequence numbers, map orders, empty pairs, …): byte-equal re-encoding shows them kept.
    assert.equal(hex(encode(d.state).bytes), hex(bytes));
  });

  it('keeps internal counters and derived figures', () => {
    const s = richState();
    const d = roundTrip(s).state;
    for (const id of [A, B, C]) {
      const [x, y] = [s.canister(id) as CanisterState, d.canister(id) as CanisterState];
      assert.equal(y.memoryUsage(), x.memoryUsage());
      assert.equal(y.messageMemoryUsage(), x.messageMemoryUsage());
      assert.equal(y.systemState.checkInvariants(), x.systemState.checkInvariants());
      assert.equal(y.systemState.canisterLog.usedBytes, x.systemState.canisterLog.usedBytes);
      assert.equal(y.systemState.canisterHistory.memoryUsage, x.systemState.canisterHistory.memoryUsage);
      assert.equal(y.systemState.queues.ingressQueue.sizeBytes, x.systemState.queues.ingressQueue.sizeBytes);
      assert.deepEqual(y.systemState.queues.availableOutputRequestSlots(), x.systemState.queues.availableOutputRequestSlots());
      assert.equal(y.snapshots.memoryUsage, x.snapshots.memoryUsage);
      assert.equal(y.systemState.debitedBalance, x.systemState.debitedBalance);
    }
    assert.equal(d.metadata.ingressHistory.memoryUsage, s.metadata.ingressHistory.memoryUsage);
    assert.equal(d.metadata.generateNewCanisterId()?.toText(), s.metadata.generateNewCanisterId()?.toText());
  });

  it('behaves as the original: the same inputs pop in the same order, the same callbacks expire', () => {
    const s = richState();
    const d = roundTrip(s).state;
    for (const id of [A, B]) {
      const [x, y] = [(s.canisterMut(id) as CanisterState).systemState, (d.canisterMut(id) as CanisterState).systemState];
      for (let i = 0; i < 8; i++) assert.deepEqual(popInput(y), popInput(x));
      assert.deepEqual(y.taskQueue.popFront(), x.taskQueue.popFront());
      assert.deepEqual(y.callContextManager?.expireCallbacks(1n << 62n), x.callContextManager?.expireCallbacks(1n << 62n));
    }
    assert.deepEqual(d.subnetQueues.popInput(), s.subnetQueues.popInput());
    assert.equal(hex(stateHash(d)), hex(stateHash(s)));
  });

  it('shares memory between a snapshot and its canister again, and loads no page to decode or hash', () => {
    const { bytes, store } = encode(richState());
    let pageReads = 0;
    const counting = { get: (k: Uint8Array) => { if (k[0] === OBJECT_KIND.page) pageReads++; return store.get(k); } };
    const d = decodeState(bytes, counting, compiler);
    assert.ok(d.ok);
    stateHash(d.state);
    assert.equal(pageReads, 0);
    const a = d.state.canister(A) as CanisterState;
    assert.equal(a.executionState?.heap.get(2)?.[0], 9);
    assert.equal(a.snapshots.list()[0].heap.pages.get(2)?.[0], 2);
    assert.equal(a.snapshots.list()[0].stable.pages.get(5), a.executionState?.stable.pages.get(5));
    assert.equal(pageReads, 3);
  });

  it('writes only new pages and the nodes above them at the next checkpoint', () => {
    const s = richState();
    const store = new MapStore();
    encode(s, store);
    const again = new MapStore();
    for (const [k, v] of store.objects) again.objects.set(k, v);
    encode(s, again);
    assert.equal(again.puts, 0, 'an unchanged state writes nothing');
    const a = s.canisterMut(A) as CanisterState;
    const es = a.executionState as ExecutionState;
    a.executionState = { ...es, heap: es.heap.withPages([{ index: 1_000_000, bytes: page(44) }]) };
    encode(s, again);
    assert.equal(again.puts, 1 + 6, 'one page and the six nodes above it');
  });

  it('refuses a state with a paused execution (an error value)', () => {
    const s = richState();
    const b = (s.canisterMut(B) as CanisterState).systemState;
    b.taskQueue.popFront();
    b.taskQueue.enqueue({ kind: 'pausedExecution', id: 3, input: { kind: 'task', task: 'heartbeat' } });
    const r = encodeState(s, new MapStore());
    assert.ok(!r.ok);
    assert.match(r.error, /paused execution/);
  });

  it('returns an error for a damaged, truncated or foreign encoding, or a missing or damaged object', () => {
    const { bytes, store } = encode(richState());
    for (const bad of [bytes.subarray(0, 10), bytes.subarray(0, bytes.length - 1), new Uint8Array(0), Uint8Array.from(bytes).fill(0, 40, 41)]) {
      const r = decodeState(bad, store, compiler);
      assert.ok(!r.ok);
    }
    const flipped = Uint8Array.from(bytes);
    flipped[100] ^= 1;
    assert.match((decodeState(flipped, store, compiler) as { error: string }).error, /checksum/);
    const node = [...store.objects.keys()].find((k) => k.startsWith(OBJECT_KIND.node.toString(16))) as string;
    const missing = new MapStore();
    for (const [k, v] of store.objects) if (k !== node) missing.objects.set(k, v);
    const r1 = decodeState(bytes, missing, compiler);
    assert.ok(!r1.ok && /missing/.test(r1.error), JSON.stringify(r1));
    const damaged = new MapStore();
    for (const [k, v] of store.objects) damaged.objects.set(k, k === node ? Uint8Array.from(v).fill(1, 1, 2) : v);
    const r2 = decodeState(bytes, damaged, compiler);
    assert.ok(!r2.ok && /does not match/.test(r2.error), JSON.stringify(r2));
  });

  it('never throws on mutated encodings whose checksum was recomputed (errors are values)', () => {
    const { bytes, store } = encode(richState());
    const body = bytes.subarray(0, bytes.length - 32);
    let seed = 12345;
    const rand = (n: number): number => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed % n; };
    let errors = 0;
    for (let i = 0; i < 300; i++) {
      const m = Uint8Array.from(body);
      for (let k = 1 + rand(3); k > 0; k--) m[5 + rand(m.length - 5)] = rand(256);
      const cut = rand(10) === 0 ? m.subarray(0, rand(m.length)) : m;
      const withSum = new Uint8Array(cut.length + 32);
      withSum.set(cut);
      withSum.set(sha256(cut), cut.length);
      const r = decodeState(withSum, store, compiler);
      if (!r.ok) errors++;
    }
    assert.ok(errors > 200, `${errors} of 300 mutations detected`);
  });

  it('encodes an empty map and a grown-then-zeroed map alike', () => {
    const s = richState();
    const a = s.canisterMut(A) as CanisterState;
    const es = a.executionState as ExecutionState;
    const zeroed = PageMap.fromPages([{ index: 9_000_000, bytes: page(1) }]).withPages([{ index: 9_000_000, bytes: page(0) }]);
    a.executionState = { ...es, stable: { sizePages: 0, pages: zeroed } };
    const d = roundTrip(s).state;
    assert.equal((d.canister(A) as CanisterState).executionState?.stable.pages.pageCount, 0);
    assert.equal(hex(stateHash(d)), hex(stateHash(s)));
  });
});
