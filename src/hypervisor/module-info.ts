/**
 * Facts about an instrumented module that the hypervisor needs and the
 * instrumentation output does not carry (yet): the heap's declared limits,
 * the table's index type, an imported memory or table to create (the IC
 * lets a module import `env.memory` and `env.table`), and whether the code
 * can change *instance* state that is neither memory nor a persisted global.
 *
 * Why the last one matters. The replica creates a fresh Wasm instance for
 * every execution, so table contents and dropped data/element segments are
 * reset each time. We reuse instances across messages for speed; that is
 * only equivalent when the module cannot change those things. A module that
 * uses `table.set/grow/fill/copy/init`, `data.drop` or `elem.drop` gets a
 * fresh instance per execution instead ({@link ModuleInfo.reusable} false).
 * Motoko and Rust canisters use none of these.
 *
 * Computed once per compiled module (decoding the instrumented binary) and
 * cached by module identity; sandbox workers get them with the module
 * ({@link rememberModuleInfo}).
 */
import { decodeModule } from '../wasm/index.ts';
import type { CompiledModule, WasmModule } from '../wasm/index.ts';
// TODO(#3): the operator walker is not on src/wasm's public face; the facts
// below belong in `InstrumentationOutput` (reported to the wasm layer owner).
import { OperatorReader } from '../wasm/operators.ts';

/** What the hypervisor needs to know about a compiled module. */
export interface ModuleInfo {
  /** Initial heap size, Wasm pages (0 without a memory). */
  readonly heapMinPages: number;
  /** Largest heap size the module declares (after the instrumentation's cap), Wasm pages. */
  readonly heapMaxPages: number;
  /** Whether `table` is a table64 (callback indices are i64). */
  readonly table64: boolean;
  /** Whether an instance may be reused across executions (see the module header). */
  readonly reusable: boolean;
  /** Names of the module's custom sections (e.g. `icp:private enhanced-orthogonal-persistence`). */
  readonly customSections: readonly string[];
  /** A memory or table the module imports (`env.memory`, `env.table`), which the host must create. */
  readonly importedMemory?: ImportedLimits;
  readonly importedTable?: ImportedLimits;
}

/** Where an imported memory or table comes from, and its limits. */
export interface ImportedLimits {
  readonly module: string;
  readonly name: string;
  readonly min: bigint;
  readonly max?: bigint;
  readonly is64: boolean;
}

const WASM32_MAX_PAGES = 65_536;
const FC = 0xfc;
/** 0xFC sub-opcodes that change instance state: data.drop, table.init, elem.drop, table.copy, table.grow, table.fill. */
const STATEFUL_FC = new Set([9, 12, 13, 14, 15, 17]);
const TABLE_SET = 0x26;

const cache = new WeakMap<WebAssembly.Module, ModuleInfo>();

/** The facts about `compiled` (memoized per module). */
export function moduleInfo(compiled: CompiledModule): ModuleInfo {
  let info = cache.get(compiled.module);
  if (info === undefined) {
    info = computeInfo(decodeModule(compiled.output.binary));
    cache.set(compiled.module, info);
  }
  return info;
}

/**
 * Seeds the memo for `module` with facts computed elsewhere: a sandbox
 * worker receives the compiled module without its bytes, and the facts
 * computed on the main thread with it.
 */
export function rememberModuleInfo(module: WebAssembly.Module, info: ModuleInfo): void {
  cache.set(module, info);
}

function computeInfo(m: WasmModule): ModuleInfo {
  const memImport = m.imports.find((i) => i.desc.kind === 'memory');
  const mem = memImport?.desc.kind === 'memory' ? memImport.desc.limits : m.memories[0];
  const tableImport = m.imports.find((i) => i.desc.kind === 'table');
  const table = tableImport?.desc.kind === 'table' ? tableImport.desc.type : m.tables[0];
  const maxDefault = mem?.is64 ? Number.MAX_SAFE_INTEGER : WASM32_MAX_PAGES;
  return {
    heapMinPages: mem === undefined ? 0 : Number(mem.min),
    heapMaxPages: mem === undefined ? 0 : mem.max === undefined ? maxDefault : Number(mem.max),
    table64: table?.limits.is64 ?? false,
    reusable: !m.code.some((body) => changesInstanceState(body.code)),
    customSections: m.sections.flatMap((s) => (s.custom === undefined ? [] : [s.custom.name])),
    ...(memImport?.desc.kind === 'memory' ? { importedMemory: limitsOf(memImport.module, memImport.name, memImport.desc.limits) } : {}),
    ...(tableImport?.desc.kind === 'table' ? { importedTable: limitsOf(tableImport.module, tableImport.name, tableImport.desc.type.limits) } : {}),
  };
}

function limitsOf(module: string, name: string, l: { min: bigint; max?: bigint; is64: boolean }): ImportedLimits {
  return { module, name, min: l.min, ...(l.max === undefined ? {} : { max: l.max }), is64: l.is64 };
}

function changesInstanceState(code: Uint8Array): boolean {
  const r = new OperatorReader(code);
  while (r.next()) {
    if (r.prefix === FC ? STATEFUL_FC.has(r.code) : r.prefix === 0 && r.code === TABLE_SET) return true;
  }
  return false;
}
