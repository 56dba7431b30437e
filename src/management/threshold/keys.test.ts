// The master keys: `ThresholdKeys.pocketIc()` reproduces PocketIC's master
// public keys as `dfinity/ic-pub-key` (secp256k1, Ed25519) and `ic-vetkeys`
// (vetKD) publish them, and its derivations match ic-pub-key's PocketIC
// vectors; `fromSeed` gives one key per (scheme, name), depending on the seed.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bytesToHex } from '@noble/curves/utils.js';
import { Principal } from '@dfinity/principal';
import { ThresholdKeys, thresholdKeysForSeed } from './keys.ts';
import type { KeyScheme, MasterKeyId } from './key-id.ts';
import { deriveEd25519PublicKey, ed25519PublicKey } from './ed25519.ts';
import { deriveSecp256k1PublicKey, secp256k1PublicKey } from './secp256k1.ts';
import { vetKdMasterPublicKey } from './vetkd.ts';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

function masterPublicKey(keys: ThresholdKeys, id: MasterKeyId): string {
  const s = keys.secret(id);
  assert.ok(s !== undefined, `${id.scheme}:${id.name} held`);
  if (id.scheme === 'schnorr_ed25519') return bytesToHex(ed25519PublicKey(s).toBytes());
  if (id.scheme === 'vetkd_bls12_381_g2') return bytesToHex(vetKdMasterPublicKey(s).toBytes(true));
  return bytesToHex(secp256k1PublicKey(s).toBytes(true));
}

const POCKET_IC_PUBLIC_KEYS: Readonly<Record<string, Readonly<Record<'secp256k1' | 'ed25519' | 'vetkd', string>>>> = {
  key_1: {
    secp256k1: '036ad6e838b46811ad79c37b2f4b854b7a05f406715b2935edc5d3251e7666977b',
    ed25519: 'db415b8eb85bd5127b0984723e0448054042cf40e7a9c262ed0cc87ecea98349',
    vetkd: '8c800b5cff00463d26e8167369168827f1e48f4d8d60f71dd6a295580f65275b5f5f8e6a792c876b2c72492136530d0710a27522ee63977a76216c3cef9e70bfcb45b88736fc62142e7e0737848ce06cbb1f45a4a6a349b142ae5cf7853561e0',
  },
  test_key_1: {
    secp256k1: '03cc365e15cb552589c7175717b2ac63d1050b9bb2e5aed35432b1b1be55d3abcf',
    ed25519: '6ed9121ecf701b9e301fce17d8a65214888984e8211225691b089d6b219ec144',
    vetkd: '9069b82c7aae418cef27678291e7f2cb1a008a500eceba7199bffca12421b07c158987c6a22618af3d1958738b2835691028801f7663d311799733286c557c8979184bb62cb559a4d582fca7d2e48b860f08ed6641aef66a059ec891889a6218',
  },
  dfx_test_key: {
    secp256k1: '03e6f78b1a90e361c5cc9903f73bb8acbe3bc17ad01e82554d25cf0ecd70c67484',
    ed25519: '7124afcb1be5927cac0397a7447b9c3cda2a4099af62d9bc0a2c2fe42d33efe1',
    vetkd: 'b181c14cf9d04ba45d782c0067a44b0aaa9fc2acf94f1a875f0dae801af4f80339a7e6bf8b09fcf993824c8df3080b3f1409b688ca08cbd44d2cb28db9899f4aa3b5f06b9174240448e10be2f01f9f80079ea5431ce2d11d1c8d1c775333315f',
  },
};

describe('ThresholdKeys', () => {
  it('pocketIc(): the master public keys PocketIC publishes, for every scheme and name', () => {
    const keys = ThresholdKeys.pocketIc();
    for (const [name, want] of Object.entries(POCKET_IC_PUBLIC_KEYS)) {
      assert.equal(masterPublicKey(keys, { scheme: 'ecdsa_secp256k1', name }), want.secp256k1, name);
      assert.equal(masterPublicKey(keys, { scheme: 'schnorr_bip340secp256k1', name }), want.secp256k1, name);
      assert.equal(masterPublicKey(keys, { scheme: 'schnorr_ed25519', name }), want.ed25519, name);
      assert.equal(masterPublicKey(keys, { scheme: 'vetkd_bls12_381_g2', name }), want.vetkd, name);
    }
  });

  it('pocketIc(): derived keys match ic-pub-key\'s PocketIC vectors (canister uzt4z-lp777-77774-qaabq-cai)', () => {
    const keys = ThresholdKeys.pocketIc();
    const canister = Principal.fromText('uzt4z-lp777-77774-qaabq-cai').toUint8Array();
    const path = (label: string, name: string): Uint8Array[] => [canister, ...`Test Derivation For PocketIC ${label} ${name}`.split(' ').map(utf8)];
    const secret = (scheme: KeyScheme, name: string): bigint => keys.secret({ scheme, name }) ?? 0n;
    const want: Record<string, [string, string, string]> = {
      key_1: ['03bca84b5629dc70a37cadb5b3cda0bfc35abc5658f1d9bf8335b10199785a3836',
        '024f77f16549f46e56ef2d33223487dddce3ca4fab7368e2b2cb5c03286d59756a', '41a958daab5eded78e32e06be097ff85563a0d71230114bf52cfb7d633110393'],
      test_key_1: ['022ff35c84bd4cf899707789cfe5db76ce4a650563e678c53e8b128cb4bf4c3763',
        '029b3356b7f6070eb611f88a9a0ea1071131269ed4a6765ce8809796d048aafb33', '6a0d9ea275f24797b451a42b824bda2a8576d35c73de08417092cbe0128849dc'],
      dfx_test_key: ['03f005cf69911ae75f622ce0a621ccddba1a30ea1f6c3d67dd56acbbddb88a9374',
        '02cf1cf363bf09db82d48a8e18a58abbc7d95a9c9e85167a6cc5dea5d81cac2904', '3e9346f7c29d9c3a651309edbf92afbe1ac2eb6c02f2d384f6c105a5b6e8c75f'],
    };
    for (const [name, [ecdsa, bip340, ed]] of Object.entries(want)) {
      const e = deriveSecp256k1PublicKey(secp256k1PublicKey(secret('ecdsa_secp256k1', name)), path('ECDSA secp256k1', name));
      assert.equal(bytesToHex(e.publicKey), ecdsa);
      const b = deriveSecp256k1PublicKey(secp256k1PublicKey(secret('schnorr_bip340secp256k1', name)), path('Bip340secp256k1', name));
      assert.equal(bytesToHex(b.publicKey), bip340);
      const d = deriveEd25519PublicKey(ed25519PublicKey(secret('schnorr_ed25519', name)), path('Ed25519', name));
      assert.equal(bytesToHex(d.publicKey), ed);
    }
  });

  it('holds dfx_test_key, key_1 and test_key_1 for the four schemes, and nothing else', () => {
    const keys = ThresholdKeys.pocketIc();
    assert.equal(keys.keyIds.length, 12);
    assert.equal(keys.secret({ scheme: 'ecdsa_secp256k1', name: 'key_2' }), undefined);
    assert.equal(keys.holds({ scheme: 'vetkd_bls12_381_g2', name: 'test_key_1' }), true);
    assert.deepEqual(keys.chainKeys(13n).filter((k) => k.name === 'key_1'), [
      { kind: 'ecdsa', curve: 0, name: 'key_1', subnetSize: 13n },
      { kind: 'schnorr', curve: 0, name: 'key_1', subnetSize: 13n },
      { kind: 'schnorr', curve: 1, name: 'key_1', subnetSize: 13n },
      { kind: 'vetkd', curve: 0, name: 'key_1', subnetSize: 13n },
    ]);
  });

  it('fromSeed(): one secret per (scheme, name), a function of the seed', () => {
    const a = ThresholdKeys.fromSeed(utf8('seed a'));
    const again = thresholdKeysForSeed('seed a');
    const b = ThresholdKeys.fromSeed(utf8('seed b'));
    const seen = new Set<string>();
    for (const id of a.keyIds) {
      const pk = masterPublicKey(a, id);
      assert.equal(masterPublicKey(again, id), pk, 'same seed, same key');
      assert.notEqual(masterPublicKey(b, id), pk, 'other seed, other key');
      if (id.scheme !== 'schnorr_bip340secp256k1') seen.add(pk);
      else assert.notEqual(pk, masterPublicKey(a, { scheme: 'ecdsa_secp256k1', name: id.name }), 'ECDSA and BIP-340 keys differ');
    }
    assert.equal(seen.size, 9);
    assert.equal(masterPublicKey(thresholdKeysForSeed(), { scheme: 'ecdsa_secp256k1', name: 'key_1' }), POCKET_IC_PUBLIC_KEYS.key_1.secp256k1);
  });
});
