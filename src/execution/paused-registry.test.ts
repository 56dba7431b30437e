import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InternalBug } from '../errors/index.ts';
import type { ExecuteOutcome, PausedExecution } from '../hypervisor/index.ts';
import { PausedRegistry } from './paused-registry.ts';
import { newCanister } from './test-support.ts';

function fakePaused(): PausedExecution & { aborted: number } {
  return {
    sliceInstructions: 10n,
    aborted: 0,
    resume(): Promise<ExecuteOutcome> { throw new Error('not used'); },
    abort(): void { this.aborted++; },
  };
}

describe('PausedRegistry', () => {
  it('add queues the paused task; take pops it and hands the entry back', () => {
    const reg = new PausedRegistry<{ readonly paused: PausedExecution; readonly tag: string }>('pausedInstallCode', 'paused install_code');
    const c = newCanister(1n);
    const id = reg.add(c, { paused: fakePaused(), tag: 'x' }, (i) => ({ kind: 'pausedInstallCode', id: i }));
    assert.ok(reg.has(c));
    assert.equal(reg.size, 1);
    assert.deepEqual(c.systemState.taskQueue.front(), { kind: 'pausedInstallCode', id });
    assert.throws(() => reg.add(c, { paused: fakePaused(), tag: 'y' }, (i) => ({ kind: 'pausedInstallCode', id: i })),
      (e: Error) => e instanceof InternalBug && /already has a paused install_code/.test(e.message));
    const e = reg.take(c);
    assert.equal(e.tag, 'x');
    assert.equal(e.id, id);
    assert.equal(reg.has(c), false);
    assert.equal(c.systemState.taskQueue.front(), undefined);
    // Re-registered under the same id (the next slice of the same work).
    assert.equal(reg.add(c, e, (i) => ({ kind: 'pausedInstallCode', id: i }), e.id), id);
  });

  it('take checks the front of the task queue', () => {
    const reg = new PausedRegistry<{ readonly paused: PausedExecution }>('pausedExecution', 'paused execution');
    const c = newCanister(2n);
    assert.throws(() => reg.take(c), /has no paused execution to resume \(front: none\)/);
    const other = newCanister(3n);
    reg.add(other, { paused: fakePaused() }, (i) => ({ kind: 'pausedExecution', id: i, input: { kind: 'task', task: 'heartbeat' } }));
    assert.throws(() => reg.take(c), InternalBug);
  });

  it('abort drops the paused execution, leaves the aborted task and applies postponed ingress charges', () => {
    const reg = new PausedRegistry<{ readonly paused: PausedExecution }>('pausedExecution', 'paused execution');
    const c = newCanister(4n);
    const input = { kind: 'task', task: 'heartbeat' } as const;
    const paused = fakePaused();
    reg.add(c, { paused }, (i) => ({ kind: 'pausedExecution', id: i, input }));
    c.systemState.addPostponedCharge(1_000n);
    const before = c.systemState.balance;
    reg.abort(c, () => ({ kind: 'abortedExecution', input, prepaidExecutionCycles: 7n }));
    assert.equal(paused.aborted, 1);
    assert.equal(reg.size, 0);
    assert.deepEqual(c.systemState.taskQueue.front(), { kind: 'abortedExecution', input, prepaidExecutionCycles: 7n });
    assert.equal(c.systemState.balance, before - 1_000n);
    assert.equal(c.systemState.ingressInductionCyclesDebit, 0n);
    assert.throws(() => reg.abort(c, () => ({ kind: 'abortedExecution', input, prepaidExecutionCycles: 0n })), /has no paused execution to abort/);
  });
});
