/**
 * Instruments one function body in two walks of its operators:
 *
 * 1. {@link scanBody} computes the replica's injection points and their
 *    static costs (`injections` in instrumentation.rs), which points may be
 *    observed (so the counter must be stored there), the calls (for the
 *    stack plan), which scratch locals the barrier and NaN canonicalization
 *    need, and the operand-stack bound of the frame estimate.
 * 2. {@link rewriteBody} copies the body, inserting the sequences of
 *    `metering.ts`, `barrier.ts`, `stack.ts` and `nan.ts`, replacing
 *    `memory.grow` and bulk memory operations by helper calls and
 *    re-indexing functions.
 *
 * The replica's points: the function entry (re-entrant, starting at cost 1);
 * after `loop` (re-entrant); after `if`; after `else`, `br`, `br_if`,
 * `br_table`, `end`, `return` and `unreachable`. Each operator's cost is
 * added to the point that precedes it, so a block's cost includes the
 * operator that ends it. Non-re-entrant points of cost 0 are dropped. A bulk
 * memory operation charges its size dynamically just before it (before the
 * static point at the same position, if any).
 *
 * A direct call to a straight-line function calls its unmetered twin
 * (`layout.twin`, see the header of `../instrument.ts`); the caller charges
 * the callee's whole cost, on its own counter, in the call's block
 * ({@link resolveCalls} decides where) and, with `twinEntryChecks`, makes
 * the callee's entry check before the call.
 */
import { OperatorReader, EMPTY_BLOCK } from '../operators.ts';
import { costOf } from '../opcodes.ts';
import { ByteWriter } from '../writer.ts';
import type { FuncType, FunctionBody, ValType } from '../types.ts';
import { EFFECT, EFFECT_FC, EFFECT_FD, SPECIAL } from './arity.ts';
import { emitBarrieredStore, storeCanSucceed, storeValueType } from './barrier.ts';
import { callTarget, shiftFunc } from './context.ts';
import type { Layout, Twin } from './context.ts';
import { emitDynamic, emitPoint, emitReload, emitStore } from './metering.ts';
import { canonicalType, emitCanonicalize } from './nan.ts';
import { emitStackEntry, emitStackExit, frameEstimate } from './stack.ts';

/** Thrown for operators the instrumentation does not support (validation rejects them first). */
export class UnsupportedOperator extends Error {}

/** What the first walk learns about a body. */
export interface BodyScan {
  /** Static cost of each injection point, in order. */
  costs: number[];
  /** Whether each point is re-entrant. */
  reentrant: boolean[];
  /**
   * Whether the block of each point may let someone read the counter before
   * the next point: it may trap, calls, or leaves the function.
   */
  observed: boolean[];
  /** Operators in the body, its final `end` included. */
  ops: number;
  /** Operators the replica's instrumentation adds to this body. */
  replicaInjected: number;
  /** The body contains `call` or `call_indirect`. */
  calls: boolean;
  /** Original indices of the defined functions it calls directly, in order. */
  callees: number[];
  /** For each entry of `callees`: the point whose block holds the call. */
  calleePoints: number[];
  /**
   * For each entry of `callees`: whether an operator before the call in the
   * same block, other than a direct call to a defined function, may observe
   * the counter.
   */
  callObservedBefore: boolean[];
  /**
   * For each entry of `callees`: whether an operator after the call in the
   * same block, other than a direct call to a defined function, may observe
   * the counter. With {@link resolveCalls}: whether the call site must store
   * the counter (a twin's charge is then visible to what follows).
   */
  callStores: boolean[];
  /** For each entry of `callees`, after {@link resolveCalls}: what the call site charges before calling a twin (0: nothing). */
  callCharges: number[];
  /** The body is one basic block: no control operator but its final `end`, no call, no bulk operation, no `memory.grow`. */
  straight: boolean;
  /** Some operator may trap (memory access, division, float truncation, table access, `unreachable`, bulk operation). */
  traps: boolean;
  /** Type indices of its `call_indirect`s. */
  indirectTypes: number[];
  /** Original indices of the functions it names with `ref.func`. */
  refs: number[];
  /** Value types of stored values, as a set of valtype codes. */
  storeTypes: Set<ValType>;
  /** Result types of the float operators whose NaNs are canonicalized (`nan.ts`). */
  canonicalTypes: Set<ValType>;
  /** The body stores to memory (through a store that may succeed). */
  stores: boolean;
  maxStack: number;
  simd: boolean;
  /**
   * Pure operators whose operands all derive from locals, constants and
   * globals, plus the barrier and NaN checks on such values: values
   * TurboFan may keep live across a call beyond the Wasm-level slots
   * (value numbering reuses them after it, code motion hoists them), for
   * the frame estimate (`stack.ts`).
   */
  pureValues: number;
  /** The body has `memory.grow` or bulk memory operations: its rewrite calls helpers. */
  helpers: boolean;
}

const VALTYPE_BLOCK: Record<number, number> = { [-1]: 1, [-2]: 1, [-3]: 1, [-4]: 1, [-5]: 1, [-16]: 1, [-17]: 1 };

function blockArity(l: Layout, bt: number): [number, number] {
  if (bt === EMPTY_BLOCK) return [0, 0];
  if (bt < 0) return [0, VALTYPE_BLOCK[bt] ?? 0];
  const t = l.types[bt];
  return [t.params.length, t.results.length];
}

function isBulk(prefix: number, code: number): boolean {
  return prefix === 0xfc && (code === 8 || code === 10 || code === 11 || code === 12 || code === 14 || code === 17);
}

/** Whether a bulk operation's size operand is an i64. */
function bulkSize64(l: Layout, code: number, tableIndex: number): boolean {
  if (code === 8 || code === 12) return false; // memory.init, table.init: always i32
  if (code === 10 || code === 11) return l.wasm64;
  return l.table64[tableIndex] ?? false;
}

/** Operators that may trap or call (prefix 0): unreachable, return, calls, table.get/set, memory.grow, div/rem, trunc. */
const OBSERVING = new Uint8Array(256);
for (const c of [0x00, 0x0f, 0x10, 0x11, 0x25, 0x26, 0x40, 0x6d, 0x6e, 0x6f, 0x70, 0x7f, 0x80, 0x81, 0x82,
  0xa8, 0xa9, 0xaa, 0xab, 0xae, 0xaf, 0xb0, 0xb1]) OBSERVING[c] = 1;

/**
 * Whether an operator may let the host or a callee read the counter: it may
 * trap, it calls (or is replaced by a call), or it leaves the function.
 * (A direct call to a defined function does not when it calls a twin that
 * cannot trap; {@link resolveCalls} decides.)
 */
function observes(r: OperatorReader): boolean {
  if (r.op.accessBytes > 0) return true;
  if (r.prefix === 0xfc) return isBulk(r.prefix, r.code);
  if (r.prefix !== 0) return false;
  if (OBSERVING[r.code] === 1) return true;
  switch (r.code) {
    case 0x0c: case 0x0d: return r.a === r.depth; // br/br_if to the function's label
    case 0x0e: return r.targets.includes(r.depth);
    case 0x0b: return r.depth < 0; // the function's end
    default: return false;
  }
}

/** First walk: injection points, leaf status, stores and the operand-stack bound. */
export function scanBody(l: Layout, body: FunctionBody, type: FuncType): BodyScan {
  const s: BodyScan = {
    costs: [], reentrant: [], observed: [], ops: 0, replicaInjected: 0, calls: false, callees: [], calleePoints: [], callObservedBefore: [], callStores: [], callCharges: [],
    straight: true, traps: false, indirectTypes: [], refs: [], storeTypes: new Set(), canonicalTypes: new Set(), stores: false,
    maxStack: 0, simd: false, pureValues: 0, helpers: false,
  };
  const r = new OperatorReader(body.code);
  const base: number[] = [0];
  const results: number[] = [type.results.length];
  const params: number[] = [0];
  let height = 0;
  const derived: boolean[] = []; // per operand-stack position: derives from locals, constants and globals only
  const derive = (from: number, to: number) => { for (let i = from; i < to; i++) derived[i] = true; };
  let cost = 1;
  let reentrant = true;
  let observed = false;
  let unmarkedCall = 0; // calls of the current block not yet known to be followed by an observer
  const close = (nextReentrant: boolean) => {
    s.costs.push(cost);
    s.reentrant.push(reentrant);
    s.observed.push(observed);
    observed = false;
    unmarkedCall = s.callees.length;
    cost = 0;
    reentrant = nextReentrant;
  };
  while (r.next()) {
    const op = r.op;
    s.ops++;
    cost += costOf(op, l.wasm64);
    const direct = r.prefix === 0 && r.code === 0x10 && r.a >= l.importedFuncs;
    if (!direct && observes(r)) {
      observed = true;
      while (unmarkedCall < s.callees.length) s.callStores[unmarkedCall++] = true;
      if (!(r.prefix === 0 && r.code >= 0x0b && r.code <= 0x11)) s.traps = true;
    }
    if (s.straight && !straightLine(r)) s.straight = false;
    let effect: number;
    if (r.prefix === 0) {
      effect = EFFECT[r.code];
      switch (r.code) {
        case 0x02: case 0x03: case 0x04: {
          if (r.code === 0x04) height--;
          const [p, res] = blockArity(l, r.a);
          base.push(height - p); params.push(p); results.push(res);
          if (r.code === 0x03) derive(height - p, height); // loop parameters are phis
          if (r.code !== 0x02) close(r.code === 0x03);
          continue;
        }
        case 0x05:
          height = base[base.length - 1] + params[params.length - 1];
          derive(base[base.length - 1], height);
          close(false);
          continue;
        case 0x0b:
          if (r.depth < 0) { close(false); continue; }
          derive(base[base.length - 1], base[base.length - 1] + results[results.length - 1]); // results are phis
          height = base.pop()! + results.pop()!;
          params.pop();
          close(false);
          continue;
        case 0x0c: case 0x0e: case 0x0f: case 0x00:
          height = base[base.length - 1];
          close(false);
          continue;
        case 0x0d:
          height--;
          close(false);
          continue;
        case 0x10: case 0x11: {
          s.calls = true;
          if (r.code === 0x11) s.indirectTypes.push(r.a);
          else if (direct) {
            s.callees.push(r.a);
            s.calleePoints.push(s.costs.length);
            s.callObservedBefore.push(observed);
            s.callStores.push(false);
            s.callCharges.push(0);
          }
          const t = l.types[r.code === 0x10 ? l.funcTypes[r.a] : r.a];
          height = Math.max(height - t.params.length - (r.code === 0x11 ? 1 : 0), base[base.length - 1]) + t.results.length;
          for (let i = height - t.results.length; i < height; i++) derived[i] = false;
          s.maxStack = Math.max(s.maxStack, height);
          continue;
        }
        case 0x40:
          s.replicaInjected += 3;
          s.helpers = true;
          break;
        case 0xd2:
          s.refs.push(r.a);
          break;
      }
    } else if (r.prefix === 0xfc) {
      effect = EFFECT_FC[r.code];
      if (isBulk(r.prefix, r.code)) s.replicaInjected += bulkSize64(l, r.code, r.a) ? 1 : 3;
      if (isBulk(r.prefix, r.code) || r.code === 8 || r.code === 10 || r.code === 11) s.helpers = true;
    } else {
      effect = EFFECT_FD[r.code];
      s.simd = true;
    }
    if (effect === SPECIAL) throw new UnsupportedOperator(`unsupported instruction ${op.name}`);
    if (op.isStore && storeCanSucceed(l, r.memOffset, op.accessBytes)) {
      s.stores = true;
      s.storeTypes.add(storeValueType(r.prefix, r.code) as ValType);
    }
    const canonical = canonicalType(r.prefix, r.code);
    if (canonical !== 0) s.canonicalTypes.add(canonical);
    const pops = effect >> 2;
    const pushes = effect & 3;
    const floor = base[base.length - 1];
    let args = true; // operands below the block's base are unreachable code's: taken as derived
    for (let i = Math.max(height - pops, floor); i < height; i++) args &&= derived[i];
    if (op.isStore && (height - 2 < floor || derived[height - 2])) s.pureValues += 2; // the barrier's page numbers
    height = Math.max(height - pops, floor) + pushes;
    if (pushes > 0) {
      const value = derivedResult(r, args);
      if (value && pops > 0 && !(r.prefix === 0 && r.code === 0x22)) s.pureValues += canonical !== 0 ? 2 : 1; // a NaN check adds one
      for (let i = height - pushes; i < height; i++) derived[i] = value;
    }
    if (height > s.maxStack) s.maxStack = height;
  }
  for (let i = 0; i < s.costs.length; i++) {
    s.replicaInjected += s.reentrant[i] ? 10 : s.costs[i] > 0 ? 4 : 0;
  }
  return s;
}

/** Whether the result of a non-control operator derives from locals, constants and globals only (`args`: its operands do). */
function derivedResult(r: OperatorReader, args: boolean): boolean {
  if (r.op.accessBytes > 0) return false; // loads: memory may change across a call
  if (r.prefix === 0xfc) return r.code <= 7 && args; // trunc_sat; table and bulk operations are effects
  if (r.prefix !== 0) return args; // SIMD lane and arithmetic operators
  switch (r.code) {
    case 0x20: case 0x23: case 0x41: case 0x42: case 0x43: case 0x44: case 0xd0: case 0xd2: return true; // local.get, global.get, constants, ref.null, ref.func
    case 0x25: case 0x3f: case 0x40: return false; // table.get, memory.size, memory.grow
    default: return args;
  }
}

/** Whether an operator keeps a body one basic block (see {@link BodyScan.straight}). */
function straightLine(r: OperatorReader): boolean {
  if (r.prefix === 0xfc) return !isBulk(r.prefix, r.code);
  if (r.prefix !== 0) return true;
  switch (r.code) {
    case 0x00: case 0x02: case 0x03: case 0x04: case 0x05: case 0x0c: case 0x0d: case 0x0e: case 0x0f:
    case 0x10: case 0x11: case 0x40:
      return false;
    case 0x0b: return r.depth < 0;
    default: return true;
  }
}

/**
 * Settles the direct calls of a scanned body once the twins are known (see
 * the header of `../instrument.ts`). A call to a function without a twin
 * observes the counter: its block's point stores it. A call to a twin is
 * charged the twin's whole cost:
 * - with `entryChecks` false, at the block's point when that point has no
 *   check (it is not re-entrant) and nothing before the call in the block
 *   may observe the counter: charging early is then invisible (a point
 *   whose block calls a twin that may trap stores the counter); otherwise
 *   at the call site;
 * - with `entryChecks` true, always at the call site, followed by the
 *   callee's entry check.
 * A call site that charges stores the counter when the twin may trap or
 * something after it in the block may observe the counter.
 */
export function resolveCalls(s: BodyScan, twin: (index: number) => Twin | undefined, entryChecks: boolean): void {
  const n = s.callees.length;
  // Backwards: a later call in the same block to a function without a twin observes.
  let point = -1;
  let laterCall = false;
  for (let k = n - 1; k >= 0; k--) {
    if (s.calleePoints[k] !== point) { point = s.calleePoints[k]; laterCall = false; }
    const t = twin(s.callees[k]);
    if (t === undefined) {
      s.observed[point] = true;
      s.callStores[k] = true;
      laterCall = true;
    } else {
      s.callStores[k] = t.traps || s.callStores[k] || laterCall;
    }
  }
  // Forwards: a twin's charge joins its point's while nothing before it in the block observes.
  point = -1;
  let blocked = false;
  for (let k = 0; k < n; k++) {
    if (s.calleePoints[k] !== point) { point = s.calleePoints[k]; blocked = false; }
    const t = twin(s.callees[k]);
    if (t === undefined) { blocked = true; continue; }
    if (entryChecks || blocked || s.callObservedBefore[k] || s.reentrant[point]) {
      s.callCharges[k] = t.cost;
    } else {
      s.costs[point] += t.cost;
      if (t.traps) s.observed[point] = true;
    }
    if (t.traps) blocked = true;
  }
}

/** The locals a body gains and its frame estimate. */
interface LocalPlan {
  locals: FunctionBody['locals'];
  counterLocal: number;
  /** Holds the stack budget on entry (charged functions only). */
  budgetLocal: number;
  addrLocal: number;
  /** Scratch locals by value type, shared by the barrier (stored values) and NaN canonicalization. */
  valueLocal: Map<number, number>;
  barrier: boolean;
  frame: number;
}

function planLocals(l: Layout, body: FunctionBody, type: FuncType, s: BodyScan, stackLocal: boolean, metered = true): LocalPlan {
  const locals = [...body.locals];
  let next = type.params.length + body.localCount;
  const addLocal = (t: ValType): number => { locals.push({ count: 1, type: t }); return next++; };
  const counterLocal = metered && l.counter === 'local' ? addLocal(0x7e) : -1;
  const budgetLocal = stackLocal ? addLocal(0x7f) : -1;
  const barrier = l.barrier !== 'none' && l.dirtyMemory >= 0 && s.stores;
  const addrLocal = barrier ? addLocal(l.addrType) : -1;
  const valueLocal = new Map<number, number>();
  for (const t of [...(barrier ? s.storeTypes : []), ...s.canonicalTypes]) if (!valueLocal.has(t)) valueLocal.set(t, addLocal(t));
  let slots = next;
  for (const p of type.params) if (p === 0x7b) slots++;
  for (const run of locals) if (run.type === 0x7b) slots += run.count;
  return { locals, counterLocal, budgetLocal, addrLocal, valueLocal, barrier, frame: frameEstimate(slots, s.maxStack, s.simd, type, s.pureValues) };
}

/** The frame estimate of a body once instrumented, in bytes. */
export function frameOf(l: Layout, body: FunctionBody, type: FuncType, s: BodyScan): number {
  return planLocals(l, body, type, s, s.calls).frame;
}

/** The rewritten body. */
export interface RewrittenBody {
  locals: FunctionBody['locals'];
  code: Uint8Array;
  /** Offsets in `code` of the injected `if`s that are almost never taken. */
  cold: number[];
}

/**
 * Second walk: writes the instrumented body.
 * @param charge bytes to take from the stack budget at entry (0: none).
 * @param metered false for a twin: a straight-line body without its
 *   metering (its callers charge it); everything else is as in the original.
 */
export function rewriteBody(l: Layout, body: FunctionBody, type: FuncType, s: BodyScan, charge: number, metered = true): RewrittenBody {
  const code = body.code;
  const nonLeaf = charge > 0;
  if (!metered && (nonLeaf || !s.straight)) throw new Error('only a straight-line body has an unmetered twin');
  const { locals, counterLocal, budgetLocal, addrLocal, valueLocal, barrier } = planLocals(l, body, type, s, nonLeaf, metered);
  const marks = l.barrier !== 'none' && l.dirtyMemory >= 0;

  const w = new ByteWriter(code.length * 2 + 64);
  const cold: number[] = [];
  if (nonLeaf) emitStackEntry(w, l, charge, budgetLocal, cold);
  if (metered) emitPoint(w, l, s.costs[0], true, true, counterLocal, s.observed[0], cold);
  if (nonLeaf) {
    w.u8(0x02);
    if (type.results.length === 0) w.u8(0x40);
    else if (type.results.length === 1) w.u8(type.results[0]);
    else w.s33(l.blockTypeFor(type.results));
  }

  const r = new OperatorReader(code);
  let copied = 0;
  let point = 1;
  let site = 0; // index into s.callees
  let pending = false;
  const flush = (to: number) => { if (to > copied) w.bytes(code.subarray(copied, to)); copied = to; };
  const emitPending = () => {
    if (!pending) return;
    pending = false;
    const c = s.costs[point];
    const re = s.reentrant[point];
    const store = s.observed[point++];
    if (re || c > 0) emitPoint(w, l, c, re, false, counterLocal, store, cold);
    else if (store) emitStore(w, l, counterLocal);
  };
  while (r.next()) {
    const op = r.op;
    const prefix = r.prefix;
    const c = r.code;
    if (pending) {
      flush(r.start);
      if (isBulk(prefix, c)) emitDynamic(w, l, bulkSize64(l, c, r.a), counterLocal);
      emitPending();
    } else if (isBulk(prefix, c)) {
      flush(r.start);
      emitDynamic(w, l, bulkSize64(l, c, r.a), counterLocal);
    }
    if (prefix === 0) {
      switch (c) {
        case 0x03: case 0x04: case 0x05: case 0x0c: case 0x0d: case 0x0e: case 0x00:
          pending = true;
          break;
        case 0x0b:
          if (r.depth < 0) {
            flush(r.end);
            if (nonLeaf) { emitStackExit(w, l, budgetLocal); w.u8(0x0b); }
            continue;
          }
          pending = true;
          break;
        case 0x0f:
          if (nonLeaf) { flush(r.start); emitStackExit(w, l, budgetLocal); }
          pending = true;
          break;
        case 0x10: {
          flush(r.start);
          copied = r.end;
          const twin = r.a >= l.importedFuncs ? l.twin(r.a) : undefined;
          const k = r.a >= l.importedFuncs ? site++ : -1;
          if (twin === undefined) {
            w.u8(0x10).u32(callTarget(l, shiftFunc(l, r.a)));
            emitReload(w, l, counterLocal);
            break;
          }
          // The callee's entry charge on the caller's counter, unless its point took it; with entry checks, its check too.
          if (s.callCharges[k] > 0) emitPoint(w, l, s.callCharges[k], l.twinEntryChecks, false, counterLocal, s.callStores[k], cold);
          w.u8(0x10).u32(callTarget(l, twin.index));
          break;
        }
        case 0x11:
          flush(r.end);
          emitReload(w, l, counterLocal);
          break;
        case 0xd2:
          flush(r.start);
          w.u8(0xd2).u32(shiftFunc(l, r.a));
          copied = r.end;
          break;
        case 0x40:
          flush(r.start);
          w.u8(0x10).u32(l.helper({ kind: 'grow' }));
          copied = r.end;
          emitReload(w, l, counterLocal);
          break;
      }
    } else if (prefix === 0xfc && marks && (c === 8 || c === 10 || c === 11)) {
      flush(r.start);
      const h = c === 8 ? l.helper({ kind: 'init', segment: r.a }) : l.helper({ kind: c === 10 ? 'copy' : 'fill' });
      w.u8(0x10).u32(h);
      copied = r.end;
    }
    const canonical = canonicalType(prefix, c);
    if (canonical !== 0) {
      flush(r.end);
      emitCanonicalize(w, prefix, c, valueLocal.get(canonical)!);
    }
    if (barrier && op.isStore && storeCanSucceed(l, r.memOffset, op.accessBytes)) {
      flush(r.start);
      const t = storeValueType(prefix, c);
      emitBarrieredStore(w, l, code.subarray(r.start, r.end), r.memOffset, op.accessBytes, addrLocal, valueLocal.get(t)!);
      copied = r.end;
    }
  }
  flush(code.length);
  return { locals, code: w.finish().slice(), cold };
}
