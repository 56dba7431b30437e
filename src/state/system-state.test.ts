import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RejectCode } from '../errors/index.ts';
import { SubnetId, time } from '../types/index.ts';
import { SandboxSafeSystemState } from '../system-api/index.ts';
import { SystemState } from './system-state.ts';
import { inductMessagesToSelf, popInput, pushInput, pushOutputResponse, timeOutCallbacks } from './system-state-messages.ts';
import { A, B, C, SEC, T0, USER, outgoing, reply, request } from './test-support.ts';

const SUBNET = SubnetId.fromUint8Array(Uint8Array.of(1, 2, 3));
const md = { callTreeDepth: 0n, callTreeStartTime: time(T0) };
const opts = () => ({ subnetMemory: { value: 1n << 40n }, subnetType: 'application' as const, inputQueueType: 'localSubnet' as const });
const newState = (): SystemState => new SystemState({ canisterId: A, controllers: [USER, B, USER], cycles: 1_000_000n });
const ingressOrigin = { kind: 'ingress' as const, userId: USER, messageId: new Uint8Array(32) };

describe('SystemState', () => {
  it('keeps controllers as a byte-ordered set', () => {
    const s = newState();
    assert.deepEqual(s.controllers.map((c) => c.toText()), [B, USER].map((c) => c.toText()).sort((x, y) => (x === B.toText() ? -1 : y === B.toText() ? 1 : 0)));
    assert.equal(s.controllers.length, 2);
  });

  it('gives an execution its view and predicts the next callback id', () => {
    const s = newState();
    s.addPostponedCharge(100n);
    s.certifiedData = Uint8Array.of(9);
    const init = s.toSystemStateInit({ subnetId: SUBNET, memoryUsage: 4096n });
    assert.equal(init.balance, 999_900n, 'the debited balance');
    assert.equal(init.lastCallbackId, 0n);
    assert.deepEqual(init.certifiedData, Uint8Array.of(9));
    assert.equal(init.status, 'running');
    const sandbox = new SandboxSafeSystemState(init);
    assert.equal(sandbox.nextCallbackId(), 1n);
  });

  it('applies an execution: cycles, accepted cycles, callbacks and requests in call order, timer, log, version', () => {
    const s = newState();
    const ctx = s.newCallContext(ingressOrigin, 500n, time(T0), md) as bigint;
    const mods = {
      balanceChange: -200n, cyclesAccepted: 300n, cyclesBurned: 0n, cyclesMinted: 0n, requestFees: 0n,
      requests: [outgoing(B, 1n, ctx, { cycles: 500n }), outgoing(C, 2n, ctx), outgoing(B, 3n, ctx)],
      newGlobalTimer: T0 + SEC, canisterLog: [{ idx: 0n, timestampNanos: T0, content: Uint8Array.of(1) }],
    };
    const applied = s.applyModifications(mods, { time: time(T0), callContextId: ctx, bumpCanisterVersion: true });
    assert.equal(s.balance, 999_800n);
    assert.equal(s.callContextManager?.callContext(ctx)?.availableCycles, 200n);
    assert.deepEqual(applied.requests.map((r) => r.senderReplyCallback), [1n, 2n, 3n]);
    assert.equal(applied.requests[0].metadata?.callTreeDepth, 1n);
    assert.equal(s.callContextManager?.outstandingCalls(ctx), 3);
    assert.equal(s.globalTimer, T0 + SEC);
    assert.equal(s.canisterLog.nextIdx, 1n);
    assert.equal(s.canisterVersion, 1n);
    assert.equal(s.checkInvariants(), undefined);
    assert.throws(() => s.applyModifications({ ...mods, balanceChange: 0n, cyclesAccepted: 0n, requests: [outgoing(B, 9n, ctx)] }, { time: time(T0), callContextId: ctx }));
  });

  it('accepts only responses while stopping and nothing once stopped; stops when nothing is outstanding', () => {
    const s = newState();
    const ctx = s.newCallContext(ingressOrigin, 0n, time(T0), md) as bigint;
    const [req] = s.applyModifications({ balanceChange: 0n, cyclesAccepted: 0n, cyclesBurned: 0n, cyclesMinted: 0n, requestFees: 0n, requests: [outgoing(B, 1n, ctx)], canisterLog: [] }, { time: time(T0), callContextId: ctx }).requests;
    s.callContextManager?.onCanisterResult(ctx, undefined, {});
    assert.equal(s.beginStopping({ kind: 'ingress', sender: USER, messageId: new Uint8Array(32), time: time(T0) }), undefined);
    const r = pushInput(s, request(B, A, 7n), opts());
    assert.equal(!r.ok && r.error.kind, 'CanisterStopping');
    assert.equal(s.tryStopCanister(() => false).stopped, false);
    assert.ok(pushInput(s, reply(req), opts()).ok);
    const m = popInput(s);
    assert.equal(m?.kind, 'response');
    s.callContextManager?.onCanisterResult(ctx, 1n, {});
    const stop = s.tryStopCanister(() => false);
    assert.equal(stop.stopped, true);
    assert.equal(stop.contexts.length, 1);
    const again = pushInput(s, request(B, A, 8n), opts());
    assert.equal(!again.ok && again.error.kind, 'CanisterStopped');
    assert.equal(s.callContextManager, undefined);
  });

  it('turns an expired best-effort callback into a SYS_UNKNOWN reject and drops the late response', () => {
    const s = newState();
    const ctx = s.newCallContext(ingressOrigin, 0n, time(T0), md) as bigint;
    const deadline = T0 - (T0 % SEC) + 10n * SEC;
    const [req] = s.applyModifications({ balanceChange: 0n, cyclesAccepted: 0n, cyclesBurned: 0n, cyclesMinted: 0n, requestFees: 0n, requests: [outgoing(B, 1n, ctx, { deadline })], canisterLog: [] }, { time: time(T0), callContextId: ctx }).requests;
    assert.equal(timeOutCallbacks(s, deadline + SEC, () => true), 1);
    const late = pushInput(s, { ...reply(req), refund: 5n }, opts());
    assert.deepEqual(late, { ok: true, dropped: true });
    assert.equal(s.balance, 1_000_005n, 'its refund is credited');
    const m = popInput(s);
    assert.ok(m?.kind === 'response' && m.payload.kind === 'reject');
    assert.deepEqual(m.payload.kind === 'reject' && m.payload.reject, { code: RejectCode.SysUnknown, message: 'Call deadline has expired.' });
  });

  it('inducts its messages to itself and answers them', () => {
    const s = newState();
    const ctx = s.newCallContext(ingressOrigin, 0n, time(T0), md) as bigint;
    s.applyModifications({ balanceChange: 0n, cyclesAccepted: 0n, cyclesBurned: 0n, cyclesMinted: 0n, requestFees: 0n, requests: [outgoing(A, 1n, ctx)], canisterLog: [] }, { time: time(T0), callContextId: ctx });
    const mem = { value: 1n << 40n };
    inductMessagesToSelf(s, mem, 'application');
    const req = popInput(s);
    assert.ok(req?.kind === 'request');
    pushOutputResponse(s, reply(req));
    inductMessagesToSelf(s, mem, 'application');
    assert.equal(popInput(s)?.kind, 'response');
    s.callContextManager?.onCanisterResult(ctx, 1n, {}); // the response executed
    assert.equal(s.checkInvariants(), undefined);
  });

  it('clones deeply', () => {
    const s = newState();
    const c = s.clone();
    s.newCallContext(ingressOrigin, 0n, time(T0), md);
    s.environmentVariables.set('X', '1');
    assert.equal(c.callContextManager?.callContexts().length, 0);
    assert.equal(c.environmentVariables.size, 0);
  });
  it('clone copies the settings (visibilities, minimum call cycles, log memory limit) and stays independent', () => {
    const s = newState();
    s.snapshotVisibility = { kind: 'public' };
    s.statusVisibility = { kind: 'allowedViewers', principals: [USER] };
    s.minimumIncomingCanisterCallCycles = 7n;
    s.logMemoryLimit = 8192n;
    const c = s.clone();
    assert.deepEqual([c.snapshotVisibility, c.statusVisibility, c.minimumIncomingCanisterCallCycles, c.logMemoryLimit],
      [{ kind: 'public' }, { kind: 'allowedViewers', principals: [USER] }, 7n, 8192n]);
    c.minimumIncomingCanisterCallCycles = 1n;
    c.statusVisibility = { kind: 'controllers' };
    assert.equal(s.minimumIncomingCanisterCallCycles, 7n);
    assert.equal(s.statusVisibility.kind, 'allowedViewers');
    assert.equal(new SystemState({ canisterId: A, controllers: [], cycles: 0n }).logMemoryLimit, 4096n);
  });
});
