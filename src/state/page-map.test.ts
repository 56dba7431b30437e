import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PAGE_BYTES, PageMap, isZeroPage } from './page-map.ts';

const page = (fill: number): Uint8Array => new Uint8Array(PAGE_BYTES).fill(fill);

describe('PageMap', () => {
  it('reads absent pages as undefined (zero) and stores written ones', () => {
    const m = PageMap.empty().withPages([{ index: 3, bytes: page(7) }]);
    assert.equal(m.get(0), undefined);
    assert.equal(m.get(3)?.[0], 7);
    assert.equal(m.pageCount, 1);
    assert.ok(m.pageEquals(0, page(0)));
    assert.ok(m.pageEquals(3, page(7)));
    assert.ok(!m.pageEquals(3, page(8)));
  });

  it('is persistent: applying a delta leaves the parent unchanged and shares the rest', () => {
    const a = PageMap.fromPages([{ index: 1, bytes: page(1) }, { index: 70_000, bytes: page(2) }]);
    const b = a.withPages([{ index: 1, bytes: page(9) }]);
    assert.equal(a.get(1)?.[0], 1);
    assert.equal(b.get(1)?.[0], 9);
    assert.equal(b.get(70_000), a.get(70_000), 'unchanged page is the same object');
    assert.notEqual(a.version, b.version);
  });

  it('grows its depth for large indices and iterates in index order', () => {
    const indices = [5, 0, 4_000_000, 64, 63, 262_143, 1];
    const m = PageMap.fromPages(indices.map((index) => ({ index, bytes: page(index % 250 + 1) })));
    assert.deepEqual([...m.pages()].map((p) => p.index), [...indices].sort((x, y) => x - y));
    assert.equal(m.get(4_000_000)?.[0], 4_000_000 % 250 + 1);
  });

  it('drops pages written back to zero, so equal contents compare equal', () => {
    const a = PageMap.fromPages([{ index: 2, bytes: page(5) }]);
    const b = a.withPages([{ index: 2, bytes: page(0) }]);
    assert.equal(b.pageCount, 0);
    assert.ok(b.contentEquals(PageMap.empty()));
    assert.ok(!a.contentEquals(b));
  });

  it('returns itself for an empty delta and rejects malformed pages', () => {
    const a = PageMap.empty();
    assert.equal(a.withPages([]), a);
    assert.throws(() => a.withPages([{ index: 0, bytes: new Uint8Array(10) }]), RangeError);
    assert.throws(() => a.withPages([{ index: -1, bytes: page(1) }]), RangeError);
  });

  it('copies its pages into a buffer', () => {
    const m = PageMap.fromPages([{ index: 1, bytes: page(3) }, { index: 100, bytes: page(4) }]);
    const buf = new Uint8Array(4 * PAGE_BYTES);
    assert.equal(m.copyInto(buf), 1);
    assert.equal(buf[PAGE_BYTES], 3);
    assert.ok(isZeroPage(buf.subarray(0, PAGE_BYTES)));
  });
  it('hashes every all-zero map alike, whatever depth it grew to', () => {
    const grownThenZeroed = PageMap.fromPages([{ index: 300_000, bytes: page(1) }]).withPages([{ index: 300_000, bytes: page(0) }]);
    assert.equal(grownThenZeroed.pageCount, 0);
    assert.deepEqual(grownThenZeroed.contentHash(), PageMap.empty().contentHash());
  });
});
