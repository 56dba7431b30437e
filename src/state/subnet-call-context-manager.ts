/**
 * Calls to the management canister that wait for something outside
 * execution (the replica's `SubnetCallContextManager`, part of
 * `SystemMetadata`): a context keeps the request until consensus delivers
 * its answer in a batch (`Batch.consensusResponses`), which names the
 * context by its callback id. Ids come from one counter for every kind of
 * context (`next_callback_id`), in order; contexts are kept by id, so
 * iteration is in id order.
 *
 * Kinds kept here: `CanisterHttpRequestContext` (`http_request`, waiting
 * for the outcall's response). `raw_rand` keeps its own list
 * (`SystemMetadata.rawRandContexts`).
 *
 * Copy-on-write: contexts are frozen; `clone()` copies the maps (pointer
 * copies) for a state snapshot.
 */
import type { Time } from '../types/index.ts';
import type { Request } from './messages.ts';

/** An HTTP header, as the canister gave it. */
export interface CanisterHttpHeader {
  readonly name: string;
  readonly value: string;
}

/** The methods of `http_request` (interface spec; PUT, DELETE and PATCH only non-replicated). */
export type CanisterHttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';

/** The transform of an outcall: a query of the calling canister and its context blob. */
export interface CanisterHttpTransform {
  readonly methodName: string;
  readonly context: Uint8Array;
}

/**
 * An `http_request` waiting for its response (the replica's
 * `CanisterHttpRequestContext`). `request.payment` is what is left of the
 * attached cycles after the fee: the refund that goes back with the answer.
 */
export interface CanisterHttpRequestContext {
  readonly request: Request;
  readonly url: string;
  /** `max_response_bytes` as given (`undefined`: the 2,000,000-byte default). */
  readonly maxResponseBytes: bigint | undefined;
  readonly headers: readonly CanisterHttpHeader[];
  readonly body: Uint8Array | undefined;
  readonly method: CanisterHttpMethod;
  readonly transform: CanisterHttpTransform | undefined;
  /** Batch time of the round that made the context (the timeout counts from it). */
  readonly time: Time;
  /** `is_replicated` (default true): false asks for one node's response. */
  readonly replicated: boolean;
  /** The pricing version the call asked for (1 legacy, 2 pay-as-you-go); ic-exec prices every call as 1. */
  readonly pricingVersion: number;
}

/** Every context of the subnet (see the module header). */
export class SubnetCallContextManager {
  /** The id the next context gets (`next_callback_id`). */
  nextCallbackId = 0n;
  #http = new Map<bigint, CanisterHttpRequestContext>();

  /** Open `http_request` contexts by callback id, in id order. */
  get canisterHttpRequestContexts(): ReadonlyMap<bigint, CanisterHttpRequestContext> {
    return this.#http;
  }

  /** Keeps `context` under a new callback id; returns the id. */
  pushCanisterHttpRequest(context: CanisterHttpRequestContext): bigint {
    const id = this.nextCallbackId++;
    this.#http.set(id, Object.freeze({ ...context, headers: Object.freeze([...context.headers]) }));
    return id;
  }

  /** Removes and returns the context with `callbackId` (`retrieve_context`), or `undefined`. */
  retrieveContext(callbackId: bigint): { readonly kind: 'canisterHttpRequest'; readonly context: CanisterHttpRequestContext } | undefined {
    const http = this.#http.get(callbackId);
    if (http === undefined) return undefined;
    this.#http.delete(callbackId);
    return { kind: 'canisterHttpRequest', context: http };
  }

  /** The contexts as a checkpoint keeps them (src/state/checkpoint). */
  toCheckpoint(): { readonly nextCallbackId: bigint; readonly http: readonly (readonly [bigint, CanisterHttpRequestContext])[] } {
    return { nextCallbackId: this.nextCallbackId, http: [...this.#http] };
  }

  /** The contexts a checkpoint kept. */
  static fromCheckpoint(c: { readonly nextCallbackId: bigint; readonly http: readonly (readonly [bigint, CanisterHttpRequestContext])[] }): SubnetCallContextManager {
    const m = new SubnetCallContextManager();
    m.nextCallbackId = c.nextCallbackId;
    m.#http = new Map(c.http);
    return m;
  }

  /** A copy for a snapshot. */
  clone(): SubnetCallContextManager {
    const m = new SubnetCallContextManager();
    m.nextCallbackId = this.nextCallbackId;
    m.#http = new Map(this.#http);
    return m;
  }
}
