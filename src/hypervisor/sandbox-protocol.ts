/**
 * The messages between the hypervisor (main thread) and its sandbox
 * workers, as plain data for `postMessage` (structured clone).
 *
 * Main → worker (each one is handled in order; nothing depends on timing):
 *
 *     execute  exec id, canister, the state to start from (see below), the ids the
 *              result state would get, the SandboxRequest, states to forget
 *     resume   exec id: run the next DTS slice of a paused execution
 *     abort    exec id: unwind a paused execution (its instance is dropped)
 *     drop     canister: forget its instances and the states mirrored for it
 *     evict    map ids and a store: those maps' pages are all in the store now
 *
 * Worker → main: `paused` (exec id, the slice's instructions), `finished`
 * (exec id, the SandboxResult, whether the result state was kept under the
 * ids main reserved), `failed` (exec id, an exception of the host: a bug),
 * `pages` (stored pages a running execution reads; answered through the
 * shared buffer of page-channel.ts while the worker waits).
 *
 * States. The main thread keeps canonical state; a worker mirrors the
 * `ExecutionState`s it has seen, identified by numbers the main thread
 * assigns (to states and to page maps; see state-mirror.ts). A state is sent
 * as a reference when the worker holds it, else as a {@link StateWire}
 * whose page maps are each a reference, a delta over a map the worker holds,
 * or in full (the first time, or after the worker was replaced). Modules
 * travel as compiled `WebAssembly.Module`s (V8 shares the code; no
 * recompilation) with their instrumentation output, minus the bytes.
 *
 * Ids. `PrincipalId`s lose their class and their bytes (a private field) in
 * a structured clone and arrive as `{ kind, text }`: {@link rehydrateIds}
 * turns them back into `PrincipalId` / `CanisterId` / `SubnetId`.
 */
import type { CompiledModule } from '../wasm/index.ts';
import type { ExecutionState, GlobalValue, PageDelta } from '../state/index.ts';
import { CanisterId, PrincipalId, SubnetId } from '../types/index.ts';
import type { ModuleInfo } from './module-info.ts';
import type { PagesRequest } from './page-channel.ts';
import type { SandboxRequest, SandboxResult } from './sandbox.ts';

/** Stored pages of a map as sent: their indices and leaf hashes (32 bytes each), in a store of the main thread. */
export interface StoredWire {
  /** The main thread's number for the store (the worker loads through its page channel, page-channel.ts). */
  readonly store: number;
  readonly indices: readonly number[];
  readonly hashes: Uint8Array;
}

/**
 * A page map as sent: known to the worker, a delta over one it knows, or
 * all its pages — the bytes of those in RAM, and the stored ones by hash
 * (a large stable memory that lives on disk is not copied into workers).
 */
export type MapWire =
  | { readonly id: number; readonly kind: 'known' }
  | { readonly id: number; readonly kind: 'delta'; readonly base: number; readonly pages: readonly PageDelta[] }
  | { readonly id: number; readonly kind: 'full'; readonly pages: readonly PageDelta[]; readonly stored?: readonly StoredWire[] };

/** A compiled module as sent to a worker. */
export interface ModuleWire {
  readonly hash: string;
  readonly module: WebAssembly.Module;
  /** The instrumentation output without its binary and data segments. */
  readonly output: CompiledModule['output'];
  readonly info: ModuleInfo;
}

/** An `ExecutionState` the worker does not hold yet. */
export interface StateWire {
  /** Hash of the module (sent before, or in the same message). */
  readonly module: string;
  readonly heap: MapWire;
  readonly heapSizePages: number;
  readonly stableSizePages: number;
  readonly stable: MapWire;
  readonly globals: readonly GlobalValue[];
}

/** The ids main reserves for the state after an execution (used only if it keeps changes). */
export interface ResultIds {
  readonly state: number;
  readonly heap: number;
  readonly stable: number;
}

/** Settings of a worker, passed as `workerData`. */
export interface WorkerConfig {
  readonly maxIdleInstances: number;
  readonly maxIdleInstancesPerCanister: number;
  /** The page channel's shared buffer (page-channel.ts). */
  readonly pageChannel: SharedArrayBuffer;
}

/** Main → worker. */
export type ToWorker =
  | {
    readonly type: 'execute';
    readonly exec: number;
    readonly canister: string;
    readonly stateId: number;
    readonly state?: StateWire;
    readonly modules?: readonly ModuleWire[];
    readonly resultIds: ResultIds;
    readonly request: SandboxRequest;
    readonly forget?: readonly number[];
  }
  | { readonly type: 'resume'; readonly exec: number }
  | { readonly type: 'abort'; readonly exec: number }
  | { readonly type: 'drop'; readonly canister: string; readonly forget?: readonly number[] }
  /** Every page of these maps is now in store `store` (a checkpoint): keep them as stored pages, drop their bytes. */
  | { readonly type: 'evict'; readonly store: number; readonly maps: readonly number[] };

/** Worker → main. */
export type FromWorker =
  | { readonly type: 'paused'; readonly exec: number; readonly sliceInstructions: bigint }
  | { readonly type: 'finished'; readonly exec: number; readonly result: SandboxResult; readonly kept: boolean }
  | { readonly type: 'failed'; readonly exec: number; readonly message: string }
  | PagesRequest;

/** The module as a worker needs it: the compiled code, the output's facts, not its bytes. */
export function moduleWire(compiled: CompiledModule, info: ModuleInfo): ModuleWire {
  return {
    hash: compiled.hash,
    module: compiled.module,
    output: { ...compiled.output, binary: new Uint8Array(0), dataSegments: [] },
    info,
  };
}

/**
 * The result of an execution lost with its worker: a `WasmEngineError`
 * (`message`), flagged as a `hazard` (the host failed, not the canister),
 * nothing executed or changed.
 */
export function lostResult(state: ExecutionState, message: string, hazard: string): SandboxResult {
  return {
    error: { kind: 'WasmEngineError', message }, hazard,
    instructionsExecuted: 0n, slices: 0, heapDelta: [], heapSizePages: state.heapSizePages, globals: state.globals,
    stableDelta: [], stableSizePages: state.stable.sizePages, bumpCanisterVersion: false, debugPrints: [],
    modifications: { balanceChange: 0n, cyclesAccepted: 0n, cyclesBurned: 0n, cyclesMinted: 0n, requestFees: 0n, requests: [], canisterLog: [] },
  };
}

const ID_CLASSES = { PrincipalId, CanisterId, SubnetId } as const;
type IdKind = keyof typeof ID_CLASSES;
const rehydrated = new Map<string, PrincipalId>();
const MAX_CACHED_IDS = 10_000;

function isClonedId(v: object): v is { kind: IdKind; text: string } {
  const o = v as { kind?: unknown; text?: unknown };
  return typeof o.text === 'string' && typeof o.kind === 'string' && o.kind in ID_CLASSES && !(v instanceof PrincipalId);
}

function idOf(kind: IdKind, text: string): PrincipalId {
  const key = `${kind}:${text}`;
  let id = rehydrated.get(key);
  if (id === undefined) {
    if (rehydrated.size >= MAX_CACHED_IDS) rehydrated.clear();
    id = ID_CLASSES[kind].fromText(text);
    rehydrated.set(key, id);
  }
  return id;
}

/**
 * Replaces, in place, every cloned id (`{ kind: 'CanisterId', text }` …)
 * inside `value` by the id object, and returns `value` (or the id, for a
 * cloned id itself). Typed arrays and the keys in `skip` are not visited
 * (page deltas hold no ids and can be long).
 */
export function rehydrateIds<T>(value: T, skip: ReadonlySet<string> = NO_SKIP): T {
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return value;
  if (isClonedId(value)) return idOf(value.kind, value.text) as T;
  if (value instanceof PrincipalId) return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = rehydrateIds(value[i], skip);
    return value;
  }
  if (value instanceof Map) {
    for (const [k, v] of value) value.set(k, rehydrateIds(v, skip));
    return value;
  }
  const o = value as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!skip.has(k)) o[k] = rehydrateIds(o[k], skip);
  return value;
}

const NO_SKIP: ReadonlySet<string> = new Set();
/** Keys of a `SandboxResult` that hold no ids. */
export const RESULT_SKIP: ReadonlySet<string> = new Set(['heapDelta', 'stableDelta', 'globals', 'debugPrints', 'canisterLog']);
