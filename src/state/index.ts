// Public face of src/state: the replicated state. `PageMap` is the canonical
// representation of canister memory (heap and stable, 4 KiB pages, versioned
// and shared between versions); `ExecutionState` is the Wasm side of a
// canister's state (module, heap, stable memory, persisted globals).
export { PageMap, PAGE_BYTES, isZeroPage } from './page-map.ts';
export type { PageDelta } from './page-map.ts';
export {
  EMPTY_STABLE, exportedMethods, exportsFunction, dataSegmentsHeap, newExecutionState, applyExecutionDelta,
} from './execution-state.ts';
export type { ExecutionState, GlobalValue, StableState, NewStateOptions } from './execution-state.ts';
