import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode, InternalBug, formatUserError } from '../errors/index.ts';
import { time } from '../types/index.ts';
import { CallContextManager, canisterDidNotReplyError } from './call-context-manager.ts';
import type { Callback } from './call-context-manager.ts';
import { A, B, SEC, T0, USER } from './test-support.ts';

const md = { callTreeDepth: 0n, callTreeStartTime: time(T0) };
const ingressOrigin = { kind: 'ingress' as const, userId: USER, messageId: new Uint8Array(32) };
const cb = (callContextId: bigint, deadline = 0n): Callback => ({
  callContextId, originator: A, respondent: B, cyclesSent: 0n, prepaymentForResponseExecution: 0n,
  prepaymentForResponseTransmission: 0n, onReply: { fun: 0, env: 0n }, onReject: { fun: 1, env: 0n }, deadline,
});
const reply = { response: { kind: 'reply' as const, payload: Uint8Array.of(1) } };
const trap = { error: { kind: 'CalledTrap' as const, message: 'x' } } as const;

describe('CallContextManager', () => {
  it('numbers contexts and callbacks from 1', () => {
    const m = new CallContextManager();
    assert.equal(m.newCallContext(ingressOrigin, 0n, time(T0), md), 1n);
    assert.equal(m.newCallContext(ingressOrigin, 0n, time(T0), md), 2n);
    assert.equal(m.registerCallback(cb(1n)), 1n);
    assert.equal(m.nextCallbackId, 1n);
  });

  it('closes a context with no answer and no calls as NoResponse, refunding its cycles (IC0506)', () => {
    const m = new CallContextManager();
    const id = m.newCallContext(ingressOrigin, 50n, time(T0), md);
    assert.equal(m.withdrawCycles(id, 20n), undefined);
    const r = m.onCanisterResult(id, undefined, {}, 100n);
    assert.deepEqual(r.action, { kind: 'noResponse', refund: 30n });
    assert.equal(r.closed?.instructionsExecuted, 100n);
    assert.equal(m.callContext(id), undefined);
    const e = canisterDidNotReplyError(A);
    assert.equal(e.code, ErrorCode.CanisterDidNotReply);
    assert.equal(formatUserError(e), `IC0506: Canister ${A.toText()} did not reply to the call`);
  });

  it('keeps a context with outstanding calls: NotYetResponded, then Reply from the callback', () => {
    const m = new CallContextManager();
    const id = m.newCallContext(ingressOrigin, 0n, time(T0), md);
    const c1 = m.registerCallback(cb(id));
    assert.deepEqual(m.onCanisterResult(id, undefined, {}).action, { kind: 'notYetResponded' });
    assert.deepEqual(m.onCanisterResult(id, undefined, trap).action, { kind: 'notYetResponded' }, 'a trap with calls outstanding');
    const r = m.onCanisterResult(id, c1, reply);
    assert.deepEqual(r.action, { kind: 'reply', payload: Uint8Array.of(1), refund: 0n });
    assert.ok(r.closed !== undefined);
  });

  it('answers early and stays open for outstanding calls, then reports AlreadyResponded', () => {
    const m = new CallContextManager();
    const id = m.newCallContext(ingressOrigin, 9n, time(T0), md);
    const c1 = m.registerCallback(cb(id));
    const first = m.onCanisterResult(id, undefined, { response: { kind: 'reject', message: 'no' } });
    assert.deepEqual(first.action, { kind: 'reject', payload: 'no', refund: 9n });
    assert.equal(first.closed, undefined);
    assert.equal(m.callContext(id)?.responded, true);
    assert.equal(m.callContext(id)?.availableCycles, 0n);
    assert.throws(() => m.onCanisterResult(id, undefined, reply), InternalBug);
    const last = m.onCanisterResult(id, c1, {});
    assert.deepEqual(last.action, { kind: 'alreadyResponded' });
    assert.ok(last.closed !== undefined);
  });

  it('fails a context whose execution trapped with nothing outstanding', () => {
    const m = new CallContextManager();
    const id = m.newCallContext(ingressOrigin, 4n, time(T0), md);
    assert.deepEqual(m.onCanisterResult(id, undefined, trap).action, { kind: 'fail', error: trap.error, refund: 4n });
  });

  it('expires best-effort callbacks once, in (deadline, id) order, at deadline < now rounded down', () => {
    const m = new CallContextManager();
    const id = m.newCallContext(ingressOrigin, 0n, time(T0), md);
    const late = m.registerCallback(cb(id, 20n * SEC));
    const early = m.registerCallback(cb(id, 10n * SEC));
    m.registerCallback(cb(id));
    assert.equal(m.hasExpiredCallbacks(10n * SEC + 999_999_999n), false);
    assert.deepEqual(m.expireCallbacks(21n * SEC), [early, late]);
    assert.deepEqual(m.expireCallbacks(99n * SEC), []);
    assert.equal(m.callbacks().length, 3, 'expiry does not remove callbacks');
  });

  it('deletes all contexts on uninstall, rejecting the unanswered ones, keeping callbacks', () => {
    const m = new CallContextManager();
    const a = m.newCallContext(ingressOrigin, 3n, time(T0), md);
    m.registerCallback(cb(a));
    const rejected = m.deleteAllCallContexts((ctx) => ctx.callOrigin.kind);
    assert.deepEqual(rejected, ['ingress']);
    assert.equal(m.callContext(a)?.deleted, true);
    assert.equal(m.outstandingCalls(a), 1);
    assert.equal(m.callbacksOf(a).length, 1);
  });
});
