/**
 * PocketIC's protocol for long operations: the server waits for an
 * operation up to a sync-wait time (10 s, or the client's
 * `processing-timeout-ms` header); if it is still running, it answers 202
 * `{"state_label", "op_id"}` and the client polls
 * `GET /read_graph/<state_label>/<op_id>`, which answers 404
 * `{"message"}` until the result is there, then the result itself.
 * Operations whose result is `null` are always awaited to the end (pic-js
 * treats a `null` poll result as "not ready" and would poll forever), and
 * so are GETs (a client re-sends a GET answered 202).
 */
import { apiError, json } from './http-io.ts';
import type { Reply } from './http-io.ts';

/** The real server's `DEFAULT_SYNC_WAIT_DURATION`. */
export const DEFAULT_SYNC_WAIT_MS = 10_000;
/** Finished results kept for polling, at most. */
const MAX_KEPT = 1_000;

interface Op { reply: Reply | undefined }

export class LongOps {
  readonly #ops = new Map<string, Op>();
  #counter = 0;

  /**
   * The reply of `run` if it settles within `syncWaitMs`, else a 202 whose
   * result `read` gives later.
   */
  async answer(run: Promise<Reply>, syncWaitMs: number, name: string): Promise<Reply> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((resolve) => { timer = setTimeout(resolve, syncWaitMs, undefined); });
    const first = await Promise.race([run, late]);
    clearTimeout(timer);
    if (first !== undefined) return first;
    const n = this.#counter++;
    const stateLabel = process.getBuiltinModule('node:crypto').createHash('sha256').update(`pocket-ic state ${n}`).digest().subarray(0, 16).toString('base64')
      .replace(/\+/g, '-').replace(/\//g, '_'); // URL-safe alphabet, padded (the real server's label)
    const opId = `${name}_${n}`;
    const op: Op = { reply: undefined };
    this.#ops.set(`${stateLabel}/${opId}`, op);
    void run.then((r) => { op.reply = r; this.#trim(); });
    return json(202, { state_label: stateLabel, op_id: opId });
  }

  /** `GET /read_graph/<label>/<op>`. */
  read(stateLabel: string, opId: string): Reply {
    const op = this.#ops.get(`${stateLabel}/${opId}`);
    if (op?.reply === undefined) return apiError(404, `state_label / op_id not found: ${stateLabel} (op_id: ${opId})`);
    return op.reply;
  }

  #trim(): void {
    for (const [key, op] of this.#ops) {
      if (this.#ops.size <= MAX_KEPT) break;
      if (op.reply !== undefined) this.#ops.delete(key);
    }
  }
}
