// Requests built and signed by the real clients — @icp-sdk/core 6 and
// @dfinity/agent 3 — authenticate. The agents post to a fake `fetch` that
// keeps the body; read_state bodies come from `createReadStateRequest`.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AnonymousIdentity, Cbor, HttpAgent, requestIdOf } from '@icp-sdk/core/agent';
import type { Identity } from '@icp-sdk/core/agent';
import { DelegationChain, DelegationIdentity, ECDSAKeyIdentity, Ed25519KeyIdentity } from '@icp-sdk/core/identity';
import { Secp256k1KeyIdentity } from '@icp-sdk/core/identity/secp256k1';
import { Principal } from '@icp-sdk/core/principal';
import * as legacy from '@dfinity/agent';
import { PrincipalId } from '../../types/index.ts';
import { authenticate } from './authenticate.ts';
import type { AuthenticateOptions, AuthenticatedRequest } from './authenticate.ts';
import type { RequestType } from './envelope.ts';
import { CANISTER, OTHER_CANISTER, ROOT_KEY } from './test-support.ts';

const HOST = 'http://127.0.0.1:4943';
const TARGET = Principal.fromText(CANISTER.toText());
const OTHER = Principal.fromText(OTHER_CANISTER.toText());
const QUERY_REPLY = Cbor.encode({ status: 'replied', reply: { arg: new Uint8Array(0) }, signatures: [] });

interface Posted { readonly url: string; readonly body: Uint8Array }

/** A fetch that records request bodies: 202 to calls, an (unsigned) reply to queries. */
function recorder(): { posted: Posted[]; fetch: typeof fetch } {
  const posted: Posted[] = [];
  const fake = async (url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    posted.push({ url: String(url), body: Uint8Array.from(init?.body as Uint8Array) });
    return String(url).endsWith('/query') ? new Response(QUERY_REPLY, { status: 200 }) : new Response(null, { status: 202 });
  };
  return { posted, fetch: fake as typeof fetch };
}

const wallClockNanos = () => BigInt(Date.now()) * 1_000_000n;

function check(body: Uint8Array, requestType: RequestType, ecid = CANISTER): ReturnType<typeof authenticate> {
  const opts: AuthenticateOptions = { requestType, effectiveCanisterId: ecid, now: wallClockNanos(), rootKey: ROOT_KEY };
  return authenticate(body, opts);
}

function accepted(body: Uint8Array, requestType: RequestType, ecid = CANISTER): AuthenticatedRequest {
  const r = check(body, requestType, ecid);
  assert.ok(r.ok, r.ok ? '' : `${requestType} refused: ${r.error.status} ${r.error.message}`);
  return r.value;
}

type AgentKind = 'core' | 'legacy';

/** Call, query and read_state bodies as `kind`'s HttpAgent builds them for `identity`. */
async function bodies(kind: AgentKind, identity: Identity, canister = TARGET): Promise<Record<RequestType, Uint8Array>> {
  const { posted, fetch } = recorder();
  const options = { host: HOST, fetch, identity, verifyQuerySignatures: false, retryTimes: 0 };
  const arg = Uint8Array.of(0x44, 0x49, 0x44, 0x4c, 0, 0);
  const paths = [[new TextEncoder().encode('time')]];
  if (kind === 'core') {
    const agent = new HttpAgent(options);
    await agent.call(canister, { methodName: 'greet', arg });
    await agent.query(canister, { methodName: 'read', arg });
    const rs = await agent.createReadStateRequest({ paths });
    return { call: posted[0].body, query: posted[1].body, read_state: Cbor.encode(rs.body) };
  }
  const agent = new legacy.HttpAgent(options as unknown as legacy.HttpAgentOptions);
  await agent.call(canister.toText(), { methodName: 'greet', arg });
  await agent.query(canister.toText(), { methodName: 'read', arg });
  const rs = await agent.createReadStateRequest({ paths }, identity as unknown as legacy.Identity);
  return { call: posted[0].body, query: posted[1].body, read_state: legacy.Cbor.encode(rs.body) };
}

async function allAccepted(kind: AgentKind, identity: Identity): Promise<AuthenticatedRequest[]> {
  const b = await bodies(kind, identity);
  const sender = PrincipalId.fromUint8Array(identity.getPrincipal().toUint8Array());
  return (['call', 'query', 'read_state'] as const).map((type) => {
    const r = accepted(b[type], type);
    assert.ok(r.sender.equals(sender), `${type}: sender ${r.sender.toText()} is not ${sender.toText()}`);
    assert.equal(r.content.requestType, type);
    return r;
  });
}

async function delegated(): Promise<DelegationIdentity> {
  const root = Ed25519KeyIdentity.generate();
  const middle = await ECDSAKeyIdentity.generate();
  const session = Ed25519KeyIdentity.generate();
  const inAnHour = new Date(Date.now() + 3_600_000);
  const first = await DelegationChain.create(root, middle.getPublicKey(), inAnHour, { targets: [TARGET, OTHER] });
  const chain = await DelegationChain.create(middle, session.getPublicKey(), inAnHour, { previous: first, targets: [TARGET] });
  assert.equal(chain.delegations.length, 2);
  return DelegationIdentity.fromDelegation(session, chain);
}

for (const kind of ['core', 'legacy'] as const) {
  describe(`requests from ${kind === 'core' ? '@icp-sdk/core 6' : '@dfinity/agent 3'} authenticate`, () => {
    it('AnonymousIdentity', async () => {
      const identity = kind === 'core' ? new AnonymousIdentity() : (new legacy.AnonymousIdentity() as unknown as Identity);
      for (const r of await allAccepted(kind, identity)) assert.equal(r.authentication.kind, 'anonymous');
    });

    it('Ed25519KeyIdentity', async () => {
      const [call] = await allAccepted(kind, Ed25519KeyIdentity.generate());
      assert.equal(call.authentication.kind, 'signed');
    });

    it('Secp256k1KeyIdentity', async () => {
      await allAccepted(kind, Secp256k1KeyIdentity.generate());
    });

    it('ECDSAKeyIdentity (P-256 through WebCrypto)', async () => {
      for (let i = 0; i < 4; i++) await allAccepted(kind, await ECDSAKeyIdentity.generate());
    });

    it('DelegationIdentity: a chain of 2 with targets', async () => {
      const identity = await delegated();
      const [call] = await allAccepted(kind, identity);
      assert.ok(!call.targets.all && call.targets.ids.length === 1 && call.targets.ids[0].equals(CANISTER));
      const other = await bodies(kind, identity, OTHER);
      const refused = check(other.call, 'call', OTHER_CANISTER);
      assert.deepEqual(refused, { ok: false, error: { status: 400, message: `Canister '${OTHER_CANISTER.toText()}' is not one of the delegation targets.` } });
    });
  });
}

describe('request ids agree with the agent', () => {
  it('for a delegation with permissions (core 6), which is part of the delegation hash', async () => {
    const root = Ed25519KeyIdentity.generate();
    const session = Ed25519KeyIdentity.generate();
    const chain = await DelegationChain.create(root, session.getPublicKey(), new Date(Date.now() + 60_000), { permissions: 'queries' });
    const b = await bodies('core', DelegationIdentity.fromDelegation(session, chain));
    const r = accepted(b.query, 'query');
    const decoded = Cbor.decode(b.query) as { content: Record<string, unknown> };
    assert.deepEqual(r.requestId, requestIdOf(decoded.content as never));
    assert.ok(r.authentication.kind === 'signed' && r.authentication.senderDelegation?.[0].delegation.permissions === 'queries');
  });
});
