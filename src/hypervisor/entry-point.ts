/**
 * Entry points: what an execution runs, how it maps to an export of the
 * module, and which contexts keep their changes.
 *
 *     entry point       export                           context (ApiType)
 *     start             canister_start                   start
 *     init              canister_init                    init
 *     preUpgrade        canister_pre_upgrade             preUpgrade
 *     postUpgrade       canister_post_upgrade            init
 *     update m          canister_update m                update
 *     query m           canister_query m                 replicatedQuery | nonReplicatedQuery
 *     compositeQuery m  canister_composite_query m       compositeQuery
 *     inspectMessage    canister_inspect_message         inspectMessage
 *     heartbeat         canister_heartbeat               systemTask
 *     globalTimer       canister_global_timer            systemTask
 *     onLowWasmMemory   canister_on_low_wasm_memory      systemTask
 *     callback          table[fun](env)                  reply/reject callback, cleanup (and composite ones)
 *
 * A missing method export fails with `MethodNotFound`; a missing system
 * export (start, init, upgrade hooks, inspect, heartbeat, timer, low-memory
 * hook) is not an error: the execution does nothing and succeeds, as the
 * replica skips it.
 *
 * Changes to memory and globals are kept on success except in replicated
 * and non-replicated queries and `inspect_message` (a composite query's
 * callbacks do continue from the state its previous steps left; the query
 * layer drops that state at the end).
 */
import type { ApiType, WasmClosure } from '../system-api/index.ts';
import type { ResolvedEntry } from './sandbox.ts';

/** What an execution runs. */
export type EntryPoint =
  | { readonly kind: 'start' }
  | { readonly kind: 'init' }
  | { readonly kind: 'preUpgrade' }
  | { readonly kind: 'postUpgrade' }
  | { readonly kind: 'update'; readonly method: string }
  | { readonly kind: 'query'; readonly method: string }
  | { readonly kind: 'compositeQuery'; readonly method: string }
  | { readonly kind: 'inspectMessage' }
  | { readonly kind: 'heartbeat' }
  | { readonly kind: 'globalTimer' }
  | { readonly kind: 'onLowWasmMemory' }
  /** A reply, reject or cleanup callback; the `ApiType` says which. */
  | { readonly kind: 'callback'; readonly closure: WasmClosure };

const SYSTEM_EXPORTS = {
  start: 'canister_start',
  init: 'canister_init',
  preUpgrade: 'canister_pre_upgrade',
  postUpgrade: 'canister_post_upgrade',
  inspectMessage: 'canister_inspect_message',
  heartbeat: 'canister_heartbeat',
  globalTimer: 'canister_global_timer',
  onLowWasmMemory: 'canister_on_low_wasm_memory',
} as const;

/** What to call for `entry`, and whether a missing export is simply skipped. */
export function resolveEntry(entry: EntryPoint): { entry: ResolvedEntry; optional: boolean } {
  switch (entry.kind) {
    case 'update': return { entry: { export: `canister_update ${entry.method}` }, optional: false };
    case 'query': return { entry: { export: `canister_query ${entry.method}` }, optional: false };
    case 'compositeQuery': return { entry: { export: `canister_composite_query ${entry.method}` }, optional: false };
    case 'callback': return { entry: { closure: entry.closure }, optional: false };
    default: return { entry: { export: SYSTEM_EXPORTS[entry.kind] }, optional: true };
  }
}

/** Whether a successful execution in this context keeps its memory and global changes. */
export function keepsChanges(api: ApiType): boolean {
  switch (api.kind) {
    case 'replicatedQuery':
    case 'nonReplicatedQuery':
    case 'inspectMessage':
      return false;
    default:
      return true;
  }
}
