/**
 * The export rules of canister modules: reserved names, the `canister_`
 * prefix, method kinds, entry-point signatures and the method-count and
 * method-name limits.
 *
 * Wording: dfinity/ic `rs/embedders/src/wasm_utils/validation.rs`
 * (`validate_export_section`, `RESERVED_SYMBOLS`,
 * `WASM_VALID_SYSTEM_FUNCTIONS`), see validate.ts for the version.
 */
import { MAX_NUMBER_EXPORTED_FUNCTIONS, MAX_SUM_EXPORTED_FUNCTION_NAME_LENGTHS } from '../config/index.ts';
import { ExternalKind } from './types.ts';
import type { FuncType, WasmModule } from './types.ts';
import { checkSignature } from './validate-imports.ts';
import { functionTypeIndices, utf8Length } from './validate-util.ts';
import type { Rejection } from './validate-util.ts';

/**
 * Names no export may have: the replica's own instrumentation uses them
 * (the instruction and page counters it exports, its stable memories) or
 * reserves them (`canister_start`).
 */
export const RESERVED_EXPORTS: readonly string[] = Object.freeze([
  'canister counter_instructions',
  'canister_start',
  'canister counter_dirty_pages',
  'canister counter_accessed_pages',
  'stable_memory',
  'stable_bytemap_memory',
]);

/** The system entry points a canister may export (besides methods). */
export const SYSTEM_ENTRY_POINTS: readonly string[] = Object.freeze([
  'canister_init',
  'canister_inspect_message',
  'canister_pre_upgrade',
  'canister_post_upgrade',
  'canister_heartbeat',
  'canister_global_timer',
  'canister_on_low_wasm_memory',
]);

/** The three method kinds, as export-name prefixes (followed by one space and the name). */
export const METHOD_PREFIXES: readonly string[] = Object.freeze([
  'canister_query', 'canister_composite_query', 'canister_update',
]);

const UNIT: FuncType = { params: [], results: [] };

/** Limits of {@link checkExports} (the replica's `EmbeddersConfig` values by default). */
export interface ExportLimits {
  readonly maxMethods: number;
  readonly maxMethodNameBytes: number;
}

const DEFAULT_LIMITS: ExportLimits = {
  maxMethods: MAX_NUMBER_EXPORTED_FUNCTIONS,
  maxMethodNameBytes: MAX_SUM_EXPORTED_FUNCTION_NAME_LENGTHS,
};

/** Splits `canister_<kind> <name>` into its kind prefix and name; undefined for other names. */
export function splitMethodExport(exportName: string): { prefix: string; name: string } | undefined {
  const space = exportName.indexOf(' ');
  if (space < 0) return undefined;
  const prefix = exportName.slice(0, space);
  return METHOD_PREFIXES.includes(prefix) ? { prefix, name: exportName.slice(space + 1) } : undefined;
}

const exportError = (message: string): Rejection => ({ kind: 'InvalidExportSection', message });

/** The export rules, in export order; the count and length limits after all exports. */
export function checkExports(m: WasmModule, limits: ExportLimits = DEFAULT_LIMITS): Rejection | undefined {
  const typeOf = functionTypeIndices(m);
  const seen = new Set<string>();
  let methods = 0;
  let nameBytes = 0;
  for (const exp of m.exports) {
    if (RESERVED_EXPORTS.includes(exp.name)) return exportError(`Exporting reserved symbol ${exp.name} not allowed.`);
    if (exp.kind !== ExternalKind.func) continue;
    const method = splitMethodExport(exp.name);
    if (method !== undefined) {
      if (seen.has(method.name)) return { kind: 'DuplicateExport', name: method.name };
      seen.add(method.name);
      methods++;
      nameBytes += utf8Length(method.name);
    } else if (exp.name.startsWith('canister_') && !SYSTEM_ENTRY_POINTS.includes(exp.name)) {
      return exportError(`Exporting reserved function '${exp.name}' with "canister_" prefix`);
    } else if (!exp.name.startsWith('canister_')) {
      continue;
    }
    const type = m.types[typeOf[exp.index]];
    if (type === undefined) continue; // an unknown function or type: the engine check rejects it
    const bad = checkSignature(UNIT, exp.name, type);
    if (bad !== undefined) return bad;
  }
  if (methods > limits.maxMethods) return { kind: 'TooManyExports', defined: methods, allowed: limits.maxMethods };
  if (nameBytes > limits.maxMethodNameBytes) {
    return { kind: 'ExportedNamesTooLong', totalLength: nameBytes, allowed: limits.maxMethodNameBytes };
  }
  return undefined;
}
