// ic-exec deploy (Motoko source with an init argument, upgrade keeping its
// state) and call/query (Candid text typed by the canister's
// candid:service), their --json documents, --identity, and the error paths
// with their codes and exit statuses — against one `npm start --ephemeral`.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Principal } from '@icp-sdk/core/principal';
import { assertPlain, icExec, json, ok, startServed, type Served } from './support.ts';
import { GREETER_MO } from './canisters.ts';

describe('ic-exec deploy (Motoko), call and query', () => {
  let served: Served;
  let dir: string;
  let url: string;
  let id: string;
  let firstHash: string;
  const missing = 'rrkah-fqaaa-aaaaa-aaaaq-cai';

  before(async () => {
    served = await startServed(['--ephemeral']);
    url = served.url;
    dir = mkdtempSync(join(tmpdir(), 'ic-exec-cli-'));
    writeFileSync(join(dir, 'Main.mo'), GREETER_MO);
  });
  after(async () => {
    await served.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('deploys a .mo actor class, its init argument typed by candid:args', async () => {
    // A cache of its own: this deploy compiles, the upgrade below finds the module in the cache.
    const r = await icExec(['--url', url, 'deploy', join(dir, 'Main.mo'), '--argument', '("Hi", 41)'], { IC_EXEC_CACHE_DIR: join(dir, 'cache') });
    assert.equal(r.code, 0, r.stderr);
    assertPlain(r);
    const m = /^created and installed Main\.mo → canister (\S+)\n {2}module hash [0-9a-f]{64} \([\d,]+ bytes\)\n$/.exec(r.stdout);
    assert.ok(m, r.stdout);
    id = m[1];
    firstHash = /module hash ([0-9a-f]{64})/.exec(r.stdout)?.[1] ?? '';
    assert.equal(r.stderr, `compiling ${join(dir, 'Main.mo')} with moc…\n`);
  });

  it('call and query: Candid text in, typed Candid text out', async () => {
    assert.equal(await ok(url, 'call', id, 'inc'), '(42 : nat)\n');
    assert.equal(await ok(url, 'query', id, 'greet', '("Ada")'), '("Hi, Ada!")\n');
    assert.equal(await ok(url, 'query', id, 'pair', '(record { a = 7; b = "x" })'), '(7 : nat, "x")\n');
  });

  it('--json: one document with exact fields', async () => {
    const r = await json(url, 'call', id, 'inc');
    assert.equal(r.code, 0);
    assert.deepEqual(r.doc, { canister: id, method: 'inc', kind: 'update', typed: true, result: ['43'], candid: '(43 : nat)' });
    const q = await json(url, 'query', id, 'pair', '(record { a = 1; b = "y" })');
    assert.deepEqual(q.doc, { canister: id, method: 'pair', kind: 'query', typed: true, result: ['1', 'y'], candid: '(1 : nat, "y")' });
  });

  it('a reject: reject code, IC code and message, exit 1', async () => {
    const r = await icExec(['--url', url, 'call', id, 'fail', '("no thanks")']);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'error: reject code 4 (CANISTER_REJECT), IC0406: no thanks\n');
    const j = await json(url, 'call', id, 'fail', '("nope")');
    assert.equal(j.code, 1);
    assert.deepEqual(j.doc, { error: { code: 'IC0406', message: 'reject code 4 (CANISTER_REJECT), IC0406: nope' } });
    const trap = await json(url, 'call', id, 'boom');
    assert.equal((trap.doc.error as { code: string }).code, 'IC0503');
    assert.match((trap.doc.error as { message: string }).message, /^reject code 5 \(CANISTER_ERROR\), IC0503: .*boom/s);
    const noMethod = await json(url, 'query', id, 'nope');
    assert.equal((noMethod.doc.error as { code: string }).code, 'IC0536');
  });

  it('an unknown canister: IC0301 with the replica\'s text', async () => {
    for (const kind of ['call', 'query']) {
      const r = await icExec(['--url', url, kind, missing, 'inc']);
      assert.equal(r.code, 1, kind);
      assert.equal(r.stderr, `error: reject code 3 (DESTINATION_INVALID), IC0301: Canister ${missing} not found\n`, kind);
      const j = await json(url, kind, missing, 'inc');
      assert.deepEqual(j.doc.error, { code: 'IC0301', message: `reject code 3 (DESTINATION_INVALID), IC0301: Canister ${missing} not found` });
    }
  });

  it('a bad Candid argument: its position, exit 2', async () => {
    const r = await icExec(['--url', url, 'query', id, 'greet', '(5)']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^error: bad Candid argument: 1:2: .*text/);
    const syntax = await json(url, 'call', id, 'inc', '(1,');
    assert.equal(syntax.code, 2);
    assert.equal((syntax.doc.error as { code: unknown }).code, null);
    assert.match((syntax.doc.error as { message: string }).message, /^bad Candid argument: 1:\d+: /);
    const notId = await icExec(['--url', url, 'call', 'not-a-canister', 'inc']);
    assert.equal(notId.code, 2);
    assert.match(notId.stderr, /"not-a-canister" is not a canister id/);
  });

  it('--identity: Ed25519 and secp256k1 PEMs sign the call', async () => {
    const ed = generateKeyPairSync('ed25519');
    const k1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
    const files = [
      [join(dir, 'ed.pem'), ed.privateKey.export({ type: 'pkcs8', format: 'pem' }), ed.publicKey],
      [join(dir, 'k1.pem'), k1.privateKey.export({ type: 'sec1', format: 'pem' }), k1.publicKey],
    ] as const;
    for (const [path, pem, publicKey] of files) {
      writeFileSync(path, pem);
      const expected = Principal.selfAuthenticating(new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }))).toText();
      assert.equal(await ok(url, '--identity', path, 'call', id, 'whoami'), `(principal "${expected}")\n`, path);
    }
    assert.equal(await ok(url, 'call', id, 'whoami'), '(principal "2vxsx-fae")\n');
    const bad = await icExec(['--url', url, '--identity', join(dir, 'Main.mo'), 'call', id, 'whoami']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /is not a PEM private key/);
  });

  it('deploy --mode upgrade keeps the Motoko state (enhanced orthogonal persistence)', async () => {
    const r = await icExec(['--json', '--url', url, 'deploy', join(dir, 'Main.mo'), '--canister', id, '--mode', 'upgrade', '--argument', '("Hey", 0)'],
      { IC_EXEC_CACHE_DIR: join(dir, 'cache') });
    assert.equal(r.stderr, '');
    const doc = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.equal(r.code, 0, r.stdout);
    assert.deepEqual(Object.keys(doc), ['canisterId', 'created', 'mode', 'moduleHash', 'moduleBytes', 'chunks', 'typedArgument']);
    assert.deepEqual([doc.canisterId, doc.created, doc.mode, doc.chunks, doc.typedArgument], [id, false, 'upgrade', 0, true]);
    // The module came from the cache: the same hash as the first deploy's.
    assert.equal(doc.moduleHash, firstHash);
    assert.equal(await ok(url, 'query', id, 'get'), '(43 : nat)\n');
    assert.equal(await ok(url, 'query', id, 'greet', '("Bo")'), '("Hey, Bo!")\n');
  });
});
