import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Cycles,
  NumInstructions,
  NumBytes,
  Time,
  NumWasmPages,
  NumOsPages,
  U64_MAX,
  U128_MAX,
  cycles,
  numInstructions,
  numBytes,
  time,
  numWasmPages,
  numOsPages,
  height,
  saturatingSub,
  checkedAdd,
  toSafeNumber,
  wasmPagesToBytes,
  osPagesToBytes,
  bytesToWasmPagesCeil,
  bytesToOsPagesCeil,
} from './units.ts';

describe('unit constructors', () => {
  test('accept the full range of their width', () => {
    assert.equal(cycles(0n), 0n);
    assert.equal(cycles(U128_MAX), U128_MAX);
    for (const make of [numInstructions, numBytes, time, numWasmPages, numOsPages, height]) {
      assert.equal(make(0n), 0n);
      assert.equal(make(U64_MAX), U64_MAX);
    }
  });

  test('accept safe-integer numbers and return bigints', () => {
    assert.equal(numBytes(4096), 4096n);
    assert.equal(typeof numBytes(4096), 'bigint');
  });

  test('reject negatives and values past the width with a clear RangeError', () => {
    assert.throws(() => cycles(-1n), { name: 'RangeError', message: /Cycles out of range: -1 is not in \[0, 3402823669209384634633746074317682114\d+\]/ });
    assert.throws(() => cycles(U128_MAX + 1n), RangeError);
    assert.throws(() => numInstructions(U64_MAX + 1n), { name: 'RangeError', message: /NumInstructions out of range/ });
    assert.throws(() => time(-5n), /Time out of range/);
  });

  test('reject floats and unsafe numbers', () => {
    assert.throws(() => numBytes(1.5), { name: 'RangeError', message: /NumBytes must be an integer/ });
    assert.throws(() => numBytes(Number.NaN), RangeError);
    assert.throws(() => numBytes(2 ** 60), RangeError);
  });
});

describe('unit arithmetic', () => {
  test('checkedAdd returns undefined on overflow of the type max', () => {
    assert.equal(checkedAdd(NumInstructions, numInstructions(1n), numInstructions(2n)), 3n);
    assert.equal(checkedAdd(NumInstructions, numInstructions(U64_MAX), numInstructions(1n)), undefined);
    // The same sum fits in u128 cycles.
    assert.equal(checkedAdd(Cycles, cycles(U64_MAX), cycles(1n)), 1n << 64n);
    assert.equal(Cycles.checkedAdd(cycles(U128_MAX), cycles(1n)), undefined);
  });

  test('saturatingSub clamps at zero', () => {
    assert.equal(saturatingSub(cycles(5n), cycles(7n)), 0n);
    assert.equal(saturatingSub(cycles(7n), cycles(5n)), 2n);
    assert.equal(NumBytes.saturatingSub(numBytes(1n), numBytes(2n)), 0n);
  });

  test('saturatingAdd clamps at the max; checkedSub and checkedMul stay in range', () => {
    assert.equal(NumInstructions.saturatingAdd(numInstructions(U64_MAX), numInstructions(9n)), U64_MAX);
    assert.equal(Time.checkedSub(time(3n), time(4n)), undefined);
    assert.equal(Time.checkedSub(time(4n), time(3n)), 1n);
    assert.equal(NumBytes.checkedMul(numBytes(1n << 32n), 1n << 32n), undefined);
    assert.equal(NumBytes.checkedMul(numBytes(3n), 4n), 12n);
    assert.throws(() => NumBytes.checkedMul(numBytes(3n), -1n), RangeError);
  });

  test('is() checks type and range', () => {
    assert.equal(NumOsPages.is(3n), true);
    assert.equal(NumOsPages.is(3), false);
    assert.equal(NumOsPages.is(-1n), false);
    assert.equal(Cycles.is(U128_MAX), true);
    assert.equal(NumWasmPages.is(U128_MAX), false);
  });

  test('units are frozen', () => {
    assert.ok(Object.isFrozen(Cycles));
  });
});

describe('toSafeNumber', () => {
  test('converts up to 2^53 - 1 and throws above', () => {
    assert.equal(toSafeNumber(2n ** 53n - 1n), Number.MAX_SAFE_INTEGER);
    assert.equal(toSafeNumber(-(2n ** 53n - 1n)), Number.MIN_SAFE_INTEGER);
    assert.throws(() => toSafeNumber(2n ** 53n), { name: 'RangeError', message: /exceeds Number\.MAX_SAFE_INTEGER/ });
  });
});

describe('page conversions', () => {
  test('pages to bytes and back, rounding up', () => {
    assert.equal(wasmPagesToBytes(numWasmPages(2n)), 131_072n);
    assert.equal(osPagesToBytes(numOsPages(3n)), 12_288n);
    assert.equal(bytesToWasmPagesCeil(numBytes(1n)), 1n);
    assert.equal(bytesToWasmPagesCeil(numBytes(65_536n)), 1n);
    assert.equal(bytesToWasmPagesCeil(numBytes(65_537n)), 2n);
    assert.equal(bytesToOsPagesCeil(numBytes(0n)), 0n);
    assert.equal(bytesToOsPagesCeil(numBytes(4_097n)), 2n);
    assert.throws(() => wasmPagesToBytes(numWasmPages(U64_MAX)), RangeError);
  });
});
