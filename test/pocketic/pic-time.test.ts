// The PocketIC suite, part 2: time, timers and cycles through the
// unmodified `@dfinity/pic` against bin/pocket-ic (a server of this
// file's own: see support.ts).
//
// Covered here: getTime (PocketIC's start, 2021-05-06T19:17:10Z),
// setTime/advanceTime (the next round's time; queries see the last
// round's time until a tick), setCertifiedTime/advanceCertifiedTime
// (visible to queries at once), resetTime/resetCertifiedTime, time into
// the past refused at once with SettingTimeIntoPast; tick; a recurring
// Motoko timer fired by advanceTime + tick; getCyclesBalance, addCycles
// beyond 2^53 (u128 on the wire), cycles drained over 30 days.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PocketIc } from '@dfinity/pic';
import { IDL } from '@icp-sdk/core/candid';
import { compileDemo, demoIdl } from './canisters.ts';
import type { DemoService } from './canisters.ts';
import { principal, rejection, startServer } from './support.ts';
import type { PicPrincipal, Server } from './support.ts';

const START_MS = 1_620_328_630_000;
const MS = 1_000_000n;
const initArg = (n: bigint): Uint8Array => new Uint8Array(IDL.encode([IDL.Nat], [n]));

let server: Server;
let demo: Uint8Array<ArrayBuffer>;

before(async () => {
  demo = await compileDemo('v1'); // before the server: a cold compile can outlast its idle TTL
  server = await startServer();
});
after(async () => { await server.stop(); });

async function withDemo(f: (pic: PocketIc, actor: DemoService, canisterId: PicPrincipal) => Promise<void>): Promise<void> {
  const pic = await PocketIc.create(server.url);
  try {
    const { actor, canisterId } = await pic.setupCanister<DemoService>({ idlFactory: demoIdl, wasm: demo, arg: initArg(0n) });
    await f(pic, actor, canisterId);
  } finally {
    await pic.tearDown();
  }
}

describe('pic-js on bin/pocket-ic: time', () => {
  it("starts at PocketIC's time; a round without a time change is 1 ns later", async () => {
    const pic = await PocketIc.create(server.url);
    assert.equal(await pic.getTime(), START_MS);
    await pic.tearDown();
    await withDemo(async (p, actor) => {
      const t0 = await actor.now();
      assert.ok(t0 >= BigInt(START_MS) * MS && t0 < (BigInt(START_MS) + 1n) * MS);
      await p.tick();
      await p.tick();
      assert.equal(await actor.now(), t0 + 2n);
    });
  });

  it('setTime and advanceTime move the next round; queries see the change after a tick', async () => {
    await withDemo(async (pic, actor) => {
      const before = await actor.now();
      const target = START_MS + 3_600_000;
      await pic.setTime(target);
      assert.equal(await pic.getTime(), target);
      assert.equal(await actor.now(), before);
      await pic.tick();
      assert.equal(await actor.now(), BigInt(target) * MS);
      await pic.advanceTime(0);
      await pic.advanceTime(1_500);
      await pic.tick();
      assert.equal(await actor.now(), BigInt(target + 1_500) * MS);
      assert.equal(await pic.getTime(), target + 1_500);
    });
  });

  it('setCertifiedTime and advanceCertifiedTime are seen by queries at once', async () => {
    await withDemo(async (pic, actor) => {
      const target = START_MS + 86_400_000;
      await pic.setCertifiedTime(new Date(target));
      assert.equal(await actor.now(), BigInt(target) * MS);
      await pic.advanceCertifiedTime(250);
      assert.equal(await actor.now(), BigInt(target + 250) * MS);
      await pic.advanceCertifiedTime(0);
      assert.equal(await pic.getTime(), target + 250);
    });
  });

  it('time never goes back: SettingTimeIntoPast at once; resetTime goes to the wall clock', async () => {
    const pic = await PocketIc.create(server.url);
    await pic.setTime(START_MS + 10_000);
    const started = Date.now();
    const message = await rejection(pic.setTime(START_MS));
    assert.ok(Date.now() - started < 2_000, 'the refusal is immediate');
    assert.match(message, new RegExp(`SettingTimeIntoPast\\(\\(${BigInt(START_MS + 10_000) * MS}, ${BigInt(START_MS) * MS}\\)\\)`));
    await assert.rejects(pic.setCertifiedTime(START_MS), /SettingTimeIntoPast/);
    const wall = Date.now();
    await pic.resetTime();
    const now = await pic.getTime();
    assert.ok(now >= wall && now <= Date.now(), `${now} is the wall clock`);
    await pic.resetCertifiedTime();
    assert.ok(await pic.getTime() >= now);
    await pic.tearDown();
  });
});

describe('pic-js on bin/pocket-ic: timers', () => {
  it('a recurring timer fires when advanceTime passes its period and a round runs', async () => {
    await withDemo(async (pic, actor) => {
      await actor.startTimer(1n);
      assert.deepEqual(await actor.timer(), [0n, 0n]);
      await pic.advanceTime(1_000);
      await pic.tick();
      const [runs1, at1] = await actor.timer();
      assert.equal(runs1, 1n);
      assert.equal(at1 / MS, BigInt(await pic.getTime()));
      await pic.advanceTime(10_000);
      await pic.tick();
      const [runs2, at2] = await actor.timer();
      assert.equal(runs2, 2n, 'a recurring timer runs once per round however far time jumps');
      assert.equal(at2 - at1, 10_000n * MS);
      await pic.tick();
      assert.equal((await actor.timer())[0], 2n, 'not due again');
    });
  });
});

describe('pic-js on bin/pocket-ic: cycles', () => {
  it('getCyclesBalance and addCycles with amounts beyond 2^53; 30 days of idle charges drain the balance', async () => {
    const pic = await PocketIc.create(server.url);
    const canisterId = await pic.createCanister();
    assert.equal(await pic.getCyclesBalance(canisterId), 1_000_000_000_000_000_000n);
    const added = 2n ** 100n + 1n;
    const balance = await pic.addCycles(canisterId, added);
    assert.equal(balance, 1_000_000_000_000_000_000n + added);
    assert.equal(await pic.getCyclesBalance(canisterId), balance);
    await pic.installCode({ canisterId, wasm: demo, arg: initArg(0n) });
    const installed = await pic.getCyclesBalance(canisterId);
    assert.ok(installed < balance, 'install_code costs cycles');
    await pic.advanceTime(30 * 24 * 3_600_000);
    await pic.tick(5);
    assert.ok(await pic.getCyclesBalance(canisterId) < installed, 'idle resource charges');
    assert.match(await rejection(pic.getCyclesBalance(principal('ryjl3-tyaaa-aaaaa-aaaba-cai'))), /CanisterNotFound\(CanisterId\(ryjl3-tyaaa-aaaaa-aaaba-cai\)\)/);
    await pic.tearDown();
  });
});
