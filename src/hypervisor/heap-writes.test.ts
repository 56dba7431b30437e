import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { IC0_IMPORTS } from '../config/index.ts';
import { ic0Signature } from '../system-api/index.ts';
import { HEAP_WRITES, unsignedArg } from './heap-writes.ts';

describe('heap-writing ic0 imports', () => {
  it('classifies every ic0 import', () => {
    assert.deepEqual(Object.keys(HEAP_WRITES).sort(), [...IC0_IMPORTS].sort());
  });

  it('names pointer-width arguments that exist in each writer\'s signature', () => {
    for (const [name, w] of Object.entries(HEAP_WRITES)) {
      if (w === null) continue;
      const sig = ic0Signature(name as (typeof IC0_IMPORTS)[number], name.startsWith('stable_') ? false : true);
      assert.ok(w.dst < sig.params.length, name);
      if ('arg' in w.size) assert.ok(w.size.arg < sig.params.length, name);
    }
  });

  it('reads i32 and i64 arguments as unsigned', () => {
    assert.equal(unsignedArg(-1), 0xffff_ffff);
    assert.equal(unsignedArg(5n), 5);
    assert.equal(unsignedArg(-1n), 2 ** 64);
  });
});
