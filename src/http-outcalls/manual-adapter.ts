// The manual adapter: no network. Each outcall waits, listed by
// `pending()`, until the test (or the PocketIC server: pic-js's
// `getPendingHttpsOutcalls` / `mockPendingHttpsOutcall`) answers it with
// `respond(id, …)`: a response (status, headers, body), checked against the
// request's response limit as the real adapter checks what it downloads,
// or a reject with a code and message of its choice. A request that times
// out (the pool cancels it) is no longer pending.
import type { CanisterHttpHeader } from '../state/index.ts';
import type { CanisterHttpAdapter, CanisterHttpAdapterRequest, CanisterHttpAdapterResult } from './adapter.ts';
import { responseSizeProblem } from './adapter.ts';

/** A test's answer to a pending outcall. */
export type MockHttpOutcallAnswer =
  | { readonly status: number; readonly headers?: readonly CanisterHttpHeader[]; readonly body?: Uint8Array }
  | { readonly reject: { readonly code: number; readonly message: string } };

interface Pending {
  readonly request: CanisterHttpAdapterRequest;
  readonly settle: (r: CanisterHttpAdapterResult) => void;
}

/** Outcalls wait for `respond` (see the module header). */
export class ManualHttpAdapter implements CanisterHttpAdapter {
  readonly #pending = new Map<bigint, Pending>();

  send(request: CanisterHttpAdapterRequest): Promise<CanisterHttpAdapterResult> {
    return new Promise((settle) => { this.#pending.set(request.id, { request, settle }); });
  }

  cancel(id: bigint): void {
    this.#pending.delete(id);
  }

  /** The outcalls waiting for an answer, by id. */
  pending(): CanisterHttpAdapterRequest[] {
    return [...this.#pending.values()].map((p) => p.request).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /**
   * Answers the pending outcall `id`.
   * @throws {RangeError} if no outcall `id` is pending, or the reject code is not one of the IC's (1–6).
   */
  respond(id: bigint, answer: MockHttpOutcallAnswer): void {
    const p = this.#pending.get(id);
    if (p === undefined) throw new RangeError(`no pending HTTPS outcall with id ${id}`);
    let result: CanisterHttpAdapterResult;
    if ('reject' in answer) {
      const code = answer.reject.code;
      if (!Number.isInteger(code) || code < 1 || code > 6) throw new RangeError(`invalid reject code ${code}`);
      result = { kind: 'reject', code: code as 1, message: answer.reject.message };
    } else {
      const headers = (answer.headers ?? []).map((h) => ({ name: h.name, value: h.value }));
      const body = answer.body ?? new Uint8Array();
      result = responseSizeProblem(headers, body.length, p.request.responseLimit)
        ?? { kind: 'response', status: answer.status, headers, body: Uint8Array.from(body) };
    }
    this.#pending.delete(id);
    p.settle(result);
  }

  close(): void {
    this.#pending.clear();
  }
}
