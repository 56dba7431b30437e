// secp256k1 derivation and signing against the IC's fixed vectors:
// `packages/ic-secp256k1/tests/tests.rs` (SLIP-10 vector 1, RFC 6979 ECDSA,
// generate_from_seed, BIP-340), `dfinity/ic-pub-key` (mainnet `test_key_1`
// and `key_1` derivations with canister ids, and `test/samples.json`:
// public keys and chain codes answered by mainnet `ecdsa_public_key` /
// `schnorr_public_key`).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { secp256k1, schnorr } from '@noble/curves/secp256k1.js';
import { bytesToHex, hexToBytes, numberToBytesBE } from '@noble/curves/utils.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { Principal } from '@dfinity/principal';
import {
  bip341TweakPublicKey, bip341TweakSecret, deriveSecp256k1PublicKey, deriveSecp256k1Secret, secp256k1PublicKey,
  secp256k1SecretFromSeed, signBip340, signEcdsaDigest,
} from './secp256k1.ts';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const pk = (hex: string) => secp256k1.Point.fromBytes(hexToBytes(hex));
const bip32 = (...ns: number[]): Uint8Array[] => ns.map((n) => numberToBytesBE(n, 4));
const canister = (text: string): Uint8Array => Principal.fromText(text).toUint8Array();

describe('secp256k1 derivation', () => {
  it('matches SLIP-10 test vector 1 (chain m/0H/1/2H → [2, 1000000000])', () => {
    const cc = hexToBytes('04466b9cc8e161e966409ca52986c584f07e9dc81f735db683c3ff6ec7b1503f');
    const master = BigInt('0xcbce0d719ecf7431d88e6a89fa1483e02e35092af60c042b1df2ff59fa424dca');
    const d = deriveSecp256k1PublicKey(pk('0357bfe1e341d01c69fe5654309956cbea516822fba8a601743a012a7896ee8dc2'), bip32(2, 1000000000), cc);
    assert.equal(bytesToHex(d.publicKey), '022a471424da5e657499d1ff51cb43c47481a03b1e77f951fe64cec9f5a48f7011');
    assert.equal(bytesToHex(d.chainCode), 'c783e67b921d2beb8f6b389cc646d7263b4145701dadd2161548a8b078e65e9e');
    const secret = deriveSecp256k1Secret(master, bip32(2, 1000000000), cc);
    assert.equal(secret.toString(16), '471b76e389e528d6de6d816857e012c5455051cad6660850e58372a6c3e6e7c8');
    assert.equal(bytesToHex(secp256k1PublicKey(secret).toBytes(true)), bytesToHex(d.publicKey));
  });

  it('matches mainnet test_key_1 and key_1 (ECDSA) for canister h5jwf-5iaaa-aaaan-qmvoa-cai', () => {
    const c = canister('h5jwf-5iaaa-aaaan-qmvoa-cai');
    const test = deriveSecp256k1PublicKey(pk('02f9ac345f6be6db51e1c5612cddb59e72c3d0d493c994d12035cf13257e3b1fa7'),
      [c, utf8('Hello'), utf8('Threshold'), utf8('Signatures')]);
    assert.equal(bytesToHex(test.publicKey), '0315ae8bb8c6e9f78eec2167f5ac773067f37a39da1a1efbc585f9e90658d1c620');
    const key1 = deriveSecp256k1PublicKey(pk('02121bc3a5c38f38ca76487c72007ebbfd34bc6c4cb80a671655aa94585bbd0a02'),
      [c, hexToBytes('abcdef'), hexToBytes('012345')]);
    assert.equal(bytesToHex(key1.publicKey), '02735ca28b5c3e380016d7f28bf4703b540a8bbe8e24beffdc021455ca2ab93fe3');
  });

  it('matches the keys and chain codes mainnet answered (ic-pub-key samples)', () => {
    const samples: [string, string, string[], string, string][] = [
      ['02b84ff3f88329a887657d0309bd1a1af9e37601e5d1a535d6fe7d42e37f79f40a', '212891bc032f28d369bacf39dc369feb516eced9a3d83498246aead1546f8cd1',
        ['2', '444', '66666'], '024bf78e40bb51d2c6c14c11aa8f3af1549741de5acdf925e6dc230dfc5daa22d9', 'bc35b8515f03aa1543081e2af4e878f28b27f3ce00c035f4068702d33ee88586'],
      ['0291f38cada7f498d467a18527dc6706b6343b124062776a9996077820d2c76be2', '9cfbcc11fbc2d401c3719785c31840a2bad151baf28c3795bc63f5fbc9cb26d7',
        ['bungee'], '02cc48da88c3b372cb5d5ac2665c92da65714de07ad148a5a838bb5e95fbddb591', '2dfe858431260fefb8b8093cfbf69bd1428c08757eee9131b901f9010238703b'],
      ['0291f38cada7f498d467a18527dc6706b6343b124062776a9996077820d2c76be2', '9cfbcc11fbc2d401c3719785c31840a2bad151baf28c3795bc63f5fbc9cb26d7',
        ['', ''], '03e204c5244fc5a7a98be3d643fca87b3f0b73db55cdd23abb197c191c89e4bfc6', 'f28e1c6f888684f2a46ab564e648e08a45e27b2d5b7b799ffd6adbd424dc643f'],
      // bip340secp256k1 (same derivation)
      ['030466da666fe067f52cb5337a72e7722123ab3fc82f92b8a5f92b89d0e9bbd6e1', '8b51936ff7862e556e31f1116a657469f00083497062db2e8ee9573e3346a83a',
        ['2', '444', '66666'], '0329d1f060d8225b2547abd7b7cdccc56ea675cfacd46a75863bd98d9a5dcafca7', '4741d01b413e340d0a253e8adf860fd28cea1eebfad71493bac7476e6d20b1ab'],
    ];
    for (const [key, cc, path, wantKey, wantCc] of samples) {
      const d = deriveSecp256k1PublicKey(pk(key), path.map(utf8), hexToBytes(cc));
      assert.equal(bytesToHex(d.publicKey), wantKey, path.join('/'));
      assert.equal(bytesToHex(d.chainCode), wantCc, path.join('/'));
    }
  });

  it('an empty path keeps the key and the chain code', () => {
    const key = pk('02b84ff3f88329a887657d0309bd1a1af9e37601e5d1a535d6fe7d42e37f79f40a');
    const cc = hexToBytes('212891bc032f28d369bacf39dc369feb516eced9a3d83498246aead1546f8cd1');
    const d = deriveSecp256k1PublicKey(key, [], cc);
    assert.equal(bytesToHex(d.publicKey), '02b84ff3f88329a887657d0309bd1a1af9e37601e5d1a535d6fe7d42e37f79f40a');
    assert.equal(bytesToHex(d.chainCode), bytesToHex(cc));
  });

  it('generate_from_seed is SHA-256 mod n', () => {
    assert.equal(secp256k1SecretFromSeed(new Uint8Array()).toString(16), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    assert.equal(secp256k1SecretFromSeed(hexToBytes('abcdef')).toString(16), '995da3cf545787d65f9ced52674e92ee8171c87c7a4008aa4349ec47d21609a7');
  });

  it('secret derivation agrees with public derivation', () => {
    const master = secp256k1SecretFromSeed(utf8('a seed'));
    const path = [utf8('canister'), utf8(''), hexToBytes('00ff'), utf8('x'.repeat(100))];
    const fromSecret = secp256k1PublicKey(deriveSecp256k1Secret(master, path)).toBytes(true);
    assert.equal(bytesToHex(fromSecret), bytesToHex(deriveSecp256k1PublicKey(secp256k1PublicKey(master), path).publicKey));
  });
});

describe('secp256k1 signing', () => {
  it('ECDSA uses RFC 6979 nonces (the ic-secp256k1 vector) and low S', () => {
    const sk = BigInt('0x8f44c8e5da21a3e2933fbf732519a604891b4731f19045f078e6ce57893c1f2a');
    const sig = signEcdsaDigest(sk, sha256(utf8('abc')));
    assert.equal(bytesToHex(sig), 'd8bdb0ddfc8ebb8be42649048e92edc8547d1587b2a8f721738a2ecc0733401c70e86d3042ebbb50dccfbfbdf6c0462c7be45bcd0208d33e34efec273a86eab9');
    const s = BigInt('0x' + bytesToHex(sig.subarray(32)));
    assert.ok(s <= secp256k1.Point.Fn.ORDER / 2n);
  });

  it('BIP-340 signatures verify, for messages of any length, deterministically', () => {
    const sk = secp256k1SecretFromSeed(utf8('bip340'));
    const xOnly = secp256k1PublicKey(sk).toBytes(true).subarray(1);
    for (const len of [0, 1, 32, 33, 1000]) {
      const msg = new Uint8Array(len).fill(7);
      const sig = signBip340(sk, msg);
      assert.equal(sig.length, 64);
      assert.ok(schnorr.verify(sig, msg, xOnly), `length ${len}`);
      assert.equal(bytesToHex(signBip340(sk, msg)), bytesToHex(sig));
    }
  });

  it('BIP-340 reference vector 0 verifies with noble (sanity of the verifier used in tests)', () => {
    const sig = hexToBytes('E907831F80848D1069A5371B402410364BDF1C5F8307B0084C55F1CE2DCA821525F66A4A85EA8B71E482A74F382D2CE5EBEEE8FDB2172F477DF4900D310536C0');
    assert.ok(schnorr.verify(sig, new Uint8Array(32), hexToBytes('F9308A019258C31049344F85F89D5229B531C845836F99B08601F113BCE036F9')));
  });

  it('BIP-341 tweaks the output key as the BIP\'s wallet test vectors (no merkle root, and a 32-byte one)', () => {
    const none = bip341TweakPublicKey(hexToBytes('02d6889cb081036e0faefa3a35157ad71086b123b2b144b649798b494c300a961d'), new Uint8Array());
    assert.equal(bytesToHex(none ?? new Uint8Array()), '53a1f6e454df1aa2776a2814a721372d6258050de330b3c6d10ee8f4e0dda343');
    const withRoot = bip341TweakPublicKey(hexToBytes('02187791b6f712a8ea41c8ecdd0ee77fab3e85263b37e1ec18a3651926b3a6cf27'),
      hexToBytes('5b75adecf53548f3ec6ad7d78383bf84cc57b55a3127c72b9a2481752dd88b21'));
    assert.equal(bytesToHex(withRoot ?? new Uint8Array()), '147c9c57132f6e7ecddba9800bb0c4449251c92a1e60371ee77557b6620f3ea3');
  });

  it('BIP-341: the tweaked secret signs for the tweaked key, with a 32-byte or an empty merkle root', () => {
    for (const seed of ['even or odd 1', 'even or odd 2', 'even or odd 3']) {
      const sk = secp256k1SecretFromSeed(utf8(seed));
      const pub = secp256k1PublicKey(sk).toBytes(true);
      for (const root of [new Uint8Array(32).fill(9), new Uint8Array()]) {
        const tweaked = bip341TweakSecret(sk, root);
        assert.ok(tweaked !== undefined);
        const msg = utf8('taproot');
        const sig = signBip340(tweaked, msg);
        const outputKey = bip341TweakPublicKey(pub, root);
        assert.ok(outputKey !== undefined);
        assert.ok(schnorr.verify(sig, msg, outputKey));
        assert.ok(!schnorr.verify(sig, msg, pub.subarray(1)), 'not valid for the untweaked key');
      }
    }
  });
});
