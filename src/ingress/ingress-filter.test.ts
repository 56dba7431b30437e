import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CyclesAccountManager } from '../cycles/index.ts';
import { ErrorCode, userError } from '../errors/index.ts';
import type { UserError } from '../errors/index.ts';
import type { HttpCallContent } from '../messaging/index.ts';
import type { CanisterState, Ingress } from '../state/index.ts';
import { MANAGEMENT_CANISTER_ID, PrincipalId, time } from '../types/index.ts';
import type { CanisterId } from '../types/index.ts';
import { T0, USER, id, stateWith } from '../scheduler/test-support.ts';
import { IngressFilter, formatTime } from './ingress-filter.ts';

const MIN = 60_000_000_000n;
const content = (to: CanisterId, method = 'go', extra: Partial<HttpCallContent> = {}): HttpCallContent =>
  ({ sender: USER, canisterId: to, methodName: method, arg: new Uint8Array(0), ingressExpiry: time(T0 + 4n * MIN), ...extra });

class FakeInspect {
  readonly seen: string[] = [];
  verdict: UserError | undefined = undefined;
  async executeInspectMessage(_c: CanisterState, ingress: Ingress): Promise<UserError | undefined> {
    this.seen.push(ingress.methodName);
    return this.verdict;
  }
}

describe('IngressFilter', () => {
  it('accepts an expiry in [now, now + 5 min 30 s] and refuses others with the replica\'s text', () => {
    assert.deepEqual(IngressFilter.checkExpiry(T0, T0), { ok: true });
    assert.deepEqual(IngressFilter.checkExpiry(T0 + 5n * MIN + 30_000_000_000n, T0), { ok: true });
    const late = IngressFilter.checkExpiry(T0 + 6n * MIN, T0);
    assert.ok(!late.ok && late.kind === 'invalidExpiry');
    assert.match(late.message, /^Invalid request expiry: Specified ingress_expiry not within expected range: Minimum allowed expiry: 2023-11-14 22:13:20\.000000000 UTC, Maximum allowed expiry: /);
    assert.equal(formatTime(1n), '1970-01-01 00:00:00.000000001 UTC');
  });

  it('runs inspect_message on running canisters and passes its verdict on', async () => {
    const state = stateWith(1);
    const inspect = new FakeInspect();
    const filter = new IngressFilter({ executor: inspect });
    assert.deepEqual(await filter.check(state, content(id(1)), 100, T0), { ok: true });
    inspect.verdict = userError(ErrorCode.CanisterRejectedMessage, 'Canister rejected the message');
    assert.deepEqual(await filter.check(state, content(id(1)), 100, T0), { ok: false, kind: 'rejected', error: inspect.verdict });
    assert.deepEqual(inspect.seen, ['go', 'go']);
  });

  it('refuses missing, stopped and unpaying canisters, and bad management calls', async () => {
    const state = stateWith(2);
    const c2 = state.canisterMut(id(2)) as CanisterState;
    c2.systemState.beginStopping({ kind: 'ingress', sender: USER, messageId: new Uint8Array(32), time: time(T0) });
    const filter = new IngressFilter({ executor: new FakeInspect(), cycles: new CyclesAccountManager() });
    const codeOf = async (c: HttpCallContent): Promise<number> => {
      const r = await filter.check(state, c, 100, T0);
      return r.ok ? 0 : r.kind === 'rejected' ? r.error.code : -1;
    };
    assert.equal(await codeOf(content(id(7))), ErrorCode.CanisterNotFound);
    assert.equal(await codeOf(content(id(2))), ErrorCode.CanisterStopping);
    assert.equal(await codeOf(content(MANAGEMENT_CANISTER_ID, 'nope')), ErrorCode.CanisterMethodNotFound);
    assert.equal(await codeOf(content(MANAGEMENT_CANISTER_ID, 'raw_rand')), ErrorCode.CanisterRejectedMessage);
    assert.equal(await codeOf(content(MANAGEMENT_CANISTER_ID, 'install_code', { arg: Uint8Array.of(1) })), ErrorCode.InvalidManagementPayload);
    const target = Uint8Array.from(Buffer.from('4449444c016c01b3c4b1f204680100010a00000000000000010101', 'hex')); // record { canister_id = canister 1 }
    assert.equal(await codeOf(content(MANAGEMENT_CANISTER_ID, 'start_canister', { arg: target, sender: PrincipalId.anonymous() })), ErrorCode.CanisterInvalidController);
    assert.equal(await codeOf(content(MANAGEMENT_CANISTER_ID, 'canister_status', { arg: target, sender: PrincipalId.anonymous() })), ErrorCode.CanisterStatusAccessDenied);
    assert.equal(await codeOf(content(MANAGEMENT_CANISTER_ID, 'canister_status', { arg: target })), 0);
    (state.canisterMut(id(1)) as CanisterState).systemState.statusVisibility = { kind: 'public' };
    assert.equal(await codeOf(content(MANAGEMENT_CANISTER_ID, 'canister_status', { arg: target, sender: PrincipalId.anonymous() })), 0);
    assert.equal(await codeOf(content(MANAGEMENT_CANISTER_ID, 'fetch_canister_logs', { arg: target })), ErrorCode.CanisterRejectedMessage);
    (state.canisterMut(id(1)) as CanisterState).systemState.removeCycles(10n ** 15n);
    assert.equal(await codeOf(content(id(1))), ErrorCode.CanisterOutOfCycles);
  });

  it('words management refusals as the replica (`should_accept_ingress_message`)', async () => {
    const state = stateWith(1);
    const filter = new IngressFilter({ executor: new FakeInspect(), cycles: new CyclesAccountManager() });
    const target = Uint8Array.from(Buffer.from('4449444c016c01b3c4b1f204680100010a00000000000000010101', 'hex')); // record { canister_id = canister 1 }
    const meta = Uint8Array.from(Buffer.from('4449444c016c02cbe4fdc70471b3c4b1f2046801000178010a00000000000000010101', 'hex')); // + name = "x"
    const refusal = async (method: string, sender = PrincipalId.anonymous(), arg = target): Promise<UserError | undefined> => {
      const r = await filter.check(state, content(MANAGEMENT_CANISTER_ID, method, { arg, sender }), 100, T0);
      if (!r.ok && r.kind !== 'rejected') assert.fail(r.message);
      return r.ok ? undefined : r.error;
    };
    const c1 = id(1).toText();
    for (const m of ['update_settings', 'stored_chunks', 'clear_chunk_store']) {
      assert.deepEqual(await refusal(m), userError(ErrorCode.CanisterInvalidController, `Only controllers of canister ${c1} can call ic00 method ${m}`));
      assert.equal(await refusal(m, USER), undefined);
    }
    for (const m of ['start_canister', 'stop_canister', 'delete_canister', 'canister_metrics']) {
      const e = await refusal(m);
      assert.equal(e?.code, ErrorCode.CanisterInvalidController);
      assert.ok(e?.description.startsWith(`Only the controllers of the canister ${c1} can control it.\n`), e?.description);
      assert.equal(await refusal(m, USER), undefined);
    }
    assert.deepEqual(await refusal('canister_info', USER), userError(ErrorCode.CanisterRejectedMessage, 'Only canisters can call ic00 method canister_info'));
    assert.deepEqual(await refusal('canister_metadata', USER, meta),
      userError(ErrorCode.CanisterRejectedMessage, 'Only canisters can call ic00 method canister_metadata'));
    for (const m of ['fetch_canister_logs', 'subnet_metrics', 'raw_rand']) {
      assert.deepEqual(await refusal(m, USER), userError(ErrorCode.CanisterRejectedMessage, `ic00 method ${m} can not be called via ingress messages`));
    }
    assert.equal((await refusal('list_canister_snapshots'))?.code, ErrorCode.CanisterInvalidController);
    (state.canisterMut(id(1)) as CanisterState).systemState.snapshotVisibility = { kind: 'public' };
    assert.equal(await refusal('list_canister_snapshots'), undefined);
  });
});
