/**
 * Canister logs as a stream of their own: after a round, the records that
 * appeared in the committed state (`debug_print`, `[TRAP]` lines) are
 * written to the canister logger, once each, in index order. A cursor per
 * canister remembers the next index to write; records the canister's buffer
 * dropped before they were read (a small `log_memory_limit`, a burst) are
 * reported as a count. Only canisters whose `nextIdx` moved are read.
 */
import type { Logger } from 'pino';
import type { CanisterState, ReplicatedState } from '../state/index.ts';

const keyOf = (c: CanisterState): string => Buffer.from(c.canisterId.bytesView()).toString('hex');
const TRAP_PREFIX = '[TRAP]';
const decoder = new TextDecoder();

/** Follows the canisters' logs of successive committed states (see the module header). */
export class CanisterLogFollower {
  readonly #cursors = new Map<string, bigint>();
  readonly #logger: Logger;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  /** Records already in `state` are not written (a recovered replica logged them in its earlier run). */
  skipExisting(state: ReplicatedState): void {
    for (const c of state.canisters()) this.#cursors.set(keyOf(c), c.systemState.canisterLog.nextIdx);
  }

  /** Writes the records new in `state`; returns how many. */
  follow(state: ReplicatedState): number {
    let written = 0;
    for (const c of state.canisters()) {
      const log = c.systemState.canisterLog;
      const key = keyOf(c);
      const cursor = this.#cursors.get(key) ?? 0n;
      if (log.nextIdx <= cursor) continue;
      const canister = c.canisterId.toText();
      let seen = 0n;
      for (const r of log.records) {
        if (r.idx < cursor) continue;
        const text = decoder.decode(r.content);
        const fields = { canister, idx: Number(r.idx), canisterTime: new Date(Number(r.timestampNanos / 1_000_000n)).toISOString() };
        if (text.startsWith(TRAP_PREFIX)) this.#logger.warn(fields, text);
        else this.#logger.info(fields, text);
        seen++;
        written++;
      }
      const dropped = log.nextIdx - cursor - seen;
      if (dropped > 0n) this.#logger.warn({ canister, dropped: Number(dropped) }, 'canister log records dropped before they were read');
      this.#cursors.set(key, log.nextIdx);
    }
    return written;
  }

  /** Forgets the cursors of canisters no longer in `state`. */
  prune(state: ReplicatedState): void {
    if (this.#cursors.size <= state.canisterCount) return;
    const live = new Set(state.canisters().map(keyOf));
    for (const k of this.#cursors.keys()) if (!live.has(k)) this.#cursors.delete(k);
  }
}
