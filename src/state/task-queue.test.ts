import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InternalBug } from '../errors/index.ts';
import { TaskQueue, isLowWasmMemoryHookConditionSatisfied } from './task-queue.ts';

const GiB = 1024n * 1024n * 1024n;

describe('TaskQueue', () => {
  it('serves the paused task first, then the ready hook, then heartbeat/timer (pushed to the front)', () => {
    const t = new TaskQueue();
    t.enqueue({ kind: 'heartbeat' });
    t.enqueue({ kind: 'globalTimer' });
    t.updateHookCondition(true);
    t.enqueue({ kind: 'pausedExecution', id: 1, input: { kind: 'task', task: 'heartbeat' } });
    assert.deepEqual([0, 1, 2, 3].map(() => t.popFront()?.kind), ['pausedExecution', 'onLowWasmMemory', 'globalTimer', 'heartbeat']);
    assert.ok(t.isEmpty());
  });

  it('runs the hook once per crossing of the threshold', () => {
    const t = new TaskQueue();
    t.updateHookCondition(true);
    assert.equal(t.popFront()?.kind, 'onLowWasmMemory');
    t.updateHookCondition(true);
    assert.equal(t.hookStatus, 'executed');
    assert.equal(t.front(), undefined);
    t.updateHookCondition(false);
    t.updateHookCondition(true);
    assert.equal(t.hookStatus, 'ready');
  });

  it('aborts only a matching paused task and refuses a second one', () => {
    const t = new TaskQueue();
    t.enqueue({ kind: 'pausedInstallCode', id: 2 });
    assert.throws(() => t.enqueue({ kind: 'pausedInstallCode', id: 3 }), InternalBug);
    assert.throws(() => t.replacePausedWithAborted({ kind: 'abortedExecution', input: { kind: 'task', task: 'globalTimer' }, prepaidExecutionCycles: 0n }), InternalBug);
    assert.ok(t.hasPausedExecution());
  });

  it('checks the hook condition as limit < usage + threshold, 4 GiB without a limit', () => {
    assert.equal(isLowWasmMemoryHookConditionSatisfied(3n * GiB, undefined, GiB), false);
    assert.equal(isLowWasmMemoryHookConditionSatisfied(3n * GiB + 1n, undefined, GiB), true);
    assert.equal(isLowWasmMemoryHookConditionSatisfied(5n * GiB, 4n * GiB, 0n), true);
  });
});
