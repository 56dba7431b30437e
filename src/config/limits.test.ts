import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as L from './limits.ts';

const KiB = 1024n;
const MiB = 1024n * KiB;
const GiB = 1024n * MiB;

describe('limits', () => {
  test('Wasm validation limits of the replica', () => {
    assert.equal(L.MAX_FUNCTIONS, 50_000);
    assert.equal(L.MAX_GLOBALS, 1_000);
    assert.equal(L.MAX_NUMBER_EXPORTED_FUNCTIONS, 1_000);
    assert.equal(L.MAX_SUM_EXPORTED_FUNCTION_NAME_LENGTHS, 20_000);
    assert.equal(L.MAX_CODE_SECTION_SIZE_IN_BYTES, 10n * MiB);
    assert.equal(L.WASM_FUNCTION_SIZE_LIMIT, 1_000_000);
    assert.equal(L.WASM_FUNCTION_COMPLEXITY_LIMIT, 1_000_000);
    assert.equal(L.WASM_MAX_SIZE, 100n * MiB);
    assert.equal(L.MAX_CUSTOM_SECTIONS, 16);
    assert.equal(L.MAX_CUSTOM_SECTIONS_SIZE, 1n * MiB);
  });

  test('memory limits relate as the replica assumes', () => {
    assert.equal(L.MAX_WASM_MEMORY_IN_BYTES, BigInt(L.MAX_32_BIT_STABLE_MEMORY_IN_PAGES) * 65_536n);
    assert.ok(L.DEFAULT_WASM_MEMORY_LIMIT < L.MAX_WASM_MEMORY_IN_BYTES);
    assert.ok(L.MAX_WASM64_MEMORY_IN_BYTES > L.MAX_WASM_MEMORY_IN_BYTES);
    assert.equal(L.MAX_STABLE_MEMORY_IN_BYTES, 500n * GiB);
    assert.ok(L.MAX_STABLE_MEMORY_IN_BYTES < L.MAX_WASM_MEMORY_LIMIT_SETTING);
  });

  test('stable-memory page limits: 2 GiB message, 8 GiB upgrade, 1 GiB query', () => {
    for (const lim of [L.STABLE_MEMORY_DIRTY_PAGE_LIMIT, L.STABLE_MEMORY_ACCESSED_PAGE_LIMIT]) {
      assert.equal(lim.message * 4096n, 2n * GiB);
      assert.equal(lim.upgrade * 4096n, 8n * GiB);
      assert.equal(lim.query * 4096n, 1n * GiB);
    }
    // The replica's error text quotes these in KB.
    assert.equal(L.STABLE_MEMORY_DIRTY_PAGE_LIMIT.message * 4n, 2_097_152n);
  });

  test('message sizes', () => {
    assert.equal(L.MAX_LOCAL_SUBNET_REQUEST_BYTES, L.MAX_INTER_CANISTER_PAYLOAD_IN_BYTES * L.MULTIPLIER_MAX_SIZE_LOCAL_SUBNET);
    assert.equal(L.MAX_LOCAL_SUBNET_REQUEST_BYTES, 10_485_760n);
    assert.ok(L.MAX_NON_REPLICATED_QUERY_REPLY_SIZE > L.MAX_REPLY_SIZE_REPLICATED);
    assert.equal(L.MAX_REPLY_SIZE_REPLICATED, 2_097_152n);
  });

  test('counts are safe small integers and sizes are bigints', () => {
    for (const [name, value] of Object.entries(L)) {
      if (typeof value === 'number') {
        assert.ok(Number.isSafeInteger(value) && value >= 0 && value <= 2 ** 31, `${name} is a small count`);
      } else if (typeof value === 'bigint') {
        assert.ok(value >= 0n, `${name} is non-negative`);
      } else {
        assert.equal(typeof value, 'object', name);
        assert.ok(Object.isFrozen(value), `${name} is frozen`);
      }
    }
  });
});
