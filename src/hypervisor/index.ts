// Public face of src/hypervisor: where a canister's code runs. `Hypervisor`
// runs one entry point on an `ExecutionState` and returns an
// `ExecutionResult` (or a paused execution under DTS); `PageMap` is the
// canonical memory representation; `ExecutionState` is the Wasm side of a
// canister's state. Instances, the sandbox step and the JSPI machinery stay
// inside.
export { Hypervisor } from './hypervisor.ts';
export type { ExecuteInput, ExecuteOutcome, ExecutionResult, HypervisorOptions, PausedExecution } from './hypervisor.ts';
export type { EntryPoint } from './entry-point.ts';
export type { ExecutionLimits } from './sandbox.ts';
export { SliceState } from './dts.ts';
export { stackBudget, WASM_STACK_BYTES, HOST_STACK_RESERVE_BYTES } from './stack-budget.ts';
