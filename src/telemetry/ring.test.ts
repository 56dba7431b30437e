import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Ring } from './ring.ts';

describe('Ring', () => {
  it('keeps items oldest first until full', () => {
    const r = new Ring<number>(3);
    assert.deepEqual(r.toArray(), []);
    assert.equal(r.last(), undefined);
    r.push(1);
    r.push(2);
    assert.deepEqual(r.toArray(), [1, 2]);
    assert.equal(r.size, 2);
    assert.equal(r.last(), 2);
  });

  it('drops the oldest once full, and stays bounded', () => {
    const r = new Ring<number>(3);
    for (let i = 1; i <= 10; i++) r.push(i);
    assert.equal(r.size, 3);
    assert.deepEqual(r.toArray(), [8, 9, 10]);
    assert.equal(r.last(), 10);
  });

  it('toArray(limit) gives the newest `limit`, oldest first', () => {
    const r = new Ring<number>(4);
    for (let i = 1; i <= 6; i++) r.push(i);
    assert.deepEqual(r.toArray(2), [5, 6]);
    assert.deepEqual(r.toArray(0), []);
    assert.deepEqual(r.toArray(99), [3, 4, 5, 6]);
    assert.deepEqual(r.toArray(-1), []);
  });

  it('refuses a capacity below 1', () => {
    assert.throws(() => new Ring(0), RangeError);
    assert.throws(() => new Ring(1.5), RangeError);
  });
});
