import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { IngressAdmission } from './admission.ts';

const limits = { maxPooled: 5, maxPooledPerCanister: 3, ratePerSecond: 100, ratePerCanisterPerSecond: 50 };

describe('IngressAdmission', () => {
  it('bounds the pool in total and per canister; settle forgets what a round took', () => {
    const a = new IngressAdmission(limits, () => 0);
    for (let i = 0; i < 3; i++) {
      assert.equal(a.admit('a'), undefined);
      a.pooledOne('a');
    }
    assert.match(a.admit('a') ?? '', /most it takes for one canister/);
    for (let i = 0; i < 2; i++) {
      assert.equal(a.admit('b'), undefined);
      a.pooledOne('b');
    }
    assert.match(a.admit('c') ?? '', /ingress pool holds 5 messages/);
    a.settle(2); // the three oldest (all 'a') were taken
    assert.equal(a.pooled, 2);
    assert.equal(a.admit('a'), undefined);
    assert.equal(a.admit('c'), undefined);
    a.settle(0);
    assert.equal(a.pooled, 0);
  });

  it('rates: token buckets per canister and in total, refilled with time', () => {
    let now = 0;
    const a = new IngressAdmission({ ...limits, maxPooled: 1e9, maxPooledPerCanister: 1e9 }, () => now);
    let ok = 0;
    for (let i = 0; i < 80; i++) if (a.admit('a') === undefined) ok++;
    assert.equal(ok, 50);
    assert.match(a.admit('a') ?? '', /50 calls per second to canister a/);
    for (let i = 0; i < 50; i++) a.admit('b');
    assert.match(a.admit('c') ?? '', /More than 100 calls per second\./);
    now += 100; // 0.1 s: 10 total tokens, 5 for a
    ok = 0;
    for (let i = 0; i < 20; i++) if (a.admit('a') === undefined) ok++;
    assert.equal(ok, 5);
  });

  it('forgets idle buckets when many canisters were seen', () => {
    let now = 0;
    const a = new IngressAdmission({ ...limits, maxPooled: 1e9, maxPooledPerCanister: 1e9, ratePerSecond: 1e9 }, () => now);
    for (let i = 0; i < 25_000; i++) {
      now += 1;
      assert.equal(a.admit(`c${i}`), undefined);
    }
  });
});
