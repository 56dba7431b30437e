/**
 * A sandbox worker (`worker_threads`): runs executions for the canisters
 * the pool assigns to it, on the states it mirrors, with a
 * {@link LocalSandbox} — the very code the hypervisor runs in-process — and
 * reports plain data back (sandbox-protocol.ts).
 *
 * Per `execute`: the forget list is applied, the modules and the state are
 * resolved (state-mirror.ts), ids in the request are re-hydrated, and the
 * execution starts; its first step (a pause, or the end) is posted back.
 * An exception of the host while running is reported (`failed`: the call
 * rejects, as it would in-process); one in the protocol itself ends the
 * worker, which the pool treats as any other death.
 * Paused executions wait here, keyed by the execution id, for `resume` or
 * `abort`. When an execution kept its changes, the state after it is
 * mirrored under the ids the main thread reserved for it, so the next
 * message on that state needs no transfer at all.
 *
 * Messages are handled in arrival order and executions run to their next
 * pause or end inside the handler's microtasks: nothing here waits on
 * timers or I/O, so what a worker computes never depends on timing. (A
 * stored page an execution reads is fetched from the main thread through
 * the page channel, synchronously: the execution waits, nothing else runs.)
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ExecutionState } from '../state/index.ts';
import { LocalSandbox } from './local-sandbox.ts';
import type { ExecutionStep } from './local-sandbox.ts';
import { rehydrateIds } from './sandbox-protocol.ts';
import type { FromWorker, ResultIds, ToWorker, WorkerConfig } from './sandbox-protocol.ts';
import { WorkerMirror } from './worker-mirror.ts';
import { PageChannelClient } from './page-channel.ts';

/** An execution under way here: where it started and what to call its result. */
interface Running {
  readonly canister: string;
  readonly base: ExecutionState;
  readonly baseMaps: { readonly heap: number; readonly stable: number };
  readonly resultIds: ResultIds;
}

const port = parentPort;
if (port === null) throw new Error('sandbox-worker.ts runs as a worker thread');
const config = workerData as WorkerConfig;
const sandbox = new LocalSandbox({ maxIdle: config.maxIdleInstances, maxIdlePerCanister: config.maxIdleInstancesPerCanister });
const pageChannel = new PageChannelClient(config.pageChannel, (request) => { post(request); });
const mirror = new WorkerMirror((id) => pageChannel.store(id));
const paused = new Map<number, { readonly step: Extract<ExecutionStep, { kind: 'paused' }>; readonly run: Running }>();

function post(m: FromWorker): void {
  (port as NonNullable<typeof port>).postMessage(m);
}

function fail(exec: number, e: unknown): void {
  paused.delete(exec);
  post({ type: 'failed', exec, message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
}

function report(exec: number, run: Running, step: ExecutionStep): void {
  if (step.kind === 'paused') {
    paused.set(exec, { step, run });
    post({ type: 'paused', exec, sliceInstructions: step.sliceInstructions });
    return;
  }
  paused.delete(exec);
  const kept = step.state !== run.base;
  if (kept) {
    const heap = step.state.heap === run.base.heap ? run.baseMaps.heap : run.resultIds.heap;
    const stable = step.state.stable.pages === run.base.stable.pages ? run.baseMaps.stable : run.resultIds.stable;
    mirror.addResult(run.canister, run.resultIds.state, step.state, heap, stable);
  }
  post({ type: 'finished', exec, result: step.result, kept });
}

function handle(m: ToWorker): void {
  switch (m.type) {
    case 'execute': {
      // A protocol error here (a state or module not held) is a bug that leaves this worker out of
      // step with the main thread: it is not caught, so the worker dies and is replaced afresh.
      if (m.forget !== undefined) mirror.forget(m.forget);
      if (m.modules !== undefined) mirror.addModules(m.modules);
      const base = mirror.resolve(m.canister, m.stateId, m.state);
      const run: Running = { canister: m.canister, base, baseMaps: mirror.mapIds(m.stateId) ?? { heap: -1, stable: -1 }, resultIds: m.resultIds };
      sandbox.run(m.canister, run.base, rehydrateIds(m.request)).then((step) => report(m.exec, run, step)).catch((e: unknown) => fail(m.exec, e));
      return;
    }
    case 'resume': {
      const p = paused.get(m.exec);
      if (p === undefined) return fail(m.exec, new Error(`sandbox protocol: execution ${m.exec} is not paused`));
      paused.delete(m.exec);
      p.step.resume().then((step) => report(m.exec, p.run, step)).catch((e: unknown) => fail(m.exec, e));
      return;
    }
    case 'abort': {
      const p = paused.get(m.exec);
      paused.delete(m.exec);
      p?.step.abort();
      return;
    }
    case 'drop':
      if (m.forget !== undefined) mirror.forget(m.forget);
      sandbox.drop(m.canister);
      return;
    case 'evict':
      mirror.evict(m.store, m.maps);
      return;
  }
}

port.on('message', handle);
