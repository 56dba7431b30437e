/**
 * Canister logs as a stream of their own: after a round, the records that
 * appeared in the committed state (`debug_print`, `[TRAP]` lines) are
 * written to the canister logger, once each, in index order. A cursor per
 * canister remembers the next index to write; records the canister's buffer
 * dropped before they were read (a small `log_memory_limit`, a burst) are
 * reported as a count. The telemetry hands over only the canisters that
 * changed since the last round (state-figures.ts).
 */
import type { Logger } from 'pino';
import type { CanisterState } from '../state/index.ts';

const TRAP_PREFIX = '[TRAP]';
const decoder = new TextDecoder();

/** Follows the canisters' logs of successive committed states (see the module header). */
export class CanisterLogFollower {
  readonly #cursors = new Map<string, bigint>();
  readonly #logger: Logger;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  /** The records already in `c`'s log are not written (a recovered replica logged them in its earlier run). */
  skip(c: CanisterState, key: string): void {
    this.#cursors.set(key, c.systemState.canisterLog.nextIdx);
  }

  /** Writes the records of `c` not written yet; returns how many. */
  follow(c: CanisterState, key: string): number {
    const log = c.systemState.canisterLog;
    const cursor = this.#cursors.get(key) ?? 0n;
    if (log.nextIdx <= cursor) return 0;
    const canister = c.canisterId.toText();
    let seen = 0;
    for (const r of log.records) {
      if (r.idx < cursor) continue;
      const text = decoder.decode(r.content);
      const fields = { canister, idx: Number(r.idx), canisterTime: new Date(Number(r.timestampNanos / 1_000_000n)).toISOString() };
      if (text.startsWith(TRAP_PREFIX)) this.#logger.warn(fields, text);
      else this.#logger.info(fields, text);
      seen++;
    }
    const dropped = log.nextIdx - cursor - BigInt(seen);
    if (dropped > 0n) this.#logger.warn({ canister, dropped: Number(dropped) }, 'canister log records dropped before they were read');
    this.#cursors.set(key, log.nextIdx);
    return seen;
  }

  /** Forgets a canister that is gone. */
  forget(key: string): void {
    this.#cursors.delete(key);
  }
}
