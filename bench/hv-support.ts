// What the hypervisor benchmarks share: installing a canister straight
// through `Hypervisor.execute` (start, then init) and running one message
// on a canister's committed state, committing the result.
import type { Hypervisor } from '../src/hypervisor/index.ts';
import type { ExecutionLimits, ExecutionResult } from '../src/hypervisor/index.ts';
import type { ExecutionState } from '../src/state/index.ts';
import { CanisterId, PrincipalId, SubnetId, cycles, time } from '../src/types/index.ts';
import type { ApiType, SystemStateInit } from '../src/system-api/index.ts';
import { candidUnit } from '../test/corpus/candid.ts';

export const CALLER = PrincipalId.fromUint8Array(Uint8Array.of(4));
const SUBNET = SubnetId.fromUint8Array(Uint8Array.of(1));
/** Instructions of one benchmark message: large enough never to be the limit. */
export const BIG: ExecutionLimits = { message: 10n ** 11n };

/** What an execution of canister `canisterId` sees of its system state. */
export function systemStateOf(canisterId: CanisterId): SystemStateInit {
  return { canisterId, balance: 10n ** 18n, subnetId: SUBNET };
}

/** An update context (or a non-replicated query one) with `arg`. */
export function apiTypeOf(kind: 'update' | 'query', arg: Uint8Array): ApiType {
  return kind === 'update'
    ? { kind: 'update', time: time(1n), caller: CALLER, arg, incomingCycles: cycles(0n), callContextId: 1n }
    : { kind: 'nonReplicatedQuery', time: time(1n), caller: CALLER, arg };
}

/** A canister in a benchmark: its id and committed state. */
export interface BenchCanister {
  readonly id: CanisterId;
  state: ExecutionState;
}

/** Compiles and installs `wasm` as canister `index` (start and init run). @throws {Error} if anything fails. */
export async function install(hv: Hypervisor, wasm: Uint8Array, index: bigint, initArg: Uint8Array = candidUnit): Promise<BenchCanister> {
  const id = CanisterId.fromU64(index);
  const c = hv.compile(wasm, id);
  if (!c.ok) throw new Error(c.error.description);
  const canister = { id, state: hv.createExecutionState(id, c.compiled) };
  await run(hv, canister, { kind: 'start' }, { kind: 'start' });
  await run(hv, canister, { kind: 'init' }, { kind: 'init', time: time(1n), caller: CALLER, arg: initArg });
  return canister;
}

/** Runs a message to its end (all slices) and commits its state. @throws {Error} if it fails. */
export async function run(
  hv: Hypervisor, c: BenchCanister, entryPoint: Parameters<Hypervisor['execute']>[0]['entryPoint'], apiType: ApiType, limits = BIG,
): Promise<ExecutionResult> {
  let out = await hv.execute({ canisterId: c.id, state: c.state, entryPoint, apiType, systemState: systemStateOf(c.id), limits });
  while (out.kind === 'paused') out = await out.paused.resume();
  const r = out.result;
  if (r.error !== undefined) throw new Error(`${c.id.toText()}: ${JSON.stringify(r.error, (_k, v) => (typeof v === 'bigint' ? `${v}` : v))}`);
  c.state = r.state;
  return r;
}

/** Runs update `method` with `arg` on `c` and commits it. */
export function update(hv: Hypervisor, c: BenchCanister, method: string, arg: Uint8Array = candidUnit, limits = BIG): Promise<ExecutionResult> {
  return run(hv, c, { kind: 'update', method }, apiTypeOf('update', arg), limits);
}
