// Storage reservation (`storage_reservation_cycles`): nothing below the
// subnet's threshold; above it, the triangle of usage above the threshold
// times a reservation period growing linearly up to the maximum at capacity.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { APPLICATION_SUBNET_FEES, SYSTEM_SUBNET_FEES } from '../config/index.ts';
import { storageReservationCycles } from './index.ts';

const GIB = 1n << 30n;
const SAT = { usage: 100n * GIB, threshold: 750n * GIB, capacity: 2048n * GIB };

describe('storageReservationCycles', () => {
  test('is 0 while the subnet stays below its threshold', () => {
    assert.equal(storageReservationCycles(APPLICATION_SUBNET_FEES, 10n * GIB, SAT, 13n), 0n);
  });

  test('from the threshold to capacity: usage above × max period / 2 × fee, scaled by subnet size', () => {
    const full = 1298n * 317_500n * 150_000_000n;
    assert.equal(storageReservationCycles(APPLICATION_SUBNET_FEES, 1298n * GIB, { ...SAT, usage: 750n * GIB }, 13n), full);
    assert.equal(storageReservationCycles(APPLICATION_SUBNET_FEES, 1298n * GIB, { ...SAT, usage: 750n * GIB }, 26n), 2n * full);
  });

  test('is the difference of the totals, so a second allocation above the threshold costs more', () => {
    const first = storageReservationCycles(APPLICATION_SUBNET_FEES, 100n * GIB, { ...SAT, usage: 750n * GIB }, 13n);
    const second = storageReservationCycles(APPLICATION_SUBNET_FEES, 100n * GIB, { ...SAT, usage: 850n * GIB }, 13n);
    assert.ok(first > 0n && second > first);
  });

  test('system subnets reserve nothing', () => {
    assert.equal(storageReservationCycles(SYSTEM_SUBNET_FEES, 1298n * GIB, { ...SAT, usage: 750n * GIB }, 13n), 0n);
  });
});
