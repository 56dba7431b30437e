// Stable memory: the page buffer (dirty tracking, rollback, commit) and the
// `stable*` imports (sizes, growth limits, 32-bit limits, dirty-page charges
// and limits).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TrapCode } from '../errors/index.ts';
import { MAX_STABLE_MEMORY_PAGES, StableMemoryBuffer } from './stable-memory.ts';
import { DIRTY_PAGE_LIMIT_MESSAGE } from './api-stable.ts';
import { START, session, trapOf } from './test-support.ts';

describe('StableMemoryBuffer', () => {
  test('unwritten pages read as zeros; writes cross pages', () => {
    const m = new StableMemoryBuffer(1);
    const data = Uint8Array.from({ length: 5_000 }, (_, i) => (i % 251) + 1);
    m.write(4_000, data);
    const out = new Uint8Array(5_010);
    m.read(3_995, out);
    assert.deepEqual(out.subarray(0, 5), new Uint8Array(5));
    assert.deepEqual(out.subarray(5, 5_005), data);
    assert.equal(m.dirtyPageCount, 3); // pages 0, 1, 2
    assert.equal(m.newDirtyPages(0, 4_096 * 4), 1);
  });

  test('takeDirtyPages hands the dirty pages over without copying and forgets them', () => {
    const base = new Uint8Array(4_096).fill(9);
    const m = new StableMemoryBuffer(1, { get: (i) => (i === 1 ? base : undefined) });
    m.write(4_096 + 5, Uint8Array.of(1));
    m.write(0, Uint8Array.of(2));
    const taken = m.takeDirtyPages();
    assert.deepEqual(taken.map((d) => [d.index, d.bytes[0], d.bytes[5]]), [[0, 2, 0], [1, 9, 1]]);
    assert.equal(base[5], 9, 'the committed page was copied before the write');
    assert.equal(m.dirtyPageCount, 0);
    assert.deepEqual(m.takeDirtyPages(), []);
  });

  test('rollback restores contents and size; commit keeps them and returns the page delta', () => {
    const m = new StableMemoryBuffer(1);
    m.write(10, Uint8Array.of(1, 2, 3));
    const delta = m.commit();
    assert.deepEqual(delta.map((d) => d.index), [0]);
    assert.equal(m.dirtyPageCount, 0);
    m.grow(2);
    m.write(10, Uint8Array.of(9, 9, 9));
    m.write(70_000, Uint8Array.of(7));
    m.rollback();
    assert.equal(m.sizePages, 1);
    const out = new Uint8Array(3);
    m.read(10, out);
    assert.deepEqual([...out], [1, 2, 3]);
    const probe = new StableMemoryBuffer(3);
    probe.write(70_000, Uint8Array.of(7));
    assert.deepEqual(probe.commit().map((d) => d.index), [17]);
  });

  test('reads committed pages through a read-only lookup and never writes to it', () => {
    const page = new Uint8Array(4_096).fill(5);
    const gets: number[] = [];
    const lookup = Object.freeze({ get: (index: number) => { gets.push(index); return index === 1 ? page : undefined; } });
    const m = new StableMemoryBuffer(1, lookup);
    const out = new Uint8Array(2);
    m.read(4_095, out);
    assert.deepEqual([...out], [0, 5]);
    m.write(4_096, Uint8Array.of(9));
    assert.deepEqual(m.commit().map((d) => [d.index, d.bytes[0], d.bytes[1]]), [[1, 9, 5]]);
    assert.equal(page[0], 5, 'the committed page was copied, not changed');
    m.read(4_096, out);
    assert.deepEqual([...out], [9, 5], 'the commit is visible above the lookup');
    m.write(4_096, Uint8Array.of(8));
    m.rollback();
    m.read(4_096, out);
    assert.deepEqual([...out], [9, 5], 'rollback returns to the last commit');
    assert.ok(gets.includes(1));
  });

  test('growth stops at 500 GiB', () => {
    const m = new StableMemoryBuffer(MAX_STABLE_MEMORY_PAGES - 1);
    assert.equal(m.grow(2), false);
    assert.equal(m.grow(1), true);
    assert.equal(m.sizePages, MAX_STABLE_MEMORY_PAGES);
  });
});

describe('stable64_*', () => {
  test('grow returns the old size, or -1 past the maximum', () => {
    const s = session('update', { stable: new StableMemoryBuffer(0) });
    assert.equal(s.ic0.stable64_size(), 0n);
    assert.equal(s.ic0.stable64_grow(3n), 0n);
    assert.equal(s.ic0.stable64_size(), 3n);
    assert.equal(s.ic0.stable64_grow(BigInt(MAX_STABLE_MEMORY_PAGES)), -1n);
    assert.equal(s.ic0.stable64_grow(-1n), -1n); // u64::MAX pages
    assert.equal(s.ic0.stable64_size(), 3n);
  });

  test('write then read round-trips through the heap', () => {
    const s = session('update');
    s.heap.set([1, 2, 3, 4], 100);
    s.ic0.stable64_write(65_532n, 100n, 4n);
    s.ic0.stable64_read(200n, 65_532n, 4n);
    assert.deepEqual([...s.heap.subarray(200, 204)], [1, 2, 3, 4]);
  });

  test('each newly dirtied page costs 1,000 instructions, once per execution', () => {
    const s = session('update');
    s.ic0.stable64_write(4_090n, 0n, 10n); // pages 0 and 1
    assert.equal(START - s.api.getCounter(), 20n + 10n + 2_000n);
    const mid = s.api.getCounter();
    s.ic0.stable64_write(4_095n, 0n, 2n); // the same two pages
    assert.equal(mid - s.api.getCounter(), 20n + 2n);
  });

  test('Wasm64 canisters pay four times as much per dirty page', () => {
    const s = session('update', { params: { wasm64: true } });
    s.ic0.stable64_write(0n, 0n, 1n);
    assert.equal(START - s.api.getCounter(), 20n + 1n + 4_000n);
  });

  test('too many dirty pages in one execution: IC0524 with the replica\'s text', () => {
    class NearlyFull extends StableMemoryBuffer {
      override get dirtyPageCount(): number {
        return 262_143 + super.dirtyPageCount; // the query limit is 1 GiB = 262,144 pages
      }
    }
    const s = session('nonReplicatedQuery', { stable: new NearlyFull(1) });
    s.ic0.stable64_write(0n, 0n, 1n);
    assert.deepEqual(trapOf(() => s.ic0.stable64_write(4_096n, 0n, 1n)), { kind: 'MemoryAccessLimitExceeded', message: DIRTY_PAGE_LIMIT_MESSAGE });
    assert.equal(DIRTY_PAGE_LIMIT_MESSAGE, 'Exceeded the limit for the number of modified pages in the stable memory in a single execution: '
      + 'limit 2097152 KB for regular messages, 8388608 KB for upgrade messages and 1048576 KB for queries.');
    const u = session('update', { stable: new NearlyFull(1) });
    u.ic0.stable64_write(4_096n, 0n, 1n); // 2 GiB for updates
  });

  test('growth that would freeze the canister traps in updates, not in queries', () => {
    const state = { balance: 1_000n, memoryUsage: 1n << 30n };
    const s = session('update', { state });
    const e = trapOf(() => s.ic0.stable64_grow(1n));
    assert.equal(e.kind, 'InsufficientCyclesInMemoryGrow');
    assert.ok(e.kind === 'InsufficientCyclesInMemoryGrow' && e.bytes === 65_536n && e.available === 1_000n);
    assert.equal(session('replicatedQuery', { state }).ic0.stable64_grow(1n), 1n);
  });

  test('growth fails with -1 when the subnet is out of memory', () => {
    const s = session('update', { state: { subnetAvailableMemory: 100_000n } });
    assert.equal(s.ic0.stable64_grow(1n), 1n);
    assert.equal(s.ic0.stable64_grow(1n), -1n);
  });
});

describe('stable_* (32-bit)', () => {
  test('grow is limited to 4 GiB', () => {
    const s = session('update', { stable: new StableMemoryBuffer(65_535) });
    assert.equal(s.ic0.stable_grow(2), -1);
    assert.equal(s.ic0.stable_grow(1), 65_535);
    assert.equal(s.ic0.stable_size(), 65_536);
    assert.equal(s.ic0.stable_grow(1), -1);
  });

  test('every 32-bit call traps on a stable memory over 4 GiB', () => {
    const s = session('update', { stable: new StableMemoryBuffer(65_537) });
    const big = { kind: 'Trapped', trapCode: TrapCode.StableMemoryTooBigFor32Bit };
    assert.deepEqual(trapOf(() => s.ic0.stable_size()), big);
    assert.deepEqual(trapOf(() => s.ic0.stable_grow(0)), big);
    assert.deepEqual(trapOf(() => s.ic0.stable_read(0, 0, 1)), big);
    assert.deepEqual(trapOf(() => s.ic0.stable_write(0, 0, 1)), big);
    assert.equal(s.ic0.stable64_size(), 65_537n);
  });

  test('offsets and sizes are unsigned', () => {
    const s = session('update');
    assert.deepEqual(trapOf(() => s.ic0.stable_read(0, -1, 1)), { kind: 'Trapped', trapCode: TrapCode.StableMemoryOutOfBounds });
  });
});
