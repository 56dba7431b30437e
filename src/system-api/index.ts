// Public face of src/system-api: the complete `ic0` import surface as a pure,
// synchronous library. The hypervisor builds a `SystemApi` per execution,
// attaches the instance's memory and instruction counter, passes
// `createIc0Imports(api, …)` as the `ic0` import module, catches `HostTrap`
// where the Wasm call returns, and reads `api.takeResult(error)`.
export { SystemApi } from './system-api.ts';
export type { SystemApiParams } from './system-api.ts';
export { createIc0Imports, ic0Signature } from './imports.ts';
export type { Ic0ImportOptions } from './imports.ts';
export { HostTrap } from './host-trap.ts';
export { reserveMemoryGrowth } from './api-stable.ts';
export type { ApiType, ApiTypeKind, RejectCode, SystemTask } from './api-type.ts';
export { API_TYPE_KINDS, modeName, isReplicated } from './api-type.ts';
export { AVAILABILITY, CONTEXT_CODE, isAvailable, wrongModeError } from './availability.ts';
export type { ContextCode } from './availability.ts';
export { SandboxSafeSystemState, CANISTER_STATUS_CODE, IC_MAINNET_ROOT_KEY, CYCLES_MINTING_CANISTER_ID } from './system-state.ts';
export type {
  CanisterStatus,
  ChainKey,
  OutgoingRequest,
  SystemStateInit,
  SystemStateModifications,
  WasmClosure,
} from './system-state.ts';
export type { CanisterLogRecord } from './canister-log.ts';
export { StableMemoryBuffer, MAX_STABLE_MEMORY_PAGES, OS_PAGE_BYTES, WASM_PAGE_BYTES } from './stable-memory.ts';
export type { StableMemory, StablePageDelta, StablePageLookup } from './stable-memory.ts';
export type { SystemApiResult } from './result.ts';
export type { WasmResponse } from './execution-state.ts';
