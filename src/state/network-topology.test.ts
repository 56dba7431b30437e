import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CanisterId, PrincipalId, SubnetId } from '../types/index.ts';
import { NetworkTopology } from './network-topology.ts';

const subnet = (b: number): SubnetId => SubnetId.fromUint8Array(Uint8Array.of(b, 2));
const range = (s: bigint, e: bigint) => ({ start: CanisterId.fromU64(s), end: CanisterId.fromU64(e) });

describe('NetworkTopology', () => {
  const t = new NetworkTopology([
    { subnetId: subnet(2), subnetType: 'application', size: 13, ranges: [range(0x200000n, 0x2fffffn), range(10n, 19n)] },
    { subnetId: subnet(1), subnetType: 'system', size: 40, ranges: [range(0n, 9n)] },
  ]);

  it('routes a canister id to the subnet whose range holds it, and a subnet id to that subnet', () => {
    assert.equal(t.route(CanisterId.fromU64(0n))?.toText(), subnet(1).toText());
    assert.equal(t.route(CanisterId.fromU64(9n))?.toText(), subnet(1).toText());
    assert.equal(t.route(CanisterId.fromU64(10n))?.toText(), subnet(2).toText());
    assert.equal(t.route(CanisterId.fromU64(0x2abcdefn))?.toText(), undefined);
    assert.equal(t.route(CanisterId.fromU64(0x250000n))?.toText(), subnet(2).toText());
    assert.equal(t.route(CanisterId.fromU64(20n)), undefined);
    assert.equal(t.route(subnet(1))?.toText(), subnet(1).toText());
    assert.equal(t.route(PrincipalId.anonymous()), undefined);
  });

  it('lists subnets in id order with their ranges sorted', () => {
    assert.deepEqual(t.subnets.map((s) => s.subnetId.toText()), [subnet(1).toText(), subnet(2).toText()]);
    assert.deepEqual(t.rangesOf(subnet(2)).map((r) => r.start.toU64()), [10n, 0x200000n]);
    assert.equal(t.subnet(subnet(1))?.size, 40);
    assert.deepEqual(t.rangesOf(subnet(7)), []);
  });

  it('refuses overlapping ranges and a subnet twice; with() adds or replaces a subnet', () => {
    assert.throws(() => t.with({ subnetId: subnet(3), subnetType: 'application', size: 13, ranges: [range(5n, 12n)] }), /overlapping/);
    assert.throws(() => new NetworkTopology([{ subnetId: subnet(1), subnetType: 'system', size: 1, ranges: [] }, { subnetId: subnet(1), subnetType: 'system', size: 1, ranges: [] }]), /twice/);
    const t2 = t.with({ subnetId: subnet(3), subnetType: 'application', size: 13, ranges: [range(100n, 199n)] });
    assert.equal(t2.route(CanisterId.fromU64(150n))?.toText(), subnet(3).toText());
    assert.equal(t.route(CanisterId.fromU64(150n)), undefined, 'the original is unchanged');
  });
});
