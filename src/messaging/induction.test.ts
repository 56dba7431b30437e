import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CyclesAccountManager } from '../cycles/index.ts';
import { ErrorCode } from '../errors/index.ts';
import type { CanisterState, ReplicatedState } from '../state/index.ts';
import { MANAGEMENT_CANISTER_ID, time } from '../types/index.ts';
import type { CanisterId, PrincipalId } from '../types/index.ts';
import { T0, USER, id, stateWith } from '../scheduler/test-support.ts';
import { inductIngress } from './induction.ts';
import { signedIngressOf } from './ingress-content.ts';

const call = (to: CanisterId, method: string, nonce: number, arg = new Uint8Array(0), sender: PrincipalId = USER) =>
  signedIngressOf({ sender, canisterId: to, methodName: method, arg, ingressExpiry: time(T0 + 60_000_000_000n), nonce: Uint8Array.of(nonce) });
const statusOf = (s: ReplicatedState, m: Uint8Array) => s.metadata.ingressHistory.get(m)?.state;
const failure = (s: ReplicatedState, m: Uint8Array): [number, string] => {
  const st = statusOf(s, m);
  return st?.kind === 'failed' ? [st.error.code, st.error.description] : [0, st?.kind ?? 'unknown'];
};
const fresh = (n = 2): ReplicatedState => {
  const s = stateWith(n);
  s.metadata.batchTime = time(T0);
  return s;
};

describe('inductIngress', () => {
  it('queues messages in batch order with status Received and skips repeated ids', () => {
    const s = fresh();
    const [m1, m2] = [call(id(1), 'a', 1), call(id(1), 'b', 2)];
    const stats = inductIngress(s, [m1, m2, m1]);
    assert.deepEqual(stats, { inducted: 2, failed: 0, duplicates: 1, invalid: 0 });
    assert.equal(statusOf(s, m1.messageId)?.kind, 'received');
    const q = s.canister(id(1))?.systemState.queues.ingressQueue;
    assert.deepEqual(q?.scheduled().flatMap(([, ms]) => ms.map((m) => m.methodName)), ['a', 'b']);
    assert.deepEqual(inductIngress(s, [m2]), { inducted: 0, failed: 0, duplicates: 1, invalid: 0 });
  });

  it('fails messages to missing, stopping and stopped canisters with the replica\'s errors', () => {
    const s = fresh(3);
    const c2 = s.canisterMut(id(2)) as CanisterState;
    c2.systemState.beginStopping({ kind: 'ingress', sender: USER, messageId: new Uint8Array(32), time: time(T0) });
    const c3 = s.canisterMut(id(3)) as CanisterState;
    c3.systemState.beginStopping({ kind: 'ingress', sender: USER, messageId: new Uint8Array(32), time: time(T0) });
    c3.systemState.tryStopCanister(() => false);
    const [m1, m2, m3] = [call(id(9), 'x', 1), call(id(2), 'x', 2), call(id(3), 'x', 3)];
    inductIngress(s, [m1, m2, m3]);
    assert.deepEqual(failure(s, m1.messageId), [ErrorCode.CanisterNotFound, `Canister ${id(9).toText()} not found`]);
    assert.deepEqual(failure(s, m2.messageId), [ErrorCode.CanisterStopping, `Canister ${id(2).toText()} is stopping`]);
    assert.deepEqual(failure(s, m3.messageId), [ErrorCode.CanisterStopped, `Canister ${id(3).toText()} is stopped`]);
  });

  it('fails new messages once the ingress history holds its maximum (IC0204)', () => {
    const s = fresh();
    const [m1, m2] = [call(id(1), 'a', 1), call(id(1), 'b', 2)];
    inductIngress(s, [m1, m2], { ingressHistoryMaxMessages: 1 });
    assert.deepEqual(failure(s, m2.messageId), [ErrorCode.IngressHistoryFull, 'Maximum queue capacity 1 reached']);
  });

  it('sends management messages to the subnet queue, by effective canister id; bad ones fail as the replica fails them', () => {
    const s = fresh();
    const enc = new Uint8Array(Buffer.from('4449444c016c01b3c4b1f204680100010a00000000000000010101', 'hex')); // record { canister_id = principal of canister 1 }
    const ok = call(MANAGEMENT_CANISTER_ID, 'canister_status', 1, enc);
    const unknown = call(MANAGEMENT_CANISTER_ID, 'nope', 2);
    const bad = call(MANAGEMENT_CANISTER_ID, 'canister_status', 3, Uint8Array.of(1, 2, 3));
    inductIngress(s, [ok, unknown, bad]);
    assert.equal(statusOf(s, ok.messageId)?.kind, 'received');
    assert.equal(s.subnetQueues.ingressQueue.size, 1);
    assert.equal(s.subnetQueues.ingressQueue.peek()?.effectiveCanisterId?.toText(), id(1).toText());
    assert.deepEqual(failure(s, unknown.messageId), [ErrorCode.CanisterOutOfCycles, 'Cannot enqueue management message. Method nope is unknown.']);
    assert.deepEqual(failure(s, bad.messageId), [ErrorCode.CanisterOutOfCycles, 'Cannot enqueue management message. Candid payload is invalid.']);
  });

  it('charges the induction fee of the envelope\'s bytes to the receiver, or fails with IC0207', () => {
    const s = fresh();
    const cycles = new CyclesAccountManager();
    const m = call(id(1), 'a', 1);
    const before = s.canister(id(1))?.systemState.balance as bigint;
    inductIngress(s, [m], { cycles });
    assert.equal(before - (s.canister(id(1))?.systemState.balance as bigint), cycles.ingressInductionCost(BigInt(m.payload.length)));
    (s.canisterMut(id(2)) as CanisterState).systemState.removeCycles(10n ** 15n);
    const poor = call(id(2), 'a', 2);
    inductIngress(s, [poor], { cycles });
    const [code, text] = failure(s, poor.messageId);
    assert.equal(code, ErrorCode.CanisterOutOfCycles);
    assert.match(text, new RegExp(`^Canister ${id(2).toText()} is out of cycles`));
  });
});
