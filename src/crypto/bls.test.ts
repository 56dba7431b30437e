import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { Principal } from '@dfinity/principal';
import { Cbor, Certificate, IC_ROOT_KEY, blsVerify as agentBlsVerify } from '@dfinity/agent';
import {
  BLS_KEY_PAIR_SERIALIZED_BYTES,
  BLS_PUBLIC_KEY_DER_BYTES,
  BLS_PUBLIC_KEY_DER_PREFIX,
  BlsKeyPair,
  blsVerify,
  publicKeyFromDer,
  publicKeyToDer,
  stateRootMessage,
} from './bls.ts';
import { domainSeparated } from './hash.ts';

const fromHex = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const utf8 = (s: string) => new TextEncoder().encode(s);
const seed = (byte: number) => new Uint8Array(32).fill(byte);
const secretScalar = (key: BlsKeyPair) => BigInt('0x' + hex(key.serialize().subarray(1, 33)));

describe('BlsKeyPair.fromSeed (IETF KeyGen = EIP-2333 HKDF_mod_r)', () => {
  test('reproduces the EIP-2333 master keys (test cases 0 and 1)', () => {
    // EIP-2333 "Test Cases": seed → master_SK.
    const case0 = BlsKeyPair.fromSeed(fromHex(
      'c55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e53495531f09a6987599d18264c1e1c92f2cf141630c7a3c4ab7c81b2f001698e7463b04'));
    assert.equal(secretScalar(case0), 6083874454709270928345386274498605044986640685124978867557563392430687146096n);
    const case1 = BlsKeyPair.fromSeed(fromHex('3141592653589793238462643383279502884197169399375105820974944592'));
    assert.equal(secretScalar(case1), 29757020647961307431480504535336562678282505419141012933316116377660817309383n);
  });

  test('is deterministic and needs at least 32 bytes', () => {
    assert.deepEqual(BlsKeyPair.fromSeed(seed(1)).publicKey, BlsKeyPair.fromSeed(seed(1)).publicKey);
    assert.notDeepEqual(BlsKeyPair.fromSeed(seed(1)).publicKey, BlsKeyPair.fromSeed(seed(2)).publicKey);
    assert.throws(() => BlsKeyPair.fromSeed(new Uint8Array(31)), RangeError);
  });
});

describe('sign and verify', () => {
  const key = BlsKeyPair.fromSeed(seed(7));
  const other = BlsKeyPair.fromSeed(seed(8));
  const message = utf8('hello');
  const signature = key.sign(message);

  test('round trip: a 48-byte G1 signature under a 96-byte G2 key', () => {
    assert.equal(signature.length, 48);
    assert.equal(key.publicKey.length, 96);
    assert.ok(blsVerify(key.publicKey, signature, message));
  });

  test('signatures are deterministic', () => {
    assert.deepEqual(key.sign(message), signature);
    assert.deepEqual(BlsKeyPair.fromSeed(seed(7)).sign(message), signature);
  });

  test("a signature by one key fails under another, and on another message", () => {
    assert.ok(!blsVerify(other.publicKey, signature, message));
    assert.ok(!blsVerify(key.publicKey, signature, utf8('hellp')));
    assert.ok(!blsVerify(key.publicKey, other.sign(message), message));
  });

  test('malformed keys and signatures give false, not an exception', () => {
    const flipped = Uint8Array.from(signature);
    flipped[10] ^= 1;
    assert.ok(!blsVerify(key.publicKey, flipped, message));
    assert.ok(!blsVerify(key.publicKey, signature.subarray(1), message));
    assert.ok(!blsVerify(key.publicKey.subarray(1), signature, message));
    assert.ok(!blsVerify(new Uint8Array(96), signature, message));
    assert.ok(!blsVerify(key.publicKey, new Uint8Array(48), message));
  });

  test('hashes to G1 with the IC DST BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_', () => {
    const short = bls12_381.shortSignatures;
    const hashed = short.hash(message, 'BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_');
    assert.ok(short.verify(signature, hashed, key.publicKey));
    const otherDst = short.hash(message, 'BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_POP_');
    assert.ok(!short.verify(signature, otherDst, key.publicKey));
  });

  test("@dfinity/agent's own blsVerify accepts our signatures and rejects another key's", () => {
    assert.equal(agentBlsVerify(key.publicKey, signature, message), true);
    assert.equal(agentBlsVerify(other.publicKey, signature, message), false);
  });
});

describe('DER public key', () => {
  const key = BlsKeyPair.fromSeed(seed(3));

  test('is 133 bytes: the 37-byte IC prefix (http_interface.md §6.4) then the key', () => {
    assert.equal(hex(BLS_PUBLIC_KEY_DER_PREFIX), '308182301d060d2b0601040182dc7c0503010201060c2b0601040182dc7c05030201036100');
    const der = key.publicKeyDer;
    assert.equal(der.length, 133);
    assert.equal(BLS_PUBLIC_KEY_DER_BYTES, 133);
    assert.deepEqual(der.subarray(0, 37), BLS_PUBLIC_KEY_DER_PREFIX);
    assert.deepEqual(der.subarray(37), key.publicKey);
    assert.deepEqual(publicKeyToDer(key.publicKey), der);
    assert.deepEqual(publicKeyFromDer(der), key.publicKey);
  });

  test('decoding accepts the mainnet root key and rejects other lengths and prefixes', () => {
    const mainnet = publicKeyFromDer(fromHex(IC_ROOT_KEY));
    assert.equal(mainnet.length, 96);
    assert.doesNotThrow(() => bls12_381.G2.Point.fromBytes(mainnet).assertValidity());
    const der = key.publicKeyDer;
    assert.throws(() => publicKeyFromDer(der.subarray(1)), RangeError);
    const badPrefix = Uint8Array.from(der);
    badPrefix[20] ^= 1;
    assert.throws(() => publicKeyFromDer(badPrefix), RangeError);
    assert.throws(() => publicKeyToDer(new Uint8Array(95)), RangeError);
  });
});

describe('serialization for the store', () => {
  const key = BlsKeyPair.fromSeed(seed(9));

  test('round trip keeps the key: same public key, same signatures', () => {
    const bytes = key.serialize();
    assert.equal(bytes.length, BLS_KEY_PAIR_SERIALIZED_BYTES);
    assert.equal(bytes.length, 145);
    assert.equal(bytes[0], 2);
    assert.deepEqual(bytes.subarray(33, 129), key.publicKey);
    const back = BlsKeyPair.deserialize(bytes);
    assert.deepEqual(back.publicKey, key.publicKey);
    assert.deepEqual(back.sign(utf8('m')), key.sign(utf8('m')));
  });

  test('rejects damaged records', () => {
    const bytes = key.serialize();
    assert.throws(() => BlsKeyPair.deserialize(bytes.subarray(1)), RangeError);
    assert.throws(() => BlsKeyPair.deserialize(bytes.subarray(0, 144)), RangeError);
    const version = Uint8Array.from(bytes);
    version[0] = 3;
    assert.throws(() => BlsKeyPair.deserialize(version), /format version/);
    for (const at of [5, 100, 140]) {
      const damaged = Uint8Array.from(bytes);
      damaged[at] ^= 1;
      assert.throws(() => BlsKeyPair.deserialize(damaged), /check does not match/, `byte ${at}`);
    }
  });

  test('reads version 1 records (129 bytes, no check) by rederiving the public key', () => {
    const v1 = Uint8Array.from(key.serialize().subarray(0, 129));
    v1[0] = 1;
    const back = BlsKeyPair.deserialize(v1);
    assert.deepEqual(back.publicKey, key.publicKey);
    assert.deepEqual(back.serialize(), key.serialize());
    const wrongPublic = Uint8Array.from(v1);
    wrongPublic[100] ^= 1;
    assert.throws(() => BlsKeyPair.deserialize(wrongPublic), /does not match/);
    const wrongSecret = Uint8Array.from(v1);
    wrongSecret[5] ^= 1;
    assert.throws(() => BlsKeyPair.deserialize(wrongSecret), RangeError);
  });

  test('signatures are noble\'s (its sign, with the subgroup check, gives the same bytes)', () => {
    const sk = key.serialize().subarray(1, 33);
    for (const m of ['', 'm', 'a longer message to sign'].map(utf8)) {
      assert.deepEqual(key.sign(m), bls12_381.shortSignatures.sign(bls12_381.shortSignatures.hash(m, 'BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_'), sk).toBytes(true));
    }
  });

  test('the public key is the generator times the secret, as noble computes it from its precomputed base', () => {
    for (const k of [key, BlsKeyPair.fromSeed(seed(3))]) {
      assert.deepEqual(k.publicKey, bls12_381.shortSignatures.getPublicKey(k.serialize().subarray(1, 33)).toBytes(true));
    }
  });

  test('secret keys must be scalars in [1, r-1]', () => {
    const r = bls12_381.fields.Fr.ORDER;
    const be = (n: bigint) => fromHex(n.toString(16).padStart(64, '0'));
    assert.throws(() => BlsKeyPair.fromSecretKey(be(0n)), RangeError);
    assert.throws(() => BlsKeyPair.fromSecretKey(be(r)), RangeError);
    assert.doesNotThrow(() => BlsKeyPair.fromSecretKey(be(r - 1n)));
    assert.throws(() => BlsKeyPair.fromSecretKey(new Uint8Array(31)), RangeError);
  });

  test('fromSeed takes a cached public key whose check matches, recomputes and offers it otherwise', () => {
    const entries = new Map<string, Uint8Array>();
    const cache = { get: (id: string) => entries.get(id), set: (id: string, e: Uint8Array) => { entries.set(id, Uint8Array.from(e)); } };
    const first = BlsKeyPair.fromSeed(seed(9), cache);
    assert.deepEqual(first.serialize(), key.serialize());
    assert.equal(entries.size, 1);
    const [[id, entry]] = [...entries];
    assert.match(id, /^[0-9a-f]{64}$/);
    assert.equal(entry.length, 112);
    assert.deepEqual(entry.subarray(0, 96), key.publicKey);
    assert.ok(!hex(entry).includes(hex(key.serialize().subarray(1, 33))), 'no secret in the cache');
    // A planted key with a valid-looking entry of another key is refused by the check: the id and check bind the secret.
    const other = BlsKeyPair.fromSeed(seed(3));
    entries.set(id, Uint8Array.from([...other.publicKey, ...entry.subarray(96)]));
    assert.deepEqual(BlsKeyPair.fromSeed(seed(9), cache).publicKey, key.publicKey);
    assert.deepEqual(entries.get(id), entry, 'the recomputed entry is offered back');
    // The cached key is used as it is: a valid entry short-circuits the derivation.
    let gets = 0;
    const counting = { get: (i: string) => { gets++; return entries.get(i); }, set: () => assert.fail('a valid entry is not written again') };
    assert.deepEqual(BlsKeyPair.fromSeed(seed(9), counting).sign(utf8('m')), key.sign(utf8('m')));
    assert.equal(gets, 1);
    entries.set(id, entry.subarray(1));
    assert.deepEqual(BlsKeyPair.fromSeed(seed(9), cache).publicKey, key.publicKey);
  });

  test('the secret key stays out of JSON and of the public getters', () => {
    const secret = hex(key.serialize().subarray(1, 33));
    assert.ok(!JSON.stringify(key).includes(secret));
    const copy = key.publicKey;
    copy[0] ^= 1;
    assert.notDeepEqual(copy, key.publicKey);
  });
});

describe('certificates', () => {
  // A certificate with only /time, signed as the replica will sign every round's.
  function leb128(n: bigint): Uint8Array {
    const out: number[] = [];
    do {
      const b = Number(n & 0x7fn);
      n >>= 7n;
      out.push(n === 0n ? b : b | 0x80);
    } while (n !== 0n);
    return Uint8Array.from(out);
  }
  function timeCertificate(signer: BlsKeyPair, nowNanos: bigint): Uint8Array {
    const label = utf8('time');
    const value = leb128(nowNanos);
    const rootHash = domainSeparated('ic-hashtree-labeled', label, domainSeparated('ic-hashtree-leaf', value));
    const tree = [2, label, [3, value]];
    return Cbor.encode({ tree, signature: signer.sign(stateRootMessage(rootHash)) });
  }

  test('stateRootMessage is 0x0d "ic-state-root" ‖ root hash', () => {
    const root = new Uint8Array(32).fill(1);
    assert.equal(hex(stateRootMessage(root)), '0d' + hex(utf8('ic-state-root')) + '01'.repeat(32));
    assert.throws(() => stateRootMessage(new Uint8Array(31)), RangeError);
  });

  test('@dfinity/agent Certificate.create verifies a certificate we sign, under our DER root key', async () => {
    const key = BlsKeyPair.fromSeed(seed(11));
    const now = BigInt(Date.now()) * 1_000_000n;
    const cert = await Certificate.create({
      certificate: timeCertificate(key, now),
      rootKey: key.publicKeyDer,
      canisterId: Principal.fromText('aaaaa-aa'),
    });
    assert.ok(cert.lookup_path(['time']));
  });

  test('@dfinity/agent rejects it under another root key', async () => {
    const key = BlsKeyPair.fromSeed(seed(11));
    const now = BigInt(Date.now()) * 1_000_000n;
    await assert.rejects(Certificate.create({
      certificate: timeCertificate(key, now),
      rootKey: BlsKeyPair.fromSeed(seed(12)).publicKeyDer,
      canisterId: Principal.fromText('aaaaa-aa'),
    }), /Invalid signature/);
  });
});
