import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { allRanges, allocationOrder, defaultSubnet, firstId, planSubnets, rangeContains } from './topology.ts';
import { CanisterId } from '../types/index.ts';

const spec = { state_config: 'New', instruction_config: 'Production' };

describe('pocketic topology', () => {
  it('application and system subnets get 2^20 ids each from the top of the id space down', () => {
    const r = planSubnets({ system: [spec], application: [spec, spec] });
    assert.ok(r.ok);
    const [sys, app1, app2] = r.value;
    assert.deepEqual(r.value.map((p) => p.kind), ['System', 'Application', 'Application']);
    const top = 1n << 64n;
    assert.equal(sys?.ranges[0]?.start.toU64(), top - 2n * (1n << 20n));
    assert.equal(sys?.ranges[0]?.end.toU64(), top - (1n << 20n) - 1n);
    assert.equal(app1?.ranges[0]?.start.toU64(), top - 3n * (1n << 20n));
    assert.equal(app2?.ranges[0]?.start.toU64(), top - 4n * (1n << 20n));
    assert.equal(firstId(defaultSubnet(r.value.map((plan) => ({ plan })))?.plan ?? sys!).toU64(), app1?.ranges[0]?.start.toU64());
    assert.deepEqual([sys?.size, app1?.subnetType, sys?.subnetType], [13, 'application', 'system']);
  });

  it('named subnets keep their mainnet ranges plus an allocation range; NNS comes first', () => {
    const r = planSubnets({ ii: spec, nns: spec, fiduciary: spec, application: [spec] });
    assert.ok(r.ok);
    assert.deepEqual(r.value.map((p) => p.kind), ['NNS', 'II', 'Fiduciary', 'Application']);
    const nns = r.value[0]!;
    assert.equal(nns.ranges[0]?.start.toText(), 'rwlgt-iiaaa-aaaaa-aaaaa-cai');
    assert.equal(nns.size, 40);
    assert.ok(nns.allocRange !== undefined);
    assert.equal(allRanges(nns).length, 3);
    assert.equal(allocationOrder(nns)[0], nns.allocRange);
    assert.ok(rangeContains(nns.ranges[0]!, CanisterId.fromText('ryjl3-tyaaa-aaaaa-aaaba-cai')));
    assert.ok(!rangeContains(nns.ranges[0]!, CanisterId.fromText('rdmx6-jaaaa-aaaaa-aaadq-cai')));
    assert.equal(r.value[1]?.ranges[0]?.start.toText(), 'rdmx6-jaaaa-aaaaa-aaadq-cai');
    const seeds = new Set(r.value.map((p) => Buffer.from(p.seed).toString('hex')));
    assert.equal(seeds.size, 4, 'every subnet has its own seed');
  });

  it("refuses an empty set and state directories with the server's texts", () => {
    const empty = planSubnets({ system: [], application: [] });
    assert.deepEqual(empty, { ok: false, message: 'ExtendedSubnetConfigSet must contain at least one subnet' });
    const fromPath = planSubnets({ nns: { state_config: { FromPath: '/state' } } });
    assert.equal(fromPath.ok, false);
    assert.equal(planSubnets({ application: [{ cost_schedule: 'Cheap' }] }).ok, false);
  });
});
