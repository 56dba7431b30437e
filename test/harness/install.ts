// Install and upgrade in the execution test harness, as install_code runs
// them: start + `canister_init`, or `canister_pre_upgrade` + a new state +
// start + `canister_post_upgrade`, all within one install instruction limit
// (the steps share it; the limit named in errors is the whole one).
import type { EntryPoint } from '../../src/hypervisor/index.ts';
import type { ApiType } from '../../src/system-api/index.ts';
import type { CanisterId } from '../../src/types/index.ts';
import { UserErrorException, toUserError } from '../../src/errors/index.ts';
import { USER, applyResult } from './test-canister.ts';
import type { TestCanister } from './test-canister.ts';
import type { ExecutionTest } from './execution-test.ts';

/** Options of an upgrade (install_code mode `upgrade`). */
export interface UpgradeOptions {
  /** `canister_post_upgrade`'s argument (default: empty Candid arguments). */
  readonly arg?: Uint8Array;
  /** `keep` keeps the Wasm heap (required for Motoko's enhanced orthogonal persistence); `replace` drops it. */
  readonly wasmMemoryPersistence?: 'keep' | 'replace';
  readonly skipPreUpgrade?: boolean;
}

/** Empty Candid arguments, `DIDL\0\0`. */
export const DIDL_EMPTY = Uint8Array.from([0x44, 0x49, 0x44, 0x4c, 0, 0]);
const EOP_SECTION = 'icp:private enhanced-orthogonal-persistence';

/** Installs `wasm` as canister `id`. @throws {UserErrorException} if compiling, start or init fails. */
export async function installCanister(
  test: ExecutionTest, id: CanisterId, wasm: Uint8Array, opts: { balance: bigint; wasmMemoryLimit: bigint; initArg?: Uint8Array },
): Promise<TestCanister> {
  const compiled = test.hypervisor.compile(wasm, id);
  if (!compiled.ok) throw new UserErrorException(compiled.error);
  const canister: TestCanister = {
    id, execution: test.hypervisor.createExecutionState(id, compiled.compiled), balance: opts.balance,
    certifiedData: new Uint8Array(0), globalTimer: 0n, version: 0n, log: [], lastCallbackId: 0n,
    callContexts: new Map(), wasmMemoryLimit: opts.wasmMemoryLimit,
  };
  const used = await installStep(test, canister, { kind: 'start' }, { kind: 'start', time: test.time }, 0n);
  await installStep(test, canister, { kind: 'init' }, { kind: 'init', time: test.time, caller: USER, arg: opts.initArg ?? DIDL_EMPTY }, used);
  canister.version += 1n;
  return canister;
}

/** Upgrades `c` to `wasm` (see `ExecutionTest.upgrade`). */
export async function upgradeCanister(test: ExecutionTest, c: TestCanister, wasm: Uint8Array, opts: UpgradeOptions): Promise<void> {
  const before = { ...c, log: [...c.log] };
  if (WebAssembly.Module.customSections(c.execution.compiled.module, EOP_SECTION).length > 0 && opts.wasmMemoryPersistence === undefined) {
    throw new Error('Missing upgrade option: Enhanced orthogonal persistence requires the `wasm_memory_persistence` upgrade option.');
  }
  const compiled = test.hypervisor.compile(wasm, c.id);
  if (!compiled.ok) throw new UserErrorException(compiled.error);
  try {
    let used = 0n;
    if (opts.skipPreUpgrade !== true) used = await installStep(test, c, { kind: 'preUpgrade' }, { kind: 'preUpgrade', time: test.time, caller: USER }, used);
    const old = c.execution;
    c.execution = test.hypervisor.createExecutionState(c.id, compiled.compiled, {
      stable: old.stable, ...(opts.wasmMemoryPersistence === 'keep' ? { heap: { heap: old.heap, heapSizePages: old.heapSizePages } } : {}),
    });
    used = await installStep(test, c, { kind: 'start' }, { kind: 'start', time: test.time }, used);
    await installStep(test, c, { kind: 'postUpgrade' }, { kind: 'init', time: test.time, caller: USER, arg: opts.arg ?? DIDL_EMPTY }, used);
    c.globalTimer = 0n;
    c.version += 1n;
  } catch (e) {
    Object.assign(c, before);
    throw e;
  }
}

/** Runs an install step to completion and applies it; returns the instructions used so far. */
async function installStep(test: ExecutionTest, c: TestCanister, entryPoint: EntryPoint, apiType: ApiType, used: bigint): Promise<bigint> {
  const limits = test.installLimits;
  const result = await test.runToCompletion(c, entryPoint, apiType, { message: limits.message - used, slice: limits.slice, reported: limits.message });
  applyResult(c, undefined, result);
  if (result.error !== undefined) throw new UserErrorException(toUserError(result.error, c.id));
  return used + result.instructionsExecuted;
}
