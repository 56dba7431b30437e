// vetKD against the fixed vectors of `dfinity/vetkeys`
// (`backend/rs/ic_vetkeys/tests/utils.rs`: canister and context
// derivation, an encrypted key that decrypts to a known vetKey) and RFC 9380
// expand_message_xmd; then the full flow: an encrypted key from
// `encryptedVetKey` decrypts with the transport secret (client side written
// here with noble alone) to a valid BLS signature under the derived key.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { bytesToHex, bytesToNumberLE, hexToBytes } from '@noble/curves/utils.js';
import {
  BLS12_381_ORDER, VETKD_SIGNATURE_DST, augmentedHashToG1, deriveVetKd, encryptedVetKey, expandMessageXmd, hashToScalar,
  parseTransportPublicKey, vetKdMasterPublicKey, vetKdPublicKey,
} from './vetkd.ts';

const G1 = bls12_381.G1.Point;
const G2 = bls12_381.G2.Point;
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** The client side (`EncryptedVetKey::decrypt_and_verify`): the vetKey, or `undefined` if invalid. */
function decryptAndVerify(encrypted: Uint8Array, tsk: bigint, dpkBytes: Uint8Array, input: Uint8Array): Uint8Array | undefined {
  const c1 = G1.fromBytes(encrypted.subarray(0, 48));
  const c2 = G2.fromBytes(encrypted.subarray(48, 144));
  const c3 = G1.fromBytes(encrypted.subarray(144, 192));
  const one = bls12_381.fields.Fp12.ONE;
  const c1c2 = bls12_381.pairingBatch([{ g1: c1, g2: G2.BASE.negate() }, { g1: G1.BASE, g2: c2 }]);
  if (!bls12_381.fields.Fp12.eql(c1c2, one)) return undefined;
  const k = c3.subtract(c1.multiply(tsk));
  const dpk = G2.fromBytes(dpkBytes);
  const msg = bls12_381.G1.hashToCurve(new Uint8Array([...dpkBytes, ...input]), { DST: VETKD_SIGNATURE_DST });
  return bls12_381.shortSignatures.verify(k, msg, dpk) ? k.toBytes(true) : undefined;
}

describe('vetKD', () => {
  it('expand_message_xmd matches RFC 9380 (SHA-256, DST QUUX-V01-CS02-with-expander-SHA256-128, msg "abc", 32 bytes)', () => {
    assert.equal(bytesToHex(expandMessageXmd(utf8('abc'), 'QUUX-V01-CS02-with-expander-SHA256-128', 0x20)),
      'd8ccab23b5985ccea865c6c97b6e5b8350e794e603b4b97902f53a8a0d605615');
    assert.equal(bytesToHex(expandMessageXmd(new Uint8Array(), 'QUUX-V01-CS02-with-expander-SHA256-128', 0x80)),
      'af84c27ccfd45d41914fdff5df25293e221afc53d8ad2ac06d5e3e29485dadbee0d121587713a3e0dd4d5e69e93eb7cd4f5df4cd103e188cf60cb02edc3edf18eda8576c412b18ffb658e3dd6ec849469b979d444cf7b26911a08e63cf31f9dcc541708d3491184472c2c29bb749d4286b004ceb5ee6b9a7fa5b646c993f0ced');
  });

  it('derives canister and context keys as ic-vetkeys (test_public_key_derivation)', () => {
    const mpk = G2.fromBytes(hexToBytes('9183b871aa141d15ba2efc5bc58a49cb6a167741364804617f48dfe11e0285696b7018f172dad1a87ed81abf27ea4c320995041e2ee4a47b2226a2439d92a38557a7e2acc72fd157283b20f1f37ba872be235214c6a9cbba1eb2ef39deec72a5'));
    assert.equal(bytesToHex(vetKdPublicKey(mpk, utf8('test-canister-id'), new Uint8Array())),
      'af78a908589d332fc8b9d042807c483e73872e2aea7620bdb985b9289d5a99ebfd5ac0ec4844a4c542f6d0f12a716d941674953cef4f38dde601ce9792db8832557eaa051733c5541fa5017465d69b62cc4d93f2079fb8c050b4bd735ef75859');
    assert.equal(bytesToHex(vetKdPublicKey(mpk, utf8('test-canister-id'), utf8('test-context'))),
      'a20125b8cdfc57f71b6f67e557e82c1307c1af9f728573f3b682f3b1816684f3f6aed5d8dd40a309b457a25dab7d8a1416fc0e0973000321c0c1dd844d80a5708e81fdd8338ea6433f175992fa05ef343b1e7f89a09f3b5b7c0766ccb3c624cd');
  });

  it('decrypts the ic-vetkeys fixed encrypted key to its vetKey (protocol_flow_with_fixed_rng_has_expected_outputs)', () => {
    // ic_bls12_381 serializes scalars little-endian.
    const tsk = bytesToNumberLE(hexToBytes('763e63464c55014a26ac6825616867185cc7204283ca46bd34c1a1446e737b16'));
    assert.equal(bytesToHex(G1.BASE.multiply(tsk).toBytes(true)), '911969d56f42875d37a92d7eaa5d43293eff9f9a20ba4c60523e70a695eaeadeb721659b52a49d74e67841ad19033a12');
    const dpk = hexToBytes('972c4c6cc184b56121a1d27ef1ca3a2334d1a51be93573bd18e168f78f8fe15ce44fb029ffe8e9c3ee6bea2660f4f35e0774a35a80d6236c050fd8f831475b5e145116d3e83d26c533545f64b08464e4bcc755f990a381efa89804212d4eef5f');
    const ek = hexToBytes('b1a13757eaae15a3c8884fc1a3453f8a29b88984418e65f1bd21042ce1d6809b2f8a49f7326c1327f2a3921e8ff1d6c3adde2a801f1f88de98ccb40c62e366a279e7aec5875a0ce2f2a9f3e109d9cb193f0197eadb2c5f5568ee4d6a87e115910662e01e604087246be8b081fc6b8a06b4b0100ed1935d8c8d18d9f70d61718c5dba23a641487e72b3b25884eeede8feb3c71599bfbcebe60d29408795c85b4bdf19588c034d898e7fc513be8dbd04cac702a1672f5625f5833d063b05df7503');
    const vetKey = decryptAndVerify(ek, tsk, dpk, utf8('message'));
    assert.equal(bytesToHex(vetKey ?? new Uint8Array()), '987db5406ce297e729c8564a106dc896943b00216a095fe9c5d32a16a330c02eb80e6f468ede83cde5462b5145b58f65');
  });

  it('an encrypted key decrypts with the transport secret to a BLS signature under the derived key, only for its input', () => {
    const master = hashToScalar('test-master', utf8('seed'));
    const tsk = hashToScalar('test-transport', utf8('tsk'));
    const tpk = parseTransportPublicKey(G1.BASE.multiply(tsk).toBytes(true));
    assert.ok(tpk !== undefined);
    const canisterId = hexToBytes('00000000000000010101');
    const request = { canisterId, context: utf8('ctx'), input: utf8('alice'), transportPublicKey: tpk };
    const ek = encryptedVetKey(master, request);
    assert.equal(ek.length, 192);
    assert.equal(bytesToHex(encryptedVetKey(master, request)), bytesToHex(ek), 'deterministic');
    const dpk = vetKdPublicKey(vetKdMasterPublicKey(master), canisterId, utf8('ctx'));
    const vetKey = decryptAndVerify(ek, tsk, dpk, utf8('alice'));
    assert.ok(vetKey !== undefined);
    // The vetKey is the derived secret's signature on H(dpk ‖ input).
    const offset = deriveVetKd(vetKdMasterPublicKey(master), canisterId, utf8('ctx')).offset;
    const expected = augmentedHashToG1(G2.fromBytes(dpk), utf8('alice')).multiply((master + offset) % BLS12_381_ORDER);
    assert.equal(bytesToHex(vetKey), bytesToHex(expected.toBytes(true)));
    assert.equal(decryptAndVerify(ek, tsk, dpk, utf8('bob')), undefined, 'another input does not verify');
    assert.equal(decryptAndVerify(ek, tsk + 1n, dpk, utf8('alice')), undefined, 'another transport secret does not');
  });

  it('transport keys: compressed G1 points only', () => {
    assert.ok(parseTransportPublicKey(G1.BASE.toBytes(true)) !== undefined);
    assert.equal(parseTransportPublicKey(G1.BASE.toBytes(false)), undefined);
    assert.equal(parseTransportPublicKey(new Uint8Array(48)), undefined);
    assert.equal(parseTransportPublicKey(new Uint8Array(48).fill(0xff)), undefined);
  });
});
