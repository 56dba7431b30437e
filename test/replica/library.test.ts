// The in-process library's API (DESIGN.md contract 4), with the WAT counter.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode, Replica } from '../../src/index.ts';
import type { CanisterId } from '../../src/index.ts';
import { watFile } from '../corpus/wat.ts';

const u64 = (n: bigint): Uint8Array => { const b = new Uint8Array(8); new DataView(b.buffer).setBigUint64(0, n, true); return b; };
const readU64 = (b: Uint8Array): bigint => new DataView(b.buffer, b.byteOffset).getBigUint64(0, true);
const NONE = new Uint8Array(0);

describe('Replica', () => {
  let ic: Replica;
  let id: CanisterId;
  before(async () => {
    ic = await Replica.create();
    id = await ic.createCanister();
    await ic.installCode(id, await watFile('counter'), u64(41n));
  });
  after(async () => { await ic.close(); });

  it('updates and queries through batches', async () => {
    assert.equal(readU64(await ic.updateCall(id, 'inc', NONE)), 42n);
    assert.equal(readU64(await ic.query(id, 'get', NONE)), 42n);
  });

  it('submits, ticks and awaits; the status moves from unknown to replied in one round', async () => {
    const mid = await ic.submitCall(id, 'inc', NONE);
    assert.equal(ic.ingressStatus(mid), undefined);
    const h = ic.height;
    await ic.tick();
    assert.equal(ic.height, h + 1n);
    assert.equal(ic.ingressStatus(mid)?.state.kind, 'completed');
    const r = await ic.awaitCall(mid);
    assert.ok(r.kind === 'replied' && readU64(r.reply) === 43n);
  });

  it('advances time, and every round changes the state hash', async () => {
    const [t0, h0] = [ic.time, ic.stateHash()];
    ic.advanceTime(10_000_000_000n);
    await ic.tick();
    assert.ok(ic.time > t0 + 9_000_000_000n, "the batch carries the clock's new time");
    assert.equal(ic.stateHash().length, 32);
    assert.notDeepEqual(ic.stateHash(), h0);
  });

  it('reports a call that expired in the pool', async () => {
    const mid = await ic.submitCall(id, 'inc', NONE);
    ic.advanceTime(10n * 60_000_000_000n);
    await assert.rejects(ic.awaitCall(mid), /expired before it was inducted/);
  });

  it('tops up canisters and fails a bad module with IC0505', async () => {
    const before = ic.cycleBalance(id);
    await ic.topUpCanister(id, 1_000_000_000_000n);
    assert.ok(ic.cycleBalance(id) > before);
    const other = await ic.createCanister({ cycles: 5_000_000_000_000n });
    await assert.rejects(ic.installCode(other, Uint8Array.of(0, 1, 2, 3)), (e: Error & { code?: number }) => e.code === ErrorCode.CanisterInvalidWasm);
  });

  it('uninstalls a canister that cannot pay for its compute allocation', async () => {
    const poor = await ic.createCanister({ cycles: 2_000_000_000_000n, settings: { computeAllocation: 10n, freezingThreshold: 0n } });
    await ic.installCode(poor, await watFile('counter'), u64(1n));
    assert.equal(readU64(await ic.query(poor, 'get', NONE)), 1n);
    ic.advanceTime(6n * 3600n * 1_000_000_000n); // 10% for 6 hours costs ~2.2T cycles
    await ic.tick();
    await assert.rejects(ic.query(poor, 'get', NONE), (e: Error & { code?: number }) => e.code === ErrorCode.CanisterWasmModuleNotFound);
    assert.equal(ic.committedState.canister(poor)?.systemState.computeAllocation, 0n);
  });
});
