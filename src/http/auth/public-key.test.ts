import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { Ed25519KeyIdentity } from '@icp-sdk/core/identity';
import { Secp256k1KeyIdentity } from '@icp-sdk/core/identity/secp256k1';
import { Principal } from '@icp-sdk/core/principal';
import { CanisterId } from '../../types/index.ts';
import { canisterSigPublicKeyDer, parsePublicKey, selfAuthenticatingPrincipal } from './public-key.ts';
import { ecdsaKey, ed25519Key } from './test-support.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('parsePublicKey', () => {
  it('tells the DER keys of every scheme apart', () => {
    const kinds = [
      [ed25519Key(1).der, 'Ed25519'],
      [ecdsaKey('p256', 1).der, 'EcdsaP256'],
      [ecdsaKey('secp256k1', 1).der, 'EcdsaSecp256k1'],
      [Uint8Array.from(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'der', type: 'spki' })), 'RsaSha256'],
      [canisterSigPublicKeyDer(CanisterId.fromU64(7n), Uint8Array.of(1, 2)), 'IcCanisterSignature'],
    ] as const;
    for (const [der, kind] of kinds) {
      const r = parsePublicKey(der);
      assert.ok(r.ok && r.key.kind === kind, `${kind}: ${r.ok ? r.key.kind : r.error}`);
    }
    const ed = parsePublicKey(ed25519Key(1).der);
    assert.ok(ed.ok && ed.key.kind === 'Ed25519' && ed.key.key.length === 32);
  });

  it('refuses what is not a supported SubjectPublicKeyInfo, with the replica\'s CryptoError text', () => {
    const der = ed25519Key(1).der;
    for (const bad of [der.subarray(0, 40), Uint8Array.of(...der, 0), new Uint8Array(0)]) {
      assert.deepEqual(parsePublicKey(bad), { ok: false, error: `Malformed Unspecified public key: ${hex(bad)}, error: Unsupported or unparsable public key` });
    }
    const p = ecdsaKey('p256', 1).der.slice();
    p[p.length - 1] ^= 1;
    assert.deepEqual(parsePublicKey(p), { ok: false, error: `Malformed EcdsaP256 public key: ${hex(p)}, error: the key is not a point on the curve` });
    const cid = canisterSigPublicKeyDer(CanisterId.fromU64(7n), new Uint8Array(0)).slice();
    cid[cid.length - 11] = 30;
    assert.match((parsePublicKey(cid) as { error: string }).error, /^Malformed IcCanisterSignature public key: /);
  });
});

describe('selfAuthenticatingPrincipal', () => {
  it('is SHA-224(der) ‖ 0x02, as the agents compute it', () => {
    for (const identity of [Ed25519KeyIdentity.generate(), Secp256k1KeyIdentity.generate()]) {
      const der = identity.getPublicKey().toDer();
      assert.equal(selfAuthenticatingPrincipal(der).toText(), identity.getPrincipal().toText());
      assert.equal(selfAuthenticatingPrincipal(der).toText(), Principal.selfAuthenticating(der).toText());
    }
    assert.equal(selfAuthenticatingPrincipal(ed25519Key(1).der).byteLength, 29);
  });
});
