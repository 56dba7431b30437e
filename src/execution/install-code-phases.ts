/**
 * The phases of install_code in each mode (`install.rs`, `upgrade.rs`), as
 * data the driver (install-code.ts) walks one by one. A `sync` phase changes
 * the working copy through steps and may fail; a `wasm` phase runs an entry
 * point (skipped if the module does not export it) and may pause.
 *
 *   install / reinstall                    upgrade
 *   validate: IC0514, IC0209               validate: IC0209; empty canister → IC0537
 *                                          canister_pre_upgrade (old code) unless skipped
 *   charge the chunk assembly; its error   charge the chunk assembly; its error
 *   compile: round, then message; IC0505   compile: round; EOP option rules; message; IC0505
 *   new state (fresh memories)             new state: stable memory kept, heap kept with `keep`
 *   deploy: certified data and log         deploy: timer off, version, history
 *     cleared, timer off, version, history
 *   (start), canister_init(arg)            (start), canister_post_upgrade(arg)
 *
 * Compilation: the message (and so the cycles) pays the full cost always;
 * the round pays 1/100 of it for a module compiled since the last
 * checkpoint (`expected_compiled_wasms`, replicated — whether this
 * process's compile cache had the module is reported, never charged). A
 * module that does not compile costs `COST_TO_COMPILE_WASM_INSTRUCTION` per
 * byte of the module.
 */
import { COST_TO_COMPILE_WASM_INSTRUCTION, DESERIALIZATION_SPEED_UP_FACTOR } from '../config/index.ts';
import type { HypervisorError, UserError } from '../errors/index.ts';
import type { EntryPoint } from '../hypervisor/index.ts';
import type { CanisterState } from '../state/index.ts';
import { CHUNK_SIZE } from '../state/index.ts';
import type { ApiType } from '../system-api/index.ts';
import type { CompiledModule } from '../wasm/index.ts';
import { chargeRound } from './common.ts';
import type { Env } from './common.ts';
import { canisterNonEmpty, installCodeRateLimited, invalidUpgradeOption, missingUpgradeOption } from './install-code-errors.ts';
import { addStep, reduceLeft } from './install-code-job.ts';
import type { InstallJob } from './install-code-job.ts';
import type { RoundContext } from './types.ts';

/** The custom section that marks a module using enhanced orthogonal persistence. */
export const ENHANCED_ORTHOGONAL_PERSISTENCE_SECTION = 'icp:private enhanced-orthogonal-persistence';

/** Whether a module uses enhanced orthogonal persistence (Motoko's default): it has the EOP custom section. */
export function usesEnhancedOrthogonalPersistence(compiled: CompiledModule): boolean {
  return WebAssembly.Module.customSections(compiled.module, ENHANCED_ORTHOGONAL_PERSISTENCE_SECTION).length > 0;
}

/** What a sync phase sees besides the job and the working copy. */
export interface PhaseContext {
  readonly env: Env;
  readonly round: RoundContext;
}

export type PhaseFailure = UserError | HypervisorError;

export type Phase =
  | { readonly kind: 'sync'; readonly run: (job: InstallJob, helper: CanisterState, ctx: PhaseContext) => PhaseFailure | undefined }
  | { readonly kind: 'wasm'; readonly entryPoint: EntryPoint; readonly apiType: (job: InstallJob) => ApiType };

/** The result of compiling the new module, with its cost charged to the round. */
type Compiled = { readonly ok: true; readonly compiled: CompiledModule; readonly cost: bigint } | { readonly ok: false; readonly error: UserError; readonly cost: bigint };

function compileForRound(job: InstallJob, helper: CanisterState, ctx: PhaseContext): Compiled {
  const bytes = job.module as Uint8Array;
  const r = job.firstCompile ?? ctx.env.hypervisor.compile(bytes, helper.canisterId);
  const cost = r.ok ? r.compiled.output.compilationCost : COST_TO_COMPILE_WASM_INSTRUCTION * BigInt(bytes.length);
  const roundCost = r.ok && job.args.compiledSinceCheckpoint === true ? cost / DESERIALIZATION_SPEED_UP_FACTOR : cost;
  chargeRound(ctx.round, roundCost);
  job.compilation = { instructions: cost, roundInstructions: roundCost, cacheHit: r.cacheHit };
  return r.ok ? { ok: true, compiled: r.compiled, cost } : { ok: false, error: r.error, cost };
}

/** IC0209 while the canister's install-code debit is not paid off (`rate_limiting_of_instructions`). */
const rateLimit = (helper: CanisterState, ctx: PhaseContext): PhaseFailure | undefined =>
  ctx.env.rateLimitInstallCode !== false && helper.schedulerState.installCodeDebit > 0n ? installCodeRateLimited(helper.canisterId) : undefined;

/** Charges one instruction per byte of the chunks (each counted as 1 MiB) and reports an assembly error. */
const assemble: Phase = {
  kind: 'sync',
  run: (job, _helper, ctx) => {
    const src = job.args.wasmModule;
    if (!(src instanceof Uint8Array)) {
      const n = CHUNK_SIZE * BigInt(src.hashes.length);
      reduceLeft(job, n);
      chargeRound(ctx.round, n);
    }
    return job.module instanceof Uint8Array ? undefined : job.module.error;
  },
};

const deploy = (mode: 'install' | 'reinstall' | 'upgrade'): Phase => ({
  kind: 'sync',
  run: (job, helper) => {
    const hash = (job.compiled as CompiledModule).hash;
    addStep(job, helper, { kind: 'deploy', mode, moduleHash: Uint8Array.from(Buffer.from(hash, 'hex')), origin: job.origin, time: job.time });
    return undefined;
  },
});

const start: Phase = { kind: 'wasm', entryPoint: { kind: 'start' }, apiType: (job) => ({ kind: 'start', time: job.time }) };

const preUpgrade: Phase = {
  kind: 'wasm', entryPoint: { kind: 'preUpgrade' }, apiType: (job) => ({ kind: 'preUpgrade', time: job.time, caller: job.args.sender }),
};

/** install and reinstall. */
export function installPhases(mode: 'install' | 'reinstall'): Phase[] {
  return [
    {
      kind: 'sync',
      run: (_job, helper, ctx) => (mode === 'install' && helper.executionState !== undefined ? canisterNonEmpty(helper.canisterId) : rateLimit(helper, ctx)),
    },
    assemble,
    {
      kind: 'sync',
      run: (job, helper, ctx) => {
        const c = compileForRound(job, helper, ctx);
        reduceLeft(job, c.cost);
        if (!c.ok) return c.error;
        job.compiled = c.compiled;
        addStep(job, helper, { kind: 'replaceExecutionState', state: ctx.env.hypervisor.createExecutionState(helper.canisterId, c.compiled) });
        return undefined;
      },
    },
    deploy(mode),
    start,
    { kind: 'wasm', entryPoint: { kind: 'init' }, apiType: (job) => ({ kind: 'init', time: job.time, caller: job.args.sender, arg: job.args.arg }) },
  ];
}

/** upgrade, with its options. */
export function upgradePhases(options: { readonly skipPreUpgrade?: boolean; readonly wasmMemoryPersistence?: 'keep' | 'replace' }): Phase[] {
  const persistence = options.wasmMemoryPersistence;
  return [
    { kind: 'sync', run: (_job, helper, ctx) => rateLimit(helper, ctx) ?? (helper.executionState === undefined ? { kind: 'WasmModuleNotFound' } : undefined) },
    ...(options.skipPreUpgrade === true ? [] : [preUpgrade]),
    assemble,
    {
      kind: 'sync',
      run: (job, helper, ctx) => {
        const c = compileForRound(job, helper, ctx);
        const old = helper.executionState;
        if (old === undefined) return { kind: 'WasmModuleNotFound' };
        if (persistence === undefined && usesEnhancedOrthogonalPersistence(old.compiled)) {
          return missingUpgradeOption('Enhanced orthogonal persistence requires the `wasm_memory_persistence` upgrade option.');
        }
        if (persistence === 'keep' && c.ok && !usesEnhancedOrthogonalPersistence(c.compiled)) {
          return invalidUpgradeOption('The `wasm_memory_persistence: opt Keep` upgrade option requires that the new canister module '
            + 'supports enhanced orthogonal persistence.');
        }
        reduceLeft(job, c.cost);
        if (!c.ok) return c.error;
        job.compiled = c.compiled;
        addStep(job, helper, {
          kind: 'replaceExecutionState',
          state: ctx.env.hypervisor.createExecutionState(helper.canisterId, c.compiled, {
            stable: old.stable, ...(persistence === 'keep' ? { heap: { heap: old.heap, heapSizePages: old.heapSizePages } } : {}),
          }),
        });
        return undefined;
      },
    },
    deploy('upgrade'),
    start,
    { kind: 'wasm', entryPoint: { kind: 'postUpgrade' }, apiType: (job) => ({ kind: 'init', time: job.time, caller: job.args.sender, arg: job.args.arg }) },
  ];
}
