// Threshold keys through real canister calls: a WAT canister (forwarder.ts)
// calls `aaaaa-aa` with arguments encoded here, and a Motoko canister uses
// the typed interface. Everything is verified with `@noble/curves` on the
// test side, independently of the replica's code.
//
// Test steps:
// 1. `*_public_key` for the PocketIC test canister id and paths: the keys
//    `dfinity/ic-pub-key` publishes for PocketIC (the default replica holds
//    PocketIC's master keys and derives as the IC).
// 2. ECDSA, BIP-340 (without aux, with a 32-byte and an empty BIP-341 merkle
//    root) and Ed25519 signatures verify under the public key of the same
//    canister and path; the fee is kept and the rest of the cycles refunded.
// 3. Different paths and canisters give different keys; `canister_id`
//    defaults to the caller.
// 4. vetKD: the encrypted key decrypts with the transport secret and is a
//    BLS signature on the input under `vetkd_public_key`'s key.
// 5. Rejects with the replica's codes and texts: unknown key, bad message
//    hash length, too long derivation path (routing: code 3, all cycles
//    back), too few cycles, bad `aux`, bad transport key (IC0406), ingress.
// 6. A Motoko canister signs with ECDSA through the typed interface.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { secp256k1, schnorr } from '@noble/curves/secp256k1.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { bytesToHex, bytesToNumberBE } from '@noble/curves/utils.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { Principal } from '@dfinity/principal';
import { CanisterId, Replica } from '../../src/index.ts';
import { compileMotoko } from '../corpus/motoko.ts';
import { proxyCanister, viaProxy } from './mgmt-proxy.ts';
import type { ProxyAnswer } from './mgmt-proxy.ts';
import { IDL, NONE, enc, p } from './support.ts';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const Blob = IDL.Vec(IDL.Nat8);
const EcdsaKey = IDL.Record({ curve: IDL.Variant({ secp256k1: IDL.Null }), name: IDL.Text });
const SchnorrKey = IDL.Record({ algorithm: IDL.Variant({ bip340secp256k1: IDL.Null, ed25519: IDL.Null }), name: IDL.Text });
const VetKdKey = IDL.Record({ curve: IDL.Variant({ bls12_381_g2: IDL.Null }), name: IDL.Text });
const PublicKeyArgs = (key: IDL.Type) => IDL.Record({ canister_id: IDL.Opt(IDL.Principal), derivation_path: IDL.Vec(Blob), key_id: key });
const SignEcdsa = IDL.Record({ message_hash: Blob, derivation_path: IDL.Vec(Blob), key_id: EcdsaKey });
const SignSchnorr = IDL.Record({
  message: Blob, derivation_path: IDL.Vec(Blob), key_id: SchnorrKey,
  aux: IDL.Opt(IDL.Variant({ bip341: IDL.Record({ merkle_root_hash: Blob }) })),
});
const VetKdPublicKey = IDL.Record({ canister_id: IDL.Opt(IDL.Principal), context: Blob, key_id: VetKdKey });
const VetKdDerive = IDL.Record({ input: Blob, context: Blob, transport_public_key: Blob, key_id: VetKdKey });
const PublicKeyResult = IDL.Record({ public_key: Blob, chain_code: Blob });

const ECDSA = (name = 'dfx_test_key') => ({ curve: { secp256k1: null }, name });
const BIP340 = (name = 'dfx_test_key') => ({ algorithm: { bip340secp256k1: null }, name });
const ED25519 = (name = 'dfx_test_key') => ({ algorithm: { ed25519: null }, name });
const VETKD = (name = 'dfx_test_key') => ({ curve: { bls12_381_g2: null }, name });
const FEE = 10_000_000_000n; // 10B at 13 nodes for every threshold scheme
const T = 1_000_000_000_000n;

const POCKET_IC_CANISTER = Principal.fromText('uzt4z-lp777-77774-qaabq-cai');
const ALL_KEYS = '[ecdsa:Secp256k1:dfx_test_key, ecdsa:Secp256k1:key_1, ecdsa:Secp256k1:test_key_1, '
  + 'schnorr:Bip340Secp256k1:dfx_test_key, schnorr:Bip340Secp256k1:key_1, schnorr:Bip340Secp256k1:test_key_1, '
  + 'schnorr:Ed25519:dfx_test_key, schnorr:Ed25519:key_1, schnorr:Ed25519:test_key_1, '
  + 'vetkd:Bls12_381_G2:dfx_test_key, vetkd:Bls12_381_G2:key_1, vetkd:Bls12_381_G2:test_key_1]';

/** Calls `method` of aaaaa-aa from the proxy canister `from` with `cycles` attached. */
const forward = (ic: Replica, from: CanisterId, method: string, arg: Uint8Array, cycles = 0n): Promise<ProxyAnswer> =>
  viaProxy(ic, from, method, arg, { cycles });

function replied(r: ProxyAnswer): { refunded: bigint; bytes: Uint8Array } {
  assert.equal(r.kind, 'reply', r.kind === 'reject' ? `rejected ${r.code}: ${r.message}` : '');
  return r as { refunded: bigint; bytes: Uint8Array };
}

function decode<T>(type: IDL.Type, bytes: Uint8Array): T {
  return IDL.decode([type], bytes)[0] as T;
}

const blobOf = (v: unknown): Uint8Array => Uint8Array.from(v as Uint8Array);

describe('threshold keys', () => {
  let ic: Replica;
  let a: CanisterId;
  let b: CanisterId;

  before(async () => {
    ic = await Replica.create();
    a = await proxyCanister(ic);
    b = await proxyCanister(ic);
  });
  after(async () => { await ic.close(); });

  async function publicKey(from: CanisterId, method: string, key: IDL.Type, keyId: unknown, path: Uint8Array[], canister?: Principal): Promise<{ publicKey: Uint8Array; chainCode: Uint8Array }> {
    const arg = enc([PublicKeyArgs(key)], [{ canister_id: canister === undefined ? [] : [canister], derivation_path: path, key_id: keyId }]);
    const r = replied(await forward(ic, from, method, arg, 1_000n));
    assert.equal(r.refunded, 1_000n, 'public keys are free');
    const v = decode<{ public_key: Uint8Array; chain_code: Uint8Array }>(PublicKeyResult, r.bytes);
    return { publicKey: blobOf(v.public_key), chainCode: blobOf(v.chain_code) };
  }

  async function signature(from: CanisterId, method: string, type: IDL.Type, value: unknown, cycles = FEE + 123n): Promise<Uint8Array> {
    const r = replied(await forward(ic, from, method, enc([type], [value]), cycles));
    assert.equal(r.refunded, cycles - FEE, 'the fee is kept, the rest refunded');
    return blobOf(decode<{ signature: Uint8Array }>(IDL.Record({ signature: Blob }), r.bytes).signature);
  }

  it('public keys of the PocketIC test canister are the ones ic-pub-key publishes for PocketIC', async () => {
    const path = (label: string): Uint8Array[] => `Test Derivation For PocketIC ${label} dfx_test_key`.split(' ').map(utf8);
    const e = await publicKey(a, 'ecdsa_public_key', EcdsaKey, ECDSA(), path('ECDSA secp256k1'), POCKET_IC_CANISTER);
    assert.equal(bytesToHex(e.publicKey), '03f005cf69911ae75f622ce0a621ccddba1a30ea1f6c3d67dd56acbbddb88a9374');
    assert.equal(e.chainCode.length, 32);
    const s = await publicKey(a, 'schnorr_public_key', SchnorrKey, BIP340(), path('Bip340secp256k1'), POCKET_IC_CANISTER);
    assert.equal(bytesToHex(s.publicKey), '02cf1cf363bf09db82d48a8e18a58abbc7d95a9c9e85167a6cc5dea5d81cac2904');
    const d = await publicKey(a, 'schnorr_public_key', SchnorrKey, ED25519(), path('Ed25519'), POCKET_IC_CANISTER);
    assert.equal(bytesToHex(d.publicKey), '3e9346f7c29d9c3a651309edbf92afbe1ac2eb6c02f2d384f6c105a5b6e8c75f');
  });

  it('ECDSA: the signature verifies under the key of the same canister and path; low S; 64 bytes', async () => {
    const path = [utf8('wallet'), Uint8Array.of(0, 1)];
    const { publicKey: pk } = await publicKey(a, 'ecdsa_public_key', EcdsaKey, ECDSA(), path);
    const hash = sha256(utf8('pay 1 BTC'));
    const sig = await signature(a, 'sign_with_ecdsa', SignEcdsa, { message_hash: hash, derivation_path: path, key_id: ECDSA() });
    assert.equal(sig.length, 64);
    assert.ok(secp256k1.verify(sig, hash, pk, { prehash: false, lowS: true }));
    assert.ok(!secp256k1.verify(sig, sha256(utf8('pay 2 BTC')), pk, { prehash: false }));
    const again = await signature(a, 'sign_with_ecdsa', SignEcdsa, { message_hash: hash, derivation_path: path, key_id: ECDSA() });
    assert.equal(bytesToHex(again), bytesToHex(sig), 'deterministic');
  });

  it('BIP-340: verifies without aux, and with a BIP-341 tweak (32-byte and empty merkle root) under the tweaked key', async () => {
    const path = [utf8('taproot')];
    const { publicKey: pk } = await publicKey(a, 'schnorr_public_key', SchnorrKey, BIP340('key_1'), path);
    assert.equal(pk.length, 33);
    const x = pk.subarray(1);
    const message = utf8('a message of any length, not only 32 bytes');
    const plain = await signature(a, 'sign_with_schnorr', SignSchnorr, { message, derivation_path: path, key_id: BIP340('key_1'), aux: [] });
    assert.equal(plain.length, 64);
    assert.ok(schnorr.verify(plain, message, x));
    for (const root of [new Uint8Array(32).fill(0xab), new Uint8Array()]) {
      const sig = await signature(a, 'sign_with_schnorr', SignSchnorr,
        { message, derivation_path: path, key_id: BIP340('key_1'), aux: [{ bip341: { merkle_root_hash: root } }] });
      const t = bytesToNumberBE(schnorr.utils.taggedHash('TapTweak', x, root));
      const q = schnorr.utils.lift_x(bytesToNumberBE(x)).add(secp256k1.Point.BASE.multiply(t));
      assert.ok(schnorr.verify(sig, message, q.toBytes(true).subarray(1)), `root of ${root.length} bytes`);
      assert.ok(!schnorr.verify(sig, message, x), 'not under the untweaked key');
    }
  });

  it('Ed25519: verifies under the key of the same canister and path', async () => {
    const path = [utf8('sol')];
    const { publicKey: pk } = await publicKey(b, 'schnorr_public_key', SchnorrKey, ED25519('test_key_1'), path);
    assert.equal(pk.length, 32);
    const message = utf8('transfer');
    const sig = await signature(b, 'sign_with_schnorr', SignSchnorr, { message, derivation_path: path, key_id: ED25519('test_key_1'), aux: [] });
    assert.equal(sig.length, 64);
    assert.ok(ed25519.verify(sig, message, pk));
  });

  it('different paths and canisters give different keys; canister_id defaults to the caller', async () => {
    const key = (from: CanisterId, path: string[], canister?: Principal) =>
      publicKey(from, 'ecdsa_public_key', EcdsaKey, ECDSA(), path.map(utf8), canister).then((k) => bytesToHex(k.publicKey));
    const own = await key(a, ['x']);
    assert.equal(await key(b, ['x'], p(a)), own, 'b asks for a\'s key');
    assert.notEqual(await key(b, ['x']), own, 'b\'s own key differs');
    assert.notEqual(await key(a, ['y']), own);
    assert.notEqual(await key(a, ['x', '']), own);
    assert.notEqual(await key(a, []), own);
    const ed = (from: CanisterId) => publicKey(from, 'schnorr_public_key', SchnorrKey, ED25519(), [utf8('x')]).then((k) => bytesToHex(k.publicKey));
    assert.notEqual(await ed(a), await ed(b));
  });

  it('vetKD: the derived key decrypts with the transport secret and verifies as a BLS signature under the vetKD public key', async () => {
    const G1 = bls12_381.G1.Point;
    const G2 = bls12_381.G2.Point;
    const tsk = 0x1234567890abcdefn;
    const context = utf8('my-app');
    const input = utf8('alice@example.com');
    const pkArg = enc([VetKdPublicKey], [{ canister_id: [], context, key_id: VETKD() }]);
    const pkReply = replied(await forward(ic, a, 'vetkd_public_key', pkArg));
    const dpkBytes = blobOf(decode<{ public_key: Uint8Array }>(IDL.Record({ public_key: Blob }), pkReply.bytes).public_key);
    assert.equal(dpkBytes.length, 96);
    const deriveArg = enc([VetKdDerive], [{ input, context, transport_public_key: G1.BASE.multiply(tsk).toBytes(true), key_id: VETKD() }]);
    const r = replied(await forward(ic, a, 'vetkd_derive_key', deriveArg, FEE + 7n));
    assert.equal(r.refunded, 7n);
    const ek = blobOf(decode<{ encrypted_key: Uint8Array }>(IDL.Record({ encrypted_key: Blob }), r.bytes).encrypted_key);
    assert.equal(ek.length, 192);
    const c1 = G1.fromBytes(ek.subarray(0, 48));
    const c2 = G2.fromBytes(ek.subarray(48, 144));
    const c3 = G1.fromBytes(ek.subarray(144));
    const Fp12 = bls12_381.fields.Fp12;
    assert.ok(Fp12.eql(bls12_381.pairingBatch([{ g1: c1, g2: G2.BASE.negate() }, { g1: G1.BASE, g2: c2 }]), Fp12.ONE), 'c1 and c2 share r');
    const vetKey = c3.subtract(c1.multiply(tsk));
    const hashed = (msg: Uint8Array) => bls12_381.G1.hashToCurve(new Uint8Array([...dpkBytes, ...msg]), { DST: 'BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_AUG_' });
    assert.ok(bls12_381.shortSignatures.verify(vetKey, hashed(input), G2.fromBytes(dpkBytes)));
    assert.ok(!bls12_381.shortSignatures.verify(vetKey, hashed(utf8('bob')), G2.fromBytes(dpkBytes)));
  });

  describe('rejects', () => {
    const signArgs = (over: Record<string, unknown> = {}) => enc([SignEcdsa], [{ message_hash: new Uint8Array(32), derivation_path: [], key_id: ECDSA(), ...over }]);
    const routing = (method: string, detail: string) => `Unable to route management canister request ${method}: ${detail}`;

    it('unknown key: routing rejects (code 3) listing the keys held, all cycles back', async () => {
      const r = await forward(ic, a, 'sign_with_ecdsa', signArgs({ key_id: ECDSA('nope') }), FEE);
      assert.deepEqual(r, { kind: 'reject', code: 3, refunded: FEE, message: routing('sign_with_ecdsa',
        `ChainKeyError("Requested unknown or disabled threshold key: ecdsa:Secp256k1:nope, existing enabled keys: ${ALL_KEYS}")`) });
      const pk = await forward(ic, a, 'schnorr_public_key', enc([PublicKeyArgs(SchnorrKey)], [{ canister_id: [], derivation_path: [], key_id: ED25519('a"b') }]));
      assert.deepEqual(pk, { kind: 'reject', code: 3, refunded: 0n, message: routing('schnorr_public_key',
        `ChainKeyError("Requested unknown threshold key: schnorr:Ed25519:a\\"b, existing keys: ${ALL_KEYS}")`) });
    });

    it('a message hash of other than 32 bytes: the replica\'s decode error (code 3)', async () => {
      const r = await forward(ic, a, 'sign_with_ecdsa', signArgs({ message_hash: new Uint8Array(31) }), FEE);
      assert.deepEqual(r, { kind: 'reject', code: 3, refunded: FEE, message: routing('sign_with_ecdsa',
        'UserError(UserError { code: InvalidManagementPayload, description: "Error decoding candid: Deserialize error: invalid length 31, expected an array of length 32" })') });
    });

    it('a derivation path of more than 255 items: the replica\'s decode error (code 3); 255 is fine', async () => {
      const long = enc([PublicKeyArgs(EcdsaKey)], [{ canister_id: [], derivation_path: Array.from({ length: 256 }, () => new Uint8Array()), key_id: ECDSA() }]);
      assert.deepEqual(await forward(ic, a, 'ecdsa_public_key', long), { kind: 'reject', code: 3, refunded: 0n, message: routing('ecdsa_public_key',
        'UserError(UserError { code: InvalidManagementPayload, description: "Error decoding candid: Deserialize error: The number of elements exceeds maximum allowed 255" })') });
      const max = await publicKey(a, 'ecdsa_public_key', EcdsaKey, ECDSA(), Array.from({ length: 255 }, () => new Uint8Array()));
      assert.equal(max.publicKey.length, 33);
    });

    it('too few cycles: IC0406 with the fee, the cycles back', async () => {
      assert.deepEqual(await forward(ic, a, 'sign_with_ecdsa', signArgs(), FEE - 1n), { kind: 'reject', code: 4, refunded: FEE - 1n,
        message: `sign_with_ecdsa request sent with ${FEE - 1n} cycles, but ${FEE} cycles are required.` });
      const vet = enc([VetKdDerive], [{ input: NONE, context: NONE, transport_public_key: bls12_381.G1.Point.BASE.toBytes(true), key_id: VETKD() }]);
      assert.deepEqual(await forward(ic, a, 'vetkd_derive_key', vet, 0n), { kind: 'reject', code: 4, refunded: 0n,
        message: `vetkd_derive_key request sent with 0 cycles, but ${FEE} cycles are required.` });
    });

    it('bad aux (before the fee), bad transport key: IC0406', async () => {
      const schnorrArgs = (key: unknown, root: Uint8Array) =>
        enc([SignSchnorr], [{ message: NONE, derivation_path: [], key_id: key, aux: [{ bip341: { merkle_root_hash: root } }] }]);
      assert.deepEqual(await forward(ic, a, 'sign_with_schnorr', schnorrArgs(BIP340(), new Uint8Array(8)), 0n),
        { kind: 'reject', code: 4, refunded: 0n, message: 'Invalid aux field for Bip340Secp256k1' });
      assert.deepEqual(await forward(ic, a, 'sign_with_schnorr', schnorrArgs(ED25519(), new Uint8Array(32)), FEE),
        { kind: 'reject', code: 4, refunded: FEE, message: 'Schnorr algorithm Ed25519 does not support aux input' });
      const badTpk = enc([VetKdDerive], [{ input: NONE, context: NONE, transport_public_key: new Uint8Array(48), key_id: VETKD() }]);
      assert.deepEqual(await forward(ic, a, 'vetkd_derive_key', badTpk, FEE),
        { kind: 'reject', code: 4, refunded: FEE, message: 'The provided transport public key is invalid.' });
      const shortTpk = enc([VetKdDerive], [{ input: NONE, context: NONE, transport_public_key: new Uint8Array(47), key_id: VETKD() }]);
      assert.deepEqual(await forward(ic, a, 'vetkd_derive_key', shortTpk, FEE), { kind: 'reject', code: 3, refunded: FEE, message: routing('vetkd_derive_key',
        'UserError(UserError { code: InvalidManagementPayload, description: "Error decoding candid: Deserialize error: invalid length 47, expected a byte array of length 48" })') });
    });

    it('ingress is refused before it reaches the management canister (canisters only)', async () => {
      for (const method of ['ecdsa_public_key', 'sign_with_ecdsa', 'schnorr_public_key', 'sign_with_schnorr', 'vetkd_public_key', 'vetkd_derive_key']) {
        await assert.rejects(ic.updateCall(CanisterId.fromText('aaaaa-aa'), method, signArgs()),
          (e: Error & { code?: number }) => e.code === 406 && e.message.includes(method), method);
      }
    });

    it('the fee leaves the canister: its balance falls by the fee plus execution costs only', async () => {
      const before = ic.committedState.canister(a)?.systemState.balance ?? 0n;
      await signature(a, 'sign_with_ecdsa', SignEcdsa, { message_hash: new Uint8Array(32), derivation_path: [], key_id: ECDSA() }, 5n * T);
      const after = ic.committedState.canister(a)?.systemState.balance ?? 0n;
      const spent = before - after;
      assert.ok(spent >= FEE && spent < FEE + 1_000_000_000n, `spent ${spent}`);
    });
  });

  it('a Motoko canister signs through the typed interface; the signature verifies', async () => {
    const src = `
persistent actor {
  type KeyId = { curve : { #secp256k1 }; name : Text };
  transient let ic = actor "aaaaa-aa" : actor {
    ecdsa_public_key : ({ canister_id : ?Principal; derivation_path : [Blob]; key_id : KeyId }) -> async ({ public_key : Blob; chain_code : Blob });
    sign_with_ecdsa : ({ message_hash : Blob; derivation_path : [Blob]; key_id : KeyId }) -> async ({ signature : Blob });
  };
  public func sign(hash : Blob) : async (Blob, Blob) {
    let key_id = { curve = #secp256k1; name = "test_key_1" };
    let pk = await ic.ecdsa_public_key({ canister_id = null; derivation_path = ["\\01"]; key_id });
    let s = await (with cycles = 10_000_000_000) ic.sign_with_ecdsa({ message_hash = hash; derivation_path = ["\\01"]; key_id });
    (pk.public_key, s.signature)
  };
};`;
    const mo = await ic.createCanister();
    await ic.installCode(mo, await compileMotoko(src));
    const hash = sha256(utf8('motoko'));
    const [pk, sig] = IDL.decode([Blob, Blob], await ic.updateCall(mo, 'sign', enc([Blob], [hash]))).map(blobOf);
    assert.ok(secp256k1.verify(sig, hash, pk, { prehash: false }));
    const direct = await publicKey(a, 'ecdsa_public_key', EcdsaKey, ECDSA('test_key_1'), [Uint8Array.of(1)], p(mo));
    assert.equal(bytesToHex(direct.publicKey), bytesToHex(pk));
  });
});
