import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collectDebugPrints } from './sandbox.ts';

test('collectDebugPrints() keeps output up to its bound, then one marker line', () => {
  const c = collectDebugPrints(10);
  c.push('abcd');
  c.push('efgh');
  c.push('ijk'); // 11 > 10: truncated
  c.push('more');
  assert.deepEqual(c.lines, ['abcd', 'efgh', '[ic-exec: debug_print output of this execution truncated after 8 characters]']);
});
