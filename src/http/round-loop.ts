/**
 * The round loop of a served replica: a round as soon as there is work
 * (ingress arrived, an outcall answered — the replica's `hasWork` — or the
 * last committed state has input or tasks: a call's callbacks, a paused
 * long execution), and at least every `idleIntervalMs` while idle, so that
 * the subnet's time follows the wall clock (certificates carry it; agents
 * refuse ones more than 5 minutes off) and timers and heartbeats fire.
 *
 * A round that changed nothing (no execution, nothing inducted or routed)
 * does not count as work: the next waits as when idle, so a canister whose
 * queued input cannot run (frozen, say) does not spin the loop.
 *
 * Between rounds the loop yields to the event loop, so requests are served
 * while a busy subnet runs round after round. After each round it wakes the
 * calls waiting for their message's status — synchronous calls for a
 * terminal one (`replied`/`rejected`), `202` answers for any (the message's
 * batch was logged) — and calls `afterRound` (the admission's bookkeeping). A round that throws is reported and the loop goes on.
 */
import { setImmediate as yieldToEventLoop, setTimeout as sleep } from 'node:timers/promises';
import type { HttpReplica } from './context.ts';
import type { BatchSummary } from '../messaging/index.ts';
import type { IngressStatus, ReplicatedState } from '../state/index.ts';

/** Options of {@link RoundLoop}. */
export interface RoundLoopOptions {
  /** Longest time between rounds while idle, ms. */
  readonly idleIntervalMs: number;
  /** Called after every round (and after a failed one). */
  readonly afterRound?: () => void;
  /** Called after every round that completed: what it did (`tick()`'s `BatchSummary`) and its wall time, ms. */
  readonly onRound?: (summary: unknown, durationMs: number) => void;
  /** Where a failed round is reported. Default: stderr. */
  readonly onError?: (error: unknown) => void;
}

/** Whether a status is final for a synchronous call (it has a reply or a reject). */
export function isTerminal(status: IngressStatus | undefined): boolean {
  const k = status?.state.kind;
  return k === 'completed' || k === 'failed';
}

/** Whether a committed state has input or tasks (a call's callbacks, a paused long execution) for the next round. */
export function stateHasWork(state: ReplicatedState): boolean {
  return state.subnetQueues.hasInput() || state.canisters().some((c) => c.hasWork());
}

/** Whether a round did anything: executed, inducted or routed a message (anything but a `BatchSummary`: assume so). */
export function madeProgress(summary: unknown): boolean {
  const s = summary as Partial<BatchSummary> | undefined;
  if (s?.round === undefined || s.induction === undefined || s.routing === undefined) return true;
  const i = s.induction.ingress;
  return s.round.executions > 0 || i.inducted + i.failed > 0 || s.routing.delivered + s.routing.rejected > 0;
}

/** Synchronous calls waiting at once, at most (each holds a connection and a timer). */
export const MAX_WAITERS = 20_000;

interface Waiter {
  /** Whether the status is the one waited for. */
  readonly done: (status: IngressStatus | undefined) => boolean;
  readonly resolve: (status: IngressStatus | undefined) => void;
  readonly timer: NodeJS.Timeout;
}

/** Drives a replica's rounds (see the module header). */
export class RoundLoop {
  readonly #replica: HttpReplica;
  readonly #opts: RoundLoopOptions;
  readonly #waiters = new Map<string, Waiter[]>();
  #waiting = 0;
  readonly #stop = new AbortController();
  #running: Promise<void> | undefined;
  #rounds = 0;
  #failedRounds = 0;

  constructor(replica: HttpReplica, opts: RoundLoopOptions) {
    this.#replica = replica;
    this.#opts = opts;
  }

  /** Rounds run so far (and those that threw). */
  get stats(): { readonly rounds: number; readonly failedRounds: number } {
    return { rounds: this.#rounds, failedRounds: this.#failedRounds };
  }

  /** Starts the loop (once). */
  start(): void {
    this.#running ??= this.#run();
  }

  /** Stops after the round in progress; pending waits resolve with the status they have. */
  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#running;
    for (const [key, list] of this.#waiters) {
      for (const w of list) {
        clearTimeout(w.timer);
        w.resolve(this.#replica.ingressStatus(Buffer.from(key, 'hex')));
      }
    }
    this.#waiters.clear();
  }

  /**
   * Resolves with the message's status once it is terminal in the last
   * committed state, or with whatever it is after `timeoutMs` (at once when
   * {@link MAX_WAITERS} calls wait already: the caller answers 202).
   */
  waitForAnswer(messageId: Uint8Array, timeoutMs: number): Promise<IngressStatus | undefined> {
    return this.#waitFor(messageId, isTerminal, timeoutMs);
  }

  /**
   * Resolves once the message has a status in the last committed state —
   * its batch was logged (durably, on a replica with a data directory)
   * before it executed —, or with `undefined` after `timeoutMs` (its
   * expiry: dropped from the pool).
   */
  waitForStatus(messageId: Uint8Array, timeoutMs: number): Promise<IngressStatus | undefined> {
    return this.#waitFor(messageId, (s) => s !== undefined, timeoutMs);
  }

  #waitFor(messageId: Uint8Array, done: (s: IngressStatus | undefined) => boolean, timeoutMs: number): Promise<IngressStatus | undefined> {
    const now = this.#replica.ingressStatus(messageId);
    if (done(now) || timeoutMs <= 0 || this.#stop.signal.aborted || this.#waiting >= MAX_WAITERS) return Promise.resolve(now);
    const key = Buffer.from(messageId).toString('hex');
    this.#waiting++;
    return new Promise((resolve) => {
      const waiter: Waiter = {
        done,
        resolve: (status) => {
          this.#waiting--;
          resolve(status);
        },
        timer: setTimeout(() => {
          const list = this.#waiters.get(key)?.filter((w) => w !== waiter) ?? [];
          if (list.length === 0) this.#waiters.delete(key);
          else this.#waiters.set(key, list);
          waiter.resolve(this.#replica.ingressStatus(messageId));
        }, timeoutMs),
      };
      const list = this.#waiters.get(key);
      if (list === undefined) this.#waiters.set(key, [waiter]);
      else list.push(waiter);
    });
  }

  async #run(): Promise<void> {
    const signal = this.#stop.signal;
    let progressed = true;
    while (!signal.aborted) {
      if (!this.#replica.hasWork() && !(progressed && stateHasWork(this.#replica.committedState))) {
        const idle = new AbortController();
        const onStop = (): void => idle.abort();
        signal.addEventListener('abort', onStop, { once: true });
        await Promise.race([
          this.#replica.workArrived(idle.signal).catch(() => undefined),
          sleep(this.#opts.idleIntervalMs, undefined, { signal: idle.signal }).catch(() => undefined),
        ]);
        idle.abort();
        signal.removeEventListener('abort', onStop);
        if (signal.aborted) break;
      }
      try {
        const started = performance.now();
        const summary = await this.#replica.tick();
        progressed = madeProgress(summary);
        this.#rounds++;
        this.#opts.onRound?.(summary, performance.now() - started);
      } catch (e) {
        this.#failedRounds++;
        (this.#opts.onError ?? ((err) => process.stderr.write(`ic-exec: a round failed: ${String((err as Error)?.stack ?? err)}\n`)))(e);
        await sleep(this.#opts.idleIntervalMs, undefined, { signal }).catch(() => undefined);
      }
      this.#wakeAnswered();
      this.#opts.afterRound?.();
      await yieldToEventLoop();
    }
  }

  #wakeAnswered(): void {
    for (const [key, list] of this.#waiters) {
      const status = this.#replica.ingressStatus(Buffer.from(key, 'hex'));
      if (status === undefined) continue;
      const rest = list.filter((w) => {
        if (!w.done(status)) return true;
        clearTimeout(w.timer);
        w.resolve(status);
        return false;
      });
      if (rest.length === 0) this.#waiters.delete(key);
      else this.#waiters.set(key, rest);
    }
  }
}
