// The management canister's lifecycle methods through the whole replica,
// driven by a Motoko `Proxy` canister (calls to `aaaaa-aa` from a canister,
// with cycles, reporting the reject code and message it gets) and by ingress.
//
// Test steps:
// 1. Stopping a canister with an open outgoing call: A awaits B.wait(), which
//    does not answer until the test releases B. stop_canister(A) by ingress:
//    A is `stopping`, ingress to A fails with IC0509, a canister's call to A is
//    rejected, the stop call stays `processing` — until B's reply has run A's
//    callback; in that round A stops and the stop call replies.
// 2. Stop then start: the pending stop calls fail, by ingress with IC0511, from
//    a canister with CANISTER_ERROR; A runs on and its call completes.
// 3. delete_canister: a running canister IC0510; a stopped one is gone, calls
//    to it get IC0301, its id is not handed out again.
// 4. create_canister and deposit_cycles from a canister: balance = attached −
//    fee; too few cycles IC0403 with the cycles back; malformed Candid IC0408;
//    settings bounds; deposits to a missing canister come back with IC0301.
// 5. update_settings: a controller change in the history; a stranger IC0512.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CanisterId, ErrorCode, PrincipalId, Replica, UserErrorException } from '../../src/index.ts';
import { compileMotoko } from '../corpus/motoko.ts';
import { IDL, NONE, dec, enc, p } from './support.ts';

const PROXY_MO = `
import Error "mo:core/Error";
import IC "mo:core/InternetComputer";
import Nat32 "mo:core/Nat32";
import Principal "mo:core/Principal";

persistent actor Proxy {
  public type Settings = { controllers : ?[Principal]; compute_allocation : ?Nat; freezing_threshold : ?Nat; environment_variables : ?[{ name : Text; value : Text }] };
  public type Outcome = { #ok : Text; #err : (Nat, Text) };
  type Target = { canister_id : Principal };
  type Mgmt = actor {
    create_canister : ({ settings : ?Settings; sender_canister_version : ?Nat64 }) -> async Target;
    update_settings : ({ canister_id : Principal; settings : Settings }) -> async ();
    deposit_cycles : (Target) -> async ();
    stop_canister : (Target) -> async ();
    start_canister : (Target) -> async ();
    delete_canister : (Target) -> async ();
  };
  type Bad = actor { deposit_cycles : (Text) -> async () };
  type Peer = actor { tick : () -> async (); wait : () -> async Nat };
  transient let ic : Mgmt = actor "aaaaa-aa";
  transient let bad : Bad = actor "aaaaa-aa";
  var released = false;
  var loops : Nat = 0;

  func codeOf(e : Error.Error) : Nat {
    switch (Error.code(e)) {
      case (#system_fatal) 1; case (#system_transient) 2; case (#destination_invalid) 3;
      case (#canister_reject) 4; case (#canister_error) 5; case (#future n) Nat32.toNat(n);
      case (_) 999;
    }
  };
  func peer(t : Principal) : Peer = actor (Principal.toText(t));

  public func create(cycles : Nat, settings : ?Settings) : async Outcome {
    try { #ok(Principal.toText((await (with cycles) ic.create_canister({ settings; sender_canister_version = ?7 })).canister_id)) }
    catch (e) { #err(codeOf e, Error.message e) }
  };
  public func updateSettings(t : Principal, settings : Settings) : async Outcome {
    try { await ic.update_settings({ canister_id = t; settings }); #ok("") } catch (e) { #err(codeOf e, Error.message e) }
  };
  public func deposit(t : Principal, cycles : Nat) : async Outcome {
    try { await (with cycles) ic.deposit_cycles({ canister_id = t }); #ok("") } catch (e) { #err(codeOf e, Error.message e) }
  };
  public func stop(t : Principal) : async Outcome { try { await ic.stop_canister({ canister_id = t }); #ok("") } catch (e) { #err(codeOf e, Error.message e) } };
  public func start(t : Principal) : async Outcome { try { await ic.start_canister({ canister_id = t }); #ok("") } catch (e) { #err(codeOf e, Error.message e) } };
  public func delete(t : Principal) : async Outcome { try { await ic.delete_canister({ canister_id = t }); #ok("") } catch (e) { #err(codeOf e, Error.message e) } };
  // Not Candid at all (any Candid would read as an empty argument, the replica's fallback); through IC.call, so the code is 4 whatever it was.
  public func badCreate() : async Outcome { try { ignore await IC.call(Principal.fromText("aaaaa-aa"), "create_canister", "\\00\\01"); #ok("") } catch (e) { #err(codeOf e, Error.message e) } };
  public func badDeposit() : async Outcome { try { await (with cycles = 1_000) bad.deposit_cycles("x"); #ok("") } catch (e) { #err(codeOf e, Error.message e) } };
  public func callTick(t : Principal) : async Outcome { try { await peer(t).tick(); #ok("") } catch (e) { #err(codeOf e, Error.message e) } };
  public func callWait(t : Principal) : async Nat { await peer(t).wait() };

  public func tick() : async () {};
  public func wait() : async Nat { while (not released) { await tick(); loops += 1 }; loops };
  public func release() : async () { released := true };
  public func hold() : async () { released := false };
};
`;

const MGMT = CanisterId.fromText('aaaaa-aa');
const DOCS = 'https://docs.internetcomputer.org/references/execution-errors#';
const OUTCOME = IDL.Variant({ ok: IDL.Text, err: IDL.Tuple(IDL.Nat, IDL.Text) });
const SETTINGS = IDL.Record({
  controllers: IDL.Opt(IDL.Vec(IDL.Principal)), compute_allocation: IDL.Opt(IDL.Nat), freezing_threshold: IDL.Opt(IDL.Nat),
  environment_variables: IDL.Opt(IDL.Vec(IDL.Record({ name: IDL.Text, value: IDL.Text }))),
});
const RECORD = IDL.Record({ canister_id: IDL.Principal });
const T = 10n ** 12n;
const target = (id: CanisterId): Uint8Array => enc([RECORD], [{ canister_id: p(id) }]);
const settings = (s: Record<string, unknown>) => ({ controllers: [], compute_allocation: [], freezing_threshold: [], environment_variables: [], ...s });
type Outcome = { ok: string } | { err: [bigint, string] };
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

async function rejectsWith(p: Promise<unknown>, code: ErrorCode, text: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof UserErrorException);
    assert.equal(e.userError.code, code);
    assert.equal(e.userError.description, text);
    return true;
  });
}

describe('management canister: lifecycle', () => {
  let ic: Replica;
  let wasm: Uint8Array;
  let c: CanisterId;
  const anon = PrincipalId.anonymous();
  const proxy = async (controllers?: PrincipalId[]): Promise<CanisterId> => {
    const id = await ic.createCanister(controllers === undefined ? {} : { controllers });
    await ic.installCode(id, wasm);
    return id;
  };
  const outcome = async (id: CanisterId, method: string, types: IDL.Type[], values: unknown[]): Promise<Outcome> =>
    dec<Outcome>(OUTCOME, await ic.updateCall(id, method, enc(types, values)));
  const status = (mid: Uint8Array): string | undefined => ic.ingressStatus(mid)?.state.kind;

  before(async () => {
    ic = await Replica.create();
    wasm = await compileMotoko(PROXY_MO);
    c = await proxy();
  });
  after(async () => { await ic.close(); });

  it('stopping a canister with an open outgoing call completes only after the callback ran', async () => {
    const a = await proxy([anon, c]);
    const b = await proxy();
    const call = await ic.submitCall(a, 'callWait', enc([IDL.Principal], [p(b)]));
    for (let i = 0; i < 3; i++) await ic.tick();
    assert.equal(status(call), 'processing');
    const stop = await ic.submitCall(MGMT, 'stop_canister', target(a));
    for (let i = 0; i < 3; i++) await ic.tick();
    assert.equal(ic.committedState.canister(a)?.systemState.status.kind, 'stopping');
    assert.equal(status(stop), 'processing', 'the stop call waits');
    await rejectsWith(ic.updateCall(a, 'tick', NONE), ErrorCode.CanisterStopping, `Canister ${a.toText()} is stopping`);
    assert.deepEqual(await outcome(c, 'callTick', [IDL.Principal], [p(a)]), { err: [5n, `Canister ${a.toText()} is stopping`] });
    assert.equal(status(stop), 'processing');

    await ic.updateCall(b, 'release', NONE);
    let rounds = 0;
    while (status(stop) === 'processing') {
      assert.equal(status(call), 'processing', 'the stop call is not answered before the callback ran');
      await ic.tick();
      assert.ok(++rounds < 50);
    }
    assert.equal(status(call), 'completed', 'the callback ran');
    assert.ok(dec<bigint>(IDL.Nat, (await ic.awaitCall(call) as { reply: Uint8Array }).reply) > 0n);
    const r = await ic.awaitCall(stop);
    assert.deepEqual(r.kind === 'replied' ? hex(r.reply) : r, hex(NONE));
    assert.equal(ic.committedState.canister(a)?.systemState.status.kind, 'stopped');
  });

  it('stop then start: the pending stop calls fail (ingress IC0511, a canister CANISTER_ERROR); the canister runs on', async () => {
    const a = await proxy([anon, c]);
    const b = await proxy();
    const call = await ic.submitCall(a, 'callWait', enc([IDL.Principal], [p(b)]));
    await ic.tick();
    const stopByUser = await ic.submitCall(MGMT, 'stop_canister', target(a));
    const stopByCanister = await ic.submitCall(c, 'stop', enc([IDL.Principal], [p(a)]));
    for (let i = 0; i < 4; i++) await ic.tick();
    assert.deepEqual([status(stopByUser), status(stopByCanister)], ['processing', 'processing']);
    await ic.updateCall(MGMT, 'start_canister', target(a));
    const user = await ic.awaitCall(stopByUser);
    assert.deepEqual(user.kind === 'rejected' ? [user.error.code, user.error.description] : user,
      [ErrorCode.CanisterStoppingCancelled, `Canister ${a.toText()}'s stop request was cancelled.`]);
    assert.deepEqual(dec<Outcome>(OUTCOME, (await ic.awaitCall(stopByCanister) as { reply: Uint8Array }).reply),
      { err: [5n, `Canister ${a.toText()}'s stop request cancelled`] });
    assert.equal(ic.committedState.canister(a)?.systemState.status.kind, 'running');
    await ic.updateCall(b, 'release', NONE);
    assert.equal((await ic.awaitCall(call)).kind, 'replied');
  });

  it('delete_canister: a running canister IC0510; a stopped one is gone, calls to it IC0301, its id not reused', async () => {
    const a = await proxy([anon, c]);
    await rejectsWith(ic.updateCall(MGMT, 'delete_canister', target(a)), ErrorCode.CanisterNotStopped,
      `Canister ${a.toText()} must be stopped before it is deleted.\nStop the canister before deleting it. See documentation: ${DOCS}delete-canister-not-stopped`);
    assert.deepEqual(await outcome(c, 'stop', [IDL.Principal], [p(a)]), { ok: '' });
    assert.deepEqual(await outcome(c, 'delete', [IDL.Principal], [p(a)]), { ok: '' });
    assert.equal(ic.committedState.canister(a), undefined);
    await assert.rejects(ic.updateCall(a, 'tick', NONE), (e: unknown) => e instanceof UserErrorException && e.userError.code === ErrorCode.CanisterNotFound);
    assert.deepEqual(await outcome(c, 'callTick', [IDL.Principal], [p(a)]), { err: [3n, `Canister ${a.toText()} not found`] });
    assert.deepEqual(await outcome(c, 'delete', [IDL.Principal], [p(a)]), { err: [3n,
      `Canister ${a.toText()} not found.\nCheck the ICP dashboard to ensure the canister exists. See documentation: ${DOCS}canister-not-found`] });
    const next = await ic.createCanister();
    assert.ok((next.toU64() as bigint) > (a.toU64() as bigint));
  });

  it('create_canister from a canister: attached cycles less the fee; IC0403 with the cycles back; IC0408; settings bounds', async () => {
    const created = await outcome(c, 'create', [IDL.Nat, IDL.Opt(SETTINGS)], [2n * T, [settings({ freezing_threshold: [100n] })]]);
    assert.ok('ok' in created);
    const id = CanisterId.fromText(created.ok);
    const sys = ic.committedState.canister(id)?.systemState;
    assert.deepEqual([sys?.balance, sys?.freezeThreshold, sys?.controllers.map((x) => x.toText())], [2n * T - 500_000_000_000n, 100n, [c.toText()]]);
    assert.deepEqual(sys?.canisterHistory.changes[0].origin, { kind: 'fromCanister', canisterId: c, canisterVersion: 7n });

    const before = ic.cycleBalance(c);
    assert.deepEqual(await outcome(c, 'create', [IDL.Nat, IDL.Opt(SETTINGS)], [100n * 10n ** 9n, []]), { err: [4n,
      'Creating a canister requires a fee of 500_000_000_000 that is deducted from the canister\'s initial balance but only 100_000_000_000 cycles '
      + `were received with the create_canister request.\nTry sending more cycles with the request. See documentation: ${DOCS}create-canister-not-enough-cycles`] });
    assert.ok(before - ic.cycleBalance(c) < 10n ** 9n, 'the cycles came back (less the call fees)');
    assert.deepEqual(await outcome(c, 'badCreate', [], []), { err: [4n, 'Payload deserialization error.'] });
    const eleven = [...Array(11).keys()].map(() => p(c));
    assert.deepEqual(await outcome(c, 'create', [IDL.Nat, IDL.Opt(SETTINGS)], [T, [settings({ controllers: [eleven] })]]), { err: [4n,
      'Payload deserialization error: Deserialize error: The number of elements exceeds maximum allowed 10'] });
    assert.deepEqual(await outcome(c, 'create', [IDL.Nat, IDL.Opt(SETTINGS)], [T, [settings({ compute_allocation: [101n] })]]), { err: [5n,
      'ComputeAllocation expected to be in the range [0..100], got 101'] });
    const vars = [...Array(21).keys()].map((i) => ({ name: `V${i}`, value: '' }));
    assert.deepEqual(await outcome(c, 'create', [IDL.Nat, IDL.Opt(SETTINGS)], [T, [settings({ environment_variables: [vars] })]]), { err: [4n,
      'Too many environment variables: 21 (max: 20)'] });
  });

  it('deposit_cycles from a canister: all cycles to the target; a missing target gives them back with IC0301', async () => {
    const a = await proxy();
    const before = ic.cycleBalance(a);
    assert.deepEqual(await outcome(c, 'deposit', [IDL.Principal, IDL.Nat], [p(a), 3n * T]), { ok: '' });
    assert.equal(ic.cycleBalance(a) - before, 3n * T);
    const missing = CanisterId.fromU64(0xffff0n);
    const cBefore = ic.cycleBalance(c);
    assert.deepEqual(await outcome(c, 'deposit', [IDL.Principal, IDL.Nat], [p(missing), 3n * T]), { err: [3n, `Canister ${missing.toText()} not found.`] });
    assert.ok(cBefore - ic.cycleBalance(c) < 10n ** 9n, 'the cycles came back');
    const bad = await outcome(c, 'badDeposit', [], []);
    assert.ok('err' in bad && bad.err[0] === 4n && bad.err[1].startsWith('Error decoding candid: '), JSON.stringify(bad, (_, v: unknown) => (typeof v === 'bigint' ? `${v}` : v)));
  });

  it('update_settings: a controller change is in the history, the version goes up; a stranger gets IC0512', async () => {
    const a = await proxy([anon, c]);
    const version = ic.committedState.canister(a)?.systemState.canisterVersion ?? 0n;
    assert.deepEqual(await outcome(c, 'updateSettings', [IDL.Principal, SETTINGS], [p(a), settings({ controllers: [[p(c)]] })]), { ok: '' });
    const sys = ic.committedState.canister(a)?.systemState;
    assert.equal(sys?.canisterVersion, version + 1n);
    const last = sys?.canisterHistory.changes.at(-1);
    assert.deepEqual([last?.details.kind, last?.details.kind === 'controllersChange' ? last.details.controllers.map((x) => x.toText()) : [], last?.origin.kind],
      ['controllersChange', [c.toText()], 'fromCanister']);
    const stranger = await proxy();
    const got = await outcome(stranger, 'updateSettings', [IDL.Principal, SETTINGS], [p(a), settings({ freezing_threshold: [1n] })]);
    assert.deepEqual(got, { err: [5n, `Only the controllers of the canister ${a.toText()} can control it.\nCanister's controllers: ${c.toText()}\n`
      + `Sender's ID: ${stranger.toText()}\nExecute this call from a controller of the target canister or add the current caller as a controller. `
      + `See documentation: ${DOCS}invalid-controller`] });
  });
});
