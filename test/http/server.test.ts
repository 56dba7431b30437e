// The server's behaviour on raw HTTP (in process, the wall clock): status
// and CORS, routing and body errors, replays, the sync wait running out,
// non-replicated and certified rejects, admission (429), read_state path
// authorization, subnet endpoints and the effective canister id checks.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ed25519Key } from '../../src/http/auth/test-support.ts';
import { lookupPath, verifyCertificate } from '../../src/state-manager/index.ts';
import { CanisterId } from '../../src/types/index.ts';
import { watFile } from '../corpus/wat.ts';
import { content, post, readState, serveInProcess, signed } from './raw.ts';
import type { InProcess, Reply } from './raw.ts';

const u64 = (n: bigint): Uint8Array => { const b = new Uint8Array(8); new DataView(b.buffer).setBigUint64(0, n, true); return b; };
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const requestStatus = (r: Reply, root: Uint8Array, id: Uint8Array): Record<string, unknown> => {
  assert.equal(r.status, 200, r.text);
  assert.equal(r.cbor.status, 'replied');
  const v = verifyCertificate(r.cbor.certificate, root);
  assert.ok(v.ok, v.ok ? '' : v.error);
  const out: Record<string, unknown> = {};
  for (const leaf of ['status', 'reply', 'reject_code', 'reject_message', 'error_code']) {
    const l = lookupPath(['request_status', id, leaf], v.value.certificate.tree);
    if (l.kind === 'found') out[leaf] = leaf === 'reply' ? l.value : leaf === 'reject_code' ? l.value[0] : new TextDecoder().decode(l.value);
  }
  return out;
};

describe('the HTTP server on raw requests', { timeout: 120_000 }, () => {
  let s: InProcess;
  let counter: CanisterId;
  let empty: CanisterId;
  const alice = ed25519Key(11);
  const bob = ed25519Key(12);

  before(async () => {
    s = await serveInProcess({ syncCallTimeoutMs: 5_000 });
    counter = await s.replica.createCanister();
    await s.replica.installCode(counter, await watFile('counter'));
    empty = await s.replica.createCanister();
  });
  after(async () => s?.close());

  it('status: CBOR with the root key and health; CORS on every answer; preflight', async () => {
    const res = await fetch(`${s.url}/api/v2/status`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    const { decode } = await import('@dfinity/cbor');
    const body = decode(new Uint8Array(await res.arrayBuffer())) as Record<string, unknown>;
    assert.equal(hex(body.root_key as Uint8Array), hex(s.replica.rootKey));
    assert.equal(body.replica_health_status, 'healthy');
    const pre = await fetch(`${s.url}/api/v3/canister/${counter.toText()}/call`, { method: 'OPTIONS' });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get('access-control-allow-headers'), 'Accept, Authorization, Content-Type');
  });

  it('routing and body errors: 404, 405, 400 (bad id, content type), 413', async () => {
    assert.equal((await post(s.url, '/api/v9/canister/aaaaa-aa/call', new Uint8Array(1))).status, 404);
    assert.equal((await fetch(`${s.url}/api/v2/canister/aaaaa-aa/call`)).status, 405);
    assert.equal((await post(s.url, '/api/v2/canister/not-a-principal/call', new Uint8Array(1))).status, 400);
    const wrongType = await post(s.url, `/api/v2/canister/${counter.toText()}/call`, new Uint8Array(1), 'text/plain');
    assert.deepEqual([wrongType.status, wrongType.text], [400, 'Unexpected content-type, expected application/cbor.']);
    const big = await post(s.url, `/api/v3/canister/${counter.toText()}/call`, new Uint8Array(3 * 1024 * 1024));
    assert.equal(big.status, 413);
    const junk = await post(s.url, `/api/v3/canister/${counter.toText()}/call`, Uint8Array.of(0xff));
    assert.equal(junk.status, 400);
    assert.match(junk.text, /^Failed to deserialize cbor request: /);
  });

  it('a replayed call is executed once; the replay gets the same certified answer', async () => {
    const c = content(counter, 'inc', new Uint8Array(0), alice);
    const body = signed(c, alice);
    const path = `/api/v3/canister/${counter.toText()}/call`;
    const { requestIdOfContent } = await import('../../src/http/auth/test-support.ts');
    const id = requestIdOfContent(c);
    const first = requestStatus(await post(s.url, path, body), s.replica.rootKey, id);
    const second = requestStatus(await post(s.url, path, body), s.replica.rootKey, id);
    const third = requestStatus(await post(s.url, `/api/v4/canister/${counter.toText()}/call`, body), s.replica.rootKey, id);
    assert.equal(first.status, 'replied');
    assert.deepEqual(second, first);
    assert.deepEqual(third, first);
    const v2 = await post(s.url, `/api/v2/canister/${counter.toText()}/call`, body);
    assert.equal(v2.status, 202);
    const before = new DataView((first.reply as Uint8Array).buffer.slice((first.reply as Uint8Array).byteOffset)).getBigUint64(0, true);
    const now = await s.replica.query(counter, 'get', new Uint8Array(0));
    assert.equal(new DataView(now.buffer, now.byteOffset).getBigUint64(0, true), before);
  });

  it('a 202 comes only once the call has a status (its batch was logged before it ran)', async () => {
    const { requestIdOfContent } = await import('../../src/http/auth/test-support.ts');
    for (let i = 0; i < 5; i++) {
      const c = content(counter, 'inc', new Uint8Array(0));
      const r = await post(s.url, `/api/v2/canister/${counter.toText()}/call`, signed(c));
      assert.equal(r.status, 202);
      assert.notEqual(s.replica.ingressStatus(requestIdOfContent(c)), undefined);
    }
  });

  it('a sync call whose answer takes longer than the wait gets 202, then polls the answer', async () => {
    const quick = await serveInProcess({ syncCallTimeoutMs: 0, idleRoundIntervalMs: 200 });
    try {
      const id = await quick.replica.createCanister();
      await quick.replica.installCode(id, await watFile('counter'));
      const c = content(id, 'set', u64(7n));
      const r = await post(quick.url, `/api/v4/canister/${id.toText()}/call`, signed(c));
      assert.equal(r.status, 202);
      const { requestIdOfContent } = await import('../../src/http/auth/test-support.ts');
      const rid = requestIdOfContent(c);
      let status = '';
      for (let i = 0; i < 100 && status !== 'replied'; i++) {
        const rs = await post(quick.url, `/api/v3/canister/${id.toText()}/read_state`, signed(readState([['request_status', rid]])));
        assert.equal(rs.status, 200, rs.text);
        const v = verifyCertificate(rs.cbor.certificate, quick.replica.rootKey);
        assert.ok(v.ok);
        const l = lookupPath(['request_status', rid, 'status'], v.value.certificate.tree);
        status = l.kind === 'found' ? new TextDecoder().decode(l.value) : '';
        if (status !== 'replied') await new Promise((res) => setTimeout(res, 20));
      }
      assert.equal(status, 'replied');
    } finally {
      await quick.close();
    }
  });

  it('the ingress filter\'s refusals are non-replicated rejections; an unknown canister is a certified reject', async () => {
    const boom = signed(content(counter, 'boom', new Uint8Array(0)));
    const v2 = await post(s.url, `/api/v2/canister/${counter.toText()}/call`, boom);
    assert.equal(v2.status, 200);
    assert.deepEqual(Object.keys(v2.cbor).sort(), ['error_code', 'reject_code', 'reject_message']);
    const v3 = await post(s.url, `/api/v3/canister/${counter.toText()}/call`, boom);
    assert.equal(v3.status, 200);
    assert.equal(v3.cbor.status, 'non_replicated_rejection');
    assert.equal(v3.cbor.reject_code, 4);
    const e = await post(s.url, `/api/v4/canister/${empty.toText()}/call`, signed(content(empty, 'inc', new Uint8Array(0))));
    assert.deepEqual([e.status, e.cbor.status, e.cbor.error_code], [200, 'non_replicated_rejection', 'IC0537']);

    const ghost = CanisterId.fromU64(0xfffffn);
    const c = content(ghost, 'inc', new Uint8Array(0));
    const { requestIdOfContent } = await import('../../src/http/auth/test-support.ts');
    const r = requestStatus(await post(s.url, `/api/v3/canister/${ghost.toText()}/call`, signed(c)), s.replica.rootKey, requestIdOfContent(c));
    assert.deepEqual([r.status, r.reject_code, r.error_code, r.reject_message], ['rejected', 3, 'IC0301', `Canister ${ghost.toText()} not found`]);
  });

  it('a management call\'s effective canister id must be the URL\'s', async () => {
    const { encodeInstallCodeArgs } = await import('../../src/replica/index.ts');
    const arg = encodeInstallCodeArgs({ mode: 'install', canisterId: empty, wasmModule: new Uint8Array(0), arg: new Uint8Array(0) });
    const r = await post(s.url, `/api/v3/canister/${counter.toText()}/call`, signed(content(CanisterId.fromText('aaaaa-aa'), 'install_code', arg)));
    assert.deepEqual([r.status, r.text], [400, `Specified CanisterId ${empty.toText()} does not match effective canister id in URL ${counter.toText()}`]);
  });

  it('admission: more calls than the rate allows get 429', async () => {
    const limited = await serveInProcess({ admission: { ratePerCanisterPerSecond: 3 } });
    try {
      const id = await limited.replica.createCanister();
      await limited.replica.installCode(id, await watFile('counter'));
      // 12 calls at once against a bucket of 3 refilled at 3/s: at least 3 get in and, unless
      // the machine stretches the burst over 3 s, some are refused (the bucket's arithmetic
      // with a fixed clock is src/http/admission.test.ts's).
      const answers = await Promise.all(Array.from({ length: 12 }, () =>
        post(limited.url, `/api/v2/canister/${id.toText()}/call`, signed(content(id, 'inc', new Uint8Array(0))))));
      const statuses = answers.map((a) => a.status);
      assert.ok(statuses.every((x) => x === 202 || x === 429), String(statuses));
      assert.ok(statuses.filter((x) => x === 202).length >= 3, String(statuses));
      assert.ok(statuses.filter((x) => x === 429).length >= 1, String(statuses));
      assert.match(answers.find((a) => a.status === 429)?.text ?? '', /^Service is overloaded, try again later\. More than 3 calls per second to canister /);
    } finally {
      await limited.close();
    }
  });

  it('read_state: paths as the replica allows them', async () => {
    const { requestIdOfContent } = await import('../../src/http/auth/test-support.ts');
    const c = content(counter, 'inc', new Uint8Array(0), alice);
    await post(s.url, `/api/v3/canister/${counter.toText()}/call`, signed(c, alice));
    const id = requestIdOfContent(c);
    const rs = (paths: Parameters<typeof readState>[0], key = alice, where = `canister/${counter.toText()}`) =>
      post(s.url, `/api/v3/${where}/read_state`, signed(readState(paths, key), key));
    assert.equal((await rs([['request_status', id]])).status, 200);
    assert.deepEqual([(await rs([['request_status', id]], bob)).status, (await rs([['request_status', id]], bob)).text],
      [403, 'Request IDs must be for requests signed by the caller.']);
    const two = await rs([['request_status', id], ['request_status', new Uint8Array(32)]]);
    assert.deepEqual([two.status, two.text], [400, 'More than one non-unique request ID exists in request_status paths of read_state request.']);
    assert.equal((await rs([['request_status', new Uint8Array(5)]])).status, 400);
    const other = await rs([['canister', empty.toUint8Array(), 'controllers']]);
    assert.deepEqual([other.status, other.text],
      [400, `Effective principal id in URL ${counter.toText()} does not match requested principal id: ${empty.toText()}.`]);
    assert.equal((await rs([['canister', counter.toUint8Array(), 'module_hash'], ['time']])).status, 200);
    for (const bad of [[['canister', counter.toUint8Array(), 'certified_data']], [['nope']], [[]], [['subnet', s.replica.subnetId.toUint8Array(), 'metrics']],
      [['canister_ranges', s.replica.subnetId.toUint8Array()]]]) {
      const r = await rs(bad);
      assert.deepEqual([r.status, r.text], [404, 'Invalid path requested.'], JSON.stringify(bad));
    }
    const sid = s.replica.subnetId;
    const subnet = await rs([['subnet', sid.toUint8Array(), 'metrics'], ['canister_ranges', sid.toUint8Array()], ['time']], alice, `subnet/${sid.toText()}`);
    assert.equal(subnet.status, 200, subnet.text);
    const v = verifyCertificate(subnet.cbor.certificate, s.replica.rootKey);
    assert.ok(v.ok && lookupPath(['subnet', sid.toUint8Array(), 'metrics'], v.value.certificate.tree).kind === 'found');
    const wrongSubnet = await rs([['time']], alice, `subnet/${counter.toText()}`);
    assert.equal(wrongSubnet.status, 400);
  });

  it('subnet endpoints: a management query and a create call aimed at the subnet', async () => {
    const sid = s.replica.subnetId;
    const { encodeProvisionalCreateArgs, decodeCreateResult } = await import('../../src/replica/index.ts');
    const c = content(CanisterId.fromText('aaaaa-aa'), 'provisional_create_canister_with_cycles', encodeProvisionalCreateArgs({ settings: {} }));
    const { requestIdOfContent } = await import('../../src/http/auth/test-support.ts');
    const r = requestStatus(await post(s.url, `/api/v4/subnet/${sid.toText()}/call`, signed(c)), s.replica.rootKey, requestIdOfContent(c));
    assert.equal(r.status, 'replied', JSON.stringify(r));
    assert.ok(decodeCreateResult(r.reply as Uint8Array) instanceof CanisterId);
    const q = await post(s.url, `/api/v3/subnet/${sid.toText()}/query`, signed(content(CanisterId.fromText('aaaaa-aa'), 'list_canisters', new Uint8Array(0), undefined, { request_type: 'query' })));
    assert.equal(q.status, 200, q.text);
    assert.ok(q.cbor.status === 'replied' || q.cbor.status === 'rejected');
    assert.equal(q.cbor.signatures.length, 1);
  });
});
