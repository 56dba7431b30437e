import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CanisterId, PrincipalId, SubnetId, cycles, time } from '../types/index.ts';
import type { ApiType, SystemStateInit } from '../system-api/index.ts';
import { RESULT_SKIP, rehydrateIds } from './sandbox-protocol.ts';

describe('sandbox protocol', () => {
  it('ids lose their class in a structured clone and get it back, everywhere in a request', () => {
    const caller = PrincipalId.fromUint8Array(Uint8Array.of(1, 2, 3));
    const canisterId = CanisterId.fromU64(9n);
    const subnetId = SubnetId.fromUint8Array(Uint8Array.of(7));
    const apiType: ApiType = { kind: 'update', time: time(5n), caller, arg: Uint8Array.of(1), incomingCycles: cycles(3n), callContextId: 1n };
    const systemState: SystemStateInit = {
      canisterId, subnetId, balance: 10n, controllers: [caller, canisterId], environmentVariables: new Map([['k', 'v']]),
    };
    const cloned = structuredClone({ apiType, systemState });
    assert.ok(!(cloned.systemState.canisterId instanceof CanisterId), 'structured clone drops the class');
    const back = rehydrateIds(cloned);
    assert.ok(back.systemState.canisterId instanceof CanisterId);
    assert.ok(back.systemState.canisterId.equals(canisterId));
    assert.deepEqual(back.systemState.canisterId.toUint8Array(), canisterId.toUint8Array());
    assert.ok(back.systemState.subnetId instanceof SubnetId);
    assert.ok(back.apiType.kind === 'update' && back.apiType.caller instanceof PrincipalId && back.apiType.caller.equals(caller));
    assert.ok(back.systemState.controllers?.[1] instanceof CanisterId);
    assert.equal(back.systemState.environmentVariables?.get('k'), 'v');
    assert.deepEqual(back.apiType.kind === 'update' && back.apiType.arg, Uint8Array.of(1));
  });

  it('rehydrates ids in results (receivers, nested errors) and skips page deltas', () => {
    const receiver = CanisterId.fromU64(4n);
    const result = structuredClone({
      requests: [{ receiver, payload: Uint8Array.of(1) }],
      error: { kind: 'Cleanup', callbackErr: { kind: 'InsufficientCyclesBalance', canisterId: receiver }, cleanupErr: { kind: 'MessageRejected' } },
      heapDelta: [{ index: 0, bytes: new Uint8Array(8) }],
    });
    const back = rehydrateIds(result, RESULT_SKIP);
    assert.ok(back.requests[0].receiver instanceof CanisterId);
    assert.ok(back.error.callbackErr.canisterId instanceof CanisterId);
    assert.equal(back.heapDelta[0].index, 0);
  });
});
