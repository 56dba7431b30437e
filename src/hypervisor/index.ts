// Public face of src/hypervisor: where a canister's code runs. `Hypervisor`
// runs one entry point on an `ExecutionState` (from src/state) and returns
// an `ExecutionResult` (or a paused execution under DTS), in-process or in a
// pool of sandbox workers (`workers` option; `hv.pool` for its counters and
// the fault-test hook). Instances, the sandbox step, the worker protocol and
// the JSPI machinery stay inside.
export { Hypervisor } from './hypervisor.ts';
export type { ExecuteInput, ExecuteOutcome, ExecutionResult, HypervisorOptions, PausedExecution } from './hypervisor.ts';
export type { EntryPoint } from './entry-point.ts';
export type { ExecutionLimits } from './sandbox.ts';
export type { SandboxPool, SandboxPoolOptions, PoolStats } from './sandbox-pool.ts';
export type { InstanceStats } from './instance-cache.ts';
export { SliceState } from './dts.ts';
export { stackBudget, WASM_STACK_BYTES, HOST_STACK_RESERVE_BYTES, WORKER_STACK_MB } from './stack-budget.ts';
