// `canister_status`, `canister_info`, `canister_metadata` of the management
// canister, end to end: by ingress, as a query, and from a canister (the
// WAT proxy of mgmt-proxy.ts, which reports exact reject codes).
//
// Test steps:
// 1. A controller reads a canister's status by an update call and by a
//    query: the same record, matching the committed state (memory, cycles,
//    settings, module hash).
// 2. Access: a stranger gets IC0542 by ingress (rejected at submit) and by
//    query; the canister itself may read its status; `status_visibility`
//    set by update_settings widens it (public, allowed_viewers), by ingress
//    and by query alike.
// 3. Errors: malformed Candid IC0408, missing canister IC0301 (with the
//    replicated path's period, without it in the query).
// 4. canister_info from a canister: history with num_requested_changes,
//    total count, module hash, controllers; by ingress IC0406; as a query
//    by anyone; malformed IC0408; missing IC0301.
// 5. canister_metadata: public for anyone, private for controllers only,
//    missing section and empty canister IC0406.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { Principal } from '@dfinity/principal';
import { CanisterId, ErrorCode, PrincipalId, Replica } from '../../src/index.ts';
import { IDL, MGMT, canisterIdArg, dec, enc, hex, p, rejectsWith } from './support.ts';
import { proxyAnswer, proxyArg, proxyWasm, withCustomSections } from './mgmt-proxy.ts';
import type { ProxyAnswer } from './mgmt-proxy.ts';

const CONTROLLER = PrincipalId.fromUint8Array(Uint8Array.of(0xc0, 0x01));
const STRANGER = PrincipalId.fromUint8Array(Uint8Array.of(0x55, 0x02));

const Visibility = IDL.Variant({ controllers: IDL.Null, public: IDL.Null, allowed_viewers: IDL.Vec(IDL.Principal) });
const StatusResult = IDL.Record({
  status: IDL.Variant({ running: IDL.Null, stopping: IDL.Null, stopped: IDL.Null }),
  ready_for_migration: IDL.Bool,
  version: IDL.Nat64,
  settings: IDL.Record({
    controllers: IDL.Vec(IDL.Principal), compute_allocation: IDL.Nat, memory_allocation: IDL.Nat, freezing_threshold: IDL.Nat,
    reserved_cycles_limit: IDL.Nat, minimum_incoming_canister_call_cycles: IDL.Nat, log_visibility: Visibility, log_memory_limit: IDL.Nat,
    snapshot_visibility: Visibility, status_visibility: Visibility, wasm_memory_limit: IDL.Nat, wasm_memory_threshold: IDL.Nat,
    environment_variables: IDL.Vec(IDL.Record({ name: IDL.Text, value: IDL.Text })),
  }),
  module_hash: IDL.Opt(IDL.Vec(IDL.Nat8)),
  memory_size: IDL.Nat,
  memory_metrics: IDL.Record({
    wasm_memory_size: IDL.Nat, stable_memory_size: IDL.Nat, global_memory_size: IDL.Nat, wasm_binary_size: IDL.Nat,
    custom_sections_size: IDL.Nat, canister_history_size: IDL.Nat, wasm_chunk_store_size: IDL.Nat, snapshots_size: IDL.Nat,
    log_memory_store_size: IDL.Nat,
  }),
  cycles: IDL.Nat,
  reserved_cycles: IDL.Nat,
  idle_cycles_burned_per_day: IDL.Nat,
  query_stats: IDL.Record({
    num_calls_total: IDL.Nat, num_instructions_total: IDL.Nat, request_payload_bytes_total: IDL.Nat, response_payload_bytes_total: IDL.Nat,
  }),
});
interface Status {
  status: Record<string, null>; ready_for_migration: boolean; version: bigint;
  settings: { controllers: Principal[]; freezing_threshold: bigint; log_visibility: Record<string, unknown>; log_memory_limit: bigint; status_visibility: Record<string, unknown> };
  module_hash: [] | [number[] | Uint8Array]; memory_size: bigint; memory_metrics: Record<string, bigint>; cycles: bigint; reserved_cycles: bigint;
  idle_cycles_burned_per_day: bigint; query_stats: Record<string, bigint>;
}

describe('management canister: canister_status, canister_info, canister_metadata', () => {
  let ic: Replica;
  let target: CanisterId;
  let proxy: CanisterId;
  let wasm: Uint8Array;
  const call = async (method: string, arg: Uint8Array): Promise<ProxyAnswer> =>
    proxyAnswer(await ic.updateCall(proxy, 'call', proxyArg(method, arg), { sender: CONTROLLER }));

  before(async () => {
    ic = await Replica.create();
    wasm = withCustomSections(await proxyWasm(), [
      ['icp:public candid:service', new TextEncoder().encode('service : {}')],
      ['icp:private secret', new TextEncoder().encode('s3cret')],
    ]);
    target = await ic.createCanister({ controllers: [CONTROLLER], sender: CONTROLLER });
    await ic.installCode(target, wasm, undefined, 'install', { sender: CONTROLLER });
    proxy = await ic.createCanister({ controllers: [CONTROLLER], sender: CONTROLLER });
    await ic.installCode(proxy, wasm, undefined, 'install', { sender: CONTROLLER });
  });
  after(async () => { await ic.close(); });

  it('canister_status by update and by query: the committed state, as ic.did', async () => {
    const byUpdate = dec<Status>(StatusResult, await ic.updateCall(MGMT, 'canister_status', canisterIdArg(target), { sender: CONTROLLER }));
    const byQuery = dec<Status>(StatusResult, await ic.query(MGMT, 'canister_status', canisterIdArg(target), { sender: CONTROLLER, effectiveCanisterId: target }));
    const c = ic.committedState.canister(target);
    assert.ok(c !== undefined);
    for (const s of [byUpdate, byQuery]) {
      assert.deepEqual(s.status, { running: null });
      assert.equal(s.ready_for_migration, false);
      assert.deepEqual(s.settings.controllers.map((x) => x.toText()), [CONTROLLER.toText()]);
      assert.equal(s.settings.freezing_threshold, 2_592_000n);
      assert.deepEqual(s.settings.log_visibility, { controllers: null });
      assert.deepEqual(s.settings.status_visibility, { controllers: null });
      assert.equal(s.settings.log_memory_limit, 4096n);
      assert.equal(hex(s.module_hash[0] ?? []), createHash('sha256').update(wasm).digest('hex'));
      assert.equal(s.memory_size, c.memoryUsage());
      let sum = 0n;
      for (const v of Object.values(s.memory_metrics)) sum += v;
      assert.equal(sum, s.memory_size);
      assert.equal(s.memory_metrics.wasm_memory_size, 40n * 65536n, 'the proxy\'s heap');
      // The replica's metadata memory: per icp: section, its name, one byte of visibility and the contents.
      assert.equal(s.memory_metrics.custom_sections_size, BigInt('candid:service'.length + 1 + 'service : {}'.length + 'secret'.length + 1 + 's3cret'.length));
      assert.equal(s.memory_metrics.log_memory_store_size, 0n, 'the log memory store is off, as in the replica\'s default configuration');
      assert.ok(s.idle_cycles_burned_per_day > 0n);
      assert.deepEqual(Object.values(s.query_stats), [0n, 0n, 0n, 0n]);
    }
    assert.equal(byQuery.cycles, c.systemState.balance);
    assert.equal(byQuery.version, c.systemState.canisterVersion);
  });

  it('canister_status: a stranger gets IC0542 by ingress and by query; the canister itself may read it', async () => {
    const text = `IC0542: Caller ${STRANGER.toText()} is not allowed to read the canister status`;
    await rejectsWith(ic.updateCall(MGMT, 'canister_status', canisterIdArg(target), { sender: STRANGER }), ErrorCode.CanisterStatusAccessDenied, text);
    await rejectsWith(ic.query(MGMT, 'canister_status', canisterIdArg(target), { sender: STRANGER }), ErrorCode.CanisterStatusAccessDenied, text);
    const fromProxy = await call('canister_status', canisterIdArg(target));
    assert.deepEqual(fromProxy, { kind: 'reject', code: 5, message: `Caller ${proxy.toText()} is not allowed to read the canister status`, refunded: 0n });
    const self = await call('canister_status', canisterIdArg(proxy));
    assert.equal(self.kind, 'reply');
    assert.deepEqual(dec<Status>(StatusResult, (self as { bytes: Uint8Array }).bytes).status, { running: null });
  });

  it('canister_status: status_visibility set by update_settings admits the public or the allowed viewers', async () => {
    const viewer = PrincipalId.fromUint8Array(Uint8Array.of(0x71, 0x03));
    const Update = IDL.Record({ canister_id: IDL.Principal, settings: IDL.Record({ status_visibility: IDL.Opt(Visibility) }) });
    const setVisibility = (v: Record<string, unknown>): Promise<Uint8Array> =>
      ic.updateCall(MGMT, 'update_settings', enc([Update], [{ canister_id: p(target), settings: { status_visibility: [v] } }]), { sender: CONTROLLER });
    const read = async (who: PrincipalId): Promise<void> => {
      const s = dec<Status>(StatusResult, await ic.updateCall(MGMT, 'canister_status', canisterIdArg(target), { sender: who }));
      assert.deepEqual(s.status, { running: null });
      await ic.query(MGMT, 'canister_status', canisterIdArg(target), { sender: who });
    };
    const denied = async (who: PrincipalId): Promise<void> => {
      const text = `IC0542: Caller ${who.toText()} is not allowed to read the canister status`;
      await rejectsWith(ic.updateCall(MGMT, 'canister_status', canisterIdArg(target), { sender: who }), ErrorCode.CanisterStatusAccessDenied, text);
      await rejectsWith(ic.query(MGMT, 'canister_status', canisterIdArg(target), { sender: who }), ErrorCode.CanisterStatusAccessDenied, text);
    };
    await setVisibility({ public: null });
    await read(STRANGER);
    assert.deepEqual(dec<Status>(StatusResult, await ic.query(MGMT, 'canister_status', canisterIdArg(target), { sender: STRANGER })).settings.status_visibility,
      { public: null });
    await setVisibility({ allowed_viewers: [p(viewer)] });
    await read(viewer);
    await read(CONTROLLER);
    await denied(STRANGER);
    await setVisibility({ controllers: null });
    await denied(viewer);
  });

  it('canister_status: malformed Candid IC0408, missing canister IC0301', async () => {
    const missing = CanisterId.fromU64(0xabcdn);
    const bad = enc([IDL.Text], ['x']);
    await rejectsWith(ic.query(MGMT, 'canister_status', bad, { sender: CONTROLLER }), ErrorCode.InvalidManagementPayload, /^IC0408: Error decoding candid: /);
    await rejectsWith(ic.query(MGMT, 'canister_status', canisterIdArg(missing), { sender: CONTROLLER }), ErrorCode.CanisterNotFound,
      `IC0301: Canister ${missing.toText()} not found`);
    const fromProxy = await call('canister_status', bad);
    assert.equal(fromProxy.kind, 'reject');
    assert.match((fromProxy as { message: string }).message, /^Error decoding candid: /);
    assert.deepEqual(await call('canister_status', canisterIdArg(missing)),
      { kind: 'reject', code: 3, message: `Canister ${missing.toText()} not found.`, refunded: 0n });
  });

  const InfoArgs = IDL.Record({ canister_id: IDL.Principal, num_requested_changes: IDL.Opt(IDL.Nat64) });
  const Change = IDL.Record({
    timestamp_nanos: IDL.Nat64, canister_version: IDL.Nat64,
    origin: IDL.Variant({
      from_user: IDL.Record({ user_id: IDL.Principal }),
      from_canister: IDL.Record({ canister_id: IDL.Principal, canister_version: IDL.Opt(IDL.Nat64) }),
    }),
    details: IDL.Variant({
      creation: IDL.Record({ controllers: IDL.Vec(IDL.Principal), environment_variables_hash: IDL.Opt(IDL.Vec(IDL.Nat8)) }),
      code_uninstall: IDL.Null,
      code_deployment: IDL.Record({ mode: IDL.Variant({ install: IDL.Null, reinstall: IDL.Null, upgrade: IDL.Null }), module_hash: IDL.Vec(IDL.Nat8) }),
      controllers_change: IDL.Record({ controllers: IDL.Vec(IDL.Principal) }),
    }),
  });
  const InfoResult = IDL.Record({
    total_num_changes: IDL.Nat64, recent_changes: IDL.Vec(Change), module_hash: IDL.Opt(IDL.Vec(IDL.Nat8)), controllers: IDL.Vec(IDL.Principal),
  });
  interface Info {
    total_num_changes: bigint; module_hash: [] | [number[]]; controllers: Principal[];
    recent_changes: { timestamp_nanos: bigint; canister_version: bigint; origin: Record<string, { user_id: Principal }>; details: Record<string, Record<string, unknown>> }[];
  }
  const infoArg = (id: CanisterId, n?: bigint): Uint8Array => enc([InfoArgs], [{ canister_id: p(id), num_requested_changes: n === undefined ? [] : [n] }]);

  it('canister_info from a canister: the last n changes, oldest first, the total, module hash and controllers', async () => {
    const none = await call('canister_info', infoArg(target));
    assert.equal(none.kind, 'reply');
    const i0 = dec<Info>(InfoResult, (none as { bytes: Uint8Array }).bytes);
    assert.equal(i0.total_num_changes, 2n);
    assert.deepEqual(i0.recent_changes, []);
    assert.equal(hex(i0.module_hash[0] ?? []), createHash('sha256').update(wasm).digest('hex'));
    assert.deepEqual(i0.controllers.map((x) => x.toText()), [CONTROLLER.toText()]);
    const all = dec<Info>(InfoResult, (await call('canister_info', infoArg(target, 20n)) as { bytes: Uint8Array }).bytes);
    assert.deepEqual(all.recent_changes.map((c) => Object.keys(c.details)[0]), ['creation', 'code_deployment']);
    assert.deepEqual(all.recent_changes.map((c) => c.canister_version), [0n, 1n]);
    assert.equal(all.recent_changes[0].origin.from_user.user_id.toText(), CONTROLLER.toText());
    assert.deepEqual(all.recent_changes[1].details.code_deployment.mode, { install: null });
    const h = ic.committedState.canister(target)?.systemState.canisterHistory.changes ?? [];
    assert.deepEqual(all.recent_changes.map((c) => c.timestamp_nanos), h.map((c) => c.timestampNanos));
    const last = dec<Info>(InfoResult, (await call('canister_info', infoArg(target, 1n)) as { bytes: Uint8Array }).bytes);
    assert.deepEqual(last.recent_changes.map((c) => Object.keys(c.details)[0]), ['code_deployment']);
  });

  it('canister_info: by ingress IC0406; as a query by anyone; malformed IC0408; missing IC0301', async () => {
    await rejectsWith(ic.updateCall(MGMT, 'canister_info', infoArg(target), { sender: CONTROLLER }), ErrorCode.CanisterRejectedMessage,
      'IC0406: Only canisters can call ic00 method canister_info');
    const q = dec<Info>(InfoResult, await ic.query(MGMT, 'canister_info', infoArg(target, 1n), { sender: STRANGER }));
    assert.equal(q.total_num_changes, 2n);
    assert.equal(q.recent_changes.length, 1);
    const bad = await call('canister_info', enc([IDL.Nat], [5n]));
    assert.equal(bad.kind, 'reject');
    assert.equal((bad as { code: number }).code, 4);
    assert.match((bad as { message: string }).message, /^Error decoding candid: /);
    const missing = CanisterId.fromU64(0xabcdn);
    assert.deepEqual(await call('canister_info', infoArg(missing)), { kind: 'reject', code: 3, message: `Canister ${missing.toText()} not found.`, refunded: 0n });
    await rejectsWith(ic.query(MGMT, 'canister_info', infoArg(missing)), ErrorCode.CanisterNotFound, `IC0301: Canister ${missing.toText()} not found`);
  });

  const MetaArgs = IDL.Record({ canister_id: IDL.Principal, name: IDL.Text });
  const metaArg = (id: CanisterId, name: string): Uint8Array => enc([MetaArgs], [{ canister_id: p(id), name }]);
  const metaValue = (a: ProxyAnswer): string =>
    new TextDecoder().decode(Uint8Array.from(dec<{ value: number[] }>(IDL.Record({ value: IDL.Vec(IDL.Nat8) }), (a as { bytes: Uint8Array }).bytes).value));

  it('canister_metadata: public sections for any canister, private ones for controllers only', async () => {
    assert.equal(metaValue(await call('canister_metadata', metaArg(target, 'candid:service'))), 'service : {}');
    const denied = await call('canister_metadata', metaArg(target, 'secret'));
    assert.deepEqual(denied, { kind: 'reject', code: 4, message: `The canister ${target.toText()} has no metadata section with the name secret.`, refunded: 0n });
    const owned = await ic.createCanister({ controllers: [CONTROLLER, proxy], sender: CONTROLLER });
    await ic.installCode(owned, wasm, undefined, 'install', { sender: CONTROLLER });
    assert.equal(metaValue(await call('canister_metadata', metaArg(owned, 'secret'))), 's3cret');
    assert.equal(metaValue(await call('canister_metadata', metaArg(owned, 'candid:service'))), 'service : {}');
  });

  it('canister_metadata: missing section, empty canister, missing canister, malformed Candid, ingress', async () => {
    assert.deepEqual(await call('canister_metadata', metaArg(target, 'nope')),
      { kind: 'reject', code: 4, message: `The canister ${target.toText()} has no metadata section with the name nope.`, refunded: 0n });
    const empty = await ic.createCanister({ controllers: [CONTROLLER], sender: CONTROLLER });
    assert.deepEqual(await call('canister_metadata', metaArg(empty, 'candid:service')),
      { kind: 'reject', code: 4, message: `The canister ${empty.toText()} has no Wasm module and hence no metadata is available.`, refunded: 0n });
    const missing = CanisterId.fromU64(0xabcdn);
    assert.deepEqual(await call('canister_metadata', metaArg(missing, 'x')), { kind: 'reject', code: 3, message: `Canister ${missing.toText()} not found.`, refunded: 0n });
    const bad = await call('canister_metadata', canisterIdArg(target));
    assert.equal((bad as { code: number }).code, 4);
    assert.match((bad as { message: string }).message, /^Error decoding candid: /);
    await rejectsWith(ic.updateCall(MGMT, 'canister_metadata', metaArg(target, 'candid:service'), { sender: CONTROLLER }),
      ErrorCode.CanisterRejectedMessage, 'IC0406: Only canisters can call ic00 method canister_metadata');
    await rejectsWith(ic.query(MGMT, 'canister_metadata', metaArg(target, 'candid:service')), ErrorCode.CanisterMethodNotFound,
      'IC0536: Query method canister_metadata not found.');
  });
});
