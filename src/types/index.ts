// Public face of src/types: ids and units. Other folders import from here only.
export {
  Cycles,
  NumInstructions,
  NumBytes,
  Time,
  NumWasmPages,
  NumOsPages,
  Height,
  cycles,
  numInstructions,
  numBytes,
  time,
  numWasmPages,
  numOsPages,
  height,
  saturatingSub,
  checkedAdd,
  toSafeNumber,
  wasmPagesToBytes,
  osPagesToBytes,
  bytesToWasmPagesCeil,
  bytesToOsPagesCeil,
  U64_MAX,
  U128_MAX,
  WASM_PAGE_SIZE_BYTES,
  OS_PAGE_SIZE_BYTES,
} from './units.ts';
export type { Unit, Branded } from './units.ts';
export {
  PrincipalId,
  CanisterId,
  SubnetId,
  compareIds,
  MANAGEMENT_CANISTER_ID,
  MAX_PRINCIPAL_BYTES,
} from './ids.ts';
export type { CyclesUseCase } from './cycles-use-case.ts';
export { drainsReservedBalance } from './cycles-use-case.ts';
