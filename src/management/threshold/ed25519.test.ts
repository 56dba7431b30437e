// Ed25519 derivation and signing against the IC's fixed vectors
// (`packages/ic-ed25519/tests/tests.rs`: derived public keys and chain codes,
// generate_from_seed, mainnet `key_1`/`test_key_1` offline derivations) and
// the public keys and chain codes mainnet answered (`dfinity/ic-pub-key`
// `test/samples.json`).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex, hexToBytes, numberToBytesBE } from '@noble/curves/utils.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { Principal } from '@dfinity/principal';
import {
  deriveEd25519PublicKey, deriveEd25519Secret, ed25519PublicKey, ed25519ScalarFromSeed, signEd25519,
} from './ed25519.ts';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const pk = (hex: string) => ed25519.Point.fromBytes(hexToBytes(hex));
const bip32 = (...ns: number[]): Uint8Array[] => ns.map((n) => numberToBytesBE(n, 4));

describe('Ed25519 derivation', () => {
  it('matches the ic-ed25519 derivation vectors', () => {
    const cases: [string, string, number[], string, string][] = [
      ['931387a550eb4524a7af29381b938df38e76aeecac08e2cfaae4f4ca99bb4881', '00'.repeat(32), [1],
        '6f3086e738ab5417c6e02504464f208a763f0fba0c4d7ade40694773b6c2273c', 'd34e4e22d2c008ccc7e9bb9882fbc025a1e5516e3421d8e932dbc0be35f787a0'],
      ['6f3086e738ab5417c6e02504464f208a763f0fba0c4d7ade40694773b6c2273c', 'd34e4e22d2c008ccc7e9bb9882fbc025a1e5516e3421d8e932dbc0be35f787a0', [2],
        '8efb675fcaf45c93e785ff535e380d9019c876a7c5faed264b911f97ef34d838', '2562ad75c50708f8d20c442e48b3f8ee851570be256ef0a7060b9f755a837216'],
      ['931387a550eb4524a7af29381b938df38e76aeecac08e2cfaae4f4ca99bb4881', '00'.repeat(32), [1, 2],
        '8efb675fcaf45c93e785ff535e380d9019c876a7c5faed264b911f97ef34d838', '2562ad75c50708f8d20c442e48b3f8ee851570be256ef0a7060b9f755a837216'],
    ];
    for (const [key, cc, path, wantKey, wantCc] of cases) {
      const d = deriveEd25519PublicKey(pk(key), bip32(...path), hexToBytes(cc));
      assert.equal(bytesToHex(d.publicKey), wantKey);
      assert.equal(bytesToHex(d.chainCode), wantCc);
    }
  });

  it('matches mainnet key_1 and test_key_1 for canister h5jwf-5iaaa-aaaan-qmvoa-cai', () => {
    const c = Principal.fromText('h5jwf-5iaaa-aaaan-qmvoa-cai').toUint8Array();
    const key1 = deriveEd25519PublicKey(pk('476374d9df3a8af28d3164dc2422cff894482eadd1295290b6d9ad92b2eeaa5c'), [c, hexToBytes('abcdef'), hexToBytes('012345')]);
    assert.equal(bytesToHex(key1.publicKey), '43f0008b26564b6da51f585ad47669dfeb1db6d94d7dd216bd304fc1f5f5e997');
    const test = deriveEd25519PublicKey(pk('6c0824beb37621bcca6eecc237ed1bc4e64c9c59dcb85344aa7f9cc8278ee31f'),
      [c, utf8('Hello'), utf8('Threshold'), utf8('Signatures')]);
    assert.equal(bytesToHex(test.publicKey), 'd9a2ce6a3cd33fe16dce37e045609e51ff516e93bb51013823d6d7a915e3cfb9');
  });

  it('matches the keys and chain codes mainnet answered (ic-pub-key samples)', () => {
    const samples: [string, string, string, string][] = [
      ['5dc497e58f2eaaa2acb80f8f235e754ea243ab2c1d5683d55eec5b3275b31691', '96094ba65eb8d6e71797b837a27bf175d8ad2828fa508fab3d57041550dc0334',
        'd41c15e8f8f718ada435d38c96a8f04ca342e70c9396642bc2c1c08da8cc0406', '541a8e8b26c80efcb462d036e88ae6e66e46876e3deceb2c54ddfecc94e2a1aa'],
      ['da38b16641af7626e372070ff9f844b7c89d1012850d2198393849d79d3d2d5d', '985be5283a68fc22540930ca02680f86c771419ece571eb838b33eb5604cfbc0',
        '7b3e64014987350f8ef9b89e0e804032c9c2de3b1825a789d0fd53266b5b0e71', '0816a73ea47f024698baab4c453f6381acc0b829384974eb96c611ab63837b05'],
    ];
    for (const [key, cc, wantKey, wantCc] of samples) {
      const d = deriveEd25519PublicKey(pk(key), ['2', '444', '66666'].map(utf8), hexToBytes(cc));
      assert.equal(bytesToHex(d.publicKey), wantKey);
      assert.equal(bytesToHex(d.chainCode), wantCc);
    }
  });

  it('generate_from_seed: the RFC 8032 secret key is SHA-512(seed)[0..32]', () => {
    // ic-ed25519: generate_from_seed("abcdef") serializes as d5d81c66…; its scalar is that key's.
    const secretKey = hexToBytes('d5d81c66c3b1a0efb49e980ebc5629c352342dc3332c0697cbeeb55f892a8526');
    assert.equal(bytesToHex(sha512(hexToBytes('abcdef')).slice(0, 32)), bytesToHex(secretKey));
    assert.equal(ed25519ScalarFromSeed(hexToBytes('abcdef')), ed25519.utils.getExtendedPublicKey(secretKey).scalar);
  });
});

describe('Ed25519 signing with a derived key', () => {
  it('signs with the derived secret; noble verifies under the derived public key', () => {
    const master = ed25519ScalarFromSeed(utf8('ed seed'));
    const path = [utf8('canister'), utf8('a'), utf8('')];
    const secret = deriveEd25519Secret(master, path);
    const publicKey = deriveEd25519PublicKey(ed25519PublicKey(master), path).publicKey;
    assert.equal(bytesToHex(ed25519PublicKey(secret.scalar).toBytes()), bytesToHex(publicKey));
    for (const msg of [new Uint8Array(), utf8('hello'), new Uint8Array(5000).fill(1)]) {
      const sig = signEd25519(secret, msg);
      assert.equal(sig.length, 64);
      assert.ok(ed25519.verify(sig, msg, publicKey));
      assert.ok(!ed25519.verify(sig, utf8('other'), publicKey));
    }
  });

  it('an underived key signs exactly as RFC 8032 (same bytes as noble)', () => {
    const secretKey = hexToBytes('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60'); // RFC 8032 test 1
    const { scalar, prefix } = ed25519.utils.getExtendedPublicKey(secretKey);
    assert.equal(bytesToHex(signEd25519({ scalar, prefix }, new Uint8Array())),
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b');
  });
});
