// The PocketIC suite, part 1: the unmodified `@dfinity/pic` 0.23 against
// bin/pocket-ic, launched by `PocketIcServer.start({ binPath })` as users
// launch it. Motoko canisters are compiled in the tests (canisters.ts).
//
// Covered here: PocketIcServer.start/getUrl/stop; PocketIc.create with one
// and with several subnets, getTopology and every get*Subnet(s),
// getDefaultEffectiveCanisterId, getPubKey, getCanisterSubnetId;
// setupCanister (init argument), createActor (update and query methods,
// setIdentity/setPrincipal with createIdentity and
// generateRandomIdentity), queryCall/updateCall, a trap's error text;
// createCanister, installCode/upgradeCanister/reinstallCode with a module
// over 2 MiB (pic-js uploads it in chunks), canisterStatus (module hash),
// updateCanisterSettings, stopCanister/startCanister, getControllers;
// getStableMemory/setStableMemory; createDeferredActor,
// getPendingHttpsOutcalls, mockPendingHttpsOutcall; tearDown.
// Time, timers and cycles are in pic-time.test.ts.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { PocketIc, PocketIcServer, SubnetStateType, createIdentity, generateRandomIdentity } from '@dfinity/pic';
import { Actor, HttpAgent } from '@icp-sdk/core/agent';
import { IDL } from '@icp-sdk/core/candid';
import { compileDemo, compileFetcher, demoIdl, fetcherIdl, padWasm } from './canisters.ts';
import type { DemoService, FetcherService } from './canisters.ts';
import { POCKET_IC_BIN, bytes, principal, rejection } from './support.ts';
import type { PicPrincipal } from './support.ts';

const NEW = { state: { type: SubnetStateType.New } } as const;
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const initArg = (n: bigint): Uint8Array => new Uint8Array(IDL.encode([IDL.Nat], [n]));

let server: PocketIcServer;
let demoV1: Uint8Array<ArrayBuffer>, demoV2: Uint8Array<ArrayBuffer>, fetcher: Uint8Array<ArrayBuffer>;

before(async () => {
  // Compile first: a cold Motoko compile can outlast the server's idle TTL (60 s) on a loaded machine.
  [demoV1, demoV2, fetcher] = await Promise.all([compileDemo('v1'), compileDemo('v2'), compileFetcher()]);
  server = await PocketIcServer.start({ binPath: POCKET_IC_BIN });
});
after(async () => { await server.stop(); });

describe('pic-js on bin/pocket-ic: instances and topology', () => {
  it('one application subnet by default; the default effective canister id is its first id', async () => {
    const pic = await PocketIc.create(server.getUrl());
    const topology = await pic.getTopology();
    assert.equal(topology.length, 1);
    assert.equal(topology[0]?.type, 'Application');
    assert.equal((await pic.getDefaultEffectiveCanisterId()).toText(), 'lxzze-o7777-77777-aaaaa-cai');
    assert.equal((await pic.getApplicationSubnets()).length, 1);
    await pic.tearDown();
  });

  it('several subnets: kinds, ranges, keys, canisters placed by target subnet and by id', async () => {
    const pic = await PocketIc.create(server.getUrl(), { nns: NEW, ii: NEW, fiduciary: NEW, system: [NEW], application: [NEW, NEW] });
    const topology = await pic.getTopology();
    assert.deepEqual(topology.map((s) => s.type).sort(), ['Application', 'Application', 'Fiduciary', 'II', 'NNS', 'System']);
    const nns = await pic.getNnsSubnet();
    assert.equal(nns?.canisterRanges[0]?.start.toText(), 'rwlgt-iiaaa-aaaaa-aaaaa-cai');
    assert.ok(await pic.getInternetIdentitySubnet());
    assert.ok(await pic.getFiduciarySubnet());
    assert.equal(await pic.getBitcoinSubnet(), undefined);
    assert.equal(await pic.getSnsSubnet(), undefined);
    assert.equal((await pic.getSystemSubnets()).length, 1);
    const apps = await pic.getApplicationSubnets();
    assert.equal(apps.length, 2);
    const keys = await Promise.all(topology.map((s) => pic.getPubKey(s.id)));
    for (const k of keys) assert.equal(k.length, 133); // DER BLS12-381 G2 key
    assert.equal(new Set(keys.map((k) => Buffer.from(k).toString('hex'))).size, keys.length);
    const second = apps[1] as (typeof apps)[number];
    const onSecond = await pic.createCanister({ targetSubnetId: second.id });
    assert.equal((await pic.getCanisterSubnetId(onSecond))?.toText(), second.id.toText());
    assert.ok(second.canisterRanges.some((r) => r.start.compareTo(onSecond) !== 'gt' && r.end.compareTo(onSecond) !== 'lt'));
    const specified = await pic.createCanister({ targetCanisterId: principal('rdmx6-jaaaa-aaaaa-aaadq-cai') });
    assert.equal((await pic.getCanisterSubnetId(specified))?.toText(), (await pic.getInternetIdentitySubnet())?.id.toText());
    assert.equal(await pic.getCanisterSubnetId(principal('ryjl3-tyaaa-aaaaa-aaaba-cai')), null);
    await pic.tearDown();
  });
});

describe('pic-js on bin/pocket-ic: canisters and actors', () => {
  it('setupCanister with an init argument; actor updates and queries; identities; raw calls; a trap', async () => {
    const pic = await PocketIc.create(server.getUrl());
    const { actor, canisterId } = await pic.setupCanister<DemoService>({ idlFactory: demoIdl, wasm: demoV1, arg: initArg(41n) });
    assert.equal(await actor.inc(), 42n);
    assert.equal(await actor.get(), 42n);
    assert.equal((await actor.whoami()).toText(), '2vxsx-fae');
    const alice = createIdentity('alice');
    actor.setIdentity(alice);
    assert.equal((await actor.whoami()).toText(), alice.getPrincipal().toText());
    const random = generateRandomIdentity();
    actor.setPrincipal(random.getPrincipal());
    assert.equal((await actor.whoami()).toText(), random.getPrincipal().toText());
    const reply = await pic.updateCall({ canisterId, method: 'inc', arg: new Uint8Array(IDL.encode([], [])) });
    assert.deepEqual(IDL.decode([IDL.Nat], reply), [43n]);
    const q = await pic.queryCall({ canisterId, method: 'get', arg: new Uint8Array(IDL.encode([], [])), sender: alice.getPrincipal() });
    assert.deepEqual(IDL.decode([IDL.Nat], q), [43n]);
    const message = await rejection(actor.fail('boom'));
    assert.match(message, /Canister called `ic0\.trap` with message: 'boom'/);
    assert.match(message, /Reject code: CanisterError\. Error code: CanisterCalledTrap\. Certified: true/);
    assert.deepEqual((await pic.getControllers(canisterId)).map((p) => p.toText()), ['2vxsx-fae']);
    await pic.tearDown();
    await assert.rejects(pic.tick(), /Instance was deleted/);
  });

  it('install, upgrade and reinstall, with a module over 2 MiB installed through chunks', async () => {
    const pic = await PocketIc.create(server.getUrl());
    const big = padWasm(demoV1, 2_500_000);
    const canisterId = await pic.createCanister();
    await pic.installCode({ canisterId, wasm: big, arg: initArg(7n) });
    const actor = pic.createActor<DemoService>(demoIdl, canisterId);
    assert.equal(await actor.inc(), 8n);
    let status = await pic.canisterStatus({ canisterId });
    assert.deepEqual(status.status, { running: null });
    assert.equal(Buffer.from(status.moduleHash ?? []).toString('hex'), sha256(big));
    await pic.upgradeCanister({ canisterId, wasm: demoV2, arg: initArg(7n), upgradeModeOptions: { wasm_memory_persistence: [{ keep: null }], skip_pre_upgrade: [] } });
    assert.equal(await actor.version(), 'v2');
    assert.equal(await actor.get(), 8n);
    const bigV2 = padWasm(demoV2, 2_600_000);
    await pic.upgradeCanister({ canisterId, wasm: bigV2, arg: initArg(7n), upgradeModeOptions: { wasm_memory_persistence: [{ keep: null }], skip_pre_upgrade: [] } });
    assert.equal(await actor.get(), 8n);
    status = await pic.canisterStatus({ canisterId });
    assert.equal(Buffer.from(status.moduleHash ?? []).toString('hex'), sha256(bigV2));
    await pic.reinstallCode({ canisterId, wasm: big, arg: initArg(100n) });
    assert.equal(await actor.version(), 'v1');
    assert.equal(await actor.get(), 100n);
    await pic.tearDown();
  });

  it('settings and status; stop and start; a query to a stopped canister', async () => {
    const pic = await PocketIc.create(server.getUrl());
    const { actor, canisterId } = await pic.setupCanister<DemoService>({ idlFactory: demoIdl, wasm: demoV1, arg: initArg(0n) });
    const alice = createIdentity('alice').getPrincipal();
    await pic.updateCanisterSettings({
      canisterId, controllers: [principal('2vxsx-fae'), alice], freezingThreshold: 1_000n, logVisibility: { public: null },
      wasmMemoryThreshold: 1_000_000n, environmentVariables: [{ name: 'MODE', value: 'test' }],
    });
    const status = await pic.canisterStatus({ canisterId });
    assert.deepEqual(status.settings.controllers.map((p) => p.toText()).sort(), [principal('2vxsx-fae').toText(), alice.toText()].sort());
    assert.equal(status.settings.freezingThreshold, 1_000n);
    assert.deepEqual(status.settings.logVisibility, { public: null });
    assert.equal(status.settings.wasmMemoryThreshold, 1_000_000n);
    assert.deepEqual(status.settings.environmentVariables, [{ name: 'MODE', value: 'test' }]);
    assert.deepEqual((await pic.getControllers(canisterId)).map((p) => p.toText()).sort(), [principal('2vxsx-fae').toText(), alice.toText()].sort());
    await pic.stopCanister({ canisterId });
    assert.deepEqual((await pic.canisterStatus({ canisterId })).status, { stopped: null });
    assert.match(await rejection(actor.inc()), new RegExp(`Canister ${canisterId.toText()} is stopped.*Error code: CanisterStopped`));
    assert.match(await rejection(actor.get()), new RegExp(`Canister ${canisterId.toText()} is not running.*Error code: CanisterStopped`));
    await pic.startCanister({ canisterId });
    assert.equal(await actor.inc(), 1n);
    await pic.tearDown();
  });

  it('stable memory: getStableMemory sees what the canister wrote; setStableMemory replaces it', async () => {
    const pic = await PocketIc.create(server.getUrl());
    const { actor, canisterId } = await pic.setupCanister<DemoService>({ idlFactory: demoIdl, wasm: demoV1, arg: initArg(0n) });
    const marker = [0xca, 0xfe, 0xba, 0xbe, 1, 2, 3];
    await actor.stableWrite(100n, marker);
    const saved = await pic.getStableMemory(canisterId);
    assert.equal(saved.length % 65_536, 0);
    assert.ok(Buffer.from(saved).indexOf(Buffer.from(marker)) >= 0);
    await pic.setStableMemory(canisterId, new Uint8Array(saved.length));
    assert.deepEqual(bytes(await actor.stableRead(100n, 7n)), [0, 0, 0, 0, 0, 0, 0]);
    await pic.setStableMemory(canisterId, saved);
    assert.deepEqual(bytes(await actor.stableRead(100n, 7n)), marker);
    assert.equal(sha256(await pic.getStableMemory(canisterId)), sha256(saved));
    await pic.tearDown();
  });
});

describe('pic-js on bin/pocket-ic: HTTPS outcalls', () => {
  it('a deferred call makes an outcall; it is listed, mocked and answered through the transform', async () => {
    const pic = await PocketIc.create(server.getUrl());
    const { canisterId } = await pic.setupCanister<FetcherService>({ idlFactory: fetcherIdl, wasm: fetcher });
    const deferred = pic.createDeferredActor<FetcherService>(fetcherIdl, canisterId);
    const first = await deferred.fetch('https://example.com/greeting');
    const second = await deferred.fetch('https://example.com/down');
    await pic.tick(2);
    const pending = await pic.getPendingHttpsOutcalls();
    assert.equal(pending.length, 2);
    const [a, b] = pending as [(typeof pending)[number], (typeof pending)[number]];
    assert.equal(a.url, 'https://example.com/greeting');
    assert.equal(a.httpMethod, 'GET');
    assert.deepEqual(a.headers, [['accept', 'text/plain']]);
    assert.equal(a.maxResponseBytes, 10_000);
    assert.equal(a.subnetId.toText(), (await pic.getCanisterSubnetId(canisterId))?.toText());
    await pic.mockPendingHttpsOutcall({
      requestId: a.requestId, subnetId: a.subnetId,
      response: { type: 'success', statusCode: 200, headers: [['x-drop', 'me']], body: new TextEncoder().encode('hello') },
    });
    await pic.mockPendingHttpsOutcall({ requestId: b.requestId, subnetId: b.subnetId, response: { type: 'reject', statusCode: 2, message: 'unreachable' } });
    assert.equal(await first(), '200 hello');
    assert.equal(await second(), 'reject #system_transient unreachable');
    assert.deepEqual(await pic.getPendingHttpsOutcalls(), []);
    assert.match(await rejection(pic.mockPendingHttpsOutcall({
      requestId: a.requestId, subnetId: a.subnetId, response: { type: 'success', statusCode: 200, headers: [], body: new Uint8Array() },
    })), /InvalidCanisterHttpRequestId/);
    await pic.tearDown();
  });
});

describe('pic-js on bin/pocket-ic: calls across subnets', () => {
  it('a canister on one application subnet calls one on another (XNet streams)', async () => {
    const pic = await PocketIc.create(server.getUrl(), { application: [NEW, NEW] });
    const [s1, s2] = (await pic.getApplicationSubnets()) as unknown as [{ id: PicPrincipal }, { id: PicPrincipal }];
    const a = await pic.setupCanister<DemoService>({ idlFactory: demoIdl, wasm: demoV1, arg: initArg(0n), targetSubnetId: s1.id });
    const b = await pic.setupCanister<DemoService>({ idlFactory: demoIdl, wasm: demoV1, arg: initArg(10n), targetSubnetId: s2.id });
    assert.notEqual((await pic.getCanisterSubnetId(a.canisterId))?.toText(), (await pic.getCanisterSubnetId(b.canisterId))?.toText());
    assert.equal(await a.actor.incOther(b.canisterId), 11n);
    assert.equal(await b.actor.incOther(a.canisterId), 1n);
    assert.equal(await b.actor.get(), 11n);
    assert.match(await rejection(a.actor.incOther(principal('ryjl3-tyaaa-aaaaa-aaaba-cai'))), /No route to canister ryjl3-tyaaa-aaaaa-aaaba-cai/);
    await pic.tearDown();
  });
});

describe('pic-js on bin/pocket-ic: live mode', () => {
  it('makeLive serves the instance over the IC HTTP interface to an agent; stopLive stops it', async () => {
    const pic = await PocketIc.create(server.getUrl());
    const { canisterId } = await pic.setupCanister<DemoService>({ idlFactory: demoIdl, wasm: demoV1, arg: initArg(5n) });
    const port = await pic.makeLive();
    assert.equal(await pic.makeLive(), port, 'live already: the same gateway');
    const agent = await HttpAgent.create({ host: `http://127.0.0.1:${port}`, shouldFetchRootKey: true });
    const idl: IDL.InterfaceFactory = ({ IDL: I }) => I.Service({ inc: I.Func([], [I.Nat], []), get: I.Func([], [I.Nat], ['query']), now: I.Func([], [I.Int], ['query']) });
    const actor = Actor.createActor<{ inc(): Promise<bigint>; get(): Promise<bigint>; now(): Promise<bigint> }>(idl, { agent, canisterId: canisterId.toText() });
    assert.equal(await actor.inc(), 6n, 'an update call with a certified answer');
    assert.equal(await actor.get(), 6n, 'a query with node signatures the agent verifies');
    const drift = Number((await actor.now()) / 1_000_000n) - Date.now();
    assert.ok(Math.abs(drift) < 60_000, `live time follows the wall clock (off by ${drift} ms)`);
    await pic.stopLive();
    await assert.rejects(fetch(`http://127.0.0.1:${port}/api/v2/status`));
    await pic.tearDown();
  });
});
