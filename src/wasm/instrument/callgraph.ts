/**
 * Which functions take from the stack budget, and how much (see the header
 * of `../instrument.ts`, "Deterministic stack depth").
 *
 * Only functions on a call cycle can make the stack grow without bound, so
 * only they are charged. The call graph has an edge for every direct call,
 * and an edge from a `call_indirect` of type `t` to every function of type
 * `t` that may be in a table (listed in an element segment or named by
 * `ref.func`), through one virtual node per type. A function is charged
 * when its strongly connected component has a cycle; it is charged its own
 * frame plus the heaviest chain of uncharged frames it can call directly
 * (uncharged functions form a DAG, so chains are finite). Then the stack in
 * use is at most the sum of the charges on it plus the heaviest uncharged
 * chain from an entry point, which the host keeps as headroom.
 */

/** A function's calls and frame, as the planner needs them. */
export interface CallInfo {
  /** Frame estimate in bytes. */
  frame: number;
  /** Defined-function ordinals (0 = first defined function) it calls directly. */
  callees: number[];
  /** Canonical type ids of its `call_indirect`s. */
  indirect: number[];
}

/** The stack plan: per defined function its charge (0: uncharged), and the headroom for uncharged chains. */
export interface StackPlan {
  charge: number[];
  /** Heaviest chain of uncharged frames that may start a call stack, in bytes. */
  headroom: number;
}

/**
 * Plans the charges.
 * @param targets for each canonical type id, the defined-function ordinals that may be called indirectly with it.
 */
export function planStack(funcs: CallInfo[], targets: Map<number, number[]>): StackPlan {
  const n = funcs.length;
  const typeIds = [...targets.keys()];
  const virtualOf = new Map<number, number>();
  typeIds.forEach((t, i) => virtualOf.set(t, n + i));
  const total = n + typeIds.length;
  const succ: number[][] = new Array(total);
  for (let f = 0; f < n; f++) {
    const s = [...funcs[f].callees];
    for (const t of funcs[f].indirect) { const v = virtualOf.get(t); if (v !== undefined) s.push(v); }
    succ[f] = s;
  }
  typeIds.forEach((t, i) => { succ[n + i] = targets.get(t)!; });

  const { comp, order } = tarjan(succ);
  const cyclic = new Uint8Array(total);
  const size = new Map<number, number>();
  for (let v = 0; v < total; v++) size.set(comp[v], (size.get(comp[v]) ?? 0) + 1);
  for (let v = 0; v < total; v++) {
    if (size.get(comp[v])! > 1 || succ[v].includes(v)) cyclic[v] = 1;
  }
  // U(v): heaviest chain of uncharged frames starting at v (0 for charged functions).
  const chain = new Float64Array(total);
  const charge = new Array<number>(n).fill(0);
  const contrib = (s: number, v: number): number => (s < n && cyclic[s] && comp[s] === comp[v] ? 0 : chain[s]);
  let headroom = 0;
  for (const group of order) {
    // Virtual nodes first: their chains feed the functions of the same component.
    for (const v of group) {
      if (v < n) continue;
      let best = 0;
      for (const s of succ[v]) best = Math.max(best, contrib(s, v));
      chain[v] = best;
    }
    for (const v of group) {
      if (v >= n) continue;
      let best = 0;
      for (const s of succ[v]) best = Math.max(best, contrib(s, v));
      if (cyclic[v]) {
        charge[v] = funcs[v].frame + best;
        chain[v] = 0;
      } else {
        chain[v] = funcs[v].frame + best;
        headroom = Math.max(headroom, chain[v]);
      }
    }
  }
  return { charge, headroom };
}

/** Tarjan's strongly connected components, iteratively; `order` lists components callees first. */
function tarjan(succ: number[][]): { comp: Int32Array; order: number[][] } {
  const total = succ.length;
  const index = new Int32Array(total).fill(-1);
  const low = new Int32Array(total);
  const comp = new Int32Array(total).fill(-1);
  const onStack = new Uint8Array(total);
  const stack: number[] = [];
  const order: number[][] = [];
  const work: Array<[number, number]> = [];
  let next = 0;
  for (let root = 0; root < total; root++) {
    if (index[root] >= 0) continue;
    work.push([root, 0]);
    while (work.length > 0) {
      const top = work[work.length - 1];
      const v = top[0];
      if (top[1] === 0) {
        index[v] = low[v] = next++;
        stack.push(v);
        onStack[v] = 1;
      }
      let descended = false;
      while (top[1] < succ[v].length) {
        const w = succ[v][top[1]++];
        if (index[w] < 0) { work.push([w, 0]); descended = true; break; }
        if (onStack[w]) low[v] = Math.min(low[v], index[w]);
      }
      if (descended) continue;
      work.pop();
      if (work.length > 0) { const u = work[work.length - 1][0]; low[u] = Math.min(low[u], low[v]); }
      if (low[v] === index[v]) {
        const group: number[] = [];
        let w: number;
        do { w = stack.pop()!; onStack[w] = 0; comp[w] = order.length; group.push(w); } while (w !== v);
        order.push(group);
      }
    }
  }
  return { comp, order };
}
