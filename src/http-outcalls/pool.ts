/**
 * The host side of HTTPS outcalls between the state and the next batch —
 * what each IC node's canister HTTP pool manager, adapter client and
 * payload builder do (rs/https_outcalls/consensus, rs/https_outcalls/client):
 *
 *   sync(state)        after each committed round: every open
 *                      `CanisterHttpRequestContext` not yet sent goes to the
 *                      adapter; requests whose context is gone are dropped
 *   prepare()          before each batch: lets the adapter's I/O progress,
 *                      then turns the answers that arrived into consensus
 *                      responses, in callback-id order:
 *                        adapter reject              → reject (its code and message)
 *                        response breaks the header  → SYS_FATAL, the replica's text
 *                          limits (64, 8 KiB, 48 KiB, 2 MB)
 *                        transform given             → the canister's query `method`
 *                          (caller aaaaa-aa, argument record { response; context })
 *                          on the last committed state:
 *                            reply                   → the reply bytes as they are
 *                            reject                  → CANISTER_REJECT, the canister's message
 *                            error / trap            → its reject code, "IC05xx: …"
 *                            any of these longer than the limit
 *                                                    → SYS_FATAL "Transformed http response exceeds limit: <n>"
 *                        no transform                → Candid `http_request_result`
 *   buildPayload(t)    the block maker's `CanisterHttpPayloadBuilder`: for
 *                      the batch at time t, a timeout (SYS_TRANSIENT
 *                      "Canister http request timed out") for every open
 *                      context with time + 60 s < t, then up to 500 ready
 *                      responses; each callback id once
 *
 * So an answer reaches the state only through a batch, and the state hash
 * stays a function of the batch log; the adapter's timing only decides in
 * which batch an answer comes.
 */
import { CANISTER_HTTP_MAX_RESPONSES_PER_BLOCK, CANISTER_HTTP_TIMEOUT_INTERVAL_NANOS } from '../config/index.ts';
import type { CanisterHttpPayloadBuilder, ConsensusResponse } from '../consensus/index.ts';
import { RejectCode, formatUserError, rejectCodeOf } from '../errors/index.ts';
import type { UserError } from '../errors/index.ts';
import { encodeHttpRequestResult, encodeTransformArgs } from './candid.ts';
import { effectiveMaxResponseBytes, validateHttpHeadersAndBody } from './validation.ts';
import type { CanisterHttpRequestContext, ReplicatedState } from '../state/index.ts';
import type { CanisterId, Time } from '../types/index.ts';
import { time as toTime } from '../types/index.ts';
import type { CanisterHttpAdapter, CanisterHttpAdapterRequest, CanisterHttpAdapterResult } from './adapter.ts';

/** A transform query's answer (the query handler's `QueryResult`). */
export type TransformResult =
  | { readonly reply: Uint8Array }
  | { readonly reject: { readonly code: number; readonly message: string } }
  | { readonly error: UserError };

/** Runs a transform: the query `methodName` of `canisterId` with caller `aaaaa-aa`, non-replicated, on the last committed state. */
export type TransformRunner = (query: { readonly canisterId: CanisterId; readonly methodName: string; readonly arg: Uint8Array }) => Promise<TransformResult>;

/** Options of {@link CanisterHttpPool}. */
export interface CanisterHttpPoolOptions {
  readonly adapter: CanisterHttpAdapter;
  readonly transform: TransformRunner;
  /** Called when an answer arrives from the adapter (a block maker may wake up). */
  readonly onArrival?: () => void;
}

type Entry =
  | { readonly state: 'sent'; readonly request: CanisterHttpAdapterRequest }
  | { readonly state: 'arrived'; readonly request: CanisterHttpAdapterRequest; readonly result: CanisterHttpAdapterResult }
  | { readonly state: 'ready'; readonly request: CanisterHttpAdapterRequest; readonly response: ConsensusResponse };

const reject = (callbackId: bigint, code: number, message: string): ConsensusResponse =>
  ({ callbackId, payload: { kind: 'reject', reject: { code, message } } });

/** The adapter's view of a context. */
export function adapterRequestOf(id: bigint, c: CanisterHttpRequestContext): CanisterHttpAdapterRequest {
  return Object.freeze({
    id, canisterId: c.request.sender, url: c.url, method: c.method, headers: c.headers, body: c.body ?? new Uint8Array(),
    maxResponseBytes: c.maxResponseBytes, responseLimit: effectiveMaxResponseBytes(c.maxResponseBytes), transform: c.transform,
    replicated: c.replicated, timeout: toTime(c.time + CANISTER_HTTP_TIMEOUT_INTERVAL_NANOS),
  });
}

/** Outcalls between the state and the batches (see the module header). */
export class CanisterHttpPool implements CanisterHttpPayloadBuilder {
  readonly #adapter: CanisterHttpAdapter;
  readonly #transform: TransformRunner;
  readonly #onArrival: (() => void) | undefined;
  /** Open contexts known from the last sync, by callback id. */
  readonly #entries = new Map<bigint, Entry>();
  /** Answered in a batch, until a sync sees the context gone. */
  readonly #delivered = new Set<bigint>();
  #closed = false;

  constructor(opts: CanisterHttpPoolOptions) {
    this.#adapter = opts.adapter;
    this.#transform = opts.transform;
    this.#onArrival = opts.onArrival;
  }

  /** Requests sent to the adapter and not answered yet. */
  get inFlight(): number {
    let n = 0;
    for (const e of this.#entries.values()) if (e.state === 'sent') n++;
    return n;
  }

  /** Sends the contexts of `state` not sent yet; forgets requests whose context is gone. */
  sync(state: ReplicatedState): void {
    const open = state.metadata.subnetCallContextManager.canisterHttpRequestContexts;
    for (const id of [...this.#entries.keys()]) {
      if (open.has(id)) continue;
      this.#entries.delete(id);
      this.#adapter.cancel?.(id);
    }
    for (const id of [...this.#delivered]) if (!open.has(id)) this.#delivered.delete(id);
    for (const [id, context] of open) {
      if (this.#entries.has(id) || this.#delivered.has(id)) continue;
      const request = adapterRequestOf(id, context);
      this.#entries.set(id, { state: 'sent', request });
      void this.#adapter.send(request).then((result) => {
        const e = this.#entries.get(id);
        if (this.#closed || e === undefined || e.state !== 'sent' || e.request !== request) return;
        this.#entries.set(id, { state: 'arrived', request, result });
        this.#onArrival?.();
      });
    }
  }

  /** Lets the adapter progress, then turns arrived answers into consensus responses (see the module header). */
  async prepare(): Promise<void> {
    if (this.inFlight > 0) await this.#adapter.poll?.();
    const arrived = [...this.#entries].filter(([, e]) => e.state === 'arrived').sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [id, e] of arrived) {
      if (e.state !== 'arrived') continue;
      const response = await this.#toConsensus(id, e.request, e.result);
      if (this.#entries.get(id) === e) this.#entries.set(id, { state: 'ready', request: e.request, response });
    }
  }

  async #toConsensus(id: bigint, request: CanisterHttpAdapterRequest, result: CanisterHttpAdapterResult): Promise<ConsensusResponse> {
    if (result.kind === 'reject') return reject(id, result.code, result.message);
    const invalid = validateHttpHeadersAndBody(result.headers, result.body.length);
    if (invalid !== undefined) return reject(id, RejectCode.SysFatal, invalid.description);
    const response = { status: BigInt(result.status), headers: result.headers, body: result.body };
    if (request.transform === undefined) return { callbackId: id, payload: { kind: 'data', data: encodeHttpRequestResult(response) } };
    const arg = encodeTransformArgs(response, request.transform.context);
    const r = await this.#transform({ canisterId: request.canisterId, methodName: request.transform.methodName, arg });
    const [payload, size]: [ConsensusResponse['payload'], number] = 'reply' in r
      ? [{ kind: 'data', data: r.reply }, r.reply.length]
      : 'reject' in r
        ? [{ kind: 'reject', reject: { code: RejectCode.CanisterReject, message: r.reject.message } }, Buffer.byteLength(r.reject.message)]
        : [{ kind: 'reject', reject: { code: rejectCodeOf(r.error.code), message: formatUserError(r.error) } }, Buffer.byteLength(formatUserError(r.error))];
    if (BigInt(size) > request.responseLimit) return reject(id, RejectCode.SysFatal, `Transformed http response exceeds limit: ${request.responseLimit}`);
    return { callbackId: id, payload };
  }

  /** Whether an answer waits for a batch (ready, or arrived and to be prepared). */
  hasPayload(): boolean {
    for (const e of this.#entries.values()) if (e.state !== 'sent') return true;
    return false;
  }

  buildPayload(time: Time): readonly ConsensusResponse[] {
    const timeouts: ConsensusResponse[] = [];
    const ready: ConsensusResponse[] = [];
    for (const [id, e] of [...this.#entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (e.request.timeout < time) {
        timeouts.push(reject(id, RejectCode.SysTransient, 'Canister http request timed out'));
        this.#adapter.cancel?.(id);
      } else if (e.state === 'ready' && ready.length < CANISTER_HTTP_MAX_RESPONSES_PER_BLOCK) {
        ready.push(e.response);
      } else {
        continue;
      }
      this.#entries.delete(id);
      this.#delivered.add(id);
    }
    return [...timeouts, ...ready];
  }

  /** Stops: aborts what is in flight; later answers are ignored. */
  close(): void {
    this.#closed = true;
    this.#adapter.close?.();
  }
}
