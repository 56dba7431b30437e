// `fetch_canister_logs`, end to end: the records of `debug_print` and of
// traps written by replicated executions, read back by a query.
//
// Test steps:
// 1. A canister prints two lines, traps with a message, executes
//    `unreachable`: the controller's query returns four records with
//    consecutive indices, the batch time of each execution, and the
//    contents `a`, `b`, `[TRAP]: <message>`, `[TRAP]: unreachable`.
// 2. The filter: `by_idx` and `by_timestamp_nanos` keep `[start, end)`;
//    an empty range gives nothing.
// 3. The buffer is bounded: 60 lines of 100 bytes leave only the newest
//    records that fit in 4096 bytes (content + 40 bytes each), indices
//    still counting on.
// 4. Access: the default `log_visibility` (controllers) rejects a stranger
//    with IC0406; malformed Candid IC0408; a missing canister IC0301.
// 5. Not in replicated mode: by ingress IC0406 (ingress filter), from a
//    canister IC0406 with the replica's text; a query of an unknown
//    management method IC0536.
// 6. Every `log_visibility` set by update_settings: public (anyone),
//    allowed_viewers (the viewers and the controllers), controllers.
// 7. `log_memory_limit` set by update_settings bounds the buffer: 8 KiB
//    keeps twice as many records; back to 4 KiB drops the oldest.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CanisterId, ErrorCode, PrincipalId, Replica } from '../../src/index.ts';
import { IDL, MGMT, dec, enc, p, rejectsWith } from './support.ts';
import { proxyAnswer, proxyArg, proxyCanister } from './mgmt-proxy.ts';

const CONTROLLER = PrincipalId.fromUint8Array(Uint8Array.of(0xc0, 0x01));
const STRANGER = PrincipalId.fromUint8Array(Uint8Array.of(0x55, 0x02));
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

const Range = IDL.Record({ start: IDL.Nat64, end: IDL.Nat64 });
const Args = IDL.Record({ canister_id: IDL.Principal, filter: IDL.Opt(IDL.Variant({ by_idx: Range, by_timestamp_nanos: Range })) });
const Result = IDL.Record({ canister_log_records: IDL.Vec(IDL.Record({ idx: IDL.Nat64, timestamp_nanos: IDL.Nat64, content: IDL.Vec(IDL.Nat8) })) });
interface Rec { idx: bigint; timestamp_nanos: bigint; content: string }
type Filter = { by_idx: { start: bigint; end: bigint } } | { by_timestamp_nanos: { start: bigint; end: bigint } };
const logsArg = (id: CanisterId, filter?: Filter): Uint8Array => enc([Args], [{ canister_id: p(id), filter: filter === undefined ? [] : [filter] }]);
const VIEWER = PrincipalId.fromUint8Array(Uint8Array.of(0x71, 0x03));
const Visibility = IDL.Variant({ controllers: IDL.Null, public: IDL.Null, allowed_viewers: IDL.Vec(IDL.Principal) });
const UpdateSettings = IDL.Record({
  canister_id: IDL.Principal,
  settings: IDL.Record({ log_visibility: IDL.Opt(Visibility), log_memory_limit: IDL.Opt(IDL.Nat) }),
});

describe('management canister: fetch_canister_logs', () => {
  let ic: Replica;
  let id: CanisterId;
  const fetch = async (filter?: Filter, sender = CONTROLLER): Promise<Rec[]> => {
    const r = dec<{ canister_log_records: { idx: bigint; timestamp_nanos: bigint; content: number[] }[] }>(Result,
      await ic.query(MGMT, 'fetch_canister_logs', logsArg(id, filter), { sender, effectiveCanisterId: id }));
    return r.canister_log_records.map((x) => ({ idx: x.idx, timestamp_nanos: x.timestamp_nanos, content: new TextDecoder().decode(Uint8Array.from(x.content)) }));
  };

  before(async () => {
    ic = await Replica.create();
    id = await proxyCanister(ic, { controllers: [CONTROLLER], sender: CONTROLLER });
  });
  after(async () => { await ic.close(); });

  it('returns the debug prints and trap messages of replicated executions, with index and batch time', async () => {
    const times: bigint[] = [];
    await ic.updateCall(id, 'print', utf8('a'), { sender: CONTROLLER });
    times.push(ic.time);
    ic.advanceTime(1_000_000_000n);
    await ic.updateCall(id, 'print', utf8('b'), { sender: CONTROLLER });
    times.push(ic.time);
    await rejectsWith(ic.updateCall(id, 'boom', utf8('it broke'), { sender: CONTROLLER }), ErrorCode.CanisterCalledTrap, /it broke/);
    times.push(ic.time);
    await rejectsWith(ic.updateCall(id, 'unreachable', new Uint8Array(0), { sender: CONTROLLER }), ErrorCode.CanisterTrapped, /unreachable/);
    times.push(ic.time);
    await ic.query(id, 'hello', new Uint8Array(0));
    const logs = await fetch();
    assert.deepEqual(logs, [
      { idx: 0n, timestamp_nanos: times[0], content: 'a' },
      { idx: 1n, timestamp_nanos: times[1], content: 'b' },
      { idx: 2n, timestamp_nanos: times[2], content: '[TRAP]: it broke' },
      { idx: 3n, timestamp_nanos: times[3], content: '[TRAP]: unreachable' },
    ]);
    assert.ok(times[1] > times[0]);
  });

  it('filters by index and by timestamp, [start, end)', async () => {
    const all = await fetch();
    assert.deepEqual((await fetch({ by_idx: { start: 1n, end: 3n } })).map((r) => r.idx), [1n, 2n]);
    assert.deepEqual(await fetch({ by_idx: { start: 3n, end: 3n } }), []);
    assert.deepEqual(await fetch({ by_idx: { start: 5n, end: 1n } }), []);
    const t1 = all[1].timestamp_nanos;
    assert.deepEqual((await fetch({ by_timestamp_nanos: { start: t1, end: t1 + 1n } })).map((r) => r.content), ['b']);
    assert.deepEqual((await fetch({ by_timestamp_nanos: { start: 0n, end: all[0].timestamp_nanos + 1n } })).map((r) => r.content), ['a']);
  });

  it('keeps only the newest records that fit in the 4 KiB log buffer', async () => {
    const before = (await fetch()).at(-1)?.idx ?? 0n;
    for (let i = 0; i < 60; i++) await ic.updateCall(id, 'print', utf8(String(i).padStart(100, '.')), { sender: CONTROLLER });
    const logs = await fetch();
    const bytes = logs.reduce((n, r) => n + utf8(r.content).length + 40, 0);
    assert.ok(bytes <= 4096, `${bytes} bytes kept`);
    assert.equal(logs.length, Math.floor(4096 / 140));
    assert.equal(logs.at(-1)?.idx, before + 60n);
    assert.equal(logs.at(-1)?.content, '59'.padStart(100, '.'));
    for (let i = 1; i < logs.length; i++) assert.equal(logs[i].idx, logs[i - 1].idx + 1n);
  });

  it('default log_visibility: controllers only (IC0406); malformed Candid IC0408; missing canister IC0301', async () => {
    await rejectsWith(ic.query(MGMT, 'fetch_canister_logs', logsArg(id), { sender: STRANGER }), ErrorCode.CanisterRejectedMessage,
      `IC0406: Caller ${STRANGER.toText()} is not allowed to access canister logs`);
    await rejectsWith(ic.query(MGMT, 'fetch_canister_logs', enc([IDL.Text], ['x']), { sender: CONTROLLER }), ErrorCode.InvalidManagementPayload,
      /^IC0408: Error decoding candid: /);
    const missing = CanisterId.fromU64(0xabcdn);
    await rejectsWith(ic.query(MGMT, 'fetch_canister_logs', logsArg(missing), { sender: CONTROLLER }), ErrorCode.CanisterNotFound,
      `IC0301: Canister ${missing.toText()} not found`);
  });

  it('is a query only: ingress and canister calls are rejected; unknown query methods IC0536', async () => {
    await rejectsWith(ic.updateCall(MGMT, 'fetch_canister_logs', logsArg(id), { sender: CONTROLLER }), ErrorCode.CanisterRejectedMessage,
      'IC0406: ic00 method fetch_canister_logs can not be called via ingress messages');
    const fromCanister = proxyAnswer(await ic.updateCall(id, 'call', proxyArg('fetch_canister_logs', logsArg(id)), { sender: CONTROLLER }));
    assert.deepEqual(fromCanister, { kind: 'reject', code: 4, message: 'fetch_canister_logs API is only accessible to end users in non-replicated mode', refunded: 0n });
    await rejectsWith(ic.query(MGMT, 'install_code', new Uint8Array(0)), ErrorCode.CanisterMethodNotFound, 'IC0536: Query method install_code not found.');
  });

  const updateSettings = (settings: { log_visibility?: Record<string, unknown>; log_memory_limit?: bigint }): Promise<Uint8Array> =>
    ic.updateCall(MGMT, 'update_settings', enc([UpdateSettings], [{
      canister_id: p(id),
      settings: {
        log_visibility: settings.log_visibility === undefined ? [] : [settings.log_visibility],
        log_memory_limit: settings.log_memory_limit === undefined ? [] : [settings.log_memory_limit],
      },
    }]), { sender: CONTROLLER });
  const denied = (who: PrincipalId): Promise<void> => rejectsWith(fetch(undefined, who), ErrorCode.CanisterRejectedMessage,
    `IC0406: Caller ${who.toText()} is not allowed to access canister logs`);

  it('honours every log_visibility set by update_settings', async () => {
    const expected = await fetch();
    await updateSettings({ log_visibility: { public: null } });
    assert.deepEqual(await fetch(undefined, STRANGER), expected);
    assert.deepEqual(await fetch(undefined, VIEWER), expected);
    await updateSettings({ log_visibility: { allowed_viewers: [p(VIEWER)] } });
    assert.deepEqual(await fetch(undefined, VIEWER), expected);
    assert.deepEqual(await fetch(undefined, CONTROLLER), expected);
    await denied(STRANGER);
    await updateSettings({ log_visibility: { controllers: null } });
    await denied(VIEWER);
    await denied(STRANGER);
    assert.deepEqual(await fetch(undefined, CONTROLLER), expected);
  });

  it('log_memory_limit set by update_settings bounds the buffer', async () => {
    await updateSettings({ log_memory_limit: 8192n });
    for (let i = 0; i < 100; i++) await ic.updateCall(id, 'print', utf8(String(i).padStart(100, '#')), { sender: CONTROLLER });
    const wide = await fetch();
    assert.equal(wide.length, Math.floor(8192 / 140));
    assert.equal(wide.at(-1)?.content, '99'.padStart(100, '#'));
    await updateSettings({ log_memory_limit: 4096n });
    const narrow = await fetch();
    assert.equal(narrow.length, Math.floor(4096 / 140));
    assert.deepEqual(narrow, wide.slice(wide.length - narrow.length));
  });
});
