import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Principal } from '@icp-sdk/core/principal';
import { loadIdentity } from './identity.ts';

describe('loadIdentity', () => {
  let dir: string;
  const file = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  before(() => { dir = mkdtempSync(join(tmpdir(), 'ic-exec-id-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('Ed25519 PKCS#8 and secp256k1 SEC1 (with an EC PARAMETERS block before it): the principal of the public key', async () => {
    const ed = generateKeyPairSync('ed25519');
    const k1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
    const params = '-----BEGIN EC PARAMETERS-----\nBgUrgQQACg==\n-----END EC PARAMETERS-----\n';
    const cases = [
      ['ed25519', file('ed.pem', ed.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string), ed.publicKey],
      ['secp256k1', file('k1.pem', params + (k1.privateKey.export({ type: 'sec1', format: 'pem' }) as string)), k1.publicKey],
      ['secp256k1', file('k1-pkcs8.pem', k1.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string), k1.publicKey],
    ] as const;
    for (const [kind, path, publicKey] of cases) {
      const r = await loadIdentity(path);
      assert.ok(r.ok, path);
      assert.equal(r.kind, kind);
      const der = new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }));
      assert.equal(r.identity.getPrincipal().toText(), Principal.selfAuthenticating(der).toText());
    }
  });

  it('the RFC 5958 v2 form with the public key inside, as dfx writes Ed25519 keys', async () => {
    const ed = generateKeyPairSync('ed25519');
    const d = Buffer.from(ed.privateKey.export({ format: 'jwk' }).d as string, 'base64url');
    const x = Buffer.from(ed.publicKey.export({ format: 'jwk' }).x as string, 'base64url');
    const der = Buffer.concat([Buffer.from('3053020101300506032b657004220420', 'hex'), d, Buffer.from('a123032100', 'hex'), x]);
    const r = await loadIdentity(file('dfx.pem', `-----BEGIN PRIVATE KEY-----\n${der.toString('base64')}\n-----END PRIVATE KEY-----\n`));
    assert.ok(r.ok);
    const spki = new Uint8Array(ed.publicKey.export({ type: 'spki', format: 'der' }));
    assert.equal(r.identity.getPrincipal().toText(), Principal.selfAuthenticating(spki).toText());
  });

  it('refuses an encrypted PEM, another key type, a missing file, and text that is no key', async () => {
    const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const enc = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' }) as string;
    const cases: Array<[string, RegExp]> = [
      [file('enc.pem', enc), /is encrypted: export it unencrypted first/],
      [file('p256.pem', p256.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string), /is ec \(P-256\): only Ed25519 and secp256k1/],
      [join(dir, 'absent.pem'), /cannot read the identity file .*absent\.pem: ENOENT/],
      [file('junk.pem', 'hello'), /is not a PEM private key/],
    ];
    for (const [path, message] of cases) {
      const r = await loadIdentity(path);
      assert.ok(!r.ok, path);
      assert.equal(r.error.code, null);
      assert.match(r.error.message, message);
    }
  });
});
