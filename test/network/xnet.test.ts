// Scenario tests of calls between canisters on different subnets: Motoko
// canisters on two application subnets of one `Network`, their calls
// carried as XNet streams (stream builder → slices in batches → stream
// handler), with the guarantees of local calls.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Network, Subnet } from '../../src/network/index.ts';
import { CanisterId, MANAGEMENT_CANISTER_ID } from '../../src/types/index.ts';
import { ErrorCode } from '../../src/errors/index.ts';
import type { UserErrorException } from '../../src/errors/index.ts';
import { decodeCreateResult, encodeProvisionalCreateArgs } from '../../src/replica/index.ts';
import { IDL, NONE, dec, enc, p } from '../replica/support.ts';
import { nodeWasm } from '../replica/canisters.ts';
import { appNetwork, installOn, rangeOf, relayAnswer, relayArg, relayWasm, walletWasm } from './support.ts';

const callRaw = (net: Network, from: CanisterId, to: CanisterId, method: string): Promise<string> =>
  net.updateCall(from, 'callRaw', enc([IDL.Principal, IDL.Text], [p(to), method])).then((r) => dec<string>(IDL.Text, r));

describe('XNet: calls between two subnets', () => {
  let net: Network;
  let A: Subnet;
  let B: Subnet;
  let a: CanisterId; // Node on A
  let a2: CanisterId; // Node on A (the same calls, locally)
  let b: CanisterId; // Node on B
  before(async () => {
    net = await appNetwork(2);
    [A, B] = net.subnets;
    const wasm = await nodeWasm();
    a = await installOn(net, A, wasm);
    a2 = await installOn(net, A, wasm);
    b = await installOn(net, B, wasm);
  });
  after(async () => { await net.close(); });

  it('places canisters on the subnet whose range holds them', () => {
    assert.equal(net.route(a), A);
    assert.equal(net.route(b), B);
    assert.ok(A.committedState.hasCanister(a) && !B.committedState.hasCanister(a));
    assert.ok(B.committedState.hasCanister(b) && !A.committedState.hasCanister(b));
  });

  it('provisional creation with a specified id lands on the subnet hosting it; another subnet refuses it', async () => {
    const wanted = CanisterId.fromU64((rangeOf(1).start.toU64() as bigint) + 500n);
    const create = (opts: { effectiveCanisterId?: CanisterId }) =>
      net.updateCall(MANAGEMENT_CANISTER_ID, 'provisional_create_canister_with_cycles', encodeProvisionalCreateArgs({ specifiedId: wanted }), opts);
    await assert.rejects(create({ effectiveCanisterId: rangeOf(0).start }), (e: UserErrorException) =>
      e.userError.code === ErrorCode.CanisterNotHostedBySubnet && e.userError.description.includes(`is not hosted by subnet ${A.subnetId.toText()}`));
    assert.ok(decodeCreateResult(await create({})).equals(wanted), 'routed by specified_id');
    assert.ok(B.committedState.hasCanister(wanted) && net.route(wanted) === B);
  });

  it('A calls B and awaits, back and forth (ping/pong across subnets)', async () => {
    const reply = await net.updateCall(a, 'ping', enc([IDL.Principal, IDL.Nat], [p(b), 4n]));
    assert.equal(dec<bigint>(IDL.Nat, reply), 4n);
    assert.equal(dec<bigint>(IDL.Nat, await net.query(a, 'pongCount', NONE)), 2n);
    assert.equal(dec<bigint>(IDL.Nat, await net.query(b, 'pongCount', NONE)), 3n);
  });

  it('acknowledged messages leave the streams; every index got one signal', async () => {
    for (let i = 0; i < 3; i++) await net.tick();
    const ab = A.committedState.streams.get(B.subnetId);
    const ba = B.committedState.streams.get(A.subnetId);
    assert.ok(ab !== undefined && ba !== undefined);
    assert.ok(ab.end > 0n && ab.begin === ab.end, `A→B [${ab.begin}, ${ab.end})`);
    assert.ok(ba.begin === ba.end, `B→A [${ba.begin}, ${ba.end})`);
    assert.equal(ab.signalsEnd, ba.end, 'A signalled every message of B');
    assert.equal(ba.signalsEnd, ab.end, 'B signalled every message of A');
    assert.equal(ab.rejectSignals.length + ba.rejectSignals.length, 0);
  });

  it("B's reply, reject and trap reach A as they would from a canister on A", async () => {
    for (const m of ['x', 'rejectMe', 'trapMe', 'nope']) {
      const remote = await callRaw(net, a, b, m);
      const local = await callRaw(net, a, a2, m);
      assert.equal(remote.replaceAll(b.toText(), '<callee>'), local.replaceAll(a2.toText(), '<callee>'), m);
    }
    assert.equal(await callRaw(net, a, b, 'rejectMe'), '4 rejected by request');
    assert.match(await callRaw(net, a, b, 'trapMe'), /^5 .*trapped by request/);
  });

  it('300 calls from A to B arrive in the order A made them', async () => {
    await net.updateCall(a, 'sendMany', enc([IDL.Principal, IDL.Nat], [p(b), 300n]));
    const got = dec<bigint[]>(IDL.Vec(IDL.Nat), await net.query(b, 'appended', NONE));
    assert.deepEqual(got, Array.from({ length: 300 }, (_, i) => BigInt(i)));
  });

  it('a call to a canister on no subnet gets the replica\'s reject from its own subnet', async () => {
    const nowhere = CanisterId.fromU64(5n);
    assert.equal(await callRaw(net, a, nowhere, 'x'), `3 No route to canister ${nowhere.toText()}`);
  });

  it('a call to a missing or stopped canister on B is rejected through B\'s reject signal', async () => {
    const missing = CanisterId.fromU64((rangeOf(1).start.toU64() as bigint) + 999n);
    const before = A.committedState.streams.get(B.subnetId)?.end ?? 0n;
    assert.equal(await callRaw(net, a, missing, 'x'), `3 Canister ${missing.toText()} not found`);
    assert.ok((A.committedState.streams.get(B.subnetId)?.end ?? 0n) > before, 'the request went into the stream to B');
    const b2 = await installOn(net, B, await nodeWasm());
    await net.updateCall(MANAGEMENT_CANISTER_ID, 'stop_canister', enc([IDL.Record({ canister_id: IDL.Principal })], [{ canister_id: p(b2) }]));
    assert.equal(await callRaw(net, a, b2, 'x'), `5 Canister ${b2.toText()} is stopped`);
  });
});

describe('XNet: cycles', () => {
  let net: Network;
  let A: Subnet;
  let B: Subnet;
  let relay: CanisterId; // on A
  let wa: CanisterId; // Wallet on A
  let wb: CanisterId; // Wallet on B
  before(async () => {
    net = await appNetwork(2);
    [A, B] = net.subnets;
    relay = await installOn(net, A, await relayWasm());
    const wallet = await walletWasm();
    wa = await installOn(net, A, wallet);
    wb = await installOn(net, B, wallet);
  });
  after(async () => { await net.close(); });

  /** relay → `to`.take(keep) with `cycles`: its answer and what it cost the relay (balance before − after). */
  const send = async (to: CanisterId, cycles: bigint, keep: bigint): Promise<{ code: number; refunded: bigint; payload: Uint8Array; cost: bigint }> => {
    const before = A.cycleBalance(relay);
    const r = relayAnswer(await net.updateCall(relay, 'relay', relayArg(to, 'take', enc([IDL.Nat], [keep]), cycles)));
    return { ...r, cost: before - A.cycleBalance(relay) };
  };

  it('cycles sent across subnets arrive; what the callee does not take is refunded', async () => {
    const before = B.cycleBalance(wb);
    const r = await send(wb, 1_000_000_000n, 300_000_000n);
    assert.deepEqual([r.code, r.refunded], [0, 700_000_000n]);
    const gained = B.cycleBalance(wb) - before;
    assert.ok(gained > 290_000_000n && gained <= 300_000_000n, `B's wallet gained ${gained} (300M less its execution fees)`);
  });

  it('cycles sent to a canister missing on B come back in full with the reject signal\'s reject', async () => {
    const missing = CanisterId.fromU64((rangeOf(1).start.toU64() as bigint) + 777n);
    const r = await send(missing, 5_000_000_000n, 1n);
    assert.deepEqual([r.code, r.refunded], [3, 5_000_000_000n]);
    assert.equal(r.cost, (await send(missing, 0n, 1n)).cost, 'the 5B cost nothing');
  });

  it('a call across subnets costs the caller what a call on its own subnet costs (the replica\'s XNet fees for every call)', async () => {
    const remote = await send(wb, 1_000_000n, 0n);
    const local = await send(wa, 1_000_000n, 0n);
    assert.deepEqual([remote.code, remote.refunded], [0, 1_000_000n]);
    assert.equal(remote.cost, local.cost);
    assert.ok(remote.cost > 5_000_000n, `${remote.cost}: the call fee and the response prepayment's part`);
  });
});
