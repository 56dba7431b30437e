// install_code's execution: install, reinstall and upgrade with WAT and
// Motoko canisters; atomicity (a trap anywhere leaves the canister as it
// was); the EOP `wasm_memory_persistence` rules and their wording.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode, docRef } from '../errors/index.ts';
import { watToWasm } from '../../test/corpus/wat.ts';
import { compileMotoko } from '../../test/corpus/motoko.ts';
import { candidNat, candidUnit } from '../../test/corpus/candid.ts';
import type { InstallCodeMode } from './index.ts';
import type { CanisterState } from '../state/index.ts';
import { USER, ingressTo, newCanister, newEnv, newRound, runIngress, statusOf, testCanister, testWasm, u64 } from './test-support.ts';
import type { ExecutionEnvironment } from './index.ts';
import { UPGRADE_COUNTER_MO as COUNTER } from '../../test/corpus/motoko-sources.ts';


const TRAPS_IN = (hook: string): string => `(module (memory 1) (func (export "${hook}") unreachable)
  (func (export "canister_query get")))`;

function installArgs(mode: InstallCodeMode, wasmModule: Uint8Array, arg: Uint8Array = new Uint8Array(0)) {
  return { mode, wasmModule, arg, sender: USER };
}

async function query(env: ExecutionEnvironment, c: CanisterState, method: string, arg: Uint8Array = new Uint8Array(0)): Promise<Uint8Array> {
  const r = await env.executeQuery(c, { sender: USER, method, arg }, newRound().time);
  if (!('reply' in r)) assert.fail(JSON.stringify(r));
  return r.reply;
}

async function inc(env: ExecutionEnvironment, c: CanisterState, arg: Uint8Array = new Uint8Array(0)): Promise<void> {
  const round = newRound();
  const msg = ingressTo(c, 'inc', arg);
  await runIngress(env, c, msg, round);
  assert.equal(statusOf(round, msg)?.kind, 'completed');
}

describe('install and reinstall', () => {
  test('install runs canister_init with the argument, bumps the version once, records the change; charged 5M + instructions', async () => {
    const env = newEnv();
    const c = newCanister(1n);
    const before = c.systemState.balance;
    const r = await env.installCode(c, installArgs('install', await testWasm(), Uint8Array.of(42)), newRound());
    assert.ok(r.ok);
    assert.equal(c.systemState.canisterVersion, 1n);
    assert.equal((await query(env, c, 'tasks'))[16], 42);
    assert.equal(c.systemState.canisterHistory.changes.at(-1)?.details.kind, 'codeDeployment');
    // prepaid 5,000,000 + 300,000,000,000 (the install limit); refunded 300,000,000,000 − used (compilation included)
    assert.equal(before - c.systemState.balance, 5_000_000n + r.instructionsUsed);
    assert.ok(r.instructionsUsed >= c.executionState!.compiled.output.compilationCost);
  });

  test('install on a non-empty canister fails with IC0514; the canister is unchanged but for 5M', async () => {
    const env = newEnv();
    const c = await testCanister(env);
    const before = c.systemState.balance;
    const state = c.executionState;
    const r = await env.installCode(c, installArgs('install', await testWasm()), newRound());
    assert.ok(!r.ok);
    assert.deepEqual(r.error, {
      code: ErrorCode.CanisterNonEmpty,
      description: `Canister ${c.canisterId.toText()} cannot be installed because the canister is not empty. Try installing with mode='reinstall' instead.\n`
        + `Check that you want to overwrite the canister and, if so, use mode='reinstall'. See documentation: ${docRef('canister-not-empty')}`,
    });
    assert.equal(c.executionState, state);
    assert.equal(before - c.systemState.balance, 5_000_000n);
  });

  test('reinstall starts from fresh memory', async () => {
    const env = newEnv();
    const c = await testCanister(env);
    await inc(env, c);
    assert.equal(u64(await query(env, c, 'get')), 1n);
    const r = await env.installCode(c, installArgs('reinstall', await testWasm()), newRound());
    assert.ok(r.ok);
    assert.equal(u64(await query(env, c, 'get')), 0n);
    assert.equal(c.systemState.canisterVersion, 3n);
  });

  test('a trap in canister_init leaves an empty canister empty and a reinstalled one as it was', async () => {
    const env = newEnv();
    const trapping = await watToWasm(TRAPS_IN('canister_init'));
    const empty = newCanister(2n);
    const r1 = await env.installCode(empty, installArgs('install', trapping), newRound());
    assert.ok(!r1.ok && r1.error.code === ErrorCode.CanisterTrapped);
    assert.equal(empty.executionState, undefined);
    assert.equal(empty.systemState.canisterVersion, 0n);
    const c = await testCanister(env);
    await inc(env, c);
    const version = c.systemState.canisterVersion;
    const r2 = await env.installCode(c, installArgs('reinstall', trapping), newRound());
    assert.ok(!r2.ok);
    assert.equal(u64(await query(env, c, 'get')), 1n);
    assert.equal(c.systemState.canisterVersion, version);
  });

  test('an invalid module fails with IC0505; a canister without cycles for 300B instructions with IC0207', async () => {
    const env = newEnv();
    const c = newCanister(3n);
    const r = await env.installCode(c, installArgs('install', Uint8Array.of(1, 2, 3)), newRound());
    assert.ok(!r.ok && r.error.code === ErrorCode.CanisterInvalidWasm);
    const poor = newCanister(4n, 1_000_000_000n);
    const r2 = await env.installCode(poor, installArgs('install', await testWasm()), newRound());
    assert.ok(!r2.ok);
    assert.equal(r2.error.code, ErrorCode.CanisterOutOfCycles);
    assert.equal(r2.error.description, `Canister installation failed with \`Canister ${poor.canisterId.toText()} is out of cycles: `
      + 'please top up the canister with at least 299_005_000_000 additional cycles`.\n'
      + `Top up the canister with more cycles. See documentation: ${docRef('install-code-not-enough-cycles')}`);
    assert.equal(poor.systemState.balance, 1_000_000_000n);
  });
});

describe('upgrade', () => {
  test('a WAT canister loses its heap (no EOP, no keep); an empty canister cannot be upgraded (IC0537)', async () => {
    const env = newEnv();
    const c = await testCanister(env);
    await inc(env, c);
    const r = await env.installCode(c, installArgs({ upgrade: {} }, await testWasm()), newRound());
    assert.ok(r.ok);
    assert.equal(u64(await query(env, c, 'get')), 0n);
    const empty = newCanister(5n);
    const r2 = await env.installCode(empty, installArgs({ upgrade: {} }, await testWasm()), newRound());
    assert.ok(!r2.ok && r2.error.code === ErrorCode.CanisterWasmModuleNotFound);
  });

  test('a trap in pre_upgrade or post_upgrade leaves the old code and state; skip_pre_upgrade skips the trap', async () => {
    const env = newEnv();
    const c = newCanister(6n);
    const r0 = await env.installCode(c, installArgs('install', await watToWasm(TRAPS_IN('canister_pre_upgrade'))), newRound());
    assert.ok(r0.ok);
    const old = c.executionState;
    const r1 = await env.installCode(c, installArgs({ upgrade: {} }, await testWasm()), newRound());
    assert.ok(!r1.ok && r1.error.code === ErrorCode.CanisterTrapped);
    assert.equal(c.executionState, old);
    const r2 = await env.installCode(c, installArgs({ upgrade: { skipPreUpgrade: true } }, await watToWasm(TRAPS_IN('canister_post_upgrade'))), newRound());
    assert.ok(!r2.ok);
    assert.equal(c.executionState, old);
    const r3 = await env.installCode(c, installArgs({ upgrade: { skipPreUpgrade: true } }, await testWasm()), newRound());
    assert.ok(r3.ok);
    assert.notEqual(c.executionState, old);
  });

  test('a Motoko counter keeps its state with wasm_memory_persistence = keep, and only with it', async () => {
    // Test steps:
    // 1. install the EOP counter, increment it three times;
    // 2. upgrade without the option: rejected with the replica's text, the count intact;
    // 3. upgrade with `keep`: the count survives, post_upgrade ran, pre_upgrade logged;
    // 4. reinstall: the count starts again from 0.
    const env = newEnv();
    const wasm = await compileMotoko(COUNTER);
    const c = newCanister(7n);
    const r0 = await env.installCode(c, installArgs('install', wasm, candidUnit), newRound());
    assert.ok(r0.ok, r0.ok ? '' : r0.error.description);
    for (let i = 0; i < 3; i++) await inc(env, c, candidUnit);
    const r1 = await env.installCode(c, installArgs({ upgrade: {} }, wasm, candidUnit), newRound());
    assert.ok(!r1.ok);
    assert.deepEqual(r1.error, {
      code: ErrorCode.CanisterContractViolation,
      description: 'Missing upgrade option: Enhanced orthogonal persistence requires the `wasm_memory_persistence` upgrade option.',
    });
    assert.deepEqual(await query(env, c, 'get', candidUnit), candidNat(3));
    const r2 = await env.installCode(c, installArgs({ upgrade: { wasmMemoryPersistence: 'keep' } }, wasm, candidUnit), newRound());
    assert.ok(r2.ok, r2.ok ? '' : r2.error.description);
    assert.deepEqual(await query(env, c, 'get', candidUnit), candidNat(3));
    assert.deepEqual(await query(env, c, 'getUpgrades', candidUnit), candidNat(1));
    const log = c.systemState.canisterLog.records.map((r) => new TextDecoder().decode(r.content));
    assert.ok(log.includes('pre 3'), log.join(' | '));
    const r3 = await env.installCode(c, installArgs('reinstall', wasm, candidUnit), newRound());
    assert.ok(r3.ok);
    assert.deepEqual(await query(env, c, 'get', candidUnit), candidNat(0));
  });

  test('keep requires the new module to use enhanced orthogonal persistence', async () => {
    const env = newEnv();
    const c = newCanister(8n);
    assert.ok((await env.installCode(c, installArgs('install', await compileMotoko(COUNTER), candidUnit), newRound())).ok);
    const r = await env.installCode(c, installArgs({ upgrade: { wasmMemoryPersistence: 'keep' } }, await testWasm()), newRound());
    assert.ok(!r.ok);
    assert.deepEqual(r.error, {
      code: ErrorCode.CanisterContractViolation,
      description: 'Invalid upgrade option: The `wasm_memory_persistence: opt Keep` upgrade option requires that the new canister module '
        + 'supports enhanced orthogonal persistence.',
    });
  });
});
