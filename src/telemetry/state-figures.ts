/**
 * Figures read off committed states for the metrics, per canister and
 * cached by object: a committed state shares every canister that did not
 * change with the one before it (copy-on-write, `ReplicatedState.snapshot`),
 * so a canister object seen before has the same log, cycles and queues, and
 * only new objects are read. A walk over the canisters is then a pointer
 * check for each, plus the reading of the few that changed.
 */
import type { CanisterQueues, CanisterState, ReplicatedState, SubnetMetrics } from '../state/index.ts';
import type { CyclesUseCase } from '../types/index.ts';

/** Messages in a canister's input queues: ingress and canister messages (reserved slots not counted). */
export function inputMessages(q: CanisterQueues): number {
  let n = q.ingressQueue.size;
  for (const p of q.sortedPairs()) n += p.input.length;
  return n;
}

/** `burnedCycles` → `burned_cycles`: the label values use the metric style. */
const snake = (s: string): string => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** What the canisters' totals leave out (transfers; HTTPS outcalls are the subnet's). */
const NOT_CANISTER: ReadonlySet<CyclesUseCase> = new Set(['nonConsumed', 'httpOutcalls']);
/** What the subnet's map leaves to dedicated fields. */
const NOT_SUBNET_MAP: ReadonlySet<CyclesUseCase> = new Set(['nonConsumed', 'httpOutcalls', 'ecdsaOutcalls', 'deletedCanisters']);

/** The subnet's own consumption by use case (its map and its dedicated figures), added to `out`. */
export function addSubnetConsumed(out: Map<string, bigint>, metrics: SubnetMetrics): void {
  const add = (name: string, amount: bigint): void => { out.set(name, (out.get(name) ?? 0n) + amount); };
  for (const [useCase, amount] of metrics.byUseCase.entries()) if (!NOT_SUBNET_MAP.has(useCase)) add(snake(useCase), amount);
  add('deleted_canisters', metrics.consumedCyclesByDeletedCanisters);
  add('http_outcalls', metrics.consumedCyclesHttpOutcalls);
  add('ecdsa_outcalls', metrics.consumedCyclesEcdsaOutcalls);
}

/** What is kept of one canister object. */
export interface CanisterFigures {
  /** Hex of the id's bytes. */
  readonly key: string;
  /** Its consumed total (`ConsumedCycles.total`). */
  readonly consumed: bigint;
  /** Read when first sampled. */
  input?: number;
  memoryBytes?: bigint;
  byUseCase?: readonly (readonly [string, bigint])[];
}

const keyOf = (c: CanisterState): string => Buffer.from(c.canisterId.bytesView()).toString('hex');

/** The canisters of successive committed states, read once per object (see the module header). */
export class CanisterWatch {
  readonly #figures = new WeakMap<CanisterState, CanisterFigures>();
  /** Consumed total of each live canister, by key. */
  readonly #consumed = new Map<string, bigint>();
  #sum = 0n;

  /** Σ consumed totals of the live canisters (as of the last {@link refresh}). */
  get consumedSum(): bigint { return this.#sum; }

  /**
   * Reads the canisters of `state` that are new objects, calling `changed`
   * for each; forgets canisters no longer there (calling `removed`).
   */
  refresh(state: ReplicatedState, changed?: (c: CanisterState, key: string) => void, removed?: (key: string) => void): void {
    const canisters = state.canisters();
    for (const c of canisters) {
      if (this.#figures.has(c)) continue;
      const key = keyOf(c);
      const consumed = c.systemState.consumedCycles.total;
      this.#figures.set(c, { key, consumed });
      this.#sum += consumed - (this.#consumed.get(key) ?? 0n);
      this.#consumed.set(key, consumed);
      changed?.(c, key);
    }
    if (this.#consumed.size === canisters.length) return;
    const live = new Set(canisters.map((c) => this.of(c).key));
    for (const [key, consumed] of this.#consumed) {
      if (live.has(key)) continue;
      this.#sum -= consumed;
      this.#consumed.delete(key);
      removed?.(key);
    }
  }

  /** The figures of a canister of a refreshed state. */
  of(c: CanisterState): CanisterFigures {
    const f = this.#figures.get(c);
    if (f === undefined) throw new Error(`canister ${c.canisterId.toText()} was not refreshed`);
    return f;
  }

  /** Its input queue length, memory and consumption by use case (read once per object). */
  sampled(c: CanisterState): Required<CanisterFigures> {
    const f = this.of(c);
    f.input ??= inputMessages(c.systemState.queues);
    f.memoryBytes ??= c.memoryUsage();
    f.byUseCase ??= c.systemState.consumedCycles.entries().filter(([u]) => !NOT_CANISTER.has(u)).map(([u, n]) => [snake(u), n] as const);
    return f as Required<CanisterFigures>;
  }
}
