// Determinism of a network: two networks fed the same calls reach the same
// state hash on every subnet after every round; and a subnet that joins a
// running network is reachable from the others.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Network, Subnet } from '../../src/network/index.ts';
import type { Batch } from '../../src/consensus/index.ts';
import { ManualClock } from '../../src/env/index.ts';
import { Hypervisor } from '../../src/hypervisor/index.ts';
import { stateHash } from '../../src/state/index.ts';
import { time } from '../../src/types/index.ts';
import type { CanisterId } from '../../src/types/index.ts';
import { CanisterId as Id } from '../../src/types/index.ts';
import { IDL, NONE, dec, enc, p } from '../replica/support.ts';
import { nodeWasm } from '../replica/canisters.ts';
import { appNetwork, installOn, rangeOf } from './support.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** Two subnets, canisters a (first) and b, c (second). */
async function setUp(): Promise<{ net: Network; a: CanisterId; b: CanisterId; c: CanisterId }> {
  const net = await appNetwork(2);
  const wasm = await nodeWasm();
  const [A, B] = net.subnets;
  return { net, a: await installOn(net, A, wasm), b: await installOn(net, B, wasm), c: await installOn(net, B, wasm) };
}

/** Submits round `r`'s calls (a mix across and within subnets, some rejected). */
async function submitRound(net: Network, ids: { a: CanisterId; b: CanisterId; c: CanisterId }, r: number): Promise<void> {
  const { a, b, c } = ids;
  const missing = Id.fromU64((rangeOf(1).start.toU64() as bigint) + 4242n);
  if (r % 5 === 0) await net.submitCall(a, 'ping', enc([IDL.Principal, IDL.Nat], [p(b), BigInt(r % 7)]));
  if (r % 7 === 1) await net.submitCall(a, 'sendMany', enc([IDL.Principal, IDL.Nat], [p(c), 40n]));
  if (r % 4 === 2) await net.submitCall(b, 'hop', enc([IDL.Vec(IDL.Principal), IDL.Nat], [[p(a), p(c)], BigInt(r)]));
  if (r % 6 === 3) await net.submitCall(c, 'callRaw', enc([IDL.Principal, IDL.Text], [p(missing), 'x']));
  if (r % 9 === 4) await net.submitCall(b, 'callRaw', enc([IDL.Principal, IDL.Text], [p(a), 'trapMe']));
  if (r % 10 === 9) net.advanceTime(1_000_000_000n);
}

describe('XNet determinism', () => {
  it('two networks fed the same calls have equal state hashes on every subnet after every round', async () => {
    const x = await setUp();
    const y = await setUp();
    try {
      assert.deepEqual(x.net.stateHashes().map(hex), y.net.stateHashes().map(hex), 'after set-up');
      let streamed = 0n;
      for (let r = 0; r < 40; r++) {
        await submitRound(x.net, x, r);
        await submitRound(y.net, y, r);
        await x.net.tick();
        await y.net.tick();
        assert.deepEqual(x.net.stateHashes().map(hex), y.net.stateHashes().map(hex), `round ${r}`);
      }
      for (const s of x.net.subnets) for (const { stream } of s.committedState.streams.entries()) streamed += stream.end;
      assert.ok(streamed > 100n, `${streamed} messages went through streams`);
      const ordered = dec<bigint[]>(IDL.Vec(IDL.Nat), await x.net.query(x.c, 'appended', NONE));
      assert.equal(ordered.length % 40, 0);
    } finally {
      await x.net.close();
      await y.net.close();
    }
  });

  it("a subnet's state is a function of its batches: replaying one subnet's batches alone gives its state hash at every height", async () => {
    const batches: Batch[] = [];
    const hashes: string[] = [];
    const keySeed = 'replayed subnet';
    const net = await Network.create({
      subnets: [
        { subnetType: 'application', ranges: [rangeOf(0)], keySeed, hooks: { beforeExecute: (b) => { batches.push(b); }, afterCommit: (_, s) => { hashes.push(hex(stateHash(s))); } } },
        { subnetType: 'application', ranges: [rangeOf(1)] },
      ],
    });
    const hypervisor = new Hypervisor({});
    try {
      const wasm = await nodeWasm();
      const [A, B] = net.subnets;
      const ids = { a: await installOn(net, A, wasm), b: await installOn(net, B, wasm), c: await installOn(net, B, wasm) };
      for (let r = 0; r < 40; r++) {
        await submitRound(net, ids, r);
        await net.tick();
      }
      assert.ok(batches.some((b) => (b.xnetSlices?.length ?? 0) > 0), 'some batches carried XNet slices');
      assert.ok(batches[0].networkTopology !== undefined && batches[0].networkTopology.subnets.length === 2, 'the first batch carried the topology');
      // A lone subnet with the same key and ranges, fed A's batches (no network, no block maker).
      const replay = new Subnet({ subnetType: 'application', ranges: [rangeOf(0)], keySeed, clock: new ManualClock(time(0n)), hypervisor });
      assert.ok(replay.subnetId.equals(A.subnetId));
      for (const [i, b] of batches.entries()) {
        await replay.executeBatch(b);
        assert.equal(hex(replay.stateHash()), hashes[i], `height ${b.height}`);
      }
      assert.equal(hex(replay.stateHash()), hex(A.stateHash()));
      await replay.close();
    } finally {
      await net.close();
      await hypervisor.close();
    }
  });

  it('a subnet that joins a running network is reachable, and reaches the others', async () => {
    const { net, a } = await setUp();
    try {
      const C = net.addSubnet({ subnetType: 'application', ranges: [rangeOf(2)] });
      const d = await installOn(net, C, await nodeWasm());
      assert.equal(net.route(d), C);
      const reply = await net.updateCall(a, 'ping', enc([IDL.Principal, IDL.Nat], [p(d), 3n]));
      assert.equal(dec<bigint>(IDL.Nat, reply), 3n);
      assert.equal(dec<bigint>(IDL.Nat, await net.updateCall(d, 'hop', enc([IDL.Vec(IDL.Principal), IDL.Nat], [[p(a)], 2n]))), 31n);
    } finally {
      await net.close();
    }
  });
});
