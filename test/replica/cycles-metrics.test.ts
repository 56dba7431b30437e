// canister_metrics and subnet_metrics end to end: the cycles a canister
// consumed by use case (the replica's `CyclesUseCase`) and the subnet's
// totals, moved by exactly the fees of known messages. Fees of an
// application subnet at its 13-node reference size (scale 1), by hand:
//
//   ingress induction      1,200,000 + 2,000 per byte of the signed envelope
//   a call's transmission  260,000 + 1,000 per byte of method name and argument
//                          + 1,000 per byte of the response (the rest of the
//                          2 MB prepayment comes back with the response)
//   canister creation      500,000,000,000, from the new canister's cycles
//   memory                 317,500 per GiB and second (usage × 317,500 × 86,400 / 2^30
//                          per day, the day's rate × seconds / 86,400) + the base fee 10,000 per second
//   compute allocation     10,000,000 per percent and second
//
// Test steps:
// 1. canister_metrics: controllers by ingress and query; a stranger IC0512;
//    a canister that controls the target; a missing canister IC0301.
// 2. A call through the proxy: transmission and ingress induction move by
//    the fees; the balance drops by the sum of all use cases.
// 3. cycles_burn128: burned_cycles moves by the amount burned.
// 4. create_canister from the proxy: the new canister's canister_creation is
//    the fee, its balance the rest.
// 5. Ten seconds later: memory and compute allocation charged, exactly the
//    balance drop.
// 6. An HTTPS outcall with exactly its fee: http_outcalls is the fee.
// 7. delete_canister: the subnet's consumed total grows by the deleted
//    canister's balance (its consumption moves to the subnet).
// 8. subnet_metrics from a canister: num_canisters, the consumed total, the
//    update transactions of the rounds before, the block height; another
//    subnet IC0406; not by ingress (IC0406, as the filter words untargeted
//    methods); not from a composite query.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Principal } from '@dfinity/principal';
import { CanisterId, ErrorCode, PrincipalId, Replica } from '../../src/index.ts';
import { signedIngressOf } from '../../src/messaging/index.ts';
import { consumedCyclesTotal } from '../../src/state/index.ts';
import { time } from '../../src/types/index.ts';
import { notControllerText } from './install-support.ts';
import { assertReject, proxyAnswer, proxyArg, proxyCanister, viaProxy } from './mgmt-proxy.ts';
import type { ProxyAnswer } from './mgmt-proxy.ts';
import { IDL, MGMT, NONE, canisterIdArg, dec, enc, p, rejectsWith } from './support.ts';

const USER = PrincipalId.fromUint8Array(Uint8Array.of(0xc0, 0x01));
const STRANGER = PrincipalId.fromUint8Array(Uint8Array.of(0x55, 0x02));

const FIELDS = ['memory', 'compute_allocation', 'ingress_induction', 'instructions', 'request_and_response_transmission', 'uninstall',
  'canister_creation', 'http_outcalls', 'burned_cycles'] as const;
type Consumed = Record<(typeof FIELDS)[number], bigint>;
const MetricsResult = IDL.Record({ cycles_consumed: IDL.Record(Object.fromEntries(FIELDS.map((f) => [f, IDL.Nat]))) });
const SubnetMetricsArgs = IDL.Record({ subnet_id: IDL.Principal });
const SubnetMetricsResult = IDL.Record({
  num_canisters: IDL.Nat64, canister_state_bytes: IDL.Nat64, consumed_cycles_total: IDL.Nat, update_transactions_total: IDL.Nat64, block_height: IDL.Nat64,
});
interface SubnetMetrics {
  num_canisters: bigint; canister_state_bytes: bigint; consumed_cycles_total: bigint; update_transactions_total: bigint; block_height: bigint;
}

const INGRESS_FEE = 1_200_000n;
const INGRESS_BYTE_FEE = 2_000n;
const XNET_CALL_FEE = 260_000n;
const XNET_BYTE_FEE = 1_000n;
const CREATION_FEE = 500_000_000_000n;
const UPDATE_EXECUTION_FEE = 5_000_000n;
const GIB = 1n << 30n;
const DAY = 86_400n;
const SEC = 1_000_000_000n;

const delta = (a: Consumed, b: Consumed): Consumed => Object.fromEntries(FIELDS.map((f) => [f, b[f] - a[f]])) as Consumed;
const sum = (c: Consumed): bigint => FIELDS.reduce((s, f) => s + c[f], 0n);
const only = (c: Consumed, ...nonZero: (typeof FIELDS)[number][]): void => {
  for (const f of FIELDS) if (!nonZero.includes(f)) assert.equal(c[f], 0n, f);
};

describe('canister_metrics and subnet_metrics (replica)', () => {
  let ic: Replica;
  let proxy: CanisterId;
  let created: CanisterId;
  const metrics = async (id: CanisterId, sender = USER): Promise<Consumed> =>
    dec<{ cycles_consumed: Consumed }>(MetricsResult, await ic.query(MGMT, 'canister_metrics', canisterIdArg(id), { sender, effectiveCanisterId: id })).cycles_consumed;
  /** The signed envelope of an ingress `method(arg)` to `canister` from USER, as the replica's submitCall makes it. */
  const envelopeBytes = (canister: CanisterId, method: string, arg: Uint8Array): bigint => BigInt(signedIngressOf({
    sender: USER, canisterId: canister, methodName: method, arg, ingressExpiry: time(ic.time + 300n * SEC), nonce: new Uint8Array(8),
  }).payload.length);
  /** The subnet's consumed total in the committed state. */
  const subnetConsumed = (): bigint => consumedCyclesTotal(ic.committedState.metadata.subnetMetrics, ic.committedState.canisters());

  before(async () => {
    ic = await Replica.create();
    proxy = await proxyCanister(ic, { controllers: [USER], sender: USER, cycles: 50_000_000_000_000n });
  });
  after(async () => { await ic.close(); });

  it('canister_metrics: controllers by ingress and query; a stranger IC0512; a controlling canister; a missing canister IC0301', async () => {
    const byQuery = await metrics(proxy);
    const byIngress = dec<{ cycles_consumed: Consumed }>(MetricsResult,
      await ic.updateCall(MGMT, 'canister_metrics', canisterIdArg(proxy), { sender: USER })).cycles_consumed;
    assert.ok(byIngress.ingress_induction > byQuery.ingress_induction, 'the ingress message itself is paid by the canister it names');
    assert.ok(byQuery.instructions > 0n, 'installing the proxy ran its start and init');
    const text = `IC0512: ${notControllerText(ic, proxy, STRANGER)}`;
    await rejectsWith(ic.updateCall(MGMT, 'canister_metrics', canisterIdArg(proxy), { sender: STRANGER }), ErrorCode.CanisterInvalidController, text);
    await rejectsWith(ic.query(MGMT, 'canister_metrics', canisterIdArg(proxy), { sender: STRANGER, effectiveCanisterId: proxy }),
      ErrorCode.CanisterInvalidController, text);
    assertReject(await viaProxy(ic, proxy, 'canister_metrics', canisterIdArg(proxy), { sender: USER }), 5, notControllerText(ic, proxy, proxy));
    const owned = await ic.createCanister({ controllers: [USER, proxy], sender: USER });
    const a = await viaProxy(ic, proxy, 'canister_metrics', canisterIdArg(owned), { sender: USER });
    assert.ok(a.kind === 'reply');
    assert.deepEqual(dec<{ cycles_consumed: Consumed }>(MetricsResult, a.bytes).cycles_consumed, await metrics(owned));
    const missing = CanisterId.fromU64(0xabcdn);
    assertReject(await viaProxy(ic, proxy, 'canister_metrics', canisterIdArg(missing), { sender: USER }), 3, `Canister ${missing.toText()} not found.`);
    await rejectsWith(ic.query(MGMT, 'canister_metrics', canisterIdArg(missing), { sender: USER, effectiveCanisterId: missing }),
      ErrorCode.CanisterNotFound, `IC0301: Canister ${missing.toText()} not found`);
  });

  it('a call through the proxy: transmission and ingress induction by the fees, the balance by the sum of all use cases', async () => {
    const m0 = await metrics(proxy);
    const b0 = ic.cycleBalance(proxy);
    const s0 = subnetConsumed();
    const u0 = ic.committedState.metadata.subnetMetrics.updateTransactionsTotal;
    const envelope = envelopeBytes(proxy, 'call', proxyArg('raw_rand', NONE));
    const a = await viaProxy(ic, proxy, 'raw_rand', NONE, { sender: USER });
    assert.ok(a.kind === 'reply');
    const d = delta(m0, await metrics(proxy));
    assert.equal(d.request_and_response_transmission,
      XNET_CALL_FEE + XNET_BYTE_FEE * BigInt('raw_rand'.length + NONE.length) + XNET_BYTE_FEE * BigInt(a.bytes.length));
    assert.equal(d.ingress_induction, INGRESS_FEE + INGRESS_BYTE_FEE * envelope);
    assert.ok(d.instructions > 2n * UPDATE_EXECUTION_FEE, 'the update and its callback');
    only(d, 'request_and_response_transmission', 'ingress_induction', 'instructions');
    assert.equal(b0 - ic.cycleBalance(proxy), sum(d));
    assert.equal(subnetConsumed() - s0, sum(d), 'the subnet total moves with its canisters');
    assert.equal(ic.committedState.metadata.subnetMetrics.updateTransactionsTotal - u0, 3n, 'the ingress message, raw_rand, the response');
  });

  it('cycles_burn128: burned_cycles by the amount burned', async () => {
    const m0 = await metrics(proxy);
    const b0 = ic.cycleBalance(proxy);
    const amount = 123_456_789n;
    const arg = new Uint8Array(16);
    new DataView(arg.buffer).setBigUint64(0, amount, true);
    const envelope = envelopeBytes(proxy, 'burn', arg);
    const reply = await ic.updateCall(proxy, 'burn', arg, { sender: USER });
    assert.equal(new DataView(reply.buffer, reply.byteOffset).getBigUint64(0, true), amount);
    const d = delta(m0, await metrics(proxy));
    assert.equal(d.burned_cycles, amount);
    assert.equal(d.ingress_induction, INGRESS_FEE + INGRESS_BYTE_FEE * envelope);
    only(d, 'burned_cycles', 'ingress_induction', 'instructions');
    assert.equal(b0 - ic.cycleBalance(proxy), sum(d));
  });

  it('create_canister from the proxy: the creation fee from the new canister\'s cycles', async () => {
    const cycles = 2_000_000_000_000n;
    const arg = enc([IDL.Record({ settings: IDL.Opt(IDL.Record({ controllers: IDL.Opt(IDL.Vec(IDL.Principal)) })) })],
      [{ settings: [{ controllers: [[p(USER), p(proxy)]] }] }]);
    const m0 = await metrics(proxy);
    const a = await viaProxy(ic, proxy, 'create_canister', arg, { sender: USER, cycles });
    assert.ok(a.kind === 'reply', JSON.stringify(a, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v)));
    assert.equal(a.refunded, 0n, 'the cycles went to the new canister');
    created = CanisterId.fromText(dec<{ canister_id: Principal }>(IDL.Record({ canister_id: IDL.Principal }), a.bytes).canister_id.toText());
    const m = await metrics(created);
    only(m, 'canister_creation');
    assert.equal(m.canister_creation, CREATION_FEE);
    assert.equal(ic.cycleBalance(created), cycles - CREATION_FEE);
    const d = delta(m0, await metrics(proxy));
    assert.equal(d.request_and_response_transmission,
      XNET_CALL_FEE + XNET_BYTE_FEE * BigInt('create_canister'.length + arg.length) + XNET_BYTE_FEE * BigInt(a.bytes.length));
    assert.equal(d.canister_creation, 0n, 'the caller pays no creation fee');
  });

  it('ten seconds later: memory (and the base fee) and compute allocation, exactly the balance drop', async () => {
    const Settings = IDL.Record({ canister_id: IDL.Principal, settings: IDL.Record({ compute_allocation: IDL.Opt(IDL.Nat) }) });
    await ic.updateCall(MGMT, 'update_settings', enc([Settings], [{ canister_id: p(proxy), settings: { compute_allocation: [1n] } }]), { sender: USER });
    await ic.tick();
    const m0 = await metrics(proxy);
    const b0 = ic.cycleBalance(proxy);
    const c = ic.committedState.canister(proxy);
    assert.ok(c !== undefined);
    const last = c.schedulerState.timeOfLastAllocationCharge;
    const usage = c.memoryUsage();
    assert.equal(c.messageMemoryUsage(), 0n);
    ic.advanceTime(10n * SEC);
    await ic.tick();
    const d = delta(m0, await metrics(proxy));
    const seconds = (ic.time - last) / SEC;
    assert.ok(seconds >= 10n);
    const memoryPerDay = (usage * 317_500n * DAY) / GIB;
    assert.equal(d.memory, (memoryPerDay * seconds) / DAY + 10_000n * seconds);
    assert.equal(d.compute_allocation, 10_000_000n * seconds);
    only(d, 'memory', 'compute_allocation');
    assert.equal(b0 - ic.cycleBalance(proxy), sum(d));
    await ic.updateCall(MGMT, 'update_settings', enc([Settings], [{ canister_id: p(proxy), settings: { compute_allocation: [0n] } }]), { sender: USER });
  });

  it('an HTTPS outcall with exactly its fee: http_outcalls is the fee, counted by the subnet too', async () => {
    const Header = IDL.Record({ name: IDL.Text, value: IDL.Text });
    const url = 'https://example.com';
    const arg = enc([IDL.Record({
      url: IDL.Text, max_response_bytes: IDL.Opt(IDL.Nat64), method: IDL.Variant({ get: IDL.Null }), headers: IDL.Vec(Header), body: IDL.Opt(IDL.Vec(IDL.Nat8)),
    })], [{ url, max_response_bytes: [], method: { get: null }, headers: [], body: [] }]);
    // The legacy fee on 13 nodes (http-outcalls.test.ts).
    const fee = (3_000_000n + 60_000n * 13n + 400n * BigInt(url.length) + 800n * 2_000_000n) * 13n;
    const m0 = await metrics(proxy);
    const b0 = ic.cycleBalance(proxy);
    const s0 = subnetConsumed();
    const mid = await ic.submitCall(proxy, 'call', proxyArg('http_request', arg, fee), { sender: USER });
    let pending = ic.pendingHttpOutcalls();
    for (let i = 0; i < 10 && pending.length === 0; i++) {
      await ic.tick();
      pending = ic.pendingHttpOutcalls();
    }
    assert.equal(pending.length, 1);
    ic.mockHttpOutcall(pending[0].id, { status: 200 });
    const r = await ic.awaitCall(mid);
    const a: ProxyAnswer = proxyAnswer((r as { reply: Uint8Array }).reply);
    assert.ok(a.kind === 'reply');
    assert.equal(a.refunded, 0n);
    const d = delta(m0, await metrics(proxy));
    assert.equal(d.http_outcalls, fee);
    only(d, 'http_outcalls', 'ingress_induction', 'instructions', 'request_and_response_transmission');
    assert.equal(b0 - ic.cycleBalance(proxy), sum(d), 'the fee left the balance as the attached cycles');
    // The canister's own total leaves http_outcalls out; the subnet counts the fee on its side.
    assert.equal(subnetConsumed() - s0, sum(d));
  });

  it('delete_canister: the subnet\'s total grows by the deleted canister\'s balance', async () => {
    await ic.updateCall(MGMT, 'stop_canister', canisterIdArg(created), { sender: USER });
    const balance = ic.cycleBalance(created);
    const s0 = subnetConsumed();
    const consumedBefore = ic.committedState.metadata.subnetMetrics.ownConsumedCyclesTotal;
    await ic.updateCall(MGMT, 'delete_canister', canisterIdArg(created), { sender: USER });
    assert.equal(ic.committedState.canister(created), undefined);
    assert.equal(subnetConsumed() - s0, balance, 'its consumption moved to the subnet, its balance with it');
    assert.ok(ic.committedState.metadata.subnetMetrics.ownConsumedCyclesTotal - consumedBefore >= CREATION_FEE + balance);
  });

  it('subnet_metrics from a canister; another subnet IC0406; not by ingress, not as a query', async () => {
    const subnet = Principal.fromUint8Array(Uint8Array.from(ic.subnetId.bytesView()));
    const arg = enc([SubnetMetricsArgs], [{ subnet_id: subnet }]);
    const before = ic.committedState.metadata.subnetMetrics;
    const u0 = before.updateTransactionsTotal;
    const s0 = subnetConsumed();
    const h0 = ic.height;
    const a = await viaProxy(ic, proxy, 'subnet_metrics', arg, { sender: USER });
    assert.ok(a.kind === 'reply');
    const m = dec<SubnetMetrics>(SubnetMetricsResult, a.bytes);
    assert.equal(m.num_canisters, BigInt([...ic.committedState.canisters()].length));
    assert.ok(m.block_height > h0 && m.block_height <= ic.height, `block height ${m.block_height}`);
    assert.ok(m.update_transactions_total >= u0 && m.update_transactions_total < ic.committedState.metadata.subnetMetrics.updateTransactionsTotal);
    // Counted while the proxy's call is out: its prepayments are consumed, the unused parts not refunded yet.
    assert.ok(m.consumed_cycles_total > s0 && m.consumed_cycles_total >= subnetConsumed());
    const other = enc([SubnetMetricsArgs], [{ subnet_id: Principal.fromText('2vxsx-fae') }]);
    assertReject(await viaProxy(ic, proxy, 'subnet_metrics', other, { sender: USER }), 4,
      `Provided target subnet ID 2vxsx-fae does not match current subnet ID ${subnet.toText()}.`);
    await rejectsWith(ic.updateCall(MGMT, 'subnet_metrics', arg, { sender: USER }), ErrorCode.CanisterRejectedMessage,
      'IC0406: ic00 method subnet_metrics can not be called via ingress messages');
    const q = proxyAnswer(await ic.query(proxy, 'ccall', proxyArg('subnet_metrics', arg), { sender: USER }));
    assertReject(q, 5, 'Query method subnet_metrics not found.');
  });
});
