import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { encodeWithSelfDescribedTag } from '@dfinity/cbor';
import { AttributesIdentity, Delegation, DelegationChain, DelegationIdentity, Ed25519KeyIdentity } from '@icp-sdk/core/identity';
import type { DerEncodedPublicKey, Signature } from '@icp-sdk/core/agent';
import { Cbor, HttpAgent } from '@icp-sdk/core/agent';
import { Principal } from '@icp-sdk/core/principal';
import { BlsKeyPair, concatBytes, domainSeparator, sha256, stateRootMessage } from '../../crypto/index.ts';
import { digest, encodeCertificate, fork, hashTreeToCbor, labeled, leaf } from '../../state-manager/index.ts';
import type { HashTree } from '../../state-manager/index.ts';
import { CanisterId } from '../../types/index.ts';
import { authenticate } from './authenticate.ts';
import { delegationHash } from './envelope.ts';
import { canisterSigPublicKeyDer, parsePublicKey } from './public-key.ts';
import type { TestKey } from './test-support.ts';
import { CANISTER, NOW, ROOT, ROOT_KEY, callContent, delegate, ed25519Key, envelope } from './test-support.ts';

const utf8 = (s: string) => new TextEncoder().encode(s);
const II = CanisterId.fromU64(7n);
const SEED = utf8('user 10000 at example.org');

interface CertOptions {
  readonly key?: BlsKeyPair;
  readonly certifiedData?: Uint8Array;
  readonly delegation?: boolean;
  readonly signedMessage?: Uint8Array;
}

/** The signature tree of one message: /sig/<H(seed)>/<H(message)> = "". */
const sigTree = (seed: Uint8Array, message: Uint8Array): HashTree =>
  labeled(utf8('sig'), labeled(sha256(seed), labeled(sha256(message), leaf(new Uint8Array(0)))));

/** A canister signature of `message` by `canister` with `seed`, certified by the root key (or `opts.key`). */
function canisterSignature(canister: CanisterId, seed: Uint8Array, message: Uint8Array, opts: CertOptions = {}): Uint8Array {
  const tree = sigTree(seed, opts.signedMessage ?? message);
  const stateTree = fork(
    labeled(utf8('canister'), labeled(canister.toUint8Array(), labeled(utf8('certified_data'), leaf(opts.certifiedData ?? digest(tree))))),
    labeled(utf8('time'), leaf(Uint8Array.of(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0xa8, 0x17))),
  );
  const signature = (opts.key ?? ROOT).sign(stateRootMessage(digest(stateTree)));
  const certificate = opts.delegation
    ? encodeWithSelfDescribedTag({ tree: hashTreeToCbor(stateTree) as never, signature, delegation: { subnet_id: Uint8Array.of(1), certificate: Uint8Array.of(2) } })
    : encodeCertificate({ tree: stateTree, signature });
  return encodeWithSelfDescribedTag({ certificate, tree: hashTreeToCbor(tree) as never });
}

function canisterKey(canister = II, seed = SEED, opts: CertOptions = {}): TestKey {
  return { der: canisterSigPublicKeyDer(canister, seed), sign: (m) => canisterSignature(canister, seed, m, opts) };
}

const OPTS = { requestType: 'call' as const, effectiveCanisterId: CANISTER, now: NOW, rootKey: ROOT_KEY };

describe('canister signatures', () => {
  it('parse as keys naming the signing canister and the seed', () => {
    const r = parsePublicKey(canisterSigPublicKeyDer(II, SEED));
    assert.ok(r.ok && r.key.kind === 'IcCanisterSignature');
    assert.ok(r.key.signingCanister.equals(II));
    assert.deepEqual(r.key.seed, SEED);
  });

  it('authenticate an Internet-Identity-style sender: canister signature on a delegation to a session key', () => {
    const user = canisterKey();
    const session = ed25519Key(5);
    const r = authenticate(envelope(callContent(user), { key: user, delegations: [delegate(user, session)], signer: session }), OPTS);
    assert.ok(r.ok, r.ok ? '' : r.error.message);
  });

  it('authenticate a request the canister signed directly (root key raw or DER)', () => {
    const user = canisterKey();
    for (const rootKey of [ROOT_KEY, ROOT.publicKeyDer]) {
      const r = authenticate(envelope(callContent(user), { key: user }), { ...OPTS, rootKey });
      assert.ok(r.ok, r.ok ? '' : r.error.message);
    }
  });

  it('refuse certificates not signed by the root key, mismatched certified data, missing entries, delegated certificates', () => {
    const session = ed25519Key(5);
    const cases: [CertOptions, RegExp][] = [
      [{ key: BlsKeyPair.fromSeed(new Uint8Array(32).fill(8)) }, /certificate verification failed: invalid BLS signature under the root key$/],
      [{ certifiedData: new Uint8Array(32) }, /certificate verification failed: certified data of canister .* does not match the signature tree$/],
      [{ signedMessage: utf8('something else') }, /the signature tree does not contain \/sig\/<SHA-256\(seed\)>\/<SHA-256\(message\)>$/],
    ];
    for (const [opts, pattern] of cases) {
      const user = canisterKey(II, SEED, opts);
      const r = authenticate(envelope(callContent(user), { key: user, delegations: [delegate(user, session)], signer: session }), OPTS);
      assert.ok(!r.ok && r.error.status === 400);
      assert.ok(r.error.message.startsWith('Invalid delegation: Invalid canister signature: IcCanisterSignature signature could not be verified: public key '), r.error.message);
      assert.match(r.error.message, pattern);
    }
    const delegated = canisterKey(II, SEED, { delegation: true });
    const r = authenticate(envelope(callContent(delegated), { key: delegated, delegations: [delegate(delegated, session)], signer: session }), OPTS);
    assert.ok(!r.ok);
    assert.match(r.error.message,
      /^Invalid delegation: Invalid canister signature: Malformed IcCanisterSignature signature: \[[0-9a-f]+\] error: 'malformed certificate: certificates with a delegation are not supported'$/);
    const user = canisterKey();
    const malformed = authenticate(envelope(callContent(user), { key: user, sig: Uint8Array.of(0xa0) }), OPTS);
    assert.ok(!malformed.ok);
    assert.equal(malformed.error.message,
      "Invalid signature: Invalid canister signature: Malformed IcCanisterSignature signature: [a0] error: 'failed to parse canister signature: missing field `certificate` or not a byte string'");
  });
});

describe('sender_info (AttributesIdentity of @icp-sdk/core)', () => {
  /** An II-style identity: canister-signature root key, delegation to a session key, attributes signed by the canister. */
  async function attributesIdentity(signer: CanisterId, attributesSig?: (info: Uint8Array) => Uint8Array): Promise<AttributesIdentity> {
    const session = Ed25519KeyIdentity.generate();
    const rootDer = canisterSigPublicKeyDer(II, SEED);
    const delegation = new Delegation(session.getPublicKey().toDer(), BigInt(Date.now() + 600_000) * 1_000_000n);
    const hash = delegationHash({ pubkey: delegation.pubkey, expiration: delegation.expiration });
    const signature = canisterSignature(II, SEED, concatBytes(domainSeparator('ic-request-auth-delegation'), hash)) as Signature;
    const chain = DelegationChain.fromDelegations([{ delegation, signature }], rootDer as DerEncodedPublicKey);
    const info = utf8('email=user@example.org');
    const sig = attributesSig?.(info) ?? canisterSignature(II, SEED, concatBytes(domainSeparator('ic-sender-info'), info));
    return new AttributesIdentity({
      inner: DelegationIdentity.fromDelegation(session, chain),
      attributes: { data: info, signature: sig },
      signer: { canisterId: Principal.fromText(signer.toText()) },
    });
  }

  async function callBody(identity: AttributesIdentity): Promise<Uint8Array> {
    const bodies: Uint8Array[] = [];
    const fetch = async (_url: unknown, init?: RequestInit) => {
      bodies.push(Uint8Array.from(init?.body as Uint8Array));
      return new Response(null, { status: 202 });
    };
    const agent = new HttpAgent({ host: 'http://127.0.0.1:4943', fetch: fetch as typeof globalThis.fetch, identity });
    await agent.call(Principal.fromText(CANISTER.toText()), { methodName: 'whoami', arg: new Uint8Array(0) });
    const decoded = Cbor.decode(bodies[0]) as { content: Record<string, unknown> };
    assert.ok(decoded.content.sender_info !== undefined);
    return bodies[0];
  }

  const now = () => BigInt(Date.now()) * 1_000_000n;

  it('is verified as a canister signature of ds("ic-sender-info") ‖ info under sender_pubkey', async () => {
    const r = authenticate(await callBody(await attributesIdentity(II)), { ...OPTS, now: now() });
    assert.ok(r.ok, r.ok ? '' : r.error.message);
    assert.ok(r.value.content.requestType === 'call' && r.value.content.senderInfo !== undefined);
  });

  it('is refused when signer is not the canister of sender_pubkey, or the signature is wrong', async () => {
    const wrongSigner = authenticate(await callBody(await attributesIdentity(CANISTER)), { ...OPTS, now: now() });
    assert.ok(!wrongSigner.ok);
    assert.equal(wrongSigner.error.message,
      `Invalid sender info: signer ${Buffer.from(CANISTER.toUint8Array()).toString('hex')} does not match canister ID ${II.toText()} in sender_pubkey`);
    const badSig = await attributesIdentity(II, (info) => canisterSignature(II, SEED, info));
    const r = authenticate(await callBody(badSig), { ...OPTS, now: now() });
    assert.ok(!r.ok);
    assert.match(r.error.message, /^Invalid sender info: signature verification failed: IcCanisterSignature signature could not be verified: .*the signature tree does not contain/);
  });

  it('needs a canister-signature sender_pubkey', () => {
    const key = ed25519Key(1);
    const content = callContent(key, { sender_info: { info: Uint8Array.of(1), signer: II.toUint8Array(), sig: Uint8Array.of(2) } });
    const r = authenticate(envelope(content, { key }), OPTS);
    assert.deepEqual(r, { ok: false, error: { status: 400, message: 'Invalid sender info: sender_pubkey is not a canister signature public key' } });
  });
});
