// install_code and uninstall_code through the whole replica: users by
// ingress, canisters through a proxy canister (so the management canister's
// own checks answer, with the IC's reject code, error code and text).
//
// Test steps:
// 1. install / IC0514 on a non-empty canister / IC0537 upgrading an empty one;
//    the history records a user's or a calling canister's change (with its
//    sender_canister_version).
// 2. From a canister: not a controller (IC0512), malformed Candid (IC0408),
//    no such canister (IC0301 with help).
// 3. A Motoko canister (enhanced orthogonal persistence): upgrading without
//    `wasm_memory_persistence` is refused with the replica's text; with
//    `keep` its state survives; reinstall resets it.
// 4. uninstall_code: an open call is rejected (IC0406 "Canister has been
//    uninstalled."), code, memory, chunk store, certified data and timer
//    dropped, cycles, controllers and history kept, `code_uninstall`
//    recorded; unauthorized, malformed and missing targets refused.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CanisterId, ErrorCode, Replica } from '../../src/index.ts';
import { compileMotoko } from '../corpus/motoko.ts';
import { candidNat, candidUnit } from '../corpus/candid.ts';
import { UPGRADE_COUNTER_MO } from '../corpus/motoko-sources.ts';
import {
  INSTALL, MALFORMED, NOT_FOUND_HELP, REINSTALL, STRANGER, UPGRADE_KEEP, USER, help, installCodeArg, notControllerText, uninstallArg, uploadArg,
} from './install-support.ts';
import { assertReject, proxyArg, proxyCanister, proxyWasm, viaProxy } from './mgmt-proxy.ts';
import { MGMT, rejectsWith } from './support.ts';

const NONE = candidUnit;

describe('install_code (replica)', () => {
  let ic: Replica;
  let proxy: CanisterId;
  before(async () => {
    ic = await Replica.create();
    proxy = await proxyCanister(ic, { controllers: [USER], sender: USER });
  });
  after(async () => { await ic.close(); });

  it('installs; IC0514 on a non-empty canister; IC0537 upgrading an empty one; the history records the user', async () => {
    const id = await ic.createCanister({ controllers: [USER], sender: USER });
    await ic.updateCall(MGMT, 'install_code', installCodeArg(INSTALL, id, await proxyWasm()), { sender: USER });
    assert.deepEqual(await ic.query(id, 'hello', NONE), new TextEncoder().encode('hi'));
    const change = ic.committedState.canister(id)?.systemState.canisterHistory.changes.at(-1);
    assert.deepEqual(change?.origin, { kind: 'fromUser', userId: USER });
    assert.equal(change?.details.kind, 'codeDeployment');
    await rejectsWith(ic.updateCall(MGMT, 'install_code', installCodeArg(INSTALL, id, await proxyWasm()), { sender: USER }), ErrorCode.CanisterNonEmpty,
      `Canister ${id.toText()} cannot be installed because the canister is not empty. Try installing with mode='reinstall' instead.`
      + help("Check that you want to overwrite the canister and, if so, use mode='reinstall'.", 'canister-not-empty'));
    const empty = await ic.createCanister({ controllers: [USER], sender: USER });
    await rejectsWith(ic.updateCall(MGMT, 'install_code', installCodeArg(UPGRADE_KEEP, empty, await proxyWasm()), { sender: USER }),
      ErrorCode.CanisterWasmModuleNotFound,
      `Error from Canister ${empty.toText()}: Attempted to execute a message, but the canister contains no Wasm module..`
      + help('Please install code to this canister before calling it.', 'wasm-module-not-found'));
  });

  it('from a canister: success records it with its sender_canister_version; IC0512, IC0408, IC0301 otherwise', async () => {
    const target = await ic.createCanister({ controllers: [USER, proxy], sender: USER });
    const ok = await viaProxy(ic, proxy, 'install_code', installCodeArg(INSTALL, target, await proxyWasm(), NONE, 3n));
    assert.deepEqual(ok, { kind: 'reply', bytes: candidUnit, refunded: 0n });
    assert.deepEqual(ic.committedState.canister(target)?.systemState.canisterHistory.changes.at(-1)?.origin,
      { kind: 'fromCanister', canisterId: proxy, canisterVersion: 3n });
    const other = await ic.createCanister({ controllers: [USER], sender: USER });
    assertReject(await viaProxy(ic, proxy, 'install_code', installCodeArg(INSTALL, other, await proxyWasm())), 5,
      notControllerText(ic, other, proxy));
    assertReject(await viaProxy(ic, proxy, 'install_code', MALFORMED), 4, /^Error decoding candid: /);
    const gone = CanisterId.fromU64(0xffff0n);
    assertReject(await viaProxy(ic, proxy, 'install_code', installCodeArg(INSTALL, gone, await proxyWasm())), 3,
      `Canister ${gone.toText()} not found.${NOT_FOUND_HELP}`);
  });

  it('a Motoko canister keeps its state when upgraded with wasm_memory_persistence = keep (and only with it); reinstall resets it', async () => {
    const wasm = await compileMotoko(UPGRADE_COUNTER_MO);
    const id = await ic.createCanister({ controllers: [USER], sender: USER });
    await ic.installCode(id, wasm, candidUnit, 'install', { sender: USER });
    for (let i = 0; i < 3; i++) await ic.updateCall(id, 'inc', candidUnit);
    await rejectsWith(ic.updateCall(MGMT, 'install_code', installCodeArg({ upgrade: [] }, id, wasm, candidUnit), { sender: USER }),
      ErrorCode.CanisterContractViolation, 'Missing upgrade option: Enhanced orthogonal persistence requires the `wasm_memory_persistence` upgrade option.');
    assert.deepEqual(await ic.query(id, 'get', candidUnit), candidNat(3));
    await ic.updateCall(MGMT, 'install_code', installCodeArg(UPGRADE_KEEP, id, wasm, candidUnit), { sender: USER });
    assert.deepEqual(await ic.query(id, 'get', candidUnit), candidNat(3), 'the count survived the upgrade');
    assert.deepEqual(await ic.query(id, 'getUpgrades', candidUnit), candidNat(1), 'post_upgrade ran');
    await ic.updateCall(MGMT, 'install_code', installCodeArg(REINSTALL, id, wasm, candidUnit), { sender: USER });
    assert.deepEqual(await ic.query(id, 'get', candidUnit), candidNat(0), 'reinstall starts afresh');
    assert.deepEqual(await ic.query(id, 'getUpgrades', candidUnit), candidNat(0));
  });
});

describe('uninstall_code (replica)', () => {
  let ic: Replica;
  let proxy: CanisterId;
  before(async () => {
    ic = await Replica.create();
    proxy = await proxyCanister(ic, { controllers: [USER], sender: USER });
  });
  after(async () => { await ic.close(); });

  it('rejects the open call, drops code, memory, chunks, certified data and timer; keeps cycles, controllers, history', async () => {
    const id = await ic.createCanister({ controllers: [USER], sender: USER });
    await ic.installCode(id, await proxyWasm(), NONE, 'install', { sender: USER });
    await ic.updateCall(MGMT, 'upload_chunk', uploadArg(id, Uint8Array.of(1, 2, 3)), { sender: USER });
    // An open call: `id` forwards to raw_rand, answered only in the next round.
    const open = await ic.submitCall(id, 'call', proxyArg('raw_rand', candidUnit), { sender: USER });
    await ic.tick();
    assert.equal(ic.ingressStatus(open)?.state.kind, 'processing');
    const before = ic.committedState.canister(id);
    const version = before?.systemState.canisterVersion ?? 0n;
    const changes = before?.systemState.canisterHistory.totalNumChanges ?? 0n;
    await ic.updateCall(MGMT, 'uninstall_code', uninstallArg(id), { sender: USER });
    const st = ic.ingressStatus(open)?.state;
    assert.deepEqual(st, { kind: 'failed', error: { code: ErrorCode.CanisterRejectedMessage, description: 'Canister has been uninstalled.' } });
    const c = ic.committedState.canister(id);
    assert.equal(c?.executionState, undefined);
    assert.equal(c?.systemState.wasmChunkStore.size, 0);
    assert.equal(c?.systemState.certifiedData.length, 0);
    assert.equal(c?.systemState.globalTimer, 0n);
    assert.equal(c?.systemState.canisterVersion, version + 1n);
    assert.deepEqual(c?.systemState.controllers, before?.systemState.controllers);
    assert.ok((c?.systemState.balance ?? 0n) > 0n);
    assert.equal(c?.systemState.canisterHistory.totalNumChanges, changes + 1n);
    assert.deepEqual(c?.systemState.canisterHistory.changes.at(-1)?.details, { kind: 'codeUninstall' });
    await rejectsWith(ic.query(id, 'hello', NONE), ErrorCode.CanisterWasmModuleNotFound, /contains no Wasm module/);
  });

  it('from a canister: records it; IC0512, IC0408, IC0301 otherwise; by ingress a stranger gets IC0512', async () => {
    const mine = await ic.createCanister({ controllers: [USER, proxy], sender: USER });
    await ic.installCode(mine, await proxyWasm(), NONE, 'install', { sender: USER });
    assert.deepEqual(await viaProxy(ic, proxy, 'uninstall_code', uninstallArg(mine, 9n)), { kind: 'reply', bytes: candidUnit, refunded: 0n });
    assert.deepEqual(ic.committedState.canister(mine)?.systemState.canisterHistory.changes.at(-1)?.origin,
      { kind: 'fromCanister', canisterId: proxy, canisterVersion: 9n });
    const other = await ic.createCanister({ controllers: [USER], sender: USER });
    assertReject(await viaProxy(ic, proxy, 'uninstall_code', uninstallArg(other)), 5, notControllerText(ic, other, proxy));
    assertReject(await viaProxy(ic, proxy, 'uninstall_code', MALFORMED), 4, /^Error decoding candid: /);
    const gone = CanisterId.fromU64(0xffff1n);
    assertReject(await viaProxy(ic, proxy, 'uninstall_code', uninstallArg(gone)), 3, `Canister ${gone.toText()} not found.${NOT_FOUND_HELP}`);
    await rejectsWith(ic.updateCall(MGMT, 'uninstall_code', uninstallArg(other), { sender: STRANGER }), ErrorCode.CanisterInvalidController,
      notControllerText(ic, other, STRANGER));
  });
});
