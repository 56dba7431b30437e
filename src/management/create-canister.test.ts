import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { ErrorCode } from '../errors/index.ts';
import type { CanisterState } from '../state/index.ts';
import { toPrincipal } from './candid.ts';
import { CreateCanisterArgs, ProvisionalCreateCanisterArgs, ProvisionalTopUpArgs } from './create-canister.ts';
import { DOCS, USER, addCanister, arg, canisterCall, ctxOf, id, ingressCall, newState, rejectOf, run } from './test-support.ts';

const T = 10n ** 12n;
const B = 10n ** 9n;
const NONE_SETTINGS = {
  controllers: [], compute_allocation: [], memory_allocation: [], freezing_threshold: [], reserved_cycles_limit: [],
  minimum_incoming_canister_call_cycles: [], log_visibility: [], log_memory_limit: [], snapshot_visibility: [], status_visibility: [],
  wasm_memory_limit: [], wasm_memory_threshold: [], environment_variables: [],
};
const createArg = (settings: Record<string, unknown> | undefined, version?: bigint): Uint8Array =>
  arg(CreateCanisterArgs, { settings: settings === undefined ? [] : [{ ...NONE_SETTINGS, ...settings }], sender_canister_version: version === undefined ? [] : [version] });
const provisionalArg = (a: { amount?: bigint; settings?: Record<string, unknown>; specified?: number } = {}): Uint8Array => arg(ProvisionalCreateCanisterArgs, {
  amount: a.amount === undefined ? [] : [a.amount], settings: a.settings === undefined ? [] : [{ ...NONE_SETTINGS, ...a.settings }],
  specified_id: a.specified === undefined ? [] : [toPrincipal(id(a.specified))], sender_canister_version: [],
});
const createdId = (o: { kind: string; reply?: Uint8Array }): string =>
  (IDL.decode([IDL.Record({ canister_id: IDL.Principal })], o.reply as Uint8Array)[0] as unknown as { canister_id: Principal }).canister_id.toText();
const P = (n: number): Principal => Principal.fromUint8Array(Uint8Array.of(1, n));

describe('create_canister', () => {
  it('from a canister: the attached cycles less the 500B fee become the balance; defaults; history from the canister', async () => {
    const s = newState(100n);
    const ctx = ctxOf(s);
    const o = await run(canisterCall('create_canister', createArg(undefined, 7n), id(1), 2n * T), ctx);
    assert.equal(o.kind, 'reply');
    assert.equal(o.kind === 'reply' ? o.cyclesUsed : -1n, 2n * T, 'nothing refunded');
    assert.equal(createdId(o as { kind: string; reply: Uint8Array }), id(100).toText());
    const c = s.canister(id(100)) as CanisterState;
    const sys = c.systemState;
    assert.deepEqual([sys.balance, sys.canisterVersion, sys.status.kind, sys.freezeThreshold], [2n * T - 500n * B, 0n, 'running', 2_592_000n]);
    assert.deepEqual([sys.controllers.map((p) => p.toText()), sys.reservedBalanceLimit, sys.wasmMemoryLimit], [[id(1).toText()], 5n * T, 3n << 30n]);
    assert.deepEqual(sys.canisterHistory.changes.map((h) => [h.origin, h.details.kind, h.canisterVersion]),
      [[{ kind: 'fromCanister', canisterId: id(1), canisterVersion: 7n }, 'creation', 0n]]);
  });

  it('applies the settings given; `()` means none', async () => {
    const s = newState(100n);
    const o = await run(canisterCall('create_canister', createArg({ controllers: [[P(1), P(2)]], freezing_threshold: [100n], environment_variables: [[{ name: 'K', value: 'v' }]] }), id(1), T), ctxOf(s));
    assert.equal(o.kind, 'reply');
    const sys = (s.canister(id(100)) as CanisterState).systemState;
    assert.deepEqual([sys.controllers.length, sys.freezeThreshold, sys.environmentVariables.get('K')], [2, 100n, 'v']);
    assert.equal((await run(canisterCall('create_canister', Uint8Array.of(0x44, 0x49, 0x44, 0x4c, 0, 0), id(1), T), ctxOf(s))).kind, 'reply');
    assert.equal(s.canister(id(101))?.systemState.controllers[0].toText(), id(1).toText());
  });

  it('too few cycles: IC0403 and every cycle back', async () => {
    const s = newState();
    const o = await run(canisterCall('create_canister', createArg(undefined), id(1), 100n * B), ctxOf(s));
    assert.deepEqual(rejectOf(o), [4, ErrorCode.InsufficientCyclesForCreateCanister,
      'Creating a canister requires a fee of 500_000_000_000 that is deducted from the canister\'s initial balance but only 100_000_000_000 cycles '
      + `were received with the create_canister request.\nTry sending more cycles with the request. See documentation: ${DOCS}create-canister-not-enough-cycles`]);
    assert.equal(o.kind === 'reject' ? o.cyclesUsed : 0n, undefined);
    assert.equal(s.canisterCount, 0);
  });

  it('malformed Candid, bounds and ingress', async () => {
    const ctx = ctxOf(newState());
    const call = (a: Uint8Array) => run(canisterCall('create_canister', a, id(1), T), ctx);
    assert.deepEqual(rejectOf(await call(Uint8Array.of(1, 2, 3))), [4, ErrorCode.InvalidManagementPayload, 'Payload deserialization error.']);
    assert.deepEqual(rejectOf(await call(createArg({ controllers: [[...Array(11).keys()].map(P)] }))), [4, ErrorCode.InvalidManagementPayload,
      'Payload deserialization error: Deserialize error: The number of elements exceeds maximum allowed 10']);
    assert.deepEqual(rejectOf(await call(createArg({ compute_allocation: [101n] }))), [5, ErrorCode.CanisterContractViolation,
      'ComputeAllocation expected to be in the range [0..100], got 101']);
    const vars = [...Array(21).keys()].map((i) => ({ name: `V${i}`, value: '' }));
    assert.deepEqual(rejectOf(await call(createArg({ environment_variables: [vars] }))), [4, ErrorCode.InvalidManagementPayload,
      'Too many environment variables: 21 (max: 20)']);
    assert.deepEqual(rejectOf(await run(ingressCall('create_canister', createArg(undefined)), ctx)), [5, ErrorCode.CanisterContractViolation,
      'create_canister cannot be called by a user.']);
    assert.equal(ctx.state.canisterCount, 0);
    // Valid Candid that is not the record reads as `()` (the replica's EmptyBlob fallback): no settings.
    assert.equal((await call(arg(IDL.Nat, 5n))).kind, 'reply');
  });

  it('the subnet compute capacity (IC0101); the creator pays nothing then', async () => {
    const s = newState(100n);
    addCanister(s, 1).systemState.computeAllocation = 100n;
    const o = await run(canisterCall('create_canister', createArg({ compute_allocation: [50n] }), id(1), 10n ** 16n), ctxOf(s));
    assert.deepEqual(rejectOf(o).slice(0, 2), [1, ErrorCode.SubnetOversubscribed]);
    assert.equal(s.hasCanister(id(100)), false);
  });
});

describe('provisional_create_canister_with_cycles', () => {
  it('any caller; 100T by default; the caller controls it; history from the user', async () => {
    const s = newState(100n);
    const o = await run(ingressCall('provisional_create_canister_with_cycles', provisionalArg()), ctxOf(s));
    assert.equal(o.kind, 'reply');
    const sys = (s.canister(id(100)) as CanisterState).systemState;
    assert.deepEqual([sys.balance, sys.controllers[0].toText(), sys.reservedBalanceLimit, sys.wasmMemoryLimit], [100n * T, USER.toText(), 5n * T, undefined]);
    assert.deepEqual(sys.canisterHistory.changes[0].origin, { kind: 'fromUser', userId: USER });
  });

  it('specified_id: free and in the subnet ranges, else IC0538 / IC0405', async () => {
    const s = newState(100n);
    const ctx = ctxOf(s);
    const o = await run(ingressCall('provisional_create_canister_with_cycles', provisionalArg({ amount: 5n, specified: 7 })), ctx);
    assert.equal(createdId(o as { kind: string; reply: Uint8Array }), id(7).toText());
    assert.equal(s.canister(id(7))?.systemState.balance, 5n);
    assert.deepEqual(rejectOf(await run(ingressCall('provisional_create_canister_with_cycles', provisionalArg({ specified: 7 })), ctx)), [5, ErrorCode.CanisterAlreadyInstalled,
      `Canister ${id(7).toText()} is already installed.\nThis is an internal error on the IC. Please report it to IC devs on the forum: https://forum.dfinity.org`]);
    const [code, ic, text] = rejectOf(await run(ingressCall('provisional_create_canister_with_cycles', provisionalArg({ specified: 0x100000 })), ctx));
    assert.deepEqual([code, ic], [4, ErrorCode.CanisterNotHostedBySubnet]);
    assert.equal(text.split('\n')[0], `Unsuccessful validation of specified ID: Specified CanisterId ${id(0x100000).toText()} is not hosted by subnet ${s.metadata.ownSubnetId.toText()}.`);
  });

  it('not allowed off test networks (IC0536); malformed Candid (IC0408)', async () => {
    const ctx = ctxOf(newState(), { provisional: false });
    assert.deepEqual(rejectOf(await run(ingressCall('provisional_create_canister_with_cycles', provisionalArg()), ctx)), [5, ErrorCode.CanisterMethodNotFound,
      'Sender not authorized to use method.']);
    const [code, ic, text] = rejectOf(await run(canisterCall('provisional_create_canister_with_cycles', Uint8Array.of(9), id(1)), ctx));
    assert.deepEqual([code, ic], [4, ErrorCode.InvalidManagementPayload]);
    assert.match(text, /^Error decoding candid: /);
  });
});

describe('provisional_top_up_canister', () => {
  it('adds cycles; a missing canister is IC0301', async () => {
    const s = newState();
    addCanister(s, 1, { cycles: 10n });
    const ctx = ctxOf(s);
    const top = (n: number) => ingressCall('provisional_top_up_canister', arg(ProvisionalTopUpArgs, { canister_id: toPrincipal(id(n)), amount: 5n }));
    assert.equal((await run(top(1), ctx)).kind, 'reply');
    assert.equal(s.canister(id(1))?.systemState.balance, 15n);
    assert.deepEqual(rejectOf(await run(top(2), ctx)), [3, ErrorCode.CanisterNotFound, `Canister ${id(2).toText()} not found.`]);
  });
});
