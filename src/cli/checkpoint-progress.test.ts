import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkpointProgress } from './checkpoint-progress.ts';

describe('checkpoint progress bar', () => {
  it('shows large checkpoints from 0 to done, one bar each, and nothing for small ones or when not shown', () => {
    const events: string[] = [];
    const bar = (label: string, total: number) => {
      events.push(`start ${label} ${total}`);
      return { update: (n: number) => { events.push(`update ${n}`); }, done: () => { events.push('done'); } };
    };
    const p = checkpointProgress({ show: true, minObjects: 100, bar });
    p(5n, 0, 10);
    p(5n, 10, 10);
    p(6n, 0, 300);
    p(6n, 256, 300);
    p(6n, 300, 300);
    p(7n, 0, 200);
    p(7n, 200, 200);
    assert.deepEqual(events, [
      'start checkpoint at height 6 300', 'update 0', 'update 256', 'update 300', 'done',
      'start checkpoint at height 7 200', 'update 0', 'update 200', 'done',
    ]);
    const hidden: string[] = [];
    const q = checkpointProgress({ show: false, minObjects: 1, bar: (l) => { hidden.push(l); return { update: () => undefined, done: () => undefined }; } });
    q(1n, 0, 10);
    q(1n, 10, 10);
    assert.deepEqual(hidden, []);
  });
});
