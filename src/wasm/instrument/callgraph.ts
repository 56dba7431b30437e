/**
 * Which functions take from the stack budget, and the headroom for the
 * rest (see the header of `../instrument.ts`, "Deterministic stack depth",
 * for the soundness argument).
 *
 * The call graph has an edge for every direct call, and an edge from a
 * `call_indirect` of type `t` to every function of type `t` that may be in
 * a table (listed in an element segment or named by `ref.func`), through
 * one virtual node per type. A function is *charged* when its strongly
 * connected component has a cycle, and it is charged its own frame
 * estimate only. Uncharged functions lie on no cycle, so each appears at
 * most once on a call stack, and the components of the functions on a
 * stack, bottom to top, follow a path of the component graph (a DAG): the
 * uncharged frames on any stack weigh at most the heaviest such path, with
 * charged components weighing 0 and an uncharged function its frame plus
 * the heaviest chain of callees V8 may inline into it. That path, plus the
 * larger of the helpers' frames and a charged frame being entered, is the
 * headroom the host keeps beyond the budget.
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

/** The stack plan. */
export interface StackPlan {
  /** Per defined function: the bytes its entry takes from the budget (its frame estimate), 0 for uncharged functions. */
  charge: number[];
  /** The largest frame of a charged function (on the stack, not yet charged, during its entry check), bytes. */
  entering: number;
  /**
   * The heaviest path of uncharged frames through the component graph, in
   * bytes, each frame with the heaviest chain of its direct callees that V8
   * may inline into it (`inlinable(f)`: a direct call to ordinal f may be
   * inlined; never true of a charged function, which is sealed).
   */
  unchargedPath(inlinable: (f: number) => boolean): number;
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
  const charge = new Array<number>(n).fill(0);
  let entering = 0;
  for (const group of order) {
    for (const v of group) {
      if (v < n && (group.length > 1 || succ[v].includes(v))) {
        charge[v] = funcs[v].frame;
        entering = Math.max(entering, funcs[v].frame);
      }
    }
  }
  const unchargedPath = (inlinable: (f: number) => boolean): number => {
    // inlined[f]: the heaviest chain of callees V8 may inline into uncharged f (uncharged callees form a DAG).
    // below[c]: the heaviest path of uncharged weight from component c down. Components come callees first.
    const inlined = new Float64Array(n);
    const below = new Float64Array(order.length);
    let heaviest = 0;
    order.forEach((group, c) => {
      let next = 0;
      for (const v of group) for (const s of succ[v]) if (comp[s] !== c) next = Math.max(next, below[comp[s]]);
      let weight = 0;
      const v = group[0];
      if (group.length === 1 && v < n && charge[v] === 0) {
        for (const g of funcs[v].callees) if (charge[g] === 0 && inlinable(g)) inlined[v] = Math.max(inlined[v], funcs[g].frame + inlined[g]);
        weight = funcs[v].frame + inlined[v];
      }
      below[c] = next + weight;
      heaviest = Math.max(heaviest, below[c]);
    });
    return heaviest;
  };
  return { charge, entering, unchargedPath };
}

/**
 * Stack the host must keep free beyond the budget, in bytes: the heaviest
 * uncharged path, and on top of the stack either `helperFrames` bytes of
 * injected helpers or a charged frame being entered.
 */
export function stackHeadroom(uncharged: number, entering: number, helperFrames: number): number {
  return uncharged + Math.max(helperFrames, entering);
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
