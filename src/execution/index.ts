// Public face of src/execution: the `ExecutionEnvironment`, which executes
// one message on one canister and applies the result to it — the layer the
// scheduler, ingress filter, query handler and the `Replica` library call.
//
// Contract (stable; changes are announced here):
//
//   const env = new ExecutionEnvironment({ hypervisor, cycles, subnetType, ownSubnetId, subnetSize });
//   const out = await env.executeCanisterInput(canister, { kind: 'ingress', ingress }, round);
//   // out.kind === 'finished': the answer is written — ingress status in round.ingressHistory,
//   //   or a Response in canister's output queue for a request; out.heapDeltaBytes for the heap-delta budget.
//   // out.kind === 'paused': canister.systemState.taskQueue front is pausedExecution; call
//   //   env.resumePausedExecution(canister, round) in a later round (or abortPausedExecution at a
//   //   checkpoint; then resumePausedExecution restarts it with the cycles it prepaid).
//   await env.executeSystemTask(canister, 'heartbeat', round);
//   await env.installCode(canister, { mode: 'install', wasmModule, arg, sender }, round);
//   // with `message` set, a long install pauses between rounds ({ ok: false, paused: true }):
//   // env.resumeInstallCode(canister, round) in a later round → { result, message } to answer
//   await env.executeInspectMessage(canister, ingress, time);   // undefined = accepted
//   await env.executeQuery(canister, { sender, method, arg }, time);
//   await env.executeQueryEntry(canister, { state, entryPoint, apiType, limit, lastCallbackId });
//   // one execution of a composite query's call graph (src/query), nothing applied
//
// - `canister` is changed in place (get it with `ReplicatedState.canisterMut`)
//   and returned as `outcome.canister`; nothing but the prepaid cycles changes
//   while an execution is paused.
// - Every execution counts its instructions against `round.roundInstructionsLeft`.
// - Cycles are charged only through `CyclesAccountManager` (src/cycles).
// - Answers follow the replica: an ingress that gets no reply fails with IC0506;
//   a canister request that gets none is answered reject 5 "No response"; a
//   trap answers a request with reject <code's first digit> "IC05xx: <text>".
// - install_code with `args.message` pauses between rounds (pausedInstallCode task); without it,
//   all its slices run within `installCode`.
// - Additions since the brief (all optional): `schedulerConfig`, `rootKey`,
//   `debugPrint` options; `hasPausedExecution(canister)`;
//   `uninstallCanister(canister, { kind: 'outOfCycles' } | { kind: 'uninstallCode', origin }, round)`
//   for a canister that cannot pay for its resources (and for uninstall_code).
// - `executeQueryEntry` and `maxInstructionsPerQuery` (issue #4, composite
//   queries): src/query/query-context.ts runs the call graph with them.
export { ExecutionEnvironment } from './execution-environment.ts';
export type {
  CanisterInput, ChunkedWasm, CompilationInfo, ExecuteMessageOutcome, ExecutionEnvironmentOptions, FinishedInstallCodeResult,
  InstallCodeArgs, InstallCodeMode, InstallCodeResult,
  QueryArgs, QueryResult, RoundContext, SystemTaskKind,
} from './types.ts';
export { ENHANCED_ORTHOGONAL_PERSISTENCE_SECTION, assembleChunks, usesEnhancedOrthogonalPersistence } from './install-code.ts';
export { RESERVED_CLEANUP_INSTRUCTIONS_PERCENT } from './response.ts';
export type { UninstallReason } from './uninstall.ts';
// The canister manager's errors install_code shares with the chunk store (src/management).
export {
  insufficientCyclesInMemoryGrow as insufficientCyclesInMemoryGrowError, subnetMemoryOversubscribed as subnetMemoryOversubscribedError,
  wasmChunkStoreError, displayBytes,
} from './install-code-errors.ts';
