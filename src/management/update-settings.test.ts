import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Principal } from '@dfinity/principal';
import { ErrorCode } from '../errors/index.ts';
import { toPrincipal } from './candid.ts';
import { UpdateSettingsArgs } from './update-settings.ts';
import { DOCS, STRANGER, USER, addCanister, arg, canisterCall, ctxOf, id, ingressCall, newState, rejectOf, run } from './test-support.ts';

const NONE_SETTINGS = {
  controllers: [], compute_allocation: [], memory_allocation: [], freezing_threshold: [], reserved_cycles_limit: [],
  minimum_incoming_canister_call_cycles: [], log_visibility: [], log_memory_limit: [], snapshot_visibility: [], status_visibility: [],
  wasm_memory_limit: [], wasm_memory_threshold: [], environment_variables: [],
};
const update = (n: number, settings: Record<string, unknown>, version?: bigint): Uint8Array => arg(UpdateSettingsArgs, {
  canister_id: toPrincipal(id(n)), settings: { ...NONE_SETTINGS, ...settings }, sender_canister_version: version === undefined ? [] : [version],
});
const P = (n: number): Principal => Principal.fromUint8Array(Uint8Array.of(1, n));

describe('update_settings', () => {
  it('applies what is given, leaves the rest, bumps the version; no history entry without controllers', async () => {
    const s = newState();
    const c = addCanister(s, 1);
    c.systemState.freezeThreshold = 11n;
    c.systemState.environmentVariables.set('KEEP', '1');
    const o = await run(ingressCall('update_settings', update(1, { compute_allocation: [3n], log_visibility: [{ public: null }], minimum_incoming_canister_call_cycles: [9n] })), ctxOf(s));
    assert.equal(o.kind, 'reply');
    const sys = s.canister(id(1))?.systemState;
    assert.deepEqual([sys?.computeAllocation, sys?.logVisibility, sys?.minimumIncomingCanisterCallCycles, sys?.freezeThreshold, sys?.environmentVariables.get('KEEP')],
      [3n, { kind: 'public' }, 9n, 11n, '1']);
    assert.equal(sys?.canisterVersion, 1n);
    assert.equal(sys?.canisterHistory.totalNumChanges, 0n);
  });

  it('a controller change is recorded (from the user, or the canister with its version)', async () => {
    const s = newState();
    addCanister(s, 1, { controllers: [USER, id(2)] });
    const ctx = ctxOf(s);
    assert.equal((await run(ingressCall('update_settings', update(1, { controllers: [[P(5), toPrincipal(id(2))]] })), ctx)).kind, 'reply');
    assert.equal((await run(canisterCall('update_settings', update(1, { controllers: [[toPrincipal(id(2))]] }, 4n), id(2)), ctx)).kind, 'reply');
    const sys = s.canister(id(1))?.systemState;
    assert.deepEqual(sys?.canisterHistory.changes.map((h) => [h.origin.kind, h.canisterVersion, h.details.kind === 'controllersChange' ? h.details.controllers.length : -1]),
      [['fromUser', 1n, 2], ['fromCanister', 2n, 1]]);
    assert.deepEqual(sys?.canisterHistory.changes[1].origin, { kind: 'fromCanister', canisterId: id(2), canisterVersion: 4n });
    assert.deepEqual(sys?.controllers.map((p) => p.toText()), [id(2).toText()]);
  });

  it('controllers only (IC0512); a missing canister is IC0301; malformed Candid is IC0408', async () => {
    const s = newState();
    addCanister(s, 1);
    const ctx = ctxOf(s);
    const [code, ic, text] = rejectOf(await run(ingressCall('update_settings', update(1, { freezing_threshold: [1n] }), STRANGER), ctx));
    assert.deepEqual([code, ic], [5, ErrorCode.CanisterInvalidController]);
    assert.equal(text, `Only the controllers of the canister ${id(1).toText()} can control it.\nCanister's controllers: ${USER.toText()}\nSender's ID: ${STRANGER.toText()}\n`
      + `Execute this call from a controller of the target canister or add the current caller as a controller. See documentation: ${DOCS}invalid-controller`);
    assert.deepEqual(rejectOf(await run(ingressCall('update_settings', update(9, {})), ctx)), [3, ErrorCode.CanisterNotFound, `Canister ${id(9).toText()} not found.`]);
    const bad = rejectOf(await run(canisterCall('update_settings', Uint8Array.of(0x44, 0x49, 0x44, 0x4c, 0, 0), id(1)), ctx));
    assert.deepEqual(bad.slice(0, 2), [4, ErrorCode.InvalidManagementPayload]);
    assert.match(bad[2], /^Error decoding candid: /);
    assert.equal(s.canister(id(1))?.systemState.canisterVersion, 0n, 'nothing changed');
  });

  it('limits: controllers > 10 and allowed viewers > 10 (IC0408), compute > 100 (IC0504), env vars > 20 (IC0408) — nothing changes', async () => {
    const s = newState();
    addCanister(s, 1);
    const ctx = ctxOf(s);
    const reject = async (settings: Record<string, unknown>) => rejectOf(await run(ingressCall('update_settings', update(1, settings)), ctx));
    const tooMany = 'Error decoding candid: Deserialize error: The number of elements exceeds maximum allowed 10';
    assert.deepEqual(await reject({ controllers: [[...Array(11).keys()].map(P)] }), [4, ErrorCode.InvalidManagementPayload, tooMany]);
    assert.deepEqual(await reject({ snapshot_visibility: [{ allowed_viewers: [...Array(11).keys()].map(P) }] }), [4, ErrorCode.InvalidManagementPayload, tooMany]);
    assert.deepEqual(await reject({ compute_allocation: [101n] }), [5, ErrorCode.CanisterContractViolation, 'ComputeAllocation expected to be in the range [0..100], got 101']);
    const vars = [...Array(21).keys()].map((i) => ({ name: `V${i}`, value: '' }));
    assert.deepEqual(await reject({ environment_variables: [vars] }), [4, ErrorCode.InvalidManagementPayload, 'Too many environment variables: 21 (max: 20)']);
    assert.deepEqual(await reject({ wasm_memory_limit: [(1n << 48n) + 1n] }), [5, ErrorCode.CanisterContractViolation,
      'Wasm memory limit expected to be in the range of [0..2^64-1], got 281_474_976_710_657']);
    assert.equal(s.canister(id(1))?.systemState.canisterVersion, 0n);
  });

  it('the reserved cycles limit below the reserved balance: IC0540', async () => {
    const s = newState();
    addCanister(s, 1).systemState.reserveCycles(1_000n);
    const [code, ic, text] = rejectOf(await run(ingressCall('update_settings', update(1, { reserved_cycles_limit: [10n] })), ctxOf(s)));
    assert.deepEqual([code, ic], [5, ErrorCode.ReservedCyclesLimitIsTooLow]);
    assert.equal(text.split('\n')[0], 'Cannot set the reserved cycles limit 10 below the reserved cycles balance of the canister 1_000.');
  });
});
