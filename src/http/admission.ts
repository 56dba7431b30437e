/**
 * Admission of calls at the boundary, before the ingress filter runs any
 * canister code (`canister_inspect_message`): an overloaded replica answers
 * `429` instead of queueing without bound.
 *
 * - Rates: token buckets, one for all calls and one per effective canister
 *   (id of the URL), refilled continuously; an empty bucket refuses.
 * - The pool: calls admitted but not yet taken into a batch, in total and
 *   per effective canister. The block maker's pool is first in, first out
 *   and only its head is ever taken (into a batch, or dropped as expired),
 *   so after a round the calls still pooled are the last `poolSize` admitted:
 *   {@link IngressAdmission.settle} forgets the others.
 *
 * Buckets of canisters not seen for a while are forgotten (a full bucket is
 * the same as none), so ids made up by a client cost no memory for long.
 */

/** The limits; rates in calls per second. */
export interface AdmissionLimits {
  /** Calls pooled at once, in total. */
  readonly maxPooled: number;
  /** Calls pooled at once for one effective canister. */
  readonly maxPooledPerCanister: number;
  /** Calls per second in total (and the burst: a second's worth). */
  readonly ratePerSecond: number;
  /** Calls per second for one effective canister (and the burst). */
  readonly ratePerCanisterPerSecond: number;
}

/** ic-exec's defaults: well above what one process executes, so only a flood reaches them. */
export const DEFAULT_ADMISSION_LIMITS: AdmissionLimits = Object.freeze({
  maxPooled: 20_000,
  maxPooledPerCanister: 5_000,
  ratePerSecond: 20_000,
  ratePerCanisterPerSecond: 5_000,
});

/** Buckets kept before idle ones are dropped. */
const MAX_BUCKETS = 10_000;

class TokenBucket {
  readonly rate: number;
  tokens: number;
  last: number;
  constructor(rate: number, now: number) {
    this.rate = rate;
    this.tokens = rate;
    this.last = now;
  }

  refill(now: number): void {
    if (now > this.last) {
      this.tokens = Math.min(this.rate, this.tokens + ((now - this.last) / 1000) * this.rate);
      this.last = now;
    }
  }

  get full(): boolean { return this.tokens >= this.rate; }
}

/** Admission of calls (see the module header). */
export class IngressAdmission {
  readonly limits: AdmissionLimits;
  readonly #nowMs: () => number;
  readonly #total: TokenBucket;
  readonly #buckets = new Map<string, TokenBucket>();
  /** Effective canisters of the calls admitted to the pool, in order. */
  #pooled: string[] = [];
  #head = 0;
  readonly #pooledPer = new Map<string, number>();

  /** @param nowMs a monotonic clock in milliseconds (`performance.now`). */
  constructor(limits: AdmissionLimits, nowMs: () => number) {
    this.limits = limits;
    this.#nowMs = nowMs;
    this.#total = new TokenBucket(limits.ratePerSecond, nowMs());
  }

  /** Calls admitted and still in the pool. */
  get pooled(): number { return this.#pooled.length - this.#head; }

  /**
   * Whether a call for `canister` (text id) may enter now: `undefined`, or
   * why not (for a 429). Takes a token from both buckets when it may.
   */
  admit(canister: string): string | undefined {
    if (this.pooled >= this.limits.maxPooled) return `The ingress pool holds ${this.pooled} messages, the most it takes.`;
    if ((this.#pooledPer.get(canister) ?? 0) >= this.limits.maxPooledPerCanister) {
      return `The ingress pool holds ${this.limits.maxPooledPerCanister} messages for canister ${canister}, the most it takes for one canister.`;
    }
    const now = this.#nowMs();
    this.#total.refill(now);
    let bucket = this.#buckets.get(canister);
    if (bucket === undefined) {
      if (this.#buckets.size >= MAX_BUCKETS) this.#dropFullBuckets(now);
      bucket = new TokenBucket(this.limits.ratePerCanisterPerSecond, now);
      this.#buckets.set(canister, bucket);
    }
    bucket.refill(now);
    if (this.#total.tokens < 1) return `More than ${this.limits.ratePerSecond} calls per second.`;
    if (bucket.tokens < 1) return `More than ${this.limits.ratePerCanisterPerSecond} calls per second to canister ${canister}.`;
    this.#total.tokens -= 1;
    bucket.tokens -= 1;
    return undefined;
  }

  /** Records that a call for `canister` entered the pool. */
  pooledOne(canister: string): void {
    this.#pooled.push(canister);
    this.#pooledPer.set(canister, (this.#pooledPer.get(canister) ?? 0) + 1);
  }

  /** After a round: `poolSize` calls are still pooled (the last ones admitted); forget the others. */
  settle(poolSize: number): void {
    while (this.pooled > Math.max(0, poolSize)) {
      const c = this.#pooled[this.#head++];
      const n = (this.#pooledPer.get(c) ?? 1) - 1;
      if (n === 0) this.#pooledPer.delete(c);
      else this.#pooledPer.set(c, n);
    }
    if (this.#head > 1024 && this.#head * 2 > this.#pooled.length) {
      this.#pooled = this.#pooled.slice(this.#head);
      this.#head = 0;
    }
  }

  #dropFullBuckets(now: number): void {
    for (const [k, b] of this.#buckets) {
      b.refill(now);
      if (b.full) this.#buckets.delete(k);
    }
    // Still full of busy canisters: start over (each gets a fresh, full bucket).
    if (this.#buckets.size >= MAX_BUCKETS) this.#buckets.clear();
  }
}
