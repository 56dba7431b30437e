// Requests that must be refused, over HTTP, with the replica's status and
// text: forged and wrong-key signatures, a sender that is not its key,
// expired and far-future requests (the `Invalid request expiry: ` text the
// agents parse), expired delegations and delegation targets — on call,
// query and read_state alike. The state does not change.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { delegate, ecdsaKey, ed25519Key } from '../../src/http/auth/test-support.ts';
import { CanisterId } from '../../src/types/index.ts';
import { watFile } from '../corpus/wat.ts';
import { MINUTE_NS, content, nowNs, post, readState, serveInProcess, signed } from './raw.ts';
import type { InProcess } from './raw.ts';

describe('refused requests over HTTP', { timeout: 60_000 }, () => {
  let s: InProcess;
  let id: CanisterId;
  const alice = ed25519Key(21);
  const mallory = ed25519Key(22);
  const k1 = ecdsaKey('secp256k1', 23);

  before(async () => {
    s = await serveInProcess();
    id = await s.replica.createCanister();
    await s.replica.installCode(id, await watFile('counter'));
  });
  after(async () => s?.close());

  const endpoints = (): { path: string; kind: 'call' | 'query' | 'read_state' }[] => [
    { path: `/api/v3/canister/${id.toText()}/call`, kind: 'call' },
    { path: `/api/v2/canister/${id.toText()}/call`, kind: 'call' },
    { path: `/api/v3/canister/${id.toText()}/query`, kind: 'query' },
    { path: `/api/v3/canister/${id.toText()}/read_state`, kind: 'read_state' },
  ];
  const contentFor = (kind: 'call' | 'query' | 'read_state', key: Parameters<typeof content>[3], extra: Parameters<typeof content>[4] = {}) =>
    kind === 'read_state' ? readState([['time']], key, extra) : content(id, kind === 'call' ? 'inc' : 'get', new Uint8Array(0), key, { request_type: kind, ...extra });

  it('a forged signature (signed by another key) is refused: 400 "Invalid signature: …"', async () => {
    for (const { path, kind } of endpoints()) {
      for (const key of [alice, k1]) {
        const r = await post(s.url, path, signed(contentFor(kind, key), key, { signer: mallory }));
        assert.equal(r.status, 400, `${path}: ${r.text}`);
        assert.match(r.text, /^Invalid signature: Invalid basic signature: (Ed25519|EcdsaSecp256k1) signature could not be verified: public key [0-9a-f]+, signature [0-9a-f]+, error: /);
      }
    }
  });

  it('a signature of garbage bytes, and a sender that is not its key', async () => {
    for (const { path, kind } of endpoints()) {
      const r = await post(s.url, path, signed(contentFor(kind, alice), alice, { sig: new Uint8Array(64).fill(7) }));
      assert.equal(r.status, 400, r.text);
      assert.match(r.text, /^Invalid signature: /);
      const wrongSender = contentFor(kind, alice);
      const w = await post(s.url, path, signed(wrongSender, mallory));
      assert.equal(w.status, 400);
      assert.match(w.text, /^The user id '[a-z0-9-]+' does not match the public key '[0-9a-f]+'$/);
    }
  });

  it('expired and far-future requests: 400 "Invalid request expiry: …" (anonymous queries and read_state are not checked, as on the replica)', async () => {
    for (const expiry of [nowNs() - MINUTE_NS, nowNs() + 10n * MINUTE_NS, 0n]) {
      for (const { path, kind } of endpoints()) {
        const r = await post(s.url, path, signed(contentFor(kind, alice, { ingress_expiry: expiry }), alice));
        assert.equal(r.status, 400, `${path} ${expiry}: ${r.text}`);
        assert.match(r.text, /^Invalid request expiry: Specified ingress_expiry not within expected range: Minimum allowed expiry: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{9} UTC, Maximum allowed expiry: .* UTC, Provided expiry: .* UTC$/);
        const anon = await post(s.url, path, signed(contentFor(kind, undefined, { ingress_expiry: expiry })));
        assert.equal(anon.status, kind === 'call' ? 400 : 200, `anonymous ${path}: ${anon.text}`);
      }
    }
  });

  it('delegations: expired → 400, a target that is not the canister → 400; the counter never moved', async () => {
    const session = ed25519Key(24);
    const expired = [delegate(alice, session, nowNs() - MINUTE_NS)];
    const elsewhere = [delegate(alice, session, nowNs() + 60n * MINUTE_NS, [CanisterId.fromU64(77n)])];
    for (const { path, kind } of endpoints()) {
      const e = await post(s.url, path, signed(contentFor(kind, alice), alice, { delegations: expired, signer: session }));
      assert.equal(e.status, 400);
      assert.match(e.text, /^Invalid delegation expiry: Specified sender delegation has expired:\nProvided expiry: {4}.* UTC\nLocal replica time: .* UTC$/);
      if (kind === 'read_state') continue;
      const t = await post(s.url, path, signed(contentFor(kind, alice), alice, { delegations: elsewhere, signer: session }));
      assert.deepEqual([t.status, t.text], [400, `Canister '${id.toText()}' is not one of the delegation targets.`]);
    }
    const get = await s.replica.query(id, 'get', new Uint8Array(0));
    assert.equal(new DataView(get.buffer, get.byteOffset).getBigUint64(0, true), 0n);
  });
});
