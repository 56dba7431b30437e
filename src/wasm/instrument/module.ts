/**
 * Module-level pieces of the instrumentation: memory limits, data segments,
 * exported methods, the inputs of the stack plan and the branch-hint
 * section.
 */
import { ByteWriter } from '../writer.ts';
import { ExternalKind } from '../types.ts';
import type { DataSegment, Export, FuncType, FunctionBody, Limits, WasmModule } from '../types.ts';
import type { BodyScan } from './body.ts';
import { planStack } from './callgraph.ts';
import type { StackPlan } from './callgraph.ts';

const WASM_PAGE = 65536n;

/** An active data segment, to be copied into the heap at install. */
export interface DataSegmentInit {
  offset: bigint;
  bytes: Uint8Array;
}

/** Exported canister methods by kind (names without the `canister_<kind> ` prefix). */
export interface ExportedMethods {
  update: string[];
  query: string[];
  compositeQuery: string[];
  /** System methods (`canister_init`, `canister_start`, `canister_heartbeat`, …), full export names. */
  system: string[];
}

/** A module the replica refuses to instrument, in its words (`WasmInstrumentationError`). */
export class InstrumentationError extends Error {
  override readonly name = 'InstrumentationError';
  /** True for what the replica reports as its own internal error, false for a bad module. */
  readonly internal: boolean;
  constructor(message: string, internal: boolean) {
    super(message);
    this.internal = internal;
  }
}

const SYSTEM_METHODS = new Set([
  'canister_init', 'canister_start', 'canister_pre_upgrade', 'canister_post_upgrade', 'canister_inspect_message',
  'canister_heartbeat', 'canister_global_timer', 'canister_on_low_wasm_memory',
]);

/** Caps a wasm64 memory's maximum at the largest heap (and sets it when absent), as the replica does. */
export function capMemory(l: Limits, maxHeapBytes: bigint): Limits {
  if (!l.is64) return l;
  const cap = maxHeapBytes / WASM_PAGE;
  return { ...l, max: l.max === undefined || l.max > cap ? cap : l.max };
}

/**
 * Turns active data segments into empty passive ones in place (an empty
 * passive segment behaves as a dropped active one: `memory.init` of 0 bytes
 * succeeds, of more traps) and returns their contents. Offsets are read as
 * the replica reads them (an i32 constant is sign-extended to 64 bits), and
 * a segment must fit the initial size of the module's own memory.
 * @throws {InstrumentationError} for a segment that does not fit or a non-constant offset.
 */
export function extractData(m: WasmModule): { data: DataSegment[]; segments: DataSegmentInit[] } {
  const initialBytes = (m.memories[0]?.min ?? 0n) * WASM_PAGE;
  const segments: DataSegmentInit[] = [];
  const data = m.data.map((d): DataSegment => {
    if (d.mode.kind !== 'active') return d;
    const ops = d.mode.offset.ops;
    const op = ops.length === 1 ? ops[0] : undefined;
    let offset: bigint;
    if (op?.op === 'i32.const') offset = BigInt.asUintN(64, BigInt(op.value));
    else if (op?.op === 'i64.const') offset = BigInt.asUintN(64, op.value);
    else {
      throw new InstrumentationError(
        'Failed to deserialize wasm module with complex initialization expressions for data segments are not supported!', true);
    }
    const len = BigInt(d.bytes.length);
    if (offset + len > initialBytes) throw new InstrumentationError(`Wasm module has invalid data segment of ${len} bytes at ${offset}`, false);
    segments.push({ offset, bytes: d.bytes });
    return { mode: { kind: 'passive' }, bytes: new Uint8Array(0), flags: 1 };
  });
  return { data, segments };
}

/** The canister methods among the exports, by kind, in export order. */
export function exportedMethods(exports: Export[]): ExportedMethods {
  const out: ExportedMethods = { update: [], query: [], compositeQuery: [], system: [] };
  for (const e of exports) {
    if (e.kind !== ExternalKind.func) continue;
    if (e.name.startsWith('canister_update ')) out.update.push(e.name.slice('canister_update '.length));
    else if (e.name.startsWith('canister_query ')) out.query.push(e.name.slice('canister_query '.length));
    else if (e.name.startsWith('canister_composite_query ')) out.compositeQuery.push(e.name.slice('canister_composite_query '.length));
    else if (SYSTEM_METHODS.has(e.name)) out.system.push(e.name);
  }
  return out;
}

/**
 * The stack plan of a module: builds the call graph (indirect calls reach
 * every function of a structurally equal type that an element segment or a
 * `ref.func` names) and plans the charges (`callgraph.ts`).
 */
export function planModuleStack(m: WasmModule, types: FuncType[], scans: BodyScan[], frames: number[]): StackPlan {
  const canon = new Map<string, number>();
  const typeId = (t: number): number => {
    const key = `${types[t].params.join(',')}>${types[t].results.join(',')}`;
    let id = canon.get(key);
    if (id === undefined) canon.set(key, (id = canon.size));
    return id;
  };
  const ordinal = (f: number): number => f - m.importedFuncs;
  const named = new Set<number>();
  const name = (f: number) => { if (f >= m.importedFuncs) named.add(ordinal(f)); };
  for (const e of m.elements) {
    if (e.items.kind === 'functions') e.items.funcs.forEach(name);
    else for (const x of e.items.exprs) for (const o of x.ops) if (o.op === 'ref.func') name(o.func);
  }
  for (const g of m.globals) for (const o of g.init.ops) if (o.op === 'ref.func') name(o.func);
  for (const s of scans) s.refs.forEach(name);
  const targets = new Map<number, number[]>();
  for (const f of [...named].sort((a, b) => a - b)) {
    const id = typeId(m.functions[f]);
    const list = targets.get(id);
    if (list === undefined) targets.set(id, [f]);
    else list.push(f);
  }
  return planStack(scans.map((s, i) => ({ frame: frames[i], callees: s.callees.map(ordinal), indirect: s.indirectTypes.map(typeId) })), targets);
}

/**
 * Collects the `metadata.code.branch_hint` section: every injected check is
 * hinted "unlikely". Offsets count from the function body's first byte (its
 * locals declarations).
 */
export class BranchHints {
  private readonly w = new ByteWriter();
  private funcs = 0;

  /** Adds the hints of one function (`cold`: offsets of `if` opcodes within its code). */
  add(funcIndex: number, body: FunctionBody, cold: number[]): void {
    if (cold.length === 0) return;
    const header = new ByteWriter(16);
    header.u32(body.locals.length);
    for (const run of body.locals) header.u32(run.count).u8(run.type);
    this.funcs++;
    this.w.u32(funcIndex).u32(cold.length);
    for (const off of cold) this.w.u32(off + header.length).u8(1).u8(0);
  }

  /** The section payload, or undefined when no function has a hint. */
  payload(): Uint8Array | undefined {
    if (this.funcs === 0) return undefined;
    return new ByteWriter(this.w.length + 8).u32(this.funcs).bytes(this.w.finish()).finish().slice();
  }
}
