/**
 * `TaskQueue` and `ExecutionTask` (the replica's names,
 * `system_state/task_queue.rs` and `system_state.rs`): the work a canister
 * does before its input messages.
 *
 *     front = the paused or aborted execution, if any
 *           | on-low-Wasm-memory, if its hook status is `ready`
 *           | the first heartbeat / global-timer task
 *
 * Heartbeat and global-timer tasks live within one round (pushed to the
 * front by the scheduler, removed at the end of the round). The hook's
 * status moves `conditionNotSatisfied → ready` when the condition starts to
 * hold, `ready → executed` when the task is popped, and back to
 * `conditionNotSatisfied` when the condition stops holding; `executed` stays
 * `executed` while it holds, so the hook runs once per crossing.
 */
import { InternalBug } from '../errors/index.ts';
import type { CanisterMessage, Ingress, Request } from './messages.ts';

/** A system task (`CanisterTask`). */
export type CanisterTask = 'heartbeat' | 'globalTimer' | 'onLowWasmMemory';

/** What an execution runs: a message or a task (`CanisterMessageOrTask`). */
export type CanisterMessageOrTask =
  | { readonly kind: 'message'; readonly message: CanisterMessage }
  | { readonly kind: 'task'; readonly task: CanisterTask };

/** A call (`CanisterCall`): what install_code and updates are made from. */
export type CanisterCall = Ingress | Request;

/** A task in the task queue (`ExecutionTask`). */
export type ExecutionTask =
  | { readonly kind: 'heartbeat' }
  | { readonly kind: 'globalTimer' }
  | { readonly kind: 'onLowWasmMemory' }
  /** A DTS execution between slices; `id` names it in the (non-replicated) registry of paused executions. */
  | { readonly kind: 'pausedExecution'; readonly id: number; readonly input: CanisterMessageOrTask }
  | { readonly kind: 'pausedInstallCode'; readonly id: number }
  /** A paused execution that was dropped (checkpoint, too many paused); it restarts from scratch, already paid for. */
  | { readonly kind: 'abortedExecution'; readonly input: CanisterMessageOrTask; readonly prepaidExecutionCycles: bigint }
  | { readonly kind: 'abortedInstallCode'; readonly message: CanisterCall; readonly callId: bigint; readonly prepaidExecutionCycles: bigint };

/** Whether the on-low-Wasm-memory hook should run (`OnLowWasmMemoryHookStatus`). */
export type OnLowWasmMemoryHookStatus = 'conditionNotSatisfied' | 'ready' | 'executed';

/** A 4 GiB default for the hook condition when no Wasm memory limit is set. */
const DEFAULT_HOOK_WASM_MEMORY_LIMIT = 4n * 1024n * 1024n * 1024n;

/**
 * The hook condition `threshold > limit − usage`, written `limit < usage +
 * threshold` (usage may exceed the limit); no limit means 4 GiB
 * (`is_low_wasm_memory_hook_condition_satisfied`).
 */
export function isLowWasmMemoryHookConditionSatisfied(usage: bigint, limit: bigint | undefined, threshold: bigint): boolean {
  return (limit ?? DEFAULT_HOOK_WASM_MEMORY_LIMIT) < usage + threshold;
}

/** What a checkpoint keeps of a {@link TaskQueue} (src/state/checkpoint). */
export interface TaskQueueCheckpoint {
  readonly pausedOrAborted: ExecutionTask | undefined;
  readonly hookStatus: OnLowWasmMemoryHookStatus;
  readonly queue: readonly ExecutionTask[];
}

/** The canister's task queue (see the module header). */
export class TaskQueue {
  #pausedOrAborted: ExecutionTask | undefined = undefined;
  #hookStatus: OnLowWasmMemoryHookStatus = 'conditionNotSatisfied';
  #queue: ExecutionTask[] = [];

  /** The queue as a checkpoint keeps it. */
  toCheckpoint(): TaskQueueCheckpoint {
    return { pausedOrAborted: this.#pausedOrAborted, hookStatus: this.#hookStatus, queue: this.#queue.slice() };
  }

  /** The queue a checkpoint kept. */
  static fromCheckpoint(c: TaskQueueCheckpoint): TaskQueue {
    const t = new TaskQueue();
    t.#pausedOrAborted = c.pausedOrAborted;
    t.#hookStatus = c.hookStatus;
    t.#queue = c.queue.slice();
    return t;
  }

  clone(): TaskQueue {
    const t = new TaskQueue();
    t.#pausedOrAborted = this.#pausedOrAborted;
    t.#hookStatus = this.#hookStatus;
    t.#queue = this.#queue.slice();
    return t;
  }

  front(): ExecutionTask | undefined {
    if (this.#pausedOrAborted !== undefined) return this.#pausedOrAborted;
    if (this.#hookStatus === 'ready') return { kind: 'onLowWasmMemory' };
    return this.#queue[0];
  }

  popFront(): ExecutionTask | undefined {
    const paused = this.#pausedOrAborted;
    if (paused !== undefined) {
      this.#pausedOrAborted = undefined;
      return paused;
    }
    if (this.#hookStatus === 'ready') {
      this.#hookStatus = 'executed';
      return { kind: 'onLowWasmMemory' };
    }
    return this.#queue.shift();
  }

  /** Adds a task: paused/aborted ones take the single paused slot; heartbeat and timer go to the front. */
  enqueue(task: ExecutionTask): void {
    switch (task.kind) {
      case 'pausedExecution':
      case 'pausedInstallCode':
      case 'abortedExecution':
      case 'abortedInstallCode':
        if (this.#pausedOrAborted !== undefined) throw new InternalBug('a second paused or aborted task');
        this.#pausedOrAborted = task;
        return;
      case 'onLowWasmMemory':
        this.updateHookCondition(true);
        return;
      case 'heartbeat':
      case 'globalTimer':
        this.#queue.unshift(task);
    }
  }

  /** Records whether the hook condition holds (see the module header). */
  updateHookCondition(holds: boolean): void {
    if (!holds) this.#hookStatus = 'conditionNotSatisfied';
    else if (this.#hookStatus === 'conditionNotSatisfied') this.#hookStatus = 'ready';
  }

  get hookStatus(): OnLowWasmMemoryHookStatus { return this.#hookStatus; }

  /** Sets the hook status from a loaded snapshot (`set_on_low_wasm_memory_hook_status_from_snapshot`). */
  setHookStatusFromSnapshot(status: OnLowWasmMemoryHookStatus): void { this.#hookStatus = status; }

  /** The paused or aborted task, if any. */
  get pausedOrAborted(): ExecutionTask | undefined { return this.#pausedOrAborted; }

  /** The heartbeat and timer tasks, front first. */
  get roundTasks(): readonly ExecutionTask[] { return this.#queue; }

  /** Whether a paused (not aborted) execution is at the front. */
  hasPausedExecution(): boolean {
    const k = this.#pausedOrAborted?.kind;
    return k === 'pausedExecution' || k === 'pausedInstallCode';
  }

  /** Replaces the paused task with its aborted form. @throws {InternalBug} if the kinds do not match. */
  replacePausedWithAborted(aborted: ExecutionTask): void {
    const paused = this.#pausedOrAborted?.kind;
    const ok = (aborted.kind === 'abortedExecution' && paused === 'pausedExecution')
      || (aborted.kind === 'abortedInstallCode' && paused === 'pausedInstallCode');
    if (!ok) throw new InternalBug(`aborted task ${aborted.kind} is not compatible with paused task ${paused}`);
    this.#pausedOrAborted = aborted;
  }

  /** Drops the heartbeat and timer tasks left at the end of a round. */
  removeHeartbeatAndGlobalTimer(): void {
    this.#queue = [];
  }

  isEmpty(): boolean {
    return this.#pausedOrAborted === undefined && this.#hookStatus !== 'ready' && this.#queue.length === 0;
  }

  get length(): number {
    return this.#queue.length + (this.#pausedOrAborted === undefined ? 0 : 1) + (this.#hookStatus === 'ready' ? 1 : 0);
  }
}
